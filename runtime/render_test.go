package runtime_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

var tenth = 0.1 // a variable, so that 0.1+0.2 is computed in float64 as in Scala

// TestAppendFloat compares with what Scala prints (Double.toString, JDK 19+ shortest
// digits) for the same values.
func TestAppendFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{1, "1.0"},
		{0.5, "0.5"},
		{-2.5, "-2.5"},
		{100, "100.0"},
		{123.25, "123.25"},
		{tenth + 2*tenth, "0.30000000000000004"},
		{1.0 / 3, "0.3333333333333333"},
		{0.001, "0.001"},
		{0.00123, "0.00123"},
		{0.0001, "1.0E-4"},
		{1.234e-5, "1.234E-5"},
		{9999999, "9999999.0"},
		{9999999.5, "9999999.5"},
		{1e7, "1.0E7"},
		{12345678.9, "1.23456789E7"},
		{3e10, "3.0E10"},
		{1e21, "1.0E21"},
		{-1e-10, "-1.0E-10"},
		{math.MaxFloat64, "1.7976931348623157E308"},
		{math.SmallestNonzeroFloat64, "4.9E-324"},
		{2 * math.SmallestNonzeroFloat64, "9.9E-324"}, // Java: closest of length 1 or 2
		{3 * math.SmallestNonzeroFloat64, "1.5E-323"},
		{1e23, "1.0E23"},
		{2e-3, "0.002"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	} {
		if got := string(rt.AppendFloat([]byte("x"), tc.f)); got != "x"+tc.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", tc.f, got[1:], tc.want)
		}
	}
}

func TestAppendScalars(t *testing.T) {
	loc := time.FixedZone("CEST", 2*3600)
	for _, tc := range []struct{ got, want string }{
		{string(rt.AppendString(nil, "héllo")), "héllo"},
		{string(rt.AppendInt(nil, -42)), "-42"},
		{string(rt.AppendBool(nil, true)), "true"},
		{string(rt.AppendTime(nil, time.Date(2024, 5, 1, 12, 0, 0, 5e6, loc))), "2024-05-01T10:00:00.005Z"},
		{string(rt.AppendTime(nil, time.UnixMilli(1000))), "1970-01-01T00:00:01.000Z"},
		{string(rt.AppendDuration(nil, 90*time.Second)), "1m30s"},
		{string(rt.AppendDuration(nil, 250*time.Millisecond)), "250ms"},
		{string(rt.AppendBytes(nil, []byte("text"))), "text"},
		{string(rt.AppendBytes(nil, []byte{0xff, 0x00})), "/wA="},
		{string(rt.AppendOption(nil, 1, true, rt.AppendInt)), "Some(1)"},
		{string(rt.AppendOption(nil, 0, false, rt.AppendInt)), "None"},
		{string(rt.AppendList(nil, []int64{1, 2, 3}, rt.AppendInt)), "[1,2,3]"},
		{string(rt.AppendList(nil, []int64{}, rt.AppendInt)), "[]"},
		{string(rt.AppendList(nil, [][]float64{{1}, {0.5, 2}}, func(dst []byte, xs []float64) []byte {
			return rt.AppendList(dst, xs, rt.AppendFloat)
		})), "[[1.0],[0.5,2.0]]"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestAppendFloatAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = rt.AppendFloat(buf[:0], 12345.678) }); n != 0 {
		t.Errorf("AppendFloat allocates %v times", n)
	}
}

