package runtime

import (
	"testing"
	"time"
)

func TestFires(t *testing.T) {
	const zero = Time(10_000)
	s := 3 * time.Second
	tests := []struct {
		t    Time
		want bool
	}{
		{7000, false}, // a multiple of the slide from zero, but not after it
		{10_000, false},
		{11_000, false},
		{13_000, true},
		{14_000, false},
		{16_000, true},
		{1_000_000, true},  // 990 s after zero
		{1_000_001, false}, // not on the grid
	}
	for _, tt := range tests {
		if got := Fires(tt.t, zero, s); got != tt.want {
			t.Errorf("Fires(%v, %v, %v) = %v, want %v", tt.t, zero, s, got, tt.want)
		}
		// Without a lag, FiresLagged is Fires.
		if got := FiresLagged(tt.t, zero, s, 0); got != tt.want {
			t.Errorf("FiresLagged(%v, %v, %v, 0) = %v, want %v", tt.t, zero, s, got, tt.want)
		}
	}
	// Every batch fires when the slide is the interval.
	for tm := zero + 1000; tm < zero+10_000; tm += 1000 {
		if !Fires(tm, zero, time.Second) {
			t.Errorf("Fires(%v, %v, 1s) = false", tm, zero)
		}
	}
}

func TestFiresLagged(t *testing.T) {
	const zero = Time(10_000)
	// Lagged 4s behind the arrival clock with a 2s slide: the stream's batches start
	// after 6000 ms; its boundaries stay at zero + k·2s, before zero too.
	tests := []struct {
		t    Time
		want bool
	}{
		{4000, false},
		{6000, false},
		{7000, false},
		{8000, true},
		{9000, false},
		{10_000, true},
		{12_000, true},
		{13_000, false},
	}
	for _, tt := range tests {
		if got := FiresLagged(tt.t, zero, 2*time.Second, 4*time.Second); got != tt.want {
			t.Errorf("FiresLagged(%v, %v, 2s, 4s) = %v, want %v", tt.t, zero, got, tt.want)
		}
	}
}
