package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// errNoMonitorURL reports a connz run without -monitor.
var errNoMonitorURL = fmt.Errorf("natsys-bench: -monitor URL of the HTTP monitoring port is required")

// runConnz opens many connections (each publishes a few bytes, so that
// sorting by bytes has work to do) and measures the latency of CONNZ
// requests with a sort and a limit on the monitoring port.
func runConnz(ctx context.Context, cfg config) (metrics, error) {
	if cfg.monitor == "" {
		return nil, errNoMonitorURL
	}
	n := cfg.countOr(defaultConnzConns)
	cs, err := dialMany(ctx, cfg, n, func(i int) []byte {
		return appendPub(nil, "bench.connz", "", make([]byte, i%97))
	})
	if err != nil {
		return nil, err
	}
	defer closeAll(cs)
	url := strings.TrimSuffix(cfg.monitor, "/") + "/connz?" + cfg.queryOr(defaultConnzQuery)
	client := &http.Client{Timeout: syncTimeout}
	var lat []time.Duration
	var page connzPage
	for i := 0; i < 2+defaultConnzRequests; i++ { // two untimed warm-ups
		start := time.Now()
		body, err := getBody(ctx, client, url)
		if err != nil {
			return nil, err
		}
		if i >= 2 {
			lat = append(lat, time.Since(start))
		}
		if i == 0 {
			if err := json.Unmarshal(body, &page); err != nil {
				return nil, fmt.Errorf("connz: decode reply: %w", err)
			}
			if len(page.Connections) == 0 {
				return nil, fmt.Errorf("connz: no connections in reply (total %d)", page.Total)
			}
		}
	}
	slices.Sort(lat)
	return metrics{
		{"p50_ms", float64(percentile(lat, 50)) / float64(time.Millisecond)},
		{"max_ms", float64(lat[len(lat)-1]) / float64(time.Millisecond)},
		{"returned", float64(len(page.Connections))},
		{"total", float64(page.Total)},
		{"conns", float64(n)},
	}, nil
}

// connzPage is the part of a CONNZ reply the driver checks.
type connzPage struct {
	Total       int               `json:"total"`
	Connections []json.RawMessage `json:"connections"`
}

// getBody fetches url, requires 200 OK and returns the whole body.
func getBody(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("connz request: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("connz request: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("connz body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("connz: %s", resp.Status)
	}
	return body, nil
}
