# streamc — the commands a developer needs. The README's quick start uses `demo` and `test`.
GO ?= go

.PHONY: demo test golden fmt bench bench-smoke install

# Builds streamc, compiles the access-log example into a native binary and runs it over
# the bundled log files, batch by batch (deterministic replay clock).
demo:
	$(GO) run ./cmd/streamc run examples/access_logs/access_logs.stream -- --replay

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-smoke:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...
