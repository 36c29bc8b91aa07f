package main

import (
	"path/filepath"

	"streamc.dev/streamc/bench/gen"
)

// workload is one benchmark: a pipeline, the baseline doing the same work, and how to
// feed and judge them.
type workload struct {
	name     string   // short name, also the pipeline's file name in bench/pipelines
	baseline string   // package of the hand-written program
	baseArgs []string // its flags
	// input returns the directory of the files source and extra environment.
	input func(d gen.Data) (dir string, env []string)
	// records is the number of input records, for records/s (words for word count).
	records func(s gen.Sizes) int
	unit    string // what a record is
	// checkpoint: the pipeline keeps state and needs a fresh --checkpoint directory.
	checkpoint bool
	// stateful: the peak memory target (≤ 2× the baseline's) applies.
	stateful bool
	// scaling: the 1 → all cores speed-up target applies.
	scaling bool
	// duckdb names the SQL reference query, if any (see duckdb.go).
	duckdb string
	// needs says which pending operator the pipeline waits for, for the report.
	needs string
}

func bids(d gen.Data) (string, []string) { return d.Bids, nil }

var workloads = []workload{
	{
		name: "wordcount", baseline: "./bench/baselines/wordcount", baseArgs: []string{"-state"},
		input:   func(d gen.Data) (string, []string) { return d.WordCount, nil },
		records: func(s gen.Sizes) int { return s.Words }, unit: "words",
		checkpoint: true, stateful: true, scaling: true,
		needs: "updateStateByKey",
	},
	{
		name: "wordcount_batch", baseline: "./bench/baselines/wordcount",
		input:   func(d gen.Data) (string, []string) { return d.WordCount, nil },
		records: func(s gen.Sizes) int { return s.Words }, unit: "words",
		scaling: true, duckdb: "wordcount_batch",
	},
	{
		name: "ysb", baseline: "./bench/baselines/ysb",
		input: func(d gen.Data) (string, []string) {
			return d.YSBEvents, []string{"CAMPAIGNS=" + d.Campaigns}
		},
		records: func(s gen.Sizes) int { return s.YSBEvents }, unit: "events",
		stateful: true, scaling: true, duckdb: "ysb",
		needs: "joinTable, reduceByKeyAndWindow",
	},
	{
		name: "ysb_adcount", baseline: "./bench/baselines/ysb_adcount",
		input:   func(d gen.Data) (string, []string) { return d.YSBEvents, nil },
		records: func(s gen.Sizes) int { return s.YSBEvents }, unit: "events",
		scaling: true, duckdb: "ysb_adcount",
	},
	{
		name: "q0", baseline: "./bench/baselines/q0", input: bids,
		records: func(s gen.Sizes) int { return s.Bids }, unit: "bids", duckdb: "q0",
	},
	{
		name: "q1", baseline: "./bench/baselines/q0", baseArgs: []string{"-q1"}, input: bids,
		records: func(s gen.Sizes) int { return s.Bids }, unit: "bids", duckdb: "q1",
	},
	{
		name: "q2", baseline: "./bench/baselines/q2", input: bids,
		records: func(s gen.Sizes) int { return s.Bids }, unit: "bids", duckdb: "q2",
	},
	{
		name: "q5", baseline: "./bench/baselines/q5", input: bids,
		records: func(s gen.Sizes) int { return s.Bids }, unit: "bids",
		stateful: true, needs: "reduceByKeyAndWindow",
	},
	{
		name: "q7", baseline: "./bench/baselines/q7", input: bids,
		records: func(s gen.Sizes) int { return s.Bids }, unit: "bids",
		stateful: true, needs: "reduceByWindow",
	},
}

// pipelineFile is the .stream file of w.
func (w workload) pipelineFile() string { return filepath.Join("bench", "pipelines", w.name+".stream") }
