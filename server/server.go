package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nkeys"

	"github.com/natsys/natsys/server/internal/wire"
)

// ErrServerNotRunning is returned by operations that need a started server.
var ErrServerNotRunning = errors.New("server: not running")

// Server is one natsys server: a client listener, its connections and its
// accounts.
type Server struct {
	id   string
	xkey string
	kp   nkeys.KeyPair
	xkp  nkeys.KeyPair
	log  *Logger

	opts  atomic.Pointer[Options]
	auth  atomic.Pointer[authConfig]
	accts atomic.Pointer[accountSet]

	pools  *chunkPools
	bcache bcryptCache

	cidGen        atomic.Uint64
	totalConns    atomic.Uint64
	inMsgs        atomic.Int64
	inBytes       atomic.Int64
	outMsgs       atomic.Int64
	outBytes      atomic.Int64
	slowConsumers atomic.Int64
	limitsGen     atomic.Uint64 // bumped by ApplyReload; readers refresh parser limits
	maxConnLogAt  atomic.Int64  // unix nanoseconds of the last logged max_connections refusal

	mu         sync.Mutex
	start      time.Time
	listener   net.Listener
	addr       *net.TCPAddr
	clients    map[uint64]*client
	closed     []ClosedClient
	running    bool
	shutdown   bool
	ldm        bool
	acceptDone chan struct{}
	ldmStop    chan struct{}

	wg   sync.WaitGroup // client reader and writer goroutines
	done chan struct{}  // closed once Shutdown completed

	sys *sysState // system account events and services; nil with no_system_account
	mon *monState // monitoring: closed connections, HTTP listener
}

// ClosedClient records a connection that was closed (for CONNZ state=closed).
type ClosedClient struct {
	CID     uint64
	Host    string
	Port    int
	Account string
	User    string
	Name    string
	Reason  string
	Start   time.Time
	Stop    time.Time
	InMsgs  int64
	OutMsgs int64
}

// New validates opts, fills unset fields with the defaults and returns a
// server that is not listening yet. opts is copied; later changes to it have
// no effect (use ApplyReload).
func New(opts *Options) (*Server, error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	o := *opts
	applyDefaults(&o)
	if err := validateOptions(&o); err != nil {
		return nil, err
	}
	kp, err := nkeys.CreateServer()
	if err != nil {
		return nil, fmt.Errorf("creating server key: %w", err)
	}
	pub, err := kp.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("creating server key: %w", err)
	}
	xkp, err := nkeys.CreateCurveKeys()
	if err != nil {
		return nil, fmt.Errorf("creating server curve key: %w", err)
	}
	xpub, err := xkp.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("creating server curve key: %w", err)
	}
	s := &Server{
		id:      pub,
		xkey:    xpub,
		kp:      kp,
		xkp:     xkp,
		log:     NewLogger(nil),
		pools:   newChunkPools(),
		clients: make(map[uint64]*client),
		done:    make(chan struct{}),
	}
	if o.ServerName == "" {
		o.ServerName = pub
	}
	s.configureLogger(&o)
	if o.LogFile != "" {
		if err := s.log.SetFile(o.LogFile); err != nil {
			return nil, err
		}
	}
	s.opts.Store(&o)
	s.auth.Store(buildAuth(&o))
	s.accts.Store(buildAccounts(&o, nil))
	s.initSystem(&o)
	return s, nil
}

// configureLogger applies the logging switches of o.
func (s *Server) configureLogger(o *Options) {
	s.log.SetDebug(o.Debug)
	s.log.SetTrace(o.Trace || o.TraceVerbose)
	s.log.SetLogtime(o.Logtime)
	s.log.SetUTC(o.LogtimeUTC)
}

func (s *Server) getOpts() *Options { return s.opts.Load() }

// Logger returns the server's logger.
func (s *Server) Logger() *Logger { return s.log }

// ID returns the server ID: its public server nkey.
func (s *Server) ID() string { return s.id }

// Name returns the server name (the ID when none was configured).
func (s *Server) Name() string { return s.getOpts().ServerName }

// Addr returns the client listener's address, nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil {
		return nil
	}
	return s.addr
}

