package base

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"
)

// Bid is a NEXMark bid, as the pipelines' Bid record holds it.
type Bid struct {
	Auction, Bidder, Price int64
	Channel, URL           []byte // slices of the input (or, from the exact path, copies)
	DateTime               int64  // epoch milliseconds
	Extra                  []byte
}

// NextBid decodes the CSV line auction,bidder,price,channel,url,dateTime,extra that
// starts at data[i] into b and returns the offset after its line end; data must be a
// share of a Batch (readable up to its padding), i < len(data). ok is false for a bad
// record; then bad is the line.
//
// It expects the layout the NEXMark generator writes, field by field: each integer is
// read 8 digits at a time up to its comma (cutInt: one load, a mask for the first
// non-digit, three multiplications), the two strings end at the next commas
// (bytes.IndexByte), extra at the line end; the string bytes are checked 8 at a time
// for what the layout excludes ('"', NUL, a line end, '\r', non-ASCII, a comma in
// extra), a word with no byte up to '"' or ≥ 0x80 (most) passing at once. Any line off
// that layout (quotes, blanks around a number, an RFC 3339 time, "\r\n", non-ASCII
// text, another number of fields...) is decoded again by parseBidExact, which follows
// streamc's CSV decoder rule for rule, so both give the same record or both reject the
// line.
func NextBid(data []byte, i int, b *Bid) (next int, ok bool, bad []byte) {
	full := data[:cap(data)]
	start := i
	var ok1, ok2, ok3, ok4 bool
	b.Auction, i, ok1 = cutInt(full, i)
	if ok1 {
		b.Bidder, i, ok2 = cutInt(full, i)
		if ok2 {
			b.Price, i, ok3 = cutInt(full, i)
			if ok3 {
				c1 := bytes.IndexByte(full[i:], ',')
				if c1 >= 0 {
					c2 := bytes.IndexByte(full[i+c1+1:], ',')
					if c2 >= 0 {
						b.Channel = full[i : i+c1]
						b.URL = full[i+c1+1 : i+c1+1+c2]
						j := i + c1 + 1 + c2 + 1
						if cleanRange(full, i, j-1, false) {
							b.DateTime, j, ok4 = cutInt(full, j)
							if ok4 {
								e := bytes.IndexByte(full[j:], '\n') + j
								if cleanRange(full, j, e, true) {
									b.Extra = full[j:e]
									return e + 1, true, nil
								}
							}
						}
					}
				}
			}
		}
	}
	e := bytes.IndexByte(full[start:], '\n') + start
	line := bytes.TrimSuffix(full[start:e], []byte("\r"))
	if !parseBidExact(line, b) {
		return e + 1, false, line
	}
	return e + 1, true, nil
}

// cutInt reads the integer field at b[i:] that ends at a comma — an optional minus sign
// and 1 to 18 digits — 8 digits at a time, and returns the offset after the comma.
func cutInt(b []byte, i int) (v int64, next int, ok bool) {
	neg := b[i] == '-'
	if neg {
		i++
	}
	total := 0
	for {
		x := Load8(b, i)
		nonDigit := ^(below(x, '9'+1) &^ below(x, '0')) & hi
		n := 8
		if nonDigit != 0 {
			n = firstByte(nonDigit)
		}
		if n > 0 {
			v = v*pow10[n] + int64(eightDigits((x-ones*'0')&lowBytes[n]<<(8*(8-n))))
		}
		total += n
		i += n
		if n < 8 || total > 18 {
			break
		}
	}
	if total == 0 || total > 18 || b[i] != ',' {
		return 0, i, false
	}
	if neg {
		v = -v
	}
	return v, i + 1, true
}

// eightDigits is the value of 8 decimal digits, one per byte, the first in the lowest
// byte: pairs, then quadruples, then the whole, by three multiplications.
func eightDigits(d uint64) uint64 {
	d = d*10 + d>>8
	return ((d&0x000000ff000000ff)*(100+1000000<<32) + (d>>16&0x000000ff000000ff)*(1+10000<<32)) >> 32
}

