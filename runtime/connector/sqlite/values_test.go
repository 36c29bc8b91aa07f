package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
	"streamc.dev/streamc/runtime/connector/sqlite"
	"streamc.dev/streamc/runtime/connector/sqlsink"
)

// TestValueForms writes every scalar a .stream element can bind, as generated code
// passes them (int64, float64, bool, string, time.Time, time.Duration, nil for none),
// through the sink into a real database and reads them with SQLite's own functions: a
// time is RFC 3339 text in UTC with milliseconds, which datetime(), julianday(),
// strftime() and unixepoch() read, in TEXT, TIMESTAMP and INTEGER columns alike; a
// duration is integer nanoseconds.
func TestValueForms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "values.db")
	db := open(t, path, `create table v (
		s text, n integer, f real, b integer, t text, ts timestamp, ti integer, d integer, o text)`)
	at := time.Date(2024, 3, 9, 14, 5, 7, 250_000_000, time.FixedZone("CET", 3600)) // 13:05:07.250Z
	// What a sqlArgs function of generated code appends for one element
	// ("a", 7, 2.5, true, t, t, t, 90s, none).
	row := []any{"a", int64(7), 2.5, true, at, at, rt.TimeOf(at), 90 * time.Second, nil}
	sink, err := sqlite.New(sqlite.Config{ConnConfig: sqlite.ConnConfig{Path: path}, Pipeline: "values",
		SQL: "insert into v values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	if _, err := sink.WriteBatch(context.Background(), 1000, 0, sqlsink.Args([][]any{row})); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct{ query, want string }{
		{"select t from v", "2024-03-09T13:05:07.250Z"},
		{"select typeof(t) || ' ' || typeof(ts) || ' ' || typeof(ti) from v", "text text text"},
		{"select datetime(t) from v", "2024-03-09 13:05:07"},
		{"select datetime(ts) from v", "2024-03-09 13:05:07"},
		{"select datetime(ti) from v", "2024-03-09 13:05:07"},
		{"select strftime('%Y-%m-%d %H:%M:%f', t) from v", "2024-03-09 13:05:07.250"},
		{"select cast(round((julianday(t) - 2440587.5) * 86400000) as integer) from v", "1709989507250"},
		{"select cast(round(unixepoch(t, 'subsec') * 1000) as integer) from v", "1709989507250"},
		{"select datetime(t, '+' || (d / 1e9) || ' seconds') from v", "2024-03-09 13:06:37"},
		{"select typeof(d) || ' ' || d from v", "integer 90000000000"},
		{"select typeof(b) || ' ' || b from v", "integer 1"},
		{"select typeof(f) || ' ' || f from v", "real 2.5"},
		{"select typeof(o) from v", "null"},
		// The text sorts in time order: a later time compares greater.
		{"select t < '2024-03-09T13:05:07.251Z' and t > '2024-03-09T13:05:07.249Z' from v", "1"},
	} {
		var got string
		if err := db.QueryRow(c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.query, got, c.want)
		}
	}

	// tableQuery and lookup read a time column declared TIMESTAMP back into a time.Time
	// (the driver parses the text), and a duration column into a time.Duration.
	var ts time.Time
	var d time.Duration
	if err := db.QueryRow("select ts, d from v").Scan(&ts, &d); err != nil {
		t.Fatal(err)
	}
	if !ts.Equal(at) || d != 90*time.Second {
		t.Errorf("read back %v, %v; want %v, 1m30s", ts, d, at)
	}
	var none sql.NullString
	if err := db.QueryRow("select o from v").Scan(&none); err != nil || none.Valid {
		t.Errorf("none read back as %+v, %v; want NULL", none, err)
	}
}
