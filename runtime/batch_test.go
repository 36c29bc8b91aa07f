package runtime_test

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 64} {
		counts := make([]atomic.Int32, n)
		if err := rt.Parallel(n, func(p int) error { counts[p].Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
		for p := range counts {
			if c := counts[p].Load(); c != 1 {
				t.Errorf("n=%d: partition %d ran %d times", n, p, c)
			}
		}
	}
}

func TestParallelLowestError(t *testing.T) {
	for range 20 {
		err := rt.Parallel(8, func(p int) error {
			switch p {
			case 2:
				time.Sleep(2 * time.Millisecond) // fails last
				return errors.New("partition 2")
			case 5, 7:
				return fmt.Errorf("partition %d", p)
			}
			return nil
		})
		if err == nil || err.Error() != "partition 2" {
			t.Fatalf("err = %v, want partition 2's", err)
		}
	}
}

func TestParallelRecoversPanic(t *testing.T) {
	for _, n := range []int{1, 4} {
		err := rt.Parallel(n, func(p int) error {
			if p == n-1 {
				var m map[string]int
				m["x"] = 1
			}
			return nil
		})
		var pe *rt.PanicError
		if !errors.As(err, &pe) || err.Error() != "panic: assignment to entry in nil map" || len(pe.Stack) == 0 {
			t.Errorf("n=%d: err = %v", n, err)
		}
	}
}

var (
	opA = rt.Op{Pos: "clicks.stream:7:12", Name: "reduceByKey"}
	opB = rt.Op{Pos: "clicks.stream:6:3", Name: "map"}
)

func TestGuard(t *testing.T) {
	div := func(d int) (err error) {
		defer rt.Guard(opA, &err)
		_ = 10 / d
		if d == 2 {
			return errors.New("bad value")
		}
		return nil
	}
	err := div(0)
	var oe *rt.OpError
	if !errors.As(err, &oe) || oe.Pos != opA.Pos || oe.Op != "reduceByKey" ||
		err.Error() != "clicks.stream:7:12: reduceByKey: panic: runtime error: integer divide by zero" {
		t.Errorf("panic: err = %v", err)
	}
	var re interface{ RuntimeError() }
	if !errors.As(err, &re) {
		t.Error("the runtime.Error is not reachable with errors.As")
	}
	if err := div(2); err == nil || err.Error() != "clicks.stream:7:12: reduceByKey: bad value" {
		t.Errorf("returned error: %v", err)
	}
	if err := div(1); err != nil {
		t.Errorf("no error: %v", err)
	}
	// An error already attributed deeper keeps its position.
	inner := rt.Wrap(opB, io.EOF)
	if rt.Wrap(opA, fmt.Errorf("reading: %w", inner)).Error() != "reading: clicks.stream:6:3: map: EOF" || rt.Wrap(opA, nil) != nil {
		t.Error("Wrap re-attributed an OpError")
	}
	if !errors.Is(inner, io.EOF) {
		t.Error("OpError does not unwrap")
	}
}

func TestGuardFused(t *testing.T) {
	ops := []rt.Op{opB, opA}
	run := func(failAt int) (err error) {
		cur := 0
		defer rt.GuardFused(ops, &cur, &err)
		for i := range 2 {
			cur = i
			if i == failAt {
				panic(fmt.Sprintf("boom in %d", i))
			}
		}
		return nil
	}
	if err := run(1); err == nil || err.Error() != "clicks.stream:7:12: reduceByKey: panic: boom in 1" {
		t.Errorf("err = %v", err)
	}
	if err := run(0); err == nil || err.Error() != "clicks.stream:6:3: map: panic: boom in 0" {
		t.Errorf("err = %v", err)
	}
	if err := run(-1); err != nil {
		t.Errorf("err = %v", err)
	}
}

func TestBatchAddInput(t *testing.T) {
	ctx := rt.NewContext(&rt.Pipeline{Name: "x"}, rt.Settings{Batch: time.Second}, io.Discard, nil)
	b := ctx.NewBatch(5000, 4)
	if err := b.Parallel(4, func(p int) error { b.AddInput(p + 1); return nil }); err != nil {
		t.Fatal(err)
	}
	if b.Input() != 10 || ctx.Metrics.RecordsIn.Load() != 10 || b.Time != 5000 || b.Index != 4 ||
		b.Interval != time.Second || b.Partitions < 1 || b.Context() != ctx {
		t.Errorf("batch %+v, records in %d", b, ctx.Metrics.RecordsIn.Load())
	}
	if rt.Len([][]int{{1, 2}, nil, {3}}) != 3 {
		t.Error("Len")
	}
}

func TestTime(t *testing.T) {
	tm := rt.Time(1500)
	if tm.String() != "1500 ms" || tm.Millis() != 1500 || tm.Add(time.Second) != 2500 ||
		rt.Time(2500).Sub(tm) != time.Second || tm.Floor(time.Second) != 1000 || rt.Time(-1).Floor(time.Second) != -1000 {
		t.Error("Time arithmetic")
	}
	if got := tm.Go(); !got.Equal(time.UnixMilli(1500)) || got.Location() != time.UTC || rt.TimeOf(got) != tm {
		t.Errorf("Go() = %v", got)
	}
}

func TestBadRecordPolicy(t *testing.T) {
	for _, s := range []string{"fail", "skip", `deadLetter("bad.jsonl")`} {
		p, err := rt.ParseBadRecordPolicy(s)
		if err != nil || p.String() != s {
			t.Errorf("%s: %v %v", s, p, err)
		}
	}
	if p, err := rt.ParseBadRecordPolicy("deadLetter(x/bad.jsonl)"); err != nil || p.Path != "x/bad.jsonl" {
		t.Errorf("unquoted path: %v %v", p, err)
	}
	for _, s := range []string{"", "deadLetter()", "drop"} {
		if _, err := rt.ParseBadRecordPolicy(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
