package sys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// outgoing is one request of an exchange.
type outgoing struct {
	subject string
	server  string // the target server as the caller gave it; "" for a fan-out
}

// rawReply is one reply message of an exchange.
type rawReply struct {
	msg *client.Msg
	req int // index of the request it answers
	rtt time.Duration
}

// waiter decides when an exchange stops collecting. The context always ends
// it; MaxReplies too.
type waiter struct {
	// count stops the collection after this many replies; 0 = unknown.
	count int
	// gap stops the collection this long after the last reply when count is
	// unknown; 0 = no gap.
	gap time.Duration
	// perRequest stops the collection once every request got a reply or a
	// no-responders status.
	perRequest bool
	// onReply is called for every reply (it may set count).
	onReply func(m *client.Msg)
	// done, when set, stops the collection as soon as it returns true.
	done func() bool
}

// exchangeResult is what an exchange received.
type exchangeResult struct {
	replies      []rawReply
	answered     []bool // per request: got a reply
	noResponders []bool // per request: got the no-responders status
	timedOut     bool
}

// allNoResponders reports whether every request got no-responders.
func (x *exchangeResult) allNoResponders() bool {
	for _, nr := range x.noResponders {
		if !nr {
			return false
		}
	}
	return len(x.noResponders) > 0
}

// exchange publishes reqs, all with the same body, each with its own reply
// subject under one fresh inbox, and collects the replies until w says stop
// or ctx ends. It fails when publishing fails, when the server reports a
// permission violation for the requests or their inbox, or when the
// connection closes; a deadline is not an error (timedOut is set).
func exchange(ctx context.Context, nc *client.Conn, reqs []outgoing, body []byte, compress bool, w *waiter) (*exchangeResult, error) {
	subj := reqs[0].subject
	inbox := nc.NewInbox()
	sub, err := nc.SubscribeSync(inbox + ".*")
	if err != nil {
		return nil, fmt.Errorf("sys: %s: subscribe reply inbox: %w", subj, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return nil, fmt.Errorf("sys: %s: %w", subj, err)
	}
	before := nc.LastError()
	start := time.Now()
	for i, r := range reqs {
		m := client.NewMsg(r.subject)
		m.Reply = inbox + "." + strconv.Itoa(i)
		m.Data = body
		if compress {
			m.Header.Set(hdrAcceptEncoding, encSnappy)
		} else {
			m.Header = nil
		}
		if err := nc.PublishMsg(m); err != nil {
			return nil, fmt.Errorf("sys: publish %s: %w", r.subject, err)
		}
	}
	// The PONG comes after any -ERR the server sent for the SUB or PUBs.
	if err := nc.Flush(ctx); err != nil {
		return nil, fmt.Errorf("sys: %s: %w", subj, err)
	}
	if after := nc.LastError(); !sameError(before, after) && errors.Is(after, client.ErrPermissionViolation) {
		return nil, fmt.Errorf("sys: %s: %w", subj, after)
	}
	return collect(ctx, sub, inbox, start, len(reqs), w, subj)
}

// collect reads replies from sub until w says stop or ctx ends.
func collect(ctx context.Context, sub *client.Subscription, inbox string, start time.Time, nreq int, w *waiter, subj string) (*exchangeResult, error) {
	x := &exchangeResult{answered: make([]bool, nreq), noResponders: make([]bool, nreq)}
	settled := 0 // requests with a reply or no-responders
	noResp := 0
	for len(x.replies) < MaxReplies {
		switch {
		case w.count > 0 && len(x.replies) >= w.count,
			w.perRequest && settled == nreq,
			noResp == nreq,
			w.done != nil && w.done():
			return x, nil
		}
		wctx, cancel := ctx, context.CancelFunc(func() {})
		if w.count == 0 && w.gap > 0 && len(x.replies) > 0 {
			wctx, cancel = context.WithTimeout(ctx, w.gap)
		}
		m, err := sub.NextMsg(wctx)
		gapOver := err != nil && wctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err != nil {
			switch {
			case ctx.Err() != nil:
				x.timedOut = true
				return x, nil
			case gapOver:
				return x, nil
			}
			return nil, fmt.Errorf("sys: %s: %w", subj, err)
		}
		idx := requestIndex(m.Subject, inbox, nreq)
		if idx < 0 {
			continue
		}
		if !x.answered[idx] && !x.noResponders[idx] {
			settled++
		}
		if m.Status == client.StatusNoResponders && len(m.Data) == 0 {
			if !x.noResponders[idx] {
				x.noResponders[idx] = true
				noResp++
			}
			continue
		}
		x.answered[idx] = true
		x.replies = append(x.replies, rawReply{msg: m, req: idx, rtt: time.Since(start)})
		if w.onReply != nil {
			w.onReply(m)
		}
	}
	return x, nil
}

// requestIndex returns the request number encoded in a reply subject, or -1.
func requestIndex(subject, inbox string, nreq int) int {
	rest, ok := strings.CutPrefix(subject, inbox+".")
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= nreq {
		return -1
	}
	return i
}

// sameError reports whether a and b are the same error value, without
// panicking on non-comparable error types.
func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}

