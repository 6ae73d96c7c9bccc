package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/natsys/natsys/client"
)

// slowMsgSize is the payload size used to fill a slow consumer.
const slowMsgSize = 32 * 1024

// slow: every cfg.slowEach a raw subscriber stops reading while a raw
// publisher sends cfg.slowMiB MiB to it; the server must close it.
type slow struct {
	cfg      config
	wg       sync.WaitGroup
	started  atomic.Int64
	closed   atomic.Int64
	firstErr atomic.Pointer[string]
}

func (s *slow) name() string { return "slow consumers" }

func (s *slow) start(ctx context.Context) error {
	addr := strings.TrimPrefix(s.cfg.url, "nats://")
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.cfg.slowEach)
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			s.started.Add(1)
			if err := s.one(addr, n); err != nil {
				e := err.Error()
				s.firstErr.CompareAndSwap(nil, &e)
				continue
			}
			s.closed.Add(1)
		}
	}()
	return nil
}

// rawConn is a protocol connection without the client library.
type rawConn struct {
	nc net.Conn
	br *bufio.Reader
}

func dialRaw(addr string) (*rawConn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	rc := &rawConn{nc: nc, br: bufio.NewReader(nc)}
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	if line, err := rc.br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "INFO ") {
		_ = nc.Close()
		return nil, fmt.Errorf("reading INFO %q: %w", line, err)
	}
	return rc, nil
}

// roundTrip sends what and a PING, then waits for the PONG (answering
// server PINGs on the way).
func (rc *rawConn) roundTrip(what string) error {
	if _, err := rc.nc.Write([]byte(what + "PING\r\n")); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	for {
		line, err := rc.br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("waiting for PONG: %w", err)
		}
		switch line {
		case "PONG\r\n":
			return nil
		case "PING\r\n":
			if _, err := rc.nc.Write([]byte("PONG\r\n")); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		default:
			return fmt.Errorf("waiting for PONG: got %q", line)
		}
	}
}

// one runs a slow consumer to its close.
func (s *slow) one(addr string, n int) error {
	const connect = "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"soak-slow\"}\r\n"
	subj := fmt.Sprintf("soak.slow.%d", n)
	sub, err := dialRaw(addr)
	if err != nil {
		return err
	}
	defer sub.nc.Close()
	// (No SetReadBuffer here: a receive buffer below the MSS keeps the
	// TCP window shut, and the drain below would stall after the close.)
	if err := sub.roundTrip(connect + "SUB " + subj + " 1\r\n"); err != nil {
		return fmt.Errorf("slow subscriber: %w", err)
	}
	pub, err := dialRaw(addr)
	if err != nil {
		return err
	}
	defer pub.nc.Close()
	msg := []byte(fmt.Sprintf("PUB %s %d\r\n%s\r\n", subj, slowMsgSize, strings.Repeat("s", slowMsgSize)))
	batch := []byte(strings.Repeat(string(msg), 32)) // 1 MiB
	if _, err := pub.nc.Write([]byte(connect)); err != nil {
		return err
	}
	for range s.cfg.slowMiB {
		if _, err := pub.nc.Write(batch); err != nil {
			return fmt.Errorf("slow publisher: %w", err)
		}
	}
	if err := pub.roundTrip(""); err != nil {
		return fmt.Errorf("slow publisher: %w", err)
	}
	// Drain what the kernel buffered; the server must have closed us.
	_ = sub.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	buf := make([]byte, 256*1024)
	for {
		_, err := sub.nc.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return errors.New("slow consumer still open 20s after its publisher finished")
		}
		return nil
	}
}

func (s *slow) finish() { s.wg.Wait() }

func (s *slow) check(r *report, _ time.Duration) {
	r.check(s.started.Load() > 0 && s.closed.Load() == s.started.Load(),
		"slow consumers: %d started, %d closed by the server %s", s.started.Load(), s.closed.Load(), deref(s.firstErr.Load()))
}

func (s *slow) stop() {}

// sysPoll polls $SYS.REQ.SERVER.PING.VARZ and CONNZ every second from the
// system account, when credentials were given.
type sysPoll struct {
	cfg         config
	h           health
	conn        *client.Conn
	wg          sync.WaitGroup
	replies     atomic.Int64
	failures    atomic.Int64
	unavailable atomic.Bool
	firstErr    atomic.Pointer[string]
}

func (p *sysPoll) name() string { return "$SYS.REQ polling" }

func (p *sysPoll) start(ctx context.Context) error {
	if p.cfg.sysUser == "" {
		return nil
	}
	c, err := client.Connect(p.cfg.url, append(p.h.options("soak-sys"), client.UserInfo(p.cfg.sysUser, p.cfg.sysPass))...)
	if err != nil {
		return err
	}
	p.conn = c
	if _, err := p.request("VARZ"); errors.Is(err, errNotAvailable) {
		p.unavailable.Store(true)
		return nil
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			for _, ep := range []string{"VARZ", "CONNZ", "SUBSZ"} {
				if _, err := p.request(ep); err != nil {
					p.failures.Add(1)
					s := ep + ": " + err.Error()
					p.firstErr.CompareAndSwap(nil, &s)
				} else {
					p.replies.Add(1)
				}
			}
		}
	}()
	return nil
}

// request asks $SYS.REQ.SERVER.PING.<ep> and returns the reply's data.
func (p *sysPoll) request(ep string) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := p.conn.Request(ctx, "$SYS.REQ.SERVER.PING."+ep, nil)
	if errors.Is(err, client.ErrNoResponders) {
		return nil, errNotAvailable
	}
	if err != nil {
		return nil, err
	}
	var env struct {
		Data  map[string]any `json:"data"`
		Error any            `json:"error"`
	}
	if err := json.Unmarshal(m.Data, &env); err != nil {
		return nil, fmt.Errorf("decoding %s reply: %w", ep, err)
	}
	if env.Error != nil || env.Data == nil {
		return nil, fmt.Errorf("%s reply: %s", ep, m.Data)
	}
	return env.Data, nil
}

func (p *sysPoll) finish() { p.wg.Wait() }

func (p *sysPoll) check(r *report, _ time.Duration) {
	switch {
	case p.cfg.sysUser == "":
		r.figure("$SYS.REQ: no -sys-user, not polled")
		return
	case p.unavailable.Load():
		r.figure("$SYS.REQ: no responder (services not available in this build), not polled")
		return
	}
	r.check(p.failures.Load() == 0 && p.replies.Load() > 0, "$SYS.REQ: %d replies, %d failed %s",
		p.replies.Load(), p.failures.Load(), deref(p.firstErr.Load()))
	if v, err := p.request("VARZ"); err == nil {
		r.figure("$SYS.REQ VARZ at the end: slow_consumers %v, total_connections %v, in_msgs %v, out_msgs %v",
			v["slow_consumers"], v["total_connections"], v["in_msgs"], v["out_msgs"])
	}
	p.h.check(r, "$SYS.REQ")
}

func (p *sysPoll) stop() {
	if p.conn != nil {
		p.conn.Close()
	}
}
