package check_test

import (
	"fmt"
	"strings"
	"testing"

	"streamc.dev/streamc/dsl/check"
	"streamc.dev/streamc/dsl/parser"
)

// pipeline200 generates a valid pipeline of about 200 lines: records, lets chaining
// operators with lambdas, windows, state, joins and outputs.
func pipeline200() []byte {
	var b strings.Builder
	b.WriteString("pipeline bench\nbatch 1s\ncheckpoint \"ckpt/bench\"\n\n")
	b.WriteString("type Click { user: string, url: string, at: time, size: int? }\n\n")
	b.WriteString("let clicks = kafka(\"localhost:9092\", \"clicks\", \"bench\").json(Click)\n")
	for i := 0; len(strings.Split(b.String(), "\n")) < 196; i++ {
		fmt.Fprintf(&b, "let s%d = clicks.filter(c => len(c.url) > %d).map(c => (c.user, c.size.getOrElse(%d)))\n", i, i, i)
		fmt.Fprintf(&b, "let w%d = s%d.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 30s, 10s)\n", i, i)
		fmt.Fprintf(&b, "w%d.join(s%d.window(10s, 10s)).mapValues((x, y) => if x > y { toFloat(x) } else { toFloat(y) * 0.5 }).print()\n", i, i)
		fmt.Fprintf(&b, "s%d.mapWithState(timeout = 5m, (k, v, state) => {\n", i)
		fmt.Fprintf(&b, "    state.update(state.getOrElse(0) + v.orElse(0))\n")
		fmt.Fprintf(&b, "    (k, state.get(), batchTime - fromMillis(0))\n")
		fmt.Fprintf(&b, "}).saveAsTextFiles(\"out/s%d\")\n", i)
	}
	return []byte(b.String())
}

func TestPipeline200Checks(t *testing.T) {
	src := pipeline200()
	prog, diags := checkSource("bench.stream", src)
	if len(diags) > 0 || prog == nil {
		t.Fatalf("generated pipeline does not check: %v", diags)
	}
	if n := strings.Count(string(src), "\n"); n < 190 {
		t.Fatalf("generated %d lines, want about 200", n)
	}
}

// BenchmarkCheck200Lines parses and checks a generated 200-line pipeline.
func BenchmarkCheck200Lines(b *testing.B) {
	src := pipeline200()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if prog, _ := checkSource("bench.stream", src); prog == nil {
			b.Fatal("does not check")
		}
	}
}

// BenchmarkCheckOnly200Lines checks an already parsed 200-line pipeline: the checker's
// own share of BenchmarkCheck200Lines.
func BenchmarkCheckOnly200Lines(b *testing.B) {
	f, diags := parser.ParseFile("bench.stream", pipeline200())
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	for b.Loop() {
		if prog, _ := check.Check(f); prog == nil {
			b.Fatal("does not check")
		}
	}
}
