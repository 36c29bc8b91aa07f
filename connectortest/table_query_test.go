package connectortest

import (
	"database/sql"
	"os/exec"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

// TestTableQuerySQLite runs a pipeline whose reference table is a SQL query against a
// real SQLite database, broadcast-joined with a stream: the rows come from the database
// and a key with no row gets none.
func TestTableQuerySQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hr.db")
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"create table departments (id integer primary key, name text not null)",
		"insert into departments values (1, 'Engineering'), (2, 'Sales')",
	} {
		if _, err := conn.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()

	runTableQuery(t, "testdata/table_query.stream", "HR_DB="+db)
}

// TestTableQueryPostgres is the same against a real PostgreSQL server.
func TestTableQueryPostgres(t *testing.T) {
	url := testserver.Postgres(t)
	conn, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{
		"create table departments (id bigint primary key, name text not null)",
		"insert into departments values (1, 'Engineering'), (2, 'Sales')",
	} {
		if _, err := conn.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	runTableQuery(t, "testdata/table_query_pg.stream", "DATABASE_URL="+url)
}

func runTableQuery(t *testing.T, stream string, env string) {
	bin := e2e.Build(t, stream)
	cmd := exec.Command(bin, "--replay")
	cmd.Env = append(cmd.Environ(), env)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n" +
		"(ada,Engineering)\n(bo,Sales)\n(cy,none)\n\n" +
		"-------------------------------------------\nTime: 2000 ms\n-------------------------------------------\n" +
		"(di,Sales)\n\n"
	if string(out) != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}
