package base

import (
	"encoding/binary"
	"math/bits"
)

// SWAR ("SIMD within a register"): eight bytes are tested at once in a uint64 loaded
// little-endian, so byte k of the input is bits 8k..8k+7. Each test sets bit 7 of every
// byte that matches (0x80 in that byte) and is exact: no carry crosses a byte.
const (
	ones = 0x0101010101010101
	lo7  = 0x7f7f7f7f7f7f7f7f
	hi   = 0x8080808080808080
)

// Load8 returns the 8 bytes at b[i:] as a little-endian word.
func Load8(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

// zeros marks the zero bytes of x.
func zeros(x uint64) uint64 { return ^(((x & lo7) + lo7) | x) & hi }

// eq marks the bytes of x equal to c.
func eq(x uint64, c byte) uint64 { return zeros(x ^ ones*uint64(c)) }

// below marks the bytes of x below c (c ≤ 0x80), the bytes ≥ 0x80 excluded.
func below(x uint64, c byte) uint64 { return ^((x | hi) - ones*uint64(c)) & ^x & hi }

// high marks the bytes ≥ 0x80.
func high(x uint64) uint64 { return x & hi }

// spaceOrHigh marks the ASCII white space of unicode.IsSpace ('\t', '\n', '\v', '\f',
// '\r', ' ') and every byte ≥ 0x80 (which may start a Unicode space).
func spaceOrHigh(x uint64) uint64 {
	a := x &^ hi // no carry out of a byte below
	ge9 := a + ones*(0x80-0x09)
	ge14 := a + ones*(0x80-0x0e)
	return (ge9&^ge14)&hi | eq(x, ' ') | x&hi
}

// firstByte is the index of the byte whose bit 7 is the lowest set bit of m (m ≠ 0).
func firstByte(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

// before masks the bytes below the one marked by the lowest set bit of m (m ≠ 0).
func before(m uint64) uint64 { return (m & -m) - 1 }

// lowBytes[k] keeps the first k bytes of a word.
var lowBytes = [9]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, ^uint64(0)}
