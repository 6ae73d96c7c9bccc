package server

import (
	"fmt"

	"github.com/natsys/natsys/server/internal/wire"
)

// ApplyReload applies a validated set of options whose non-reloadable fields
// equal the running ones (the caller diffs and logs "Reloaded: ..." lines).
// It switches logging, limits, users, permissions and accounts, then
// re-authenticates every client with the credentials of its CONNECT
// (config.md §4.3): failures get -ERR 'Authorization Violation' and are
// closed, clients whose account changed are closed, the rest get the new
// permissions (subscriptions no longer allowed are removed) and limits.
func (s *Server) ApplyReload(newOpts *Options) error {
	if newOpts == nil {
		return fmt.Errorf("reload: no options")
	}
	old := s.getOpts()
	o := *newOpts
	applyDefaults(&o)
	if o.ServerName == "" {
		o.ServerName = s.id
	}
	if err := validateOptions(&o); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if o.LogFile != old.LogFile {
		if o.LogFile == "" {
			s.log.SetOutput(nil)
		} else if err := s.log.SetFile(o.LogFile); err != nil {
			return fmt.Errorf("reload: %w", err)
		}
	}
	s.configureLogger(&o)

	accts := buildAccounts(&o, s.accts.Load())
	ac := buildAuth(&o)
	s.opts.Store(&o)
	s.accts.Store(accts)
	s.auth.Store(ac)
	s.limitsGen.Add(1)
	s.sysAccountsChanged()

	clients := s.clientList()
	if o.MaxConn != 0 && (o.MaxConn < 0 || len(clients) > o.MaxConn) {
		keep := max(o.MaxConn, 0)
		excess := clients[keep:]
		clients = clients[:keep]
		for _, c := range excess {
			c.sendErrAndClose(wire.ErrMaxConnectionsExceeded, reasonMaxConnectionsExceeded)
		}
		s.log.Noticef("Closed %d connections to fall within max_connections", len(excess))
	}
	for _, c := range clients {
		c.reload(&o, ac)
	}
	return nil
}

// reload re-authenticates c against ac and applies new permissions and limits.
func (c *client) reload(o *Options, ac *authConfig) {
	s := c.srv
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	co := c.copts
	c.writeDeadline = o.WriteDeadline
	c.trace.Store(s.log.TraceEnabled())
	c.mu.Unlock()

	cur := c.acc.Load()
	var u *authUser
	if ac.required {
		res := s.authenticate(ac, &co, c)
		if res.user == nil {
			c.authFailed(&co, res)
			return
		}
		u = res.user
	}
	accName := GlobalAccount
	if u != nil && u.account != "" {
		accName = u.account
	}
	acc := s.LookupAccount(accName)
	if acc == nil || acc != cur {
		c.closeConnection(reasonClientClosed, true)
		return
	}
	var perms *permissions
	if u != nil {
		perms = u.perms
	}
	c.perms.Store(perms)
	c.setRespPerm(perms)
	maxSubs, _ := acc.limits()
	c.mu.Lock()
	if u != nil {
		c.user = u
	}
	c.maxSubs = o.MaxSubs
	if maxSubs > 0 && (c.maxSubs == 0 || maxSubs < c.maxSubs) {
		c.maxSubs = maxSubs
	}
	c.denyCache = nil
	c.denyFilter = false
	var removed []*subscription
	for _, sub := range c.subs {
		if sub.queue == sysQueueGroup || !perms.canSubscribe(sub.subject, sub.queue) {
			removed = append(removed, sub)
			continue
		}
		if perms.needsDenyFilter(sub.subject, sub.queue != "") {
			c.denyFilter = true
		}
	}
	for _, sub := range removed {
		c.removeSubLocked(sub)
		c.enqueueLocked(wire.AppendErr(nil, wire.PermissionsSubscribeSid(sub.subject, sub.queue, string(sub.sid))))
	}
	c.mu.Unlock()
	if len(removed) == 0 {
		return
	}
	c.signalFlush()
	name := ""
	if u != nil {
		name = u.name
	}
	for _, sub := range removed {
		if sub.queue != "" {
			s.log.Noticef("Removed sub %q using queue %q (sid %q) for User %q - not authorized", sub.subject, sub.queue, sub.sid, name)
		} else {
			s.log.Noticef("Removed sub %q (sid %q) for User %q - not authorized", sub.subject, sub.sid, name)
		}
	}
}

// refreshLimits copies the current max_payload / max_control_line (and the
// account's max_payload) into the parser; reader goroutine only.
func (c *client) refreshLimits() {
	s := c.srv
	c.limitsGen = s.limitsGen.Load()
	o := s.getOpts()
	mp := o.MaxPayload
	if acc := c.acc.Load(); acc != nil {
		if _, accMax := acc.limits(); accMax > 0 && accMax < mp {
			mp = accMax
		}
	}
	c.parser.MaxPayload = int(mp)
	c.parser.MaxControlLine = int(o.MaxControlLine)
}
