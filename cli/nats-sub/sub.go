package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/msgprint"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/output"
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
	respondExec  string
	translate    string
	decode       string
	matchReplies bool
	reportSubj   bool
	reportSubs   bool
	reportTop    int
	output       string
	columns      []string
	noHeaders    bool
	color        string
	dryRun       bool

	translateCmd *command
	respondCmd   *command
	decodeFn     decoder
	reportFormat output.Format
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
  nats-sub --format '{{.Subject}} {{.Data}}\n' foo bar
  nats-sub --translate 'jq -c .' 'orders.>'
  nats-sub --match-replies 'svc.>'
  nats-sub --report-subjects --idle 10s -o csv '>' > subjects.csv`,
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
			if err := o.validateExtras(); err != nil {
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
	fs.StringVar(&o.respondExec, "respond-exec", "", "answer every message that has a reply subject with the output of this shell command (body on stdin)")
	fs.StringVar(&o.translate, "translate", "", "print each body through this shell command (body on stdin; {{Subject}} and {{Reply}} are replaced)")
	fs.StringVar(&o.decode, "decode", "", "print each body as hex or base64 text (for binary payloads)")
	fs.BoolVar(&o.matchReplies, "match-replies", false, "also watch the inbox prefix and print each reply with its request number and latency")
	fs.BoolVar(&o.reportSubj, "report-subjects", false, "count messages per subject and print a table instead of the messages")
	fs.BoolVar(&o.reportSubs, "report-subscriptions", false, "count messages per subscription pattern and print a table instead of the messages")
	fs.IntVar(&o.reportTop, "report-top", defaultReportTop, "rows shown by --report-subjects/--report-subscriptions (0: all)")
	fs.StringVarP(&o.output, "output", "o", "", "report format: table, plain, md, csv, tsv, json or ndjson (default: table on a terminal, else plain); json/ndjson alone is --json")
	fs.StringSliceVar(&o.columns, "columns", nil, "report columns to print, in order (subject|subscription,messages,bytes)")
	fs.BoolVar(&o.noHeaders, "no-headers", false, "report tables without the header line")
	fs.StringVar(&o.color, "color", "auto", "colour: auto, always or never (auto: only on a terminal, without NO_COLOR or TERM=dumb)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the subscriptions (SUB lines) that would be made, and exit without connecting")
	o.conn.Register(fs)
	o.conn.RegisterTrace(fs)
	fs.SortFlags = false
	cmdutil.Setup(cmd, f)
	cmd.ValidArgsFunction = cmdutil.CompleteSubjects(f, &o.conn, 0)
	formats := make([]string, len(output.Formats))
	for i, ft := range output.Formats {
		formats[i] = string(ft)
	}
	cmdutil.RegisterCompletions(cmd, f, map[string][]string{
		"decode": {"hex", "base64"}, "output": formats, "color": {"auto", "always", "never"},
	})
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
	case btoi(o.respondSet)+btoi(o.echo)+btoi(o.respondExec != "") > 1:
		return errors.New("--respond, --echo and --respond-exec cannot be combined")
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

// validateExtras checks the transform, match, report and output options.
func (o *subOptions) validateExtras() error {
	var err error
	if err := o.validateOutput(); err != nil {
		return err
	}
	report := o.reportSubj || o.reportSubs
	switch {
	case o.reportSubj && o.reportSubs:
		return errors.New("--report-subjects and --report-subscriptions cannot be combined")
	case report && (o.raw || o.format != "" || o.headersOnly || o.subjectsOnly || o.timestamp || o.delta ||
		o.translate != "" || o.decode != "" || o.matchReplies):
		return errors.New("--report-subjects/--report-subscriptions print a table: --raw, --format, --headers-only, --subjects-only, -t, -d, --translate, --decode and --match-replies do not apply")
	case !report && (len(o.columns) > 0 || o.noHeaders || (o.output != "" && !o.json)):
		return errors.New("-o table|plain|md|csv|tsv, --columns and --no-headers apply to --report-subjects/--report-subscriptions")
	case o.reportTop < 0:
		return errors.New("--report-top must not be negative")
	case o.translate != "" && o.decode != "":
		return errors.New("--translate and --decode cannot be combined")
	}
	if o.translate != "" {
		if o.translateCmd, err = parseCommand("--translate", o.translate); err != nil {
			return err
		}
	}
	if o.respondExec != "" {
		if o.respondCmd, err = parseCommand("--respond-exec", o.respondExec); err != nil {
			return err
		}
	}
	if report {
		key := "subject"
		if o.reportSubs {
			key = "subscription"
		}
		for _, c := range o.columns {
			if c != key && c != "messages" && c != "bytes" {
				return fmt.Errorf("unknown column %q (have %s,messages,bytes)", c, key)
			}
		}
	}
	o.decodeFn, err = parseDecode(o.decode)
	return err
}

// validateOutput checks -o and --color: -o json/ndjson without a report is
// --json; with a report, --json means -o ndjson.
func (o *subOptions) validateOutput() error {
	if _, err := output.ParseColorMode(o.color); err != nil {
		return err
	}
	report := o.reportSubj || o.reportSubs
	if o.output != "" {
		f, err := output.ParseFormat(o.output)
		if err != nil {
			return err
		}
		o.reportFormat = f
		if !report && (f == output.FormatJSON || f == output.FormatNDJSON) {
			if o.raw || o.format != "" || o.headersOnly || o.subjectsOnly {
				return errors.New("-o json, --raw and --format cannot be combined")
			}
			o.json = true
		}
	}
	if report && o.json {
		if o.output != "" && o.reportFormat != output.FormatJSON && o.reportFormat != output.FormatNDJSON {
			return errors.New("--json and -o cannot be combined")
		}
		if o.reportFormat == "" {
			o.reportFormat = output.FormatNDJSON
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// printOptions builds the message printer options.
func (o *subOptions) printOptions(start time.Time) (msgprint.Options, error) {
	mode, _ := output.ParseColorMode(o.color)
	po := msgprint.Options{
		HeadersOnly: o.headersOnly, SubjectsOnly: o.subjectsOnly,
		Timestamp: o.timestamp, DeltaTime: o.delta, Start: start,
		Color: output.ColorEnabled(mode, o.f.IO.OutTTY, o.f.Getenv),
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
	st := newSubState(o)
	if o.matchReplies {
		st.match = newMatcher(s.InboxPrefix)
	}
	if o.dryRun {
		return st.printDryRun(s.InboxPrefix)
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.timeout, errDeadline)
		defer cancel()
		s.ConnectTimeout = min(s.ConnectTimeout, o.timeout)
	}
	dial := o.f.Dial
	if o.conn.Trace {
		dial = natsconn.Traced(dial, io.Err, o.f.Redact)
	}
	conn, err := dial(ctx, s, st.events(true))
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
		if st.match != nil {
			fmt.Fprintf(io.Err, "Matching replies on %s\n", st.match.pattern)
		}
	}
	st.conn = conn
	st.p = msgprint.New(io.Out, po)
	st.rep, err = o.newReport()
	if err != nil {
		return err
	}
	reason, n, loopErr := st.loop(ctx)
	st.stopDelivery()
	dropped := 0
	for _, sub := range subs {
		dropped += sub.Dropped()
	}
	if loopErr != nil {
		return loopErr
	}
	if st.rep != nil {
		if err := st.rep.final(o.f.Now()); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	if !o.quiet {
		st.summary(n, dropped, o.f.Now().Sub(start))
	}
	return o.result(reason, n)
}

// newReport returns the --report-* accumulator, or nil.
func (o *subOptions) newReport() (*report, error) {
	if !o.reportSubj && !o.reportSubs {
		return nil, nil
	}
	f := o.reportFormat
	if f == "" {
		var err error
		if f, err = output.DefaultFormat(o.f.IO.OutTTY, o.f.Getenv); err != nil {
			return nil, exit.WithCode(exit.Usage, err)
		}
	}
	mode, _ := output.ParseColorMode(o.color)
	r := &report{
		bySub: o.reportSubs, top: o.reportTop, format: f, w: o.f.IO.Out,
		tty: o.f.IO.OutTTY && f != output.FormatJSON && f != output.FormatNDJSON,
		opts: output.Options{
			Format: f, NoHeaders: o.noHeaders, Columns: o.columns,
			Color: output.ColorEnabled(mode, o.f.IO.OutTTY, o.f.Getenv), Terminal: o.f.IO.OutTTY,
		},
		rows: map[string]*reportRow{},
	}
	return r, nil
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
