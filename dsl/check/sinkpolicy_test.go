package check_test

import (
	"strings"
	"testing"

	"streamc.dev/streamc/dsl/builtins"
	"streamc.dev/streamc/dsl/check"
)

// TestSinkOnBadRecord checks the onBadRecord argument of the SQL sinks: the decoders'
// vocabulary, recorded on the sink's Resource, refused elsewhere.
func TestSinkOnBadRecord(t *testing.T) {
	const head = "pipeline p\nbatch 1s\nlet s = queue([[(\"a\", 1)]])\n"
	for _, c := range []struct {
		sink string
		want *check.BadRecordPolicy // nil: no policy recorded
		err  string                 // a diagnostic the checker must give
	}{
		{sink: `postgres("u", "insert into t values ($1, $2)")`},
		{sink: `postgres("u", "insert into t values ($1, $2)", onBadRecord = deadLetter("bad/t.jsonl"))`,
			want: &check.BadRecordPolicy{Kind: check.BadRecordDeadLetter, Path: "bad/t.jsonl"}},
		{sink: `sqlite("o.db", "insert into t values (?1, ?2)", onBadRecord = skip)`,
			want: &check.BadRecordPolicy{Kind: check.BadRecordSkip}},
		{sink: `sqlite("o.db", "insert into t values (?1, ?2)", onBadRecord = fail)`,
			want: &check.BadRecordPolicy{Kind: check.BadRecordFail}},
		{sink: `sqlite("o.db", "insert into t values (?1, ?2)", onBadRecord = drop)`,
			err: `onBadRecord must be fail, skip or deadLetter("path"), got drop`},
		{sink: `kafkaTopic("k:9092", "t", onBadRecord = skip)`, err: `has no parameter "onBadRecord"`},
	} {
		prog, diags := checkSource("p.stream", []byte(head+"s.writeTo("+c.sink+")\n"))
		if c.err != "" {
			if prog != nil || !strings.Contains(diags.Error(), c.err) {
				t.Errorf("%s: diagnostics %v, want %q", c.sink, diags, c.err)
			}
			continue
		}
		if prog == nil {
			t.Fatalf("%s: does not check: %v", c.sink, diags)
		}
		var got *check.BadRecordPolicy
		for _, r := range prog.Resources {
			if r.Kind == builtins.Sink {
				got = r.OnBadRecord
			}
		}
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%s: policy %+v, want %+v", c.sink, got, c.want)
		}
	}
}
