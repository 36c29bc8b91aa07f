package docs

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

// typesPipeline writes one element of every scalar type, and an empty optional, with
// the SQL statement of $SQL into the database of $SINK: connectors.md's table of column
// types, end to end through generated code.
const typesPipeline = `pipeline types
batch 1s

type Row { s: string, n: int, f: float, b: bool, at: time, d: duration, o: string? }

let rows = queue([[Row{s: "a", n: 7, f: 2.5, b: true, at: fromMillis(1709989507250), d: 90s, o: none}]])
`

// runTypes builds the pipeline with the sink sink and runs it once over its one batch.
func runTypes(t *testing.T, sink string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "types.stream")
	if err := os.WriteFile(src, []byte(typesPipeline+"rows.writeTo("+sink+")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := e2e.Build(t, src)
	if out, err := exec.Command(bin, "--replay").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestSQLiteColumnTypes: in SQLite a time is RFC 3339 text in UTC with milliseconds,
// which datetime(), strftime() and unixepoch() read, whatever the column's declared
// type; a duration is integer nanoseconds; a bool 1; none NULL.
func TestSQLiteColumnTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a pipeline")
	}
	path := filepath.Join(t.TempDir(), "types.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`create table v (s text, n integer, f real, b integer, at timestamp, d integer, o text, at_int integer)`); err != nil {
		t.Fatal(err)
	}
	runTypes(t, `sqlite("`+path+`", "insert into v (s, n, f, b, at, d, o, at_int) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5)")`)
	for _, c := range []struct{ query, want string }{
		{"select s || ' ' || n || ' ' || f || ' ' || b from v", "a 7 2.5 1"},
		{"select at || '' from v", "2024-03-09T13:05:07.250Z"}, // as stored (|| keeps the driver from parsing it)
		{"select datetime(at) from v", "2024-03-09 13:05:07"},
		{"select strftime('%Y-%m-%d %H:%M:%f', at) from v", "2024-03-09 13:05:07.250"},
		{"select cast(round(unixepoch(at, 'subsec') * 1000) as integer) from v", "1709989507250"},
		{"select typeof(at_int) || ' ' || datetime(at_int) from v", "text 2024-03-09 13:05:07"},
		{"select typeof(d) || ' ' || d || ' ' || datetime(at, '+' || (d / 1e9) || ' seconds') from v", "integer 90000000000 2024-03-09 13:06:37"},
		{"select typeof(o) from v", "null"},
	} {
		var got string
		if err := db.QueryRow(c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.query, got, c.want)
		}
	}
}

// TestPostgresColumnTypes: the PostgreSQL columns connectors.md recommends take every
// scalar type: timestamptz a time, interval a duration, NULL for none.
func TestPostgresColumnTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a pipeline and starts PostgreSQL")
	}
	url := testserver.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `create table v (s text, n bigint, f double precision, b boolean, at timestamptz, d interval, o text)`); err != nil {
		t.Fatal(err)
	}
	runTypes(t, `postgres("`+url+`", "insert into v (s, n, f, b, at, d, o) values ($1, $2, $3, $4, $5, $6, $7)")`)
	var got string
	q := `select s || ' ' || n || ' ' || f || ' ' || b || ' ' || to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') ||
		' ' || d || ' ' || coalesce(o, 'NULL') from v`
	if err := conn.QueryRow(ctx, q).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "a 7 2.5 true 2024-03-09T13:05:07.250 00:01:30 NULL"; got != want {
		t.Errorf("row %q, want %q", got, want)
	}
	var at time.Time
	if err := conn.QueryRow(ctx, "select at from v").Scan(&at); err != nil || !at.Equal(time.UnixMilli(1709989507250)) {
		t.Errorf("at = %v, %v", at, err)
	}
}
