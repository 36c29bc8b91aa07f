package join

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestTableReloadKeepsRowsOnFailure(t *testing.T) {
	var calls atomic.Int32
	load := func() (map[string]int, error) {
		switch calls.Add(1) {
		case 1:
			return map[string]int{"a": 1}, nil
		case 2:
			return nil, errors.New("file is gone")
		}
		return map[string]int{"a": 2, "b": 3}, nil
	}
	tbl, err := NewTable("t", load, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tbl.Rows()["a"]; got != 1 {
		t.Fatalf("first load: a = %d, want 1", got)
	}
	if err := tbl.Reload(); err == nil {
		t.Fatal("a failed reload reports no error")
	}
	if rows := tbl.Rows(); len(rows) != 1 || rows["a"] != 1 {
		t.Fatalf("after a failed reload: %v, want the old rows", rows)
	}
	if err := tbl.Reload(); err != nil {
		t.Fatal(err)
	}
	if rows := tbl.Rows(); len(rows) != 2 || rows["b"] != 3 {
		t.Fatalf("after a reload: %v", rows)
	}
	if !tbl.Exhausted() {
		t.Error("a table must never keep a run going")
	}
}

func TestTableFirstLoadFails(t *testing.T) {
	_, err := NewTable("t", func() (map[string]int, error) { return nil, errors.New("no file") }, 0, nil)
	if err == nil {
		t.Fatal("NewTable succeeded without its rows")
	}
}

func TestTableRefreshesInBackground(t *testing.T) {
	var n atomic.Int64
	load := func() (map[string]int64, error) { return map[string]int64{"n": n.Add(1)}, nil }
	tbl, err := NewTable("t", load, time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tbl.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for tbl.Rows()["n"] < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	tbl.Stop()
	if got := tbl.Rows()["n"]; got < 3 {
		t.Errorf("after the refreshes, n = %d, want at least 3", got)
	}
}
