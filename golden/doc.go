// Package golden holds the compiler's end-to-end golden cases: one txtar archive per
// case in testdata/, with the .stream source in and, out, either the diagnostics or the
// physical plan and every generated Go file.
//
//	-- in.stream --        the pipeline
//	-- out/stderr --       diagnostics, when the file does not compile
//	-- out/plan --         the plan, as `streamc explain` prints it
//	-- out/main.go --      each generated file, under its own name
//
// `go test ./golden` fails when any output differs; `go test ./golden -update` rewrites
// the archives. A second test builds the generated Go of every case, so a golden file can
// never hold code that does not compile.
package golden
