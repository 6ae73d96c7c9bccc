package server

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/monitor"
)

// monState is the monitoring state of a server: the closed-connections
// ring, CPU/memory sampling, the configuration load time and the HTTP
// monitoring listener. It implements monitor.Source for the builders.
type monState struct {
	s        *Server
	closed   *monitor.ClosedRing
	proc     *monitor.ProcUsage
	loadTime atomic.Pointer[time.Time]

	mu      sync.Mutex
	handler *monitor.Handler
	httpSrv *http.Server
	httpL   net.Listener
}

// newMonState returns the monitoring state for the options o.
func newMonState(s *Server, o *Options) *monState {
	m := &monState{s: s, closed: monitor.NewClosedRing(o.MaxClosedClients), proc: monitor.NewProcUsage()}
	m.handler = monitor.NewHandler(m, o.HTTPBasePath)
	now := time.Now()
	m.loadTime.Store(&now)
	return m
}

var _ monitor.Source = (*monState)(nil)

// Server implements monitor.Source.
func (m *monState) Server() monitor.ServerSnapshot {
	s := m.s
	o := s.getOpts()
	ac := s.auth.Load()
	s.mu.Lock()
	start := s.start
	port := o.Port
	if s.addr != nil {
		port = s.addr.Port
	}
	s.mu.Unlock()
	httpHost, _ := monitorHostPort(o)
	snap := monitor.ServerSnapshot{
		ID:             s.id,
		Name:           o.ServerName,
		Version:        ProtocolVersion,
		GitCommit:      GitCommit,
		Host:           o.Host,
		Port:           port,
		Start:          start,
		ConfigLoadTime: *m.loadTime.Load(),
		ConfigDigest:   o.ConfigDigest,
		FeatureFlags:   featureFlags(),
		AuthRequired:   ac.required && !(ac.noAuthUser != nil && !ac.hiddenNoAuth),
		TLSRequired:    o.TLS,
		TLSVerify:      o.TLSVerify,
		TLSTimeout:     o.TLSTimeout,
		AuthTimeout:    o.AuthTimeout,
		MaxConn:        o.MaxConn,
		MaxSubs:        o.MaxSubs,
		MaxControlLine: o.MaxControlLine,
		MaxPayload:     int(o.MaxPayload),
		MaxPending:     o.MaxPending,
		PingInterval:   o.PingInterval,
		MaxPingsOut:    o.MaxPingsOut,
		WriteDeadline:  o.WriteDeadline,
		HTTPHost:       httpHost,
		HTTPPort:       m.httpPort(o),
		HTTPSPort:      o.HTTPSPort,
		HTTPBasePath:   o.HTTPBasePath,
	}
	if sys := s.SystemAccount(); sys != nil {
		snap.SystemAccount = sys.Name
	}
	return snap
}

// httpPort returns the monitoring port: the bound one when listening.
func (m *monState) httpPort(o *Options) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.httpL != nil {
		if a, ok := m.httpL.Addr().(*net.TCPAddr); ok {
			return a.Port
		}
	}
	return o.HTTPPort
}

// Stats implements monitor.Source.
func (m *monState) Stats() monitor.StatsSnapshot {
	s := m.s
	st := s.Stats()
	rss, cpu := m.proc.Sample()
	return monitor.StatsSnapshot{
		Mem:                rss,
		CPU:                cpu,
		Connections:        s.NumClients(),
		TotalConnections:   st.TotalConnections,
		Subscriptions:      s.numSubscriptions(),
		InMsgs:             st.InMsgs,
		InBytes:            st.InBytes,
		OutMsgs:            st.OutMsgs,
		OutBytes:           st.OutBytes,
		InClientMsgs:       st.InMsgs,
		InClientBytes:      st.InBytes,
		OutClientMsgs:      st.OutMsgs,
		OutClientBytes:     st.OutBytes,
		SlowConsumers:      st.SlowConsumers,
		SlowConsumersStats: sysapi.SlowConsumersStats{Clients: uint64(st.SlowConsumers)},
		HTTPReqStats:       m.handler.RequestStats(),
	}
}

// numSubscriptions sums the subscriptions of every account's index.
func (s *Server) numSubscriptions() uint32 {
	n := 0
	for _, a := range s.accts.Load().byName {
		n += a.index.Count()
	}
	return uint32(n)
}

