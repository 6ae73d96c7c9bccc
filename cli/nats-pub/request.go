package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/msgprint"
	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/record"
)

// requester sends requests one after the other on one inbox subscription.
type requester struct {
	o       *pubOptions
	conn    natsconn.Conn
	timeout time.Duration
	idle    time.Duration
	p       *msgprint.Printer
	replies chan *record.Message
	async   chan error
	seq     uint64
}

// runRequests sends each message of src as a request and prints replies.
func (o *pubOptions) runRequests(ctx context.Context, conn natsconn.Conn, s *connflags.Settings, src source, async chan error) error {
	p, err := o.printer()
	if err != nil {
		return err
	}
	r := &requester{
		o: o, conn: conn, timeout: s.Timeout, idle: o.idle, p: p,
		replies: make(chan *record.Message, replyQueueLen), async: async,
	}
	if r.idle == 0 && o.replies == 0 {
		r.idle = defaultRequestIdle
	}
	stop := make(chan struct{})
	defer close(stop)
	base := conn.NewInbox()
	sub, err := conn.Subscribe(base+".*", "", func(m *record.Message) {
		select {
		case r.replies <- m:
		case <-stop:
		}
	})
	if err != nil {
		return exit.WithCode(exit.Failed, fmt.Errorf("subscribing to the reply inbox: %w", err))
	}
	defer sub.Unsubscribe()
	pace := newPacer(o)
	for i := 1; ; i++ {
		m, err := src()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return inputError(err)
		}
		if err := pace.wait(ctx); err != nil {
			return err
		}
		m.Reply = base + "." + strconv.Itoa(i)
		if err := r.one(ctx, m); err != nil {
			return err
		}
	}
}

// one sends one request and waits for its replies.
func (r *requester) one(ctx context.Context, m *record.Message) error {
	start := r.o.f.Now()
	if err := r.conn.Publish(m); err != nil {
		return exit.WithCode(exit.Failed, fmt.Errorf("publishing to %q: %w", m.Subject, err))
	}
	if !r.o.quiet {
		fmt.Fprintf(r.o.f.IO.Err, "Sending request on %q\n", m.Subject)
	}
	deadline := time.NewTimer(r.timeout)
	defer deadline.Stop()
	var idleC <-chan time.Time
	var idle *time.Timer
	want, got := r.o.replies, 0
	if r.o.waitEmpty {
		want = 0
	}
	for want == 0 || got < want {
		select {
		case rep := <-r.replies:
			if rep.Subject != m.Reply {
				continue // a late reply to an earlier request
			}
			if rep.Status == natsconn.StatusNoResponders && len(rep.Data) == 0 {
				return exit.IncompleteErrorf("no responders on %q", m.Subject)
			}
			if r.o.waitEmpty && len(rep.Data) == 0 && rep.Status == 0 {
				return nil // the end-of-stream marker
			}
			got++
			if err := r.print(rep, start); err != nil {
				return err
			}
			if r.o.failOnHeader != "" && hasHeader(rep, r.o.failOnHeader) {
				return exit.FailedErrorf("reply has header %s: %s", r.o.failOnHeader, firstHeader(rep, r.o.failOnHeader))
			}
			if r.idle > 0 {
				if idle == nil {
					idle = time.NewTimer(r.idle)
					defer idle.Stop()
					idleC = idle.C
				} else {
					idle.Reset(r.idle)
				}
			}
		case <-idleC:
			if r.o.waitEmpty {
				return r.short(m, got, want)
			}
			return nil
		case <-deadline.C:
			return r.short(m, got, want)
		case err := <-r.async:
			if e := natsconn.ServerError(err); e != nil {
				return e
			}
		case <-ctx.Done():
			if cmdutil.Interrupted(ctx) {
				return exit.ErrInterrupted
			}
			return r.short(m, got, want)
		}
	}
	return nil
}

// short reports a request that ended before its replies arrived.
func (r *requester) short(m *record.Message, got, want int) error {
	switch {
	case r.o.waitEmpty:
		return exit.IncompleteErrorf("received %d replies on %q but no empty end-of-stream reply within %s", got, m.Subject, r.timeout)
	case got == 0:
		return exit.IncompleteErrorf("no reply on %q within %s", m.Subject, r.timeout)
	case want > 0 && got < want:
		return exit.IncompleteErrorf("received %d of %d replies on %q within %s", got, want, m.Subject, r.timeout)
	}
	return nil
}

func (r *requester) print(rep *record.Message, start time.Time) error {
	r.seq++
	rep.Seq = r.seq
	if !r.o.quiet {
		fmt.Fprintf(r.o.f.IO.Err, "Received reply in %s\n", rep.Received.Sub(start).Round(time.Microsecond))
	}
	if err := r.p.Print(rep); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

func hasHeader(m *record.Message, key string) bool {
	_, ok := m.Headers[key]
	return ok
}

func firstHeader(m *record.Message, key string) string {
	if v := m.Headers[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
