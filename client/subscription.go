package client

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/natsys/natsys/client/internal/proto"
)

type subKind uint8

const (
	asyncSub  subKind = iota // callback on the subscription's own goroutine
	syncSub                  // NextMsg
	chanSub                  // user channel, non-blocking sends
	inlineSub                // internal handler run on the read loop
)

// Subscription is interest in a subject. Messages wait in a bounded pending
// queue (see PendingLimits) until the callback or NextMsg takes them; past
// the limits they are dropped and counted.
type Subscription struct {
	conn    *Conn
	sid     uint64
	subject string
	queue   string
	kind    subKind
	cb      MsgHandler
	ch      chan<- *Msg
	inline  func(*proto.Msg)
	notify  chan struct{} // capacity 1: queue changed or closed
	done    chan struct{} // async: closed when the delivery goroutine exits

	mu         sync.Mutex
	head, tail *Msg
	pendMsgs   int
	pendBytes  int
	limMsgs    int // <= 0: unlimited
	limBytes   int
	dropped    uint64
	delivered  uint64
	max        uint64 // auto-unsubscribe after this many; 0 = none
	slow       bool
	closed     bool
	closeErr   error
}

// Subscribe delivers messages on subject (wildcards allowed) to cb, one at a
// time on a goroutine of the subscription.
func (c *Conn) Subscribe(subject string, cb MsgHandler) (*Subscription, error) {
	return c.subscribe(subject, "", asyncSub, cb, nil, nil)
}

// QueueSubscribe is Subscribe as a member of queue group queue: each message
// goes to one member of the group.
func (c *Conn) QueueSubscribe(subject, queue string, cb MsgHandler) (*Subscription, error) {
	return c.subscribe(subject, queue, asyncSub, cb, nil, nil)
}

// SubscribeSync subscribes for NextMsg.
func (c *Conn) SubscribeSync(subject string) (*Subscription, error) {
	return c.subscribe(subject, "", syncSub, nil, nil, nil)
}

// QueueSubscribeSync subscribes for NextMsg as a member of queue group queue.
func (c *Conn) QueueSubscribeSync(subject, queue string) (*Subscription, error) {
	return c.subscribe(subject, queue, syncSub, nil, nil, nil)
}

// ChanSubscribe sends messages to ch. Sends never block: when ch is full
// the message is dropped and counted as for a slow consumer.
func (c *Conn) ChanSubscribe(subject string, ch chan<- *Msg) (*Subscription, error) {
	return c.subscribe(subject, "", chanSub, nil, ch, nil)
}

// ChanQueueSubscribe is ChanSubscribe as a member of queue group queue.
func (c *Conn) ChanQueueSubscribe(subject, queue string, ch chan<- *Msg) (*Subscription, error) {
	return c.subscribe(subject, queue, chanSub, nil, ch, nil)
}

