package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// waitClosedReason waits until the server recorded a closed connection with
// reason and returns it.
func waitClosedReason(t *testing.T, s *server.Server, reason string) server.ClosedClient {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, cc := range s.ClosedClients() {
			if cc.Reason == reason {
				return cc
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection closed with reason %q; closed: %+v", reason, s.ClosedClients())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseReasons(t *testing.T) {
	tests := []struct {
		name   string
		opts   func(o *server.Options)
		send   string
		reason string
	}{
		{"client closed", nil, "", "Client Closed"},
		{"protocol violation", nil, c0 + "FOO\r\n", "Protocol Violation"},
		{"bad connect json", nil, "CONNECT {\"verbose\":\"yes\"}\r\n", "Protocol Violation"},
		{"max payload", func(o *server.Options) { o.MaxPayload = 16 }, c0 + "PUB a 17\r\n", "Maximum Message Payload Exceeded"},
		{"max control line", func(o *server.Options) { o.MaxControlLine = 64 }, c0 + "SUB " + strings.Repeat("a", 70) + " 1\r\n",
			"Maximum Control Line Exceeded"},
		{"bad protocol", nil, "CONNECT {\"protocol\":2}\r\n", "Bad Client Protocol Version"},
		{"no responders", nil, "CONNECT {\"no_responders\":true}\r\n", "No Responders Requires Headers"},
		{"client err", nil, c0 + "-ERR 'boom'\r\n", "Parse Error"},
		{"auth failure", func(o *server.Options) { o.Authorization = "tok" }, "CONNECT {}\r\n", "Authentication Failure"},
		{"hpub without headers", nil, c0 + "HPUB a 12 12\r\nNATS/1.0\r\n\r\n\r\n", "Protocol Violation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := server.DefaultOptions()
			if tc.opts != nil {
				tc.opts(o)
			}
			s := natstest.RunServerOpts(t, o)
			c := natstest.Dial(t, s.ClientURL())
			if tc.send == "" {
				c.Close()
			} else {
				c.Send(tc.send)
			}
			waitClosedReason(t, s, tc.reason)
		})
	}
}

func TestAuthTimeout(t *testing.T) {
	o := server.DefaultOptions()
	o.Authorization = "tok"
	o.AuthTimeout = 0.3
	s := natstest.RunServerOpts(t, o)
	c := natstest.Dial(t, s.ClientURL())
	c.Send("CONN") // a partial CONNECT does not stop the timer
	start := time.Now()
	c.Expect("-ERR 'Authentication Timeout'\r\n")
	c.ExpectClosed()
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Fatalf("auth timeout after %v", d)
	}
	waitClosedReason(t, s, "Authentication Timeout")

	ok := natstest.Dial(t, s.ClientURL())
	ok.Send("CONNECT {\"verbose\":false,\"auth_token\":\"tok\"}\r\n")
	ok.ExpectNothing(500 * time.Millisecond)
	ok.Send("PING\r\n")
	ok.Expect("PONG\r\n")
}

func TestStaleConnection(t *testing.T) {
	o := server.DefaultOptions()
	o.PingInterval = 300 * time.Millisecond
	o.MaxPingsOut = 2
	s := natstest.RunServerOpts(t, o)
	c := natstest.Dial(t, s.ClientURL())
	c.Send(c0)
	c.Expect("PING\r\n")
	c.Expect("PING\r\n")
	c.Expect("-ERR 'Stale Connection'\r\n")
	c.ExpectClosed()
	waitClosedReason(t, s, "Stale Connection")

	// A client answering every PING stays connected.
	alive := natstest.Dial(t, s.ClientURL())
	alive.Send(c0)
	for range 4 {
		alive.Expect("PING\r\n")
		alive.Send("PONG\r\n")
	}
	alive.Send("PING\r\n")
	alive.Expect("PONG\r\n")
}

func TestFirstPingAfterConnect(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 2.5s")
	}
	s := natstest.RunServerOpts(t, nil)
	c := natstest.Dial(t, s.ClientURL())
	c.Send(c0)
	start := time.Now()
	c.Expect("PING\r\n")
	if d := time.Since(start); d < 1900*time.Millisecond || d > 2600*time.Millisecond {
		t.Fatalf("first PING after %v, want 1.9s-2.6s", d)
	}
}

