package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
)

// eventKind is one kind of system event nats-sys events can tail.
type eventKind struct {
	name    string
	title   string
	subject string // with %s for the account or server
	account bool   // the wildcard is an account name
}

// eventKinds lists the --type values, in help order.
func eventKinds() []eventKind {
	return []eventKind{
		{"connect", "Connection", sysapi.ConnectEventSubj, true},
		{"disconnect", "Disconnection", sysapi.DisconnectEventSubj, true},
		{"auth_error", "Authentication Error", sysapi.AuthErrorEventSubj, false},
		{"account_conns", "Account Connections", sysapi.AccConnsEventSubjNew, true},
		{"leafnode_connect", "Leafnode Connection", sysapi.LeafNodeConnectEventSubj, true},
		{"lame_duck", "Lame Duck", sysapi.LameDuckEventSubj, false},
		{"shutdown", "Shutdown", sysapi.ShutdownEventSubj, false},
	}
}

// eventsOptions are the flags of nats-sys events.
type eventsOptions struct {
	g        *globalOptions
	types    []string
	account  string
	user     string
	short    bool
	count    int
	duration time.Duration
	quiet    bool
}

// newEventsCmd builds "nats-sys events"; runF replaces runEvents in flag tests.
func newEventsCmd(g *globalOptions, runF func(context.Context, *eventsOptions) error) *cobra.Command {
	o := &eventsOptions{g: g}
	var names []string
	for _, k := range eventKinds() {
		names = append(names, k.name)
	}
	cmd := newCommand(cmdSpec{
		use:   "events",
		short: "Tail system events: connects, disconnects, auth errors, lame duck, shutdown",
		long: `Subscribe to the system events of every server and print them as they come:
a block per event, one line with --short, or the event JSON as sent (NDJSON)
with --json. --type chooses the kinds (default connect,disconnect,auth_error),
--account and --filter-user narrow them. Runs until Ctrl-C (exit 0), --count N
events (exit 3 when --duration ends first) or --duration.`,
		example: `  nats-sys events --short
  nats-sys events --type connect,disconnect --account APP --json | jq .client.name`,
	}, nil, func([]string) error {
		for _, t := range o.types {
			if !slices.Contains(names, t) {
				return fmt.Errorf("--type: unknown event %q (have %s)", t, strings.Join(names, ","))
			}
		}
		if o.count < 0 || o.duration < 0 {
			return errors.New("--count and --duration must not be negative")
		}
		return nil
	}, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runEvents(ctx, o)
	})
	fs := cmd.Flags()
	fs.StringSliceVar(&o.types, "type", []string{"connect", "disconnect", "auth_error"}, "event kinds: "+strings.Join(names, ","))
	fs.StringVar(&o.account, "account", "", "only events of this account")
	fs.StringVar(&o.user, "filter-user", "", "only events of this user")
	fs.BoolVar(&o.short, "short", false, "one line per event")
	fs.IntVar(&o.count, "count", 0, "stop after N events")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (0: until Ctrl-C or --count)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "no status lines on stderr")
	return cmd
}

// event is the union of the fields nats-sys shows from any event.
type event struct {
	sysapi.TypedEvent
	Server   sysapi.ServerInfo `json:"server"`
	Client   sysapi.ClientInfo `json:"client"`
	Reason   string            `json:"reason"`
	Sent     sysapi.DataStats  `json:"sent"`
	Received sysapi.DataStats  `json:"received"`
	// account_conns events
	Account string `json:"acc"`
	Conns   int    `json:"conns"`
	Leafs   int    `json:"leafnodes"`
	NumSubs uint32 `json:"num_subscriptions"`
}

func runEvents(ctx context.Context, o *eventsOptions) error {
	s, err := o.g.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.checkSystem(ctx); err != nil {
		return err
	}
	ch := make(chan *client.Msg, eventsBuffer)
	kinds := map[string]eventKind{}
	for _, k := range eventKinds() {
		if !slices.Contains(o.types, k.name) {
			continue
		}
		who := "*"
		if k.account && o.account != "" {
			who = o.account
		}
		subj := fmt.Sprintf(k.subject, who)
		if _, err := s.nc.ChanSubscribe(subj, ch); err != nil {
			return s.callError(ctx, fmt.Errorf("subscribing to %s: %w", subj, err))
		}
		kinds[subj] = k
		if !o.quiet {
			fmt.Fprintf(s.g.f.IO.Err, "Listening for %s events on %s\n", k.title, subj)
		}
	}
	fctx, cancel := s.timeout(ctx)
	err = s.nc.Flush(fctx)
	cancel()
	switch {
	case err != nil && o.count == 0 && cmdutil.Interrupted(ctx):
		return nil // Ctrl-C on an open-ended tail, before it started
	case err != nil:
		return s.callError(ctx, err)
	}
	return o.loop(ctx, s, ch, kinds)
}

