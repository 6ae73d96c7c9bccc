package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/natsys/natsys/client"
)

// health counts what must not happen on a healthy connection: async errors
// from the server and disconnects.
type health struct {
	errs        atomic.Int64
	disconnects atomic.Int64
	firstErr    atomic.Pointer[string]
}

func (h *health) options(name string) []client.Option {
	return []client.Option{
		client.Name(name),
		client.PendingLimits(-1, -1),
		client.ErrorHandler(func(_ *client.Conn, _ *client.Subscription, err error) {
			h.errs.Add(1)
			s := err.Error()
			h.firstErr.CompareAndSwap(nil, &s)
		}),
		client.DisconnectHandler(func(_ *client.Conn, err error) {
			if err != nil {
				h.disconnects.Add(1)
			}
		}),
	}
}

func (h *health) check(r *report, what string) {
	first := ""
	if p := h.firstErr.Load(); p != nil {
		first = " (first: " + *p + ")"
	}
	r.check(h.errs.Load() == 0 && h.disconnects.Load() == 0, "%s: %d async errors, %d disconnects%s",
		what, h.errs.Load(), h.disconnects.Load(), first)
}

// closeConns closes every connection.
func closeConns(conns []*client.Conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// pace calls send(seq) rate times per second until ctx is done and returns
// how many were sent.
func pace(ctx context.Context, rate int, send func(seq int64) error) (int64, error) {
	const tick = 10 * time.Millisecond
	perTick := max(1, rate/int(time.Second/tick))
	t := time.NewTicker(tick)
	defer t.Stop()
	var seq int64
	for {
		select {
		case <-ctx.Done():
			return seq, nil
		case <-t.C:
		}
		for range perTick {
			if err := send(seq); err != nil {
				return seq, err
			}
			seq++
		}
	}
}

// payload is seq in decimal, padded to payloadSize.
func payload(seq int64) []byte {
	b := make([]byte, payloadSize)
	s := strconv.FormatInt(seq, 10)
	copy(b, s)
	for i := len(s); i < len(b); i++ {
		b[i] = ' '
	}
	return b
}

func parseSeq(data []byte) (int64, error) {
	return strconv.ParseInt(strings.TrimRight(string(data), " "), 10, 64)
}

// waitFor polls cond until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// ordered: publishers on soak.ps.<p> with numbered messages, subscribers on
// soak.ps.> check per-publisher order with no gap and no duplicate.
type ordered struct {
	cfg       config
	h         health
	conns     []*client.Conn
	wg        sync.WaitGroup
	published [orderedPublishers]atomic.Int64
	received  [orderedSubscribers]atomic.Int64
	mu        sync.Mutex
	next      [orderedSubscribers][orderedPublishers]int64
	gaps      atomic.Int64
	dups      atomic.Int64
	pubErr    atomic.Pointer[string]
}

func (o *ordered) name() string { return "ordered pub/sub" }

func (o *ordered) start(ctx context.Context) error {
	for i := range orderedSubscribers {
		c, err := client.Connect(o.cfg.url, o.h.options(fmt.Sprintf("soak-ordered-sub-%d", i))...)
		if err != nil {
			return err
		}
		o.conns = append(o.conns, c)
		if _, err := c.Subscribe("soak.ps.>", func(m *client.Msg) { o.onMsg(i, m) }); err != nil {
			return err
		}
		if err := flush(c); err != nil {
			return err
		}
	}
	for p := range orderedPublishers {
		c, err := client.Connect(o.cfg.url, o.h.options(fmt.Sprintf("soak-ordered-pub-%d", p))...)
		if err != nil {
			return err
		}
		o.conns = append(o.conns, c)
		subj := "soak.ps." + strconv.Itoa(p)
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			n, err := pace(ctx, o.cfg.rate, func(seq int64) error { return c.Publish(subj, payload(seq)) })
			o.published[p].Store(n)
			if err == nil {
				err = flush(c)
			}
			if err != nil {
				s := err.Error()
				o.pubErr.CompareAndSwap(nil, &s)
			}
		}()
	}
	return nil
}

func (o *ordered) onMsg(sub int, m *client.Msg) {
	p, err := strconv.Atoi(strings.TrimPrefix(m.Subject, "soak.ps."))
	seq, err2 := parseSeq(m.Data)
	if err != nil || err2 != nil || p < 0 || p >= orderedPublishers {
		o.dups.Add(1)
		return
	}
	o.mu.Lock()
	exp := o.next[sub][p]
	switch {
	case seq == exp:
		o.next[sub][p] = seq + 1
	case seq > exp:
		o.gaps.Add(seq - exp)
		o.next[sub][p] = seq + 1
	default:
		o.dups.Add(1)
	}
	o.mu.Unlock()
	o.received[sub].Add(1)
}

