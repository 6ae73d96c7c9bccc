// Package servertest chooses the server binary that the client module's
// integration tests run against, and skips tests that need a feature the
// chosen server lacks.
//
// The server under test is an external binary that reads nats-server
// configuration files: NATSYS_TEST_SERVER when set (make unit's second pass
// points it at natsys's bin/nats-server), else the reference nats-server
// from NATSYS_REF_SERVER, else $HOME/.cache/natsys/ref/nats-server (or
// /tmp/ref/bin/nats-server). Tests skip, saying why, when none exists.
//
// natsys refuses configuration keys it does not implement yet with
// `"<key>" is not supported yet` (cluster, gateway, leafnodes, operator,
// resolver, jetstream, websocket, mqtt). RequireFeature asks the binary to
// check a configuration using the feature (-t) and skips the test only on
// that refusal, so the same tests run in full against the reference and
// start running against natsys as soon as it implements the feature.
package servertest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Environment variables that choose the server under test.
const (
	// EnvTestServer names the server under test (natsys's bin/nats-server
	// in make unit's second pass).
	EnvTestServer = "NATSYS_TEST_SERVER"
	// EnvRefServer names the reference nats-server binary.
	EnvRefServer = "NATSYS_REF_SERVER"
)

// Feature names a server capability that RequireFeature can check.
type Feature string

// The features natsys does not implement yet. The value is the top-level
// configuration key that turns the feature on.
const (
	Cluster   Feature = "cluster"
	Gateway   Feature = "gateway"
	Leafnodes Feature = "leafnodes"
	Operator  Feature = "operator"
	JetStream Feature = "jetstream"
	Websocket Feature = "websocket"
	MQTT      Feature = "mqtt"
)

// notSupportedFormat is natsys's refusal of a configuration key it knows
// but does not implement (server/config.go).
const notSupportedFormat = "%q is not supported yet"

// Binary returns the path of the server under test or skips tb.
func Binary(tb testing.TB) string {
	tb.Helper()
	for _, env := range []string{EnvTestServer, EnvRefServer} {
		if p := os.Getenv(env); p != "" {
			if _, err := os.Stat(p); err != nil {
				tb.Skipf("server binary %s=%s: %v", env, p, err)
			}
			return p
		}
	}
	var tried []string
	if home, err := os.UserHomeDir(); err == nil {
		tried = append(tried, filepath.Join(home, ".cache", "natsys", "ref", "nats-server"))
	}
	tried = append(tried, "/tmp/ref/bin/nats-server")
	for _, p := range tried {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	tb.Skipf("no server binary: set %s or %s (run scripts/ref.sh); tried %v", EnvTestServer, EnvRefServer, tried)
	return ""
}

// RequireFeature skips tb when the server binary bin refuses the
// configuration key of f as not supported yet (natsys before it implements
// f). Any other outcome, including another configuration error, lets the
// test run, so a broken implementation fails instead of skipping.
func RequireFeature(tb testing.TB, bin string, f Feature) {
	tb.Helper()
	if supported, out := probe(tb, bin, f); !supported {
		tb.Skipf("%s does not implement %s yet: %s", bin, f, out)
	}
}

// probe runs bin -t on a configuration that sets the key of f and reports
// whether bin accepted the key, with what bin printed when it did not.
func probe(tb testing.TB, bin string, f Feature) (bool, string) {
	tb.Helper()
	conf := filepath.Join(tb.TempDir(), "probe-"+string(f)+".conf")
	text := fmt.Sprintf("listen: 127.0.0.1:-1\n%s: {}\n", f)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		tb.Fatalf("write probe configuration: %v", err)
	}
	out, _ := exec.Command(bin, "-t", "-c", conf).CombinedOutput()
	out = bytes.TrimSpace(out)
	if bytes.Contains(out, []byte(fmt.Sprintf(notSupportedFormat, string(f)))) {
		return false, string(out)
	}
	return true, ""
}
