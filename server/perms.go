package server

import (
	"strings"
	"time"

	"github.com/natsys/natsys/server/internal/subject"
)

// permEntry is one subscribe permission: a subject pattern and an optional
// queue ("<subject> <queue>" in the config).
type permEntry struct {
	subject string
	queue   string
}

// permissions are a user's compiled publish and subscribe rights. A nil list
// means "no restriction"; a non-nil empty allow list allows nothing.
type permissions struct {
	pubAllow []string
	pubDeny  []string
	subAllow []permEntry
	subDeny  []permEntry
	resp     *ResponsePermission
}

// compilePermissions turns config permissions into the checked form; nil
// means unrestricted.
func compilePermissions(p *Permissions) *permissions {
	if p == nil {
		return nil
	}
	cp := &permissions{resp: p.Response}
	if p.Publish != nil {
		if len(p.Publish.Allow) > 0 {
			cp.pubAllow = append([]string{}, p.Publish.Allow...)
		}
		if len(p.Publish.Deny) > 0 {
			cp.pubDeny = append([]string{}, p.Publish.Deny...)
		}
	}
	if p.Response != nil && cp.pubAllow == nil && (p.Publish == nil || len(p.Publish.Allow) == 0) {
		cp.pubAllow = []string{}
	}
	if p.Subscribe != nil {
		cp.subAllow = splitPermEntries(p.Subscribe.Allow)
		cp.subDeny = splitPermEntries(p.Subscribe.Deny)
	}
	if cp.pubAllow == nil && cp.pubDeny == nil && cp.subAllow == nil && cp.subDeny == nil && cp.resp == nil {
		return nil
	}
	return cp
}

func splitPermEntries(list []string) []permEntry {
	if len(list) == 0 {
		return nil
	}
	out := make([]permEntry, 0, len(list))
	for _, s := range list {
		f := strings.Fields(s)
		switch len(f) {
		case 0:
			continue
		case 1:
			out = append(out, permEntry{subject: f[0]})
		default:
			out = append(out, permEntry{subject: f[0], queue: f[1]})
		}
	}
	return out
}

// matchAny reports whether subj (wildcard tokens in it taken literally)
// matches one of the patterns.
func matchAny(patterns []string, subj string) bool {
	for _, p := range patterns {
		if subject.Match(p, subj) {
			return true
		}
	}
	return false
}

// canPublish reports whether the permissions allow publishing to subj.
func (p *permissions) canPublish(subj string) bool {
	if p == nil {
		return true
	}
	if p.pubAllow != nil && !matchAny(p.pubAllow, subj) {
		return false
	}
	return !matchAny(p.pubDeny, subj)
}

// canSubscribe applies the reference's rules: a plain allow entry permits the
// subject with any queue; queue entries, when some match the subject, decide
// for queue subscriptions; deny entries without a queue always refuse, deny
// entries with a queue refuse only that queue.
func (p *permissions) canSubscribe(subj, queue string) bool {
	if p == nil {
		return true
	}
	allowed := true
	if p.subAllow != nil {
		plain, qmatch, qok := p.matchEntries(p.subAllow, subj, queue)
		allowed = plain
		if queue != "" && qmatch {
			allowed = qok
		}
	}
	if allowed && p.subDeny != nil {
		plain, qmatch, qok := p.matchEntries(p.subDeny, subj, queue)
		allowed = !plain
		if allowed && queue != "" && qmatch {
			allowed = !qok
		}
	}
	return allowed
}

// matchEntries returns whether a plain entry matches subj, whether any queue
// entry matches subj, and whether one of those also matches queue.
func (p *permissions) matchEntries(list []permEntry, subj, queue string) (plain, qmatch, qok bool) {
	for _, e := range list {
		if !subject.Match(e.subject, subj) {
			continue
		}
		if e.queue == "" {
			plain = true
			continue
		}
		qmatch = true
		if queue == e.queue || (!subject.IsLiteral(e.queue) && subject.SubsetMatch(queue, e.queue)) {
			qok = true
		}
	}
	return plain, qmatch, qok
}

// needsDenyFilter reports whether a subscription on subj (wildcard, or a
// queue subscription) may receive messages a deny entry forbids.
func (p *permissions) needsDenyFilter(subj string, queue bool) bool {
	if p == nil || len(p.subDeny) == 0 || (!queue && subject.IsLiteral(subj)) {
		return false
	}
	for _, e := range p.subDeny {
		if subject.Overlaps(e.subject, subj) {
			return true
		}
	}
	return false
}

// deliverDenied reports whether a message on subj must not be delivered
// because a plain subscribe deny entry matches it.
func (p *permissions) deliverDenied(subj string) bool {
	if p == nil {
		return false
	}
	for _, e := range p.subDeny {
		if e.queue == "" && subject.Match(e.subject, subj) {
			return true
		}
	}
	return false
}

// respEntry tracks one reply subject a client with allow_responses received.
type respEntry struct {
	at   time.Time
	sent int
}

// setRespPerm records the response permission of p (nil = none).
func (c *client) setRespPerm(p *permissions) {
	var rp *ResponsePermission
	if p != nil && p.resp != nil {
		r := *p.resp
		if r.MaxMsgs == 0 {
			r.MaxMsgs = defaultRespMaxMsgs
		}
		if r.Expires == 0 {
			r.Expires = defaultRespExpires
		}
		rp = &r
	}
	c.mu.Lock()
	c.respPerm = rp
	if rp == nil {
		c.replies = nil
	}
	c.mu.Unlock()
}

// trackReplyLocked lets the client publish to reply (a request it was
// delivered); c.mu held. Expired entries are pruned when the map grows.
func (c *client) trackReplyLocked(reply []byte) {
	if c.replies == nil {
		c.replies = make(map[string]*respEntry)
	}
	now := time.Now()
	if len(c.replies) >= replyPermPruneSize && c.respPerm.Expires > 0 {
		for k, e := range c.replies {
			if now.Sub(e.at) > c.respPerm.Expires {
				delete(c.replies, k)
			}
		}
	}
	c.replies[string(reply)] = &respEntry{at: now}
}

// replyAllowed reports whether subj is the reply subject of a request this
// client received and may still answer (allow_responses).
func (c *client) replyAllowed(subj []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	rp := c.respPerm
	if rp == nil || c.replies == nil {
		return false
	}
	e := c.replies[string(subj)]
	if e == nil {
		return false
	}
	e.sent++
	if rp.Expires > 0 && time.Since(e.at) > rp.Expires {
		delete(c.replies, string(subj))
		return false
	}
	if rp.MaxMsgs > 0 && e.sent >= rp.MaxMsgs {
		delete(c.replies, string(subj))
		return e.sent == rp.MaxMsgs
	}
	return true
}
