package editors

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"streamc.dev/streamc/dsl"
	"streamc.dev/streamc/dsl/builtins"
)

// TestGrammarUpToDate fails when the grammar file is not what go generate writes from
// the current dsl/builtins: an operator, builtin or setting was added or renamed.
func TestGrammarUpToDate(t *testing.T) {
	have, err := os.ReadFile(GrammarFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, Grammar()) {
		t.Fatalf("%s is stale: run go generate ./editors", GrammarFile)
	}
}

// TestGrammarNamesEverything: every operator, builtin function, method and setting is
// in the grammar, and every regular expression compiles (Go's syntax is close enough to
// Oniguruma's for these; lookbehinds are not used).
func TestGrammarNamesEverything(t *testing.T) {
	text := string(Grammar())
	var g map[string]any
	if err := json.Unmarshal([]byte(text), &g); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range builtins.Ops {
		if !o.Internal {
			names = append(names, o.Name)
		}
	}
	for _, f := range append(builtins.Funcs, builtins.Methods...) {
		names = append(names, f.Name)
	}
	for _, s := range builtins.Settings {
		names = append(names, s.Name)
	}
	for _, n := range names {
		if !strings.Contains(text, "|"+n+"|") && !strings.Contains(text, "(?:"+n+"|") && !strings.Contains(text, "|"+n+")") {
			t.Errorf("the grammar does not name %q", n)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "match" || k == "begin" || k == "end") {
					if _, err := regexp.Compile(dropLookaheads(s)); err != nil {
						t.Errorf("%s %q: %v", k, s, err)
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(g)
}

// TestKeywords: the grammar's keywords and literal keywords are exactly the words the
// parser reserves: each cannot name a let, and other words (builtins, types) can.
func TestKeywords(t *testing.T) {
	reserved := func(w string) bool {
		_, diags := dsl.Parse("k.stream", []byte("pipeline k\nbatch 1s\nlet "+w+" = 1\n"))
		return diags.HasErrors()
	}
	for _, w := range append(append([]string{}, Keywords...), Constants...) {
		if !reserved(w) {
			t.Errorf("%q is not reserved by the parser, but the grammar calls it a keyword", w)
		}
	}
	for _, w := range []string{"batchTime", "some", "map", "string", "fail", "State", "lets", "types", "imports"} {
		if reserved(w) {
			t.Errorf("%q is reserved by the parser: add it to the grammar's keywords", w)
		}
	}
}

// dropLookaheads removes the (?=...) and (?!...) groups of a regular expression, which
// Go's regexp does not have, minding escapes and nested groups.
func dropLookaheads(re string) string {
	var b strings.Builder
	for i := 0; i < len(re); i++ {
		if strings.HasPrefix(re[i:], "(?=") || strings.HasPrefix(re[i:], "(?!") {
			depth := 0
			for ; i < len(re); i++ {
				switch re[i] {
				case '\\':
					i++
				case '(':
					depth++
				case ')':
					depth--
				}
				if depth == 0 {
					break
				}
			}
			continue
		}
		b.WriteByte(re[i])
		if re[i] == '\\' && i+1 < len(re) {
			i++
			b.WriteByte(re[i])
		}
	}
	return b.String()
}
