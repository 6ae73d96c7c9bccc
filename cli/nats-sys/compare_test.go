package main

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/server/natstest"
)

// TestJSONKeysMatchReference runs the raw endpoints with --json against the
// reference nats-server and natsys's server (in process) and compares the
// key sets of the replies (spec cli.md 5.4: "connz --json from our server
// and from the reference give the same keys").
func TestJSONKeysMatchReference(t *testing.T) {
	if inProcess() {
		t.Skip("compares the in-process server with the reference; run without NATSYS_SYS_TARGET")
	}
	seed, err := os.ReadFile(seedConfPath)
	if err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("server_name: n1\n%s\n", seed)
	ref := &sysServer{Server: clitest.StartServer(t, conf), name: "n1"}
	srv := natstest.RunServer(t, conf)
	port := srv.Addr().(*net.TCPAddr).Port
	ours := &sysServer{Server: &clitest.Server{URL: "nats://127.0.0.1:" + itoa(port), Port: port}, name: "n1"}
	for _, s := range []*sysServer{ref, ours} {
		connectApp(t, s, "keys", "keys.>")
	}
	for _, cmd := range [][]string{
		{"connz"}, {"varz"}, {"subsz"}, {"jsz"}, {"accountz"}, {"healthz"}, {"statsz"}, {"routez"}, {"leafz"}, {"gatewayz"},
		{"connz", "--subscriptions", "--account", "USERS"}, {"account", "info", "USERS"},
	} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			want := jsonKeys(t, run(t, sysArgs(ref, append(cmd, "--json")...)...).Stdout)
			got := jsonKeys(t, run(t, sysArgs(ours, append(cmd, "--json")...)...).Stdout)
			if len(want) < 5 {
				t.Fatalf("the reference gave only %d keys: %v", len(want), want)
			}
			if missing, extra := diff(want, got); len(missing)+len(extra) > 0 {
				t.Errorf("keys differ from the reference:\nmissing: %v\nextra:   %v", missing, extra)
			}
		})
	}
}

// jsonKeys collects the paths of every object key in NDJSON replies
// ("data.connections[].cid"), values of map-like objects excluded.
func jsonKeys(t *testing.T, out string) []string {
	t.Helper()
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if strings.HasSuffix(prefix, "http_req_stats") || strings.HasSuffix(prefix, "feature_flags") {
					continue
				}
				p := prefix + "." + k
				set[p] = true
				walk(p, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		}
	}
	for _, d := range ndjson(t, out) {
		walk("", d)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func diff(want, got []string) (missing, extra []string) {
	for _, k := range want {
		if !slices.Contains(got, k) {
			missing = append(missing, k)
		}
	}
	for _, k := range got {
		if !slices.Contains(want, k) {
			extra = append(extra, k)
		}
	}
	return missing, extra
}
