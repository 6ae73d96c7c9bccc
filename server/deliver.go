package server

import (
	"bytes"
	"math/rand/v2"
	"time"

	"github.com/natsys/natsys/server/internal/subject"
	"github.com/natsys/natsys/server/internal/wire"
)

// deliver sends a published message to every matching plain subscription of
// acc and to one member of each matching queue group (protocol.md §5.3),
// through the account's imports and exports (imports.go), then answers a
// no-responders request with a 503 when nobody got it (§5.6).
// It runs on the publisher's reader goroutine and does not allocate when the
// index lookup hits its cache and no import is involved.
func (c *client) deliver(acc *Account, subj, reply []byte, hdrLen int, msg []byte) {
	delivered := c.deliverMatched(acc, c.lastMatch.match(acc.index, subj), subj, reply, hdrLen, msg, nil, 0)
	if !delivered && len(reply) > 0 && c.copts.NoResponders {
		c.sendNoResponders(acc, subj, reply)
	}
}

// deliverIn delivers a message in acc: to its subscriptions, through the
// import subscriptions it matches (except from, the service import that
// brought it here) and, for a "_R_." reply subject of a service import, to
// the requester. depth counts the import hops so far.
func (c *client) deliverIn(acc *Account, subj, reply []byte, hdrLen int, msg []byte, from *importSub, depth int) bool {
	return c.deliverMatched(acc, acc.index.MatchBytes(subj), subj, reply, hdrLen, msg, from, depth)
}

// deliverMatched is deliverIn with the index result r of subj in acc.
func (c *client) deliverMatched(acc *Account, r *subject.Result[*subscription], subj, reply []byte, hdrLen int, msg []byte,
	from *importSub, depth int) bool {
	delivered := false
	if r != nil && (len(r.Plain) > 0 || len(r.Queues) > 0) {
		delivered = c.deliverResult(r, subj, reply, hdrLen, msg, from, depth, false)
	}
	if hasPrefixLonger(subj, serviceReplyPre) && acc.imp.hasResps.Load() &&
		c.deliverResponse(acc, subj, reply, hdrLen, msg, depth) {
		delivered = true
	}
	return delivered
}

// pendingStats are the server-wide message counters of a connection's
// current read (or of a system sender batch), added to the server's once
// the read is parsed (flushPending): one atomic add per read and counter
// instead of one per message and delivery. They belong to the goroutine
// that publishes.
type pendingStats struct {
	inMsgs, inBytes, outMsgs, outBytes int64
}

// flush adds the counts to s and clears them.
func (p *pendingStats) flush(s *Server) {
	if p.inMsgs != 0 || p.inBytes != 0 {
		s.inMsgs.Add(p.inMsgs)
		s.inBytes.Add(p.inBytes)
	}
	if p.outMsgs != 0 || p.outBytes != 0 {
		s.outMsgs.Add(p.outMsgs)
		s.outBytes.Add(p.outBytes)
	}
	*p = pendingStats{}
}

// matchCache is a publisher's one-entry cache of index results: the last
// subject it published and the result, kept while the index's generation
// is unchanged. A connection that keeps publishing on one subject (the
// common case, with or without interest) then skips the index: its lock,
// the hash of the subject and the shared hit counter. Reader-owned.
type matchCache struct {
	ix   *subject.Index[*subscription]
	subj []byte
	gen  uint64
	r    *subject.Result[*subscription]
	hits uint64 // answered here and not yet added to ix's counters
}

// match returns ix's result for subj.
func (m *matchCache) match(ix *subject.Index[*subscription], subj []byte) *subject.Result[*subscription] {
	gen := ix.Gen()
	if m.r != nil && m.ix == ix && m.gen == gen && bytes.Equal(m.subj, subj) {
		m.hits++
		return m.r
	}
	m.flushHits()
	r := ix.MatchBytes(subj)
	m.ix, m.gen, m.r = ix, gen, r
	m.subj = append(m.subj[:0], subj...)
	return r
}

