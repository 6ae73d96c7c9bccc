package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
)

// session is one command run: resolved settings, the connection and the
// output options.
type session struct {
	g   *globalOptions
	s   *connflags.Settings
	nc  *client.Conn
	out output.Options
}

// open resolves the flags and connects. The caller closes the session.
func (g *globalOptions) open(ctx context.Context) (*session, error) {
	if err := g.validate(); err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	out, err := g.outputOptions()
	if err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	s, err := g.f.Resolve(&g.conn)
	if err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	cctx, cancel := context.WithTimeout(ctx, s.ConnectTimeout)
	defer cancel()
	nc, err := g.dial(cctx, s)
	if err != nil {
		return nil, err
	}
	return &session{g: g, s: s, nc: nc, out: out}, nil
}

// close closes the connection.
func (s *session) close() { s.nc.Close() }

// timeout returns a context bounded by --timeout for one request round.
func (s *session) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.s.Timeout)
}

// target returns the servers a server endpoint request goes to.
func (s *session) target() sys.Target {
	if len(s.g.servers) > 0 {
		return sys.Servers(s.g.servers...)
	}
	return sys.All()
}

// opts returns the collection options of --expect and the filters.
func (s *session) opts() []sys.Option {
	var o []sys.Option
	if s.g.expect > 0 {
		o = append(o, sys.Expect(s.g.expect))
	}
	if f, ok := s.g.filter(); ok {
		o = append(o, sys.Filter(f))
	}
	return o
}

// self reports whether c is nats-sys's own connection on server id.
func (s *session) self(serverID string, cid uint64) bool {
	if s.g.includeSelf {
		return false
	}
	info := s.nc.ServerInfo()
	return info.ServerID == serverID && info.ClientID == cid
}

// callError gives an error of a client/sys call its exit code and a
// message that names the cause.
func (s *session) callError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var coded *exit.Error
	switch {
	case errors.As(err, &coded):
		return err
	case cmdutil.Interrupted(ctx):
		return context.Cause(ctx)
	case errors.Is(err, sys.ErrNotSystemAccount):
		who := "the connected user"
		if s.s.User != "" {
			who = fmt.Sprintf("user %q", s.s.User)
		}
		return exit.WithCode(exit.NotAuthorized, fmt.Errorf(
			"not authorised: %s is not in the system account ($SYS.REQ requests have no responders); connect as a system account user", who))
	case errors.Is(err, client.ErrPermissionViolation):
		return exit.WithCode(exit.NotAuthorized, fmt.Errorf("not authorised: %w", err))
	case errors.Is(err, sys.ErrServerNotFound):
		return exit.WithCode(exit.Incomplete, fmt.Errorf("server not found: %s", strings.TrimPrefix(err.Error(), sys.ErrServerNotFound.Error()+": ")))
	case errors.Is(err, sys.ErrNoReplies):
		return exit.WithCode(exit.Incomplete, fmt.Errorf("no server replied within %s (a filter may match no server)", s.s.Timeout))
	case errors.Is(err, sys.ErrBadTarget):
		return exit.WithCode(exit.Usage, err)
	case errors.Is(err, client.ErrConnectionClosed):
		return exit.WithCode(exit.NoConnection, fmt.Errorf("connection lost: %w", err))
	case errors.Is(err, context.DeadlineExceeded):
		return exit.WithCode(exit.Incomplete, fmt.Errorf("no reply within %s: %w", s.s.Timeout, err))
	}
	return exit.WithCode(exit.Failed, err)
}

// coverage is how many servers were expected and which did not reply.
type coverage struct {
	expected     int
	replied      int
	missing      []string
	missingCount int
}

// coverageOf reads the coverage of a result.
func coverageOf[T any](res *sys.Result[T]) coverage {
	return coverage{expected: res.Expected, replied: len(res.Replies), missing: res.Missing, missingCount: res.MissingCount}
}

// err returns the incomplete-result error (exit 3) when servers are missing:
// "2/3 servers replied; missing: n3".
func (c coverage) err() error {
	if c.missingCount == 0 && len(c.missing) == 0 {
		return nil
	}
	n := max(c.missingCount, len(c.missing))
	msg := fmt.Sprintf("%d/%d servers replied; ", c.replied, max(c.expected, c.replied+n))
	if len(c.missing) > 0 {
		msg += "missing: " + strings.Join(c.missing, ", ")
	} else {
		msg += fmt.Sprintf("%d missing", n)
	}
	return exit.WithCode(exit.Incomplete, errors.New(msg))
}

// json reports it as the "servers" object of the report schemas.
func (c coverage) json() map[string]any {
	missing := c.missing
	if missing == nil {
		missing = []string{}
	}
	return map[string]any{"expected": c.expected, "responded": c.replied, "missing": missing, "missing_count": max(c.missingCount, len(c.missing))}
}

// restrict keeps only the replies of the --servers set (for account
// endpoints, which always fan out) and names the servers that did not reply.
func restrict[T any](res *sys.Result[T], servers []string) {
	if len(servers) == 0 {
		return
	}
	var kept []sys.Reply[T]
	seen := map[string]bool{}
	for _, r := range res.Replies {
		for _, want := range servers {
			if r.Server.Name == want || r.Server.ID == want {
				kept = append(kept, r)
				seen[want] = true
				break
			}
		}
	}
	res.Replies = kept
	res.Missing = nil
	for _, want := range servers {
		if !seen[want] {
			res.Missing = append(res.Missing, want)
		}
	}
	res.Expected = len(servers)
	res.MissingCount = len(res.Missing)
}

// sortReplies orders replies by server name, then ID, so output is
// deterministic.
func sortReplies[T any](res *sys.Result[T]) {
	slices.SortStableFunc(res.Replies, func(a, b sys.Reply[T]) int {
		if c := strings.Compare(a.Server.Name, b.Server.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Server.ID, b.Server.ID)
	})
}

// rawLines returns the replies as received (after decompression), one JSON
// document per line.
func rawLines[T any](res *sys.Result[T]) [][]byte {
	out := make([][]byte, 0, len(res.Replies))
	for _, r := range res.Replies {
		out = append(out, bytes.TrimSpace(r.Raw))
	}
	return out
}

// replyFailures returns one error per failed reply ("n2: description") and
// the combined exit-1 error, or nil.
func replyFailures[T any](res *sys.Result[T], skip func(*sys.Reply[T]) bool) []string {
	var out []string
	for i := range res.Replies {
		r := &res.Replies[i]
		if r.OK() || (skip != nil && skip(r)) {
			continue
		}
		name := r.Server.Name
		if name == "" {
			name = "unknown server"
		}
		out = append(out, fmt.Sprintf("%s: %v", name, r.Error()))
	}
	return out
}

// serverLabel is the name of a server for tables (its ID when unnamed).
func serverLabel(si sysapi.ServerInfo) string {
	if si.Name != "" {
		return si.Name
	}
	return si.ID
}

// writeLines writes each line followed by a newline.
func writeLines(w io.Writer, lines [][]byte) error {
	var b bytes.Buffer
	for _, l := range lines {
		b.Write(l)
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// now returns the factory clock.
func (s *session) now() time.Time { return s.g.f.Now() }
