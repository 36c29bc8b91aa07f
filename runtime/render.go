package runtime

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// The Append functions render values the way Spark (Scala's toString) prints them, so that
// print and saveAsTextFiles output compares with Spark's. Codegen composes them per type
// into one append-style render function, e.g. for (string, (int, float)):
//
//	func render(dst []byte, v T) []byte {
//		dst = append(dst, '(')
//		dst = rt.AppendString(dst, v.F0)
//		dst = append(dst, ",("...)
//		dst = rt.AppendInt(dst, v.F1.F0)
//		dst = append(dst, ',')
//		dst = rt.AppendFloat(dst, v.F1.F1)
//		return append(dst, "))"...)
//	}
//
// Tuples are "(a,b)", lists "[a,b]", records "Name{field:value,...}", optionals "Some(x)"
// and "None"; strings print without quotes.

// AppendString appends s as is (Scala prints strings without quotes).
func AppendString(dst []byte, s string) []byte { return append(dst, s...) }

// AppendInt appends v in decimal, as strconv.AppendInt(dst, v, 10) does. Values from 0
// to 99,999,999 (ids, prices, counts: most printed integers) are appended from the
// two-digit table without strconv's general loop; others go through strconv.
func AppendInt(dst []byte, v int64) []byte {
	if uint64(v) >= 100_000_000 {
		return strconv.AppendInt(dst, v, 10)
	}
	u := uint(v)
	if u >= 10_000 {
		hi, lo := u/10_000, u%10_000
		dst = appendUpTo4(dst, hi)
		a, b := lo/100, lo%100
		return append(dst, digits2[2*a], digits2[2*a+1], digits2[2*b], digits2[2*b+1])
	}
	// appendUpTo4(dst, u), written out: one call less for the commonest values.
	if u < 100 {
		if u < 10 {
			return append(dst, byte('0'+u))
		}
		return append(dst, digits2[2*u], digits2[2*u+1])
	}
	hi, lo := u/100, u%100
	if hi < 10 {
		return append(dst, byte('0'+hi), digits2[2*lo], digits2[2*lo+1])
	}
	return append(dst, digits2[2*hi], digits2[2*hi+1], digits2[2*lo], digits2[2*lo+1])
}

// appendUpTo4 appends u < 10,000 in decimal, without leading zeros.
func appendUpTo4(dst []byte, u uint) []byte {
	if u < 100 {
		if u < 10 {
			return append(dst, byte('0'+u))
		}
		return append(dst, digits2[2*u], digits2[2*u+1])
	}
	hi, lo := u/100, u%100
	if hi < 10 {
		return append(dst, byte('0'+hi), digits2[2*lo], digits2[2*lo+1])
	}
	return append(dst, digits2[2*hi], digits2[2*hi+1], digits2[2*lo], digits2[2*lo+1])
}

// AppendBool appends "true" or "false".
func AppendBool(dst []byte, v bool) []byte { return strconv.AppendBool(dst, v) }

