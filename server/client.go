package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/natsys/natsys/server/internal/wire"
)

// errConnClosed stops the parser once a handler has closed the connection.
var errConnClosed = errors.New("server: connection closed")

// connectOpts is the JSON of a client's CONNECT (protocol.md §3.3). A new
// CONNECT is decoded over the current values, so absent fields keep them.
type connectOpts struct {
	Echo         bool   `json:"echo"`
	Verbose      bool   `json:"verbose"`
	Pedantic     bool   `json:"pedantic"`
	TLSRequired  bool   `json:"tls_required"`
	Nkey         string `json:"nkey,omitempty"`
	JWT          string `json:"jwt,omitempty"`
	Sig          string `json:"sig,omitempty"`
	Token        string `json:"auth_token,omitempty"`
	Username     string `json:"user,omitempty"`
	Password     string `json:"pass,omitempty"`
	Name         string `json:"name"`
	Lang         string `json:"lang"`
	Version      string `json:"version"`
	Protocol     int    `json:"protocol"`
	Account      string `json:"account,omitempty"`
	AccountNew   bool   `json:"new_account,omitempty"`
	Headers      bool   `json:"headers,omitempty"`
	NoResponders bool   `json:"no_responders,omitempty"`
}

// defaultConnectOpts are a connection's options before any CONNECT.
var defaultConnectOpts = connectOpts{Echo: true, Verbose: true, Pedantic: true}

// subscription is one SUB of a client connection.
type subscription struct {
	client  *client
	acc     *Account
	subject string
	queue   string
	sid     []byte
	// max and delivered are guarded by client.mu; max 0 = no auto-unsubscribe.
	max       int64
	delivered int64
	// icb, when set, receives the messages of an internal subscription
	// (system services) instead of a connection.
	icb sysCallback
	// imp, when set, makes this the subscription of a stream or service
	// import (imports.go); client is nil then.
	imp *importSub
}

// client is one client connection. The reader goroutine owns the parser and
// the fields marked "reader"; everything marked "mu" is guarded by mu, which
// publishers of other connections take to queue messages (docs/locks.md).
type client struct {
	srv   *Server
	cid   uint64
	nc    net.Conn // a *tlsConn for TLS clients (tls.go)
	host  string
	port  int
	start time.Time
	nonce []byte

	// reader-owned.
	parser     *wire.Parser
	copts      connectOpts // written under mu (reload reads credentials)
	connected  bool        // a CONNECT was accepted
	sentCInfo  bool        // connect-info INFO sent
	pcd        map[*client]struct{}
	pubCache   map[string]bool
	pubPerms   *permissions // the perms pubCache was built for
	nrScratch  []byte
	limitsGen  uint64       // server limitsGen the parser limits were taken from
	stallTimer *time.Timer  // flow-control wait, reused
	impScratch []byte       // mapped subject of a stream import delivery
	active     bool         // the current read had activity (CONNECT, PUB, SUB, UNSUB, a message to itself)
	lastMatch  matchCache   // the last subject published and its index result
	pend       pendingStats // server-wide counters of the current read

	// last is the time of the last activity (Unix nanoseconds) for CONNZ:
	// a CONNECT, PUB, SUB or UNSUB read from the connection or a message
	// delivered to it. It is stored once per read, after the read is
	// parsed (flushPending), not per message.
	last atomic.Int64

	acc   atomic.Pointer[Account]
	perms atomic.Pointer[permissions]
	trace atomic.Bool

	inMsgs, inBytes, outMsgs, outBytes atomic.Int64

	mu            sync.Mutex
	out           outbound
	closed        bool
	flushOnClose  bool
	reason        closeReason
	subs          map[string]*subscription
	headers       bool // deliver HMSG (CONNECT headers && server supports them)
	maxSubs       int
	maxPending    int64
	writeDeadline time.Duration
	pingsOut      int
	pingSent      time.Time
	rtt           time.Duration
	pongSeen      bool // the client received a PONG after a protocol-1 CONNECT
	user          *authUser
	authed        bool   // a CONNECT passed authentication
	label         string // log prefix: "ip:port - cid:n[ - "name"][ - "acc/user"]"
	denyFilter    bool   // check subscribe deny entries at delivery
	respPerm      *ResponsePermission
	replies       map[string]*respEntry // reply subjects this client may answer
	stallCh       chan struct{}         // closed when pending output drains (flow control)
	denyCache     map[string]bool
	pingTimer     *time.Timer
	authTimer     *time.Timer
	stop          time.Time
	tlsPending    bool                 // TLS handshake in progress
	tlsState      *tls.ConnectionState // after a TLS handshake

	// writer-owned.
	flushCh    chan struct{}
	writerDone chan struct{}
	wchunks    []*[]byte
	wbufs      [][]byte
	wv         net.Buffers
}

