package runtime

import (
	"math"
	"math/bits"
	"time"
)

// The key hashes decide which partition a key goes to after an exchange, and so the order
// in which results print. They are fixed functions of the key's value: the same on every
// run, machine and Go version (unlike hash/maphash, which is seeded per process). The
// construction follows wyhash: 64×64→128-bit multiplies folded by xor, over 8-byte
// little-endian words. Changing any of them changes every pipeline's output order, so
// hash_test.go pins their values.

const (
	hashP0 = 0xa0761d6478bd642f
	hashP1 = 0xe7037ed1a0b428db
	hashP2 = 0x8ebc6af09c88c6e3
	hashP3 = 0x589965cc75374cc3
)

// mix multiplies a and b to 128 bits and folds the halves together.
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// HashString hashes a string key.
func HashString(s string) uint64 { return hashBytes(s) }

// HashBytes hashes a bytes key; it equals HashString of the same bytes.
func HashBytes(b []byte) uint64 { return hashBytes(b) }

// hashBytes is the byte-string hash, generic so that neither caller converts.
func hashBytes[S string | []byte](s S) uint64 {
	n := len(s)
	seed := hashP0 ^ uint64(n)
	i := 0
	for ; n-i > 16; i += 16 {
		seed = mix(le64(s, i)^hashP1,
			le64(s, i+8)^seed)
	}
	var a, b uint64
	switch rem := n - i; {
	case rem >= 8:
		a = le64(s, i)
		b = le64(s, n-8)
	case rem >= 4:
		a = le32(s, i)<<32 |
			le32(s, n-4)
	case rem > 0:
		a = uint64(s[i])<<16 | uint64(s[i+rem>>1])<<8 | uint64(s[n-1])
	}
	return mix(hashP1^uint64(n), mix(a^hashP1, b^seed))
}

// hashPacked is HashString of a key of at most 16 bytes given in strIndex's packed form
// (its bytes as two little-endian words, zero-padded) with its length n: the same words
// hashBytes loads, taken from p instead of the key's memory.
func hashPacked(p packed, n uint64) uint64 {
	var a, b uint64
	switch {
	case n >= 8:
		a, b = p.lo, p.lo
		if n > 8 {
			b = p.lo>>(8*(n-8)) | p.hi<<(8*(16-n))
		}
	case n >= 4:
		a = p.lo&0xffffffff<<32 | p.lo>>(8*(n-4))&0xffffffff
	case n > 0:
		a = p.lo&0xff<<16 | p.lo>>(8*(n>>1))&0xff<<8 | p.lo>>(8*(n-1))&0xff
	}
	return mix(hashP1^n, mix(a^hashP1, b^(hashP0^n)))
}

// le64 reads 8 bytes of s at i as a little-endian word; the compiler merges the loads.
func le64[S string | []byte](s S, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// le32 reads 4 bytes of s at i as a little-endian word.
func le32[S string | []byte](s S, i int) uint64 {
	_ = s[i+3]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24
}

// HashInt hashes an int key.
func HashInt(v int64) uint64 { return mix(uint64(v)^hashP0, hashP1) }

// HashFloat hashes a float key. -0.0 hashes as 0.0 and every NaN alike, matching ==
// (except that NaN != NaN, so NaN keys never combine; they still land in one partition).
func HashFloat(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	if f != f {
		return HashInt(0x7ff8000000000001)
	}
	return HashInt(int64(math.Float64bits(f)))
}

// HashBool hashes a bool key.
func HashBool(v bool) uint64 {
	if v {
		return HashInt(1)
	}
	return HashInt(0)
}

// HashTime hashes a time key by its instant (nanoseconds since the epoch).
func HashTime(t time.Time) uint64 { return HashInt(t.UnixNano()) }

// HashDuration hashes a duration key.
func HashDuration(d time.Duration) uint64 { return HashInt(int64(d)) }

// HashCombine combines the hashes of a composite key's parts (tuple elements, record
// fields, list items) in order; it is not symmetric, so (a,b) and (b,a) differ.
// A composite key hashes as HashCombine(HashCombine(h1, h2), h3), and so on.
func HashCombine(h1, h2 uint64) uint64 { return mix(h1^hashP2, h2^hashP3) }

// Bucket maps a hash to a partition in [0, n) by multiply-shift range reduction (Lemire),
// which uses the hash's high bits and needs no division.
func Bucket(h uint64, n int) int {
	hi, _ := bits.Mul64(h, uint64(n))
	return int(hi)
}