// Conns implements monitor.Source.
func (m *monState) Conns(account string) []monitor.ConnSnapshot {
	list := m.s.clientList()
	out := make([]monitor.ConnSnapshot, 0, len(list))
	for _, c := range list {
		if account != "" {
			if a := c.acc.Load(); a == nil || a.Name != account {
				continue
			}
		}
		out = append(out, c.connSnapshot(nil))
	}
	return out
}

var _ monitor.ConnLister = (*monState)(nil)

// ConnSortInfos implements monitor.ConnLister.
func (m *monState) ConnSortInfos(account string, by sysapi.SortOpt, dst []monitor.ConnSortInfo) []monitor.ConnSortInfo {
	list := m.s.clientList()
	dst = slices.Grow(dst, len(list))
	for _, c := range list {
		if account != "" {
			if a := c.acc.Load(); a == nil || a.Name != account {
				continue
			}
		}
		dst = append(dst, c.sortInfo(by))
	}
	return dst
}

// ConnSnapshotOf implements monitor.ConnLister: ref is a *client.
func (m *monState) ConnSnapshotOf(ref any) monitor.ConnSnapshot {
	return ref.(*client).connSnapshot(nil)
}

// sortInfo returns the fields of c that CONNZ sorts by: all of them, but
// the counters that need c.mu only when the order by uses them (the
// counters of traffic are atomics).
func (c *client) sortInfo(by sysapi.SortOpt) monitor.ConnSortInfo {
	in := monitor.ConnSortInfo{
		CID:          c.cid,
		Start:        monitor.UnixNano(c.start),
		LastActivity: c.last.Load(),
		InMsgs:       c.inMsgs.Load(),
		InBytes:      c.inBytes.Load(),
		OutMsgs:      c.outMsgs.Load(),
		OutBytes:     c.outBytes.Load(),
		Ref:          c,
	}
	switch by {
	case sysapi.ByRTT, sysapi.ByPending, sysapi.BySubs, sysapi.ByUptime, sysapi.ByStop:
		c.mu.Lock()
		in.RTT = c.rtt
		in.PendingBytes = int(c.out.pending + c.out.inflight)
		in.NumSubs = uint32(len(c.subs))
		in.Stop = monitor.UnixNano(c.stop)
		c.mu.Unlock()
	}
	return in
}

// ConnSubs implements monitor.Source.
func (m *monState) ConnSubs(cid uint64) []sysapi.SubDetail {
	m.s.mu.Lock()
	c := m.s.clients[cid]
	m.s.mu.Unlock()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return subDetails(c.cid, c.subs)
}

// subDetails lists subs (owned by connection cid) sorted by sid; the
// owner's lock must be held.
func subDetails(cid uint64, subs map[string]*subscription) []sysapi.SubDetail {
	if len(subs) == 0 {
		return nil
	}
	out := make([]sysapi.SubDetail, 0, len(subs))
	for _, sub := range subs {
		out = append(out, sysapi.SubDetail{
			Subject: sub.subject, Queue: sub.queue, SID: string(sub.sid),
			Msgs: sub.delivered, Max: sub.max, CID: cid,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SID < out[j].SID })
	return out
}

// ClosedConns implements monitor.Source.
func (m *monState) ClosedConns() []*monitor.ConnSnapshot { return m.closed.Snapshot() }

// Accounts implements monitor.Source: the accounts sorted by name.
func (m *monState) Accounts() []monitor.AccountSnapshot {
	as := m.s.accts.Load()
	names := make([]string, 0, len(as.byName))
	for n := range as.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]monitor.AccountSnapshot, 0, len(names))
	for _, n := range names {
		out = append(out, m.s.accountSnapshot(as.byName[n]))
	}
	return out
}

// AccountSubs implements monitor.Source.
func (m *monState) AccountSubs(account string) []sysapi.SubDetail {
	a := m.s.LookupAccount(account)
	if a == nil {
		return nil
	}
	var out []sysapi.SubDetail
	for _, ic := range m.s.internalClients(a) {
		ic.mu.Lock()
		out = append(out, subDetails(ic.cid, ic.subs)...)
		ic.mu.Unlock()
	}
	for _, c := range a.clientsSnapshot() {
		c.mu.Lock()
		out = append(out, subDetails(c.cid, c.subs)...)
		c.mu.Unlock()
	}
	return out
}

