package postgres_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"streamc.dev/streamc/runtime/codec"
	"streamc.dev/streamc/runtime/connector/postgres"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// testMarkersBehindCheckpoint commits batches 1..200 (enough writes for several prunes
// under the old every-64-writes rule), reports a checkpoint at batch 100, then plays the
// restart from it: every batch after it must find its marker and write nothing, and the
// markers up to it must be gone.
func testMarkersBehindCheckpoint(t *testing.T, url string) {
	exec(t, url, "create table pruned (word text, n bigint)")
	sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
		SQL: "insert into pruned (word, n) values ($1, $2)", Pipeline: "test", Output: "pruned", Checkpointed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	ctx := context.Background()
	data := words(2, "p")
	for bt := int64(1); bt <= 200; bt++ {
		if _, err := sink.WriteBatch(ctx, bt*1000, 0, sqlsink.Slice(data, countFields)); err != nil {
			t.Fatal(err)
		}
		if bt == 150 {
			sink.PruneMarkers(100_000) // the engine's OnCheckpoint: checkpoint 100 is the oldest kept
		}
	}
	// The restart re-runs the batches after the checkpoint.
	dups := 0
	for bt := int64(101); bt <= 200; bt++ {
		res, err := sink.WriteBatch(ctx, bt*1000, 0, sqlsink.Slice(data, countFields))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Skipped {
			dups += res.Rows
		}
	}
	if dups != 0 || queryInt(t, url, "select count(*) from pruned") != 400 {
		t.Fatalf("re-run after a checkpoint at batch 100 wrote %d rows again; table has %d rows, want 400",
			dups, queryInt(t, url, "select count(*) from pruned"))
	}
	// Markers up to the oldest kept checkpoint are pruned: the table stays bounded.
	if n := queryInt(t, url, "select count(*) from streamc_progress where output = 'pruned' and batch_time <= 100000"); n != 0 {
		t.Fatalf("%d markers at or before the oldest kept checkpoint remain", n)
	}
	sink.PruneMarkers(190_000)
	if n := queryInt(t, url, "select count(*) from streamc_progress where output = 'pruned'"); n != 10 {
		t.Fatalf("%d markers after pruning through batch 190, want 10", n)
	}
}

// badRows is a partition with rows PostgreSQL rejects among good ones: invalid UTF-8, a
// NUL byte, a CHECK violation and a duplicate key.
func badRows(good int) []count {
	rows := words(good, "g")
	bad := []count{{"bad\xff", 1}, {"nul\x00", 2}, {"neg", -1}, {"g7", 7}}
	for i, b := range bad {
		at := (i + 1) * good / (len(bad) + 1)
		rows = append(rows[:at], append([]count{b}, rows[at:]...)...)
	}
	return rows
}

const rejTable = "(word text primary key, n bigint check (n >= 0))"

// testRejectFail: under the default policy a permanently rejected row fails the write
// at once, naming the row; the partition writes nothing.
func testRejectFail(t *testing.T, url string) {
	exec(t, url, "create table rej_fail "+rejTable)
	sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
		SQL: "insert into rej_fail (word, n) values ($1, $2)", Pipeline: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	rows := []count{{"ok", 1}, {"bad\xff", 2}, {"ok2", 3}}
	res, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Slice(rows, countFields))
	var rej *sqlsink.RejectedError
	if !errors.As(err, &rej) || res.Attempts != 1 || !strings.Contains(err.Error(), `"bad\xff"`) || !strings.Contains(err.Error(), "22021") {
		t.Fatalf("invalid UTF-8 under fail: attempts %d, %v", res.Attempts, err)
	}
	if n := queryInt(t, url, "select count(*) from rej_fail"); n != 0 {
		t.Fatalf("%d rows written by a failed partition", n)
	}
}

// testStatementError: an error no row can get past fails at once, not retried.
func testStatementError(t *testing.T, url string) {
	sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
		SQL: "insert into no_such_table (word, n) values ($1, $2)", Pipeline: "test",
		Rejects: sqlsink.NewRejects(codec.NewBadRecords(codec.Policy{Kind: codec.Skip}, "", false), "w", "x.stream:1:1", nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	res, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Slice(words(3, "s"), countFields))
	var st *sqlsink.StatementError
	if !errors.As(err, &st) || res.Attempts != 1 || !strings.Contains(err.Error(), "42P01") || !strings.Contains(err.Error(), "not retried") {
		t.Fatalf("undefined table: attempts %d, %v", res.Attempts, err)
	}
}

