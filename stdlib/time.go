package stdlib

import (
	"time"

	"streamc.dev/streamc/runtime"
)

// .stream times are runtime.Time values: milliseconds since the Unix epoch, always
// read in UTC. Durations are time.Duration.

// Now returns the wall-clock time, truncated to the millisecond. Prefer batchTime: it
// is the same for every record of a batch and replays deterministically.
func Now() runtime.Time { return runtime.TimeOf(time.Now()) }

// Millis returns t as milliseconds since the Unix epoch.
func Millis(t runtime.Time) int64 { return int64(t) }

// FromMillis returns the time ms milliseconds after the Unix epoch (negative: before).
func FromMillis(ms int64) runtime.Time { return runtime.Time(ms) }

// Seconds returns d as a floating-point number of seconds (seconds(1500ms) is 1.5).
func Seconds(d time.Duration) float64 { return d.Seconds() }

// Truncate rounds t down to a multiple of d counted from the Unix epoch, for tumbling
// buckets: truncate(t, 1m) is the start of t's minute, and times before 1970 round
// down too, not toward zero. Times have millisecond precision, so d is taken in whole
// milliseconds, and a d under 1ms leaves t as it is.
func Truncate(t runtime.Time, d time.Duration) runtime.Time {
	if d < time.Millisecond {
		return t
	}
	return t.Floor(d)
}

// layouts are the names FormatTime and ParseTime accept in place of a layout: Go's
// time package constants by their names, plus ISO for RFC 3339 with milliseconds (how
// print renders times).
var layouts = map[string]string{
	"ISO":         isoLayout,
	"ISO8601":     isoLayout,
	"Layout":      time.Layout,
	"ANSIC":       time.ANSIC,
	"UnixDate":    time.UnixDate,
	"RubyDate":    time.RubyDate,
	"RFC822":      time.RFC822,
	"RFC822Z":     time.RFC822Z,
	"RFC850":      time.RFC850,
	"RFC1123":     time.RFC1123,
	"RFC1123Z":    time.RFC1123Z,
	"RFC3339":     time.RFC3339,
	"RFC3339Nano": time.RFC3339Nano,
	"Kitchen":     time.Kitchen,
	"Stamp":       time.Stamp,
	"StampMilli":  time.StampMilli,
	"StampMicro":  time.StampMicro,
	"StampNano":   time.StampNano,
	"DateTime":    time.DateTime,
	"DateOnly":    time.DateOnly,
	"TimeOnly":    time.TimeOnly,
}

const isoLayout = "2006-01-02T15:04:05.000Z07:00"

// layout resolves a layout name to its Go layout; any other string is a Go layout.
func layout(s string) string {
	if l, ok := layouts[s]; ok {
		return l
	}
	return s
}

// FormatTime renders t in UTC with a Go reference-time layout such as
// "2006-01-02 15:04:05" (Go layouts spell the parts by example; Java patterns such as
// "yyyy-MM-dd" are not understood), or with a layout name: "ISO" (also "ISO8601";
// 2024-05-01T12:00:00.000Z, as print shows times) or the name of one of Go's time
// constants ("RFC3339", "DateTime", "DateOnly", "TimeOnly", "Kitchen", ...).
func FormatTime(t runtime.Time, layoutOrName string) string {
	return t.Go().Format(layout(layoutOrName))
}

// ParseTime parses s with a Go layout or a layout name, as FormatTime takes them, and
// returns none when s does not match. Without a zone in the layout, s is read as UTC;
// with one, the instant is converted. Digits beyond the millisecond are dropped. As with
// Go's time.Parse, a layout with seconds also accepts a fraction after them, and "ISO"
// parses as "RFC3339", so both read 2024-05-01T12:00:00Z and
// 2024-05-01T12:00:00.250+02:00.
func ParseTime(s, layoutOrName string) Opt[runtime.Time] {
	l := layout(layoutOrName)
	if l == isoLayout {
		// ".000" demands exactly three digits; RFC3339 takes any fraction, or none.
		l = time.RFC3339
	}
	t, err := time.Parse(l, s)
	if err != nil {
		return Opt[runtime.Time]{}
	}
	return Opt[runtime.Time]{V: runtime.TimeOf(t), Ok: true}
}

const msPerHour, msPerDay = 3_600_000, 86_400_000

// Hour returns the hour of the day of t in UTC, 0 to 23.
func Hour(t runtime.Time) int64 {
	ms := int64(t) % msPerDay
	if ms < 0 {
		ms += msPerDay
	}
	return ms / msPerHour
}

// Date returns the UTC date of t as YYYY-MM-DD (ISO 8601), e.g. for daily keys.
func Date(t runtime.Time) string {
	var buf [16]byte
	return string(t.Go().AppendFormat(buf[:0], time.DateOnly))
}