// loop prints events until Ctrl-C, --count or --duration.
func (o *eventsOptions) loop(ctx context.Context, s *session, ch <-chan *client.Msg, kinds map[string]eventKind) error {
	var end <-chan time.Time
	if o.duration > 0 {
		t := time.NewTimer(o.duration)
		defer t.Stop()
		end = t.C
	}
	seen := 0
	for {
		select {
		case <-ctx.Done():
			if o.count > 0 && cmdutil.Interrupted(ctx) {
				return context.Cause(ctx)
			}
			return nil
		case <-end:
			if o.count > 0 {
				return exit.IncompleteErrorf("%d of %d events before --duration ended", seen, o.count)
			}
			return nil
		case m := <-ch:
			k := kindOf(kinds, m.Subject)
			var ev event
			if err := json.Unmarshal(m.Data, &ev); err != nil {
				fmt.Fprintf(s.g.f.IO.Err, "%s: undecodable event on %s: %v\n", s.g.f.Prog, m.Subject, err)
				continue
			}
			if !o.match(&ev) {
				continue
			}
			if err := o.print(s, k, &ev, m.Data); err != nil {
				return err
			}
			seen++
			if o.count > 0 && seen >= o.count {
				return nil
			}
		}
	}
}

// kindOf finds the kind whose subject pattern matches subject.
func kindOf(kinds map[string]eventKind, subject string) eventKind {
	for pattern, k := range kinds {
		if subjectMatch(pattern, subject) {
			return k
		}
	}
	return eventKind{name: "event", title: "Event"}
}

// subjectMatch matches a subject against a pattern with "*" tokens.
func subjectMatch(pattern, subject string) bool {
	p, s := strings.Split(pattern, "."), strings.Split(subject, ".")
	if len(p) != len(s) {
		return false
	}
	for i := range p {
		if p[i] != "*" && p[i] != s[i] {
			return false
		}
	}
	return true
}

func (o *eventsOptions) match(ev *event) bool {
	acc := ev.Client.Account
	if acc == "" {
		acc = ev.Account
	}
	if o.account != "" && acc != "" && acc != o.account {
		return false
	}
	return o.user == "" || ev.Client.User == o.user
}

// print writes one event: raw JSON, a short line or a block.
func (o *eventsOptions) print(s *session, k eventKind, ev *event, raw []byte) error {
	w := s.g.f.IO.Out
	switch s.out.Format {
	case output.FormatJSON, output.FormatNDJSON:
		return writeLines(w, [][]byte{[]byte(strings.TrimSpace(string(raw)))})
	}
	at := ev.Time
	if at.IsZero() {
		at = s.now()
	}
	line := fmt.Sprintf("%s [%s] %s", at.Local().Format(time.TimeOnly), k.title, eventSummary(k, ev))
	if o.short {
		_, err := fmt.Fprintln(w, line)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n   Server: %s", line, serverLabel(ev.Server))
	if ev.Server.Cluster != "" {
		fmt.Fprintf(&b, " (cluster %s)", ev.Server.Cluster)
	}
	b.WriteString("\n")
	if c := ev.Client; c.ID != 0 || c.Host != "" {
		fmt.Fprintf(&b, "   Client: cid %d, %s, name %q, lang %s %s, kind %s\n", c.ID, c.Host, c.Name, c.Lang, c.Version, c.Kind)
	}
	if k.name == "disconnect" {
		fmt.Fprintf(&b, "  Traffic: in %d msgs / %s, out %d msgs / %s\n", ev.Received.Msgs, output.HumanBytes(ev.Received.Bytes),
			ev.Sent.Msgs, output.HumanBytes(ev.Sent.Bytes))
	}
	b.WriteString("\n")
	_, err := fmt.Fprint(w, b.String())
	return err
}

// eventSummary is the one-line description of an event.
func eventSummary(k eventKind, ev *event) string {
	c := ev.Client
	switch k.name {
	case "connect", "leafnode_connect":
		return fmt.Sprintf("user: %s cid: %d in account %s on %s", c.User, c.ID, c.Account, serverLabel(ev.Server))
	case "disconnect", "auth_error":
		return fmt.Sprintf("user: %s cid: %d in account %s on %s: %s", c.User, c.ID, c.Account, serverLabel(ev.Server), ev.Reason)
	case "account_conns":
		return fmt.Sprintf("account %s on %s: %d connections, %d leafnodes, %d subscriptions", ev.Account, serverLabel(ev.Server), ev.Conns, ev.Leafs, ev.NumSubs)
	}
	return "server " + serverLabel(ev.Server)
}

// checkSystem makes sure the connection is in the system account (a
// subscription elsewhere would silently see nothing): exit 5 otherwise.
func (s *session) checkSystem(ctx context.Context) error {
	rctx, cancel := s.timeout(ctx)
	defer cancel()
	_, err := sys.Ping(rctx, s.nc, sys.Expect(1))
	return s.callError(rctx, err)
}
