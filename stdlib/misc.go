package stdlib

import (
	"os"
	"reflect"
	"time"

	"streamc.dev/streamc/runtime"
)

// Env returns the value of the environment variable name, or def when it is not set
// (Scala's sys.env.getOrElse(name, def)): a variable set to "" gives "". Generated code
// evaluates env calls once, at start-up.
func Env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// Hash returns a 64-bit hash of x that is the same on every run, machine and Go
// version: the runtime's key hashes (runtime.HashString, HashInt, HashFloat, ...), with
// a tuple's or record's fields combined in order by runtime.HashCombine, none hashed as
// HashBool(false) and some(v) as HashCombine(HashBool(true), hash(v)). Values equal
// under == hash alike (0.0 and -0.0 included). The result may be negative; bucket it
// with ((hash(x) % n) + n) % n.
func Hash[T comparable](x T) int64 {
	switch v := any(x).(type) {
	case string:
		return int64(runtime.HashString(v))
	case int64:
		return int64(runtime.HashInt(v))
	case float64:
		return int64(runtime.HashFloat(v))
	case bool:
		return int64(runtime.HashBool(v))
	case runtime.Time:
		return int64(hashTime(v))
	case time.Duration:
		return int64(runtime.HashDuration(v))
	}
	return int64(hashValue(reflect.ValueOf(x)))
}

// hashTime hashes a time as the runtime hashes the same instant as a time.Time.
func hashTime(t runtime.Time) uint64 { return runtime.HashInt(int64(t) * int64(time.Millisecond)) }

// hashValue is Hash for values known only through reflection.
func hashValue(v reflect.Value) uint64 {
	switch v.Type() {
	case reflect.TypeFor[runtime.Time]():
		return hashTime(runtime.Time(v.Int()))
	case reflect.TypeFor[time.Duration]():
		return runtime.HashDuration(time.Duration(v.Int()))
	}
	switch v.Kind() {
	case reflect.String:
		return runtime.HashString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return runtime.HashInt(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return runtime.HashInt(int64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return runtime.HashFloat(v.Float())
	case reflect.Bool:
		return runtime.HashBool(v.Bool())
	case reflect.Struct:
		if isOpt(v.Type()) {
			if !v.Field(1).Bool() {
				return runtime.HashBool(false)
			}
			return runtime.HashCombine(runtime.HashBool(true), hashValue(v.Field(0)))
		}
		if v.NumField() == 0 {
			return runtime.HashInt(0)
		}
		h := hashValue(v.Field(0))
		for i := 1; i < v.NumField(); i++ {
			h = runtime.HashCombine(h, hashValue(v.Field(i)))
		}
		return h
	case reflect.Array:
		var h uint64 = runtime.HashInt(int64(v.Len()))
		for i := range v.Len() {
			h = runtime.HashCombine(h, hashValue(v.Index(i)))
		}
		return h
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return runtime.HashInt(0)
		}
		return hashValue(v.Elem())
	}
	panic("stdlib.Hash: values of type " + v.Type().String() + " cannot be hashed")
}
