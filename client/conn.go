package client

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Conn is a connection to a NATS server (with automatic reconnects to the
// servers of its pool). It is safe for concurrent use.
type Conn struct {
	// Lock order: respMux.mu, then mu, then subsMu, then Subscription.mu;
	// eventQueue.mu is a leaf. User callbacks run with no lock held, and
	// the read loop never blocks on a lock held across I/O or user code.

	opts     options
	closeCtx context.Context // cancelled by Close; aborts dials and waits
	cancel   context.CancelFunc
	closed   chan struct{} // closed by Close
	events   eventQueue
	wg       sync.WaitGroup // read loops, flushers and the reconnect loop

	mu         sync.Mutex
	status     Status
	draining   bool
	sock       *socket     // nil while not connected
	cur        *server     // server of sock, or the last one connected
	pool       *serverPool // guarded by mu
	info       ServerInfo
	out        []byte     // queued outbound bytes; the reconnect buffer while disconnected
	spare      []byte     // drained buffer kept for reuse
	outCond    *sync.Cond // flusher made room, or the socket went away
	pongs      []chan error
	pingsInOut int // PINGs in out not yet handed to the flusher
	pingsOut   int // keepalive PINGs without PONG
	pingTimer  *time.Timer
	lastErr    error
	nextSid    uint64
	reconnects uint64

	subsMu sync.RWMutex
	subs   map[uint64]*Subscription

	resp respMux

	inMsgs, inBytes   atomic.Uint64
	outMsgs, outBytes atomic.Uint64
}

// socket is one TCP (or TLS) connection to one server, with its read loop
// and flusher.
type socket struct {
	conn        net.Conn
	br          *bufio.Reader // handshake reader; the read loop continues on it
	srv         *server
	kick        chan struct{} // wakes the flusher (capacity 1)
	done        chan struct{} // closed when the socket is torn down or closed
	flusherDone chan struct{}
	dead        bool  // guarded by Conn.mu: broken, never write again
	fatal       error // guarded by Conn.mu: fatal -ERR the server sent
}

// Stats are the connection's message counters.
type Stats struct {
	InMsgs, OutMsgs   uint64
	InBytes, OutBytes uint64
	Reconnects        uint64
}

// Connect connects to the first reachable server of urls, a comma-separated
// list ("nats://user:pass@host:4222,tls://host2:4443"; an empty list means
// DefaultURL). Each server is tried once; the error of the last attempt is
// returned when none works (authorization failures match ErrAuthorization).
func Connect(urls string, opts ...Option) (*Conn, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	pool, err := newPool(urls, !o.noRandomize)
	if err != nil {
		return nil, err
	}
	c := &Conn{opts: o, pool: pool, closed: make(chan struct{}), subs: make(map[uint64]*Subscription)}
	c.closeCtx, c.cancel = context.WithCancel(context.Background())
	c.outCond = sync.NewCond(&c.mu)
	c.resp.init(c)

	var lastErr error
	for _, srv := range append([]*server(nil), pool.servers...) {
		srv.lastAttempt = time.Now()
		s, info, err := c.dial(srv)
		if err != nil {
			lastErr = err
			continue
		}
		c.mu.Lock()
		c.install(s, info)
		c.mu.Unlock()
		return c, nil
	}
	c.cancel()
	if lastErr == nil {
		lastErr = ErrNoServers
	}
	if !errors.Is(lastErr, ErrNoServers) && !authError(lastErr) {
		lastErr = fmt.Errorf("%w: %w", ErrNoServers, lastErr)
	}
	return nil, lastErr
}

// install makes s the live socket: queued SUBs and buffered publishes go
// out first, then the read loop and flusher start. c.mu is held.
func (c *Conn) install(s *socket, info *ServerInfo) {
	c.info = *info
	c.sock = s
	c.cur = s.srv
	s.srv.failed = 0
	c.status = StatusConnected
	if len(c.info.ConnectURLs) > 0 {
		c.pool.addDiscovered(c.info.ConnectURLs, s.srv, c.tlsName(s.srv))
	}
	resub := c.resubscribeLocked()
	if len(resub) > 0 {
		c.out = append(resub, c.out...)
	}
	c.pingsOut = 0
	c.wg.Add(2)
	go c.readLoop(s)
	go c.flusher(s)
	if len(c.out) > 0 {
		s.kickFlusher()
	}
	c.armPingTimer()
}

// tlsName is the host name to verify for servers learned from srv.
func (c *Conn) tlsName(srv *server) string {
	if srv.tlsName != "" {
		return srv.tlsName
	}
	if net.ParseIP(srv.url.Hostname()) == nil {
		return srv.url.Hostname()
	}
	return ""
}

func (s *socket) kickFlusher() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Close closes the connection: queued publishes are written (best effort),
// subscriptions end, pending Flush and Request calls fail with
// ErrConnectionClosed, and the ClosedHandler runs. It waits for the
// connection's own goroutines to finish; user callbacks already running
// finish on their own.
func (c *Conn) Close() { c.close(nil, true) }

// close tears the connection down. wait is false when called from the read
// loop, flusher or reconnect loop themselves.
func (c *Conn) close(reason error, wait bool) {
	c.mu.Lock()
	if c.status == StatusClosed {
		c.mu.Unlock()
		return
	}
	c.status = StatusClosed
	c.draining = false
	if reason != nil {
		c.lastErr = reason
	}
	close(c.closed)
	c.cancel()
	if c.pingTimer != nil {
		c.pingTimer.Stop()
	}
	s := c.sock
	c.sock = nil
	if s != nil {
		close(s.done) // the flusher writes what is queued, then exits
	}
	for _, ch := range c.pongs {
		if ch != nil {
			ch <- ErrConnectionClosed
		}
	}
	c.pongs = nil
	c.outCond.Broadcast()
	c.mu.Unlock()

	if s != nil {
		if wait {
			<-s.flusherDone
		}
		s.conn.Close()
	}
	c.subsMu.Lock()
	subs := c.subs
	c.subs = make(map[uint64]*Subscription)
	c.subsMu.Unlock()
	for _, sub := range subs {
		sub.closeLocal(true, ErrConnectionClosed)
	}
	if wait {
		c.wg.Wait()
	}
	if cb := c.opts.closedCB; cb != nil {
		c.events.push(func() { cb(c) })
	}
}

// Status returns the connection state.
func (c *Conn) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining && c.status == StatusConnected {
		return StatusDraining
	}
	return c.status
}

