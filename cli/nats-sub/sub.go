package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/msgprint"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/record"
	"github.com/natsys/natsys/cli/internal/subject"
)

// subOptions are the parsed flags and arguments of nats-sub.
type subOptions struct {
	f    *cmdutil.Factory
	conn connflags.Flags

	subjects     []string
	queue        string
	count        int
	first        bool
	timeout      time.Duration
	idle         time.Duration
	raw          bool
	json         bool
	format       string
	headersOnly  bool
	subjectsOnly bool
	timestamp    bool
	delta        bool
	ignore       []string
	inbox        bool
	quiet        bool
	respond      string
	respondSet   bool
	echo         bool
}

// newRootCmd builds the nats-sub command tree.
func newRootCmd(f *cmdutil.Factory) *cobra.Command { return newSubCmd(f, nil) }

// newSubCmd builds the command; runF replaces runSub in flag tests.
func newSubCmd(f *cmdutil.Factory, runF func(context.Context, *subOptions) error) *cobra.Command {
	o := &subOptions{f: f}
	cmd := &cobra.Command{
		Use:   "nats-sub [flags] SUBJECT...",
		Short: "Subscribe to NATS subjects and print the messages",
		Long: `Subscribe to one or more subjects (wildcards * and > allowed) and print every
message on stdout. Status lines, warnings and the final summary go to stderr.

Exit codes: 0 ok (count reached, or stopped by Ctrl-C/--idle/--timeout after at
least one message when no --count was given), 1 failed after connecting
(e.g. permission violation), 2 usage, 3 incomplete (--count not reached, or no
message before --timeout/--idle), 4 cannot connect, 5 not authorised,
130 Ctrl-C before --count was reached.`,
		Example: `  nats-sub 'orders.>'
  nats-sub --count 1 --timeout 5s reply.subject
  nats-sub --json 'events.*' | jq .data
  nats-sub --format '{{.Subject}} {{.Data}}\n' foo bar`,
		Args: cmdutil.UsageArgs(func(_ *cobra.Command, args []string) error {
			if len(args) == 0 && !o.inbox {
				return errors.New("at least one SUBJECT is required (or --inbox)")
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.subjects = args
			o.respondSet = cmd.Flags().Changed("respond")
			if err := o.validate(); err != nil {
				return exit.WithCode(exit.Usage, err)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runSub(cmd.Context(), o)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.queue, "queue", "q", "", "join queue group NAME (each message goes to one member)")
	fs.IntVar(&o.count, "count", 0, "stop after N messages; exit 3 if fewer arrive before --timeout/--idle")
	fs.BoolVar(&o.first, "first", false, "stop after the first message (--count 1)")
	fs.DurationVar(&o.timeout, "timeout", 0, "hard deadline for the whole run, connecting included (0: none)")
	fs.DurationVar(&o.idle, "idle", 0, "stop after this long without a message (0: never)")
	fs.BoolVarP(&o.raw, "raw", "r", false, "print only the message bodies, one per line")
	fs.BoolVar(&o.json, "json", false, "print one JSON record per message (NDJSON, schema "+record.Schema+")")
	fs.StringVar(&o.format, "format", "", "print each message with a Go template, e.g. '{{.Subject}} {{.Data}}\\n'")
	fs.BoolVar(&o.headersOnly, "headers-only", false, "print subjects and headers, not bodies")
	fs.BoolVar(&o.subjectsOnly, "subjects-only", false, "print only the subject line of each message")
	fs.BoolVarP(&o.timestamp, "timestamp", "t", false, "show the time each message was received")
	fs.BoolVarP(&o.delta, "delta-time", "d", false, "show the time since the start")
	fs.StringArrayVarP(&o.ignore, "ignore-subject", "I", nil, "skip messages on subjects matching this pattern (repeatable)")
	fs.BoolVarP(&o.inbox, "inbox", "i", false, "also subscribe to a new inbox and print its name on stderr")
	fs.BoolVar(&o.quiet, "quiet", false, "no status lines or summary on stderr")
	fs.StringVar(&o.respond, "respond", "", "answer every message that has a reply subject with TEXT (a reply service)")
	fs.BoolVar(&o.echo, "echo", false, "answer every message that has a reply subject with its own body and headers")
	o.conn.Register(fs)
	fs.SortFlags = false
	cmdutil.Setup(cmd, f)
	return cmd
}

// validate checks flag combinations and subjects.
func (o *subOptions) validate() error {
	modes := 0
	for _, on := range []bool{o.raw, o.json, o.format != ""} {
		if on {
			modes++
		}
	}
	switch {
	case modes > 1:
		return errors.New("--raw, --json and --format cannot be combined")
	case (o.headersOnly || o.subjectsOnly) && modes > 0:
		return errors.New("--headers-only and --subjects-only apply to the default output only")
	case o.headersOnly && o.subjectsOnly:
		return errors.New("--headers-only and --subjects-only cannot be combined")
	case o.respondSet && o.echo:
		return errors.New("--respond and --echo cannot be combined")
	case o.timestamp && o.delta:
		return errors.New("--timestamp and --delta-time cannot be combined")
	case o.count < 0:
		return errors.New("--count must not be negative")
	case o.first && o.count > 1:
		return errors.New("--first and --count cannot be combined")
	case o.timeout < 0 || o.idle < 0:
		return errors.New("--timeout and --idle must not be negative")
	case strings.ContainsAny(o.queue, " \t\r\n"):
		return fmt.Errorf("invalid queue name %q", o.queue)
	}
	if o.first {
		o.count = 1
	}
	for _, s := range o.subjects {
		if err := subject.ValidatePattern(s); err != nil {
			return err
		}
	}
	for _, s := range o.ignore {
		if err := subject.ValidatePattern(s); err != nil {
			return fmt.Errorf("--ignore-subject: %w", err)
		}
	}
	return nil
}

// printOptions builds the message printer options.
func (o *subOptions) printOptions(start time.Time) (msgprint.Options, error) {
	po := msgprint.Options{
		HeadersOnly: o.headersOnly, SubjectsOnly: o.subjectsOnly,
		Timestamp: o.timestamp, DeltaTime: o.delta, Start: start,
	}
	switch {
	case o.raw:
		po.Mode = msgprint.Raw
	case o.json:
		po.Mode = msgprint.JSON
	case o.format != "":
		t, err := msgprint.ParseTemplate(o.format)
		if err != nil {
			return po, exit.WithCode(exit.Usage, err)
		}
		po.Mode, po.Template = msgprint.Template, t
	}
	return po, nil
}

// stopReason tells why the receive loop ended.
type stopReason int

const (
	stopCount stopReason = iota
	stopIdle
	stopDeadline
	stopInterrupt
)

// errDeadline is the cause of the --timeout context.
var errDeadline = errors.New("nats-sub: --timeout reached")

// runSub connects, subscribes and prints messages until a completion
// condition (see the exit codes in the command help).
func runSub(ctx context.Context, o *subOptions) error {
	io := o.f.IO
	start := o.f.Now()
	po, err := o.printOptions(start)
	if err != nil {
		return err
	}
	s, err := o.f.Resolve(&o.conn)
	if err != nil {
		return err
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.timeout, errDeadline)
		defer cancel()
		s.ConnectTimeout = min(s.ConnectTimeout, o.timeout)
	}
	st := newSubState(o)
	conn, err := o.f.Dial(ctx, s, st.events(true))
	if err != nil {
		return err
	}
	defer conn.Close()
	subs, err := st.subscribe(conn)
	if err != nil {
		return err
	}
	if err := conn.Flush(ctx); err != nil {
		return st.ctxErr(ctx, fmt.Errorf("subscribing: %w", err))
	}
	if err := natsconn.ServerError(conn.LastError()); err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintf(io.Err, "Subscribing on %s%s\n", strings.Join(st.patterns, ", "), queueNote(o.queue))
	}
	st.conn = conn
	reason, n, loopErr := st.loop(ctx, msgprint.New(io.Out, po))
	st.stopDelivery()
	dropped := 0
	for _, sub := range subs {
		dropped += sub.Dropped()
	}
	if loopErr != nil {
		return loopErr
	}
	if !o.quiet {
		st.summary(n, dropped, o.f.Now().Sub(start))
	}
	return o.result(reason, n)
}

func queueNote(q string) string {
	if q == "" {
		return ""
	}
	return " (queue " + q + ")"
}

// result maps how the loop ended to the command's error.
func (o *subOptions) result(reason stopReason, n uint64) error {
	var what string
	switch reason {
	case stopCount:
		return nil
	case stopInterrupt:
		if o.count > 0 {
			return exit.ErrInterrupted
		}
		return nil
	case stopIdle:
		what = fmt.Sprintf("within --idle %s", o.idle)
	case stopDeadline:
		what = fmt.Sprintf("before --timeout %s", o.timeout)
	}
	switch {
	case o.count > 0:
		return exit.IncompleteErrorf("received %d of %d messages %s", n, o.count, what)
	case n == 0:
		return exit.IncompleteErrorf("no message received %s", what)
	}
	return nil
}

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
}

func newSubState(o *subOptions) *subState {
	return &subState{
		o:      o,
		msgs:   make(chan *record.Message, msgQueueLen),
		stop:   make(chan struct{}),
		async:  make(chan error, asyncQueueLen),
		closed: make(chan struct{}),
		warn:   cmdutil.NewRateLimiter(o.f.Now, warnInterval),
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
	return subs, nil
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
func (st *subState) loop(ctx context.Context, p *msgprint.Printer) (stopReason, uint64, error) {
	var n uint64
	var idle *time.Timer
	var idleC <-chan time.Time
	if st.o.idle > 0 {
		idle = time.NewTimer(st.o.idle)
		defer idle.Stop()
		idleC = idle.C
	}
	for {
		select {
		case m := <-st.msgs:
			if st.ignored(m.Subject) {
				continue
			}
			n++
			m.Seq = n
			st.bytes += int64(len(m.Data))
			if err := p.Print(m); err != nil {
				return 0, n, fmt.Errorf("writing output: %w", err)
			}
			if err := st.answer(m); err != nil {
				return 0, n, err
			}
			if st.o.count > 0 && n >= uint64(st.o.count) {
				return stopCount, n, nil
			}
			if idle != nil {
				idle.Reset(st.o.idle)
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

// asyncError reports a server or client error that arrived while running:
// a permission violation ends the run (exit 1), others are warnings.
func (st *subState) asyncError(err error) error {
	if e := natsconn.ServerError(err); e != nil {
		return e
	}
	if st.warn.Allow(err.Error()) {
		fmt.Fprintf(st.o.f.IO.Err, "%s: warning: %s\n", st.o.f.Prog, st.o.f.Redact(err.Error()))
	}
	return nil
}

// answer replies to m with --respond or --echo.
func (st *subState) answer(m *record.Message) error {
	if m.Reply == "" || (!st.o.respondSet && !st.o.echo) {
		return nil
	}
	r := &record.Message{Subject: m.Reply, Data: []byte(st.o.respond)}
	if st.o.echo {
		r.Data, r.Headers = m.Data, m.Headers
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
		fmt.Fprintf(w, `{"schema":"natsys.sub.summary/v1","messages":%d,"bytes":%d,"dropped":%d,"elapsed_s":%.6f}`+"\n",
			n, st.bytes, dropped, elapsed.Seconds())
		return
	}
	line := fmt.Sprintf("Received %d messages (%d bytes) in %s", n, st.bytes, elapsed.Round(time.Millisecond))
	if dropped > 0 {
		line += fmt.Sprintf("; %d dropped by the client (slow consumer)", dropped)
	}
	fmt.Fprintln(w, line)
}
