package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/msgprint"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/payload"
	"github.com/natsys/natsys/cli/internal/record"
	"github.com/natsys/natsys/cli/internal/subject"
)

// header is one -H option (never template-expanded).
type header struct {
	key, value string
}

// pubOptions are the parsed flags and arguments of nats-pub.
type pubOptions struct {
	f    *cmdutil.Factory
	conn connflags.Flags

	subject      string
	body         *string
	reply        string
	headers      []string
	count        int
	countSet     bool
	sleep        time.Duration
	rate         string
	rateInterval time.Duration
	jitter       time.Duration
	stdinModeArg string
	stdinMode    payload.Mode
	stdin        bool
	dataFile     string
	template     bool
	input        string
	output       string
	color        string
	quiet        bool
	dryRun       bool

	request      bool
	replies      int
	idle         time.Duration
	raw          bool
	json         bool
	format       string
	failOnHeader string
	waitEmpty    bool
	repliesSet   bool

	hdrs []header
}

// newRootCmd builds the nats-pub command tree.
func newRootCmd(f *cmdutil.Factory) *cobra.Command { return newPubCmd(f, nil) }

// newPubCmd builds the command; runF replaces runPub in flag tests.
func newPubCmd(f *cmdutil.Factory, runF func(context.Context, *pubOptions) error) *cobra.Command {
	o := &pubOptions{f: f}
	cmd := &cobra.Command{
		Use:   "nats-pub [flags] SUBJECT [BODY]",
		Short: "Publish a message to NATS, or send a request and print the replies",
		Long: `Publish to SUBJECT. The body is BODY, or the file named by @FILE/--data-file, or
stdin (when BODY is "-", with --stdin, or when no BODY is given and stdin is not
a terminal). Everything is sent exactly as given: without --template nothing
is expanded. --template expands natscli templates ({{Count}} {{ID}} {{Time}}
{{TimeStamp}} {{Unix}} {{UnixNano}} {{Random a b}}) in a BODY argument, once per
message ({{Count}} is the message number with --count); the subject, -H values,
stdin and file data are never expanded, and --template without a BODY argument
is a usage error.
nats-pub waits for the server to process the messages before it exits, so a
refused publish (permissions violation) exits 1 with the server's error.

Exit codes: 0 ok, 1 failed after connecting (server error, --fail-on-header),
2 usage, 3 incomplete (no responders, fewer replies than --replies before
--timeout), 4 cannot connect, 5 not authorised, 130 interrupted.`,
		Example: `  nats-pub orders.new '{"id":1}'
  echo '{"id":2}' | nats-pub orders.new
  nats-pub -H Trace:abc --template --count 10 demo 'msg {{Count}} at {{TimeStamp}}'
  nats-pub --template --count 1000 --rate 100/s load.test 'n={{Count}}'
  nats-pub --stdin-mode line events < events.txt
  nats-pub --request svc.time ''
  nats-sub --json 'in.>' | nats-pub --input json`,
		Args: cmdutil.UsageArgs(func(_ *cobra.Command, args []string) error {
			if len(args) > 2 {
				return fmt.Errorf("too many arguments: want SUBJECT [BODY], got %d (quote the body)", len(args))
			}
			if len(args) == 0 && o.input != "json" {
				return errors.New("SUBJECT is required")
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				o.subject = args[0]
			}
			if len(args) > 1 {
				o.body = &args[1]
			}
			o.countSet = cmd.Flags().Changed("count")
			o.repliesSet = cmd.Flags().Changed("replies")
			if err := o.validate(); err != nil {
				return exit.WithCode(exit.Usage, err)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runPub(cmd.Context(), o)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.reply, "reply", "", "reply subject of the message")
	fs.StringArrayVarP(&o.headers, "header", "H", nil, "header K:V or K=V (repeatable)")
	fs.IntVar(&o.count, "count", 1, "publish the message N times")
	fs.DurationVar(&o.sleep, "sleep", 0, "pause between messages")
	fs.StringVar(&o.rate, "rate", "", "publish at most N messages per second (N, N/s, N/m, N/h or N/DURATION)")
	fs.DurationVar(&o.jitter, "jitter", 0, "add a random delay of up to this long before each message after the first")
	fs.StringVar(&o.stdinModeArg, "stdin-mode", "eof", "how stdin is split: eof (one message, exact bytes), line (one per line), nul (one per NUL-terminated record)")
	fs.BoolVar(&o.stdin, "stdin", false, "read the body from stdin (same as BODY '-')")
	fs.StringVar(&o.dataFile, "data-file", "", "read the body (or --input json records) from this file")
	fs.BoolVar(&o.template, "template", false, "expand templates ({{Count}}, {{ID}}, ...) in the BODY argument (never in the subject, -H, stdin or files)")
	fs.StringVar(&o.input, "input", "", `"json": publish NDJSON records from nats-sub --json read from stdin`)
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "no status lines on stderr")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the messages as NDJSON records ("+record.Schema+") on stdout instead of connecting")
	fs.BoolVar(&o.request, "request", false, "send a request and wait for replies")
	fs.IntVar(&o.replies, "replies", 1, "with --request: replies to wait for per request (0: all until --idle)")
	fs.DurationVar(&o.idle, "idle", 0, "with --request: stop waiting after this long without a reply (default 300ms with --replies 0)")
	fs.BoolVarP(&o.raw, "raw", "r", false, "with --request: print only reply bodies")
	fs.BoolVar(&o.json, "json", false, "with --request: print replies as NDJSON records ("+record.Schema+")")
	fs.StringVar(&o.format, "format", "", "with --request: print replies with a Go template (as nats-sub --format)")
	fs.StringVar(&o.failOnHeader, "fail-on-header", "", "with --request: exit 1 when a reply has this header (e.g. Nats-Service-Error)")
	fs.BoolVar(&o.waitEmpty, "wait-empty", false, "with --request: collect replies until an empty one (end of stream) arrives")
	fs.StringVarP(&o.output, "output", "o", "", "with --request: json or ndjson (same as --json)")
	fs.StringVar(&o.color, "color", "auto", "colour in --request output: auto, always or never (auto honours NO_COLOR and TERM=dumb)")
	o.conn.Register(fs)
	o.conn.RegisterTimeout(fs)
	o.conn.RegisterTrace(fs)
	fs.SortFlags = false
	cmdutil.Setup(cmd, f)
	cmd.ValidArgsFunction = cmdutil.CompleteSubjects(f, &o.conn, 1)
	cmdutil.RegisterCompletions(cmd, f, map[string][]string{
		"stdin-mode": {"eof", "line", "nul"}, "input": {"json"}, "output": {"json", "ndjson"},
		"color": {"auto", "always", "never"},
	})
	return cmd
}

// validate checks flags and arguments; errors are usage errors.
func (o *pubOptions) validate() error {
	var err error
	if o.stdinMode, err = payload.ParseMode(o.stdinModeArg); err != nil {
		return err
	}
	if err := o.validateOutput(); err != nil {
		return err
	}
	switch {
	case o.input != "" && o.input != "json":
		return fmt.Errorf("unknown --input %q (want json)", o.input)
	case o.count < 1:
		return errors.New("--count must be at least 1")
	case o.sleep < 0 || o.idle < 0 || o.jitter < 0:
		return errors.New("--sleep, --jitter and --idle must not be negative")
	case o.rate != "" && o.sleep > 0:
		return errors.New("--rate and --sleep cannot be combined (use --jitter to spread messages)")
	case o.replies < 0:
		return errors.New("--replies must not be negative")
	case o.request && o.reply != "":
		return errors.New("--reply cannot be used with --request (the reply subject is an inbox)")
	case !o.request && (o.raw || o.json || o.format != "" || o.failOnHeader != "" ||
		o.idle > 0 || o.replies != 1 || o.waitEmpty):
		return errors.New("--raw, --json, --format, --replies, --idle, --wait-empty and --fail-on-header need --request")
	case o.waitEmpty && o.repliesSet:
		return errors.New("--wait-empty and --replies cannot be combined (--wait-empty collects replies until an empty one)")
	}
	if n := btoi(o.raw) + btoi(o.json) + btoi(o.format != ""); n > 1 {
		return errors.New("--raw, --json and --format cannot be combined")
	}
	if o.rate != "" {
		if o.rateInterval, err = parseRate(o.rate); err != nil {
			return err
		}
	}
	if o.subject != "" {
		if err := subject.Validate(o.subject); err != nil {
			return err
		}
	}
	if o.reply != "" {
		if err := subject.Validate(o.reply); err != nil {
			return fmt.Errorf("--reply: %w", err)
		}
	}
	for _, h := range o.headers {
		hd, err := parseHeader(h)
		if err != nil {
			return err
		}
		o.hdrs = append(o.hdrs, hd)
	}
	return nil
}

// validateOutput checks -o and --color; -o json/ndjson is --json.
func (o *pubOptions) validateOutput() error {
	if _, err := output.ParseColorMode(o.color); err != nil {
		return err
	}
	switch o.output {
	case "":
	case "json", "ndjson":
		o.json = true
	default:
		return fmt.Errorf("unknown -o %q: nats-pub prints replies as json or ndjson (or use --raw/--format)", o.output)
	}
	return nil
}

// parseHeader parses "K:V" or "K=V" (the first separator wins); the value
// is sent as is.
func parseHeader(s string) (header, error) {
	i := strings.IndexAny(s, ":=")
	if i <= 0 {
		return header{}, fmt.Errorf("invalid header %q: want KEY:VALUE or KEY=VALUE", s)
	}
	h := header{key: strings.TrimSpace(s[:i]), value: strings.TrimSpace(s[i+1:])}
	if h.key == "" || strings.ContainsAny(h.key, " \t\r\n:") {
		return header{}, fmt.Errorf("invalid header name %q", h.key)
	}
	if strings.ContainsAny(h.value, "\r\n") {
		return header{}, fmt.Errorf("invalid header value for %q: contains a line break", h.key)
	}
	return h, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runPub publishes (or requests) every message of the source.
func runPub(ctx context.Context, o *pubOptions) error {
	src, total, err := o.messages()
	if err != nil {
		return err
	}
	if o.dryRun {
		return o.printDryRun(src)
	}
	s, err := o.f.Resolve(&o.conn)
	if err != nil {
		return err
	}
	async := make(chan error, asyncQueueLen)
	conn, err := o.dial(ctx, s, natsconn.Events{AsyncError: func(err error) {
		select {
		case async <- err:
		default:
		}
	}})
	if err != nil {
		return err
	}
	defer conn.Close()
	if o.request {
		return o.runRequests(ctx, conn, s, src, async)
	}
	n, bytes, last, err := o.publishAll(ctx, conn, src, total, async)
	if err != nil {
		return err
	}
	if err := o.flush(ctx, conn, s.Timeout); err != nil {
		return err
	}
	if !o.quiet {
		switch n {
		case 0:
			fmt.Fprintln(o.f.IO.Err, "Published 0 messages")
		case 1:
			fmt.Fprintf(o.f.IO.Err, "Published %d bytes to %q\n", bytes, last.Subject)
		default:
			fmt.Fprintf(o.f.IO.Err, "Published %d messages (%d bytes)\n", n, bytes)
		}
	}
	return nil
}

// dial connects, through the --trace logger when asked.
func (o *pubOptions) dial(ctx context.Context, s *connflags.Settings, ev natsconn.Events) (natsconn.Conn, error) {
	d := o.f.Dial
	if o.conn.Trace {
		d = natsconn.Traced(d, o.f.IO.Err, o.f.Redact)
	}
	return d(ctx, s, ev)
}

// publishAll publishes the messages of src, paced by --rate/--sleep/--jitter,
// with a progress line on a terminal.
func (o *pubOptions) publishAll(ctx context.Context, conn natsconn.Conn, src source, total int, async chan error) (n, bytes int, last *record.Message, err error) {
	pace := newPacer(o)
	prog := newProgress(o, total)
	defer prog.done()
	for {
		m, err := src()
		if errors.Is(err, io.EOF) {
			return n, bytes, last, nil
		}
		if err != nil {
			return n, bytes, last, inputError(err)
		}
		if err := pace.wait(ctx); err != nil {
			return n, bytes, last, err
		}
		if err := conn.Publish(m); err != nil {
			return n, bytes, last, exit.WithCode(exit.Failed, fmt.Errorf("publishing to %q: %w", m.Subject, err))
		}
		n++
		bytes += len(m.Data)
		last = m
		prog.update(n)
		if err := pendingServerError(async); err != nil {
			return n, bytes, last, err
		}
	}
}

// printDryRun writes the messages that would be sent, one record per line.
func (o *pubOptions) printDryRun(src source) error {
	p := msgprint.New(o.f.IO.Out, msgprint.Options{Mode: msgprint.JSON})
	for {
		m, err := src()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return inputError(err)
		}
		if o.request {
			m.Reply = "(inbox)"
		}
		if err := p.Print(m); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
}

// flush waits for the server to process everything sent and reports a
// refusal (permissions violation) as exit 1.
func (o *pubOptions) flush(ctx context.Context, conn natsconn.Conn, timeout time.Duration) error {
	fctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := conn.Flush(fctx); err != nil {
		if cmdutil.Interrupted(ctx) {
			return exit.ErrInterrupted
		}
		return exit.WithCode(exit.Failed, fmt.Errorf("waiting for the server: %w", err))
	}
	return natsconn.ServerError(conn.LastError())
}

// pendingServerError returns a queued server error (ending the run), if any.
func pendingServerError(async chan error) error {
	for {
		select {
		case err := <-async:
			if e := natsconn.ServerError(err); e != nil {
				return e
			}
		default:
			return nil
		}
	}
}

// inputError gives invalid --input records exit code 2.
func inputError(err error) error {
	if errors.Is(err, record.ErrInvalid) && exit.Code(err) == exit.Failed {
		return exit.WithCode(exit.Usage, err)
	}
	return err
}

// printer returns the reply printer for --request.
func (o *pubOptions) printer() (*msgprint.Printer, error) {
	mode, _ := output.ParseColorMode(o.color)
	po := msgprint.Options{Color: output.ColorEnabled(mode, o.f.IO.OutTTY, o.f.Getenv)}
	switch {
	case o.raw:
		po.Mode = msgprint.Raw
	case o.json:
		po.Mode = msgprint.JSON
	case o.format != "":
		t, err := msgprint.ParseTemplate(o.format)
		if err != nil {
			return nil, exit.WithCode(exit.Usage, err)
		}
		po.Mode, po.Template = msgprint.Template, t
	}
	return msgprint.New(o.f.IO.Out, po), nil
}