// IsClosed reports whether the connection is closed for good.
func (c *Conn) IsClosed() bool { return c.Status() == StatusClosed }

// LastError returns the last error the server reported (-ERR) or the reason
// of the last disconnect; nil if none.
func (c *Conn) LastError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// ServerInfo returns the INFO of the server the connection is (or was last)
// connected to.
func (c *Conn) ServerInfo() ServerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	info := c.info
	info.ConnectURLs = append([]string(nil), info.ConnectURLs...)
	return info
}

// ConnectedURL returns the URL (without userinfo) of the current server, or
// "" when not connected.
func (c *Conn) ConnectedURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sock == nil {
		return ""
	}
	return c.sock.srv.url.Scheme + "://" + c.sock.srv.url.Host
}

// Servers returns the URLs of the server pool (without userinfo).
func (c *Conn) Servers() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pool.urls(false)
}

// DiscoveredServers returns the pool URLs learned from INFO connect_urls.
func (c *Conn) DiscoveredServers() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pool.urls(true)
}

// MaxPayload returns the server's max_payload.
func (c *Conn) MaxPayload() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info.MaxPayload
}

// Stats returns the message counters.
func (c *Conn) Stats() Stats {
	c.mu.Lock()
	rc := c.reconnects
	c.mu.Unlock()
	return Stats{
		InMsgs: c.inMsgs.Load(), OutMsgs: c.outMsgs.Load(),
		InBytes: c.inBytes.Load(), OutBytes: c.outBytes.Load(),
		Reconnects: rc,
	}
}

// NewInbox returns a new unique inbox subject: the inbox prefix, a dot and
// a random 22-character token.
func (c *Conn) NewInbox() string { return c.opts.inboxPrefix + "." + randomToken() }

// NewInbox returns a unique "_INBOX.<token>" subject.
func NewInbox() string { return DefaultInboxPrefix + "." + randomToken() }

const tokenAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomToken returns inboxTokenLen random base-62 characters (about 131
// bits).
func randomToken() string {
	var raw [inboxTokenLen]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails
	for i, b := range raw {
		raw[i] = tokenAlphabet[int(b)%len(tokenAlphabet)]
	}
	return string(raw[:])
}

// RTT measures the round trip to the server with a PING.
func (c *Conn) RTT(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	if err := c.Flush(ctx); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// errorEvent hands an asynchronous error to the ErrorHandler, if any.
func (c *Conn) errorEvent(sub *Subscription, err error) {
	if cb := c.opts.errCB; cb != nil {
		c.events.push(func() { cb(c, sub, err) })
	}
}
