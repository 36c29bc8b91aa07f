package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestExampleTests runs the tests written beside the examples, as a user runs them:
// `streamc test ./examples/...` (windowed_wordcount's windows, page_views_event_time's
// event time and lateness, sessions' mapWithState timeouts).
func TestExampleTests(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"test", "../../examples/..."}, strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("streamc test ../../examples/... exited %d\n%s%s", code, stdout.String(), stderr.String())
	}
	n := 0
	for _, l := range strings.Split(stdout.String(), "\n") {
		if strings.HasPrefix(l, "ok ") {
			n++
		}
	}
	if n < 3 {
		t.Errorf("%d example tests passed, want at least 3:\n%s", n, stdout.String())
	}
	t.Log(stdout.String())
}
