package stdlib_test

import (
	"testing"
	"time"

	"streamc.dev/streamc/runtime"
	"streamc.dev/streamc/stdlib"
)

// at is the runtime.Time of a UTC wall-clock time.
func at(year int, month time.Month, day, hour, min, sec, ms int) runtime.Time {
	return runtime.TimeOf(time.Date(year, month, day, hour, min, sec, ms*int(time.Millisecond), time.UTC))
}

func TestMillisAndSeconds(t *testing.T) {
	if got := stdlib.Millis(at(1970, 1, 1, 0, 0, 1, 500)); got != 1500 {
		t.Errorf("Millis = %d, want 1500", got)
	}
	if got := stdlib.FromMillis(-1); got != runtime.Time(-1) {
		t.Errorf("FromMillis(-1) = %d", got)
	}
	if got := stdlib.Millis(stdlib.FromMillis(1714564800123)); got != 1714564800123 {
		t.Errorf("Millis(FromMillis(x)) = %d", got)
	}
	secs := []struct {
		d    time.Duration
		want float64
	}{{1500 * time.Millisecond, 1.5}, {0, 0}, {-2 * time.Minute, -120}, {time.Nanosecond, 1e-9}}
	for _, tt := range secs {
		if got := stdlib.Seconds(tt.d); got != tt.want {
			t.Errorf("Seconds(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestNow(t *testing.T) {
	before := time.Now().UnixMilli()
	got := stdlib.Millis(stdlib.Now())
	after := time.Now().UnixMilli()
	if got < before || got > after {
		t.Errorf("Now() = %d ms, not within [%d, %d]", got, before, after)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		t    runtime.Time
		d    time.Duration
		want runtime.Time
	}{
		{at(2024, 5, 1, 12, 34, 56, 789), time.Minute, at(2024, 5, 1, 12, 34, 0, 0)},
		{at(2024, 5, 1, 12, 34, 56, 789), time.Hour, at(2024, 5, 1, 12, 0, 0, 0)},
		{at(2024, 5, 1, 12, 34, 56, 789), 24 * time.Hour, at(2024, 5, 1, 0, 0, 0, 0)},
		{at(2024, 5, 1, 12, 34, 56, 789), 15 * time.Second, at(2024, 5, 1, 12, 34, 45, 0)},
		{at(2024, 5, 1, 12, 0, 0, 0), time.Hour, at(2024, 5, 1, 12, 0, 0, 0)},
		{runtime.Time(-1), time.Second, runtime.Time(-1000)}, // before 1970 rounds down
		{runtime.Time(1234), 0, runtime.Time(1234)},
		{runtime.Time(1234), time.Microsecond, runtime.Time(1234)},
		{runtime.Time(1234), -time.Second, runtime.Time(1234)},
	}
	for _, tt := range tests {
		if got := stdlib.Truncate(tt.t, tt.d); got != tt.want {
			t.Errorf("Truncate(%d, %v) = %d, want %d", tt.t, tt.d, got, tt.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	tm := at(2024, 5, 1, 7, 4, 5, 250)
	tests := []struct{ layout, want string }{
		{"15:04:05", "07:04:05"},
		{"2006-01-02 15:04", "2024-05-01 07:04"},
		{"ISO", "2024-05-01T07:04:05.250Z"},
		{"ISO8601", "2024-05-01T07:04:05.250Z"},
		{"RFC3339", "2024-05-01T07:04:05Z"},
		{"DateTime", "2024-05-01 07:04:05"},
		{"DateOnly", "2024-05-01"},
		{"Kitchen", "7:04AM"},
		{"Jan 2 2006", "May 1 2024"},
		{"", ""},
		{"no layout here", "no layout here"},
	}
	for _, tt := range tests {
		if got := stdlib.FormatTime(tm, tt.layout); got != tt.want {
			t.Errorf("FormatTime(%q) = %q, want %q", tt.layout, got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		s, layout string
		want      stdlib.Opt[runtime.Time]
	}{
		{"2024-05-01", "2006-01-02", stdlib.Some(at(2024, 5, 1, 0, 0, 0, 0))},
		{"2024-05-01", "DateOnly", stdlib.Some(at(2024, 5, 1, 0, 0, 0, 0))},
		{"2024-05-01 07:04:05", "DateTime", stdlib.Some(at(2024, 5, 1, 7, 4, 5, 0))},
		{"2024-05-01T07:04:05Z", "RFC3339", stdlib.Some(at(2024, 5, 1, 7, 4, 5, 0))},
		{"2024-05-01T07:04:05.250Z", "RFC3339", stdlib.Some(at(2024, 5, 1, 7, 4, 5, 250))},
		{"2024-05-01T09:04:05.250+02:00", "ISO", stdlib.Some(at(2024, 5, 1, 7, 4, 5, 250))},
		{"2024-05-01T07:04:05.250999Z", "ISO", stdlib.Some(at(2024, 5, 1, 7, 4, 5, 250))},
		{"1969-12-31T23:59:59.999Z", "ISO", stdlib.Some(runtime.Time(-1))},
		{"2024-13-01", "2006-01-02", stdlib.None[runtime.Time]()},
		{"yesterday", "DateOnly", stdlib.None[runtime.Time]()},
		{"", "DateOnly", stdlib.None[runtime.Time]()},
		{"2024-05-01", "yyyy-MM-dd", stdlib.None[runtime.Time]()}, // Java patterns are not layouts
	}
	for _, tt := range tests {
		if got := stdlib.ParseTime(tt.s, tt.layout); got != tt.want {
			t.Errorf("ParseTime(%q, %q) = %+v, want %+v", tt.s, tt.layout, got, tt.want)
		}
	}
	// Formatting then parsing with the same layout gives the time back.
	tm := at(2031, 12, 31, 23, 59, 58, 7)
	if got := stdlib.ParseTime(stdlib.FormatTime(tm, "ISO"), "ISO"); got != stdlib.Some(tm) {
		t.Errorf("ParseTime(FormatTime(t, ISO), ISO) = %+v, want %d", got, tm)
	}
}

func TestHourAndDate(t *testing.T) {
	tests := []struct {
		t    runtime.Time
		hour int64
		date string
	}{
		{at(2024, 5, 1, 0, 0, 0, 0), 0, "2024-05-01"},
		{at(2024, 5, 1, 23, 59, 59, 999), 23, "2024-05-01"},
		{at(2024, 2, 29, 13, 0, 0, 0), 13, "2024-02-29"},
		{runtime.Time(0), 0, "1970-01-01"},
		{runtime.Time(-1), 23, "1969-12-31"},
		{at(1900, 3, 1, 5, 30, 0, 0), 5, "1900-03-01"},
	}
	for _, tt := range tests {
		if got := stdlib.Hour(tt.t); got != tt.hour {
			t.Errorf("Hour(%d) = %d, want %d", tt.t, got, tt.hour)
		}
		if got := stdlib.Date(tt.t); got != tt.date {
			t.Errorf("Date(%d) = %q, want %q", tt.t, got, tt.date)
		}
	}
}
