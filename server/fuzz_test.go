package server_test

import (
	"net"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// FuzzServerInput sends arbitrary bytes on a client connection (protocol.md
// §10 item 70): the server must not crash, and another connection must keep
// working afterwards.
func FuzzServerInput(f *testing.F) {
	// Seeds: testdata/fuzz/FuzzServerInput (every verb, errors, headers).
	o := server.DefaultOptions()
	o.MaxPayload = 4096
	s := natstest.RunServerOpts(f, o)
	addr := natstest.HostPort(s.ClientURL())
	f.Fuzz(func(t *testing.T, data []byte) {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = nc.SetDeadline(time.Now().Add(2 * time.Second))
		_, _ = nc.Write(data)
		var buf [4096]byte
		_ = nc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		for {
			if _, err := nc.Read(buf[:]); err != nil {
				break
			}
		}
		_ = nc.Close()
		c := natstest.Dial(t, addr)
		c.Send("PING\r\n")
		c.Expect("PONG\r\n")
		c.Close()
	})
}
