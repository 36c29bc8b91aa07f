package base

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// CountWords counts the words of share (a share of a Batch's Data) as words() splits
// them — on runs of Unicode white space — into cnt, indexed by the ids of the run-wide
// dictionary d, and returns lcnt: the words d does not hold yet are counted there by
// their id in local, the share's own dictionary of the batch's new words, so that each
// distinct new word, not each occurrence, is added to d afterwards (AddNew).
//
// It reads 8 bytes at a time: at the start of a word one load and a few masks find the
// first byte that is ASCII white space or ≥ 0x80; when that is white space within the
// first 8 bytes (most words) or the next 8, the word is those bytes and its hash a
// multiplication or two of them; a word of up to 8 bytes is then found in the dictionary
// by one comparison of its bytes as a word with the slot's. Longer words and words next
// to a byte ≥ 0x80 take the exact path, which decodes UTF-8 and asks unicode.IsSpace, as
// strings.Fields does.
func CountWords(d, local *Dict, share []byte, cnt, lcnt []uint32) []uint32 {
	full := share[:cap(share)]
	end := len(share)
	i := 0
	for i < end {
		c := full[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] != 0 {
				i++
				continue
			}
			x := Load8(full, i)
			m := spaceOrHigh(x)
			if m != 0 && (m&-m)&x == 0 { // ends at ASCII white space within 8 bytes
				k := firstByte(m)
				pre := x & lowBytes[k]
				h := HashShort(pre, k)
				if id, ok := d.FindShort(h, pre, k); ok {
					cnt[id]++
				} else {
					lcnt = countNew(local, lcnt, h, pre, full[i:i+k])
				}
				i += k + 1 // the white space after the word, too
				continue
			}
			if m == 0 {
				x2 := Load8(full, i+8)
				m2 := spaceOrHigh(x2)
				if m2 != 0 && (m2&-m2)&x2 == 0 { // within 16 bytes
					k := 8 + firstByte(m2)
					h := hash16(x, x2&lowBytes[k-8], k)
					if id, ok := d.Find(h, x, full[i:i+k]); ok {
						cnt[id]++
					} else {
						lcnt = countNew(local, lcnt, h, x, full[i:i+k])
					}
					i += k + 1
					continue
				}
			}
		} else if r, size := utf8.DecodeRune(full[i:end]); unicode.IsSpace(r) {
			i += size
			continue
		}
		j := wordEnd(full, i, end)
		w := full[i:j]
		h, pre := Hash(w)
		if id, ok := d.Find(h, pre, w); ok {
			cnt[id]++
		} else {
			lcnt = countNew(local, lcnt, h, pre, w)
		}
		i = j
	}
	return lcnt
}

// hash16 is Hash of a string of 9 to 16 bytes: its first 8 bytes pre, the rest tail
// (zero-padded), its length n.
func hash16(pre, tail uint64, n int) uint64 {
	h := HashShort(pre, 8) ^ uint64(n)
	return (bits.RotateLeft64(h, 29) ^ tail) * k2 * k1
}

// countNew counts a word the run-wide dictionary does not hold in the share's dictionary
// of new words.
func countNew(local *Dict, lcnt []uint32, h, pre uint64, w []byte) []uint32 {
	id := local.Add(h, pre, w)
	if int(id) == len(lcnt) {
		lcnt = append(lcnt, 0)
	}
	lcnt[id]++
	return lcnt
}

// AddNew adds the words of local (a share's new words, counted in lcnt) to d, adds their
// counts to cnt (grown to d's size) and empties local and lcnt; it returns cnt.
func AddNew(d, local *Dict, lcnt, cnt []uint32) []uint32 {
	for lid := range local.Len() {
		h, pre, w := local.Entry(uint32(lid))
		id := d.Add(h, pre, w)
		for int(id) >= len(cnt) {
			cnt = append(cnt, 0)
		}
		cnt[id] += lcnt[lid]
		lcnt[lid] = 0
	}
	local.Reset()
	return cnt
}

// wordEnd returns the end of the word that starts at b[i] (not white space): the first
// white space (Unicode) at or after it, or end.
func wordEnd(b []byte, i, end int) int {
	for i < end {
		if c := b[i]; c < utf8.RuneSelf {
			if asciiSpace[c] != 0 {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:end])
		if unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return end
}

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts, as strings.Fields does.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}
