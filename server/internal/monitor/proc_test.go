package monitor

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// statLine returns a /proc/self/stat line with the given CPU ticks and RSS
// pages; the command name holds a space and parentheses on purpose.
func statLine(utime, stime, rssPages int64) []byte {
	return fmt.Appendf(nil, "1234 (my (odd) cmd) S 1 1234 1234 0 -1 4194560 100 0 0 0 %d %d 0 0 20 0 8 0 555 1000000 %d 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
		utime, stime, rssPages)
}

func TestParseProcStat(t *testing.T) {
	rss, cpu, err := parseProcStat(statLine(150, 50, 3000), 4096)
	if err != nil || rss != 3000*4096 || cpu != 2*time.Second {
		t.Errorf("got %d %v %v", rss, cpu, err)
	}
	for _, bad := range []string{"", "1 (x) S 1 2 3", "1 (x) S 1 1 1 0 -1 4 1 0 0 0 x 5 0 0 20 0 8 0 5 1 7 1"} {
		if _, _, err := parseProcStat([]byte(bad), 4096); !errors.Is(err, errProcStat) {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestProcUsageCPU(t *testing.T) {
	now := t0
	ticks := int64(0)
	p := &ProcUsage{
		read:     func() ([]byte, error) { return statLine(ticks, 0, 10), nil },
		now:      func() time.Time { return now },
		pageSize: 4096,
	}
	steps := []struct {
		advance time.Duration
		ticks   int64
		want    float64
	}{
		{0, 100, 0},                        // first sample: baseline
		{500 * time.Millisecond, 150, 0},   // too soon: keeps the last value
		{2 * time.Second, 200, 40},         // 1s of CPU in 2.5s since the baseline
		{100 * time.Millisecond, 900, 40},  // too soon
		{900 * time.Millisecond, 400, 200}, // 2s CPU in 1s: two cores
		{10 * time.Second, 400, 0},         // idle
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		ticks = s.ticks
		rss, cpu := p.Sample()
		if rss != 40960 || cpu != s.want {
			t.Errorf("step %d: rss %d cpu %v, want %v", i, rss, cpu, s.want)
		}
	}
}

func TestProcUsageFallback(t *testing.T) {
	p := &ProcUsage{read: func() ([]byte, error) { return nil, errors.New("no /proc") }, now: time.Now, pageSize: 4096}
	if rss, cpu := p.Sample(); rss <= 0 || cpu != 0 {
		t.Errorf("fallback %d %v", rss, cpu)
	}
}

func TestProcUsageLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/stat exists on Linux only")
	}
	rss, cpu := NewProcUsage().Sample()
	if rss < 1<<20 || cpu != 0 {
		t.Errorf("live sample rss %d cpu %v", rss, cpu)
	}
}
