package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/events"
)

// Error texts of the server services (the reference's, byte for byte).
const (
	errTextNoClientOrLeaf = "no such client or leafnode id"
	errTextNoClient       = "no such client id"
	errTextNoLDMSupport   = "client does not support Lame Duck Mode or is not ready to receive the notification"
	errTextNoProfileName  = "Profile name not specified"
)

// Names of the internal queues reported by IPQUEUESZ.
const (
	ipqSendQ = "System sendQ"
	ipqRecvQ = "System recvQ"
)

// statszRequest answers $SYS.REQ.SERVER.PING[.STATSZ] and …<id>.STATSZ with
// a ServerStatsMsg; without a reply subject it forces a broadcast.
func (st *sysState) statszRequest(r *sysReq) {
	var o sysapi.StatszEventOptions
	if err := sysapi.DecodeOptions(r.body, &o); err != nil {
		if r.reply != "" {
			st.replyBadRequest(r, err)
		}
		return
	}
	if !events.Match(&o.EventFilterOptions, st.identity()) {
		return
	}
	if r.reply == "" {
		st.broadcastStatsz(true)
		return
	}
	stats := st.statsz()
	st.reply(r, false, func(si *sysapi.ServerInfo) any {
		return &sysapi.ServerStatsMsg{Server: *si, Stats: *stats}
	})
}

// statsz returns the server statistics of STATSZ.
func (st *sysState) statsz() *sysapi.ServerStats {
	s := st.s
	stats := s.Stats()
	rss, cpu := st.proc.Sample()
	s.mu.Lock()
	start := s.start
	s.mu.Unlock()
	active := 0
	for _, a := range s.accts.Load().byName {
		if a.NumClients() > 0 {
			active++
		}
	}
	sent := sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: stats.OutMsgs, Bytes: stats.OutBytes}}
	recv := sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: stats.InMsgs, Bytes: stats.InBytes}}
	return &sysapi.ServerStats{
		Start:               start.UTC(),
		Mem:                 rss,
		Cores:               runtime.NumCPU(),
		CPU:                 cpu,
		Connections:         s.NumClients(),
		TotalConnections:    stats.TotalConnections,
		ActiveAccounts:      active,
		NumSubs:             s.numSubscriptions(),
		Sent:                sent,
		SentToClients:       sent,
		Received:            recv,
		ReceivedFromClients: recv,
		SlowConsumers:       stats.SlowConsumers,
		ActiveServers:       1,
		MaxProcs:            runtime.GOMAXPROCS(0),
	}
}

// statszSubject is the server's STATSZ broadcast subject.
func (st *sysState) statszSubject() string {
	return fmt.Sprintf(sysapi.ServerStatsSubj, st.s.id)
}

// hasStatszInterest reports whether anybody but the server itself is
// subscribed to the STATSZ subject (the interest rule of a standalone
// server, §4.6).
func (st *sysState) hasStatszInterest() bool {
	r := st.acc.index.Match(st.statszSubject())
	for _, sub := range r.Plain {
		if sub.client != st.ic {
			return true
		}
	}
	return len(r.Queues) > 0
}

// broadcastStatsz publishes STATSZ now, unless the previous one was less
// than a second ago (force skips that check); it reports the wait left
// when it was refused.
func (st *sysState) broadcastStatsz(force bool) time.Duration {
	st.mu.Lock()
	wait := st.sched.Allow(time.Now(), force)
	st.mu.Unlock()
	if wait > 0 {
		return wait
	}
	stats := st.statsz()
	st.enqueue(&sysMsg{subj: st.statszSubject(), build: func(si *sysapi.ServerInfo) ([]byte, bool, error) {
		b, err := json.Marshal(&sysapi.ServerStatsMsg{Server: *si, Stats: *stats})
		return b, false, err
	}})
	return 0
}

// statszTick is the periodic STATSZ timer.
func (st *sysState) statszTick() {
	if st.closed.Load() {
		return
	}
	var wait time.Duration
	if st.hasStatszInterest() {
		wait = st.broadcastStatsz(false)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.stopped {
		return
	}
	if wait > 0 {
		st.statszT.Reset(wait)
		return
	}
	st.statszT.Reset(st.sched.Next())
}

// idzRequest answers IDZ with the bare server identity (no server block,
// no sequence number).
func (st *sysState) idzRequest(r *sysReq) {
	if r.reply == "" {
		return
	}
	o := st.s.getOpts()
	b, err := json.Marshal(&sysapi.ServerID{Name: o.ServerName, Host: o.Host, ID: st.s.id})
	if err != nil {
		st.s.log.Errorf("Error encoding IDZ: %v", err)
		return
	}
	st.enqueue(&sysMsg{acc: r.acc, subj: r.reply, body: b})
}

// expvarz returns the EXPVARZ payload.
func (st *sysState) expvarz() (*sysapi.ExpvarzStatus, error) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mem, err := json.Marshal(&ms)
	if err != nil {
		return nil, fmt.Errorf("encoding memstats: %w", err)
	}
	args := st.s.getOpts().Cmdline
	if len(args) == 0 {
		args = os.Args
	}
	cmd, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("encoding cmdline: %w", err)
	}
	return &sysapi.ExpvarzStatus{Memstats: mem, Cmdline: cmd}, nil
}

