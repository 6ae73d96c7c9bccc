package server_test

import (
	"testing"
	"time"

	"github.com/natsys/natsys/server/natstest"
)

// TestAccountLimitsBoth runs the account limits of config.md §2.10 on the
// in-process server and the reference: connections beyond max_connections
// get -ERR 'maximum account active connections exceeded' and are closed,
// max_subscriptions counts per connection and does not close, max_payload
// is advertised in the connect-info INFO and enforced.
func TestAccountLimitsBoth(t *testing.T) {
	conf := `accounts {
  A: { users: [{user: a, password: a}], limits: {max_connections: 2, max_subscriptions: 2, max_payload: 8} }
  B: { users: [{user: b, password: b}] }
}
`
	impBoth(t, conf, func(t *testing.T, url string) {
		a1 := natstest.Dial(t, url)
		a1.Send(connectLine(`"user":"a","pass":"a","protocol":1`) + "PING\r\n")
		a1.Expect("PONG\r\n")
		if info := natstest.ParseInfo(t, a1.ReadLine()); info["max_payload"] != 8.0 {
			t.Fatalf("connect-info max_payload %v", info["max_payload"])
		}
		a2 := impLogin(t, url, "a", "")
		a3 := natstest.Dial(t, url)
		a3.Send(connectLine(`"user":"a","pass":"a"`))
		a3.Expect("-ERR 'maximum account active connections exceeded'\r\n")
		a3.ExpectClosed()
		// Other accounts are not limited by A's limits.
		b := impLogin(t, url, "b", "")
		b.Send("SUB x 1\r\nSUB y 2\r\nSUB z 3\r\nPUB x 9\r\n123456789\r\n")
		impExpect(t, impDrain(t, b), "MSG x 1  123456789")
		a1.Send("SUB x 1\r\nSUB y 2\r\nSUB z 3\r\n")
		impExpect(t, impDrain(t, a1), "-ERR 'maximum subscriptions exceeded'")
		a2.Send("SUB x 1\r\nSUB y 2\r\n")
		impExpect(t, impDrain(t, a2))
		a1.Send("PUB x 8\r\n12345678\r\n")
		impExpect(t, impDrain(t, a1), "MSG x 1  12345678")
		a1.Send("PUB x 9\r\n")
		a1.Expect("-ERR 'Maximum Payload Violation'\r\n")
		a1.ExpectClosed()
		// The closed connection frees its slot (soon after the socket
		// closed).
		deadline := time.Now().Add(2 * time.Second)
		for {
			c := natstest.Dial(t, url)
			c.Send(connectLine(`"user":"a","pass":"a"`) + "PING\r\n")
			if line := c.ReadLine(); line == "PONG\r\n" {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("third connection after a close: %q", line)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}
