package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
)

// parseRate reads a --rate value: "N" or "N/s" (per second), "N/m",
// "N/h", or "N/DURATION" ("5/100ms"). It returns the interval between two
// messages.
func parseRate(s string) (time.Duration, error) {
	num, per, found := strings.Cut(strings.TrimSpace(s), "/")
	unit := time.Second
	if found {
		switch per {
		case "s", "sec":
		case "m", "min":
			unit = time.Minute
		case "h":
			unit = time.Hour
		default:
			d, err := time.ParseDuration(per)
			if err != nil || d <= 0 {
				return 0, fmt.Errorf("invalid --rate %q: want N, N/s, N/m, N/h or N/DURATION", s)
			}
			unit = d
		}
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 || n > maxRate {
		return 0, fmt.Errorf("invalid --rate %q: want a number of messages above 0 (at most %g per unit)", s, float64(maxRate))
	}
	iv := time.Duration(float64(unit) / n)
	if iv <= 0 {
		iv = 1
	}
	return iv, nil
}

// pacer spaces messages out: with --rate the k-th message is sent at
// start + k*interval (a token bucket that holds one token, so a slow
// publisher does not burst to catch up); otherwise --sleep separates two
// messages. --jitter adds a random delay in [0, jitter) to each wait.
type pacer struct {
	interval time.Duration
	sleep    time.Duration
	jitter   time.Duration
	now      func() time.Time
	// rnd returns a random value in [0, n).
	rnd  func(n int64) int64
	next time.Time
	sent int
}

func newPacer(o *pubOptions) *pacer {
	return &pacer{interval: o.rateInterval, sleep: o.sleep, jitter: o.jitter, now: o.f.Now, rnd: rand.Int64N}
}

// delay returns how long to wait before the next message.
func (p *pacer) delay() time.Duration {
	var d time.Duration
	if p.sent > 0 {
		if p.interval > 0 {
			now := p.now()
			if p.next.Before(now) {
				p.next = now // no burst after a stall
			}
			d = p.next.Sub(now)
		} else {
			d = p.sleep
		}
		if p.jitter > 0 {
			d += time.Duration(p.rnd(int64(p.jitter)))
		}
	}
	return d
}

// wait blocks until the next message may be sent.
func (p *pacer) wait(ctx context.Context) error {
	if d := p.delay(); d > 0 {
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
	p.advance()
	return nil
}

// advance records that a message is sent now.
func (p *pacer) advance() {
	if p.interval > 0 {
		if p.sent == 0 {
			p.next = p.now()
		}
		p.next = p.next.Add(p.interval)
	}
	p.sent++
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		if cmdutil.Interrupted(ctx) {
			return exit.ErrInterrupted
		}
		return ctx.Err()
	}
}

// progress shows "Published N/TOTAL messages" on stderr, rewriting one line,
// only when stderr is a terminal (never in a pipe or a log file).
type progress struct {
	w     io.Writer
	on    bool
	total int // 0: unknown
	now   func() time.Time
	last  time.Time
	shown bool
}

func newProgress(o *pubOptions, total int) *progress {
	on := o.f.IO.ErrTTY && !o.quiet && (total == 0 || total > progressMinCount)
	return &progress{w: o.f.IO.Err, on: on, total: total, now: o.f.Now}
}

// update shows n messages sent (at most every progressEvery).
func (p *progress) update(n int) {
	if !p.on {
		return
	}
	t := p.now()
	if p.shown && t.Sub(p.last) < progressEvery && n != p.total {
		return
	}
	p.last, p.shown = t, true
	if p.total > 0 {
		fmt.Fprintf(p.w, "\rPublished %d/%d messages (%d%%)", n, p.total, n*100/p.total)
	} else {
		fmt.Fprintf(p.w, "\rPublished %d messages", n)
	}
}

// done clears the progress line.
func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
