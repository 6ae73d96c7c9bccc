package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

var httpMonitorLine = regexp.MustCompile(`Starting http monitor on (\S+)`)

// httpGet returns the status and body of a GET.
func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	c := &http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, b
}

// TestHTTPMonitor starts the monitoring listener from the config (random
// port), checks the banner line, the ports file entry and a few endpoints,
// and compares the JSON shapes with the reference's.
func TestHTTPMonitor(t *testing.T) {
	conf := svcConf + "\nhttp_port: -1\n"
	var logBuf natstest.LogBuffer
	o := natstest.LoadConfig(t, conf)
	s := natstest.RunServerLog(t, o, &logBuf)
	m := httpMonitorLine.FindStringSubmatch(logBuf.String())
	if m == nil {
		t.Fatalf("no banner line in %q", logBuf.String())
	}
	addr := s.MonitorAddr()
	if addr == nil || !strings.HasSuffix(m[1], addr.String()[strings.LastIndex(addr.String(), ":"):]) {
		t.Fatalf("banner %q, listener %v", m[1], addr)
	}
	if p := s.Ports(); len(p.Monitoring) != 1 || p.Monitoring[0] != "http://"+addr.String() {
		t.Errorf("ports file monitoring = %v", p.Monitoring)
	}
	ref := natstest.RunReference(t, conf)
	rm := httpMonitorLine.FindStringSubmatch(ref.LogText())
	if rm == nil {
		t.Fatalf("reference has no monitor line: %s", ref.LogText())
	}
	connect(t, s.ClientURL(), nats.UserInfo("a", "a"))
	connect(t, ref.ClientURL(), nats.UserInfo("a", "a"))
	for _, path := range []string{"/varz", "/connz", "/connz?subs=1", "/subsz", "/accountz", "/accstatz", "/healthz", "/jsz", "/routez", "/gatewayz", "/leafz"} {
		t.Run(path, func(t *testing.T) {
			oc, ob := httpGet(t, "http://"+addr.String()+path)
			rc, rb := httpGet(t, "http://"+rm[1]+path)
			if oc != rc {
				t.Fatalf("status %d, reference %d", oc, rc)
			}
			sameShape(t, path, ob, rb)
		})
	}
	code, body := httpGet(t, "http://"+addr.String()+"/connz?sort=bad")
	if code != http.StatusBadRequest || string(body) != "invalid sorting option: bad" {
		t.Errorf("/connz?sort=bad: %d %q", code, body)
	}
	s.Shutdown()
	if s.MonitorAddr() != nil {
		t.Error("monitor still listening after shutdown")
	}
}

// TestHTTPMonitorFlagAndBasePath: -m and http_base_path.
func TestHTTPMonitorFlagAndBasePath(t *testing.T) {
	cmd, err := server.ParseCommandLine([]string{"-m", "-1"})
	if err != nil {
		t.Fatal(err)
	}
	o := cmd.Options
	o.HTTPBasePath = "/mon"
	s := natstest.RunServerOpts(t, o)
	addr := s.MonitorAddr()
	if addr == nil {
		t.Fatal("no monitoring listener")
	}
	code, body := httpGet(t, "http://"+addr.String()+"/mon/varz")
	if code != http.StatusOK {
		t.Fatalf("/mon/varz: %d", code)
	}
	var v struct {
		ID       string `json:"server_id"`
		BasePath string `json:"http_base_path"`
		HTTPPort int    `json:"http_port"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != s.ID() || v.BasePath != "/mon" || v.HTTPPort == 0 || v.HTTPPort == -1 {
		t.Errorf("varz = %+v", v)
	}
	if code, _ := httpGet(t, "http://"+addr.String()+"/varz"); code != http.StatusNotFound {
		t.Errorf("/varz outside the base path: %d", code)
	}
	dir := t.TempDir()
	if err := s.WritePortsFile(dir); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.ports"))
	if len(files) != 1 {
		t.Fatalf("ports files %v", files)
	}
	data, _ := os.ReadFile(files[0])
	if !strings.Contains(string(data), `"monitoring":["http://`+addr.String()+`"]`) {
		t.Errorf("ports file %s", data)
	}
}