// testRejectSkip: under skip the good rows of a partition with rejected rows commit
// with the marker, the rejected ones are counted, in every write mode.
func testRejectSkip(t *testing.T, url string) {
	for _, m := range []struct {
		name string
		mode postgres.Mode
		good int
	}{{"pipeline", postgres.Pipeline, 30}, {"copy", postgres.Copy, 30}, {"auto_copy", postgres.Auto, 300}} {
		t.Run(m.name, func(t *testing.T) {
			table := "rej_skip_" + m.name
			exec(t, url, "create table "+table+" "+rejTable)
			bad := codec.NewBadRecords(codec.Policy{Kind: codec.Skip}, "", false)
			sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
				SQL: "insert into " + table + " (word, n) values ($1, $2)", Pipeline: "test", Mode: m.mode,
				Rejects: sqlsink.NewRejects(bad, "writeTo#1", "x.stream:3:4", nil)})
			if err != nil {
				t.Fatal(err)
			}
			defer sink.Close()
			rows := badRows(m.good)
			res, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Slice(rows, countFields))
			if err != nil || res.Rows != m.good || res.Rejected != 4 || res.Attempts != 1 {
				t.Fatalf("write: %+v, %v", res, err)
			}
			if n := queryInt(t, url, "select count(*) from "+table); n != int64(m.good) {
				t.Fatalf("%d rows in the table, want %d", n, m.good)
			}
			if n := bad.TakeNew(); n != 4 {
				t.Fatalf("%d rejected rows counted, want 4", n)
			}
			res, err = sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Slice(rows, countFields))
			if err != nil || !res.Skipped || bad.TakeNew() != 0 {
				t.Fatalf("re-run: %+v, %v", res, err)
			}
		})
	}
}

// testRejectDeadLetter: rejected rows go to the dead-letter file once per (batch,
// partition) across a restart: batch 1000 was flushed before the "crash", batch 2000
// committed its rows but its dead letters were not written yet. The restart re-runs
// both: 1000 writes nothing, 2000 writes its dead letters from the rejected-rows table.
func testRejectDeadLetter(t *testing.T, url string) {
	exec(t, url, "create table rej_dl "+rejTable)
	dir := t.TempDir()
	path, ckpt := filepath.Join(dir, "bad", "rows.jsonl"), filepath.Join(dir, "ckpt")
	open := func(resume bool) (*postgres.Sink, *sqlsink.Rejects) {
		rej := sqlsink.NewRejects(codec.NewBadRecords(codec.Policy{Kind: codec.DeadLetter, Path: path}, ckpt, resume), "writeTo#1", "x.stream:3:4", nil)
		sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
			SQL: "insert into rej_dl (word, n) values ($1, $2)", Pipeline: "test", Output: "dl", Rejects: rej, Checkpointed: true})
		if err != nil {
			t.Fatal(err)
		}
		return sink, rej
	}
	ctx := context.Background()
	part := func(bt int64, p int) []count {
		rows := badRows(10)
		for i := range rows {
			if rows[i].N >= 0 {
				rows[i].Word += "-" + string(rune('a'+p)) + "-" + string(rune('0'+bt/1000))
			}
		}
		return rows
	}
	write := func(sink *postgres.Sink, bt int64, wantSkipped bool) {
		t.Helper()
		for p := range 2 {
			res, err := sink.WriteBatch(ctx, bt, p, sqlsink.Slice(part(bt, p), countFields))
			if err != nil || res.Skipped != wantSkipped {
				t.Fatalf("batch %d partition %d: %+v, %v", bt, p, res, err)
			}
		}
	}
	sink, rej := open(false)
	write(sink, 1000, false)
	if err := rej.Flush(1000); err != nil {
		t.Fatal(err)
	}
	write(sink, 2000, false) // the crash comes before Flush(2000)
	rej.Close()
	sink.Close()

	sink, rej = open(true)
	defer sink.Close()
	defer rej.Close()
	write(sink, 1000, true)
	write(sink, 2000, true)
	write(sink, 3000, false)
	for _, bt := range []int64{1000, 2000, 3000} {
		if err := rej.Flush(bt); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	perBatch := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		perBatch[line[:strings.Index(line, ",")]]++
		if !strings.Contains(line, `"pos":"x.stream:3:4"`) || !strings.Contains(line, `"source":"writeTo#1"`) {
			t.Fatalf("dead letter %s", line)
		}
	}
	for _, bt := range []string{"1000", "2000", "3000"} {
		if n := perBatch[`{"batchTime":`+bt]; n != 8 {
			t.Errorf("batch %s: %d dead letters, want 8 (4 rows × 2 partitions):\n%s", bt, n, data)
		}
	}
	for _, want := range []string{`bad\\xff`, `nul\\x00`, `\"neg\", -1`, "22021", "23514", "23505"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("dead letters lack %s:\n%s", want, data)
		}
	}
	if n := queryInt(t, url, "select count(*) from rej_dl"); n != 3*2*10 {
		t.Fatalf("%d rows in the table, want 60", n)
	}
	// The stored rejected rows are pruned with the markers.
	sink.PruneMarkers(3000)
	if n := queryInt(t, url, "select count(*) from streamc_rejected where output = 'dl'"); n != 0 {
		t.Fatalf("%d rejected rows left after pruning", n)
	}
}