// TestAppendTimeMatchesAppendFormat: the direct formatter gives AppendFormat's bytes for
// times all over years 0 to 9999 (before 1970, leap days, the last millisecond of a day),
// and years outside it still print as AppendFormat prints them.
func TestAppendTimeMatchesAppendFormat(t *testing.T) {
	const layout = "2006-01-02T15:04:05.000Z07:00"
	check := func(tm time.Time) {
		t.Helper()
		if got, want := string(rt.AppendTime(nil, tm)), tm.UTC().Format(layout); got != want {
			t.Errorf("AppendTime(%v) = %s, want %s", tm, got, want)
		}
	}
	east := time.FixedZone("east", 5*3600+30*60)
	for _, tm := range []time.Time{
		time.Unix(0, 0), time.Unix(-1, 999_999_999), time.UnixMilli(-1),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 12, 31, 23, 59, 59, 999e6, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 12, 0, 0, 0, east), time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 999_500_000, time.UTC), {},
	} {
		check(tm)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	lo, hi := time.Date(-50, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), time.Date(10050, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for range 200_000 {
		check(time.UnixMilli(lo + rng.Int64N(hi-lo)).Add(time.Duration(rng.IntN(1_000_000))))
	}
}

// TestAppendTimeAppends: the time goes after what dst holds, whatever its spare
// capacity (none, less than the 24 bytes, more), and the bytes before are kept.
func TestAppendTimeAppends(t *testing.T) {
	tm := time.UnixMilli(1_436_918_405_007)
	const want = "x=2015-07-15T00:00:05.007Z"
	for _, spare := range []int{0, 1, 23, 24, 25, 100} {
		dst := append(make([]byte, 0, 2+spare), "x="...)
		if got := string(rt.AppendTime(dst, tm)); got != want {
			t.Errorf("AppendTime with %d spare bytes = %s, want %s", spare, got, want)
		}
	}
	// Appending twice into one buffer: the second does not overwrite the first.
	buf := rt.AppendTime(make([]byte, 0, 30), tm)
	buf = rt.AppendTime(buf, tm.Add(time.Hour))
	if got := string(buf); got != "2015-07-15T00:00:05.007Z2015-07-15T01:00:05.007Z" {
		t.Errorf("two times = %s", got)
	}
}

// TestAppendTimeConcurrentDays: goroutines formatting times of different days at once
// (each replacing the kept date the others read) all get AppendFormat's bytes, and a
// time on the kept day allocates nothing.
func TestAppendTimeConcurrentDays(t *testing.T) {
	const layout = "2006-01-02T15:04:05.000Z07:00"
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			buf := make([]byte, 0, 64)
			for range 20_000 {
				tm := time.UnixMilli(1_436_918_400_000 + rng.Int64N(10*86_400_000))
				buf = rt.AppendTime(buf[:0], tm)
				if want := tm.UTC().Format(layout); string(buf) != want {
					done <- fmt.Sprintf("AppendTime(%v) = %s, want %s", tm, buf, want)
					return
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
	tm := time.UnixMilli(1_436_918_400_123)
	buf := rt.AppendTime(nil, tm)
	if n := testing.AllocsPerRun(100, func() { buf = rt.AppendTime(buf[:0], tm) }); n != 0 {
		t.Errorf("AppendTime on the kept day allocates %v times", n)
	}
}

// TestAppendIntMatchesStrconv: every value around the fast path's edges, and random
// ones of every size and sign, append what strconv.AppendInt appends.
func TestAppendIntMatchesStrconv(t *testing.T) {
	check := func(v int64) {
		t.Helper()
		if got, want := string(rt.AppendInt([]byte("x"), v)), string(strconv.AppendInt([]byte("x"), v, 10)); got != want {
			t.Fatalf("AppendInt(%d) = %s, want %s", v, got, want)
		}
	}
	for v := int64(-200); v < 20_200; v++ {
		check(v)
	}
	for _, v := range []int64{math.MinInt64, math.MinInt64 + 1, math.MaxInt64, -9999, -10000, 99_999, 100_000,
		99_999_999, 100_000_000, 10_000_001, 10_001_000, 12_340_005} {
		check(v)
	}
	rng := rand.New(rand.NewPCG(1, 9))
	for range 100_000 {
		check(rng.Int64N(100_000_000))
		check(rng.Int64() >> rng.IntN(64))
		check(-(rng.Int64() >> rng.IntN(64)))
	}
}

// BenchmarkAppendInt appends the integers of NEXMark bids (auction, bidder, price).
func BenchmarkAppendInt(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 3))
	vals := make([]int64, 4096)
	for i := range vals {
		vals[i] = 1000 + rng.Int64N(9000)
		if i%3 == 2 {
			vals[i] = 100 + rng.Int64N(50_000)
		}
	}
	buf := make([]byte, 0, 64)
	for b.Loop() {
		for _, v := range vals {
			buf = rt.AppendInt(buf[:0], v)
		}
	}
}

func BenchmarkAppendTime(b *testing.B) {
	tm := time.UnixMilli(1_700_000_000_123)
	buf := make([]byte, 0, 64)
	for b.Loop() {
		buf = rt.AppendTime(buf[:0], tm)
	}
}
