#!/usr/bin/env bash
# The cost of a Go function in a fused chain (issue #15): the same arithmetic per record
# as a call of mix.Mix, a function of a Go module beside the pipelines (gocall.stream),
# and written in the .stream expression (inline.stream), 200 M records each, alternating
# runs; prints each run's user CPU seconds. The Go compiler inlines the call: it costs
# nothing over the expression.
#
#	bash bench/gocall/run.sh        (from the repository root; about a minute)
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
go run ../../cmd/streamc build -o "$out/gocall" gocall.stream
go run ../../cmd/streamc build -o "$out/inline" inline.stream
for i in 1 2 3 4 5; do
	for p in gocall inline; do
		/usr/bin/time -f "$p %U" "$out/$p" --replay --batches 10 >/dev/null 2>"$out/time"
		tail -1 "$out/time"
	done
done
