// Command hrdb prepares and shows the SQLite database of the employees example, so that
// the example runs with nothing installed:
//
//	go run ./examples/employees/hrdb seed examples/employees/hr.db   # apply departments.sql
//	go run ./examples/employees/hrdb show examples/employees/hr.db   # print table well_paid
package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"
)

func main() {
	if len(os.Args) != 3 || os.Args[1] != "seed" && os.Args[1] != "show" {
		fmt.Fprintln(os.Stderr, "usage: hrdb seed|show DATABASE")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "hrdb:", err)
		os.Exit(1)
	}
}

func run(cmd, path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	if cmd == "seed" {
		// The pipeline's earlier runs are forgotten: their rows and progress markers.
		seed, err := os.ReadFile(filepath.Join(filepath.Dir(os.Args[0]), "departments.sql"))
		if err != nil {
			seed, err = os.ReadFile("examples/employees/departments.sql")
		}
		if err != nil {
			return err
		}
		for _, stmt := range []string{"drop table if exists well_paid", "drop table if exists streamc_progress", string(seed)} {
			if _, err := db.Exec(stmt); err != nil {
				return err
			}
		}
		return nil
	}
	rows, err := db.Query("select id, name, department, salary from well_paid order by id")
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Printf("%-4s %-8s %-12s %s\n", "id", "name", "department", "salary")
	for rows.Next() {
		var id, salary int64
		var name, dept string
		if err := rows.Scan(&id, &name, &dept, &salary); err != nil {
			return err
		}
		fmt.Printf("%-4d %-8s %-12s %d\n", id, name, dept, salary)
	}
	return rows.Err()
}
