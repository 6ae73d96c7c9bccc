package natsconn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/natsys/natsys/client"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/record"
)

// Dial connects with the natsys client library. Errors are classified: bad
// options exit 2, refused credentials exit 5, anything else exit 4.
// Cancelling ctx abandons a connect in progress.
func Dial(ctx context.Context, s *connflags.Settings, ev Events) (Conn, error) {
	c, err := DialClient(ctx, s, ev)
	if err != nil {
		return nil, err
	}
	return &conn{c: c}, nil
}

// DialClient is Dial returning the client library's connection itself, for
// tools that use the client's own API (nats-sys through client/sys). The
// settings are mapped to client options in one place for every tool.
func DialClient(ctx context.Context, s *connflags.Settings, ev Events) (*client.Conn, error) {
	opts, err := options(s, ev)
	if err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	type result struct {
		c   *client.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := client.Connect(s.ServerList(), opts...)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, Classify(s, r.err)
		}
		return r.c, nil
	case <-ctx.Done():
		go func() {
			if r := <-done; r.c != nil {
				r.c.Close()
			}
		}()
		return nil, exit.WithCode(exit.NoConnection, fmt.Errorf("cannot connect to %s: %w", s.ServerList(), context.Cause(ctx)))
	}
}

// options maps settings and callbacks to client options.
func options(s *connflags.Settings, ev Events) ([]client.Option, error) {
	opts := []client.Option{client.Name(s.Name), client.Timeout(s.ConnectTimeout)}
	switch {
	case s.User != "":
		opts = append(opts, client.UserInfo(s.User, s.Password))
	case s.Token != "":
		opts = append(opts, client.Token(s.Token))
	case s.CredsFile != "":
		opts = append(opts, client.Credentials(s.CredsFile))
	case s.NKeyFile != "":
		opts = append(opts, client.NkeySeedFile(s.NKeyFile))
	case s.JWT != "":
		opts = append(opts, client.UserJWTAndSeed(s.JWT, s.Seed))
	}
	if s.TLSCert != "" {
		opts = append(opts, client.ClientCert(s.TLSCert, s.TLSKey))
	}
	if s.TLSCA != "" {
		opts = append(opts, client.RootCAs(s.TLSCA))
	}
	if s.TLSFirst {
		opts = append(opts, client.TLSHandshakeFirst())
	}
	if s.InboxPrefix != "" {
		opts = append(opts, client.InboxPrefix(s.InboxPrefix))
	}
	if ev.KeepReconnecting {
		opts = append(opts, client.MaxReconnects(-1))
	} else {
		opts = append(opts, client.NoReconnect())
	}
	if ev.AsyncError != nil {
		opts = append(opts, client.ErrorHandler(func(_ *client.Conn, _ *client.Subscription, err error) { ev.AsyncError(err) }))
	}
	if ev.Disconnected != nil {
		opts = append(opts, client.DisconnectHandler(func(_ *client.Conn, err error) { ev.Disconnected(err) }))
	}
	if ev.Reconnected != nil {
		opts = append(opts, client.ReconnectHandler(func(c *client.Conn) { ev.Reconnected(c.ConnectedURL()) }))
	}
	if ev.Closed != nil {
		opts = append(opts, client.ClosedHandler(func(*client.Conn) { ev.Closed() }))
	}
	return opts, nil
}

// Classify gives a connect error its exit code and a message naming the
// servers (never their credentials).
func Classify(s *connflags.Settings, err error) error {
	servers := s.ServerList()
	switch {
	case isAuth(err):
		return exit.WithCode(exit.NotAuthorized, fmt.Errorf("not authorised by %s: %w", servers, err))
	case errors.Is(err, client.ErrInvalidOption), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return exit.WithCode(exit.Usage, err)
	}
	return exit.WithCode(exit.NoConnection, fmt.Errorf("cannot connect to %s: %w", servers, err))
}

func isAuth(err error) bool {
	return errors.Is(err, client.ErrAuthorization) || errors.Is(err, client.ErrAuthExpired) ||
		errors.Is(err, client.ErrAuthRevoked)
}

// ServerError returns the exit-coded error for an -ERR the server sent
// after connecting (permission violation: exit 1; authorization: exit 5),
// or nil when err is nil or not a server error.
func ServerError(err error) error {
	var se *client.ServerError
	if !errors.As(err, &se) {
		return nil
	}
	if isAuth(err) {
		return exit.WithCode(exit.NotAuthorized, fmt.Errorf("server error: %s", se.Text))
	}
	return exit.WithCode(exit.Failed, fmt.Errorf("server error: %s", se.Text))
}

// IsNoResponders reports whether err means nobody listens on a subject.
func IsNoResponders(err error) bool { return errors.Is(err, client.ErrNoResponders) }

// StatusNoResponders is the status of the server's no-responders message.
const StatusNoResponders = client.StatusNoResponders

// conn adapts *client.Conn to Conn.
type conn struct {
	c *client.Conn
}

func (c *conn) Publish(m *record.Message) error {
	if len(m.Headers) == 0 {
		return c.c.PublishRequest(m.Subject, m.Reply, m.Data)
	}
	return c.c.PublishMsg(&client.Msg{Subject: m.Subject, Reply: m.Reply, Header: client.Header(m.Headers), Data: m.Data})
}

func (c *conn) Subscribe(subject, queue string, handler func(*record.Message)) (Subscription, error) {
	cb := func(m *client.Msg) {
		r := &record.Message{
			Subject: m.Subject, Reply: m.Reply, Data: m.Data, Received: time.Now(),
			Status: m.Status, Sub: subject, Queue: queue,
		}
		if len(m.Header) > 0 {
			r.Headers = map[string][]string(m.Header)
		}
		handler(r)
	}
	var s *client.Subscription
	var err error
	if queue == "" {
		s, err = c.c.Subscribe(subject, cb)
	} else {
		s, err = c.c.QueueSubscribe(subject, queue, cb)
	}
	if err != nil {
		return nil, err
	}
	return &sub{s: s}, nil
}

func (c *conn) NewInbox() string { return c.c.NewInbox() }

func (c *conn) Flush(ctx context.Context) error { return c.c.Flush(ctx) }

func (c *conn) LastError() error { return c.c.LastError() }

func (c *conn) Drain(ctx context.Context) error { return c.c.Drain(ctx) }

func (c *conn) Close() { c.c.Close() }

// sub adapts *client.Subscription to Subscription.
type sub struct {
	s *client.Subscription
}

func (s *sub) Unsubscribe() error { return s.s.Unsubscribe() }

func (s *sub) AutoUnsubscribe(n int) error { return s.s.AutoUnsubscribe(n) }

func (s *sub) Dropped() int { return int(s.s.Dropped()) }