// profilez returns the named runtime profile. CPU profiles are not taken
// over $SYS (the worker answers every service and must not block).
func profilez(o *sysapi.ProfilezOptions) *sysapi.ProfilezStatus {
	if o.Name == "" {
		return &sysapi.ProfilezStatus{Error: errTextNoProfileName}
	}
	p := pprof.Lookup(o.Name)
	if p == nil {
		return &sysapi.ProfilezStatus{Error: fmt.Sprintf("Profile %q not found", o.Name)}
	}
	var buf bytes.Buffer
	if err := p.WriteTo(&buf, o.Debug); err != nil {
		return &sysapi.ProfilezStatus{Error: fmt.Sprintf("Profile %q could not be written: %v", o.Name, err)}
	}
	return &sysapi.ProfilezStatus{Profile: buf.Bytes()}
}

// ipqueuesz returns the state of the event system's queues; the request
// being answered is in progress on the receive queue.
func (st *sysState) ipqueuesz(o *sysapi.IpqueueszOptions) *sysapi.IpqueueszStatus {
	all := map[string]sysapi.IpqueueszStatusIPQ{
		ipqSendQ: {Pending: st.sendq.Len()},
		ipqRecvQ: {Pending: st.recvq.Len(), InProgress: 1},
	}
	out := sysapi.IpqueueszStatus{}
	for name, q := range all {
		if o.Filter != "" && !strings.Contains(name, o.Filter) {
			continue
		}
		if !o.All && q.Pending == 0 && q.InProgress == 0 {
			continue
		}
		out[name] = q
	}
	return &out
}

// clientRequest is the body of KICK and LDM: a connection id plus the
// server filters.
type clientRequest struct {
	sysapi.KickClientReq
	sysapi.EventFilterOptions
}

// decodeClientRequest decodes a KICK/LDM body; an empty or invalid body is
// logged and answered with silence (ok false), as is a filtered request.
func (st *sysState) decodeClientRequest(r *sysReq, what string) (cid uint64, ok bool) {
	var req clientRequest
	if len(r.body) == 0 {
		st.s.log.Errorf("Invalid %s request: empty body", what)
		return 0, false
	}
	if err := sysapi.DecodeOptions(r.body, &req); err != nil {
		st.s.log.Errorf("Invalid %s request: %v", what, err)
		return 0, false
	}
	if !events.Match(&req.EventFilterOptions, st.identity()) {
		return 0, false
	}
	return req.CID, true
}

// lookupClient returns the open connection cid, or nil.
func (s *Server) lookupClient(cid uint64) *client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clients[cid]
}

// kickRequest closes a connection with reason Kicked.
func (st *sysState) kickRequest(r *sysReq) {
	cid, ok := st.decodeClientRequest(r, "kick")
	if !ok {
		return
	}
	c := st.s.lookupClient(cid)
	if c == nil {
		st.replyStatus(r, &sysapi.APIError{Code: sysapi.APIErrInternal, Description: errTextNoClientOrLeaf})
		return
	}
	c.closeConnection(reasonKicked, true)
	st.replyStatus(r, nil)
}

// ldmRequest sends one connection the lame-duck INFO.
func (st *sysState) ldmRequest(r *sysReq) {
	cid, ok := st.decodeClientRequest(r, "lame duck")
	if !ok {
		return
	}
	c := st.s.lookupClient(cid)
	if c == nil {
		st.replyStatus(r, &sysapi.APIError{Code: sysapi.APIErrInternal, Description: errTextNoClient})
		return
	}
	c.mu.Lock()
	eligible := c.pongSeen && !c.closed
	c.mu.Unlock()
	if !eligible {
		st.replyStatus(r, &sysapi.APIError{Code: sysapi.APIErrInternal, Description: errTextNoLDMSupport})
		return
	}
	st.s.sendLameDuckInfo([]*client{c})
	st.replyStatus(r, nil)
}

// reloadRequest reloads the configuration file.
func (st *sysState) reloadRequest(r *sysReq) {
	var o sysapi.AccInfoEventOptions
	if err := sysapi.DecodeOptions(r.body, &o); err != nil {
		if r.reply != "" {
			st.replyBadRequest(r, err)
		}
		return
	}
	if !events.Match(&o.EventFilterOptions, st.identity()) {
		return
	}
	if err := st.s.Reload(); err != nil {
		st.s.log.Errorf("Failed to reload server configuration: %s", reloadErrorText(err))
		if r.reply != "" {
			st.replyStatus(r, &sysapi.APIError{Code: sysapi.APIErrInternal, Description: reloadErrorText(err)})
		}
		return
	}
	if r.reply != "" {
		st.replyStatus(r, nil)
	}
}
