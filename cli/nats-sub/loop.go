package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/msgprint"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/record"
	"github.com/natsys/natsys/cli/internal/subject"
)

// subState is the shared state of one run.
type subState struct {
	o        *subOptions
	patterns []string
	msgs     chan *record.Message
	stop     chan struct{}
	stopOnce sync.Once
	async    chan error
	closed   chan struct{}
	closeOne sync.Once
	warn     *cmdutil.RateLimiter
	bytes    int64
	conn     natsconn.Conn
	p        *msgprint.Printer
	// rep counts messages instead of printing them (--report-*).
	rep *report
	// match pairs requests and replies (--match-replies); replies carries
	// the messages of its inbox subscription.
	match   *matcher
	replies chan *record.Message
	// ctx is the run's context, for the commands it starts.
	ctx context.Context
}

func newSubState(o *subOptions) *subState {
	return &subState{
		o:       o,
		msgs:    make(chan *record.Message, msgQueueLen),
		replies: make(chan *record.Message, msgQueueLen),
		stop:    make(chan struct{}),
		async:   make(chan error, asyncQueueLen),
		closed:  make(chan struct{}),
		warn:    cmdutil.NewRateLimiter(o.f.Now, warnInterval),
	}
}

// events returns the connection callbacks.
func (st *subState) events(keep bool) natsconn.Events {
	errw := st.o.f.IO.Err
	return natsconn.Events{
		KeepReconnecting: keep,
		AsyncError: func(err error) {
			select {
			case st.async <- err:
			default:
			}
		},
		Disconnected: func(err error) {
			if !st.o.quiet {
				fmt.Fprintf(errw, "Disconnected: %s\n", st.o.f.Redact(fmt.Sprint(err)))
			}
		},
		Reconnected: func(url string) {
			if !st.o.quiet {
				fmt.Fprintf(errw, "Reconnected to %s\n", st.o.f.Redact(url))
			}
		},
		Closed: func() { st.closeOne.Do(func() { close(st.closed) }) },
	}
}

// subscribe creates the subscriptions (and the inbox, with --inbox).
func (st *subState) subscribe(conn natsconn.Conn) ([]natsconn.Subscription, error) {
	st.patterns = append([]string(nil), st.o.subjects...)
	if st.o.inbox {
		in := conn.NewInbox()
		st.patterns = append(st.patterns, in)
		fmt.Fprintf(st.o.f.IO.Err, "Inbox: %s\n", in)
	}
	var subs []natsconn.Subscription
	for _, p := range st.patterns {
		sub, err := conn.Subscribe(p, st.o.queue, st.deliver)
		if err != nil {
			return nil, exit.WithCode(exit.Failed, fmt.Errorf("subscribing to %q: %w", p, err))
		}
		subs = append(subs, sub)
	}
	if st.match != nil {
		sub, err := conn.Subscribe(st.match.pattern, "", st.deliverReply)
		if err != nil {
			return nil, exit.WithCode(exit.Failed, fmt.Errorf("subscribing to %q: %w", st.match.pattern, err))
		}
		subs = append(subs, sub)
	}
	return subs, nil
}

