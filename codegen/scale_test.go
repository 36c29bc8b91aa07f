package codegen_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// manyLets is a pipeline of n lets after its source, each a map of the previous one:
// one stage that fuses n maps into one loop.
func manyLets(n int) string {
	var b strings.Builder
	b.WriteString("pipeline many\nbatch 1s\nlet s0 = queue([[1, 2, 3]])\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "let s%d = s%d.map(x => x + %d)\n", i, i-1, i)
	}
	fmt.Fprintf(&b, "s%d.print()\n", n)
	return b.String()
}

// manyFused is a pipeline of n operators after its source, in lets of three: a map to a
// pair, mapValues and a map back, all fused into one loop.
func manyFused(n int) string {
	var b strings.Builder
	b.WriteString("pipeline fused\nbatch 1s\nlet s0 = queue([[1, 2, 3]])\n")
	for i := 1; i <= n/3; i++ {
		fmt.Fprintf(&b, "let s%d = s%d.map(x => (x, %d)).mapValues(v => v * 2).map((k, v) => k + v)\n", i, i-1, i)
	}
	fmt.Fprintf(&b, "s%d.count().print()\n", n/3)
	return b.String()
}

// genTime is how long checking, planning and generating src takes, the best of runs:
// the CPU time of the process where the system reports it (the machine running the
// tests is often busy with others), else the time on the clock.
func genTime(t testing.TB, src string, runs int) time.Duration {
	t.Helper()
	best := time.Duration(1<<63 - 1)
	for range runs {
		runtime.GC()
		start, cpu0 := time.Now(), cpuTime()
		if _, err := generate("many", src); err != nil {
			t.Fatal(err)
		}
		d := time.Since(start)
		if cpu0 >= 0 {
			d = cpuTime() - cpu0
		}
		best = min(best, d)
	}
	return best
}

// TestGenerationLinear generates programs of 1,000 and 10,000 operators fused into one
// loop and checks that ten times the operators take about ten times as long, not a
// hundred (code generation was quadratic: 1,000 lets took 10 s, 10,000 did not finish).
func TestGenerationLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("generates programs of 10,000 operators")
	}
	for _, tc := range []struct {
		name    string
		program func(n int) string
	}{
		{"lets", manyLets},
		{"fused", manyFused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small, large := genTime(t, tc.program(1000), 3), genTime(t, tc.program(10000), 1)
			ratio := float64(large) / float64(small)
			t.Logf("1,000 operators: %v; 10,000: %v (CPU time); ratio %.1f", small, large, ratio)
			// Linear is 10, quadratic 100; the margin is for a busy machine.
			if ratio > 30 {
				t.Errorf("generating 10,000 operators takes %.0f times as long as 1,000 (%v, %v): not linear", ratio, large, small)
			}
		})
	}
}

// BenchmarkGenerate10000 checks, plans and generates a program of 10,000 lets.
func BenchmarkGenerate10000(b *testing.B) {
	src := manyLets(10000)
	for b.Loop() {
		if _, err := generate("many", src); err != nil {
			b.Fatal(err)
		}
	}
}