// AppendFloat appends f as Scala's Double.toString does: the shortest decimal that reads
// back as f, in plain notation with at least one fractional digit when
// 1e-3 <= |f| < 1e7 ("1.0", "0.5", "123.25"), otherwise in computerized scientific
// notation ("1.0E7", "1.234E-5"); "NaN", "Infinity", "-Infinity", "-0.0".
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	if math.Signbit(f) {
		dst = append(dst, '-')
		f = -f
	}
	if f == 0 {
		return append(dst, "0.0"...)
	}
	// Shortest round-trip digits and decimal exponent, from strconv's 'e' format. Java
	// never prints fewer than two significant digits' worth of precision: when one digit
	// suffices it picks the two-digit decimal closest to f, which differs from d.0 only
	// for subnormals (Double.MIN_VALUE prints as 4.9E-324, not 5.0E-324).
	var ebuf [32]byte
	var dbuf [24]byte
	digits, exp := decimalDigits(dbuf[:0], strconv.AppendFloat(ebuf[:0], f, 'e', -1, 64))
	if len(digits) == 1 {
		if d2, exp2 := decimalDigits(dbuf[:0], strconv.AppendFloat(ebuf[:0], f, 'e', 1, 64)); d2[1] != '0' {
			digits, exp = d2, exp2
		}
	}
	if f >= 1e-3 && f < 1e7 {
		if exp < 0 {
			dst = append(dst, "0."...)
			for range -exp - 1 {
				dst = append(dst, '0')
			}
			return append(dst, digits...)
		}
		if len(digits) <= exp+1 {
			dst = append(dst, digits...)
			for range exp + 1 - len(digits) {
				dst = append(dst, '0')
			}
			return append(dst, ".0"...)
		}
		dst = append(dst, digits[:exp+1]...)
		dst = append(dst, '.')
		return append(dst, digits[exp+1:]...)
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

// AppendTime appends t as RFC 3339 in UTC with milliseconds: 2024-05-01T12:00:00.000Z.
//
// Years 0 to 9999 are formatted directly from the Unix time, several times faster than
// time.Time.AppendFormat, which parses its layout at every call; other years go through
// AppendFormat. The date part ("2024-05-01T") of the last day formatted is kept (see
// lastDate), since consecutive records mostly fall on the same day; the time of day is
// three divisions and a table of two-digit pairs, and the 24 bytes are written as three
// 8-byte words (date, date end + hh:mm, :ss.mmmZ) straight into dst.
func AppendTime(dst []byte, t time.Time) []byte {
	sec := t.Unix() // floor: Nanosecond is in [0, 1e9) also before 1970
	days, secOfDay := sec/86400, sec%86400
	if secOfDay < 0 {
		days--
		secOfDay += 86400
	}
	d := lastDate.Load()
	if d == nil || d.day != days {
		if d = civilDate(days); d == nil {
			return t.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
		}
		lastDate.Store(d)
	}
	ms := uint(t.Nanosecond()) / 1_000_000
	s := uint(secOfDay)
	h, m := s/3600, s/60%60
	s %= 60
	n := len(dst)
	if cap(dst)-n < 24 {
		dst = slices.Grow(dst, 24)
	}
	b := dst[n : n+24 : n+24]
	// "2015-07-", "15T00:05" (the date's last 3 bytes, then hh:mm), ":08.123Z".
	binary.LittleEndian.PutUint64(b[0:8], d.w0)
	binary.LittleEndian.PutUint64(b[8:16], d.w1|uint64(pairs[h])<<24|':'<<40|uint64(pairs[m])<<48)
	binary.LittleEndian.PutUint64(b[16:24], ':'|uint64(pairs[s])<<8|'.'<<24|uint64('0'+ms/100)<<32|uint64(pairs[ms%100])<<40|'Z'<<56)
	return dst[:n+24]
}

// formattedDate is the date part of AppendTime's output for one day, as the first 8
// bytes and the next 3 (in the low bytes of w1) of "2024-05-01T". Once published in
// lastDate it is never changed.
type formattedDate struct {
	day    int64 // days since 1970-01-01
	w0, w1 uint64
}

// pairs holds the two-digit decimal strings 00 to 99 as little-endian uint16s.
var pairs = func() (p [100]uint16) {
	for i := range p {
		p[i] = uint16(digits2[2*i]) | uint16(digits2[2*i+1])<<8
	}
	return p
}()

// lastDate is the date AppendTime formatted last, shared by every goroutine that renders:
// reading it is one load, and a new day (rare: records come in time order, mostly) costs
// one small allocation.
var lastDate atomic.Pointer[formattedDate]

// civilDate formats the date of days (since 1970-01-01) with Howard Hinnant's
// days-to-civil algorithm (proleptic Gregorian calendar), or returns nil for a year
// outside 0 to 9999.
func civilDate(days int64) *formattedDate {
	// Days since 0000-03-01, in eras of 400 years (146097 days).
	z := days + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	year := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if month > 12 {
		month -= 12
		year++
	}
	if year < 0 || year > 9999 {
		return nil
	}
	yh, yl := year/100, year%100
	date := [11]byte{
		digits2[2*yh], digits2[2*yh+1], digits2[2*yl], digits2[2*yl+1], '-',
		digits2[2*month], digits2[2*month+1], '-',
		digits2[2*day], digits2[2*day+1], 'T',
	}
	return &formattedDate{day: days,
		w0: binary.LittleEndian.Uint64(date[:8]),
		w1: uint64(date[8]) | uint64(date[9])<<8 | uint64(date[10])<<16}
}

// digits2 holds the two-digit decimal strings 00 to 99, one after the other.
const digits2 = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// AppendDuration appends d as Go prints it: 1m30s, 250ms, 0s.
func AppendDuration(dst []byte, d time.Duration) []byte { return append(dst, d.String()...) }

// AppendBytes appends b as text when it is valid UTF-8 and as standard base64 otherwise.
func AppendBytes(dst []byte, b []byte) []byte {
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	return base64.StdEncoding.AppendEncode(dst, b)
}

// AppendNone appends Scala's rendering of an empty optional.
func AppendNone(dst []byte) []byte { return append(dst, "None"...) }

// AppendOption appends Some(v) rendered with f when ok, and None otherwise.
func AppendOption[T any](dst []byte, v T, ok bool, f func([]byte, T) []byte) []byte {
	if !ok {
		return AppendNone(dst)
	}
	dst = append(dst, "Some("...)
	dst = f(dst, v)
	return append(dst, ')')
}

// AppendList appends xs as [a,b,c], each element rendered with f.
func AppendList[T any](dst []byte, xs []T, f func([]byte, T) []byte) []byte {
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = f(dst, x)
	}
	return append(dst, ']')
}

// decimalDigits splits strconv's 'e' format (d.ddde±XX) into its digits, appended to dst,
// and its exponent.
func decimalDigits(dst, e []byte) ([]byte, int) {
	exp := 0
	for i, c := range e {
		switch c {
		case '.':
		case 'e':
			for _, c := range e[i+2:] {
				exp = exp*10 + int(c-'0')
			}
			if e[i+1] == '-' {
				exp = -exp
			}
			return dst, exp
		default:
			dst = append(dst, c)
		}
	}
	return dst, exp
}
