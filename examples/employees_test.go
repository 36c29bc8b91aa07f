package examples

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"streamc.dev/streamc/internal/e2e"
	"streamc.dev/streamc/internal/testserver"
)

// TestEmployees runs the employees example on a SQLite database created from
// departments.sql: its printed batches and the rows it wrote must be the expected ones,
// and running the same batches again (a replay after a crash) must write nothing twice.
func TestEmployees(t *testing.T) {
	t.Parallel()
	bin := e2e.Build(t, "employees/employees.stream")
	path := filepath.Join(t.TempDir(), "hr.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed, err := os.ReadFile("employees/departments.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(seed)); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		out := runEmployees(t, bin, "HR_DB="+path)
		checkFile(t, "employees/expected-output.txt", out)
		rows, err := db.Query("select id, name, department, salary from well_paid order by id")
		if err != nil {
			t.Fatal(err)
		}
		checkFile(t, "employees/expected-rows.txt", formatRows(t, rows.Scan, rows.Next, rows.Err))
		rows.Close()
	}
}

// TestEmployeesPostgres runs the PostgreSQL version of the example against a server
// the test starts.
func TestEmployeesPostgres(t *testing.T) {
	t.Parallel()
	url := testserver.Postgres(t)
	bin := e2e.Build(t, "employees/postgres/employees.stream")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	seed, err := os.ReadFile("employees/departments.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, string(seed)); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		checkFile(t, "employees/expected-output.txt", runEmployees(t, bin, "DATABASE_URL="+url))
		rows, err := conn.Query(ctx, "select id, name, department, salary from well_paid order by id")
		if err != nil {
			t.Fatal(err)
		}
		checkFile(t, "employees/expected-rows.txt", formatRows(t, rows.Scan, rows.Next, rows.Err))
		rows.Close()
	}
}

func runEmployees(t *testing.T, bin string, env ...string) string {
	t.Helper()
	cmd := exec.Command(bin, "--replay")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	return stdout.String()
}

// formatRows renders (id, name, department, salary) rows as hrdb show prints them.
func formatRows(t *testing.T, scan func(...any) error, next func() bool, rowsErr func() error) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%-4s %-8s %-12s %s\n", "id", "name", "department", "salary")
	for next() {
		var id, salary int64
		var name, dept string
		if err := scan(&id, &name, &dept, &salary); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%-4d %-8s %-12s %d\n", id, name, dept, salary)
	}
	if err := rowsErr(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func checkFile(t *testing.T, path, got string) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("differs from %s (-want +got):\n%s", path, diff)
	}
}