func (o *ordered) total() int64 {
	var n int64
	for i := range o.published {
		n += o.published[i].Load()
	}
	return n
}

func (o *ordered) finish() {
	o.wg.Wait()
	want := o.total()
	waitFor(drainTimeout, func() bool {
		for i := range o.received {
			if o.received[i].Load() < want {
				return false
			}
		}
		return true
	})
}

func (o *ordered) check(r *report, elapsed time.Duration) {
	want := o.total()
	r.figure("ordered: %d publishers sent %d messages (%.0f msg/s), %d subscribers", orderedPublishers, want,
		float64(want)/elapsed.Seconds(), orderedSubscribers)
	ok := true
	for i := range o.received {
		ok = ok && o.received[i].Load() == want
	}
	r.check(ok && o.gaps.Load() == 0 && o.dups.Load() == 0,
		"ordered: every subscriber got every message in publisher order (received %v, gaps %d, duplicates/reordered %d)",
		o.receivedList(), o.gaps.Load(), o.dups.Load())
	r.check(o.pubErr.Load() == nil, "ordered: publishers had no error %v", deref(o.pubErr.Load()))
	o.h.check(r, "ordered")
}

func (o *ordered) receivedList() []int64 {
	out := make([]int64, len(o.received))
	for i := range o.received {
		out[i] = o.received[i].Load()
	}
	return out
}

func (o *ordered) stop() { closeConns(o.conns) }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return "(" + *p + ")"
}

// flush waits for the server to have processed everything sent on c.
func flush(c *client.Conn) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.Flush(ctx)
}

// queue: one publisher, a queue group of members; each message reaches
// exactly one member.
type queue struct {
	cfg       config
	h         health
	conns     []*client.Conn
	wg        sync.WaitGroup
	published atomic.Int64
	seen      []atomic.Bool
	delivered atomic.Int64
	dups      atomic.Int64
	perMember [queueMembers]atomic.Int64
}

func (q *queue) name() string { return "queue group" }

func (q *queue) start(ctx context.Context) error {
	q.seen = make([]atomic.Bool, q.cfg.rate*int(q.cfg.duration/time.Second+30))
	for i := range queueMembers {
		c, err := client.Connect(q.cfg.url, q.h.options(fmt.Sprintf("soak-queue-%d", i))...)
		if err != nil {
			return err
		}
		q.conns = append(q.conns, c)
		_, err = c.QueueSubscribe("soak.q", "workers", func(m *client.Msg) {
			seq, err := parseSeq(m.Data)
			if err != nil || seq < 0 || seq >= int64(len(q.seen)) || q.seen[seq].Swap(true) {
				q.dups.Add(1)
				return
			}
			q.delivered.Add(1)
			q.perMember[i].Add(1)
		})
		if err != nil {
			return err
		}
		if err := flush(c); err != nil {
			return err
		}
	}
	c, err := client.Connect(q.cfg.url, q.h.options("soak-queue-pub")...)
	if err != nil {
		return err
	}
	q.conns = append(q.conns, c)
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		n, _ := pace(ctx, q.cfg.rate, func(seq int64) error { return c.Publish("soak.q", payload(seq)) })
		q.published.Store(n)
		_ = flush(c)
	}()
	return nil
}

func (q *queue) finish() {
	q.wg.Wait()
	waitFor(drainTimeout, func() bool { return q.delivered.Load() >= q.published.Load() })
}

func (q *queue) check(r *report, _ time.Duration) {
	per := make([]int64, queueMembers)
	for i := range per {
		per[i] = q.perMember[i].Load()
	}
	r.check(q.delivered.Load() == q.published.Load() && q.dups.Load() == 0,
		"queue: %d published, %d delivered exactly once (%d duplicates), spread %v",
		q.published.Load(), q.delivered.Load(), q.dups.Load(), per)
	q.h.check(r, "queue")
}

func (q *queue) stop() { closeConns(q.conns) }

// reqReply: requesters send numbered requests to a queue group of
// responders that echo them.
type reqReply struct {
	cfg        config
	h          health
	conns      []*client.Conn
	wg         sync.WaitGroup
	ok         atomic.Int64
	failures   atomic.Int64
	mismatches atomic.Int64
	firstErr   atomic.Pointer[string]
	mu         sync.Mutex
	latencies  []time.Duration
}

func (q *reqReply) name() string { return "request/reply" }

