package sys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// endpoint describes how a service is asked and how it answers.
type endpoint struct {
	ep    sysapi.Endpoint
	shape shape
	// compress: ask for snappy (the server ignores it where it does not
	// apply, as natscli relies on).
	compress bool
	// everyServer: every server the request reaches answers, so a
	// discovered server count is meaningful (false for silent-when-empty
	// services such as account STATZ or JSZ leader_only).
	everyServer bool
}

// Endpoint descriptions shared by several calls.
var (
	epStatsz = endpoint{ep: sysapi.EndpointStatsz, shape: shapeStatsz, everyServer: true}
	epIdz    = endpoint{ep: sysapi.EndpointIdz, shape: shapeIdz, everyServer: true}
)

// envelopeEndpoint describes an endpoint answering with the data envelope.
func envelopeEndpoint(ep sysapi.Endpoint, everyServer bool) endpoint {
	return endpoint{ep: ep, shape: shapeEnvelope, compress: true, everyServer: everyServer}
}

// callServers runs a server endpoint request against t.
func callServers[T any](ctx context.Context, nc *client.Conn, t Target, e endpoint, opts any, o []Option) (*Result[T], error) {
	if nc == nil {
		return nil, fmt.Errorf("%w: nil connection", ErrBadTarget)
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	cfg := newConfig(o)
	ctx, cancel := cfg.bound(ctx)
	defer cancel()
	body, err := requestBody(opts, cfg)
	if err != nil {
		return nil, err
	}
	if t.IsAll() {
		return fanout[T](ctx, nc, cfg, sysapi.ServerPingSubject(e.ep), body, e)
	}
	return direct[T](ctx, nc, cfg, t, e, body)
}

// callAccount runs an account endpoint request ($SYS.REQ.ACCOUNT.<acc>.<EP>),
// which every server answers.
func callAccount[T any](ctx context.Context, nc *client.Conn, acc string, e endpoint, opts any, o []Option) (*Result[T], error) {
	if nc == nil {
		return nil, fmt.Errorf("%w: nil connection", ErrBadTarget)
	}
	if acc == "" || strings.ContainsAny(acc, " \t\r\n.*>") {
		return nil, fmt.Errorf("%w: account %q", ErrBadTarget, acc)
	}
	return callSubject[T](ctx, nc, sysapi.AccountSubject(acc, e.ep), e, opts, o)
}

// callSubject fans a request out on an explicit subject.
func callSubject[T any](ctx context.Context, nc *client.Conn, subject string, e endpoint, opts any, o []Option) (*Result[T], error) {
	cfg := newConfig(o)
	ctx, cancel := cfg.bound(ctx)
	defer cancel()
	body, err := requestBody(opts, cfg)
	if err != nil {
		return nil, err
	}
	return fanout[T](ctx, nc, cfg, subject, body, e)
}

// fanout sends one request that several servers answer and collects the
// replies by count, gap and deadline.
func fanout[T any](ctx context.Context, nc *client.Conn, cfg *config, subject string, body []byte, e endpoint) (*Result[T], error) {
	start := time.Now()
	w := &waiter{gap: cfg.gap}
	auto := cfg.expect == 0 && e.everyServer && !cfg.hasFilter && !cfg.noDiscover
	switch {
	case cfg.expect > 0:
		w.count = cfg.expect
	case auto && e.shape == shapeStatsz:
		// STATSZ replies carry the count themselves.
		w.onReply = func(m *client.Msg) {
			if h, ok := decodeStatszHead(m); ok && w.count == 0 {
				w.count = h.Stats.ActiveServers
			}
		}
	case auto:
		w.count = discoverCount(ctx, nc)
	}
	reqs := []outgoing{{subject: subject}}
	x, err := exchange(ctx, nc, reqs, body, e.compress && !cfg.noCompress, w)
	if err != nil {
		return nil, err
	}
	if x.allNoResponders() {
		return nil, noRespondersError(ctx, nc, subject, "")
	}
	res := buildResult[T](x, reqs, e.shape, cfg.maxReply, start)
	res.Expected = w.count
	res.MissingCount = max(w.count-len(res.Replies), 0)
	return res, noRepliesError(ctx, res, subject)
}

// direct sends one request per target server on its direct subject.
func direct[T any](ctx context.Context, nc *client.Conn, cfg *config, t Target, e endpoint, body []byte) (*Result[T], error) {
	start := time.Now()
	ids, err := resolve(ctx, nc, cfg, t)
	if err != nil {
		return nil, err
	}
	var reqs []outgoing
	var missing []string
	for i, ref := range t.servers {
		if ids[i] == "" {
			missing = append(missing, ref.value)
			continue
		}
		reqs = append(reqs, outgoing{subject: sysapi.ServerDirectSubject(ids[i], e.ep), server: ref.value})
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrServerNotFound, strings.Join(missing, ", "))
	}
	x, err := exchange(ctx, nc, reqs, body, e.compress && !cfg.noCompress, &waiter{perRequest: true})
	if err != nil {
		return nil, err
	}
	if x.allNoResponders() && len(missing) == 0 {
		return nil, noRespondersError(ctx, nc, reqs[0].subject, t.String())
	}
	res := buildResult[T](x, reqs, e.shape, cfg.maxReply, start)
	for i, r := range reqs {
		if !x.answered[i] {
			missing = append(missing, r.server)
		}
	}
	res.Expected = len(t.servers)
	res.Missing = missing
	res.MissingCount = len(missing)
	if len(res.Replies) == 0 && !x.timedOut {
		return res, fmt.Errorf("%w: %s", ErrServerNotFound, strings.Join(missing, ", "))
	}
	return res, noRepliesError(ctx, res, reqs[0].subject)
}

