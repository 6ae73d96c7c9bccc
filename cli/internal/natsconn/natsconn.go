// Package natsconn is the small connection interface the CLI commands use,
// its implementation over the natsys client library, and the mapping of
// connection errors to exit codes (4 cannot connect, 5 not authorised).
package natsconn

import (
	"context"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/record"
)

// Conn is a connection as the commands see it.
type Conn interface {
	// Publish sends m (subject, reply, headers, data).
	Publish(m *record.Message) error
	// Subscribe delivers messages on subject (in queue group queue, if not
	// empty) to handler, one at a time, in order.
	Subscribe(subject, queue string, handler func(*record.Message)) (Subscription, error)
	// NewInbox returns a unique reply subject under the inbox prefix.
	NewInbox() string
	// Flush waits until the server has processed everything sent so far.
	Flush(ctx context.Context) error
	// LastError returns the last error the server reported (-ERR), if any.
	LastError() error
	// Drain unsubscribes, delivers pending messages and closes.
	Drain(ctx context.Context) error
	// Close closes the connection at once.
	Close()
}

// Subscription is one subscription.
type Subscription interface {
	// Unsubscribe removes the interest.
	Unsubscribe() error
	// AutoUnsubscribe makes the server remove the interest after n messages.
	AutoUnsubscribe(n int) error
	// Dropped returns how many messages the client dropped (slow consumer).
	Dropped() int
}

// Events are callbacks for what happens on a connection after Dial.
type Events struct {
	// AsyncError receives errors the server reports outside a call
	// (permission violations, slow consumer).
	AsyncError func(err error)
	// Disconnected and Reconnected report connection changes; url never
	// contains credentials.
	Disconnected func(err error)
	Reconnected  func(url string)
	// Closed runs once when the connection is closed for good.
	Closed func()
	// KeepReconnecting retries the server pool forever after a disconnect
	// (long-running commands); otherwise the client gives up quickly.
	KeepReconnecting bool
}

// Dialer opens a connection with the resolved settings. Errors carry exit
// codes (see Classify).
type Dialer func(ctx context.Context, s *connflags.Settings, ev Events) (Conn, error)
