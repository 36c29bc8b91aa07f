package stdlib_test

import (
	"math"
	"testing"
	"time"

	"streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

type Click struct {
	User string
	URL  string `json:"url"`
	At   runtime.Time
	Tags []string `stream:"tags"`
}

type rendered struct{ n int64 }

func (r rendered) AppendValue(dst []byte) []byte { return append(dst, "R<"...) }

func TestToString(t *testing.T) {
	tm := runtime.Time(1714564800123)
	tests := []struct {
		got, want string
	}{
		{stdlib.ToString("plain, unquoted"), "plain, unquoted"},
		{stdlib.ToString(""), ""},
		{stdlib.ToString[int64](-42), "-42"},
		{stdlib.ToString(1.0), "1.0"},
		{stdlib.ToString(0.5), "0.5"},
		{stdlib.ToString(1e7), "1.0E7"},
		{stdlib.ToString(1.25e-5), "1.25E-5"},
		{stdlib.ToString(123456.75), "123456.75"},
		{stdlib.ToString(math.NaN()), "NaN"},
		{stdlib.ToString(math.Inf(-1)), "-Infinity"},
		{stdlib.ToString(math.Copysign(0, -1)), "-0.0"},
		{stdlib.ToString(true), "true"},
		{stdlib.ToString(tm), "2024-05-01T12:00:00.123Z"},
		{stdlib.ToString(90 * time.Second), "1m30s"},
		{stdlib.ToString(stdlib.Tuple2[string, int64]{"a", 1}), "(a,1)"},
		{stdlib.ToString(stdlib.Tuple2[string, stdlib.Tuple2[int64, float64]]{"a", stdlib.Tuple2[int64, float64]{1, 2}}), "(a,(1,2.0))"},
		{stdlib.ToString([]int64{1, 2}), "[1,2]"},
		{stdlib.ToString([]string{}), "[]"},
		{stdlib.ToString(stdlib.Some[int64](3)), "Some(3)"},
		{stdlib.ToString(stdlib.None[string]()), "None"},
		{stdlib.ToString(stdlib.Some(stdlib.Tuple2[string, stdlib.Opt[float64]]{"k", stdlib.None[float64]()})), "Some((k,None))"},
		{stdlib.ToString([]stdlib.Tuple2[string, runtime.Time]{{"x", 0}}), "[(x,1970-01-01T00:00:00.000Z)]"},
		{stdlib.ToString(Click{User: "a", URL: "/x", At: tm, Tags: []string{"t"}}), "Click{user:a,url:/x,at:2024-05-01T12:00:00.123Z,tags:[t]}"},
		{stdlib.ToString(rendered{1}), "R<"},
		{stdlib.ToString(stdlib.Tuple2[rendered, int64]{rendered{1}, 2}), "(R<,2)"},
		{stdlib.ToString(stdlib.Tuple6[int64, int64, int64, int64, int64, string]{1, 2, 3, 4, 5, "6"}), "(1,2,3,4,5,6)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("ToString = %q, want %q", tt.got, tt.want)
		}
	}
}

func TestAppendValueAppends(t *testing.T) {
	got := stdlib.AppendValue([]byte("x="), stdlib.Tuple2[int64, bool]{1, true})
	if string(got) != "x=(1,true)" {
		t.Errorf("AppendValue = %q", got)
	}
}
