package server

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/natsys/natsys/server/internal/subject"
	"github.com/natsys/natsys/server/internal/wire"
)

// Reserved prefixes clients may not publish to or use as reply (protocol.md §4.1).
const (
	gwReplyPrefix    = "_GR_."
	oldGWReplyPrefix = "$GR."
	nrgPrefix        = "$NRG."
	jsAckPrefix      = "$JS.ACK."
	serviceReplyPre  = "_R_."
)

// ensureLoggedIn is called for every op except CONNECT: before CONNECT on a
// server with no_auth_user the connection logs in as that user.
func (c *client) ensureLoggedIn() error {
	if c.connected {
		return nil
	}
	ac := c.srv.auth.Load()
	if !ac.required {
		return nil
	}
	if ac.noAuthUser == nil {
		c.authViolation()
		return errConnClosed
	}
	c.mu.Lock()
	authed := c.authed
	c.mu.Unlock()
	if authed {
		return nil
	}
	if !c.bindUser(ac.noAuthUser) {
		return errConnClosed
	}
	return nil
}

// ProcessConnect handles CONNECT (protocol.md §3.4, in the reference's order).
func (c *client) ProcessConnect(arg []byte) error {
	if c.trace.Load() {
		c.Tracef("<<- [CONNECT %s]", redactConnect(arg))
	}
	c.active = true
	c.mu.Lock()
	if c.rtt == 0 {
		// First estimate: INFO sent -> CONNECT received (the events report it).
		c.rtt = max(time.Since(c.start), 1)
	}
	c.mu.Unlock()
	co := c.copts
	if err := json.Unmarshal(arg, &co); err != nil {
		c.closeConnection(reasonProtocolViolation, false)
		return errConnClosed
	}
	c.mu.Lock()
	c.copts = co
	c.mu.Unlock()

	s := c.srv
	o := s.getOpts()
	ac := s.auth.Load()
	if ac.required {
		res := s.authenticate(ac, &co, c)
		if res.user == nil {
			c.authFailed(&co, res)
			return errConnClosed
		}
		if !c.bindUser(res.user) {
			return errConnClosed
		}
	} else {
		c.mu.Lock()
		c.authed = true
		if c.authTimer != nil {
			c.authTimer.Stop()
		}
		c.mu.Unlock()
	}
	if co.Account != "" || co.AccountNew {
		c.authViolation()
		return errConnClosed
	}
	if co.Protocol < 0 || co.Protocol > 1 {
		c.sendErrAndClose(wire.ErrInvalidClientProtocol, reasonBadClientProtocol)
		return errConnClosed
	}
	headers := co.Headers && !o.NoHeaderSupport
	if co.NoResponders && !headers {
		c.sendErrAndClose(wire.ErrNoRespondersRequiresHeaders, reasonNoRespondersRequiresHeaders)
		return errConnClosed
	}
	c.parser.Headers = headers
	c.parser.RequireConnect = false
	first := !c.connected
	c.connected = true
	c.mu.Lock()
	c.headers = headers
	c.updateLabelLocked()
	c.setPingTimerLocked(firstPingDelay(o.PingInterval))
	c.mu.Unlock()
	if co.Verbose {
		c.sendOK()
	}
	if first {
		s.sysClientConnected(c)
	}
	return nil
}

// bindUser makes u the connection's identity: account, permissions and
// limits. It closes the connection (and returns false) when the account's
// connection limit is reached.
func (c *client) bindUser(u *authUser) bool {
	s := c.srv
	acc := s.GlobalAccount()
	if u.account != "" {
		if a := s.LookupAccount(u.account); a != nil {
			acc = a
		}
	}
	old := c.acc.Load()
	if old != acc {
		if !acc.addClient(c) {
			c.Errorf("%s", wire.ErrMaxAccountConnectionsExceeded)
			c.sendErrAndClose(wire.ErrMaxAccountConnectionsExceeded, reasonMaxAccountConnectionsExceeded)
			return false
		}
		if old != nil {
			old.removeClient(c)
		}
		c.moveSubs(old, acc)
		c.acc.Store(acc)
	} else if !acc.addClient(c) {
		c.Errorf("%s", wire.ErrMaxAccountConnectionsExceeded)
		c.sendErrAndClose(wire.ErrMaxAccountConnectionsExceeded, reasonMaxAccountConnectionsExceeded)
		return false
	}
	c.perms.Store(u.perms)
	c.setRespPerm(u.perms)
	o := s.getOpts()
	maxSubs, _ := acc.limits()
	c.mu.Lock()
	c.user = u
	c.authed = true
	if c.authTimer != nil {
		c.authTimer.Stop()
	}
	c.maxSubs = o.MaxSubs
	if maxSubs > 0 && (c.maxSubs == 0 || maxSubs < c.maxSubs) {
		c.maxSubs = maxSubs
	}
	c.mu.Unlock()
	c.refreshLimits()
	return true
}

