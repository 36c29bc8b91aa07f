package diag

import (
	"strings"
	"testing"
)

func TestPrintSortsCapsAndPointsAtColumn(t *testing.T) {
	src := []byte("pipeline p\nlet x = foo(1)\n\tlet y = z\n")
	var l List
	l.Add(Pos{File: "a.stream", Line: 3, Col: 10}, "unknown name %q", "z")
	l.Add(Pos{File: "a.stream", Line: 2, Col: 9}, "unknown function %q", "foo")
	l.Add(Pos{File: "a.stream", Line: 2, Col: 9}, "unknown function %q", "foo")
	l.Sort()
	if len(l) != 2 {
		t.Fatalf("Sort kept %d diagnostics, want 2 (duplicates removed)", len(l))
	}
	var b strings.Builder
	Print(&b, l, map[string][]byte{"a.stream": src}, 1)
	want := "a.stream:2:9: unknown function \"foo\"\n" +
		"    let x = foo(1)\n" +
		"            ^\n" +
		"(and 1 more errors)\n"
	if b.String() != want {
		t.Errorf("Print:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	Print(&b, l[1:], map[string][]byte{"a.stream": src}, 0)
	if want := "    \tlet y = z\n    \t        ^\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("tab excerpt:\n%q\nwant suffix %q", b.String(), want)
	}
}

func TestExcerptSurvivesOddInput(t *testing.T) {
	for _, tc := range []struct {
		line string
		col  int
	}{{"", 1}, {"abc", 0}, {"abc", 99}, {"\x00\x01\xff", 2}, {strings.Repeat("x", 10000), 9000}, {"héllo", 4}} {
		got := excerpt(tc.line, tc.col)
		if !strings.HasSuffix(got, "^\n") {
			t.Errorf("excerpt(%q, %d) = %q: no caret", tc.line, tc.col, got)
		}
		if strings.ContainsAny(got, "\x00\x01") {
			t.Errorf("excerpt(%q, %d) = %q: control bytes leak", tc.line, tc.col, got)
		}
	}
}
