package server

import (
	"fmt"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/monitor"
)

// clientInfo returns the client block of c's connect, disconnect and
// auth-error events (spec §3.3). closing adds stop and rtt.
func (c *client) clientInfo(closing bool) sysapi.ClientInfo {
	c.mu.Lock()
	ci := sysapi.ClientInfo{
		Start:      c.start.UTC(),
		Host:       c.host,
		ID:         c.cid,
		User:       c.identityLocked(),
		Name:       c.copts.Name,
		Lang:       c.copts.Lang,
		Version:    c.copts.Version,
		Kind:       sysapi.KindClient,
		ClientType: sysapi.ClientTypeNATS,
	}
	if c.user != nil && c.user.isNkey && c.user.account != "" {
		ci.IssuerKey = c.user.account
	}
	if closing {
		ci.RTT = c.rtt
		ci.Stop = c.stop.UTC()
	}
	c.mu.Unlock()
	if acc := c.acc.Load(); acc != nil {
		ci.Account = acc.Name
		ci.NameTag = acc.Name
	}
	return ci
}

// identityLocked is the user a connection authenticated as (nkey or user
// name, "[REDACTED]" for a token), or the identity it tried when it has not
// authenticated; c.mu held.
func (c *client) identityLocked() string {
	if u := c.user; u != nil {
		if u.name == "" && u.label == "token" {
			return sysTokenUser
		}
		return u.name
	}
	switch {
	case c.copts.Nkey != "":
		return c.copts.Nkey
	case c.copts.Username != "":
		return c.copts.Username
	case c.copts.Token != "":
		return sysTokenUser
	}
	return ""
}

// typedEvent returns a typed-event header of type typ stamped now.
func (st *sysState) typedEvent(typ string, at time.Time) sysapi.TypedEvent {
	return sysapi.TypedEvent{Type: typ, ID: st.ids.Next(), Time: at.UTC()}
}

// sysClientConnected publishes the account's CONNS (unless $G) and the
// CONNECT event of a connection whose CONNECT was just accepted.
func (s *Server) sysClientConnected(c *client) {
	st := s.sys
	if st == nil || st.closed.Load() {
		return
	}
	acc := c.acc.Load()
	if acc == nil {
		return
	}
	st.accountConnsChanged(acc)
	ev := &sysapi.ConnectEventMsg{
		TypedEvent: st.typedEvent(sysapi.ConnectEventMsgType, time.Now()),
		Client:     c.clientInfo(false),
	}
	sendJSON(st, nil, fmt.Sprintf(sysapi.ConnectEventSubj, acc.Name), ev,
		func(e *sysapi.ConnectEventMsg, si *sysapi.ServerInfo) { e.Server = *si })
}

// clientClosed is called by closeConnection once c is unregistered, with
// the subscriptions it had: it records the connection for CONNZ and
// publishes the auth-error, CONNS and DISCONNECT events.
func (s *Server) clientClosed(c *client, subs map[string]*subscription) {
	if s.mon != nil {
		s.mon.closed.Append(s.closedSnapshot(c, subs))
	}
	st := s.sys
	if st == nil {
		return
	}
	acc := c.acc.Load()
	if acc == nil {
		return
	}
	c.mu.Lock()
	reason := c.reason
	stop := c.stop
	c.mu.Unlock()
	as := st.accStateFor(acc)
	as.closedIn.Add(c.inMsgs.Load())
	as.closedInBytes.Add(c.inBytes.Load())
	as.closedOut.Add(c.outMsgs.Load())
	as.closedOutBytes.Add(c.outBytes.Load())
	if reason == reasonSlowConsumerPendingBytes || reason == reasonSlowConsumerWriteDeadline {
		as.slowConsumers.Add(1)
	}
	if st.closed.Load() {
		return
	}
	ci := c.clientInfo(true)
	newEvent := func() *sysapi.DisconnectEventMsg {
		return &sysapi.DisconnectEventMsg{
			TypedEvent: st.typedEvent(sysapi.DisconnectEventMsgType, stop),
			Client:     ci,
			Sent:       sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: c.inMsgs.Load(), Bytes: c.inBytes.Load()}},
			Received:   sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: c.outMsgs.Load(), Bytes: c.outBytes.Load()}},
			Reason:     reason.String(),
		}
	}
	setServer := func(e *sysapi.DisconnectEventMsg, si *sysapi.ServerInfo) { e.Server = *si }
	if reason == reasonAuthViolation {
		// Observed order: the account-scoped event (in the client's
		// account), then the system one, then the disconnect.
		sendJSON(st, acc, sysapi.AuthErrorAccountEventSubj, newEvent(), setServer)
		sendJSON(st, nil, fmt.Sprintf(sysapi.AuthErrorEventSubj, s.id), newEvent(), setServer)
	}
	st.accountConnsChanged(acc)
	sendJSON(st, nil, fmt.Sprintf(sysapi.DisconnectEventSubj, acc.Name), newEvent(), setServer)
}

// accStateFor returns the event state of a, creating it (without imports)
// when a is new.
func (st *sysState) accStateFor(a *Account) *accState {
	st.mu.Lock()
	defer st.mu.Unlock()
	as := st.accts[a]
	if as == nil {
		as = &accState{acc: a}
		st.accts[a] = as
	}
	return as
}

// accountConnsChanged publishes the CONNS event of a (never for $G) and
// restarts its heartbeat, or stops it when a has no connections left.
func (st *sysState) accountConnsChanged(a *Account) {
	if a == st.s.GlobalAccount() || st.closed.Load() {
		return
	}
	as := st.accStateFor(a)
	total := st.sendConns(a, "")
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.stopped {
		return
	}
	switch {
	case total == 0 && as.hb != nil:
		as.hb.Stop()
	case total > 0 && as.hb == nil:
		as.hb = time.AfterFunc(st.connsHB, func() { st.connsHeartbeat(as) })
	case total > 0:
		as.hb.Reset(st.connsHB)
	}
}

// connsHeartbeat re-publishes the CONNS event of an account that still has
// connections.
func (st *sysState) connsHeartbeat(as *accState) {
	if st.closed.Load() {
		return
	}
	total := st.sendConns(as.acc, "")
	st.mu.Lock()
	defer st.mu.Unlock()
	if total > 0 && !st.stopped {
		as.hb.Reset(st.connsHB)
	}
}

// accountNumConns returns the AccountNumConns event of a (server block not
// set yet).
func (st *sysState) accountNumConns(a *Account) *sysapi.AccountNumConns {
	snap := st.s.accountSnapshot(a)
	return &sysapi.AccountNumConns{
		TypedEvent:  st.typedEvent(sysapi.AccountNumConnsMsgType, time.Now()),
		AccountStat: *monitor.AccountStat(&snap),
	}
}

// sendConns publishes a's CONNS event on both subjects (old first, same id)
// or, when reply is set, once to reply; it returns the account's total
// connections.
func (st *sysState) sendConns(a *Account, reply string) int {
	ev := st.accountNumConns(a)
	setServer := func(e *sysapi.AccountNumConns, si *sysapi.ServerInfo) { e.Server = *si }
	if reply != "" {
		sendJSON(st, nil, reply, ev, setServer)
		return ev.TotalConns
	}
	for _, f := range []string{sysapi.AccConnsEventSubjOld, sysapi.AccConnsEventSubjNew} {
		cp := *ev
		sendJSON(st, nil, fmt.Sprintf(f, a.Name), &cp, setServer)
	}
	return ev.TotalConns
}
