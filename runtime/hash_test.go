package runtime_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	rt "streamc.dev/streamc/runtime"
)

// TestHashStable pins the hash values: they decide partitioning and so the order of every
// pipeline's output, which must not change between runs, machines or releases.
func TestHashStable(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  uint64
		want uint64
	}{
		{`HashString("")`, rt.HashString(""), 0x42bc986dc5eec4d3},
		{`HashString("a")`, rt.HashString("a"), 0x84508dc903c31551},
		{`HashString("b")`, rt.HashString("b"), 0xf49400583c04bc11},
		{`HashString("hello")`, rt.HashString("hello"), 0xfba50d384ab7aaa0},
		{`HashString("streamc")`, rt.HashString("streamc"), 0x9efe82e2d2cb788a},
		{`HashString(19 bytes)`, rt.HashString("0123456789abcdefXYZ"), 0x97bf50278587ef95},
		{`HashString(33 bytes)`, rt.HashString("0123456789abcdef0123456789abcdef0"), 0xb6460cfaef293466},
		{`HashInt(0)`, rt.HashInt(0), 0x1ff5c2923a788d2c},
		{`HashInt(1)`, rt.HashInt(1), 0x38f94c439ac36242},
		{`HashInt(-1)`, rt.HashInt(-1), 0xdff5c05abb606d30},
		{`HashInt(42)`, rt.HashInt(42), 0x386afcf6dde9d8b4},
		{`HashFloat(1.5)`, rt.HashFloat(1.5), 0x73a6dcd287ed1e1},
		{`HashBool(true)`, rt.HashBool(true), 0x38f94c439ac36242},
		{`HashBool(false)`, rt.HashBool(false), 0x1ff5c2923a788d2c},
		{`HashCombine(1, 2)`, rt.HashCombine(1, 2), 0x8ce9941e57faa1a3},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %#x, want %#x", tc.name, tc.got, tc.want)
		}
	}
}

func TestHashProperties(t *testing.T) {
	if rt.HashBytes([]byte("hello world")) != rt.HashString("hello world") {
		t.Error("HashBytes differs from HashString")
	}
	if rt.HashFloat(math.Copysign(0, -1)) != rt.HashFloat(0) {
		t.Error("-0.0 and 0.0 hash differently")
	}
	if rt.HashFloat(math.NaN()) != rt.HashFloat(-math.NaN()) {
		t.Error("NaNs hash differently")
	}
	if rt.HashCombine(rt.HashString("a"), rt.HashString("b")) == rt.HashCombine(rt.HashString("b"), rt.HashString("a")) {
		t.Error("HashCombine is symmetric")
	}
	ts := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	if rt.HashTime(ts) != rt.HashTime(ts.In(time.FixedZone("x", 3600))) {
		t.Error("HashTime depends on the location")
	}
	// Every length through the word-at-a-time paths hashes differently, and changing any
	// single byte changes the hash.
	seen := map[uint64]string{}
	buf := []byte("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ")
	for n := range len(buf) {
		s := string(buf[:n])
		h := rt.HashString(s)
		if prev, dup := seen[h]; dup {
			t.Errorf("%q and %q collide", prev, s)
		}
		seen[h] = s
		for i := range n {
			b := []byte(s)
			b[i] ^= 1
			if rt.HashBytes(b) == h {
				t.Errorf("flipping byte %d of %q leaves the hash unchanged", i, s)
			}
		}
	}
}

func TestBucket(t *testing.T) {
	for n := 1; n <= 9; n++ {
		counts := make([]int, n)
		for i := range 9000 {
			b := rt.Bucket(rt.HashString(fmt.Sprintf("key%d", i)), n)
			if b < 0 || b >= n {
				t.Fatalf("Bucket(_, %d) = %d", n, b)
			}
			counts[b]++
		}
		for b, c := range counts {
			if c < 9000/n*8/10 || c > 9000/n*12/10 { // within 20% of even
				t.Errorf("n=%d: bucket %d holds %d of 9000 keys: %v", n, b, c, counts)
			}
		}
	}
	if rt.Bucket(math.MaxUint64, 7) != 6 || rt.Bucket(0, 7) != 0 {
		t.Error("Bucket does not cover the range ends")
	}
}

func BenchmarkHashString(b *testing.B) {
	keys := []string{"a", "hello", "streaming", "a-rather-longer-key-of-40-bytes-or-so...."}
	for _, k := range keys {
		b.Run(fmt.Sprint(len(k)), func(b *testing.B) {
			b.SetBytes(int64(len(k)))
			var h uint64
			for b.Loop() {
				h ^= rt.HashString(k)
			}
			_ = h
		})
	}
}