func newClient(s *Server, nc net.Conn, cid uint64, o *Options) *client {
	c := &client{
		srv:           s,
		cid:           cid,
		nc:            nc,
		start:         time.Now(),
		copts:         defaultConnectOpts,
		pcd:           make(map[*client]struct{}),
		subs:          make(map[string]*subscription),
		maxSubs:       o.MaxSubs,
		maxPending:    o.MaxPending,
		writeDeadline: o.WriteDeadline,
		flushCh:       make(chan struct{}, 1),
		writerDone:    make(chan struct{}),
	}
	if ta, ok := nc.RemoteAddr().(*net.TCPAddr); ok {
		c.host, c.port = ta.IP.String(), ta.Port
	} else if a := nc.RemoteAddr(); a != nil {
		if h, p, err := net.SplitHostPort(a.String()); err == nil {
			c.host = h
			c.port, _ = strconv.Atoi(p)
		}
	}
	c.last.Store(c.start.UnixNano())
	c.parser = wire.NewParser()
	c.parser.MaxControlLine = int(o.MaxControlLine)
	c.parser.MaxPayload = int(o.MaxPayload)
	c.limitsGen = ^uint64(0) // refresh from the current options on the first read
	c.label = fmt.Sprintf("%s - cid:%d", net.JoinHostPort(c.host, strconv.Itoa(c.port)), cid)
	c.trace.Store(s.log.TraceEnabled())
	return c
}

// String is the log prefix of the connection.
func (c *client) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.label
}

// Noticef logs an INF line with the connection prefix.
func (c *client) Noticef(format string, v ...any) {
	c.srv.log.Noticef("%s - %s", c.String(), fmt.Sprintf(format, v...))
}

// Errorf logs an ERR line with the connection prefix.
func (c *client) Errorf(format string, v ...any) {
	c.srv.log.Errorf("%s - %s", c.String(), fmt.Sprintf(format, v...))
}

// Debugf logs a DBG line with the connection prefix.
func (c *client) Debugf(format string, v ...any) {
	if c.srv.log.DebugEnabled() {
		c.srv.log.Debugf("%s - %s", c.String(), fmt.Sprintf(format, v...))
	}
}

// Tracef logs a TRC line with the connection prefix.
func (c *client) Tracef(format string, v ...any) {
	if c.srv.log.TraceEnabled() {
		c.srv.log.Tracef("%s - %s", c.String(), fmt.Sprintf(format, v...))
	}
}

// readLoop is the connection's reader goroutine.
func (c *client) readLoop() {
	defer c.srv.wg.Done()
	buf := make([]byte, startReadBufSize)
	short := 0
	for {
		n, err := c.nc.Read(buf)
		if n > 0 {
			if c.limitsGen != c.srv.limitsGen.Load() {
				c.refreshLimits()
			}
			perr := c.parser.Parse(buf[:n], c)
			c.flushPending()
			if perr != nil {
				c.parseFailed(perr)
				if c.isClosed() {
					return
				}
			}
			switch {
			case n == len(buf) && len(buf) < maxReadBufSize:
				buf = make([]byte, len(buf)*2)
				short = 0
			case n < len(buf)/4 && len(buf) > startReadBufSize:
				if short++; short > shrinkAfterShortReads {
					buf = make([]byte, len(buf)/2)
					short = 0
				}
			default:
				short = 0
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				c.closeConnection(reasonClientClosed, false)
			} else {
				c.closeConnection(reasonReadError, false)
			}
			return
		}
	}
}

