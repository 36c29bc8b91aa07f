package base

import "time"

// TimeFormat appends epoch-millisecond times as streamc prints a time (RFC 3339 in UTC
// with milliseconds, "2015-07-15T00:00:00.123Z"), by hand: the date of the last day
// formatted is kept, since consecutive records fall on the same day, and the time of day
// is three divisions and a table of two-digit strings. Each goroutine has its own.
type TimeFormat struct {
	day  int64 // days since the epoch of date, when ok
	date [11]byte
	ok   bool
}

const msPerDay = 86_400_000

// Append appends ms.
func (f *TimeFormat) Append(dst []byte, ms int64) []byte {
	day := ms / msPerDay
	rem := ms - day*msPerDay
	if rem < 0 {
		day, rem = day-1, rem+msPerDay
	}
	if !f.ok || day != f.day {
		if !f.setDay(day) {
			return time.UnixMilli(ms).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
		}
	}
	s := rem / 1000
	milli := rem - s*1000
	h, m := s/3600, s/60%60
	s %= 60
	dst = append(dst, f.date[:]...)
	dst = append(dst, digits2[2*h], digits2[2*h+1], ':', digits2[2*m], digits2[2*m+1], ':',
		digits2[2*s], digits2[2*s+1], '.', byte('0'+milli/100), digits2[2*(milli%100)], digits2[2*(milli%100)+1], 'Z')
	return dst
}

// setDay formats the date of day (days since 1970-01-01) with the civil-from-days
// algorithm (proleptic Gregorian calendar); years outside 0000..9999 are left to the time
// package.
func (f *TimeFormat) setDay(day int64) bool {
	z := day + 719_468
	era := z / 146_097
	if z < 0 && z%146_097 != 0 {
		era--
	}
	doe := z - era*146_097
	yoe := (doe - doe/1460 + doe/36_524 - doe/146_096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return false
	}
	f.date = [11]byte{digits2[2*(y/100)], digits2[2*(y/100)+1], digits2[2*(y%100)], digits2[2*(y%100)+1], '-',
		digits2[2*m], digits2[2*m+1], '-', digits2[2*d], digits2[2*d+1], 'T'}
	f.day, f.ok = day, true
	return true
}

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
