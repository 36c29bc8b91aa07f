package pipetest

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// fence is a fenced block of a Markdown page: its language, the file name after it
// (```stream wordcount.stream), and its text.
type fence struct{ lang, name, body string }

func fences(doc string) []fence {
	var out []fence
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		info, ok := strings.CutPrefix(lines[i], "```")
		if !ok || info == "" {
			continue
		}
		f := fence{}
		f.lang, f.name, _ = strings.Cut(info, " ")
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		f.body = strings.Join(body, "\n") + "\n"
		out = append(out, f)
	}
	return out
}

// TestDocsFirstTest runs the first test of docs/testing.md as a reader would: the
// pipeline and its test file as the page gives them pass, and the changed test fails
// with exactly the report the page shows.
func TestDocsFirstTest(t *testing.T) {
	doc, err := os.ReadFile("../../docs/testing.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var report string
	for _, f := range fences(string(doc)) {
		if f.name != "" {
			files[f.name] = f.body
		}
		if f.lang == "text" && report == "" && strings.HasPrefix(f.body, "--- FAIL") {
			report = f.body
		}
	}
	stream, test := files["wordcount.stream"], files["wordcount_test.txtar"]
	if stream == "" || test == "" || report == "" {
		t.Fatal("docs/testing.md lost its first example (wordcount.stream, wordcount_test.txtar and the failure)")
	}
	t.Chdir(t.TempDir())
	os.WriteFile("wordcount.stream", []byte(stream), 0o644)
	os.WriteFile("wordcount_test.txtar", []byte(test), 0o644)
	var stdout, stderr bytes.Buffer
	r := testRunner(t, &stdout, &stderr)
	if res := r.RunFile("wordcount_test.txtar"); !res.OK {
		t.Fatalf("the page's test fails:\n%s%s", stdout.String(), stderr.String())
	}
	os.WriteFile("wordcount_test.txtar", []byte(strings.Replace(test, "(quick,1)", "(quick,2)", 1)), 0o644)
	stdout.Reset()
	if res := r.RunFile("wordcount_test.txtar"); res.OK {
		t.Fatal("the changed test passes")
	}
	timing := regexp.MustCompile(`\(\d+\.\d+s\)`)
	if got, want := timing.ReplaceAllString(stdout.String(), "(T)"), timing.ReplaceAllString(report, "(T)"); got != want {
		t.Errorf("the failure reads\n%s\nthe page shows\n%s", got, want)
	}
}
