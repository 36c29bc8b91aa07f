package sqlsink_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"streamc.dev/streamc/runtime/connector/sqlsink"
)

func TestParams(t *testing.T) {
	for sql, want := range map[string]int{
		"insert into t values ($1, $2)":                       2,
		"insert into t values (?1, ?2, ?3)":                   3,
		"insert into t values (?, ?)":                         2,
		"update t set a = $2 where b = $1 and c = $2":         2,
		"insert into t values ('$9', $1) -- $7\n":             1,
		"insert into t values (\"?5\", $1) /* $8 ? */":        1,
		"select $tag$ $5 $tag$, $1":                           1,
		"insert into counts(word, n) values ($1, $12)":        12,
		"delete from t":                                       0,
		"insert into t values (E'it''s', $2)":                 2,
		"select id from users where id = any($1)":             1,
		"insert into t(a) values ($1) on conflict do nothing": 1,
	} {
		if got := sqlsink.Params(sql); got != want {
			t.Errorf("Params(%q) = %d, want %d", sql, got, want)
		}
	}
}

func TestRetry(t *testing.T) {
	transient := errors.New("busy")
	fatal := errors.New("constraint")
	isTransient := func(err error) bool { return errors.Is(err, transient) }
	r := sqlsink.Retry{Attempts: 4, Initial: time.Millisecond, Max: 2 * time.Millisecond}

	calls := 0
	n, err := r.Do(context.Background(), isTransient, func() error {
		calls++
		if calls < 3 {
			return transient
		}
		return nil
	})
	if err != nil || n != 3 || calls != 3 {
		t.Fatalf("transient then success: attempts %d, calls %d, %v", n, calls, err)
	}
	calls = 0
	n, err = r.Do(context.Background(), isTransient, func() error { calls++; return fatal })
	if !errors.Is(err, fatal) || n != 1 {
		t.Fatalf("fatal error: attempts %d, %v", n, err)
	}
	n, err = r.Do(context.Background(), isTransient, func() error { return transient })
	if !errors.Is(err, transient) || n != 4 {
		t.Fatalf("always transient: attempts %d, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err = sqlsink.Retry{Attempts: 10, Initial: time.Hour}.Do(ctx, isTransient, func() error { return transient })
	if n != 1 || !errors.Is(err, transient) {
		t.Fatalf("cancelled context: attempts %d, %v", n, err)
	}
}

func TestLookupCacheAndTable(t *testing.T) {
	fetched := [][]string{}
	var queries = &countingInt{}
	c := sqlsink.NewLookupCache(func(ctx context.Context, keys []string, put func(string, int)) error {
		fetched = append(fetched, append([]string(nil), keys...))
		for _, k := range keys {
			if k != "missing" {
				put(k, len(k))
			}
		}
		return nil
	}, &queries.Int64)
	c.Reset()
	for _, k := range []string{"a", "bb", "a", "missing", "bb"} {
		c.Add(k)
	}
	if err := c.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Add("a")
	c.Add("missing")
	c.Fetch(context.Background())
	if len(fetched) != 1 || len(fetched[0]) != 3 || queries.Load() != 1 {
		t.Fatalf("fetches %v, queries %d", fetched, queries.Load())
	}
	if v, ok := c.Get("bb"); !ok || v != 2 {
		t.Fatalf("bb = %d %v", v, ok)
	}
	if _, ok := c.Get("missing"); ok {
		t.Fatal("missing found")
	}

	version := 0
	tbl := sqlsink.NewTable("t", 0, nil, func(context.Context) (map[string]int, error) {
		version++
		if version == 3 {
			return nil, errors.New("source gone")
		}
		return map[string]int{"v": version}, nil
	})
	if err := tbl.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := tbl.Get("v"); v != 1 {
		t.Fatalf("v = %d", v)
	}
	old := tbl.Snapshot()
	if err := tbl.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := tbl.Get("v"); v != 2 || old["v"] != 1 {
		t.Fatalf("after reload v = %d; old snapshot %v", v, old)
	}
	if err := tbl.Reload(context.Background()); err == nil {
		t.Fatal("failed reload reported no error")
	}
	if v, _ := tbl.Get("v"); v != 2 || tbl.Loads() != 2 {
		t.Fatalf("failed reload replaced the rows: v = %d, loads %d", v, tbl.Loads())
	}
	tbl.Stop()
}

// TestIsolate: bisection writes every good row, rejects exactly the bad ones, and stops
// at an error that is not record-level.
func TestIsolate(t *testing.T) {
	bad := map[int]bool{3: true, 4: true, 17: true}
	recordErr, connErr := errors.New("record"), errors.New("conn")
	classify := func(err error) sqlsink.ErrorClass {
		if err == recordErr {
			return sqlsink.Record
		}
		return sqlsink.Other
	}
	var written, rejected []int
	write := func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if bad[i] {
				return recordErr
			}
		}
		for i := lo; i < hi; i++ {
			written = append(written, i)
		}
		return nil
	}
	err := sqlsink.Isolate(20, recordErr, classify, write, func(i int, err error) error { rejected = append(rejected, i); return nil })
	if err != nil || len(written) != 17 || fmt.Sprint(rejected) != "[3 4 17]" {
		t.Fatalf("err %v, written %v, rejected %v", err, written, rejected)
	}
	for k := 1; k < len(written); k++ {
		if written[k] <= written[k-1] {
			t.Fatalf("rows written out of order: %v", written)
		}
	}
	err = sqlsink.Isolate(20, recordErr, classify, func(lo, hi int) error { return connErr }, func(int, error) error { return nil })
	if err != connErr {
		t.Fatalf("a connection error during isolation: %v", err)
	}
	if got := sqlsink.RenderRow([]any{"a\xff\x00", int64(3), nil}); got != `("a\xff\x00", 3, null)` {
		t.Fatalf("RenderRow = %s", got)
	}
}
