# streamc — the commands a developer needs. The README's quick start uses `demo` and `test`.
GO ?= go

.PHONY: demo test golden fmt bench bench-smoke install crash ui-assets

# Builds streamc, creates the example HR database (SQLite, from departments.sql),
# compiles the employees example into a native binary, runs it over the bundled CSV files
# batch by batch (deterministic replay clock): it filters the well-paid employees, looks
# their departments up in the database and writes them back; then prints the table.
DEMO_DB ?= examples/employees/hr.db
demo:
	$(GO) run ./examples/employees/hrdb seed $(DEMO_DB)
	HR_DB=$(DEMO_DB) $(GO) run ./cmd/streamc run examples/employees/employees.stream -- --replay
	$(GO) run ./examples/employees/hrdb show $(DEMO_DB)

# The whole test suite, exactly as CI runs it.
test:
	scripts/test

# Rewrite golden files after an intended change to the compiler's output.
golden:
	$(GO) test ./golden ./dsl/... -update

fmt:
	gofmt -w $$(git ls-files '*.go')

install:
	$(GO) install ./cmd/streamc

# The benchmark suite of issue #7 (bench/): every workload's pipeline against its
# hand-written Go baseline (and DuckDB), 5 alternating runs, GOMAXPROCS=1 and all cores;
# rewrites the generated section of BENCHMARKS.md and bench/results.svg. About 30 minutes.
bench:
	$(GO) run ./bench/cmd/bench

# A small version for CI: small data, one run, all cores; fails when a pipeline's output
# differs from its baseline's.
bench-smoke:
	$(GO) run ./bench/cmd/bench -smoke

# The crash tests of docs/reliability.md in their long versions (STREAMC_CRASH_LONG=1):
# the live tests (crashtest/live_test.go, connectortest/live_test.go) SIGKILL each
# pipeline 60 times, 12 of them past the SQL sinks' marker pruning, instead of CI's 10,
# and run past the files source's 60s remember window; the overload test floods for
# minutes instead of seconds. Each output prints a line ending
# in "0 lost, 0 duplicated". About 5 minutes.
# The whole verbose log is kept in a temporary file, named at the end.
crash:
	@log=$$(mktemp); status=0; \
	STREAMC_CRASH_LONG=1 $(GO) test -count=1 -timeout 60m -v -run '^(TestCrash|TestOverload)' ./runtime ./crashtest ./connectortest >$$log 2>&1 || status=$$?; \
	grep -E '^(--- |ok |FAIL)|^crash test' $$log; \
	echo "full log: $$log"; exit $$status

# Re-fetch the chart library embedded in the operations page (uPlot, from npm; the version
# is pinned in the script): runtime/observe/ui/uplot.*. Needs npm.
ui-assets:
	scripts/fetch-uplot
