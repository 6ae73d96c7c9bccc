package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// TLS on the client port (config.md §2.6, protocol.md §2.1).
//
// A TLS connection is accepted like any other, with c.nc a *tlsConn around
// the socket, but its reader goroutine first completes the handshake
// (tlsStart): INFO is written in clear text and the client then starts TLS,
// or, with handshake_first, the handshake comes first and INFO follows over
// TLS. The writer goroutine starts only once the *tls.Conn is in place.

// tlsRecordHandshake is the first byte of a TLS handshake record.
const tlsRecordHandshake = 0x16

// clientTLSConfig returns the TLS configuration for a new connection (the
// running options', so a reload applies to the next handshake).
func clientTLSConfig(o *Options) *tls.Config {
	if o.TLSConfig != nil {
		return o.TLSConfig
	}
	// A tls block without certificate: TLS is required but no handshake
	// can succeed, like the reference.
	return &tls.Config{MinVersion: tls.VersionTLS12}
}

// tlsStart runs on the reader goroutine of a TLS connection: it performs
// the handshake (in the configured order), sends INFO, starts the writer and
// goes on with the read loop. infoBytes is the greeting.
func (c *client) tlsStart(o *Options, infoBytes []byte) {
	ok := c.tlsHandshake(o, infoBytes)
	go c.writeLoop()
	if !ok {
		c.srv.wg.Done()
		return
	}
	c.signalFlush()
	c.readLoop()
}

// tlsHandshake performs the handshake with the configured order; it reports
// whether the connection may go on (the INFO to send over TLS, if any, is
// queued). On failure the connection is closed.
func (c *client) tlsHandshake(o *Options, infoBytes []byte) bool {
	wrapper := c.nc.(*tlsConn)
	var raw net.Conn = wrapper.Conn
	infoFirst := !o.TLSHandshakeFirst
	if o.TLSHandshakeFirst && o.TLSHandshakeFirstFallback > 0 {
		// "auto": wait a little for a ClientHello, else behave like a
		// server that sends INFO first.
		pc, got := peekConn(raw, o.TLSHandshakeFirstFallback)
		raw = pc
		infoFirst = !got
	}
	if infoFirst {
		_ = raw.SetWriteDeadline(time.Now().Add(c.writeDeadline))
		if _, err := raw.Write(infoBytes); err != nil {
			c.closeConnection(reasonWriteError, false)
			return false
		}
		_ = raw.SetWriteDeadline(time.Time{})
	}
	c.Debugf("Starting TLS client connection handshake")
	tc := tls.Server(raw, clientTLSConfig(o))
	timeout := secondsToDuration(o.TLSTimeout)
	_ = raw.SetReadDeadline(time.Now().Add(timeout))
	c.mu.Lock()
	c.tlsPending = true
	closed := c.closed
	c.mu.Unlock()
	var err error
	if closed {
		err = errConnClosed
	} else {
		err = tc.Handshake()
	}
	c.mu.Lock()
	c.tlsPending = false
	c.mu.Unlock()
	if err != nil {
		c.tlsFailed(err)
		return false
	}
	_ = raw.SetReadDeadline(time.Time{})
	cs := tc.ConnectionState()
	c.Debugf("TLS handshake complete")
	c.Debugf("TLS version %s, cipher suite %s", tlsVersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite))
	wrapper.tc = tc
	c.mu.Lock()
	c.tlsState = &cs
	if !infoFirst {
		c.enqueueLocked(infoBytes)
	}
	c.mu.Unlock()
	return true
}

// tlsFailed logs a failed handshake and closes the connection.
func (c *client) tlsFailed(err error) {
	var ne net.Error
	timeout := errors.As(err, &ne) && ne.Timeout()
	var rh tls.RecordHeaderError
	switch {
	case errors.Is(err, errConnClosed):
		return
	case timeout || errors.As(err, &rh) || errors.Is(err, io.EOF) || errors.Is(err, os.ErrDeadlineExceeded):
		c.Debugf("TLS handshake error: %v", err)
	default:
		c.Errorf("TLS handshake error: %v", err)
	}
	c.closeConnection(reasonTLSHandshake, false)
	if timeout {
		c.Debugf("TLS handshake timeout")
	}
}

// tlsVersionName returns "1.2" or "1.3" for a TLS version.
func tlsVersionName(v uint16) string {
	return strings.TrimPrefix(tls.VersionName(v), "TLS ")
}

// tlsConn is the connection of a TLS client: the socket until the
// handshake completed, the *tls.Conn afterwards. tc is set by the reader
// goroutine before the writer goroutine starts, and read only by those two.
type tlsConn struct {
	net.Conn
	tc *tls.Conn
}

