package stdlib

import "math"

// Number is the constraint of the numeric builtins (abs, sum): the Go types of .stream's
// int and float.
type Number interface {
	int64 | float64
}

// Abs returns the absolute value of x. For floats it is Java's Math.abs: abs(-0.0) is
// 0.0 and abs(NaN) is NaN. For ints it wraps like Java's: abs of the smallest int64 is
// itself.
func Abs[N Number](x N) N {
	// 0 - x rather than -x turns -0.0 into +0.0; NaN fails x <= 0 and is returned as is.
	if x <= 0 {
		return 0 - x
	}
	return x
}

// Min returns the smaller of a and b. Floats follow Java's Math.min: if either is NaN
// the result is NaN, and -0.0 is smaller than 0.0 (Go's builtin min has the same rules).
// Other types compare as Compare orders them: strings by bytes, times and durations
// chronologically, false before true, tuples and lists element by element, none before
// any some. On a tie Min returns a.
func Min[T any](a, b T) T {
	switch x := any(a).(type) {
	case int64:
		return any(min(x, any(b).(int64))).(T)
	case float64:
		return any(min(x, any(b).(float64))).(T)
	case string:
		return any(min(x, any(b).(string))).(T)
	}
	if Compare(b, a) < 0 {
		return b
	}
	return a
}

// Max returns the larger of a and b, with the rules of Min (Java's Math.max for floats:
// NaN wins, 0.0 is larger than -0.0). On a tie Max returns a.
func Max[T any](a, b T) T {
	switch x := any(a).(type) {
	case int64:
		return any(max(x, any(b).(int64))).(T)
	case float64:
		return any(max(x, any(b).(float64))).(T)
	case string:
		return any(max(x, any(b).(string))).(T)
	}
	if Compare(b, a) > 0 {
		return b
	}
	return a
}

// Round returns the int nearest x, rounding halves away from zero (round(2.5) is 3,
// round(-2.5) is -3), as Spark SQL's round does. Scala's math.round rounds halves up
// instead (math.round(-2.5) is -2). Like Java's conversions, NaN gives 0 and values
// beyond the int64 range give the nearest bound.
func Round(x float64) int64 { return ToInt(math.Round(x)) }

// Floor returns the greatest int less than or equal to x (Scala's math.floor(x).toLong),
// with ToInt's rules for NaN and out-of-range values.
func Floor(x float64) int64 { return ToInt(math.Floor(x)) }

// Ceil returns the least int greater than or equal to x (Scala's math.ceil(x).toLong),
// with ToInt's rules for NaN and out-of-range values.
func Ceil(x float64) int64 { return ToInt(math.Ceil(x)) }

// ToFloat converts an int to the nearest float (Scala's toDouble).
func ToFloat(x int64) float64 { return float64(x) }

// ToInt converts a float to an int by truncating toward zero, as Scala's toLong: NaN
// gives 0, and values beyond the int64 range saturate to its bounds (Go leaves those
// conversions undefined, so they are spelled out here).
func ToInt(x float64) int64 {
	switch {
	case x != x:
		return 0
	case x >= 1<<63:
		return math.MaxInt64
	case x < -(1 << 63):
		return math.MinInt64
	}
	return int64(x)
}
