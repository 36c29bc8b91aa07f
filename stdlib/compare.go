package stdlib

import (
	"cmp"
	"math"
	"reflect"
	"strings"
	"time"

	"streamc.dev/streamc/runtime"
)

// Compare orders two values of an ordered .stream type and returns -1, 0 or +1. It is
// the order of sort, min, max and of the sortBy, top and takeOrdered keys:
//   - ints, times and durations numerically, strings by their bytes (for ASCII text,
//     Java's compareTo), false before true;
//   - floats as Java's Double.compare (Scala's default Ordering[Double]): -0.0 before
//     0.0, and NaN after everything, equal to itself, so sorting is total;
//   - tuples and lists element by element, a list before the lists it is a prefix of;
//   - optionals with none before any some (Scala's Ordering[Option]).
//
// Scalars are compared without reflection; tuples, lists and optionals go through
// reflect, so codegen compares such keys field by field in generated code instead.
func Compare[T any](a, b T) int {
	switch x := any(a).(type) {
	case int64:
		return cmp.Compare(x, any(b).(int64))
	case string:
		return strings.Compare(x, any(b).(string))
	case float64:
		return compareFloat(x, any(b).(float64))
	case runtime.Time:
		return cmp.Compare(x, any(b).(runtime.Time))
	case time.Duration:
		return cmp.Compare(x, any(b).(time.Duration))
	case bool:
		return compareBool(x, any(b).(bool))
	}
	return compareValue(reflect.ValueOf(a), reflect.ValueOf(b))
}

// compareFloat is Java's Double.compare.
func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	// Equal (including 0.0 vs -0.0) or at least one NaN: order by the bits the way Java
	// does, with every NaN collapsed to one value above +Inf.
	ab, bb := javaBits(a), javaBits(b)
	return cmp.Compare(ab, bb)
}

// javaBits is Java's doubleToLongBits as a signed integer: an order-preserving key
// for the cases compareFloat's plain comparisons leave (±0.0 and NaN).
func javaBits(f float64) int64 {
	if f != f {
		return int64(math.Float64bits(math.NaN()) &^ (1 << 63))
	}
	return int64(math.Float64bits(f))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// compareValue is Compare for values known only through reflection.
func compareValue(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return compareFloat(a.Float(), b.Float())
	case reflect.Bool:
		return compareBool(a.Bool(), b.Bool())
	case reflect.Slice, reflect.Array:
		n := min(a.Len(), b.Len())
		for i := range n {
			if c := compareValue(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Len(), b.Len())
	case reflect.Struct:
		if isOpt(a.Type()) {
			aok, bok := a.Field(1).Bool(), b.Field(1).Bool()
			if !aok || !bok {
				return compareBool(aok, bok)
			}
			return compareValue(a.Field(0), b.Field(0))
		}
		for i := range a.NumField() {
			if c := compareValue(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return compareBool(!a.IsNil(), !b.IsNil())
		}
		return compareValue(a.Elem(), b.Elem())
	}
	panic("stdlib.Compare: values of type " + a.Type().String() + " are not ordered")
}

// pkgPath is this package's import path, to recognise its tuple and optional types
// under reflection.
var pkgPath = reflect.TypeFor[Opt[int]]().PkgPath()

// isOpt reports whether t is an instance of Opt.
func isOpt(t reflect.Type) bool {
	return t.PkgPath() == pkgPath && strings.HasPrefix(t.Name(), "Opt[")
}

// isTuple reports whether t is an instance of Tuple2..Tuple22.
func isTuple(t reflect.Type) bool {
	return t.PkgPath() == pkgPath && strings.HasPrefix(t.Name(), "Tuple")
}
