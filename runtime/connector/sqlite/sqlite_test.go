package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"streamc.dev/streamc/runtime/connector/sqlite"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

type count struct {
	Word string
	N    int64
}

func countFields(dst []any, c count) []any { return append(dst, c.Word, c.N) }

func words(n int, prefix string) []count {
	out := make([]count, n)
	for i := range out {
		out[i] = count{Word: fmt.Sprintf("%s%d", prefix, i), N: int64(i)}
	}
	return out
}

// open returns a separate database/sql handle on path for setting up and checking.
func open(t *testing.T, path string, stmts ...string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestExactlyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	db := open(t, path, "create table counts (word text, n integer)")
	for _, q := range []string{
		"insert into counts (word, n) values (?1, ?2)",
		"insert into counts (word, n) values ($1, $2)",
		"insert into counts (word, n) values (?, ?)",
	} {
		sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path}, SQL: q, Pipeline: "test"})
		if err != nil {
			t.Fatal(err)
		}
		data := words(100, "w")
		for range 2 { // the second round is a replay: skipped
			for p := range 3 {
				if _, err := sink.WriteBatch(context.Background(), 1000, p, sqlsink.Slice(data, countFields)); err != nil {
					t.Fatal(err)
				}
			}
		}
		res, err := sink.WriteBatch(context.Background(), 1000, 1, sqlsink.Slice(data, countFields))
		if err != nil || !res.Skipped {
			t.Fatalf("replay: %+v %v", res, err)
		}
		sink.Close()
	}
	// Three statements (three outputs), three partitions, 100 rows each, once.
	if got := queryInt(t, db, "select count(*) from counts"); got != 900 {
		t.Fatalf("rows = %d, want 900", got)
	}
	if got := queryInt(t, db, "select count(*) from counts where word = 'w7' and n = 7"); got != 9 {
		t.Fatalf("w7 rows = %d, want 9", got)
	}
	if got := queryInt(t, db, "select count(*) from streamc_progress"); got != 9 {
		t.Fatalf("progress rows = %d, want 9", got)
	}
}

type cancelRows struct {
	rows   []count
	at     int
	cancel context.CancelFunc
}

func (c *cancelRows) Len() int { return len(c.rows) }
func (c *cancelRows) Append(dst []any, i int) []any {
	if i == c.at {
		c.cancel()
	}
	return countFields(dst, c.rows[i])
}

func TestCancelMidTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	db := open(t, path, "create table counts (word text, n integer)")
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path},
		SQL: "insert into counts (word, n) values (?1, ?2)", Pipeline: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	data := words(400, "c")
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := sink.WriteBatch(ctx, 3000, 0, &cancelRows{rows: data, at: 200, cancel: cancel}); err == nil {
		t.Fatal("a write cancelled half-way succeeded")
	}
	if got := queryInt(t, db, "select count(*) from counts"); got != 0 {
		t.Fatalf("%d rows after a cancelled write, want 0", got)
	}
	if got := queryInt(t, db, "select count(*) from streamc_progress"); got != 0 {
		t.Fatalf("progress written by a cancelled write")
	}
	if res, err := sink.WriteBatch(context.Background(), 3000, 0, sqlsink.Slice(data, countFields)); err != nil || res.Rows != 400 {
		t.Fatalf("replay: %+v %v", res, err)
	}
	if got := queryInt(t, db, "select count(*) from counts"); got != 400 {
		t.Fatalf("%d rows after the replay, want 400", got)
	}
}