// requestBody merges the endpoint options and the filter options into one
// JSON object, as the services expect ("{}" when both are empty).
func requestBody(opts any, cfg *config) ([]byte, error) {
	fields := map[string]json.RawMessage{}
	add := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("options must encode as a JSON object: %w", err)
		}
		for k, v := range m {
			fields[k] = v
		}
		return nil
	}
	if opts != nil {
		if err := add(opts); err != nil {
			return nil, fmt.Errorf("sys: request options: %w", err)
		}
	}
	if cfg.hasFilter {
		if err := add(cfg.filter); err != nil {
			return nil, fmt.Errorf("sys: filter options: %w", err)
		}
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("sys: request body: %w", err)
	}
	return b, nil
}

// statszHead is the part of a STATSZ reply the engine needs.
type statszHead struct {
	Server sysapi.ServerInfo `json:"server"`
	Stats  struct {
		ActiveServers int `json:"active_servers"`
	} `json:"statsz"`
}

// decodeStatszHead decodes the server identity and active_servers of a
// STATSZ reply (which is never compressed).
func decodeStatszHead(m *client.Msg) (statszHead, bool) {
	var h statszHead
	if err := json.Unmarshal(m.Data, &h); err != nil || h.Server.ID == "" {
		return h, false
	}
	return h, true
}

// discoverCount asks the servers for STATSZ and returns the first reply's
// active_servers; 0 when unknown (no reply, no responders, no count).
func discoverCount(ctx context.Context, nc *client.Conn) int {
	n := 0
	w := &waiter{count: 1, onReply: func(m *client.Msg) {
		if h, ok := decodeStatszHead(m); ok {
			n = h.Stats.ActiveServers
		}
	}}
	if _, err := exchange(ctx, nc, []outgoing{{subject: sysapi.ServerStatsPingReqSubj}}, []byte("{}"), false, w); err != nil {
		return 0
	}
	return n
}

// isSystemAccount tells whether nc's user is in the system account: from the
// server's INFO ("acc_is_sys", sent after the connect PING), else by probing
// the STATSZ ping, which only system users can reach.
func isSystemAccount(ctx context.Context, nc *client.Conn) (bool, error) {
	if err := nc.Flush(ctx); err != nil { // the INFO precedes this PONG
		return false, fmt.Errorf("sys: flush: %w", err)
	}
	if info := nc.ServerInfo(); info.ConnectInfo {
		return info.IsSystem, nil
	}
	return probeSystemAccount(ctx, nc)
}

// probeSystemAccount sends a STATSZ ping: only system users reach a
// responder, everyone else gets no-responders.
func probeSystemAccount(ctx context.Context, nc *client.Conn) (bool, error) {
	x, err := exchange(ctx, nc, []outgoing{{subject: sysapi.ServerStatsPingReqSubj}}, []byte("{}"), false, &waiter{count: 1})
	if err != nil {
		return false, err
	}
	if x.allNoResponders() {
		return false, nil
	}
	if len(x.replies) == 0 {
		return false, fmt.Errorf("sys: %s: no reply", sysapi.ServerStatsPingReqSubj)
	}
	return true, nil
}

// noRespondersError explains why subject had no responders: a non-system
// user, an unknown server (servers non-empty), or no system services at all.
func noRespondersError(ctx context.Context, nc *client.Conn, subject, servers string) error {
	cause := fmt.Errorf("%s: %w", subject, client.ErrNoResponders)
	if isSys, err := isSystemAccount(ctx, nc); err == nil && !isSys {
		return fmt.Errorf("%w (%w)", ErrNotSystemAccount, cause)
	}
	if servers != "" {
		return fmt.Errorf("%w: %s (%w)", ErrServerNotFound, servers, cause)
	}
	return fmt.Errorf("sys: %w", cause)
}
