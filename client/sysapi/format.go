package sysapi

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Day and year lengths used by the uptime format (a year is 365 days).
const (
	uptimeDay  = 24 * time.Hour
	uptimeYear = 365 * uptimeDay
)

// FormatUptime renders d in the uptime/idle format of VARZ, CONNZ and ROUTEZ:
// whole seconds, largest unit first, and once a unit is printed every smaller
// unit follows even when zero ("0s", "6s", "1m31s", "3h2m1s", "4d3h2m1s",
// "1y10d0h0m5s"). Negative durations render as "0s".
func FormatUptime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	secs := int64(d / time.Second)
	mins, hrs := secs/60, secs/3600
	days := int64(d / uptimeDay)
	yrs := int64(d / uptimeYear)
	switch {
	case yrs > 0:
		return fmt.Sprintf("%dy%dd%dh%dm%ds", yrs, days%365, hrs%24, mins%60, secs%60)
	case days > 0:
		return fmt.Sprintf("%dd%dh%dm%ds", days, hrs%24, mins%60, secs%60)
	case hrs > 0:
		return fmt.Sprintf("%dh%dm%ds", hrs, mins%60, secs%60)
	case mins > 0:
		return fmt.Sprintf("%dm%ds", mins, secs%60)
	}
	return fmt.Sprintf("%ds", secs)
}

// ErrBadUptime is returned by ParseUptime for text not in the uptime format.
var ErrBadUptime = errors.New("sysapi: bad uptime")

// uptimeUnits lists the uptime units in the order they must appear.
var uptimeUnits = [...]struct {
	sym  byte
	size time.Duration
}{
	{'y', uptimeYear}, {'d', uptimeDay}, {'h', time.Hour}, {'m', time.Minute}, {'s', time.Second},
}

// ParseUptime parses the FormatUptime format back into a duration. Units
// must appear in the order y, d, h, m, s, each at most once, each preceded
// by a decimal number; at least one unit is required.
func ParseUptime(s string) (time.Duration, error) {
	var total time.Duration
	next := 0 // index in uptimeUnits of the next unit allowed
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j == len(s) {
			return 0, fmt.Errorf("%w: %q", ErrBadUptime, s)
		}
		n, err := strconv.ParseInt(s[i:j], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: %q: %w", ErrBadUptime, s, err)
		}
		k := next
		for k < len(uptimeUnits) && uptimeUnits[k].sym != s[j] {
			k++
		}
		if k == len(uptimeUnits) {
			return 0, fmt.Errorf("%w: %q", ErrBadUptime, s)
		}
		size := uptimeUnits[k].size
		if n > int64((1<<63-1)/size) || total > (1<<63-1)-time.Duration(n)*size {
			return 0, fmt.Errorf("%w: %q: out of range", ErrBadUptime, s)
		}
		total += time.Duration(n) * size
		next = k + 1
		i = j + 1
	}
	if next == 0 {
		return 0, fmt.Errorf("%w: %q", ErrBadUptime, s)
	}
	return total, nil
}

// FormatRTT renders a round-trip time the way CONNZ, ROUTEZ and LEAFZ show
// it: Go duration text, truncated to whole microseconds when strictly between
// 1µs and 1ms ("644µs", "1.101877ms", "0s" when not measured).
func FormatRTT(d time.Duration) string {
	if d > time.Microsecond && d < time.Millisecond {
		d = d.Truncate(time.Microsecond)
	}
	return d.String()
}