// Ready implements monitor.Source.
func (m *monState) Ready() error {
	s := m.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running || s.listener == nil {
		return errors.New("server not ready")
	}
	return nil
}

// internalClients returns the internal clients holding subscriptions in a.
func (s *Server) internalClients(a *Account) []*client {
	st := s.sys
	if st == nil {
		return nil
	}
	var out []*client
	if a == st.acc {
		out = append(out, st.ic)
	}
	st.mu.Lock()
	if as := st.accts[a]; as != nil && as.ic != nil {
		out = append(out, as.ic)
	}
	st.mu.Unlock()
	return out
}

// clientsSnapshot returns the connections bound to a.
func (a *Account) clientsSnapshot() []*client {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*client, 0, len(a.clients))
	for c := range a.clients {
		out = append(out, c)
	}
	return out
}

// accountSnapshot describes a for the monitor builders and the CONNS events.
func (s *Server) accountSnapshot(a *Account) monitor.AccountSnapshot {
	snap := monitor.AccountSnapshot{
		Name:    a.Name,
		Sublist: a.index.Stats(),
	}
	if s.mon != nil {
		snap.UpdateTime = *s.mon.loadTime.Load()
	}
	if st := s.sys; st != nil {
		snap.IsSystem = a == st.acc
		st.mu.Lock()
		as := st.accts[a]
		st.mu.Unlock()
		if as != nil {
			snap.Imports = as.imports
			snap.Sent.Msgs = as.closedOut.Load()
			snap.Sent.Bytes = as.closedOutBytes.Load()
			snap.Received.Msgs = as.closedIn.Load()
			snap.Received.Bytes = as.closedInBytes.Load()
			snap.SlowConsumers = as.slowConsumers.Load()
		}
		if snap.IsSystem {
			snap.Exports = systemExports()
		}
	}
	for _, c := range a.clientsSnapshot() {
		snap.ClientConns++
		snap.Sent.Msgs += c.outMsgs.Load()
		snap.Sent.Bytes += c.outBytes.Load()
		snap.Received.Msgs += c.inMsgs.Load()
		snap.Received.Bytes += c.inBytes.Load()
	}
	return snap
}

// connSnapshot describes c for CONNZ; subs, when not nil, are recorded as
// the connection's subscriptions (closed connections).
func (c *client) connSnapshot(subs map[string]*subscription) monitor.ConnSnapshot {
	c.mu.Lock()
	cs := monitor.ConnSnapshot{
		CID:          c.cid,
		Kind:         sysapi.KindClient,
		Type:         sysapi.ClientTypeNATS,
		IP:           c.host,
		Port:         c.port,
		Start:        c.start,
		LastActivity: time.Unix(0, c.last.Load()),
		Stop:         c.stop,
		RTT:          c.rtt,
		PendingBytes: int(c.out.pending + c.out.inflight),
		NumSubs:      uint32(len(c.subs)),
		Name:         c.copts.Name,
		Lang:         c.copts.Lang,
		Version:      c.copts.Version,
	}
	if c.user != nil {
		cs.AuthorizedUser = c.identityLocked()
		if c.user.isNkey && c.user.account != "" {
			cs.IssuerKey = c.user.account
		}
	}
	if c.closed {
		cs.Reason = c.reason.String()
	}
	if subs != nil {
		cs.NumSubs = uint32(len(subs))
		cs.Subs = subDetails(c.cid, subs)
	}
	c.mu.Unlock()
	cs.InMsgs, cs.InBytes = c.inMsgs.Load(), c.inBytes.Load()
	cs.OutMsgs, cs.OutBytes = c.outMsgs.Load(), c.outBytes.Load()
	if a := c.acc.Load(); a != nil {
		cs.Account = a.Name
		cs.NameTag = a.Name
	}
	return cs
}

// closedSnapshot describes a connection that was just closed, with the
// subscriptions it had. As in the reference, a closed connection of the
// global account keeps no account: CONNZ shows no name_tag for it and
// acc=$G does not select it.
func (s *Server) closedSnapshot(c *client, subs map[string]*subscription) *monitor.ConnSnapshot {
	if subs == nil {
		subs = map[string]*subscription{}
	}
	cs := c.connSnapshot(subs)
	if cs.Account == GlobalAccount {
		cs.Account, cs.NameTag = "", ""
	}
	return &cs
}