func (c *Conn) subscribe(subject, queue string, kind subKind, cb MsgHandler, ch chan<- *Msg,
	inline func(*proto.Msg)) (*Subscription, error) {
	if !validSubject(subject, true) {
		return nil, fmt.Errorf("%w: %q", ErrBadSubject, subject)
	}
	if queue != "" && !validQueue(queue) {
		return nil, fmt.Errorf("%w: %q", ErrBadQueueName, queue)
	}
	if (kind == asyncSub && cb == nil) || (kind == chanSub && ch == nil) {
		return nil, fmt.Errorf("%w: nil handler", ErrBadSubscription)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == StatusClosed {
		return nil, ErrConnectionClosed
	}
	if c.draining {
		return nil, ErrConnectionDraining
	}
	c.nextSid++
	s := &Subscription{
		conn: c, sid: c.nextSid, subject: subject, queue: queue,
		kind: kind, cb: cb, ch: ch, inline: inline,
		notify:  make(chan struct{}, 1),
		limMsgs: c.opts.pendMsgs, limBytes: c.opts.pendBytes,
	}
	c.subsMu.Lock()
	c.subs[s.sid] = s
	c.subsMu.Unlock()
	if c.sock != nil { // while disconnected the reconnect sends every SUB
		wasEmpty := len(c.out) == 0
		c.out = s.appendSub(c.out)
		c.queuedLocked(wasEmpty)
	}
	if kind == asyncSub {
		s.done = make(chan struct{})
		go s.deliverLoop()
	}
	return s, nil
}

// appendSub appends "SUB subject [queue] sid\r\n".
func (s *Subscription) appendSub(b []byte) []byte {
	b = append(b, "SUB "...)
	b = append(b, s.subject...)
	b = append(b, ' ')
	if s.queue != "" {
		b = append(b, s.queue...)
		b = append(b, ' ')
	}
	b = strconv.AppendUint(b, s.sid, 10)
	return append(b, '\r', '\n')
}

func appendUnsub(b []byte, sid, max uint64) []byte {
	b = append(b, "UNSUB "...)
	b = strconv.AppendUint(b, sid, 10)
	if max > 0 {
		b = append(b, ' ')
		b = strconv.AppendUint(b, max, 10)
	}
	return append(b, '\r', '\n')
}

// resubscribeLocked returns the SUB (and UNSUB max) lines that restore every
// subscription on a new socket. c.mu is held.
func (c *Conn) resubscribeLocked() []byte {
	c.subsMu.RLock()
	subs := make([]*Subscription, 0, len(c.subs))
	for _, s := range c.subs {
		subs = append(subs, s)
	}
	c.subsMu.RUnlock()
	slices.SortFunc(subs, func(a, b *Subscription) int { return cmp.Compare(a.sid, b.sid) })
	var b []byte
	for _, s := range subs {
		s.mu.Lock()
		max, delivered, closed := s.max, s.delivered, s.closed
		s.mu.Unlock()
		if closed || (max > 0 && delivered >= max) {
			continue
		}
		b = s.appendSub(b)
		if max > 0 {
			b = appendUnsub(b, s.sid, max-delivered)
		}
	}
	return b
}

// receive runs on the read loop for each message of this subscription.
func (s *Subscription) receive(p *proto.Msg) {
	if s.kind == inlineSub {
		s.inline(p)
		return
	}
	m, err := newMsg(p, s)
	if err != nil {
		s.conn.errorEvent(s, fmt.Errorf("client: message on %q: %w", p.Subject, err))
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.delivered++
	last := s.max > 0 && s.delivered >= s.max
	queued := false
	if s.kind == chanSub {
		select {
		case s.ch <- m:
			queued = true
		default:
		}
	} else if (s.limMsgs <= 0 || s.pendMsgs < s.limMsgs) && (s.limBytes <= 0 || s.pendBytes+m.size <= s.limBytes) {
		if s.tail == nil {
			s.head = m
		} else {
			s.tail.next = m
		}
		s.tail = m
		s.pendMsgs++
		s.pendBytes += m.size
		queued = true
	}
	becameSlow := false
	if !queued {
		s.dropped++
		becameSlow = !s.slow
		s.slow = true
	}
	if last {
		s.closed, s.closeErr = true, ErrMaxMessages
	}
	s.mu.Unlock()
	s.signal()
	if becameSlow {
		s.conn.errorEvent(s, fmt.Errorf("%w: subject %q", ErrSlowConsumer, s.subject))
	}
	if last {
		s.conn.removeSub(s)
	}
}

func (s *Subscription) signal() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// popLocked takes the oldest pending message. s.mu is held.
func (s *Subscription) popLocked() *Msg {
	m := s.head
	if m == nil {
		return nil
	}
	s.head = m.next
	if s.head == nil {
		s.tail = nil
		s.slow = false
	}
	m.next = nil
	s.pendMsgs--
	s.pendBytes -= m.size
	return m
}

// deliverLoop runs the callback of an asynchronous subscription.
func (s *Subscription) deliverLoop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		m := s.popLocked()
		closed := s.closed
		s.mu.Unlock()
		if m == nil {
			if closed {
				return
			}
			<-s.notify
			continue
		}
		s.cb(m)
	}
}

// NextMsg returns the next message of a SubscribeSync subscription, waiting
// until one arrives or ctx ends. After Unsubscribe, Drain (once the queue is
// empty), AutoUnsubscribe's limit or Close it returns ErrSubscriptionClosed,
// ErrMaxMessages or ErrConnectionClosed.
func (s *Subscription) NextMsg(ctx context.Context) (*Msg, error) {
	if s.kind != syncSub {
		return nil, fmt.Errorf("%w: NextMsg needs a SubscribeSync subscription", ErrBadSubscription)
	}
	for {
		s.mu.Lock()
		m := s.popLocked()
		closed, err := s.closed, s.closeErr
		more := s.head != nil
		s.mu.Unlock()
		if m != nil || closed {
			if more || closed {
				s.signal() // pass the wake-up on to another waiter
			}
			if m != nil {
				return m, nil
			}
			return nil, err
		}
		select {
		case <-s.notify:
		case <-ctx.Done():
			return nil, fmt.Errorf("client: next message on %q: %w", s.subject, ctx.Err())
		}
	}
}

