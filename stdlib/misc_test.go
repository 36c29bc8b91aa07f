package stdlib_test

import (
	"math"
	"testing"
	"time"

	"streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

func TestEnv(t *testing.T) {
	t.Setenv("STREAMC_TEST_SET", "eu-west")
	t.Setenv("STREAMC_TEST_EMPTY", "")
	tests := []struct{ name, def, want string }{
		{"STREAMC_TEST_SET", "x", "eu-west"},
		{"STREAMC_TEST_EMPTY", "x", ""}, // set to "" is set, as sys.env
		{"STREAMC_TEST_UNSET_7f3a", "x", "x"},
		{"STREAMC_TEST_UNSET_7f3a", "", ""},
	}
	for _, tt := range tests {
		if got := stdlib.Env(tt.name, tt.def); got != tt.want {
			t.Errorf("Env(%q, %q) = %q, want %q", tt.name, tt.def, got, tt.want)
		}
	}
}

func TestHashScalarsAreTheRuntimeKeyHashes(t *testing.T) {
	tm := runtime.Time(1714564800123)
	tests := []struct {
		name string
		got  int64
		want uint64
	}{
		{"string", stdlib.Hash("spark"), runtime.HashString("spark")},
		{"empty string", stdlib.Hash(""), runtime.HashString("")},
		{"unicode", stdlib.Hash("日本語"), runtime.HashString("日本語")},
		{"int", stdlib.Hash[int64](42), runtime.HashInt(42)},
		{"float", stdlib.Hash(2.5), runtime.HashFloat(2.5)},
		{"bool", stdlib.Hash(true), runtime.HashBool(true)},
		{"time", stdlib.Hash(tm), runtime.HashTime(tm.Go())},
		{"duration", stdlib.Hash(time.Minute), runtime.HashDuration(time.Minute)},
		{"pair", stdlib.Hash(stdlib.Tuple2[string, int64]{"a", 1}),
			runtime.HashCombine(runtime.HashString("a"), runtime.HashInt(1))},
		{"triple", stdlib.Hash(stdlib.Tuple3[string, int64, bool]{"a", 1, false}),
			runtime.HashCombine(runtime.HashCombine(runtime.HashString("a"), runtime.HashInt(1)), runtime.HashBool(false))},
		{"none", stdlib.Hash(stdlib.None[string]()), runtime.HashBool(false)},
		{"some", stdlib.Hash(stdlib.Some("a")), runtime.HashCombine(runtime.HashBool(true), runtime.HashString("a"))},
		{"nested time", stdlib.Hash(stdlib.Tuple2[runtime.Time, time.Duration]{tm, time.Second}),
			runtime.HashCombine(runtime.HashTime(tm.Go()), runtime.HashDuration(time.Second))},
	}
	for _, tt := range tests {
		if tt.got != int64(tt.want) {
			t.Errorf("Hash(%s) = %d, want %d", tt.name, tt.got, int64(tt.want))
		}
	}
}

func TestHashFollowsEquality(t *testing.T) {
	if stdlib.Hash(0.0) != stdlib.Hash(math.Copysign(0, -1)) {
		t.Errorf("0.0 and -0.0 are == but hash differently")
	}
	if stdlib.Hash("a") == stdlib.Hash("b") {
		t.Errorf("Hash(a) == Hash(b)")
	}
	p := stdlib.Tuple2[string, string]{"a", "b"}
	q := stdlib.Tuple2[string, string]{"b", "a"}
	if stdlib.Hash(p) == stdlib.Hash(q) {
		t.Errorf("(a,b) and (b,a) hash alike; field order must count")
	}
	type click struct {
		User string
		N    int64
	}
	if stdlib.Hash(click{"u", 1}) != stdlib.Hash(stdlib.Tuple2[string, int64]{"u", 1}) {
		t.Errorf("a record hashes unlike the tuple of its fields")
	}
}
