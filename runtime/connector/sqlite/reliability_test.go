package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"streamc.dev/streamc/runtime/codec"
	"streamc.dev/streamc/runtime/connector/sqlite"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// TestMarkersBehindCheckpoint commits batches 1..200 (enough writes for several
// prunes), then plays a restart from a checkpoint at batch 100: every batch after it
// must find its marker and write nothing.
func TestMarkersBehindCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	db := open(t, path, "create table pruned (word text, n integer)")
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path},
		SQL: "insert into pruned (word, n) values (?1, ?2)", Pipeline: "test", Output: "pruned", Checkpointed: true})
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
	if n := queryInt(t, db, "select count(*) from pruned"); dups != 0 || n != 400 {
		t.Fatalf("re-run after a checkpoint at batch 100 wrote %d rows again; table has %d rows, want 400", dups, n)
	}
	if n := queryInt(t, db, "select count(*) from streamc_progress where output = 'pruned' and batch_time <= 100000"); n != 0 {
		t.Fatalf("%d markers at or before the oldest kept checkpoint remain", n)
	}
	sink.PruneMarkers(190_000)
	if n := queryInt(t, db, "select count(*) from streamc_progress where output = 'pruned'"); n != 10 {
		t.Fatalf("%d markers after pruning through batch 190, want 10", n)
	}
}

// TestRejectFail: under the default policy a constraint violation fails the write at
// once, naming the row.
func TestRejectFail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	open(t, path, "create table rej (word text not null, n integer check (n >= 0))")
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path},
		SQL: "insert into rej (word, n) values (?1, ?2)", Pipeline: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	rows := []count{{"ok", 1}, {"neg", -2}, {"ok2", 3}}
	res, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Slice(rows, countFields))
	var rej *sqlsink.RejectedError
	if !errors.As(err, &rej) || res.Attempts != 1 || !strings.Contains(err.Error(), `("neg", -2)`) {
		t.Fatalf("check violation under fail: attempts %d, %v", res.Attempts, err)
	}
}

// TestStatementError: an error no row can get past fails at once, not retried.
func TestStatementError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path},
		SQL: "insert into no_such_table (word, n) values (?1, ?2)", Pipeline: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	res, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Slice(words(3, "s"), countFields))
	var st *sqlsink.StatementError
	if !errors.As(err, &st) || res.Attempts != 1 || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("undefined table: attempts %d, %v", res.Attempts, err)
	}
}

// badRows is a partition with rows SQLite rejects among good ones: a NOT NULL, a CHECK
// and a UNIQUE violation, and a STRICT column's type.
func badRows(good int, tag string) [][]any {
	var rows [][]any
	for i := range good {
		rows = append(rows, []any{"g" + tag + string(rune('a'+i%26)) + string(rune('a'+i/26)), int64(i)})
	}
	bad := [][]any{{nil, int64(1)}, {"neg" + tag, int64(-1)}, {rows[0][0], int64(5)}, {"str" + tag, "not a number"}}
	for i, b := range bad {
		at := (i + 1) * good / (len(bad) + 1)
		rows = append(rows[:at], append([][]any{b}, rows[at:]...)...)
	}
	return rows
}

const rejTable = "(word text not null unique, n integer check (n >= 0)) strict"

// TestRejectSkip: under skip the good rows of a partition with rejected rows commit
// with the marker; the rejected ones are counted.
func TestRejectSkip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	db := open(t, path, "create table rej "+rejTable)
	bad := codec.NewBadRecords(codec.Policy{Kind: codec.Skip}, "", false)
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path},
		SQL: "insert into rej (word, n) values (?1, ?2)", Pipeline: "test",
		Rejects: sqlsink.NewRejects(bad, "writeTo#1", "x.stream:3:4", nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	rows := badRows(20, "")
	res, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Args(rows))
	if err != nil || res.Rows != 20 || res.Rejected != 4 || res.Attempts != 1 {
		t.Fatalf("write: %+v, %v", res, err)
	}
	if n := queryInt(t, db, "select count(*) from rej"); n != 20 {
		t.Fatalf("%d rows in the table, want 20", n)
	}
	if n := bad.TakeNew(); n != 4 {
		t.Fatalf("%d rejected rows counted, want 4", n)
	}
	res, err = sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Args(rows))
	if err != nil || !res.Skipped || bad.TakeNew() != 0 {
		t.Fatalf("re-run: %+v, %v", res, err)
	}
}

// TestRejectDeadLetter: rejected rows go to the dead-letter file once per (batch,
// partition) across a restart: batch 1000 was flushed before the "crash", batch 2000
// committed its rows but its dead letters were not written yet. The restart re-runs
// both: 1000 writes nothing, 2000 writes its dead letters from the rejected-rows table.
func TestRejectDeadLetter(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "out.db")
	db := open(t, dbPath, "create table rej "+rejTable)
	path, ckpt := filepath.Join(dir, "bad", "rows.jsonl"), filepath.Join(dir, "ckpt")
	start := func(resume bool) (*sqlite.Sink, *sqlsink.Rejects) {
		rej := sqlsink.NewRejects(codec.NewBadRecords(codec.Policy{Kind: codec.DeadLetter, Path: path}, ckpt, resume), "writeTo#1", "x.stream:3:4", nil)
		sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: dbPath},
			SQL: "insert into rej (word, n) values (?1, ?2)", Pipeline: "test", Output: "dl", Rejects: rej, Checkpointed: true})
		if err != nil {
			t.Fatal(err)
		}
		return sink, rej
	}
	write := func(sink *sqlite.Sink, bt int64, wantSkipped bool) {
		t.Helper()
		for p := range 2 {
			tag := string(rune('a'+p)) + string(rune('0'+bt/1000))
			res, err := sink.WriteBatch(context.Background(), bt, p, sqlsink.Args(badRows(10, tag)))
			if err != nil || res.Skipped != wantSkipped {
				t.Fatalf("batch %d partition %d: %+v, %v", bt, p, res, err)
			}
		}
	}
	sink, rej := start(false)
	write(sink, 1000, false)
	if err := rej.Flush(1000); err != nil {
		t.Fatal(err)
	}
	write(sink, 2000, false) // the crash comes before Flush(2000)
	rej.Close()
	sink.Close()

	sink, rej = start(true)
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
	}
	for _, bt := range []string{"1000", "2000", "3000"} {
		if n := perBatch[`{"batchTime":`+bt]; n != 8 {
			t.Errorf("batch %s: %d dead letters, want 8 (4 rows × 2 partitions):\n%s", bt, n, data)
		}
	}
	for _, want := range []string{"NOT NULL constraint failed", "CHECK constraint failed", "UNIQUE constraint failed", "cannot store TEXT value in INTEGER column"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("dead letters lack %q:\n%s", want, data)
		}
	}
	if n := queryInt(t, db, "select count(*) from rej"); n != 3*2*10 {
		t.Fatalf("%d rows in the table, want 60", n)
	}
	sink.PruneMarkers(3000)
	if n := queryInt(t, db, "select count(*) from streamc_rejected where output = 'dl'"); n != 0 {
		t.Fatalf("%d rejected rows left after pruning", n)
	}
}