// ClientURL returns "nats://host:port" for the client listener; an
// unspecified listen host is shown as 127.0.0.1.
func (s *Server) ClientURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil {
		return ""
	}
	host := s.getOpts().Host
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "nats://" + net.JoinHostPort(host, strconv.Itoa(s.addr.Port))
}

// NumClients returns the number of connected clients.
func (s *Server) NumClients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

// ClosedClients returns the most recently closed connections, oldest first.
func (s *Server) ClosedClients() []ClosedClient {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ClosedClient(nil), s.closed...)
}

// SystemAccount returns the system account, nil with no_system_account.
func (s *Server) SystemAccount() *Account { return s.accts.Load().system }

// GlobalAccount returns the global account $G.
func (s *Server) GlobalAccount() *Account { return s.accts.Load().global }

// LookupAccount returns the named account, or nil.
func (s *Server) LookupAccount(name string) *Account { return s.accts.Load().byName[name] }

// Start logs the banner, listens on the client port and starts accepting
// connections; it returns once the server is ready. A listen failure is
// logged at FTL and returned.
func (s *Server) Start() error {
	o := s.getOpts()
	s.mu.Lock()
	if s.running || s.shutdown {
		s.mu.Unlock()
		return errors.New("server: already started")
	}
	s.start = time.Now()
	s.mu.Unlock()

	s.logBanner(o)
	if err := s.startSystem(); err != nil {
		s.log.Fatalf("%v", err)
		s.stopSystem()
		return err
	}
	hp := net.JoinHostPort(o.Host, strconv.Itoa(max(o.Port, 0)))
	l, err := net.Listen("tcp", hp)
	if err != nil {
		s.stopSystem()
		s.log.Fatalf("Error listening on port: %s, %q", hp, err.Error())
		return fmt.Errorf("error listening on port: %s: %w", hp, err)
	}
	s.mu.Lock()
	s.listener = l
	s.addr = l.Addr().(*net.TCPAddr)
	s.running = true
	s.acceptDone = make(chan struct{})
	s.mu.Unlock()
	s.log.Noticef("Listening for client connections on %s",
		net.JoinHostPort(o.Host, strconv.Itoa(s.addr.Port)))
	logTLSStart(s, o)
	s.log.Noticef("Server is ready")
	go s.acceptLoop(l, s.acceptDone)
	return nil
}

func (s *Server) logBanner(o *Options) {
	s.log.Noticef("Starting nats-server")
	s.log.Noticef("  Version:  %s", Version)
	git := GitCommit
	if git == "" {
		git = "[not set]"
	}
	s.log.Noticef("  Git:      %s", git)
	s.log.Debugf("  Go build: %s", runtime.Version())
	s.log.Noticef("  Name:     %s", o.ServerName)
	s.log.Noticef("  ID:       %s", s.id)
	if hasPlaintextPasswords(o) {
		s.log.Warnf("Plaintext passwords detected, use nkeys or bcrypt")
	}
	if o.ConfigFile != "" {
		s.log.Noticef("Using configuration file: %s (%s)", o.ConfigFile, o.ConfigDigest)
	}
	if sys := s.accts.Load().system; sys != nil && sys.Name == DefaultSystemAccount {
		s.log.Debugf("Created system account: %q", sys.Name)
	}
	if o.MaxPayload > MaxPayloadWarnSize {
		s.log.Warnf("Maximum payloads over %.2f MB are generally discouraged and could lead to poor performance",
			float64(MaxPayloadWarnSize)/1024/1024)
	}
}

// acceptLoop accepts client connections until the listener is closed.
func (s *Server) acceptLoop(l net.Listener, done chan struct{}) {
	defer close(done)
	delay := 10 * time.Millisecond
	for {
		conn, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			stopping := !s.running
			s.mu.Unlock()
			if stopping || errors.Is(err, net.ErrClosed) {
				s.log.Debugf("Client accept loop exiting..")
				return
			}
			// EMFILE, ENFILE, ENOBUFS, timeouts: back off and keep
			// accepting (the listener is only gone once it is closed).
			s.log.Errorf("Temporary Client Accept Error(%v), sleeping %dms", err, delay.Milliseconds())
			time.Sleep(delay)
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 10 * time.Millisecond
		s.createClient(conn)
	}
}

