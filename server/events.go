package server

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/events"
	"github.com/natsys/natsys/server/internal/monitor"
)

// sysState is the system account's event machinery of one server (spec
// system-events.md §3-§5). Producers anywhere in the server enqueue a
// sysMsg; one sender goroutine fills in the server block (seq, time),
// encodes it and publishes it through the normal delivery path with the
// system account's internal client. Service requests reach internal
// subscriptions, are queued, and one worker goroutine answers them by
// enqueueing replies, so no client reader ever waits for an encoder.
//
// Lock order: sysState.mu is a leaf; nothing else is taken while it is held.
type sysState struct {
	s     *Server
	acc   *Account // the system account
	ic    *client  // internal client of the system account: publishes everything
	sendq *events.Queue[*sysMsg]
	recvq *events.Queue[*sysReq]
	ids   *events.IDGen
	proc  *monitor.ProcUsage
	// connsHB is the CONNS heartbeat period (events.ConnsHeartbeat; tests
	// shorten it before Start).
	connsHB time.Duration

	seq        atomic.Uint64
	started    atomic.Bool // start ran: the goroutines exist
	closed     atomic.Bool // LAMEDUCK or SHUTDOWN was sent: nothing more is published
	quit       chan struct{}
	senderDone chan struct{}
	workerDone chan struct{}

	mu      sync.Mutex
	accts   map[*Account]*accState
	sched   events.StatszSchedule
	statszT *time.Timer
	stopped bool
}

// accState is the event state of one account.
type accState struct {
	acc     *Account
	ic      *client            // the account's internal client (owns the import subscriptions)
	imports []sysapi.ExtImport // the automatic service imports (§1.5)
	hb      *time.Timer        // CONNS heartbeat, guarded by sysState.mu

	// Counters of the account's connections that closed, added to the live
	// ones for the account statistics.
	closedIn, closedInBytes   atomic.Int64
	closedOut, closedOutBytes atomic.Int64
	slowConsumers             atomic.Int64
}

// sysMsg is one system message waiting for the sender.
type sysMsg struct {
	acc   *Account // account to publish in; nil = the system account
	subj  string
	reply string
	// build encodes the payload with the server block si (seq and time
	// filled in by the sender); ok=false marks a reply that must not be
	// compressed (errors). Nil build means body is sent as is.
	build func(si *sysapi.ServerInfo) (body []byte, compressible bool, err error)
	body  []byte
	enc   events.Encoding
	last  bool          // stop the sender after this message (LAMEDUCK, SHUTDOWN)
	done  chan struct{} // closed once published (or dropped)
}

// sysCallback is the delivery callback of an internal subscription: pub is
// the publishing connection (an internal client for server messages).
type sysCallback func(pub *client, subj, reply []byte, hdrLen int, msg []byte)

// featureFlags are the feature switches nats-server v2.15.2 reports in the
// server block and VARZ; natsys reports the same values so that payload
// shapes are identical.
func featureFlags() map[string]bool {
	return map[string]bool{
		"js_ack_fc_v2":         false,
		"js_api_reply_v2":      false,
		"js_raft_delete_range": true,
		"js_snapshot_sources":  false,
	}
}

// newSysState prepares the event machinery for the system account sys (its
// internal client takes the first connection id); it is started by start.
func newSysState(s *Server, sys *Account) *sysState {
	return &sysState{
		s:          s,
		acc:        sys,
		ic:         s.newInternalClient(sys),
		sendq:      events.NewQueue[*sysMsg](events.DefaultSendQueueLen),
		recvq:      events.NewQueue[*sysReq](events.DefaultRecvQueueLen),
		ids:        events.NewIDGen(),
		proc:       monitor.NewProcUsage(),
		quit:       make(chan struct{}),
		senderDone: make(chan struct{}),
		workerDone: make(chan struct{}),
		accts:      make(map[*Account]*accState),
		connsHB:    events.ConnsHeartbeat,
	}
}

// newInternalClient returns a connection-less client bound to acc: it
// publishes through deliver (no echo) and owns internal subscriptions. It
// is never registered with the server or the account.
func (s *Server) newInternalClient(acc *Account) *client {
	c := &client{
		srv:   s,
		cid:   s.cidGen.Add(1),
		start: time.Now(),
		pcd:   make(map[*client]struct{}),
		subs:  make(map[string]*subscription),
	}
	c.acc.Store(acc)
	c.label = "cid:" + strconv.FormatUint(c.cid, 10) + " - SYSTEM"
	return c
}

// subscribeInternal adds an internal subscription of ic on subj in ic's
// account; messages are handed to cb on the publisher's goroutine.
func subscribeInternal(ic *client, subj string, cb sysCallback) (*subscription, error) {
	acc := ic.acc.Load()
	ic.mu.Lock()
	defer ic.mu.Unlock()
	sid := strconv.Itoa(len(ic.subs) + 1)
	sub := &subscription{client: ic, acc: acc, subject: subj, sid: []byte(sid)}
	sub.icb = func(pub *client, subject, reply []byte, hdrLen int, msg []byte) {
		ic.mu.Lock()
		sub.delivered++
		ic.mu.Unlock()
		cb(pub, subject, reply, hdrLen, msg)
	}
	if err := acc.index.Insert(subj, "", sub); err != nil {
		return nil, fmt.Errorf("internal subscription on %q: %w", subj, err)
	}
	ic.subs[sid] = sub
	return sub, nil
}

