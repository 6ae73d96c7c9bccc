// Command natsys-soak drives a bounded mixed load against a running server
// (ordered pub/sub, a queue group, request/reply, connection churn, $SYS.REQ
// polling, slow consumers), then checks that every message that should have
// arrived did, that the server's file descriptors are back to their baseline
// and that its RSS stayed flat. scripts/soak.sh starts bin/nats-server and
// runs it; see docs/reliability.md.
//
//	natsys-soak -url nats://127.0.0.1:4222 -pid 1234 -duration 2m
//
// It prints "soak: <figure>" lines and exits 1 when a check failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Soak limits and load shape.
const (
	orderedPublishers  = 4
	orderedSubscribers = 3
	queueMembers       = 3
	responders         = 2
	requesters         = 4
	churnWorkers       = 4
	churnSubjects      = 10
	payloadSize        = 128
	drainTimeout       = 20 * time.Second
	fdSettleTimeout    = 15 * time.Second
	sampleEvery        = time.Second
	maxRSSDrift        = 0.10
)

type config struct {
	url      string
	pid      int
	duration time.Duration
	rate     int // messages per second per ordered publisher and for the queue publisher
	sysUser  string
	sysPass  string
	slowEach time.Duration
	slowMiB  int
	only     string // comma-separated workload keys; "" = all
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run parses args, runs the load and the checks, and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("natsys-soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.url, "url", "nats://127.0.0.1:4222", "server URL (127.0.0.1 only)")
	fs.IntVar(&cfg.pid, "pid", 0, "server process id, for /proc figures")
	fs.DurationVar(&cfg.duration, "duration", 2*time.Minute, "how long the load runs")
	fs.IntVar(&cfg.rate, "rate", 500, "messages/s per publisher")
	fs.StringVar(&cfg.sysUser, "sys-user", "", "system account user for $SYS.REQ polling")
	fs.StringVar(&cfg.sysPass, "sys-pass", "", "its password")
	fs.DurationVar(&cfg.slowEach, "slow-every", 15*time.Second, "how often a slow consumer is started")
	fs.IntVar(&cfg.slowMiB, "slow-mib", 48, "MiB published at each slow consumer")
	fs.StringVar(&cfg.only, "only", "", "run only these workloads (comma-separated: ordered,queue,reqreply,churn,slow,sys)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !strings.Contains(cfg.url, "127.0.0.1") {
		fmt.Fprintln(stderr, "natsys-soak: -url must be on 127.0.0.1")
		return 2
	}
	r := &report{w: stdout}
	if err := soak(cfg, r); err != nil {
		fmt.Fprintf(stderr, "natsys-soak: %v\n", err)
		return 1
	}
	if r.failed {
		fmt.Fprintln(stdout, "soak: FAIL")
		return 1
	}
	fmt.Fprintln(stdout, "soak: PASS")
	return 0
}

// report prints figures and records failed checks.
type report struct {
	mu     sync.Mutex
	w      io.Writer
	failed bool
}

func (r *report) figure(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "soak: "+format+"\n", args...)
}

func (r *report) check(ok bool, format string, args ...any) {
	status := "ok  "
	if !ok {
		status = "FAIL"
	}
	r.figure("check %s "+format, append([]any{status}, args...)...)
	if !ok {
		r.mu.Lock()
		r.failed = true
		r.mu.Unlock()
	}
}

// soak runs every workload for cfg.duration, then the checks.
func soak(cfg config, r *report) error {
	var proc *procSampler
	fdBase := -1
	if cfg.pid > 0 {
		var err error
		if fdBase, err = procFDs(cfg.pid); err != nil {
			return fmt.Errorf("reading server fds: %w", err)
		}
		proc = startProcSampler(cfg.pid, sampleEvery)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	start := time.Now()
	all := map[string]workload{
		"ordered": &ordered{cfg: cfg}, "queue": &queue{cfg: cfg}, "reqreply": &reqReply{cfg: cfg},
		"churn": &churn{cfg: cfg}, "slow": &slow{cfg: cfg}, "sys": &sysPoll{cfg: cfg},
	}
	var loads []workload
	for _, k := range []string{"ordered", "queue", "reqreply", "churn", "slow", "sys"} {
		if cfg.only == "" || slices.Contains(strings.Split(cfg.only, ","), k) {
			loads = append(loads, all[k])
		}
	}
	for _, l := range loads {
		if err := l.start(ctx); err != nil {
			cancel()
			for _, s := range loads {
				s.stop()
			}
			return fmt.Errorf("%s: %w", l.name(), err)
		}
	}
	<-ctx.Done()
	for _, l := range loads {
		l.finish()
	}
	elapsed := time.Since(start)
	r.figure("duration %v", elapsed.Round(time.Second))
	for _, l := range loads {
		l.check(r, elapsed)
		l.stop()
	}
	if proc == nil {
		r.figure("no -pid: server fd and RSS checks skipped")
		return nil
	}
	samples := proc.stop()
	checkProc(r, cfg.pid, fdBase, samples)
	return nil
}

// workload is one part of the mixed load.
type workload interface {
	name() string
	// start connects and launches the load until ctx is done.
	start(ctx context.Context) error
	// finish waits for in-flight messages after the load stopped.
	finish()
	// check reports figures and checks.
	check(r *report, elapsed time.Duration)
	// stop closes every connection.
	stop()
}

// checkProc reports RSS over the run and checks fds and RSS drift.
func checkProc(r *report, pid, fdBase int, samples []procSample) {
	fds := -1
	deadline := time.Now().Add(fdSettleTimeout)
	for {
		n, err := procFDs(pid)
		if err == nil {
			fds = n
		}
		if fds <= fdBase || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.check(fds == fdBase, "server fds back to baseline: %d at the end, %d before the load", fds, fdBase)
	if len(samples) < 8 {
		r.check(false, "too few /proc samples (%d) to judge RSS", len(samples))
		return
	}
	var minRSS, maxRSS, maxFDs int64 = samples[0].rss, 0, 0
	for _, s := range samples {
		minRSS, maxRSS = min(minRSS, s.rss), max(maxRSS, s.rss)
		maxFDs = max(maxFDs, int64(s.fds))
	}
	// Over the second half, the median RSS of its last quarter against the
	// median of its first quarter: medians ride over the short spikes of
	// the periodic slow consumers; only growth counts as a leak.
	half := samples[len(samples)/2:]
	q := max(1, len(half)/4)
	first, last := medianRSS(half[:q]), medianRSS(half[len(half)-q:])
	drift := (last - first) / first
	r.figure("server RSS min %.1f MiB, max %.1f MiB; peak fds %d; threads at end %d",
		mib(minRSS), mib(maxRSS), maxFDs, samples[len(samples)-1].threads)
	r.check(drift <= maxRSSDrift, "RSS flat over the second half: median %.1f MiB -> %.1f MiB (%+.1f%%, growth limit %.0f%%)",
		first/(1<<20), last/(1<<20), 100*drift, 100*maxRSSDrift)
}

func medianRSS(s []procSample) float64 {
	v := make([]int64, len(s))
	for i, x := range s {
		v[i] = x.rss
	}
	slices.Sort(v)
	return float64(v[len(v)/2])
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
