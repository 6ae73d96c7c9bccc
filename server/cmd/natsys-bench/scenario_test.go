package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/natsys/natsys/server/natstest"
)

// testConfig starts an in-process server from conf and returns a config
// for small runs against it (the test process is the server process, so
// -pid is our own).
func testConfig(t *testing.T, conf string) config {
	t.Helper()
	s := natstest.RunServer(t, conf)
	return config{addr: natstest.HostPort(s.ClientURL()), pid: os.Getpid(), scale: 0.01}
}

// metricMap indexes m by name, failing on a missing name.
func metricMap(t *testing.T, m metrics, names ...string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, x := range m {
		out[x.name] = x.value
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			t.Errorf("metrics %v lack %s", m, n)
		}
	}
	return out
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestScenariosAgainstServer(t *testing.T) {
	tests := []struct {
		name    string
		fn      scenarioFunc
		conf    string
		tweak   func(*config)
		metrics []string
		check   func(t *testing.T, m map[string]float64)
	}{
		{name: "pubsub-4x4", fn: runPubSub, metrics: []string{"msgs_per_sec", "delivered"},
			check: func(t *testing.T, m map[string]float64) {
				if m["delivered"] != 1 || m["msgs_per_sec"] <= 0 {
					t.Errorf("pubsub-4x4 = %v", m)
				}
			}},
		{name: "queue-4", fn: runQueue, metrics: []string{"msgs_per_sec", "delivered", "fairness_max_dev_pct"},
			check: func(t *testing.T, m map[string]float64) {
				if m["delivered"] != 1 || m["fairness_max_dev_pct"] >= 100 {
					t.Errorf("queue-4 = %v", m)
				}
			}},
		{name: "reqrep", fn: runReqRep, metrics: []string{"p50_us", "p99_us", "requests"},
			check: func(t *testing.T, m map[string]float64) {
				if m["p50_us"] <= 0 || m["p99_us"] < m["p50_us"] || m["requests"] != 200 {
					t.Errorf("reqrep = %v", m)
				}
			}},
		{name: "subs-100k", fn: runSubs, tweak: func(c *config) { c.count = 2000 },
			metrics: []string{"pub_msgs_per_sec", "delivered", "setup_subs_per_sec", "churn_ops_per_sec"},
			check: func(t *testing.T, m map[string]float64) {
				if m["delivered"] != 1 || m["churn_ops_per_sec"] <= 0 {
					t.Errorf("subs-100k = %v", m)
				}
			}},
		{name: "idle-conns", fn: runIdle, tweak: func(c *config) { c.count = 50 },
			metrics: []string{"rss_per_conn_kb", "rss_before_mb", "rss_after_mb", "conns"},
			check: func(t *testing.T, m map[string]float64) {
				if m["conns"] != 50 || m["rss_before_mb"] <= 0 {
					t.Errorf("idle-conns = %v", m)
				}
			}},
		{name: "slow-consumer", fn: runSlow, conf: "max_pending: 1MB\nwrite_deadline: \"1s\"\n", tweak: func(c *config) { c.scale = 0.1 },
			metrics: []string{"rss_growth_mb", "published_mb", "slow_consumer_closed"},
			check: func(t *testing.T, m map[string]float64) {
				if m["slow_consumer_closed"] != 1 || m["published_mb"] < 12 {
					t.Errorf("slow-consumer = %v (the stalled subscriber should have been dropped)", m)
				}
			}},
		{name: "conn-churn", fn: runConnChurn,
			conf:  "accounts: { USERS: { users: [ {user: a, password: a} ] }, SYS: { users: [ {user: admin, password: x} ] } }\nsystem_account: SYS\n",
			tweak: func(c *config) { c.auth = auth{"a", "a"} }, metrics: []string{"conns_per_sec", "conns"},
			check: func(t *testing.T, m map[string]float64) {
				if m["conns"] != 40 || m["conns_per_sec"] <= 0 {
					t.Errorf("conn-churn = %v", m)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, tt.conf)
			if tt.tweak != nil {
				tt.tweak(&cfg)
			}
			m, err := tt.fn(testCtx(t), cfg)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			tt.check(t, metricMap(t, m, tt.metrics...))
		})
	}
}

func TestConnChurnBadPassword(t *testing.T) {
	cfg := testConfig(t, "authorization: { user: a, password: a }\n")
	cfg.auth = auth{"a", "wrong"}
	if _, err := runConnChurn(testCtx(t), cfg); err == nil || !strings.Contains(err.Error(), "Authorization Violation") {
		t.Errorf("conn-churn with a bad password: err = %v, want an Authorization Violation", err)
	}
}

func TestConnz(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.count = 30
	var mu sync.Mutex
	var queries []string
	mon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		fmt.Fprint(w, `{"total":30,"connections":[{"cid":1},{"cid":2}]}`)
	}))
	defer mon.Close()
	cfg.monitor = mon.URL
	m, err := runConnz(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := metricMap(t, m, "p50_ms", "max_ms", "returned", "total", "conns")
	if got["returned"] != 2 || got["total"] != 30 || got["conns"] != 30 {
		t.Errorf("connz = %v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(queries) != 2+defaultConnzRequests || queries[0] != "/connz?"+defaultConnzQuery {
		t.Errorf("queries = %d, first %q", len(queries), queries[0])
	}
}

func TestConnzFailures(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.count = 5
	if _, err := runConnz(testCtx(t), cfg); err != errNoMonitorURL {
		t.Errorf("connz without -monitor: err = %v", err)
	}
	for _, body := range []string{`{"total":0,"connections":[]}`, `not json`} {
		mon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) }))
		cfg.monitor = mon.URL
		if _, err := runConnz(testCtx(t), cfg); err == nil {
			t.Errorf("connz accepted the reply %s", body)
		}
		mon.Close()
	}
}

func TestRunExitCodes(t *testing.T) {
	cfg := testConfig(t, "")
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{nil, exitUsage, ""},
		{[]string{"nope"}, exitUsage, ""},
		{[]string{"reqrep", "-scale", "0"}, exitUsage, ""},
		{[]string{"reqrep", "extra"}, exitUsage, ""},
		{[]string{"idle-conns", "-s", cfg.addr, "-count", "3"}, exitFailed, ""},
		{[]string{"reqrep", "-s", "nats://" + cfg.addr, "-scale", "0.01"}, exitOK, "p50_us "},
		{[]string{"report"}, exitUsage, ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stdout.String(), tt.out) {
			t.Errorf("run(%v) = %d, stdout %q, stderr %q; want %d and %q", tt.args, code, stdout.String(), stderr.String(), tt.code, tt.out)
		}
	}
}
