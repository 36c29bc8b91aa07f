package stdlib_test

import (
	"math"
	"testing"
	"time"

	"streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

// same reports whether two floats are the same value, telling -0.0 from 0.0 and
// taking NaN as equal to itself.
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

var negZero = math.Copysign(0, -1)

func TestAbs(t *testing.T) {
	ints := []struct{ in, want int64 }{
		{5, 5}, {-5, 5}, {0, 0}, {math.MaxInt64, math.MaxInt64},
		{math.MinInt64, math.MinInt64}, // wraps, as Java's Math.abs
	}
	for _, tt := range ints {
		if got := stdlib.Abs(tt.in); got != tt.want {
			t.Errorf("Abs(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
	floats := []struct{ in, want float64 }{
		{2.5, 2.5}, {-2.5, 2.5}, {0, 0}, {negZero, 0},
		{math.Inf(-1), math.Inf(1)}, {math.NaN(), math.NaN()},
	}
	for _, tt := range floats {
		if got := stdlib.Abs(tt.in); !same(got, tt.want) {
			t.Errorf("Abs(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMinMax(t *testing.T) {
	if got := stdlib.Min[int64](3, -4); got != -4 {
		t.Errorf("Min(3, -4) = %d", got)
	}
	if got := stdlib.Max[int64](3, -4); got != 3 {
		t.Errorf("Max(3, -4) = %d", got)
	}
	if got := stdlib.Min("b", "a"); got != "a" {
		t.Errorf("Min(b, a) = %q", got)
	}
	if got := stdlib.Max("Z", "a"); got != "a" {
		t.Errorf("Max(Z, a) = %q (bytes order: Z < a)", got)
	}
	floats := []struct{ a, b, min, max float64 }{
		{1.5, 2.5, 1.5, 2.5},
		{math.NaN(), 1, math.NaN(), math.NaN()}, // Java: NaN wins both
		{1, math.NaN(), math.NaN(), math.NaN()},
		{0, negZero, negZero, 0},
		{negZero, 0, negZero, 0},
		{math.Inf(-1), math.Inf(1), math.Inf(-1), math.Inf(1)},
	}
	for _, tt := range floats {
		if got := stdlib.Min(tt.a, tt.b); !same(got, tt.min) {
			t.Errorf("Min(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.min)
		}
		if got := stdlib.Max(tt.a, tt.b); !same(got, tt.max) {
			t.Errorf("Max(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.max)
		}
	}
	t1, t2 := runtime.Time(1000), runtime.Time(2000)
	if got := stdlib.Min(t2, t1); got != t1 {
		t.Errorf("Min(times) = %v", got)
	}
	if got := stdlib.Max(time.Second, time.Minute); got != time.Minute {
		t.Errorf("Max(1s, 1m) = %v", got)
	}
	if got := stdlib.Max(true, false); !got {
		t.Errorf("Max(true, false) = false")
	}
	p, q := stdlib.Tuple2[string, int64]{F1: "a", F2: 2}, stdlib.Tuple2[string, int64]{F1: "a", F2: 1}
	if got := stdlib.Min(p, q); got != q {
		t.Errorf("Min(%v, %v) = %v", p, q, got)
	}
	if got := stdlib.Max(stdlib.None[int64](), stdlib.Some[int64](-1)); got != stdlib.Some[int64](-1) {
		t.Errorf("Max(none, some(-1)) = %v", got)
	}
	if got := stdlib.Min([]int64{1, 2}, []int64{1}); len(got) != 1 {
		t.Errorf("Min([1,2], [1]) = %v, want the prefix [1]", got)
	}
}

func TestRoundFloorCeilToInt(t *testing.T) {
	tests := []struct {
		x                       float64
		round, floor, ceil, toI int64
	}{
		{2.5, 3, 2, 3, 2},
		{-2.5, -3, -3, -2, -2}, // half away from zero; toInt truncates toward zero
		{2.4999, 2, 2, 3, 2},
		{-0.5, -1, -1, 0, 0},
		{0.5, 1, 0, 1, 0},
		{0, 0, 0, 0, 0},
		{negZero, 0, 0, 0, 0},
		{7, 7, 7, 7, 7},
		{-7.9, -8, -8, -7, -7},
		{math.NaN(), 0, 0, 0, 0},
		{math.Inf(1), math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.Inf(-1), math.MinInt64, math.MinInt64, math.MinInt64, math.MinInt64},
		{1e19, math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{-1e19, math.MinInt64, math.MinInt64, math.MinInt64, math.MinInt64},
		{-9223372036854775808.0, math.MinInt64, math.MinInt64, math.MinInt64, math.MinInt64},
		{4503599627370497.0, 4503599627370497, 4503599627370497, 4503599627370497, 4503599627370497},
	}
	for _, tt := range tests {
		if got := stdlib.Round(tt.x); got != tt.round {
			t.Errorf("Round(%v) = %d, want %d", tt.x, got, tt.round)
		}
		if got := stdlib.Floor(tt.x); got != tt.floor {
			t.Errorf("Floor(%v) = %d, want %d", tt.x, got, tt.floor)
		}
		if got := stdlib.Ceil(tt.x); got != tt.ceil {
			t.Errorf("Ceil(%v) = %d, want %d", tt.x, got, tt.ceil)
		}
		if got := stdlib.ToInt(tt.x); got != tt.toI {
			t.Errorf("ToInt(%v) = %d, want %d", tt.x, got, tt.toI)
		}
	}
}

func TestToFloat(t *testing.T) {
	tests := []struct {
		in   int64
		want float64
	}{
		{0, 0}, {-3, -3}, {1 << 53, 1 << 53},
		{1<<53 + 1, 1 << 53}, // nearest float
		{math.MaxInt64, 1 << 63},
	}
	for _, tt := range tests {
		if got := stdlib.ToFloat(tt.in); got != tt.want {
			t.Errorf("ToFloat(%d) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
