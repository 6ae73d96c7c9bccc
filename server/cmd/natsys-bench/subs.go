package main

import (
	"context"
	"fmt"
	"time"
)

// Subscription kinds of subs-100k, by index modulo 10: eight in ten are
// literal subjects, one in ten ends in '*', one in ten ends in '>'.
const (
	subKinds     = 10
	kindWildcard = 8
	kindFullWC   = 9
)

// subSubject returns the subject of subscription g in subs-100k.
func subSubject(g int) string {
	switch g % subKinds {
	case kindWildcard:
		return fmt.Sprintf("bench.w.%d.*", g)
	case kindFullWC:
		return fmt.Sprintf("bench.f.%d.>", g)
	default:
		return fmt.Sprintf("bench.l.%d.data", g)
	}
}

// pubSubject returns a subject that matches subscription g and no other.
func pubSubject(g int) string {
	switch g % subKinds {
	case kindWildcard:
		return fmt.Sprintf("bench.w.%d.evt", g)
	case kindFullWC:
		return fmt.Sprintf("bench.f.%d.a.b", g)
	default:
		return fmt.Sprintf("bench.l.%d.data", g)
	}
}

// pubSubjects returns n subjects to publish to, each matching exactly one of
// nsubs subscriptions, spread evenly over the subscriptions (and so over the
// connections holding them) and over every kind of subscription.
func pubSubjects(nsubs, n int) []string {
	out := make([]string, n)
	for j := range out {
		base := j * nsubs / n
		g := base - base%subKinds + j%subKinds // near base, of kind j%subKinds
		for g >= nsubs && g >= subKinds {
			g -= subKinds
		}
		out[j] = pubSubject(g % nsubs)
	}
	return out
}

// subscribeMany opens a connection holding the subscriptions first..last-1,
// sent in batches each followed by a PING/PONG.
func subscribeMany(ctx context.Context, cfg config, first, last int) (*conn, error) {
	c, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	var buf []byte
	for g := first; g < last; g++ {
		buf = subLine(buf, subSubject(g), "", g+1)
		if (g-first+1)%subSetupBatch == 0 || g == last-1 {
			if err := c.writeFlush(buf); err != nil {
				c.Close()
				return nil, fmt.Errorf("subscribe: %w", err)
			}
			buf = buf[:0]
			if err := c.syncDirect(syncTimeout); err != nil {
				c.Close()
				return nil, fmt.Errorf("subscribe: %w", err)
			}
		}
	}
	return c, nil
}

// runSubs measures, with many subscriptions spread over a few connections,
// the publish throughput over a set of distinct subjects that each match
// one subscription, then the SUB/UNSUB churn rate on one more connection.
func runSubs(ctx context.Context, cfg config) (metrics, error) {
	nsubs := cfg.countOr(defaultSubs)
	conns := defaultSubConns
	var recv []*receiver
	var pubs []*publisher
	defer func() { closeReceivers(recv); closePublishers(pubs) }()
	setupStart := time.Now()
	for i := 0; i < conns; i++ {
		c, err := subscribeMany(ctx, cfg, i*nsubs/conns, (i+1)*nsubs/conns)
		if err != nil {
			return nil, err
		}
		recv = append(recv, startReceiver(c))
	}
	setup := time.Since(setupStart)

	subjects := pubSubjects(nsubs, min(defaultSubsPubSubjects, nsubs))
	c, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	p := newPublisher(c, subjects, make([]byte, cfg.sizeOr(defaultPayload)), cfg.scaled(defaultSubsMsgs))
	pubs = append(pubs, p)
	res := runFlow(ctx, recv, pubs, int64(p.msgs))
	m := metrics{
		{"pub_msgs_per_sec", res.rate()},
		{"delivered", res.delivered()},
		{"setup_subs_per_sec", float64(nsubs) / setup.Seconds()},
	}
	if res.err != nil {
		return m, res.err
	}
	churn, err := subChurn(ctx, cfg, cfg.scaled(defaultChurnOps))
	if err != nil {
		return m, err
	}
	return append(m, metric{"churn_ops_per_sec", churn}), nil
}

// subChurn subscribes and unsubscribes n times on a fresh connection (a mix
// of literal and wildcard subjects, batches synced with PING/PONG) and
// returns the SUB+UNSUB operations per second.
func subChurn(ctx context.Context, cfg config, n int) (float64, error) {
	c, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var buf []byte
	start := time.Now()
	for i := 0; i < n; i++ {
		subject := fmt.Sprintf("churn.%d.x", i)
		if i%4 == 3 {
			subject = fmt.Sprintf("churn.%d.*", i)
		}
		sid := i + 1
		buf = subLine(buf, subject, "", sid)
		buf = fmt.Appendf(buf, "UNSUB %d\r\n", sid)
		if (i+1)%churnBatch == 0 || i == n-1 {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			if err := c.writeFlush(buf); err != nil {
				return 0, fmt.Errorf("churn: %w", err)
			}
			buf = buf[:0]
			if err := c.syncDirect(syncTimeout); err != nil {
				return 0, fmt.Errorf("churn: %w", err)
			}
		}
	}
	return float64(2*n) / time.Since(start).Seconds(), nil
}
