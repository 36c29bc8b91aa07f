package sqlite_test

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/connector/sqlite"
)

// TestTxSink runs the sink through the engine's transactional output protocol: a batch
// written twice (a re-run after a restart) writes each partition once.
func TestTxSink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	db := open(t, path, "create table counts (word text, n integer)")
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path},
		SQL: "insert into counts (word, n) values (?1, ?2)"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	tx := sqlite.Tx(sink, countFields)
	ctx := rt.NewContext(&rt.Pipeline{Name: "txtest"}, rt.Settings{Batch: time.Second, Partitions: 2}, io.Discard, nil)
	op := rt.Op{Pos: "t.stream:1:1", Name: "writeTo"}
	parts := [][]count{words(30, "a"), words(20, "b")}
	for range 2 {
		if err := rt.WriteTx(ctx.NewBatch(1000, 0), op, "writeTo#1", tx, parts); err != nil {
			t.Fatal(err)
		}
	}
	if got := queryInt(t, db, "select count(*) from counts"); got != 50 {
		t.Fatalf("rows = %d, want 50", got)
	}
	if got := queryInt(t, db, "select count(*) from streamc_progress where pipeline = 'txtest' and output = 'writeTo#1'"); got != 2 {
		t.Fatalf("progress rows = %d, want 2", got)
	}
}
