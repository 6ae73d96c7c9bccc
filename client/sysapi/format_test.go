package sysapi

import (
	"errors"
	"testing"
	"time"
)

func TestFormatUptime(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{-5 * time.Second, "0s"},
		{999 * time.Millisecond, "0s"},
		{6 * time.Second, "6s"},
		{91 * time.Second, "1m31s"},
		{time.Hour, "1h0m0s"},
		{3*time.Hour + 2*time.Minute + time.Second, "3h2m1s"},
		{4*uptimeDay + 3*time.Hour + 2*time.Minute + time.Second + 700*time.Millisecond, "4d3h2m1s"},
		{uptimeYear + 10*uptimeDay + 5*time.Second, "1y10d0h0m5s"},
	}
	for _, tc := range tests {
		if got := FormatUptime(tc.d); got != tc.want {
			t.Errorf("FormatUptime(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestParseUptime(t *testing.T) {
	good := map[string]time.Duration{
		"0s":          0,
		"6s":          6 * time.Second,
		"1m31s":       91 * time.Second,
		"3h2m1s":      3*time.Hour + 2*time.Minute + time.Second,
		"4d3h2m1s":    4*uptimeDay + 3*time.Hour + 2*time.Minute + time.Second,
		"1y10d0h0m5s": uptimeYear + 10*uptimeDay + 5*time.Second,
		"90s":         90 * time.Second,
		"2d":          2 * uptimeDay,
	}
	for in, want := range good {
		got, err := ParseUptime(in)
		if err != nil || got != want {
			t.Errorf("ParseUptime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "s", "5", "5x", "1s1m", "1m1m", "-1s", "1.5s", "99999999999999999999s", "300000y"} {
		if _, err := ParseUptime(in); !errors.Is(err, ErrBadUptime) {
			t.Errorf("ParseUptime(%q) error %v, want ErrBadUptime", in, err)
		}
	}
}

func TestFormatRTT(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{500, "500ns"},
		{time.Microsecond, "1µs"},
		{644*time.Microsecond + 321, "644µs"},
		{1101877 * time.Nanosecond, "1.101877ms"},
		{time.Millisecond, "1ms"},
		{2*time.Second + 5, "2.000000005s"},
	}
	for _, tc := range tests {
		if got := FormatRTT(tc.d); got != tc.want {
			t.Errorf("FormatRTT(%d) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