func TestConcurrentPartitionsAndPooling(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	db := open(t, path, "create table counts (word text, n integer)")
	sink, err := sqlite.New(sqlite.Config{
		ConnConfig: sqlite.ConnConfig{Path: path, MaxConns: 2, IdleTimeout: 200 * time.Millisecond},
		SQL:        "insert into counts (word, n) values (?1, ?2)", Pipeline: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	if sink.Conn().Opened() {
		t.Fatal("database opened before the first write")
	}
	data := words(50, "x")
	for bt := int64(1); bt <= 5; bt++ {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for p := range 8 {
			wg.Go(func() {
				_, err := sink.WriteBatch(context.Background(), bt*1000, p, sqlsink.Slice(data, countFields))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	st := sink.Conn().Stats()
	if st.OpenConnections > 2 || st.OpenConnections == 0 {
		t.Fatalf("open connections = %d, want 1..2 (MaxConns 2, reused)", st.OpenConnections)
	}
	if got := queryInt(t, db, "select count(*) from counts"); got != 5*8*50 {
		t.Fatalf("rows = %d, want %d", got, 5*8*50)
	}
	deadline := time.Now().Add(5 * time.Second)
	for sink.Conn().Stats().OpenConnections != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("idle connections not closed: %+v", sink.Conn().Stats())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if sink.Conn().Stats().MaxIdleTimeClosed == 0 {
		t.Fatalf("no connection closed for idleness: %+v", sink.Conn().Stats())
	}
}

type dept struct {
	ID   int64
	Name string
}

func scanDept(r *sql.Rows) (int64, dept, error) {
	var d dept
	err := r.Scan(&d.ID, &d.Name)
	return d.ID, d, err
}

func TestLookup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ref.db")
	open(t, path, "create table depts (id integer primary key, name text)",
		"with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000) insert into depts select i, 'dept' || i from n")
	conn := sqlite.NewConn(sqlite.ConnConfig{Path: path})
	defer conn.Close()
	for _, q := range []string{
		"select id, name from depts where id in (?1)",
		"select id, name from depts where id = any($1)",
		"select id, name from depts where id IN (?) order by id",
	} {
		lk, err := sqlite.NewLookup(conn, q, scanDept)
		if err != nil {
			t.Fatal(err)
		}
		c := lk.Cache()
		c.Reset()
		for i := range 30 {
			c.Add(int64(i%7 + 998)) // 998..1004, of which 1001.. are missing
		}
		if err := c.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.Add(998)
		if err := c.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
		if lk.Queries() != 1 {
			t.Fatalf("%s: %d queries, want 1", q, lk.Queries())
		}
		for k := int64(998); k <= 1004; k++ {
			d, ok := c.Get(k)
			if ok != (k <= 1000) || ok && d.Name != fmt.Sprintf("dept%d", k) {
				t.Fatalf("%s: key %d: %+v %v", q, k, d, ok)
			}
		}
		// 700 keys go in chunks of at most 512.
		c.Reset()
		for k := range int64(700) {
			c.Add(k + 1)
		}
		if err := c.Fetch(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d, ok := c.Get(700); !ok || d.Name != "dept700" || lk.Queries() != 2 {
			t.Fatalf("%s: chunked fetch: %+v %v after %d queries", q, d, ok, lk.Queries())
		}
		lk.Close()
	}
	if _, err := sqlite.NewLookup(conn, "select id, name from depts where id = ?1 or name = ?2", scanDept); err == nil {
		t.Fatal("a lookup without a key list parameter was accepted")
	}
}

func TestTableRefresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ref.db")
	db := open(t, path, "create table ref (id integer primary key, name text)", "insert into ref values (1, 'one')")
	conn := sqlite.NewConn(sqlite.ConnConfig{Path: path})
	defer conn.Close()
	tbl := sqlite.QueryTable("ref", conn, "select id, name from ref", 50*time.Millisecond, nil, scanDept)
	if err := tbl.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer tbl.Stop()
	if d, ok := tbl.Get(1); !ok || d.Name != "one" {
		t.Fatalf("after Start: %+v %v", d, ok)
	}
	if _, err := db.Exec("insert into ref values (2, 'two')"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if d, ok := tbl.Get(2); ok && d.Name == "two" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not refreshed: %v", tbl.Snapshot())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