// moveSubs moves the connection's subscriptions from one account's index to
// another's (a second CONNECT that switched accounts).
func (c *client) moveSubs(from, to *Account) {
	if from == nil || from == to {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sub := range c.subs {
		_ = from.index.Remove(sub.subject, sub.queue, sub)
		sub.acc = to
		_ = to.index.Insert(sub.subject, sub.queue, sub)
	}
}

// updateLabelLocked rebuilds the log prefix after CONNECT (config.md §6.2).
func (c *client) updateLabelLocked() {
	var b strings.Builder
	b.WriteString(c.host)
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(c.port))
	b.WriteString(" - cid:")
	b.WriteString(strconv.FormatUint(c.cid, 10))
	co := &c.copts
	var parts []string
	if co.Version != "" {
		parts = append(parts, "v"+co.Version)
	}
	if co.Lang != "" {
		parts = append(parts, co.Lang)
	}
	if co.Name != "" {
		parts = append(parts, co.Name)
	}
	if len(parts) > 0 {
		b.WriteString(" - ")
		b.WriteString(strconv.Quote(strings.Join(parts, ":")))
	}
	if c.user != nil && c.user.label != "" {
		acc := GlobalAccount
		if a := c.acc.Load(); a != nil {
			acc = a.Name
		}
		b.WriteString(" - ")
		b.WriteString(strconv.Quote(acc + "/" + c.user.label))
	}
	c.label = b.String()
}