// infoFor builds the INFO for a new connection.
func (s *Server) infoFor(o *Options, ac *authConfig, c *client) *Info {
	info := &Info{
		ID:           s.id,
		Name:         o.ServerName,
		Version:      ProtocolVersion,
		Proto:        ProtoLevel,
		GitCommit:    GitCommit,
		GoVersion:    runtime.Version(),
		Host:         o.Host,
		Port:         o.Port,
		Headers:      !o.NoHeaderSupport,
		AuthRequired: ac.required,
		TLSRequired:  o.TLS,
		TLSVerify:    o.TLS && o.TLSVerify,
		MaxPayload:   o.MaxPayload,
		CID:          c.cid,
		ClientIP:     c.host,
		APILevel:     APILevel,
		XKey:         s.xkey,
	}
	if s.addr != nil {
		info.Port = s.addr.Port
	}
	if len(c.nonce) > 0 {
		info.Nonce = string(c.nonce)
	}
	return info
}

// newNonce returns 11 random bytes, base64url without padding (15 chars).
func newNonce() []byte {
	var raw [nonceRawLen]byte
	_, _ = rand.Read(raw[:])
	out := make([]byte, base64.RawURLEncoding.EncodedLen(nonceRawLen))
	base64.RawURLEncoding.Encode(out, raw[:])
	return out
}

// createClient registers a new connection, sends INFO and starts its reader
// and writer goroutines.
func (s *Server) createClient(conn net.Conn) {
	o := s.getOpts()
	ac := s.auth.Load()
	if o.TLS {
		conn = &tlsConn{Conn: conn}
	}
	c := newClient(s, conn, s.cidGen.Add(1), o)
	s.totalConns.Add(1)
	if ac.nonce {
		c.nonce = newNonce()
	}
	c.parser.RequireConnect = ac.required && ac.noAuthUser == nil
	info := s.infoFor(o, ac, c)
	if ac.noAuthUser != nil && !ac.hiddenNoAuth {
		info.AuthRequired = false
	}
	infoBytes, err := appendInfo(nil, info)
	if err != nil {
		s.log.Errorf("%v", err)
		_ = conn.Close()
		return
	}
	gacc := s.GlobalAccount()
	c.acc.Store(gacc)
	c.Debugf("Client connection created")

	s.mu.Lock()
	if !s.running || s.ldm || s.shutdown {
		s.mu.Unlock()
		_ = conn.Close()
		return
	}
	if o.MaxConn < 0 || len(s.clients) >= o.MaxConn {
		s.mu.Unlock()
		s.rejectMaxConn(c, infoBytes)
		return
	}
	s.clients[c.cid] = c
	s.wg.Add(2)
	s.mu.Unlock()
	gacc.addClient(c)

	c.mu.Lock()
	if !o.TLS {
		c.enqueueLocked(infoBytes)
	}
	c.setPingTimerLocked(o.PingInterval)
	if ac.required {
		c.authTimer = time.AfterFunc(secondsToDuration(o.AuthTimeout), c.processAuthTimeout)
	}
	c.mu.Unlock()
	if o.TLS {
		// The reader goroutine handshakes, then starts the writer (tls.go).
		go c.tlsStart(o, infoBytes)
		return
	}
	go c.writeLoop()
	c.signalFlush()
	go c.readLoop()
}

// rejectMaxConn sends INFO and -ERR 'maximum connections exceeded' to a
// connection over the limit and closes it. As in the reference, the refused
// connection (account $G) is recorded for CONNZ state=closed and produces a
// DISCONNECT event (no CONNS: $G has none), and its ERR line is rate
// limited.
func (s *Server) rejectMaxConn(c *client, infoBytes []byte) {
	if c.trace.Load() {
		c.Tracef("->> [-ERR %s]", wire.ErrMaxConnectionsExceeded)
	}
	if s.allowMaxConnLog(time.Now()) {
		c.Errorf("%s", wire.ErrMaxConnectionsExceeded)
	}
	buf := append(infoBytes, "-ERR '"+wire.ErrMaxConnectionsExceeded+"'\r\n"...)
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.writeDeadline))
	_, _ = c.nc.Write(buf)
	_ = c.nc.Close()
	c.mu.Lock()
	c.closed = true
	c.reason = reasonMaxConnectionsExceeded
	c.stop = time.Now()
	c.mu.Unlock()
	s.recordClosed(c)
	c.Debugf("Client connection closed: %s", reasonMaxConnectionsExceeded)
	s.clientClosed(c, nil)
}