// Read reads from the TLS connection once there is one.
func (t *tlsConn) Read(b []byte) (int, error) {
	if t.tc != nil {
		return t.tc.Read(b)
	}
	return t.Conn.Read(b)
}

// Write writes to the TLS connection once there is one.
func (t *tlsConn) Write(b []byte) (int, error) {
	if t.tc != nil {
		return t.tc.Write(b)
	}
	return t.Conn.Write(b)
}

// prefixConn is a connection whose first bytes were already read.
type prefixConn struct {
	net.Conn
	pre []byte
}

// Read returns the peeked bytes first.
func (p *prefixConn) Read(b []byte) (int, error) {
	if len(p.pre) > 0 {
		n := copy(b, p.pre)
		p.pre = p.pre[n:]
		return n, nil
	}
	return p.Conn.Read(b)
}

// peekConn waits up to wait for the client to send something; it returns a
// connection that replays what was read and whether anything arrived.
func peekConn(nc net.Conn, wait time.Duration) (net.Conn, bool) {
	_ = nc.SetReadDeadline(time.Now().Add(wait))
	var b [1]byte
	n, _ := nc.Read(b[:])
	_ = nc.SetReadDeadline(time.Time{})
	if n == 0 {
		return nc, false
	}
	return &prefixConn{Conn: nc, pre: []byte{b[0]}}, true
}

// tlsPeerCert returns the client's certificate, nil without TLS or when the
// client sent none.
func (c *client) tlsPeerCert() (*x509.Certificate, int) {
	c.mu.Lock()
	cs := c.tlsState
	c.mu.Unlock()
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return nil, 0
	}
	chain := 0
	if len(cs.VerifiedChains) > 0 {
		chain = len(cs.VerifiedChains[0])
	}
	return cs.PeerCertificates[0], chain
}

// certIdentity is one candidate user name taken from a client certificate,
// with the words the reference uses to log it.
type certIdentity struct {
	what  string // "email", "SAN", "URI", "DistinguishedNameMatch"
	names []string
}

// certIdentities lists the names a certificate may map to, in the
// reference's order: e-mail addresses, DNS names, URIs, then the subject's
// distinguished name (RFC 2253 order, and reversed).
func certIdentities(cert *x509.Certificate) []certIdentity {
	var out []certIdentity
	for _, e := range cert.EmailAddresses {
		out = append(out, certIdentity{what: "email", names: []string{e}})
	}
	for _, d := range cert.DNSNames {
		out = append(out, certIdentity{what: "SAN", names: []string{d}})
	}
	for _, u := range cert.URIs {
		out = append(out, certIdentity{what: "URI", names: []string{u.String()}})
	}
	dn := cert.Subject.String()
	names := []string{dn}
	if rev := reverseDN(dn); rev != dn {
		names = append(names, rev)
	}
	out = append(out, certIdentity{what: "DistinguishedNameMatch", names: names})
	return out
}

// reverseDN reverses the order of the RDNs of an RFC 2253 name.
func reverseDN(dn string) string {
	var parts []string
	start := 0
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			parts = append(parts, dn[start:i])
			start = i + 1
		}
	}
	parts = append(parts, dn[start:])
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ",")
}

// mapCertUser finds the user a client certificate maps to (verify_and_map),
// logging the reference's debug lines; it returns nil when none matches.
func (c *client) mapCertUser(ac *authConfig) *authUser {
	cert, chain := c.tlsPeerCert()
	if cert == nil {
		return nil
	}
	if chain > 1 {
		c.Debugf("Multiple peer certificates found, selecting first")
	}
	ids := certIdentities(cert)
	for _, id := range ids {
		for _, n := range id.names {
			if u := ac.users[n]; u != nil {
				if id.what == "DistinguishedNameMatch" {
					c.Debugf("Using %s for auth %q", id.what, []string{n})
				} else {
					c.Debugf("Using %s found in cert for auth %q", id.what, []string{n})
				}
				return u
			}
		}
	}
	dn := ids[len(ids)-1].names[0]
	c.Debugf("DistinguishedNameMatch could not be used for auth %q", []string{dn})
	c.Debugf("User in cert %q, not found", []string{dn})
	return nil
}

// logTLSStart logs the TLS lines of the start-up sequence (config.md §6.3).
func logTLSStart(s *Server, o *Options) {
	if !o.TLS {
		return
	}
	s.log.Noticef("TLS required for client connections")
	if o.TLSHandshakeFirst && o.TLSHandshakeFirstFallback == 0 {
		s.log.Warnf("Clients that are not using %q option will fail to connect", "TLS Handshake First")
	}
}
