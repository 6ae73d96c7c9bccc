package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// runReqRep measures sequential request/reply round trips between one
// requester and one responder on separate connections, and reports the
// 50th and 99th percentile latency in microseconds.
func runReqRep(ctx context.Context, cfg config) (metrics, error) {
	payload := make([]byte, cfg.sizeOr(defaultPayload))
	resp, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	defer resp.Close()
	if err := resp.writeFlush(subLine(nil, "bench.service", "", 1)); err != nil {
		return nil, fmt.Errorf("responder subscribe: %w", err)
	}
	if err := resp.syncDirect(syncTimeout); err != nil {
		return nil, fmt.Errorf("responder subscribe: %w", err)
	}
	respDone := make(chan error, 1)
	go func() {
		var out []byte
		respDone <- resp.readLoop(func(m msgLine) {
			out = appendPub(out[:0], string(m.reply), "", payload)
			if err := resp.writeFlush(out); err != nil {
				resp.Close()
			}
		})
	}()

	req, err := dial(ctx, cfg.addr, cfg.auth, 0)
	if err != nil {
		return nil, err
	}
	defer req.Close()
	if err := req.writeFlush(subLine(nil, "_INBOX.bench.*", "", 1)); err != nil {
		return nil, fmt.Errorf("requester subscribe: %w", err)
	}
	if err := req.syncDirect(syncTimeout); err != nil {
		return nil, fmt.Errorf("requester subscribe: %w", err)
	}
	op := appendPub(nil, "bench.service", "_INBOX.bench.r", payload)
	n := cfg.scaled(defaultRequests)
	lat := make([]time.Duration, 0, n)
	deadline, _ := ctx.Deadline()
	if err := req.nc.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("set deadline: %w", err)
	}
	for i := 0; i < requestWarmup+n; i++ {
		start := time.Now()
		if err := req.writeFlush(op); err != nil {
			return nil, fmt.Errorf("request %d: %w", i, err)
		}
		if _, err := req.readMsg(); err != nil {
			return nil, fmt.Errorf("reply %d: %w", i, err)
		}
		if i >= requestWarmup {
			lat = append(lat, time.Since(start))
		}
	}
	req.Close()
	resp.Close()
	if err := <-respDone; !isClosedErr(err) {
		return nil, fmt.Errorf("responder: %w", err)
	}
	slices.Sort(lat)
	return metrics{
		{"p50_us", micros(percentile(lat, 50))},
		{"p99_us", micros(percentile(lat, 99))},
		{"requests", float64(len(lat))},
	}, nil
}

// percentile returns the p-th percentile (nearest rank) of sorted d.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(d))*p/100)) - 1
	return d[max(0, min(i, len(d)-1))]
}

// micros converts d to microseconds.
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