func (q *reqReply) start(ctx context.Context) error {
	for i := range responders {
		c, err := client.Connect(q.cfg.url, q.h.options(fmt.Sprintf("soak-responder-%d", i))...)
		if err != nil {
			return err
		}
		q.conns = append(q.conns, c)
		if _, err := c.QueueSubscribe("soak.svc", "svc", func(m *client.Msg) { _ = m.Respond(m.Data) }); err != nil {
			return err
		}
		if err := flush(c); err != nil {
			return err
		}
	}
	for i := range requesters {
		c, err := client.Connect(q.cfg.url, q.h.options(fmt.Sprintf("soak-requester-%d", i))...)
		if err != nil {
			return err
		}
		q.conns = append(q.conns, c)
		q.wg.Add(1)
		go q.requester(ctx, c, i)
	}
	return nil
}

func (q *reqReply) requester(ctx context.Context, c *client.Conn, id int) {
	defer q.wg.Done()
	var lat []time.Duration
	for n := 0; ctx.Err() == nil; n++ {
		data := []byte(fmt.Sprintf("req-%d-%d", id, n))
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		resp, err := c.Request(rctx, "soak.svc", data)
		cancel()
		switch {
		case err != nil:
			q.failures.Add(1)
			s := err.Error()
			q.firstErr.CompareAndSwap(nil, &s)
		case string(resp.Data) != string(data):
			q.mismatches.Add(1)
		default:
			q.ok.Add(1)
			lat = append(lat, time.Since(start))
		}
		time.Sleep(time.Millisecond)
	}
	q.mu.Lock()
	q.latencies = append(q.latencies, lat...)
	q.mu.Unlock()
}

func (q *reqReply) finish() { q.wg.Wait() }

func (q *reqReply) check(r *report, elapsed time.Duration) {
	slices.Sort(q.latencies)
	p := func(f float64) time.Duration {
		if len(q.latencies) == 0 {
			return 0
		}
		return q.latencies[int(f*float64(len(q.latencies)-1))]
	}
	r.figure("request/reply: %d requests (%.0f/s), latency p50 %v p99 %v max %v", q.ok.Load(),
		float64(q.ok.Load())/elapsed.Seconds(), p(0.5), p(0.99), p(1))
	r.check(q.failures.Load() == 0 && q.mismatches.Load() == 0,
		"request/reply: every request answered with its own data (%d failed %s, %d mismatched)",
		q.failures.Load(), deref(q.firstErr.Load()), q.mismatches.Load())
	q.h.check(r, "request/reply")
}

func (q *reqReply) stop() { closeConns(q.conns) }

// churn: connections that connect, subscribe to churnSubjects subjects,
// publish one message to each, receive them, and close, in a loop.
type churn struct {
	cfg      config
	wg       sync.WaitGroup
	cycles   atomic.Int64
	failures atomic.Int64
	firstErr atomic.Pointer[string]
}

func (c *churn) name() string { return "connection churn" }

func (c *churn) start(ctx context.Context) error {
	for w := range churnWorkers {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			for ctx.Err() == nil {
				if err := c.cycle(w); err != nil {
					c.failures.Add(1)
					s := err.Error()
					c.firstErr.CompareAndSwap(nil, &s)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				c.cycles.Add(1)
			}
		}()
	}
	return nil
}

func (c *churn) cycle(w int) error {
	nc, err := client.Connect(c.cfg.url, client.Name("soak-churn"), client.NoReconnect())
	if err != nil {
		return err
	}
	defer nc.Close()
	var got atomic.Int64
	for j := range churnSubjects {
		if _, err := nc.Subscribe(fmt.Sprintf("soak.churn.%d.%d", w, j), func(*client.Msg) { got.Add(1) }); err != nil {
			return err
		}
	}
	for j := range churnSubjects {
		if err := nc.Publish(fmt.Sprintf("soak.churn.%d.%d", w, j), []byte("x")); err != nil {
			return err
		}
	}
	if err := flush(nc); err != nil {
		return err
	}
	if !waitFor(5*time.Second, func() bool { return got.Load() == churnSubjects }) {
		return fmt.Errorf("churn: got %d of %d messages", got.Load(), churnSubjects)
	}
	return nil
}

func (c *churn) finish() { c.wg.Wait() }

func (c *churn) check(r *report, elapsed time.Duration) {
	r.figure("churn: %d connection cycles (%.0f connections/s), each %d subscriptions and messages",
		c.cycles.Load(), float64(c.cycles.Load())/elapsed.Seconds(), churnSubjects)
	r.check(c.failures.Load() == 0, "churn: no failed cycle (%d failed %s)", c.failures.Load(), deref(c.firstErr.Load()))
}

func (c *churn) stop() {}

// errNotAvailable marks $SYS.REQ services that do not answer at all.
var errNotAvailable = errors.New("no $SYS.REQ responder")
