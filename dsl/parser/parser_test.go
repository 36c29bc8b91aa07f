package parser

import (
	"strings"
	"testing"
	"time"

	"streamc.dev/streamc/diag"
	"streamc.dev/streamc/dsl/ast"
)

// parseOK parses src and fails the test on any diagnostic.
func parseOK(t *testing.T, src string) *ast.File {
	t.Helper()
	f, diags := ParseFile("t.stream", []byte(src))
	if len(diags) > 0 {
		var b strings.Builder
		diag.Print(&b, diags, map[string][]byte{"t.stream": []byte(src)}, 0)
		t.Fatalf("unexpected diagnostics for %q:\n%s", src, b.String())
	}
	return f
}

func TestSyntax(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"pipeline and settings", "pipeline p\nbatch 1s\ncheckpoint \"c\"\npartitions 4\nbackpressure false\nonBadRecord skip",
			`(file (pipeline p) (set batch 1s) (set checkpoint "c") (set partitions 4) (set backpressure false) (set onBadRecord skip))`},
		{"setting with a call", `onBadRecord deadLetter("bad.jsonl")`, `(file (set onBadRecord (call deadLetter "bad.jsonl")))`},
		{"negative setting", "maxRate -5", "(file (set maxRate (- 5)))"},
		{"durations", "let d = [250ms, 1s, 5m, 1h, 2d, 1h30m, 10us, 7ns]",
			"(file (let d (list 250ms 1s 5m0s 1h0m0s 48h0m0s 1h30m0s 10µs 7ns)))"},
		{"numbers", "let n = [1_000_000, 0.5, 1e6, 2.5e-3, 1E+2]", "(file (let n (list 1000000 0.5f 1e+06f 0.0025f 100f)))"},
		{"strings", "let s = [\"a\\tb\\u00e9\", `raw\\n`, \"two\nlines\"]", `(file (let s (list "a\tbé" "raw\\n" "two\nlines")))`},
		{"precedence", "let x = a || b && c == d < e + f * -g", "(file (let x (|| a (&& b (== c (< d (+ e (* f (- g)))))))))"},
		{"left associative", "let x = a - b - c / d / e", "(file (let x (- (- a b) (/ (/ c d) e))))"},
		{"unary", "let x = !a == -b", "(file (let x (== (! a) (- b))))"},
		{"postfix", "let x = f(a)[0].b._1.m(c = 1)", "(file (let x (call (. (. (. (index (call f a) 0) b) _1) m) c=1)))"},
		{"paren vs tuple", "let x = ((a), (a, b), (a, (b, c)))", "(file (let x (tuple (paren a) (tuple a b) (tuple a (tuple b c)))))"},
		{"trailing commas", "let x = f(a, b,)\nlet y = [1, 2,]\nlet z = (a, b,)",
			"(file (let x (call f a b)) (let y (list 1 2)) (let z (tuple a b)))"},
		{"lambda forms", "let l = [x => x, (a, b) => a, () => 1, (s: string) => s, (k, (a, b)) => k, (m: State[int]?) => m]",
			"(file (let l (list (params x) => x (params a b) => a (params) => 1 (params s:string) => s (params k ( a b)) => k (params m:State( int)?) => m)))"},
		{"nested lambda", "let f = a => b => a + b", "(file (let f (params a) => (params b) => (+ a b)))"},
		{"block body", "let f = (k, v, s) => {\n  let t = v + 1; s.update(t)\n\n  (k, t)\n}",
			"(file (let f (params k v s) => {(let t (+ v 1)); (call (. s update) t); (tuple k t)}))"},
		{"block ending in statement", "let f = x => { let y = x }", "(file (let f (params x) => {(let y x); nil}))"},
		{"if else if", "let x = if a { 1 } else if b { 2 } else { 3 }", "(file (let x (if a {1} (if b {2} {3}))))"},
		{"else on next line", "let x = if a {\n 1\n}\nelse {\n 2\n}", "(file (let x (if a {1} {2})))"},
		{"if condition is never a record", "let x = if Ready { 1 } else { 2 }", "(file (let x (if Ready {1} {2})))"},
		{"record literal", "let r = Click{user: \"a\", url: u\n at: batchTime,}", `(file (let r (record Click user:"a" url:u at:batchTime)))`},
		{"record in if condition needs parens", "let x = if c == (P{a: 1}) { 1 } else { 2 }", "(file (let x (if (== c (paren (record P a:1))) {1} {2})))"},
		{"type decl", "type T { a: int, b: [string]\n c: (int, string)?, d: [(string, [int])] }",
			"(file (type T a:int b:[string] c:(tuple int string)? d:[(tuple string [int])]))"},
		{"empty type", "type T {}", "(file (type T))"},
		{"chain over lines", "a.map(x => x)\n  .filter(y => y)\n\n  // comment\n  .print()", "(file (call (. (call (. (call (. a map) (params x) => x) filter) (params y) => y) print)))"},
		{"newlines inside brackets", "f(a,\n  b)\nlet l = [\n 1,\n 2\n]", "(file (call f a b) (let l (list 1 2)))"},
		{"operator at end of line continues", "let x = a +\n  b", "(file (let x (+ a b)))"},
		{"semicolons", "pipeline p; batch 1s", "(file (pipeline p) (set batch 1s))"},
		{"named args in any order", "s.mapWithState(timeout = 30m, f)", "(file (call (. s mapWithState) timeout=30m0s f))"},
		{"none and bools", "let x = [none, true, false]", "(file (let x (list none true false)))"},
		{"empty file", "", "(file)"},
		{"only comments", "// a\n// b\n", "(file)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseOK(t, tt.src)
			if got := dump(f); got != tt.want {
				t.Errorf("parse(%q)\n got %s\nwant %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	src := "pipeline p\nlet x = \"a\nb\" + f(1)\n  .m()\n"
	f := parseOK(t, src)
	let := f.Decls[1].(*ast.LetDecl)
	bin := let.Value.(*ast.Binary)
	call := bin.Y.(*ast.Call) // f(1).m(): the chain binds tighter than +
	checks := []struct {
		what string
		got  diag.Pos
		want string
		off  int
	}{
		{"let", let.At, "t.stream:2:1", 11},
		{"string", bin.X.Pos(), "t.stream:2:9", 19},
		{"operator", bin.OpPos, "t.stream:3:4", 25},
		{"f", call.Pos(), "t.stream:3:6", 27},
		{"method", call.Fun.(*ast.Selector).Sel.At, "t.stream:4:4", 35},
		{"lparen", call.Lparen, "t.stream:4:5", 36},
		{"rparen", call.Rparen, "t.stream:4:6", 37},
	}
	for _, c := range checks {
		if c.got.String() != c.want || c.got.Offset != c.off {
			t.Errorf("%s at %s (offset %d), want %s (offset %d)", c.what, c.got, c.got.Offset, c.want, c.off)
		}
	}
}

func TestComments(t *testing.T) {
	src := "// head\npipeline p // name\n\nlet x = f(a, // first\n  b)\n  // own line\n"
	f := parseOK(t, src)
	var got []string
	for _, c := range f.Comments {
		got = append(got, c.At.String()+" "+c.Text+" "+map[bool]string{true: "trailing", false: "own-line"}[c.Trailing])
	}
	want := []string{
		"t.stream:1:1 // head own-line",
		"t.stream:2:12 // name trailing",
		"t.stream:4:14 // first trailing",
		"t.stream:6:3 // own line own-line",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("comments:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestExamplesParse(t *testing.T) {
	for _, name := range []string{"network_wordcount", "windowed_wordcount", "click_sessions", "everything"} {
		src := readFile(t, "testdata/examples/"+name+".stream")
		f := parseOK(t, src)
		if len(f.Decls) < 3 {
			t.Errorf("%s: only %d declarations", name, len(f.Decls))
		}
	}
}

// TestRobustness feeds pathological inputs: each must finish quickly, without a panic
// (which ParseFile would turn into an "internal error" diagnostic), with the expected
// outcome.
func TestRobustness(t *testing.T) {
	big := strings.Repeat("let x = a.map(v => (v, 1)).reduceByKey((a, b) => a + b) // c\n", 10<<20/60)
	garbage := make([]byte, 1<<20)
	for i := range garbage {
		garbage[i] = byte(i*7919 + i/13)
	}
	tests := []struct {
		name    string
		src     []byte
		wantErr string // a substring of the first diagnostic; "" means no diagnostics
	}{
		{"empty", nil, ""},
		{"blank", []byte("\n\n  \n"), ""},
		{"binary garbage", garbage, "unexpected character"},
		{"nul bytes", []byte("pipeline p\x00\x00"), "unexpected character"},
		{"10 MB of statements", []byte(big), "file too large"},
		{"200 kB of statements", []byte(big[:200<<10-(200<<10)%61]), ""},
		{"10 MB comment", []byte("// " + strings.Repeat("x", 10<<20)), ""},
		{"10 MB string", []byte("let s = \"" + strings.Repeat("ab\\n", 10<<20/4) + "\""), ""},
		{"huge list", []byte("let l = [" + strings.Repeat("1, ", 1<<20) + "]"), "file too large"},
		{"long list", []byte("let l = [" + strings.Repeat("1, ", 100000) + "]"), ""},
		{"100k open parens", []byte("let x = " + strings.Repeat("(", 100000)), "expression nested too deeply"},
		{"100k nested parens", []byte("let x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)), "expression nested too deeply"},
		{"100k open brackets", []byte("let x = " + strings.Repeat("[", 100000)), "expression nested too deeply"},
		{"100k open braces", []byte("let x = a => " + strings.Repeat("{", 100000)), `unexpected "{"`},
		{"100k nested blocks", []byte("let x = a => " + strings.Repeat("{ a => ", 100000)), "expression nested too deeply"},
		{"100k unary", []byte("let x = " + strings.Repeat("-", 100000) + "1"), "expression nested too deeply"},
		{"100k lambdas", []byte("let x = " + strings.Repeat("a => ", 100000) + "1"), "expression nested too deeply"},
		{"100k else ifs", []byte("let x = " + strings.Repeat("if a { 1 } else ", 100000) + "{ 2 }"), "expression nested too deeply"},
		{"long operator chain", []byte("let x = 1" + strings.Repeat(" + 1", 20000)), "expression too long"},
		{"long method chain", []byte("let x = a" + strings.Repeat(".b()", 15000)), "expression too long"},
		{"unterminated string", []byte("let s = \"abc\nmore"), "unterminated string"},
		{"unterminated raw string", []byte("let s = `abc"), "unterminated raw string"},
		{"unterminated block", []byte("let f = x => {\n  let y = 1\n"), "unexpected end of file"},
		{"unterminated call", []byte("let x = f(1, 2"), "unexpected end of file"},
		{"unterminated type", []byte("type T { a: int"), "unexpected end of file"},
		{"comment without newline", []byte("pipeline p // end"), ""},
		{"many errors", []byte(strings.Repeat("let = \n", 1000)), "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan diag.List, 1)
			go func() {
				_, diags := ParseFile("t.stream", tt.src)
				done <- diags
			}()
			var diags diag.List
			select {
			case diags = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("ParseFile did not finish in 20s")
			}
			for _, d := range diags {
				if strings.Contains(d.Msg, "internal error") {
					t.Fatalf("ParseFile panicked: %s", d.Msg)
				}
			}
			switch {
			case tt.wantErr == "" && len(diags) > 0:
				t.Errorf("unexpected diagnostics: %v", diags)
			case tt.wantErr != "" && len(diags) == 0:
				t.Errorf("no diagnostics; want %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(diags[0].Msg, tt.wantErr):
				t.Errorf("first diagnostic %q; want it to contain %q", diags[0].Error(), tt.wantErr)
			}
			if len(diags) > maxSyntaxErrors+maxSoftErrors {
				t.Errorf("%d diagnostics: the list is not capped", len(diags))
			}
		})
	}
}