// closeLocal ends the subscription on the client side. clear drops the
// pending messages; otherwise they are still delivered.
func (s *Subscription) closeLocal(clear bool, reason error) {
	s.mu.Lock()
	if clear {
		s.head, s.tail = nil, nil
		s.pendMsgs, s.pendBytes = 0, 0
	}
	if !s.closed {
		s.closed, s.closeErr = true, reason
	}
	s.mu.Unlock()
	s.signal()
}

func (c *Conn) removeSub(s *Subscription) {
	c.subsMu.Lock()
	if c.subs[s.sid] == s {
		delete(c.subs, s.sid)
	}
	c.subsMu.Unlock()
}

// Unsubscribe removes the interest; pending messages are discarded.
func (s *Subscription) Unsubscribe() error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return fmt.Errorf("%w: already closed", ErrBadSubscription)
	}
	c := s.conn
	c.removeSub(s)
	s.closeLocal(true, ErrSubscriptionClosed)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == StatusClosed {
		return ErrConnectionClosed
	}
	// Also while disconnected: a SUB may still wait in the buffer.
	c.unsubLocked(s.sid, 0)
	return nil
}

// unsubLocked queues "UNSUB sid [max]". c.mu is held.
func (c *Conn) unsubLocked(sid, max uint64) {
	wasEmpty := len(c.out) == 0
	c.out = appendUnsub(c.out, sid, max)
	c.queuedLocked(wasEmpty)
}

// AutoUnsubscribe makes the server (and the client) end the subscription
// once max messages in total have been received on it.
func (s *Subscription) AutoUnsubscribe(max int) error {
	if max <= 0 {
		return fmt.Errorf("%w: auto-unsubscribe max %d", ErrBadSubscription, max)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return fmt.Errorf("%w: already closed", ErrBadSubscription)
	}
	s.max = uint64(max)
	reached := s.delivered >= s.max
	if reached {
		s.closed, s.closeErr = true, ErrMaxMessages
	}
	s.mu.Unlock()
	c := s.conn
	if reached {
		s.signal()
		c.removeSub(s)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status == StatusClosed {
		return ErrConnectionClosed
	}
	switch {
	case reached:
		c.unsubLocked(s.sid, 0)
	case c.sock != nil: // else the reconnect sends the remaining count
		c.unsubLocked(s.sid, s.max)
	}
	return nil
}

// Drain unsubscribes, waits until the server has confirmed it (no more
// messages can arrive) and, for a callback subscription, until the callback
// has handled every pending message. A SubscribeSync subscription keeps its
// pending messages for NextMsg. Do not call Drain from the subscription's
// own callback: it would wait for itself until ctx ends.
func (s *Subscription) Drain(ctx context.Context) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return fmt.Errorf("%w: already closed", ErrBadSubscription)
	}
	c := s.conn
	c.mu.Lock()
	if c.status == StatusClosed {
		c.mu.Unlock()
		return ErrConnectionClosed
	}
	c.unsubLocked(s.sid, 0)
	c.mu.Unlock()
	err := c.Flush(ctx)
	c.removeSub(s)
	s.closeLocal(false, ErrSubscriptionClosed)
	if err != nil {
		return err
	}
	return s.waitDone(ctx)
}

// waitDone waits for the delivery goroutine of an async subscription.
func (s *Subscription) waitDone(ctx context.Context) error {
	if s.done == nil {
		return nil
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("client: drain %q: %w", s.subject, ctx.Err())
	}
}

// Subject returns the subscribed subject.
func (s *Subscription) Subject() string { return s.subject }

// Queue returns the queue group, or "".
func (s *Subscription) Queue() string { return s.queue }

// IsValid reports whether the subscription still receives messages.
func (s *Subscription) IsValid() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed
}

// Pending returns the messages and bytes received but not yet handled.
func (s *Subscription) Pending() (msgs, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pendMsgs, s.pendBytes
}

// Dropped returns how many messages were dropped because the pending limits
// (or a ChanSubscribe channel) were full.
func (s *Subscription) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Delivered returns how many messages the subscription has received from
// the server (dropped ones included).
func (s *Subscription) Delivered() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered
}

// SetPendingLimits sets this subscription's limits on pending messages and
// bytes; a negative value means unlimited, zero is invalid.
func (s *Subscription) SetPendingLimits(msgs, bytes int) error {
	if msgs == 0 || bytes == 0 {
		return fmt.Errorf("%w: pending limits must not be zero", ErrInvalidOption)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limMsgs, s.limBytes = msgs, bytes
	return nil
}
