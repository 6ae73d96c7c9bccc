package clitest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/record"
)

// AuthConf is a server configuration with the users the CLI tests use:
// "admin" may do anything; "limited" may not publish to forbidden.> nor
// subscribe to secret.>.
const AuthConf = `
authorization {
  users: [
    {user: admin, password: "` + AdminPassword + `"}
    {user: limited, password: "` + LimitedPassword + `", permissions: {
      publish: {deny: ["forbidden.>"]}
      subscribe: {deny: ["secret.>"]}
    }}
  ]
}
`

// Passwords of AuthConf's users (long enough to be redacted by value).
const (
	AdminPassword   = "Adm1n-S3cret-pw"
	LimitedPassword = "L1mited-S3cret-pw"
)

// TokenConf is a server configuration with token authentication.
const TokenConf = `authorization { token: "` + Token + `" }`

// Token is TokenConf's token.
const Token = "T0ken-S3cret-value"

// Connect opens a test connection (our client) as user/password ("" for none).
func Connect(t testing.TB, url, user, pass string) natsconn.Conn {
	t.Helper()
	s := &connflags.Settings{Servers: []string{url}, User: user, Password: pass, Name: "clitest", ConnectTimeout: 5 * time.Second}
	c, err := natsconn.Dial(context.Background(), s, natsconn.Events{})
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(c.Close)
	return c
}

// ConnectToken opens a test connection with token authentication.
func ConnectToken(t testing.TB, url, token string) natsconn.Conn {
	t.Helper()
	s := &connflags.Settings{Servers: []string{url}, Token: token, Name: "clitest", ConnectTimeout: 5 * time.Second}
	c, err := natsconn.Dial(context.Background(), s, natsconn.Events{})
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(c.Close)
	return c
}

// Collector gathers the messages of a subscription.
type Collector struct {
	mu   sync.Mutex
	msgs []*record.Message
	more chan struct{}
}

// Collect subscribes to subject on c (and flushes, so the interest is
// known to the server when Collect returns).
func Collect(t testing.TB, c natsconn.Conn, subject string) *Collector {
	t.Helper()
	col := &Collector{more: make(chan struct{}, 1)}
	if _, err := c.Subscribe(subject, "", func(m *record.Message) {
		col.mu.Lock()
		col.msgs = append(col.msgs, m)
		col.mu.Unlock()
		select {
		case col.more <- struct{}{}:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return col
}

// Wait returns the first n messages, failing the test if they do not arrive.
func (col *Collector) Wait(t testing.TB, n int) []*record.Message {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		col.mu.Lock()
		if len(col.msgs) >= n {
			out := append([]*record.Message(nil), col.msgs[:n]...)
			col.mu.Unlock()
			return out
		}
		have := len(col.msgs)
		col.mu.Unlock()
		select {
		case <-col.more:
		case <-deadline:
			t.Fatalf("received %d of %d messages", have, n)
		}
	}
}

// Count returns how many messages arrived so far.
func (col *Collector) Count() int {
	col.mu.Lock()
	defer col.mu.Unlock()
	return len(col.msgs)
}

// Publish publishes messages on c and flushes.
func Publish(t testing.TB, c natsconn.Conn, msgs ...*record.Message) {
	t.Helper()
	for _, m := range msgs {
		if err := c.Publish(m); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}
