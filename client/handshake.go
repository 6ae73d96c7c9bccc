package client

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"
)

// dial connects to srv and runs the handshake: [TLS,] INFO, [TLS,] CONNECT
// and PING, answered by PONG or -ERR. The whole exchange is bounded by the
// Timeout option and aborted by Close.
func (c *Conn) dial(srv *server) (*socket, *ServerInfo, error) {
	o := &c.opts
	ctx, cancel := context.WithTimeout(c.closeCtx, o.timeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", srv.url.Host)
	if err != nil {
		return nil, nil, fmt.Errorf("client: dial %s: %w", srv.url.Host, err)
	}
	// Unblock reads and writes when the timeout passes or Close is called.
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	s, info, err := c.handshake(nc, srv)
	if !stop() || err != nil {
		nc.Close()
		if err == nil {
			err = fmt.Errorf("client: handshake with %s: %w", srv.url.Host, context.Cause(ctx))
		}
		return nil, nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	return s, info, nil
}

func (c *Conn) handshake(nc net.Conn, srv *server) (*socket, *ServerInfo, error) {
	o := &c.opts
	host := srv.url.Host
	conn := nc
	secure := o.secure || srv.url.Scheme == "tls"
	tlsDone := false
	if o.tlsFirst {
		tc, err := c.upgradeTLS(conn, srv)
		if err != nil {
			return nil, nil, err
		}
		conn, tlsDone = tc, true
	}
	br := bufio.NewReaderSize(conn, handshakeBufSize)
	line, err := readLine(br)
	if err != nil {
		return nil, nil, fmt.Errorf("client: read INFO from %s: %w", host, err)
	}
	info, err := parseInfo(line)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %s: %w", host, err)
	}
	if !tlsDone {
		switch {
		case secure && !info.TLSRequired && !info.TLSAvailable:
			return nil, nil, fmt.Errorf("%w: %s offers no TLS", ErrSecureConnWanted, host)
		case secure || info.TLSRequired:
			tc, err := c.upgradeTLS(conn, srv)
			if err != nil {
				return nil, nil, err
			}
			conn, secure = tc, true
			br = bufio.NewReaderSize(conn, handshakeBufSize)
		}
	}
	cj, err := o.connectJSON(info, srv.url, secure || tlsDone)
	if err != nil {
		return nil, nil, err
	}
	msg := make([]byte, 0, len(cj)+16)
	msg = append(msg, "CONNECT "...)
	msg = append(msg, cj...)
	msg = append(msg, "\r\nPING\r\n"...)
	if _, err := conn.Write(msg); err != nil {
		return nil, nil, fmt.Errorf("client: write CONNECT to %s: %w", host, err)
	}
	if err := awaitPong(conn, br, info); err != nil {
		return nil, nil, fmt.Errorf("client: connect to %s: %w", host, err)
	}
	s := &socket{
		conn: conn, br: br, srv: srv,
		kick: make(chan struct{}, 1), done: make(chan struct{}), flusherDone: make(chan struct{}),
	}
	return s, info, nil
}

// awaitPong reads the server's answer to CONNECT+PING.
func awaitPong(conn net.Conn, br *bufio.Reader, info *ServerInfo) error {
	for {
		line, err := readLine(br)
		if err != nil {
			return err
		}
		op, arg, _ := bytes.Cut(line, []byte(" "))
		switch string(bytes.ToUpper(op)) {
		case "PONG":
			return nil
		case "+OK":
		case "PING":
			if _, err := conn.Write([]byte("PONG\r\n")); err != nil {
				return err
			}
		case "INFO":
			ni, err := parseInfo(line)
			if err != nil {
				return err
			}
			*info = *ni
		case "-ERR":
			return &ServerError{Text: string(unquoteErr(arg))}
		default:
			return fmt.Errorf("%w: unexpected %q during handshake", ErrProtocol, line)
		}
	}
}

// readLine reads one line without its CR LF.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		full := append([]byte(nil), line...)
		rest, err := br.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		line = append(full, rest...)
	} else if err != nil {
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// parseInfo decodes an "INFO {...}" line.
func parseInfo(line []byte) (*ServerInfo, error) {
	op, arg, ok := bytes.Cut(line, []byte(" "))
	if !ok || !bytes.EqualFold(op, []byte("INFO")) {
		if bytes.HasPrefix(line, []byte("-ERR")) {
			return nil, &ServerError{Text: string(unquoteErr(bytes.TrimSpace(line[4:])))}
		}
		return nil, fmt.Errorf("%w: expected INFO, got %q", ErrProtocol, line)
	}
	info := &ServerInfo{}
	if err := json.Unmarshal(arg, info); err != nil {
		return nil, fmt.Errorf("%w: bad INFO: %w", ErrProtocol, err)
	}
	return info, nil
}

func unquoteErr(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) >= 2 && b[0] == '\'' && b[len(b)-1] == '\'' {
		return b[1 : len(b)-1]
	}
	return b
}

// upgradeTLS runs a TLS client handshake over conn.
func (c *Conn) upgradeTLS(conn net.Conn, srv *server) (net.Conn, error) {
	cfg, err := c.opts.tlsConfigFor(srv)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(conn, cfg)
	if err := tc.Handshake(); err != nil {
		return nil, fmt.Errorf("client: TLS handshake with %s: %w", srv.url.Host, err)
	}
	return tc, nil
}
