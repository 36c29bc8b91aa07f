package runtime_test

import (
	"bytes"
	"strings"
	"testing"

	rt "streamc.dev/streamc/runtime"
)

// The driver runs the same batches as the engine under --replay: same times, same
// output, and the sources report exhaustion when the queue is empty.
func TestDriverMatchesEngine(t *testing.T) {
	var want, stderr bytes.Buffer
	if code := rt.RunMain(wordcountPipeline, []string{"--replay", "--log-level", "error"}, &want, &stderr); code != 0 {
		t.Fatalf("RunMain: exit %d\n%s", code, stderr.String())
	}
	var got bytes.Buffer
	d, err := rt.NewDriver(wordcountPipeline, &got, nil)
	if err != nil {
		t.Fatal(err)
	}
	var inputs []int64
	for !d.Exhausted() {
		n, err := d.Step()
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, n)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("driver output:\n%s\nengine output:\n%s", got.String(), want.String())
	}
	if len(inputs) != 3 || inputs[0] != 2 || inputs[1] != 0 || inputs[2] != 1 {
		t.Errorf("input records per batch = %v, want [2 0 1]", inputs)
	}
}

func TestDriverSettings(t *testing.T) {
	var out bytes.Buffer
	d, err := rt.NewDriver(wordcountPipeline, &out, func(s *rt.Settings) { s.Partitions = 3 })
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if p := d.Context().Settings.Partitions; p != 3 {
		t.Errorf("partitions = %d, want 3", p)
	}
	if _, err := rt.NewDriver(wordcountPipeline, &out, func(s *rt.Settings) { s.Checkpoint = "ck" }); err == nil ||
		!strings.Contains(err.Error(), "checkpoints are the engine's") {
		t.Errorf("a checkpoint directory: err = %v", err)
	}
}
