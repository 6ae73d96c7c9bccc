package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// ProcUsage samples the process's resident memory and CPU usage for VARZ
// (and STATSZ). The CPU percentage is the CPU time used between two samples
// at least CPUSampleInterval apart, divided by the wall time between them
// (100 = one core busy); the first sample reports 0. The zero value is not
// usable: call NewProcUsage. It is safe for concurrent use.
type ProcUsage struct {
	mu       sync.Mutex
	read     func() ([]byte, error) // returns /proc/self/stat
	now      func() time.Time
	lastAt   time.Time
	lastCPU  time.Duration
	cpu      float64
	pageSize int64
}

// NewProcUsage returns a sampler reading /proc/self/stat.
func NewProcUsage() *ProcUsage {
	return &ProcUsage{
		read:     func() ([]byte, error) { return os.ReadFile("/proc/self/stat") },
		now:      time.Now,
		pageSize: int64(os.Getpagesize()),
	}
}

// Sample returns the resident set size in bytes and the CPU percentage.
// Where /proc is not available it reports the Go runtime's memory obtained
// from the OS and 0% CPU.
func (p *ProcUsage) Sample() (rss int64, cpu float64) {
	st, err := p.read()
	var used time.Duration
	if err == nil {
		rss, used, err = parseProcStat(st, p.pageSize)
	}
	if err != nil {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.Sys), 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	switch {
	case p.lastAt.IsZero():
		p.lastAt, p.lastCPU = now, used
	case now.Sub(p.lastAt) >= CPUSampleInterval:
		wall := now.Sub(p.lastAt)
		p.cpu = float64(used-p.lastCPU) / float64(wall) * 100
		p.cpu = float64(int64(p.cpu*10+0.5)) / 10 // one decimal, like ps
		p.lastAt, p.lastCPU = now, used
	}
	return rss, p.cpu
}

// errProcStat reports a /proc/self/stat line that cannot be parsed.
var errProcStat = errors.New("monitor: malformed /proc/self/stat")

// Field positions in /proc/self/stat, counted from the field after the
// command name (the state, field 3 in proc(5)).
const (
	statUtime = 14 - 3
	statStime = 15 - 3
	statRSS   = 24 - 3
)

// parseProcStat extracts the resident set size (bytes) and the CPU time
// (user + system) from the contents of /proc/self/stat.
func parseProcStat(st []byte, pageSize int64) (rss int64, cpu time.Duration, err error) {
	end := bytes.LastIndexByte(st, ')')
	if end < 0 {
		return 0, 0, errProcStat
	}
	fields := bytes.Fields(st[end+1:])
	if len(fields) <= statRSS {
		return 0, 0, fmt.Errorf("%w: %d fields", errProcStat, len(fields))
	}
	var n [3]int64
	for i, f := range [...]int{statUtime, statStime, statRSS} {
		n[i], err = strconv.ParseInt(string(fields[f]), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%w: %w", errProcStat, err)
		}
	}
	cpu = time.Duration(n[0]+n[1]) * time.Second / clockTicks
	return n[2] * pageSize, cpu, nil
}
