package main

import (
	"context"
	"fmt"
	"math"
)

// subscribe opens a connection subscribed to subject (in queue group queue
// when not "") and starts counting what it receives.
func subscribe(ctx context.Context, cfg config, subject, queue string) (*receiver, error) {
	c, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	if err := c.writeFlush(subLine(nil, subject, queue, 1)); err != nil {
		c.Close()
		return nil, fmt.Errorf("subscribe %s: %w", subject, err)
	}
	if err := c.syncDirect(syncTimeout); err != nil {
		c.Close()
		return nil, fmt.Errorf("subscribe %s: %w", subject, err)
	}
	return startReceiver(c), nil
}

// closeReceivers closes the receivers' connections.
func closeReceivers(rs []*receiver) {
	for _, r := range rs {
		r.c.Close()
	}
}

// closePublishers closes the publishers' connections.
func closePublishers(ps []*publisher) {
	for _, p := range ps {
		p.c.Close()
	}
}

// runPubSub measures N publishers each publishing on its own subject to one
// subscriber of that subject ("4 pubs -> 4 subs on distinct subjects").
func runPubSub(ctx context.Context, cfg config) (metrics, error) {
	n := defaultStreams
	payload := make([]byte, cfg.sizeOr(defaultPayload))
	total := cfg.scaled(defaultPubSubMsgs)
	var recv []*receiver
	var pubs []*publisher
	defer func() { closeReceivers(recv); closePublishers(pubs) }()
	var expected int64
	for i := 0; i < n; i++ {
		subject := fmt.Sprintf("bench.stream.%d", i)
		r, err := subscribe(ctx, cfg, subject, "")
		if err != nil {
			return nil, err
		}
		recv = append(recv, r)
		c, err := dial(ctx, cfg.addr, cfg.auth, 0)
		if err != nil {
			return nil, err
		}
		p := newPublisher(c, []string{subject}, payload, total/n)
		pubs = append(pubs, p)
		expected += int64(p.msgs)
	}
	res := runFlow(ctx, recv, pubs, expected)
	m := metrics{{"msgs_per_sec", res.rate()}, {"delivered", res.delivered()}}
	return m, res.err
}

// runQueue measures one publisher feeding a queue group of members on
// separate connections, and how evenly the group shared the messages.
func runQueue(ctx context.Context, cfg config) (metrics, error) {
	payload := make([]byte, cfg.sizeOr(defaultPayload))
	var recv []*receiver
	var pubs []*publisher
	defer func() { closeReceivers(recv); closePublishers(pubs) }()
	for i := 0; i < defaultQueueMembers; i++ {
		r, err := subscribe(ctx, cfg, "bench.queue", "workers")
		if err != nil {
			return nil, err
		}
		recv = append(recv, r)
	}
	c, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	p := newPublisher(c, []string{"bench.queue"}, payload, cfg.scaled(defaultQueueMsgs))
	pubs = append(pubs, p)
	res := runFlow(ctx, recv, pubs, int64(p.msgs))
	m := metrics{
		{"msgs_per_sec", res.rate()},
		{"delivered", res.delivered()},
		{"fairness_max_dev_pct", maxDeviationPct(res.counts)},
	}
	return m, res.err
}

// maxDeviationPct is the largest distance of a count from the mean of
// counts, in percent of the mean: 0 for an empty list, 100 when nothing
// was counted at all.
func maxDeviationPct(counts []int64) float64 {
	if len(counts) == 0 {
		return 0
	}
	var sum float64
	for _, c := range counts {
		sum += float64(c)
	}
	mean := sum / float64(len(counts))
	if mean == 0 {
		return 100
	}
	var worst float64
	for _, c := range counts {
		worst = math.Max(worst, math.Abs(float64(c)-mean)/mean*100)
	}
	return worst
}