// start creates the internal clients and subscriptions and starts the
// sender, the service worker and the STATSZ timer.
func (st *sysState) start() error {
	st.started.Store(true)
	go st.sendLoop()
	go st.workLoop()
	if err := st.subscribeServices(); err != nil {
		return err
	}
	if err := st.addAccounts(); err != nil {
		return err
	}
	st.mu.Lock()
	st.statszT = time.AfterFunc(st.sched.Next(), st.statszTick)
	st.mu.Unlock()
	return nil
}

// serverInfo returns the server block without seq and time.
func (st *sysState) serverInfo() sysapi.ServerInfo {
	o := st.s.getOpts()
	return sysapi.ServerInfo{
		Name:         o.ServerName,
		Host:         o.Host,
		ID:           st.s.id,
		Version:      ProtocolVersion,
		FeatureFlags: featureFlags(),
	}
}

// identity returns what server filters are matched against.
func (st *sysState) identity() *events.Identity {
	o := st.s.getOpts()
	return &events.Identity{Name: o.ServerName, Host: o.Host}
}

// enqueue hands m to the sender; it returns false when the event system is
// closed or the queue is full (the drop is counted).
func (st *sysState) enqueue(m *sysMsg) bool {
	if st.closed.Load() || !st.sendq.Push(m) {
		if m.done != nil {
			close(m.done)
		}
		return false
	}
	return true
}

// sendJSON enqueues v, whose server block is set by setServer, on subj in
// acc (nil = system account).
func sendJSON[T any](st *sysState, acc *Account, subj string, v *T, setServer func(*T, *sysapi.ServerInfo)) bool {
	return st.enqueue(&sysMsg{acc: acc, subj: subj, build: func(si *sysapi.ServerInfo) ([]byte, bool, error) {
		if setServer != nil {
			setServer(v, si)
		}
		b, err := json.Marshal(v)
		return b, true, err
	}})
}

// sendLoop is the sender goroutine: it publishes queued messages in order
// until a last message (LAMEDUCK/SHUTDOWN) or quit.
func (st *sysState) sendLoop() {
	defer close(st.senderDone)
	var batch []*sysMsg
	for {
		select {
		case <-st.sendq.Ready():
		case <-st.quit:
			return
		}
		batch = st.sendq.PopAll(batch[:0])
		last := false
		for i, m := range batch {
			if !last {
				st.publish(m)
				last = m.last
			}
			if m.done != nil {
				close(m.done)
			}
			batch[i] = nil
		}
		st.ic.flushPending()
		if last {
			return
		}
	}
}

// publish encodes m and delivers it; sender goroutine only.
func (st *sysState) publish(m *sysMsg) {
	body := m.body
	compressible := false
	if m.build != nil {
		si := st.serverInfo()
		si.Seq = st.seq.Add(1)
		si.Time = time.Now().UTC()
		var err error
		body, compressible, err = m.build(&si)
		if err != nil {
			st.s.log.Errorf("Error encoding system message on %q: %v", m.subj, err)
			return
		}
	}
	var hdr []byte
	if m.enc != events.EncodingNone && compressible {
		cb, err := events.Compress(m.enc, body)
		if err != nil {
			st.s.log.Errorf("Error compressing reply on %q: %v", m.subj, err)
			return
		}
		hdr = events.HeaderBlock(m.enc)
		body = append(hdr, cb...)
	}
	acc := m.acc
	if acc == nil {
		acc = st.acc
	}
	st.ic.deliver(acc, []byte(m.subj), []byte(m.reply), len(hdr), body)
}

// sendLast enqueues a bare ServerInfo on subj as the last message and waits
// (at most sysFlushWait) until it was published.
func (st *sysState) sendLast(subj string) {
	done := make(chan struct{})
	m := &sysMsg{subj: subj, last: true, done: done, build: func(si *sysapi.ServerInfo) ([]byte, bool, error) {
		b, err := json.Marshal(si)
		return b, false, err
	}}
	if !st.enqueue(m) {
		return
	}
	st.closed.Store(true)
	select {
	case <-done:
	case <-time.After(sysFlushWait):
	}
}

// lameDuck publishes LAMEDUCK; afterwards nothing else is published (§4.8).
func (st *sysState) lameDuck() {
	st.sendLast(fmt.Sprintf(sysapi.LameDuckEventSubj, st.s.id))
}

// shutdown publishes SHUTDOWN (unless lame duck mode already closed the
// event system) and stops the goroutines and timers.
func (st *sysState) shutdown() {
	st.sendLast(fmt.Sprintf(sysapi.ShutdownEventSubj, st.s.id))
	st.closed.Store(true)
	st.mu.Lock()
	if st.stopped {
		st.mu.Unlock()
		return
	}
	st.stopped = true
	if st.statszT != nil {
		st.statszT.Stop()
	}
	for _, as := range st.accts {
		if as.hb != nil {
			as.hb.Stop()
		}
	}
	st.mu.Unlock()
	close(st.quit)
	<-st.senderDone
	<-st.workerDone
	st.s.log.Debugf("SYSTEM - System connection closed: %s", reasonClientClosed)
}

// EventStats are the counters of the event system.
type EventStats struct {
	// Sent is the number of system messages accepted for sending.
	Sent uint64
	// Dropped is the number of system messages dropped because the send
	// queue was full.
	Dropped uint64
	// Pending is the number of messages waiting for the sender.
	Pending int
	// RequestsDropped is the number of service requests dropped because
	// the request queue was full.
	RequestsDropped uint64
}

// EventStats returns the event system's counters (zero without a system
// account).
func (s *Server) EventStats() EventStats {
	st := s.sys
	if st == nil {
		return EventStats{}
	}
	return EventStats{
		Sent:            st.sendq.Pushed(),
		Dropped:         st.sendq.Drops(),
		Pending:         st.sendq.Len(),
		RequestsDropped: st.recvq.Drops(),
	}
}
