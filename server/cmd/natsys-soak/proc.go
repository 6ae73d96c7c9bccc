package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procSample is one reading of the server process.
type procSample struct {
	at      time.Time
	rss     int64 // bytes
	fds     int
	threads int
}

// procFDs counts the open file descriptors of pid.
func procFDs(pid int) (int, error) {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("counting fds: %w", err)
	}
	return len(ents), nil
}

// procStatus reads VmRSS and Threads from /proc/<pid>/status.
func procStatus(pid int) (rss int64, threads int, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("reading status: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n * 1024
		case "Threads":
			threads = int(n)
		}
	}
	return rss, threads, sc.Err()
}

// procSampler reads the server's /proc figures every interval.
type procSampler struct {
	mu      sync.Mutex
	samples []procSample
	done    chan struct{}
	stopped chan struct{}
}

func startProcSampler(pid int, every time.Duration) *procSampler {
	p := &procSampler{done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			rss, threads, err := procStatus(pid)
			fds, ferr := procFDs(pid)
			if err == nil && ferr == nil {
				p.mu.Lock()
				p.samples = append(p.samples, procSample{at: time.Now(), rss: rss, fds: fds, threads: threads})
				p.mu.Unlock()
			}
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// stop ends sampling and returns the samples.
func (p *procSampler) stop() []procSample {
	close(p.done)
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.samples
}
