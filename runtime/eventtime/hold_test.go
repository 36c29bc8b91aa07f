package eventtime

import (
	"slices"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

func TestBatchOf(t *testing.T) {
	h := NewHold[string](time.Second, 500)
	for _, c := range []struct{ e, want rt.Time }{
		{1500, 1500}, {1499, 1500}, {501, 1500}, {500, 500}, {1501, 2500},
		{0, 500}, {-499, 500}, {-500, -500}, {-1000, -500},
	} {
		if got := h.BatchOf(c.e); got != c.want {
			t.Errorf("BatchOf(%d) = %d, want %d", c.e, got, c.want)
		}
	}
}

// TestHoldBatchByBatch feeds elements whose timestamps are their names' numbers and
// checks each batch's due elements, the held count and the late count: the due batch
// runs 2 s (lag) behind arrival, interval 1 s, zero 0.
func TestHoldBatchByBatch(t *testing.T) {
	type x struct {
		name string
		at   rt.Time
	}
	h := NewHold[x](time.Second, 0)
	steps := []struct {
		due     rt.Time // the event-time batch due (arrival time − 2 s)
		arrived []x
		want    []string
		held    int
		late    int64
	}{
		// Arrival 1000: batch −1000 is due; a record of −1500 is due, 500 held for 1000,
		// 3000 held for 3000.
		{-1000, []x{{"a", 500}, {"b", -1500}, {"c", 3000}}, []string{"b"}, 2, 0},
		// Arrival 2000: batch 0 due: nothing held for it; −2500 is late.
		{0, []x{{"d", -2500}, {"e", 0}}, []string{"e"}, 2, 1},
		// Arrival 3000: batch 1000 due: a (held) first, then f.
		{1000, []x{{"f", 1000}, {"g", 1001}}, []string{"a", "f"}, 2, 0},
		{2000, nil, []string{"g"}, 1, 0},
		{3000, []x{{"h", 2000}, {"i", 2999}}, []string{"c", "i"}, 0, 1},
		{4000, nil, nil, 0, 0},
	}
	for _, s := range steps {
		h.Begin(s.due)
		for _, e := range s.arrived {
			h.Add(e, e.at)
		}
		var got []string
		for _, e := range h.Due() {
			got = append(got, e.name)
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("batch %d: due %v, want %v", s.due, got, s.want)
		}
		if h.Held() != s.held {
			t.Errorf("batch %d: %d held, want %d", s.due, h.Held(), s.held)
		}
		if late := h.TakeLate(); late != s.late {
			t.Errorf("batch %d: %d late, want %d", s.due, late, s.late)
		}
	}
}

func TestHoldRestore(t *testing.T) {
	h := NewHold[int](time.Second, 0)
	h.Begin(1000)
	for _, e := range []rt.Time{3000, 2000, 3000, 2500} {
		h.Add(int(e), e)
	}
	if got, want := h.Times(), []rt.Time{2000, 3000}; !slices.Equal(got, want) {
		t.Fatalf("Times = %v, want %v", got, want)
	}
	r := NewHold[int](time.Second, 0)
	r.Restore(0, h.Snapshot())
	r.Begin(2000)
	if got := r.Due(); !slices.Equal(got, []int{2000}) {
		t.Errorf("after restore, batch 2000 due %v", got)
	}
	r.Begin(3000)
	if got := r.Due(); !slices.Equal(got, []int{3000, 3000, 2500}) {
		t.Errorf("after restore, batch 3000 due %v", got)
	}
	// A restart with a longer interval can skip a held batch: its elements are late.
	s := NewHold[int](time.Second, 0)
	s.addHeld(5000, []int{1, 2})
	s.Begin(6000)
	if late := s.TakeLate(); late != 2 || s.Held() != 0 {
		t.Errorf("skipped batch: late %d, held %d; want 2, 0", late, s.Held())
	}
}

func TestLag(t *testing.T) {
	for _, c := range []struct{ l, i, want time.Duration }{
		{0, time.Second, 0}, {time.Second, time.Second, time.Second},
		{1500 * time.Millisecond, time.Second, 2 * time.Second}, {10 * time.Second, 2 * time.Second, 10 * time.Second},
	} {
		if got := Lag(c.l, c.i); got != c.want {
			t.Errorf("Lag(%v, %v) = %v, want %v", c.l, c.i, got, c.want)
		}
	}
}