// flushHits adds the hits answered here to the index's counters (SUBSZ
// num_matches and cache_hit_rate).
func (m *matchCache) flushHits() {
	if m.hits > 0 {
		m.ix.CountHits(m.hits)
		m.hits = 0
	}
}

// deliverResult delivers a message to the subscriptions of an index match.
// local (a stream import delivery) skips import subscriptions.
func (c *client) deliverResult(r *subject.Result[*subscription], subj, reply []byte, hdrLen int, msg []byte,
	from *importSub, depth int, local bool) bool {
	echo := c.copts.Echo
	delivered := false
	for _, sub := range r.Plain {
		if sub.imp != nil {
			if !local && c.deliverImport(sub.imp, subj, reply, hdrLen, msg, from, depth) {
				delivered = true
			}
			continue
		}
		if !echo && sub.client == c {
			continue
		}
		if c.deliverTo(sub, subj, reply, hdrLen, msg) {
			delivered = true
		}
	}
	for _, group := range r.Queues {
		n := len(group)
		if n == 0 {
			continue
		}
		start := rand.IntN(n)
		for i := range n {
			sub := group[(start+i)%n]
			if !echo && sub.client == c {
				continue
			}
			if c.deliverTo(sub, subj, reply, hdrLen, msg) {
				delivered = true
				break
			}
		}
	}
	return delivered
}

// deliverTo queues the message to sub's connection and remembers that
// connection's writer must be woken once the current read is parsed.
func (c *client) deliverTo(sub *subscription, subj, reply []byte, hdrLen int, msg []byte) bool {
	if sub.icb != nil {
		// A system service may report the server's counters: make them
		// include this message.
		c.pend.flush(c.srv)
		sub.icb(c, subj, reply, hdrLen, msg)
		return true
	}
	rc := sub.client
	ok, slow, stall := rc.queueMsg(&c.pend, sub, subj, reply, hdrLen, msg)
	if slow {
		rc.slowConsumer()
		return false
	}
	if ok {
		c.pcd[rc] = struct{}{}
		if rc == c {
			c.active = true // a message to itself is activity too
		}
		if stall != nil && rc != c {
			c.stallFor(rc, stall)
		}
	}
	return ok
}

// stallFor makes the publisher wait (at most stallMax) for a slow receiver's
// writer to drain, instead of queueing without bound.
func (c *client) stallFor(rc *client, stall chan struct{}) {
	rc.signalFlush()
	if c.stallTimer == nil {
		c.stallTimer = time.NewTimer(stallMax)
	} else {
		c.stallTimer.Reset(stallMax)
	}
	select {
	case <-stall:
		c.stallTimer.Stop()
	case <-c.stallTimer.C:
	}
}

// queueMsg appends MSG or HMSG for sub to the connection's outbound buffer.
// Header bytes are stripped for connections that did not negotiate headers.
// slow reports that max_pending would be exceeded (the caller closes).
// stall, when not nil, is closed once the pending output drops back under
// 3/4 of max_pending (flow control, protocol.md §7.3). The delivery is
// counted in the publisher's pending server-wide counters pub.
func (c *client) queueMsg(pub *pendingStats, sub *subscription, subj, reply []byte, hdrLen int, msg []byte) (ok, slow bool, stall chan struct{}) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false, false, nil
	}
	if c.denyFilter && c.deliverDeniedLocked(subj) {
		c.mu.Unlock()
		return false, false, nil
	}
	if sub.max > 0 && sub.delivered >= sub.max {
		c.mu.Unlock()
		return false, false, nil
	}
	body, h := msg, hdrLen
	if h > 0 && !c.headers {
		body, h = msg[h:], 0
	}
	size := msgSize(subj, sub.sid, reply, h, len(body))
	if c.out.pending+c.out.inflight+int64(size) > c.maxPending {
		c.mu.Unlock()
		return false, true, nil
	}
	b := c.out.room(c.srv.pools, size)
	before := len(*b)
	if h > 0 {
		*b = wire.AppendHMsg(*b, subj, sub.sid, reply, h, body)
	} else {
		*b = wire.AppendMsg(*b, subj, sub.sid, reply, body)
	}
	c.out.pending += int64(len(*b) - before)
	if c.respPerm != nil && len(reply) > 0 {
		c.trackReplyLocked(reply)
	}
	sub.delivered++
	if sub.max > 0 && sub.delivered >= sub.max {
		c.removeSubLocked(sub)
	}
	if c.out.pending+c.out.inflight > c.maxPending/4*3 {
		if c.stallCh == nil {
			c.stallCh = make(chan struct{})
		}
		stall = c.stallCh
	}
	c.mu.Unlock()
	if c.trace.Load() {
		c.traceMsgOut(subj, sub.sid, reply, h, body)
	}
	c.outMsgs.Add(1)
	c.outBytes.Add(int64(len(body)))
	pub.outMsgs++
	pub.outBytes += int64(len(body))
	return true, false, stall
}