var pow10 = [9]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// cleanRange reports whether b[i:j] has none of '"', NUL, '\n', '\r', a byte ≥ 0x80 and,
// when comma, ','. A word with no byte up to '"' or ≥ 0x80 (most) is clean at once.
func cleanRange(b []byte, i, j int, comma bool) bool {
	for ; i < j; i += 8 {
		x := Load8(b, i)
		keep := ^uint64(0)
		if j-i < 8 {
			keep = lowBytes[j-i]
		}
		var c uint64
		if comma {
			c = eq(x, ',')
		}
		if (below(x, '"'+1)|high(x)|c)&keep != 0 &&
			(eq(x, '"')|zeros(x)|eq(x, '\n')|eq(x, '\r')|high(x)|c)&keep != 0 {
			return false
		}
	}
	return true
}

// parseDecimal reads an optional minus sign and 1 to 18 digits (which cannot overflow).
func parseDecimal(s []byte) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range s {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int64(d)
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseBidExact decodes a line as streamc's CSV decoder does: RFC 4180 fields within the
// line (a quoted field may hold commas and doubled quotes; a quote elsewhere is an error),
// exactly 7 of them; an int is a decimal int64 with surrounding blanks (' ', '\t')
// allowed; a time is epoch milliseconds or RFC 3339; a string must be valid UTF-8
// without NUL. It allocates; it runs only for lines off the expected layout.
func parseBidExact(line []byte, b *Bid) bool {
	f, ok := splitCSV(line)
	if !ok || len(f) != 7 {
		return false
	}
	var ok1, ok2, ok3, ok4 bool
	b.Auction, ok1 = parseIntExact(f[0])
	b.Bidder, ok2 = parseIntExact(f[1])
	b.Price, ok3 = parseIntExact(f[2])
	b.DateTime, ok4 = parseTimeExact(f[5])
	b.Channel, b.URL, b.Extra = f[3], f[4], f[6]
	for _, s := range [][]byte{b.Channel, b.URL, b.Extra} {
		if !utf8.Valid(s) || bytes.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return ok1 && ok2 && ok3 && ok4
}

// splitCSV splits one line into RFC 4180 fields (fresh copies).
func splitCSV(line []byte) ([][]byte, bool) {
	var fields [][]byte
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			var field []byte
			j := i + 1
			for {
				q := bytes.IndexByte(line[j:], '"')
				if q < 0 {
					return nil, false
				}
				q += j
				if q+1 < len(line) && line[q+1] == '"' {
					field = append(field, line[j:q+1]...)
					j = q + 2
					continue
				}
				if q+1 < len(line) && line[q+1] != ',' {
					return nil, false
				}
				field = append(field, line[j:q]...)
				i = q + 1
				break
			}
			fields = append(fields, field)
		} else {
			end := bytes.IndexByte(line[i:], ',')
			if end < 0 {
				end = len(line)
			} else {
				end += i
			}
			if bytes.IndexByte(line[i:end], '"') >= 0 {
				return nil, false
			}
			fields = append(fields, bytes.Clone(line[i:end]))
			i = end
		}
		if i >= len(line) {
			return fields, true
		}
		i++ // the comma
		if i == len(line) {
			return append(fields, []byte{}), true
		}
	}
}

func trimBlanks(s []byte) []byte { return bytes.Trim(s, " \t") }

func parseIntExact(s []byte) (int64, bool) {
	if v, ok := parseDecimal(trimBlanks(s)); ok {
		return v, true
	}
	v, err := strconv.ParseInt(string(trimBlanks(s)), 10, 64)
	return v, err == nil
}

func parseTimeExact(s []byte) (int64, bool) {
	t := trimBlanks(s)
	if v, ok := parseDecimal(t); ok {
		return v, true
	}
	tm, err := time.Parse(time.RFC3339Nano, string(t))
	if err != nil {
		return 0, false
	}
	return tm.UnixMilli(), true
}

// AppendBid appends b as streamc prints a Bid record.
func AppendBid(dst []byte, b *Bid, tf *TimeFormat) []byte {
	dst = append(dst, "Bid{auction:"...)
	dst = strconv.AppendInt(dst, b.Auction, 10)
	dst = append(dst, ",bidder:"...)
	dst = strconv.AppendInt(dst, b.Bidder, 10)
	dst = append(dst, ",price:"...)
	dst = strconv.AppendInt(dst, b.Price, 10)
	dst = append(dst, ",channel:"...)
	dst = append(dst, b.Channel...)
	dst = append(dst, ",url:"...)
	dst = append(dst, b.URL...)
	dst = append(dst, ",dateTime:"...)
	dst = tf.Append(dst, b.DateTime)
	dst = append(dst, ",extra:"...)
	dst = append(dst, b.Extra...)
	return append(dst, '}')
}
