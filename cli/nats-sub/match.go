package main

import (
	"time"

	"github.com/natsys/natsys/cli/internal/record"
)

// matcher pairs requests seen on the subscribed subjects with the replies
// seen on the inbox pattern (--match-replies).
type matcher struct {
	// pattern is the inbox wildcard subscribed to ("_INBOX.>").
	pattern string
	pending map[string]pendingRequest
	// order holds the reply subjects in arrival order, to forget the
	// oldest when pending is full.
	order []string
	// early holds inbox messages that came before the request they answer
	// (the two subscriptions deliver independently), oldest first.
	early   []*record.Message
	matched int
	total   time.Duration
}

// pendingRequest is a request waiting for its reply.
type pendingRequest struct {
	seq      uint64
	received time.Time
}

func newMatcher(inboxPrefix string) *matcher {
	if inboxPrefix == "" {
		inboxPrefix = defaultInboxPrefix
	}
	return &matcher{pattern: inboxPrefix + ".>", pending: map[string]pendingRequest{}}
}

// request remembers m (already numbered) when it expects a reply, and
// returns the replies to it that arrived before it (now matched).
func (mt *matcher) request(m *record.Message) []*record.Message {
	if m.Reply == "" {
		return nil
	}
	if _, ok := mt.pending[m.Reply]; !ok {
		if len(mt.order) >= matchPendingMax {
			delete(mt.pending, mt.order[0])
			mt.order = mt.order[1:]
		}
		mt.order = append(mt.order, m.Reply)
	}
	mt.pending[m.Reply] = pendingRequest{seq: m.Seq, received: m.Received}
	var found []*record.Message
	kept := mt.early[:0]
	for _, e := range mt.early {
		if e.Subject == m.Reply {
			found = append(found, e)
		} else {
			kept = append(kept, e)
		}
	}
	mt.early = kept
	for _, e := range found {
		mt.reply(e)
	}
	return found
}

// reply marks m as the reply to a remembered request and reports whether
// it is one. A request keeps its entry, so every reply of a scatter-gather
// request is paired.
func (mt *matcher) reply(m *record.Message) bool {
	req, ok := mt.pending[m.Subject]
	if !ok {
		if len(mt.early) >= matchEarlyMax {
			mt.early = mt.early[1:]
		}
		mt.early = append(mt.early, m)
		return false
	}
	m.Matched, m.Seq = true, req.seq
	m.Latency = max(m.Received.Sub(req.received), 0)
	mt.matched++
	mt.total += m.Latency
	return true
}

// average returns the mean latency of the matched replies.
func (mt *matcher) average() time.Duration {
	if mt.matched == 0 {
		return 0
	}
	return mt.total / time.Duration(mt.matched)
}