// msgSize is the encoded size of a MSG (hdrLen 0) or HMSG.
func msgSize(subj, sid, reply []byte, hdrLen, bodyLen int) int {
	n := len(subj) + 1 + len(sid) + 1 + digits(bodyLen) + 2 + bodyLen + 2
	if len(reply) > 0 {
		n += len(reply) + 1
	}
	if hdrLen > 0 {
		return n + len("HMSG ") + digits(hdrLen) + 1
	}
	return n + len("MSG ")
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// deliverDeniedLocked reports whether a subscribe deny entry forbids
// delivering subj to this connection (wildcard subscriptions overlapping a
// deny entry); results are cached. c.mu held.
func (c *client) deliverDeniedLocked(subj []byte) bool {
	if denied, hit := c.denyCache[string(subj)]; hit {
		return denied
	}
	denied := c.perms.Load().deliverDenied(string(subj))
	if c.denyCache == nil || len(c.denyCache) >= permCacheSize {
		c.denyCache = make(map[string]bool)
	}
	c.denyCache[string(subj)] = denied
	return denied
}

// slowConsumer closes a connection whose pending output exceeded max_pending.
func (c *client) slowConsumer() {
	c.mu.Lock()
	closed := c.closed
	maxPending := c.maxPending
	c.mu.Unlock()
	if closed {
		return
	}
	c.srv.slowConsumers.Add(1)
	c.Noticef("Slow Consumer Detected: MaxPending of %d Exceeded", maxPending)
	c.closeConnection(reasonSlowConsumerPendingBytes, false)
}

// noRespondersHeader is the header block of a 503 status reply, before the subject.
const noRespondersHeader = "NATS/1.0 503\r\nNats-Subject: "

// sendNoResponders sends the 503 status message to the requester's own plain
// subscription on the reply subject, if it has one.
func (c *client) sendNoResponders(acc *Account, subj, reply []byte) {
	r := acc.index.MatchBytes(reply)
	if r == nil {
		return
	}
	for _, sub := range r.Plain {
		if sub.client != c {
			continue
		}
		h := append(c.nrScratch[:0], noRespondersHeader...)
		h = append(h, subj...)
		h = append(h, "\r\n\r\n"...)
		c.nrScratch = h
		ok, slow, _ := c.queueMsg(&c.pend, sub, reply, nil, len(h), h)
		if slow {
			c.slowConsumer()
		} else if ok {
			c.pcd[c] = struct{}{}
			c.active = true
		}
		return
	}
}

// traceMsgOut logs "->> [MSG subj sid [reply] size]" (or HMSG) for a delivery.
func (c *client) traceMsgOut(subj, sid, reply []byte, hdrLen int, body []byte) {
	line := wire.AppendMsgLine(nil, subj, sid, reply, len(body))
	if hdrLen > 0 {
		line = wire.AppendHMsgLine(nil, subj, sid, reply, hdrLen, len(body))
	}
	c.Tracef("->> [%s]", bytes.TrimRight(line, "\r\n"))
	c.Tracef("->> MSG_PAYLOAD: [%q]", c.srv.truncateTraced(body))
}