// resolve returns the server ID of each server of t ("" when a name matched
// no server). Names are looked up in one STATSZ ping, which stops as soon as
// every name is found or every active server answered.
func resolve(ctx context.Context, nc *client.Conn, cfg *config, t Target) ([]string, error) {
	ids := make([]string, len(t.servers))
	names := t.names()
	for i, ref := range t.servers {
		if ref.byID {
			ids[i] = ref.value
		}
	}
	if len(names) == 0 {
		return ids, nil
	}
	found := make(map[string]string, len(names))
	w := &waiter{gap: cfg.gap}
	w.onReply = func(m *client.Msg) {
		h, ok := decodeStatszHead(m)
		if !ok {
			return
		}
		if _, dup := found[h.Server.Name]; !dup {
			found[h.Server.Name] = h.Server.ID
		}
		if w.count == 0 {
			w.count = h.Stats.ActiveServers
		}
	}
	w.done = func() bool {
		for _, n := range names {
			if _, ok := found[n]; !ok {
				return false
			}
		}
		return true
	}
	subj := sysapi.ServerStatsPingReqSubj
	x, err := exchange(ctx, nc, []outgoing{{subject: subj}}, []byte("{}"), false, w)
	if err != nil {
		return nil, fmt.Errorf("sys: resolve server names: %w", err)
	}
	if x.allNoResponders() {
		return nil, noRespondersError(ctx, nc, subj, "")
	}
	for i, ref := range t.servers {
		if !ref.byID {
			ids[i] = found[ref.value]
		}
	}
	if ctx.Err() != nil && len(x.replies) == 0 {
		return nil, fmt.Errorf("sys: resolve server names %s: %w", strings.Join(names, ", "), ctx.Err())
	}
	return ids, nil
}

// buildResult decodes the replies of an exchange.
func buildResult[T any](x *exchangeResult, reqs []outgoing, sh shape, limit int64, start time.Time) *Result[T] {
	res := &Result[T]{Replies: make([]Reply[T], 0, len(x.replies)), TimedOut: x.timedOut}
	for _, r := range x.replies {
		rep := decodeReply[T](r.msg, sh, limit)
		rep.Subject = reqs[r.req].subject
		rep.RTT = r.rtt
		res.Replies = append(res.Replies, rep)
	}
	res.Elapsed = time.Since(start)
	return res
}

// noRepliesError returns ErrNoReplies when res has no reply at all, also
// wrapping the context's error (context.DeadlineExceeded or Canceled).
func noRepliesError[T any](ctx context.Context, res *Result[T], subject string) error {
	if len(res.Replies) > 0 {
		return nil
	}
	cause := ctx.Err()
	if cause == nil {
		cause = context.DeadlineExceeded
	}
	return fmt.Errorf("%w: %s: nothing within %s, a filter may match no server (%w)",
		ErrNoReplies, subject, res.Elapsed.Round(time.Millisecond), cause)
}

// single returns the first reply of res for calls that expect exactly one,
// turning its error object into an error that wraps *sysapi.APIError.
func single[T any](res *Result[T], err error, what string) (*Reply[T], error) {
	if err != nil {
		return nil, err
	}
	if len(res.Replies) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoReplies, what)
	}
	rep := &res.Replies[0]
	if rep.Invalid != nil {
		return rep, fmt.Errorf("sys: %s: %w", what, rep.Invalid)
	}
	if rep.Err != nil {
		return rep, fmt.Errorf("sys: %s on %s: %w", what, rep.Server.Name, rep.Err)
	}
	return rep, nil
}
