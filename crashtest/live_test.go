//go:build unix

package crashtest

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"streamc.dev/streamc/internal/crashkit"
	"streamc.dev/streamc/internal/e2e"
)

// TestCrashLiveFiles runs testdata/live.stream live, as a user would: JSON lines in
// files written into a staging directory and renamed into in/ with random gaps (some
// with a delay between the write and the rename, some touched again seconds after they
// arrived), SIGKILLs at random and aimed at the
// worst moments (right after a batch, in a checkpoint write, right after a checkpoint,
// past the SQLite sink's marker pruning), a restart after each, and a graceful stop
// once everything is in. Live batches depend on arrival times, so the reference is what
// any correct run produces from this input: in saveAsTextFiles and in SQLite every
// record's row exactly once, and in the same batch in both (all outputs of a batch ran
// on the same input); final per-key totals equal to the input's, growing batch by batch
// by exactly that batch's rows (state saw the same batches), both in the state stores
// and in a word count's dictionary; every malformed line in the dead-letter file
// exactly once.
func TestCrashLiveFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	root := t.TempDir()
	bin := e2e.Build(t, "testdata/live.stream")
	dbPath := filepath.Join(root, "live.db")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("create table rows (bt integer not null, k text not null, seq integer not null)"); err != nil {
		t.Fatal(err)
	}

	in := crashkit.NewInput(16, 40)
	feed := &crashkit.FileFeed{In: in, Stage: filepath.Join(root, "stage"), Dir: filepath.Join(root, "in"),
		PerFile: 12, Gap: 30 * time.Millisecond, SlowEvery: 6, SlowDelay: 300 * time.Millisecond, TouchEvery: 20}
	out := filepath.Join(root, "out")
	kills, pastPrune := crashkit.LiveKills()
	lv := &crashkit.Live{
		Bin: bin, Dir: root,
		Interval: 100 * time.Millisecond, CheckpointEvery: 500 * time.Millisecond,
		Plans: crashkit.Schedule(kills, pastPrune),
		Feed:  feed,
		Caught: func() bool {
			return in.Holds(crashkit.ReadRows(t, out, "rows"))
		},
	}
	res := lv.Run(t)

	text := crashkit.ReadRows(t, out, "rows")
	var lite []crashkit.Row
	rows, err := db.Query("select bt, k, seq from rows")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r crashkit.Row
		if err := rows.Scan(&r.Batch, &r.Key, &r.Seq); err != nil {
			t.Fatal(err)
		}
		lite = append(lite, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	dead, torn := crashkit.ReadDeadLetters(t, filepath.Join(root, "bad", "records.jsonl"))

	n := in.Records()
	t.Logf("%d records and %d malformed lines in %d files over %v", n, in.BadLines(), feed.Files(), res.Elapsed.Round(time.Second))
	c := in.Count(text, nil)
	crashkit.Report(t, "files live, saveAsTextFiles", n, res, c, c.OK())
	c = in.Count(lite, text)
	crashkit.Report(t, "files live, sqlite", n, res, c, c.OK())
	s := in.CheckTotals(t, out, "totals", lv.Interval, text)
	crashkit.Report(t, "files live, updateStateByKey", n, res, s, s.OK())
	if len(s.Examples) > 0 {
		t.Logf("state: %v", s.Examples)
	}
	s = in.CheckTotals(t, out, "wordtotals", lv.Interval, text)
	crashkit.Report(t, "files live, word count's totals in its dictionary", n, res, s, s.OK())
	if len(s.Examples) > 0 {
		t.Logf("word totals: %v", s.Examples)
	}
	c = in.CountBad(dead, torn)
	crashkit.Report(t, "files live, dead letters", in.BadLines(), res, c, c.OK())
}
