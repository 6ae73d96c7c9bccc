package clitest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Feature names a server capability that RequireFeature checks. The value
// is the top-level configuration key that turns the feature on.
type Feature string

// The features natsys's server does not implement yet.
const (
	Cluster   Feature = "cluster"
	Gateway   Feature = "gateway"
	Leafnodes Feature = "leafnodes"
	Operator  Feature = "operator"
	JetStream Feature = "jetstream"
	Websocket Feature = "websocket"
	MQTT      Feature = "mqtt"
)

// NotSupported reports whether err text (or a server's output) is natsys's
// refusal of the configuration key of f: `"<key>" is not supported yet`.
func NotSupported(text string, f Feature) bool {
	return strings.Contains(text, fmt.Sprintf("%q is not supported yet", string(f)))
}

// RequireFeature skips t when the server binary under test (ServerBinary)
// refuses the configuration key of f as not supported yet, which natsys
// does for the features it lacks. It checks a probe configuration with -t;
// any other outcome lets the test run, so the tests run in full against the
// reference and against natsys once it implements f.
func RequireFeature(t testing.TB, f Feature) {
	t.Helper()
	bin, reason, ok := ServerBinary()
	if !ok {
		t.Skip(reason)
	}
	conf := filepath.Join(t.TempDir(), "probe-"+string(f)+".conf")
	if err := os.WriteFile(conf, []byte(ProbeConfig(f)), 0o600); err != nil {
		t.Fatalf("write probe configuration: %v", err)
	}
	out, _ := exec.Command(bin, "-t", "-c", conf).CombinedOutput()
	if out = bytes.TrimSpace(out); NotSupported(string(out), f) {
		t.Skipf("%s does not implement %s yet: %s", bin, f, out)
	}
}

// ProbeConfig is a configuration that sets the key of f (with an empty
// block: servers that know f accept it or fail on its content, never with
// the not-supported refusal).
func ProbeConfig(f Feature) string {
	return fmt.Sprintf("listen: 127.0.0.1:-1\n%s: {}\n", f)
}
