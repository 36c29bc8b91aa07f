package kafka

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestRangeLog checks that logged ranges come back as hints, that a torn last line is
// ignored, and that CheckpointDone drops the batches every kept checkpoint covers.
func TestRangeLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal", "kafka-ranges")
	s := &Source{cfg: SourceConfig{RangeLog: path}}
	for _, br := range []BatchRanges{
		{Time: 1000, Ranges: []Range{{0, 0, 5}, {1, 0, 3}}},
		{Time: 2000},
		{Time: 3000, Ranges: []Range{{0, 5, 9}}},
	} {
		if err := s.logRanges(br); err != nil {
			t.Fatal(err)
		}
	}
	s.rangeLog.Close()
	s.rangeLog = nil
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("4000 0:9") // a crash in the middle of a line
	f.Close()

	r := &Source{cfg: SourceConfig{RangeLog: path}}
	if err := r.loadRangeLog(); err != nil {
		t.Fatal(err)
	}
	want := map[int64]BatchRanges{
		1000: {Time: 1000, Ranges: []Range{{0, 0, 5}, {1, 0, 3}}},
		2000: {Time: 2000},
		3000: {Time: 3000, Ranges: []Range{{0, 5, 9}}},
	}
	if !reflect.DeepEqual(r.hints, want) {
		t.Errorf("hints = %v, want %v", r.hints, want)
	}
	if data := mustRead(t, path); data[len(data)-1] != '\n' {
		t.Errorf("the torn line was not cut off: %q", data)
	}
	if err := r.CheckpointDone(2000); err != nil {
		t.Fatal(err)
	}
	if got := parseRangeLog(mustRead(t, path)); !reflect.DeepEqual(got, []BatchRanges{want[3000]}) {
		t.Errorf("after CheckpointDone(2000): %v", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