// allowMaxConnLog reports whether the ERR line of a max_connections refusal
// may be logged at now: at most one per maxConnErrLogInterval.
func (s *Server) allowMaxConnLog(now time.Time) bool {
	last := s.maxConnLogAt.Load()
	if last != 0 && now.UnixNano()-last < int64(maxConnErrLogInterval) {
		return false
	}
	return s.maxConnLogAt.CompareAndSwap(last, now.UnixNano())
}

func secondsToDuration(secs float64) time.Duration {
	return time.Duration(secs * float64(time.Second))
}

// removeClient unregisters a closed connection and records it.
func (s *Server) removeClient(c *client) {
	s.mu.Lock()
	delete(s.clients, c.cid)
	s.mu.Unlock()
	s.recordClosed(c)
}

func (s *Server) recordClosed(c *client) {
	c.mu.Lock()
	cc := ClosedClient{
		CID: c.cid, Host: c.host, Port: c.port, Name: c.copts.Name,
		Reason: c.reason.String(), Start: c.start, Stop: c.stop,
		InMsgs: c.inMsgs.Load(), OutMsgs: c.outMsgs.Load(),
	}
	if c.user != nil {
		cc.User = c.user.name
	}
	c.mu.Unlock()
	if acc := c.acc.Load(); acc != nil {
		cc.Account = acc.Name
	}
	max := s.getOpts().MaxClosedClients
	s.mu.Lock()
	defer s.mu.Unlock()
	if max <= 0 {
		return
	}
	if len(s.closed) >= max {
		copy(s.closed, s.closed[1:])
		s.closed = s.closed[:len(s.closed)-1]
	}
	s.closed = append(s.closed, cc)
}

// clientList returns a snapshot of the connected clients.
func (s *Server) clientList() []*client {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*client, 0, len(s.clients))
	for _, c := range s.clients {
		out = append(out, c)
	}
	return out
}

// Shutdown stops the listener and closes every client (reason "Server
// Shutdown"), then waits for their goroutines. It is idempotent.
func (s *Server) Shutdown() {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		return
	}
	s.shutdown = true
	started := !s.start.IsZero()
	s.running = false
	l := s.listener
	s.listener = nil
	acceptDone := s.acceptDone
	if s.ldmStop != nil {
		close(s.ldmStop)
		s.ldmStop = nil
	}
	s.mu.Unlock()

	s.log.Noticef("Initiating Shutdown...")
	s.stopSystem()
	if l != nil {
		_ = l.Close()
	}
	if acceptDone != nil {
		<-acceptDone
	}
	for _, c := range s.clientList() {
		c.closeConnection(reasonServerShutdown, true)
	}
	s.wg.Wait()
	if started {
		s.log.Noticef("Server Exiting..")
	}
	close(s.done)
}

// WaitForShutdown blocks until Shutdown has completed.
func (s *Server) WaitForShutdown() { <-s.done }

// ReopenLogFile re-opens the log file (SIGUSR1).
func (s *Server) ReopenLogFile() {
	isFile, err := s.log.Reopen()
	switch {
	case !isFile:
		s.log.Noticef("File log re-open ignored, not a file logger")
	case err != nil:
		s.log.Errorf("File log re-open failed: %v", err)
	default:
		s.log.Noticef("File log re-opened")
	}
}

// Stats are the server-wide message counters.
type Stats struct {
	InMsgs           int64
	InBytes          int64
	OutMsgs          int64
	OutBytes         int64
	SlowConsumers    int64
	TotalConnections uint64
}

// Stats returns a snapshot of the server-wide counters.
func (s *Server) Stats() Stats {
	return Stats{
		InMsgs:           s.inMsgs.Load(),
		InBytes:          s.inBytes.Load(),
		OutMsgs:          s.outMsgs.Load(),
		OutBytes:         s.outBytes.Load(),
		SlowConsumers:    s.slowConsumers.Load(),
		TotalConnections: s.totalConns.Load(),
	}
}
