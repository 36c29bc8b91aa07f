package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"streamc.dev/streamc/internal/testserver"
	"streamc.dev/streamc/runtime/connector/postgres"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// count is one (word, n) element as generated code would declare it.
type count struct {
	Word string
	N    int64
}

func countFields(dst []any, c count) []any { return append(dst, c.Word, c.N) }

// exec runs statements on a connection of its own, outside any pool under test.
func exec(t testing.TB, url string, sqls ...string) {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for _, s := range sqls {
		if _, err := c.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// queryInt runs a query returning one integer.
func queryInt(t testing.TB, url, sql string, args ...any) int64 {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int64
	if err := c.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func words(n int, prefix string) []count {
	out := make([]count, n)
	for i := range out {
		out[i] = count{Word: fmt.Sprintf("%s%d", prefix, i), N: int64(i)}
	}
	return out
}

// TestPostgres runs every test of the package against one server started for it.
func TestPostgres(t *testing.T) {
	url := testserver.Postgres(t)
	t.Run("ExactlyOnce", func(t *testing.T) { testExactlyOnce(t, url) })
	t.Run("CancelMidTransaction", func(t *testing.T) { testCancel(t, url) })
	t.Run("Upsert", func(t *testing.T) { testUpsert(t, url) })
	t.Run("Pooling", func(t *testing.T) { testPooling(t, url) })
	t.Run("Lookup", func(t *testing.T) { testLookup(t, url) })
	t.Run("TableRefresh", func(t *testing.T) { testTableRefresh(t, url) })
	t.Run("Errors", func(t *testing.T) { testErrors(t, url) })
	t.Run("MarkersBehindCheckpoint", func(t *testing.T) { testMarkersBehindCheckpoint(t, url) })
	t.Run("RejectFail", func(t *testing.T) { testRejectFail(t, url) })
	t.Run("StatementError", func(t *testing.T) { testStatementError(t, url) })
	t.Run("RejectSkip", func(t *testing.T) { testRejectSkip(t, url) })
	t.Run("RejectDeadLetter", func(t *testing.T) { testRejectDeadLetter(t, url) })
}

func testExactlyOnce(t *testing.T, url string) {
	for _, mode := range []struct {
		name string
		mode postgres.Mode
		rows int
	}{{"pipeline", postgres.Pipeline, 10}, {"copy", postgres.Copy, 10}, {"auto-copy", postgres.Auto, 200}} {
		t.Run(mode.name, func(t *testing.T) {
			table := "eo_" + strings.ReplaceAll(mode.name, "-", "_")
			exec(t, url, "create table "+table+" (word text, n bigint)")
			sink, err := postgres.New(postgres.Config{
				ConnConfig: postgres.ConnConfig{URL: url},
				SQL:        "insert into " + table + " (word, n) values ($1, $2)",
				Pipeline:   "test", Mode: mode.mode,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer sink.Close()
			ctx := context.Background()
			data := words(mode.rows, "w")
			for p := range 2 {
				res, err := sink.WriteBatch(ctx, 1000, p, sqlsink.Slice(data, countFields))
				if err != nil {
					t.Fatal(err)
				}
				if res.Skipped || res.Rows != mode.rows {
					t.Fatalf("first write of partition %d: %+v", p, res)
				}
			}
			// The same batch again, as after a crash before the checkpoint: skipped.
			for p := range 2 {
				res, err := sink.WriteBatch(ctx, 1000, p, sqlsink.Slice(data, countFields))
				if err != nil {
					t.Fatal(err)
				}
				if !res.Skipped || res.Rows != 0 {
					t.Fatalf("replayed write of partition %d: %+v", p, res)
				}
			}
			// A new batch is written.
			if res, err := sink.WriteBatch(ctx, 2000, 0, sqlsink.Slice(data, countFields)); err != nil || res.Skipped {
				t.Fatalf("batch 2000: %+v, %v", res, err)
			}
			if got, want := queryInt(t, url, "select count(*) from "+table), int64(3*mode.rows); got != want {
				t.Fatalf("rows in %s = %d, want %d", table, got, want)
			}
			if got := queryInt(t, url, "select count(*) from "+table+" where word = 'w1'"); got != 3 {
				t.Fatalf("w1 written %d times, want 3", got)
			}
		})
	}
}

// cancelRows cancels the write's context while the sink is reading its rows, as a
// process dying in the middle of a partition would stop it.
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

func testCancel(t *testing.T, url string) {
	for _, mode := range []postgres.Mode{postgres.Pipeline, postgres.Copy} {
		table := fmt.Sprintf("cancel_%d", mode)
		exec(t, url, "create table "+table+" (word text, n bigint)")
		sink, err := postgres.New(postgres.Config{
			ConnConfig: postgres.ConnConfig{URL: url},
			SQL:        "insert into " + table + " (word, n) values ($1, $2)",
			Pipeline:   "test", Mode: mode,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer sink.Close()
		data := words(500, "c")
		ctx, cancel := context.WithCancel(context.Background())
		_, err = sink.WriteBatch(ctx, 5000, 0, &cancelRows{rows: data, at: 250, cancel: cancel})
		if err == nil {
			t.Fatalf("mode %d: a write whose context was cancelled mid-way succeeded", mode)
		}
		if got := queryInt(t, url, "select count(*) from "+table); got != 0 {
			t.Fatalf("mode %d: %d rows visible after a cancelled write, want 0", mode, got)
		}
		if got := queryInt(t, url, "select count(*) from streamc_progress where batch_time = 5000 and output = $1",
			sqlsink.DefaultOutput("insert into "+table+" (word, n) values ($1, $2)")); got != 0 {
			t.Fatalf("mode %d: progress row written by a cancelled write", mode)
		}
		// The replay after the "crash" writes the partition, once.
		res, err := sink.WriteBatch(context.Background(), 5000, 0, sqlsink.Slice(data, countFields))
		if err != nil || res.Skipped || res.Rows != 500 {
			t.Fatalf("mode %d: replay after cancel: %+v, %v", mode, res, err)
		}
		if got := queryInt(t, url, "select count(*) from "+table); got != 500 {
			t.Fatalf("mode %d: %d rows after the replay, want 500", mode, got)
		}
	}
}

func testUpsert(t *testing.T, url string) {
	exec(t, url, "create table totals (word text primary key, n bigint)")
	sink, err := postgres.New(postgres.Config{
		ConnConfig: postgres.ConnConfig{URL: url},
		SQL: `insert into totals (word, n) values ($1, $2)
		      on conflict (word) do update set n = totals.n + excluded.n`,
		Pipeline: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	batch := []count{{"a", 1}, {"b", 2}}
	for _, bt := range []int64{1000, 2000, 2000, 3000} { // 2000 replayed once
		if _, err := sink.WriteBatch(context.Background(), bt, 0, sqlsink.Slice(batch, countFields)); err != nil {
			t.Fatal(err)
		}
	}
	if got := queryInt(t, url, "select n from totals where word = 'b'"); got != 6 {
		t.Fatalf("b = %d, want 6 (three batches of 2; the replay skipped)", got)
	}
}

func testPooling(t *testing.T, url string) {
	const app = "streamc_pooling"
	exec(t, url, "create table pooled (word text, n bigint)")
	appURL := url + "&application_name=" + app
	sink, err := postgres.New(postgres.Config{
		ConnConfig: postgres.ConnConfig{URL: appURL, MaxConns: 2, IdleTimeout: 300 * time.Millisecond},
		SQL:        "insert into pooled (word, n) values ($1, $2)",
		Pipeline:   "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sessions := func() int64 {
		return queryInt(t, url, "select count(*) from pg_stat_activity where application_name = $1", app)
	}
	// Lazy: nothing is opened before the first write.
	if st := sink.Conn().Stat(); st != nil {
		t.Fatalf("pool exists before the first write")
	}
	if n := sessions(); n != 0 {
		t.Fatalf("%d sessions before the first write", n)
	}
	data := words(20, "p")
	for bt := int64(1); bt <= 5; bt++ {
		if _, err := sink.WriteBatch(context.Background(), bt*1000, 0, sqlsink.Slice(data, countFields)); err != nil {
			t.Fatal(err)
		}
	}
	st := sink.Conn().Stat()
	if st.NewConnsCount() != 1 {
		t.Fatalf("5 sequential batches opened %d connections, want 1 reused", st.NewConnsCount())
	}
	if n := sessions(); n != 1 {
		t.Fatalf("%d server sessions after sequential batches, want 1", n)
	}
	// Eight partitions at once share at most MaxConns connections.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for p := range 8 {
		wg.Go(func() {
			_, err := sink.WriteBatch(context.Background(), 10_000, p, sqlsink.Slice(data, countFields))
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
	if st := sink.Conn().Stat(); st.TotalConns() > 2 || st.NewConnsCount() > 2 {
		t.Fatalf("parallel partitions: %d connections open, %d opened; MaxConns is 2", st.TotalConns(), st.NewConnsCount())
	}
	// A second handle with the same settings shares the pool.
	other := postgres.NewConn(postgres.ConnConfig{URL: appURL, MaxConns: 2, IdleTimeout: 300 * time.Millisecond})
	defer other.Close()
	if other.Stat() == nil || other.Stat().NewConnsCount() != sink.Conn().Stat().NewConnsCount() {
		t.Fatalf("a Conn with the same settings does not share the sink's pool")
	}
	// Idle connections are closed after IdleTimeout.
	deadline := time.Now().Add(5 * time.Second)
	for sessions() != 0 || sink.Conn().Stat().TotalConns() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("idle connections not closed: %d sessions, pool holds %d", sessions(), sink.Conn().Stat().TotalConns())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The next batch opens a connection again.
	if _, err := sink.WriteBatch(context.Background(), 20_000, 0, sqlsink.Slice(data, countFields)); err != nil {
		t.Fatal(err)
	}
	if got := queryInt(t, url, "select count(*) from pooled"); got != 20*(5+8+1) {
		t.Fatalf("pooled rows = %d, want %d", got, 20*(5+8+1))
	}
}

// user is the record a lookup attaches: the employee's department name.
type dept struct {
	ID   int64
	Name string
}

func scanDept(r pgx.Rows) (int64, dept, error) {
	var d dept
	err := r.Scan(&d.ID, &d.Name)
	return d.ID, d, err
}

func testLookup(t *testing.T, url string) {
	exec(t, url,
		"create table depts (id bigint primary key, name text)",
		"insert into depts select i, 'dept' || i from generate_series(1, 100) i")
	conn := postgres.NewConn(postgres.ConnConfig{URL: url, MaxConns: 2})
	defer conn.Close()
	lk := postgres.NewLookup(conn, "select id, name from depts where id = any($1)", scanDept)
	cache := lk.Cache()
	ctx := context.Background()

	// One batch of a partition: 50 elements over 10 distinct keys, one of them missing.
	cache.Reset()
	keys := []int64{}
	for i := range 50 {
		k := int64(i%10 + 95) // 95..104: 101..104 do not exist
		keys = append(keys, k)
		cache.Add(k)
	}
	if err := cache.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if q := lk.Queries(); q != 1 {
		t.Fatalf("%d queries for one batch, want 1", q)
	}
	for _, k := range keys {
		d, ok := cache.Get(k)
		if ok != (k <= 100) {
			t.Fatalf("key %d: found=%v", k, ok)
		}
		if ok && d.Name != fmt.Sprintf("dept%d", k) {
			t.Fatalf("key %d: %+v", k, d)
		}
	}
	// Keys asked again in the same batch are served from the cache, found or not.
	for _, k := range keys {
		cache.Add(k)
	}
	if err := cache.Fetch(ctx); err != nil || lk.Queries() != 1 {
		t.Fatalf("second fetch of the same keys: %d queries, %v", lk.Queries(), err)
	}
	// The next batch queries again, and sees changes.
	exec(t, url, "update depts set name = 'renamed' where id = 95")
	cache.Reset()
	cache.Add(95)
	if err := cache.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if d, _ := cache.Get(95); d.Name != "renamed" || lk.Queries() != 2 {
		t.Fatalf("next batch: %+v after %d queries", d, lk.Queries())
	}
	// Text keys work the same way.
	exec(t, url, "create table users (id text primary key, dept bigint)",
		"insert into users values ('ann', 1), ('bob', 2)")
	ul := postgres.NewLookup(conn, "select id, dept from users where id = any($1)",
		func(r pgx.Rows) (string, int64, error) {
			var id string
			var d int64
			err := r.Scan(&id, &d)
			return id, d, err
		})
	uc := ul.Cache()
	uc.Reset()
	uc.Add("bob")
	uc.Add("zed")
	if err := uc.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if d, ok := uc.Get("bob"); !ok || d != 2 {
		t.Fatalf("bob: %d %v", d, ok)
	}
	if _, ok := uc.Get("zed"); ok {
		t.Fatalf("zed found")
	}
}

func testTableRefresh(t *testing.T, url string) {
	exec(t, url, "create table ref (id bigint primary key, name text)", "insert into ref values (1, 'one')")
	conn := postgres.NewConn(postgres.ConnConfig{URL: url})
	defer conn.Close()
	tbl := postgres.QueryTable("ref", conn, "select id, name from ref", 50*time.Millisecond, nil,
		func(r pgx.Rows) (int64, dept, error) {
			var d dept
			err := r.Scan(&d.ID, &d.Name)
			return d.ID, d, err
		})
	if err := tbl.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer tbl.Stop()
	if d, ok := tbl.Get(1); !ok || d.Name != "one" {
		t.Fatalf("after Start: %+v %v", d, ok)
	}
	// Readers keep reading while the table reloads in the background.
	exec(t, url, "insert into ref values (2, 'two')", "update ref set name = 'uno' where id = 1")
	deadline := time.Now().Add(5 * time.Second)
	for {
		d1, _ := tbl.Get(1)
		_, ok2 := tbl.Get(2)
		if d1.Name == "uno" && ok2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("table not refreshed after 5s: %v", tbl.Snapshot())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if tbl.Loads() < 2 {
		t.Fatalf("loads = %d", tbl.Loads())
	}
	// A failing reload keeps the last good rows.
	exec(t, url, "drop table ref")
	n := tbl.Loads()
	time.Sleep(200 * time.Millisecond)
	if d, ok := tbl.Get(2); !ok || d.Name != "two" || tbl.Loads() != n {
		t.Fatalf("after a failed reload: %+v %v, loads %d -> %d", d, ok, n, tbl.Loads())
	}
}

func testErrors(t *testing.T, url string) {
	if _, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url}, SQL: "delete from x"}); err == nil {
		t.Fatal("a statement without parameters was accepted")
	}
	if _, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url}, Mode: postgres.Copy,
		SQL: "insert into t (a) values ($1) on conflict do nothing"}); err == nil {
		t.Fatal("Copy accepted an insert with ON CONFLICT")
	}
	exec(t, url, "create table arity (a text, b bigint)")
	sink, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
		SQL: "insert into arity (a, b) values ($1, $2)", Pipeline: "test", Mode: postgres.Pipeline})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	_, err = sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Args([][]any{{"x"}}))
	if err == nil || !strings.Contains(err.Error(), "2 parameters but a row has 1") {
		t.Fatalf("arity mismatch: %v", err)
	}
	// A constraint violation is not transient: one attempt, a loud error.
	exec(t, url, "create table strict (a text primary key)")
	s2, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: url},
		SQL: "insert into strict (a) values ($1)", Pipeline: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	res, err := s2.WriteBatch(context.Background(), 1000, 0, sqlsink.Args([][]any{{"k"}, {"k"}}))
	if err == nil || res.Attempts != 1 || !strings.Contains(err.Error(), "23505") {
		t.Fatalf("duplicate key: %+v %v", res, err)
	}
	// An unreachable server is retried, then reported.
	bad, err := postgres.New(postgres.Config{ConnConfig: postgres.ConnConfig{URL: "postgres://postgres@127.0.0.1:1/x?connect_timeout=1"},
		SQL: "insert into t (a) values ($1)", Pipeline: "test", Retry: sqlsink.Retry{Attempts: 2, Initial: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if _, err := bad.WriteBatch(context.Background(), 1000, 0, sqlsink.Args([][]any{{"k"}})); err == nil {
		t.Fatal("write to an unreachable server succeeded")
	}
}

func TestParseCopyTarget(t *testing.T) {
	for sql, ok := range map[string]bool{
		"insert into counts(word, n) values ($1, $2)":                              true,
		"INSERT INTO public.Counts (word,n) VALUES ($1,$2);":                       true,
		"insert into counts(word, n) values ($2, $1)":                              false,
		"insert into counts(word, n) values ($1, $2) on conflict do nothing":       false,
		"insert into counts(word, n) values ($1, lower($2))":                       false,
		"insert into counts(word, n) select $1, $2":                                false,
		`insert into "Counts"(word, n) values ($1, $2)`:                            false,
		"update counts set n = $2 where word = $1":                                 false,
		"insert into counts(word, n) values ($1, $2) returning word":               false,
		"  insert into counts ( word , n )\n values ( $1 , $2 )  ":                 true,
		"insert into counts(word, n, extra) values ($1, $2)":                       false,
		"insert into counts(word) values ($1), ($2)":                               false,
		"insert into counts(word, n) values ($1, $2) on conflict (word) do update": false,
	} {
		if got := postgres.ParseCopyTargetForTest(sql); got != ok {
			t.Errorf("%q: COPY eligible = %v, want %v", sql, got, ok)
		}
	}
}