// secretField matches a CONNECT field whose value must not be traced: names
// starting with auth_token or pass, and sig, proxy_sig and nkey, in any case
// (JSON decoding matches keys case-insensitively, so "PASS" is a password).
var secretField = regexp.MustCompile(`(?i)"(?:auth_token[^"]*|pass[^"]*|sig|proxy_sig|nkey)"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// redactConnect hides secrets of a CONNECT JSON for trace lines, keeping the
// rest byte for byte.
func redactConnect(arg []byte) string {
	out := []byte(string(arg))
	m := secretField.FindAllSubmatchIndex(out, -1)
	for i := len(m) - 1; i >= 0; i-- {
		start, end := m[i][2], m[i][3]
		out = append(out[:start], append([]byte("[REDACTED]"), out[end:]...)...)
	}
	return string(out)
}

// ProcessPing answers PONG, followed once by the connect-info INFO for
// protocol-1 clients (protocol.md §2.3).
func (c *client) ProcessPing() error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	if c.trace.Load() {
		c.Tracef("<<- [PING]")
	}
	c.queueProto(wire.Pong)
	if c.trace.Load() {
		c.Tracef("->> [PONG]")
	}
	if c.connected && c.copts.Protocol >= 1 {
		c.mu.Lock()
		c.pongSeen = true
		c.mu.Unlock()
		if !c.sentCInfo {
			c.sentCInfo = true
			c.sendConnectInfo()
		}
	}
	return nil
}

// sendConnectInfo queues the INFO with connect_info and remote_account.
func (c *client) sendConnectInfo() {
	s := c.srv
	o := s.getOpts()
	ac := s.auth.Load()
	info := s.infoFor(o, ac, c)
	info.MaxPayload = int32(c.parser.MaxPayload)
	info.ConnectInfo = true
	acc := c.acc.Load()
	info.RemoteAccount = acc.Name
	info.IsSystemAccount = acc == s.SystemAccount()
	b, err := appendInfo(nil, info)
	if err != nil {
		s.log.Errorf("%v", err)
		return
	}
	c.queueProto(b)
}

// ProcessPong resets the outstanding PING count and records the RTT.
func (c *client) ProcessPong() error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	if c.trace.Load() {
		c.Tracef("<<- [PONG]")
	}
	c.mu.Lock()
	c.pingsOut = 0
	if !c.pingSent.IsZero() && c.rtt == 0 {
		c.rtt = max(time.Since(c.pingSent), 1)
	}
	c.mu.Unlock()
	return nil
}

// ProcessClientInfo ignores an INFO sent by a client.
func (c *client) ProcessClientInfo(arg []byte) error {
	if c.trace.Load() {
		c.Tracef("<<- [INFO %s]", arg)
	}
	return c.ensureLoggedIn()
}

// ProcessClientOK ignores +OK sent by a client.
func (c *client) ProcessClientOK() error {
	return c.ensureLoggedIn()
}

// ProcessClientErr logs a client's -ERR and closes the connection silently
// (reason "Parse Error").
func (c *client) ProcessClientErr(arg []byte) error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	c.Errorf("Client Error %s", arg)
	c.closeConnection(reasonParseError, false)
	return errConnClosed
}

// ProcessSub handles SUB in the reference's order: permissions, max
// subscriptions, duplicate sid, subject validity (protocol.md §4.4).
func (c *client) ProcessSub(subj, queue, sid []byte) error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	if c.trace.Load() {
		if queue != nil {
			c.Tracef("<<- [SUB %s %s %s]", subj, queue, sid)
		} else {
			c.Tracef("<<- [SUB %s %s]", subj, sid)
		}
	}
	c.active = true
	sub := &subscription{client: c, subject: string(subj), queue: string(queue), sid: bytes.Clone(sid)}
	perms := c.perms.Load()
	if (sub.queue != "" && sub.queue == sysQueueGroup) || !perms.canSubscribe(sub.subject, sub.queue) {
		c.sendErr(wire.PermissionsSubscribe(sub.subject, sub.queue))
		if sub.queue != "" {
			c.Errorf("Subscription Violation - Subject %q, Queue: %q, SID %s", sub.subject, sub.queue, sid)
		} else {
			c.Errorf("Subscription Violation - Subject %q, SID %s", sub.subject, sid)
		}
		return nil
	}
	if mt := c.srv.getOpts().MaxSubTokens; mt > 0 && strings.Count(sub.subject, ".")+1 > int(mt) {
		c.sendErr(wire.PermissionsSubscribeTooManyTokens(sub.subject))
		c.Errorf("Subscription Violation Too Many Tokens - Subject %q, SID %s", sub.subject, sid)
		return nil
	}
	acc := c.acc.Load()
	sub.acc = acc
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errConnClosed
	}
	if c.maxSubs > 0 && len(c.subs) >= c.maxSubs {
		c.mu.Unlock()
		c.Errorf("%s", wire.ErrMaxSubscriptionsExceeded)
		c.sendErr(wire.ErrMaxSubscriptionsExceeded)
		return nil
	}
	if _, dup := c.subs[string(sid)]; dup {
		c.mu.Unlock()
		if c.copts.Verbose {
			c.sendOK()
		}
		return nil
	}
	if err := acc.index.Insert(sub.subject, sub.queue, sub); err != nil {
		c.mu.Unlock()
		c.sendErr(wire.ErrInvalidSubject)
		return nil
	}
	c.subs[string(sid)] = sub
	if perms.needsDenyFilter(sub.subject, sub.queue != "") {
		c.denyFilter = true
	}
	c.mu.Unlock()
	if c.copts.Verbose {
		c.sendOK()
	}
	return nil
}

// ProcessUnsub removes a subscription now, or after max deliveries in total.
func (c *client) ProcessUnsub(sid []byte, max int) error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	if c.trace.Load() {
		if max >= 0 {
			c.Tracef("<<- [UNSUB %s %d]", sid, max)
		} else {
			c.Tracef("<<- [UNSUB %s]", sid)
		}
	}
	c.active = true
	c.mu.Lock()
	if sub := c.subs[string(sid)]; sub != nil {
		if max > 0 && int64(max) > sub.delivered {
			sub.max = int64(max)
		} else {
			c.removeSubLocked(sub)
		}
	}
	c.mu.Unlock()
	if c.copts.Verbose {
		c.sendOK()
	}
	return nil
}

// removeSubLocked drops sub from the connection and its account's index;
// c.mu held.
func (c *client) removeSubLocked(sub *subscription) {
	if c.subs[string(sub.sid)] != sub {
		return
	}
	delete(c.subs, string(sub.sid))
	_ = sub.acc.index.Remove(sub.subject, sub.queue, sub)
}

// ProcessPub handles PUB.
func (c *client) ProcessPub(subj, reply, payload []byte) error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	if c.trace.Load() {
		c.tracePub("PUB", subj, reply, -1, payload)
	}
	c.processPublish(subj, reply, 0, payload)
	return nil
}

// ProcessHPub handles HPUB; msg[:hdrLen] is the header block.
func (c *client) ProcessHPub(subj, reply []byte, hdrLen int, msg []byte) error {
	if err := c.ensureLoggedIn(); err != nil {
		return err
	}
	if c.trace.Load() {
		c.tracePub("HPUB", subj, reply, hdrLen, msg)
	}
	c.processPublish(subj, reply, hdrLen, msg)
	return nil
}

func (c *client) tracePub(op string, subj, reply []byte, hdrLen int, msg []byte) {
	var b strings.Builder
	b.WriteString(op)
	b.WriteByte(' ')
	b.Write(subj)
	if len(reply) > 0 {
		b.WriteByte(' ')
		b.Write(reply)
	}
	if hdrLen >= 0 {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(hdrLen))
	}
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(msg)))
	c.Tracef("<<- [%s]", b.String())
	c.Tracef("<<- MSG_PAYLOAD: [%q]", c.srv.truncateTraced(msg))
}

// truncateTraced shortens a traced payload to max_traced_msg_len.
func (s *Server) truncateTraced(msg []byte) []byte {
	if n := s.getOpts().MaxTracedMsgLen; n > 0 && len(msg) > n {
		return append(msg[:n:n], "..."...)
	}
	return msg
}

// processPublish runs the checks of protocol.md §4.1 in the reference's
// order, then delivers.
func (c *client) processPublish(subj, reply []byte, hdrLen int, msg []byte) {
	if c.copts.Pedantic && !subject.ValidLiteralSubjectBytes(subj) {
		c.sendErr(wire.ErrInvalidPublishSubject)
	}
	c.active = true
	c.inMsgs.Add(1)
	c.inBytes.Add(int64(len(msg)))
	c.pend.inMsgs++
	c.pend.inBytes += int64(len(msg))

	if hasPrefixLonger(subj, gwReplyPrefix) || hasPrefixLonger(subj, oldGWReplyPrefix) {
		c.pubViolation(subj)
		return
	}
	if perms := c.perms.Load(); perms != nil && !c.pubAllowed(perms, subj) && !c.replyAllowed(subj) {
		c.pubViolation(subj)
		return
	}
	acc := c.acc.Load()
	if hasPrefix(subj, nrgPrefix) && acc != c.srv.SystemAccount() {
		c.pubViolation(subj)
		return
	}
	if len(reply) > 0 && isReservedReply(reply) {
		c.sendErr(wire.PermissionsPublishReply(string(reply)))
		c.Errorf("Publish Violation - Reply %q", reply)
		return
	}
	if c.copts.Verbose {
		c.sendOK()
	}
	c.deliver(acc, subj, reply, hdrLen, msg)
}

func (c *client) pubViolation(subj []byte) {
	c.sendErr(wire.PermissionsPublish(string(subj)))
	c.Errorf("Publish Violation - Subject %q", subj)
}

// pubAllowed checks publish permissions through a small per-connection cache
// (no allocation on a hit).
func (c *client) pubAllowed(p *permissions, subj []byte) bool {
	if c.pubPerms != p || c.pubCache == nil {
		c.pubPerms = p
		c.pubCache = make(map[string]bool)
	}
	if ok, hit := c.pubCache[string(subj)]; hit {
		return ok
	}
	ok := p.canPublish(string(subj))
	if len(c.pubCache) >= permCacheSize {
		clear(c.pubCache)
	}
	c.pubCache[string(subj)] = ok
	return ok
}

// hasPrefixLonger reports whether b starts with prefix and continues
// after it. The reserved prefixes start with '_' or '$', so most subjects
// are told apart by their first byte, before any comparison.
func hasPrefixLonger(b []byte, prefix string) bool {
	return len(b) > len(prefix) && b[0] == prefix[0] && string(b[:len(prefix)]) == prefix
}

// hasPrefix reports whether b starts with prefix (first byte first, as
// hasPrefixLonger).
func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && (len(prefix) == 0 || b[0] == prefix[0]) && string(b[:len(prefix)]) == prefix
}

func isReservedReply(reply []byte) bool {
	return (len(reply) > 3 && string(reply[:4]) == serviceReplyPre) ||
		hasPrefixLonger(reply, jsAckPrefix) ||
		hasPrefixLonger(reply, gwReplyPrefix) || hasPrefixLonger(reply, oldGWReplyPrefix)
}
