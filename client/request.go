package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/natsys/natsys/client/internal/proto"
)

// respMux routes replies of Request: one subscription on
// "<inbox prefix>.<random>.*" for the whole connection, one token per
// request. Lock order: respMux.mu before Conn.mu.
type respMux struct {
	c       *Conn
	mu      sync.Mutex
	sub     *Subscription
	prefix  string // "<inbox prefix>.<random>."
	next    uint64
	waiters map[string]chan *Msg
}

func (r *respMux) init(c *Conn) {
	r.c = c
	r.waiters = make(map[string]chan *Msg)
}

// register returns a fresh reply subject and the channel its reply will
// arrive on, subscribing on first use.
func (r *respMux) register() (string, string, chan *Msg, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sub == nil {
		prefix := r.c.NewInbox() + "."
		sub, err := r.c.subscribe(prefix+"*", "", inlineSub, nil, nil, r.handle)
		if err != nil {
			return "", "", nil, err
		}
		r.sub, r.prefix = sub, prefix
	}
	r.next++
	token := strconv.FormatUint(r.next, 36)
	ch := make(chan *Msg, 1)
	r.waiters[token] = ch
	return token, r.prefix + token, ch, nil
}

func (r *respMux) unregister(token string) {
	r.mu.Lock()
	delete(r.waiters, token)
	r.mu.Unlock()
}

// handle runs on the read loop for every reply.
func (r *respMux) handle(p *proto.Msg) {
	r.mu.Lock()
	if len(p.Subject) <= len(r.prefix) {
		r.mu.Unlock()
		return
	}
	token := p.Subject[len(r.prefix):]
	ch := r.waiters[string(token)]
	if ch != nil {
		delete(r.waiters, string(token))
	}
	sub := r.sub
	r.mu.Unlock()
	if ch == nil {
		return // late reply, or a second reply to the same request
	}
	m, err := newMsg(p, sub)
	if err != nil {
		r.c.errorEvent(sub, fmt.Errorf("client: reply on %q: %w", p.Subject, err))
		return
	}
	ch <- m
}

// Request publishes data to subject and waits for the first reply until ctx
// ends. A request nobody is subscribed to fails at once with
// ErrNoResponders.
func (c *Conn) Request(ctx context.Context, subject string, data []byte) (*Msg, error) {
	return c.request(ctx, subject, nil, data)
}

// RequestMsg is Request for a message with headers; m.Reply is ignored.
func (c *Conn) RequestMsg(ctx context.Context, m *Msg) (*Msg, error) {
	hdr, err := msgHeader(m)
	if err != nil {
		return nil, err
	}
	return c.request(ctx, m.Subject, hdr, m.Data)
}

func (c *Conn) request(ctx context.Context, subject string, hdr, data []byte) (*Msg, error) {
	token, reply, ch, err := c.resp.register()
	if err != nil {
		return nil, err
	}
	if err := c.publish(subject, reply, hdr, data); err != nil {
		c.resp.unregister(token)
		return nil, err
	}
	select {
	case m := <-ch:
		if m.noResponders() {
			return nil, fmt.Errorf("%w: %q", ErrNoResponders, subject)
		}
		return m, nil
	case <-ctx.Done():
		c.resp.unregister(token)
		return nil, fmt.Errorf("client: request %q: %w", subject, ctx.Err())
	case <-c.closed:
		c.resp.unregister(token)
		return nil, ErrConnectionClosed
	}
}

// RequestManyOption tunes RequestMany.
type RequestManyOption func(*manyOptions)

type manyOptions struct {
	max int
	gap time.Duration
}

// MaxReplies stops RequestMany after n replies.
func MaxReplies(n int) RequestManyOption { return func(o *manyOptions) { o.max = n } }

// ReplyGap stops RequestMany when no reply came for d since the previous one
// (the wait for the first reply is bounded by the context only).
func ReplyGap(d time.Duration) RequestManyOption { return func(o *manyOptions) { o.gap = d } }

// RequestMany publishes data to subject and collects replies until
// MaxReplies are in, ReplyGap passes without a reply, or ctx ends. It returns
// the replies gathered (nil error) when there is at least one; otherwise
// ErrNoResponders or the context's error.
func (c *Conn) RequestMany(ctx context.Context, subject string, data []byte, opts ...RequestManyOption) ([]*Msg, error) {
	return c.requestMany(ctx, subject, nil, data, opts)
}

// RequestManyMsg is RequestMany for a message with headers; m.Reply is
// ignored.
func (c *Conn) RequestManyMsg(ctx context.Context, m *Msg, opts ...RequestManyOption) ([]*Msg, error) {
	hdr, err := msgHeader(m)
	if err != nil {
		return nil, err
	}
	return c.requestMany(ctx, m.Subject, hdr, m.Data, opts)
}

func (c *Conn) requestMany(ctx context.Context, subject string, hdr, data []byte, opts []RequestManyOption) ([]*Msg, error) {
	var o manyOptions
	for _, f := range opts {
		f(&o)
	}
	inbox := c.NewInbox()
	sub, err := c.SubscribeSync(inbox)
	if err != nil {
		return nil, err
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return nil, err
	}
	if err := c.publish(subject, inbox, hdr, data); err != nil {
		return nil, err
	}
	var msgs []*Msg
	for o.max <= 0 || len(msgs) < o.max {
		wctx, cancel := ctx, context.CancelFunc(func() {})
		if len(msgs) > 0 && o.gap > 0 {
			wctx, cancel = context.WithTimeout(ctx, o.gap)
		}
		m, err := sub.NextMsg(wctx)
		cancel()
		if err != nil {
			if len(msgs) > 0 && (errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil) {
				break
			}
			return nil, fmt.Errorf("client: request %q: %w", subject, err)
		}
		if m.noResponders() {
			if len(msgs) == 0 {
				return nil, fmt.Errorf("%w: %q", ErrNoResponders, subject)
			}
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// Drain unsubscribes everything, waits until the server confirmed it and
// every callback handled its pending messages, flushes what the callbacks
// published and closes the connection. It blocks until done or ctx ends
// (then the connection is closed anyway); with no deadline in ctx,
// DefaultDrainTimeout applies. Subscribe fails with ErrConnectionDraining
// meanwhile; publishing still works.
func (c *Conn) Drain(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultDrainTimeout)
		defer cancel()
	}
	c.mu.Lock()
	if c.status == StatusClosed {
		c.mu.Unlock()
		return ErrConnectionClosed
	}
	if c.draining {
		c.mu.Unlock()
		return ErrConnectionDraining
	}
	c.draining = true
	c.subsMu.RLock()
	subs := make([]*Subscription, 0, len(c.subs))
	for _, s := range c.subs {
		subs = append(subs, s)
	}
	c.subsMu.RUnlock()
	for _, s := range subs {
		c.unsubLocked(s.sid, 0)
	}
	c.mu.Unlock()

	err := c.Flush(ctx)
	for _, s := range subs {
		c.removeSub(s)
		s.closeLocal(false, ErrSubscriptionClosed)
	}
	for _, s := range subs {
		if err != nil {
			break
		}
		err = s.waitDone(ctx)
	}
	if err == nil {
		err = c.Flush(ctx) // what the callbacks published while draining
	}
	c.Close()
	if err != nil {
		return fmt.Errorf("client: drain: %w", err)
	}
	return nil
}