// parseFailed handles an error returned by the parser or a handler.
func (c *client) parseFailed(err error) {
	if errors.Is(err, errConnClosed) {
		return
	}
	var we *wire.Error
	if !errors.As(err, &we) {
		c.closeConnection(reasonProtocolViolation, false)
		return
	}
	reason := reasonFromText(we.Reason)
	if reason == reasonAuthViolation {
		c.Errorf("authentication error")
	}
	if we.Text == "" {
		c.closeConnection(reason, false)
		return
	}
	if !we.Close {
		c.sendErr(we.Text)
		return
	}
	c.sendErrAndClose(we.Text, reason)
}

// flushPending adds the read's counts to the server's, wakes the writers of
// every connection that got data while the last read was parsed (including
// this one), and records the activity of the read: the time is taken once, and only when there was activity. Any
// other connection in pcd got a message; this one may have got only
// protocol replies (PONG, +OK, -ERR), which are not activity.
func (c *client) flushPending() {
	c.pend.flush(c.srv)
	c.lastMatch.flushHits()
	var now int64
	if c.active {
		c.active = false
		now = time.Now().UnixNano()
		c.last.Store(now)
	}
	for r := range c.pcd {
		if r != c {
			if now == 0 {
				now = time.Now().UnixNano()
			}
			r.last.Store(now)
		}
		r.signalFlush()
	}
	clear(c.pcd)
}

// queueProto queues protocol bytes to this connection from its own reader;
// the writer is woken after the read is parsed.
func (c *client) queueProto(b []byte) {
	c.mu.Lock()
	c.enqueueLocked(b)
	c.mu.Unlock()
	c.pcd[c] = struct{}{}
}

// sendNow queues protocol bytes from any goroutine and wakes the writer.
func (c *client) sendNow(b []byte) {
	c.mu.Lock()
	c.enqueueLocked(b)
	c.mu.Unlock()
	c.signalFlush()
}

// sendErr queues -ERR 'text' from the reader.
func (c *client) sendErr(text string) {
	var buf [128]byte
	c.queueProto(wire.AppendErr(buf[:0], text))
	if c.trace.Load() {
		c.Tracef("->> [-ERR %s]", text)
	}
}

// sendOK queues +OK from the reader (verbose mode).
func (c *client) sendOK() {
	c.queueProto(wire.OK)
	if c.trace.Load() {
		c.Tracef("->> [OK]")
	}
}

// sendErrAndClose sends -ERR 'text', flushes it and closes the connection.
func (c *client) sendErrAndClose(text string, reason closeReason) {
	c.mu.Lock()
	c.enqueueLocked(wire.AppendErr(nil, text))
	c.mu.Unlock()
	c.closeConnection(reason, true)
}

// authViolation answers a failed authentication (config.md §5.5).
func (c *client) authViolation() {
	c.sendErrAndClose(wire.ErrAuthorizationViolation, reasonAuthViolation)
}

func (c *client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// closeConnection marks the connection closed for reason, removes its
// subscriptions and registration, and lets the writer flush (when flush) and
// close the socket. It is idempotent; only the first reason counts.
func (c *client) closeConnection(reason closeReason, flush bool) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.flushOnClose = flush
	c.reason = reason
	c.stop = time.Now()
	if c.pingTimer != nil {
		c.pingTimer.Stop()
	}
	if c.authTimer != nil {
		c.authTimer.Stop()
	}
	subs := c.subs
	c.subs = nil
	c.releaseStallLocked()
	if c.tlsPending {
		// Abort a TLS handshake in progress (tls.go).
		_ = c.nc.SetReadDeadline(time.Now())
	}
	c.mu.Unlock()
	c.signalFlush()
	if !flush {
		// Unblock a writer stuck in a write to a dead peer.
		_ = c.nc.SetWriteDeadline(time.Now())
	}

	tracing := c.trace.Load()
	for _, sub := range subs {
		_ = sub.acc.index.Remove(sub.subject, sub.queue, sub)
	}
	if acc := c.acc.Load(); acc != nil {
		acc.removeClient(c)
	}
	c.srv.removeClient(c)
	c.srv.clientClosed(c, subs)
	c.Debugf("Client connection closed: %s", reason)
	if tracing {
		for _, sub := range subs {
			c.Tracef("<-> [DELSUB %s]", sub.sid)
		}
	}
}

// releaseStallLocked wakes publishers stalled on this connection; c.mu held.
func (c *client) releaseStallLocked() {
	if c.stallCh != nil {
		close(c.stallCh)
		c.stallCh = nil
	}
}