// printDryRun prints the SUB lines of the run without connecting.
func (st *subState) printDryRun(inboxPrefix string) error {
	if inboxPrefix == "" {
		inboxPrefix = defaultInboxPrefix
	}
	var b strings.Builder
	for _, p := range st.o.subjects {
		b.WriteString("SUB " + p)
		if st.o.queue != "" {
			b.WriteString(" " + st.o.queue)
		}
		b.WriteString("\n")
	}
	if st.o.inbox {
		b.WriteString("SUB " + inboxPrefix + ".<new inbox>\n")
	}
	if st.match != nil {
		b.WriteString("SUB " + st.match.pattern + "\n")
	}
	if _, err := io.WriteString(st.o.f.IO.Out, b.String()); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// deliverReply hands a message of the --match-replies inbox subscription
// to the loop.
func (st *subState) deliverReply(m *record.Message) {
	select {
	case st.replies <- m:
	case <-st.stop:
	}
}

// deliver hands a message from the client to the loop; it gives up once
// the loop has stopped, so the client's delivery never blocks forever.
func (st *subState) deliver(m *record.Message) {
	select {
	case st.msgs <- m:
	case <-st.stop:
	}
}

func (st *subState) stopDelivery() {
	st.stopOnce.Do(func() { close(st.stop) })
}

// loop prints messages until a completion condition.
func (st *subState) loop(ctx context.Context) (stopReason, uint64, error) {
	st.ctx = ctx
	var n uint64
	var idle *time.Timer
	var idleC <-chan time.Time
	if st.o.idle > 0 {
		idle = time.NewTimer(st.o.idle)
		defer idle.Stop()
		idleC = idle.C
	}
	var tickC <-chan time.Time
	if st.rep != nil {
		tick := time.NewTicker(reportEvery)
		defer tick.Stop()
		tickC = tick.C
	}
	for {
		select {
		case m := <-st.msgs:
			if st.ignored(m.Subject) {
				continue
			}
			n++
			m.Seq = n
			if err := st.handle(m); err != nil {
				return 0, n, err
			}
			if st.o.count > 0 && n >= uint64(st.o.count) {
				return stopCount, n, st.drainReplies()
			}
			if idle != nil {
				idle.Reset(st.o.idle)
			}
		case m := <-st.replies:
			if st.match.reply(m) {
				if err := st.show(m); err != nil {
					return 0, n, err
				}
			}
		case <-tickC:
			if err := st.rep.tick(st.o.f.Now()); err != nil {
				return 0, n, fmt.Errorf("writing output: %w", err)
			}
		case <-idleC:
			return stopIdle, n, nil
		case <-ctx.Done():
			if cmdutil.Interrupted(ctx) {
				return stopInterrupt, n, nil
			}
			return stopDeadline, n, nil
		case err := <-st.async:
			if err := st.asyncError(err); err != nil {
				return 0, n, err
			}
		case <-st.closed:
			return 0, n, exit.FailedErrorf("connection closed")
		}
	}
}

// drainReplies prints the matched replies already received when the run
// ends at --count.
func (st *subState) drainReplies() error {
	for st.match != nil {
		select {
		case m := <-st.replies:
			if st.match.reply(m) {
				if err := st.show(m); err != nil {
					return err
				}
			}
		default:
			return nil
		}
	}
	return nil
}

// handle counts, prints (or reports) and answers one numbered message.
func (st *subState) handle(m *record.Message) error {
	st.bytes += int64(len(m.Data))
	var early []*record.Message
	if st.match != nil {
		early = st.match.request(m)
	}
	if st.rep != nil {
		st.rep.add(m)
	} else if err := st.show(m); err != nil {
		return err
	}
	for _, r := range early {
		if err := st.show(r); err != nil {
			return err
		}
	}
	return st.answer(m)
}

// show prints m, through --translate or --decode when given.
func (st *subState) show(m *record.Message) error {
	out := m
	switch {
	case st.o.translateCmd != nil:
		data, err := st.o.translateCmd.run(st.ctx, m)
		if err != nil {
			st.warnf("%v (showing the original body)", err)
		} else {
			c := *m
			c.Data = data
			out = &c
		}
	case st.o.decodeFn != nil:
		c := *m
		c.Data = st.o.decodeFn(m.Data)
		out = &c
	}
	if err := st.p.Print(out); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// warnf prints a rate-limited warning on stderr.
func (st *subState) warnf(format string, args ...any) {
	msg := st.o.f.Redact(fmt.Sprintf(format, args...))
	if st.warn.Allow(msg) {
		fmt.Fprintf(st.o.f.IO.Err, "%s: warning: %s\n", st.o.f.Prog, msg)
	}
}

// asyncError reports a server or client error that arrived while running:
// a permission violation ends the run (exit 1), others are warnings.
func (st *subState) asyncError(err error) error {
	if e := natsconn.ServerError(err); e != nil {
		return e
	}
	st.warnf("%s", err.Error())
	return nil
}

// answer replies to m with --respond, --echo or --respond-exec.
func (st *subState) answer(m *record.Message) error {
	if m.Reply == "" || (!st.o.respondSet && !st.o.echo && st.o.respondCmd == nil) {
		return nil
	}
	r := &record.Message{Subject: m.Reply, Data: []byte(st.o.respond)}
	switch {
	case st.o.echo:
		r.Data, r.Headers = m.Data, m.Headers
	case st.o.respondCmd != nil:
		data, err := st.o.respondCmd.run(st.ctx, m)
		if err != nil {
			st.warnf("%v (no reply sent to %s)", err, m.Reply)
			return nil
		}
		r.Data = data
	}
	if err := st.conn.Publish(r); err != nil {
		return exit.WithCode(exit.Failed, fmt.Errorf("replying to %q: %w", m.Reply, err))
	}
	return nil
}

func (st *subState) ignored(subj string) bool {
	for _, p := range st.o.ignore {
		if subject.Match(p, subj) {
			return true
		}
	}
	return false
}

// ctxErr turns a failure caused by the deadline or Ctrl-C into the right code.
func (st *subState) ctxErr(ctx context.Context, err error) error {
	if cmdutil.Interrupted(ctx) {
		return exit.ErrInterrupted
	}
	if errors.Is(context.Cause(ctx), errDeadline) {
		return exit.WithCode(exit.Incomplete, err)
	}
	return err
}

// summary prints the final counts on stderr (JSON with --json).
func (st *subState) summary(n uint64, dropped int, elapsed time.Duration) {
	w := st.o.f.IO.Err
	if st.o.json {
		extra := ""
		if st.match != nil {
			extra = fmt.Sprintf(`,"replies_matched":%d,"reply_latency_avg_ns":%d`, st.match.matched, st.match.average().Nanoseconds())
		}
		fmt.Fprintf(w, `{"schema":"natsys.sub.summary/v1","messages":%d,"bytes":%d,"dropped":%d,"elapsed_s":%.6f,"msgs_per_s":%.3f,"bytes_per_s":%.3f%s}`+"\n",
			n, st.bytes, dropped, elapsed.Seconds(), rate(float64(n), elapsed), rate(float64(st.bytes), elapsed), extra)
		return
	}
	line := fmt.Sprintf("Received %d messages (%d bytes) in %s, %.1f msgs/s", n, st.bytes, elapsed.Round(time.Millisecond), rate(float64(n), elapsed))
	if st.match != nil {
		line += fmt.Sprintf("; %d replies matched", st.match.matched)
		if st.match.matched > 0 {
			line += fmt.Sprintf(" (average latency %s)", st.match.average().Round(time.Microsecond))
		}
	}
	if dropped > 0 {
		line += fmt.Sprintf("; %d dropped by the client (slow consumer)", dropped)
	}
	fmt.Fprintln(w, line)
}

// rate is v per second over d (0 for an empty interval).
func rate(v float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return v / d.Seconds()
}