func TestMaxConnections(t *testing.T) {
	o := server.DefaultOptions()
	o.MaxConn = 1
	s := natstest.RunServerOpts(t, o)
	first := natstest.Dial(t, s.ClientURL())
	second := natstest.Dial(t, s.ClientURL())
	second.Expect("-ERR 'maximum connections exceeded'\r\n")
	second.ExpectClosed()
	waitClosedReason(t, s, "Maximum Connections Exceeded")
	first.Send("PING\r\n")
	first.Expect("PONG\r\n")
	if n := s.NumClients(); n != 1 {
		t.Fatalf("NumClients = %d, want 1", n)
	}

	// A configured max_connections of 0 reaches the server as -1: nobody gets in.
	o = server.DefaultOptions()
	o.MaxConn = -1
	s = natstest.RunServerOpts(t, o)
	c := natstest.Dial(t, s.ClientURL())
	c.Expect("-ERR 'maximum connections exceeded'\r\n")
	c.ExpectClosed()
}

func TestSlowConsumerPendingBytes(t *testing.T) {
	o := server.DefaultOptions()
	o.MaxPending = 64 * 1024
	o.MaxPayload = 1024
	s := natstest.RunServerOpts(t, o)
	sub := natstest.Dial(t, s.ClientURL())
	sub.Send(c0 + "SUB foo 1\r\nPING\r\n")
	sub.Expect("PONG\r\n")
	// Stop reading on sub; shrink its receive buffer so the server's writes block.
	pub := natstest.Dial(t, s.ClientURL())
	pub.Send(c0)
	msg := "PUB foo 1000\r\n" + strings.Repeat("x", 1000) + "\r\n"
	batch := strings.Repeat(msg, 100)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		pub.Send(batch)
		for _, cc := range s.ClosedClients() {
			if cc.Reason == "Slow Consumer (Pending Bytes)" {
				return
			}
		}
	}
	t.Fatalf("no slow consumer close; closed: %+v", s.ClosedClients())
}

func TestSlowConsumerWriteDeadline(t *testing.T) {
	o := server.DefaultOptions()
	o.WriteDeadline = 200 * time.Millisecond
	s := natstest.RunServerOpts(t, o)
	sub := natstest.Dial(t, s.ClientURL())
	sub.Send(c0 + "SUB foo 1\r\nPING\r\n")
	sub.Expect("PONG\r\n")
	pub := natstest.Dial(t, s.ClientURL())
	pub.Send(c0)
	msg := "PUB foo 10000\r\n" + strings.Repeat("x", 10000) + "\r\n"
	batch := strings.Repeat(msg, 20)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		pub.Send(batch)
		for _, cc := range s.ClosedClients() {
			if cc.Reason == "Slow Consumer (Write Deadline)" {
				return
			}
		}
	}
	t.Fatalf("no write deadline close; closed: %+v", s.ClosedClients())
}

// TestFlowControlStallsPublisher: a subscriber that reads slowly but steadily
// is not disconnected; the publisher is stalled instead (protocol.md §7.3).
func TestFlowControlStallsPublisher(t *testing.T) {
	o := server.DefaultOptions()
	o.MaxPending = 256 * 1024
	o.MaxPayload = 1024
	s := natstest.RunServerOpts(t, o)
	sub := natstest.Dial(t, s.ClientURL())
	sub.Send(c0 + "SUB foo 1\r\nPING\r\n")
	sub.Expect("PONG\r\n")
	const n, size = 4000, 1000
	msgLen := len("MSG foo 1 1000\r\n") + size + 2
	got := make(chan int, 1)
	go func() {
		nc := sub.NetConn()
		var buf [16 * 1024]byte
		total := 0
		for total < n*msgLen {
			_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			k, err := nc.Read(buf[:])
			total += k
			if err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		got <- total
	}()
	pub := natstest.Dial(t, s.ClientURL())
	pub.Send(c0)
	pub.Send(strings.Repeat("PUB foo 1000\r\n"+strings.Repeat("x", size)+"\r\n", n))
	if total := <-got; total != n*msgLen {
		t.Fatalf("subscriber got %d bytes, want %d; closed: %+v", total, n*msgLen, s.ClosedClients())
	}
	if st := s.Stats(); st.SlowConsumers != 0 {
		t.Fatalf("slow consumers %d", st.SlowConsumers)
	}
}
