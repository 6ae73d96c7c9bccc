package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// runConnChurn measures connects+disconnects per second: churnWorkers
// goroutines each connect (INFO, CONNECT with credentials, PING/PONG) and
// close, until n connections have been made or ctx ends.
func runConnChurn(ctx context.Context, cfg config) (metrics, error) {
	n := int64(cfg.scaled(defaultChurnConns))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, churnWorkers)
	start := time.Now()
	for w := 0; w < churnWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= n && ctx.Err() == nil {
				c, err := dial(ctx, cfg.addr, cfg.auth, 0)
				if err != nil {
					errs <- err
					return
				}
				c.Close()
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	select {
	case err := <-errs:
		return nil, fmt.Errorf("after %d connections: %w", done.Load(), err)
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("after %d connections: %w", done.Load(), err)
	}
	return metrics{
		{"conns_per_sec", float64(done.Load()) / elapsed.Seconds()},
		{"conns", float64(done.Load())},
	}, nil
}
