package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"streamc.dev/streamc/bench/gen"
)

// smokeAllocsPerBatch bounds what a batch of the smoke run may allocate: a few dozen
// allocations per batch are the stages' goroutines, output calls and window panes.
const smokeAllocsPerBatch = 250

// fusedAllocs is what testing.AllocsPerRun counts for one workload's batches.
type fusedAllocs struct {
	name            string
	AllocsPerBatch  float64 `json:"allocs_per_batch"`
	AllocsPerEmpty  float64 `json:"allocs_per_empty_batch"`
	RecordsPerBatch float64 `json:"records_per_batch"`
	Batches         int     `json:"batches"`
	err             string
}

// perRecord is what a batch allocates beyond an empty batch, divided by its input
// records: the allocations that come with the records.
func (a fusedAllocs) perRecord() float64 {
	if a.RecordsPerBatch == 0 {
		return 0
	}
	return max(0, a.AllocsPerBatch-a.AllocsPerEmpty) / a.RecordsPerBatch
}

// allocsTest is added to a copy of a pipeline's generated package: it drives the job in
// process (rt.Driver, two partitions), lets one batch warm it up (maps and buffers reach
// their size), then has testing.AllocsPerRun count the allocations of the next batches
// — the fused per-record loops and everything else a batch does: reading the files,
// the exchanges, merging, the outputs (print to io.Discard). It then runs to the end of
// the input and counts the allocations of empty batches the same way: what a batch
// costs whatever its input. It writes the figures as JSON to $ALLOCS_OUT.
const allocsTest = `package main

import (
	"encoding/json"
	"io"
	"os"
	"testing"

	rt "streamc.dev/streamc/runtime"
)

func TestAllocsPerBatch(t *testing.T) {
	d, err := rt.NewDriver(pipeline, io.Discard, func(s *rt.Settings) {
		s.Partitions = 2
		s.Checkpoint = "" // the driver keeps state in memory only
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var records int64
	step := func() {
		n, err := d.Step()
		if err != nil {
			t.Fatal(err)
		}
		records += n
	}
	step()
	records = 0
	const runs = 3
	allocs := testing.AllocsPerRun(runs, step) // runs+1 batches: AllocsPerRun's own warm-up first
	if records == 0 {
		t.Fatal("the measured batches read no input")
	}
	perBatch := float64(records) / (runs + 1)
	// Then the same once the input is exhausted: what a batch allocates whatever its
	// input (goroutines of the stages, outputs, window panes).
	for steps := 0; !d.Exhausted(); steps++ {
		if steps == 10_000 {
			t.Fatal("the input never ends")
		}
		step()
	}
	records = 0
	empty := testing.AllocsPerRun(runs, step)
	if records != 0 {
		t.Fatalf("batches after the end of the input read %d records", records)
	}
	out, _ := json.Marshal(map[string]any{
		"allocs_per_batch":       allocs,
		"allocs_per_empty_batch": empty,
		"records_per_batch":      perBatch,
		"batches":                runs + 1,
	})
	if err := os.WriteFile(os.Getenv("ALLOCS_OUT"), out, 0o644); err != nil {
		t.Fatal(err)
	}
}
`

// measureAllocs runs allocsOf for each workload of sel that built, logging each result.
func measureAllocs(c config, b *builder, data gen.Data, sel []workload, bins map[string]string) []fusedAllocs {
	var all []fusedAllocs
	for _, w := range sel {
		if _, ok := bins[w.name]; !ok {
			continue
		}
		a := allocsOf(c, b, w, data)
		if a.err != "" {
			logf("%-16s allocations (testing.AllocsPerRun): %s", w.name, a.err)
		} else {
			logf("%-16s allocations (testing.AllocsPerRun): %.0f per batch of %.0f records, %.0f per empty batch, %.5f per record",
				w.name, a.AllocsPerBatch, a.RecordsPerBatch, a.AllocsPerEmpty, a.perRecord())
		}
		all = append(all, a)
	}
	return all
}

// allocsOf runs allocsTest in a copy of w's generated module over data.
func allocsOf(c config, b *builder, w workload, data gen.Data) fusedAllocs {
	a := fusedAllocs{name: w.name}
	dir := filepath.Join(c.work, "allocs-"+w.name)
	if err := copyModuleWith(b, w.pipelineFile(), dir, "zz_allocs_test.go", allocsTest); err != nil {
		a.err = err.Error()
		return a
	}
	in, env := w.input(data)
	outFile := filepath.Join(dir, "allocs.json")
	env = append(env, "INPUT="+in, "ALLOCS_OUT="+outFile)
	if _, err := goInEnv(dir, env, "test", "-count=1", "-run", "^TestAllocsPerBatch$", "."); err != nil {
		a.err = firstLine(err.Error())
		return a
	}
	raw, err := os.ReadFile(outFile)
	if err == nil {
		err = json.Unmarshal(raw, &a)
	}
	if err != nil {
		a.err = fmt.Sprintf("reading %s: %v", outFile, err)
	}
	return a
}
