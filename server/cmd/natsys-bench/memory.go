package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// errNoPID reports a memory scenario run without -pid.
var errNoPID = errors.New("natsys-bench: -pid of the server process is required")

// readRSS returns the VmRSS of process pid in bytes, from /proc/<pid>/status.
func readRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read RSS: %w", err)
	}
	defer f.Close()
	return parseVmRSS(f)
}

// parseVmRSS finds the "VmRSS: <n> kB" line of a /proc status file.
func parseVmRSS(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("VmRSS:")) {
			continue
		}
		f := bytes.Fields(line[len("VmRSS:"):])
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("read RSS: unexpected line %q", line)
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read RSS: %w", err)
		}
		return kb * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read RSS: %w", err)
	}
	return 0, errors.New("read RSS: no VmRSS line")
}

// dialMany opens n connections with dialWorkers in parallel; prep, when not
// nil, returns the bytes each connection sends (and has acknowledged with a
// PING/PONG) after its handshake.
func dialMany(ctx context.Context, cfg config, n int, prep func(i int) []byte) ([]*conn, error) {
	cs := make([]*conn, n)
	next := make(chan int)
	errs := make(chan error, dialWorkers)
	var wg sync.WaitGroup
	for w := 0; w < dialWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, err := dial(ctx, cfg.addr, cfg.auth, 0)
				if err == nil && prep != nil {
					if err = c.writeFlush(prep(i)); err == nil {
						err = c.syncDirect(syncTimeout)
					}
					if err != nil {
						c.Close()
					}
				}
				if err != nil {
					errs <- fmt.Errorf("connection %d: %w", i, err)
					return
				}
				cs[i] = c
			}
		}()
	}
	var err error
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	if err != nil {
		closeAll(cs)
		return nil, err
	}
	return cs, nil
}

// runIdle measures the server's resident memory per idle connection: VmRSS
// before, and after opening n connections and letting them settle.
func runIdle(ctx context.Context, cfg config) (metrics, error) {
	if cfg.pid == 0 {
		return nil, errNoPID
	}
	n := cfg.countOr(defaultIdleConns)
	before, err := readRSS(cfg.pid)
	if err != nil {
		return nil, err
	}
	cs, err := dialMany(ctx, cfg, n, nil)
	if err != nil {
		return nil, err
	}
	defer closeAll(cs)
	time.Sleep(idleSettle)
	after, err := readRSS(cfg.pid)
	if err != nil {
		return nil, err
	}
	return metrics{
		{"rss_per_conn_kb", float64(after-before) / float64(n) / 1024},
		{"rss_before_mb", float64(before) / (1 << 20)},
		{"rss_after_mb", float64(after) / (1 << 20)},
		{"conns", float64(n)},
	}, nil
}

// runSlow measures how far the server's RSS grows while a publisher sends
// to a subscriber that never reads (its socket buffer kept small): pending
// bytes should stay bounded by max_pending, and the subscriber be dropped.
func runSlow(ctx context.Context, cfg config) (metrics, error) {
	if cfg.pid == 0 {
		return nil, errNoPID
	}
	stalled, err := dial(ctx, cfg.addr, cfg.auth, slowRecvBuf)
	if err != nil {
		return nil, err
	}
	defer stalled.Close()
	if err := stalled.writeFlush(subLine(nil, "bench.slow", "", 1)); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	if err := stalled.syncDirect(syncTimeout); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	pc, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	p := newPublisher(pc, []string{"bench.slow"}, make([]byte, slowPayload), int(float64(defaultSlowBytes)*cfg.scale)/slowPayload)
	defer pc.Close()
	before, err := readRSS(cfg.pid)
	if err != nil {
		return nil, err
	}
	peak := before
	stop := make(chan struct{})
	sampled := make(chan error, 1)
	go func() {
		t := time.NewTicker(rssSampleEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				sampled <- nil
				return
			case <-t.C:
				rss, err := readRSS(cfg.pid)
				if err != nil {
					sampled <- err
					return
				}
				peak = max(peak, rss)
			}
		}
	}()
	start := time.Now()
	pubErr := p.run(ctx)
	elapsed := time.Since(start)
	close(stop)
	if err := <-sampled; err != nil {
		return nil, err
	}
	if pubErr != nil {
		return nil, pubErr
	}
	closed := stalled.waitClosed(stallTimeout)
	return metrics{
		{"rss_growth_mb", float64(peak-before) / (1 << 20)},
		{"published_mb", float64(p.msgs*slowPayload) / (1 << 20)},
		{"publish_secs", elapsed.Seconds()},
		{"slow_consumer_closed", boolMetric(closed)},
	}, nil
}

// boolMetric is 1 for true and 0 for false.
func boolMetric(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
