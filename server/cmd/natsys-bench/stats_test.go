package main

import (
	"strings"
	"testing"
	"time"
)

func TestMaxDeviationPct(t *testing.T) {
	tests := []struct {
		in   []int64
		want float64
	}{
		{nil, 0},
		{[]int64{0, 0}, 100},
		{[]int64{100, 100, 100, 100}, 0},
		{[]int64{110, 90, 100, 100}, 10},
		{[]int64{400, 0, 0, 0}, 300},
	}
	for _, tt := range tests {
		if got := maxDeviationPct(tt.in); got != tt.want {
			t.Errorf("maxDeviationPct(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	d := make([]time.Duration, 100)
	for i := range d {
		d[i] = time.Duration(i+1) * time.Microsecond
	}
	tests := []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Microsecond},
		{99, 99 * time.Microsecond},
		{100, 100 * time.Microsecond},
		{0, time.Microsecond},
	}
	for _, tt := range tests {
		if got := percentile(d, tt.p); got != tt.want {
			t.Errorf("percentile(1..100us, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v", got)
	}
}

func TestParseVmRSS(t *testing.T) {
	status := "Name:\tnats-server\nVmPeak:\t  9000 kB\nVmRSS:\t   2048 kB\nThreads:\t5\n"
	got, err := parseVmRSS(strings.NewReader(status))
	if err != nil || got != 2048*1024 {
		t.Errorf("parseVmRSS = %d, %v; want %d", got, err, 2048*1024)
	}
	for _, bad := range []string{"Name:\tx\n", "VmRSS:\t12 MB\n", "VmRSS:\tx kB\n"} {
		if _, err := parseVmRSS(strings.NewReader(bad)); err == nil {
			t.Errorf("parseVmRSS(%q) accepted it", bad)
		}
	}
}
