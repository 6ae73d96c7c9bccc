package monitor

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// refConfig is the seed configuration with random ports.
const refConfig = `
server_name: ref-mon
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
accounts: {
  USERS: { users: [ {user: a, password: a} ] }
  SYS: { users: [ {user: admin, password: changeit} ] }
}
system_account: SYS
`

// refBinary returns the reference nats-server or skips the test.
func refBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("NATSYS_REF_SERVER")
	if bin == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Skipf("reference nats-server: NATSYS_REF_SERVER unset and no home directory: %v", err)
		}
		bin = filepath.Join(home, ".cache", "natsys", "ref", "nats-server")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("reference nats-server not found at %s (set NATSYS_REF_SERVER or run scripts/ref.sh): %v", bin, err)
	}
	return bin
}

// startRef starts the reference with refConfig and returns its client
// address and monitoring URL; the server is stopped when the test ends.
func startRef(t *testing.T) (natsAddr, httpURL string) {
	t.Helper()
	bin := refBinary(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "ref.conf")
	if err := os.WriteFile(conf, []byte(refConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf, "--ports_file_dir", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("start reference: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	var ports struct {
		Nats       []string `json:"nats"`
		Monitoring []string `json:"monitoring"`
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.ports"))
		if len(files) == 1 {
			if b, err := os.ReadFile(files[0]); err == nil && json.Unmarshal(b, &ports) == nil &&
				len(ports.Nats) > 0 && len(ports.Monitoring) > 0 {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("reference exited during start-up: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("reference wrote no ports file")
		}
	}
	return strings.TrimPrefix(ports.Nats[0], "nats://"), ports.Monitoring[0]
}

// rawClient connects to addr, sends CONNECT plus ops, and waits for the
// PONG of a final PING. The connection is closed when the test ends
// unless the caller closes it first.
func rawClient(t *testing.T, addr, user, pass, ops string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "INFO ") {
		t.Fatalf("INFO: %q %v", line, err)
	}
	connect := fmt.Sprintf(`CONNECT {"verbose":false,"pedantic":false,"user":%q,"pass":%q,"name":"raw-%s","lang":"go","version":"1.0.0","protocol":1}`, user, pass, user)
	if _, err := conn.Write([]byte(connect + "\r\n" + ops + "PING\r\n")); err != nil {
		t.Fatal(err)
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("waiting for PONG: %v", err)
		}
		if strings.HasPrefix(line, "-ERR") {
			t.Fatalf("server: %s", line)
		}
		if line == "PONG\r\n" {
			break
		}
	}
	_ = conn.SetDeadline(time.Time{})
	return conn
}

// jsonShape records the JSON type of every key path of v in out. Array
// elements share the path "<array>[]"; the keys of maps whose keys are data
// (paths in dataMaps) are not recorded.
func jsonShape(v any, path string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		out[path] = "object"
		if dataMaps[path] {
			return
		}
		for k, e := range x {
			jsonShape(e, path+"."+k, out)
		}
	case []any:
		out[path] = "array"
		for _, e := range x {
			jsonShape(e, path+"[]", out)
		}
	case string:
		out[path] = "string"
	case float64:
		out[path] = "number"
	case bool:
		out[path] = "bool"
	case nil:
		out[path] = "null"
	}
}

// dataMaps are the objects whose keys are data, not field names.
var dataMaps = map[string]bool{
	".http_req_stats": true, ".outbound_gateways": true, ".inbound_gateways": true, ".feature_flags": true,
}

// implKeys are reference keys that are [IMPL] in the contract and that this
// server does not produce.
var implKeys = map[string]bool{".feature_flags": true}

// shapeOf fetches url from h (ours) or over HTTP (reference) and returns
// its key shape.
func shapeOf(t *testing.T, body []byte, what string) map[string]string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, body)
	}
	out := map[string]string{}
	jsonShape(v, "", out)
	return out
}

// TestReferenceKeySets compares the key sets and value types of every JSON
// endpoint with the reference's, in a similar state: a USERS client with a
// queue subscription and an auto-unsubscribe limit, a SYS client
// subscribed to ">", and a closed USERS client.
func TestReferenceKeySets(t *testing.T) {
	addr, refURL := startRef(t)
	rawClient(t, addr, "a", "a", "SUB foo.> q1 1\r\nSUB baz.* 2\r\nUNSUB 2 10\r\n")
	rawClient(t, addr, "admin", "changeit", "SUB > 1\r\n")
	gone := rawClient(t, addr, "a", "a", "PUB foo.x 5\r\nhello\r\n")
	_ = gone.Close()

	targets := []string{"/varz", "/connz", "/connz?auth=1&subs=detail&state=all", "/connz?state=closed&auth=1",
		"/connz?subs=1", "/connz?acc=NOPE", "/subsz", "/subsz?subs=1", "/accountz", "/accountz?acc=USERS",
		"/accstatz", "/accstatz?unused=1", "/jsz", "/jsz?accounts=1", "/healthz", "/routez", "/gatewayz", "/leafz"}
	f := newFake()
	f.conns[1].MQTTClient = "" // the reference has no MQTT client
	f.conns = f.conns[:3]      // nor a leafnode
	ours := NewHandler(f, "")
	client := &http.Client{Timeout: 5 * time.Second}
	for _, target := range targets {
		var refBody []byte
		for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			resp, err := client.Get(refURL + target)
			if err != nil {
				t.Fatal(err)
			}
			refBody, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			// The closed connection may take a moment to show up.
			if !strings.Contains(target, "closed") || strings.Contains(string(refBody), `"reason"`) || time.Now().After(deadline) {
				break
			}
		}
		w := httptest.NewRecorder()
		ours.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		want, got := shapeOf(t, refBody, "reference "+target), shapeOf(t, w.Body.Bytes(), "ours "+target)
		var diffs []string
		for k, typ := range want {
			if got[k] != typ && !implKeys[k] {
				diffs = append(diffs, fmt.Sprintf("%s: reference %s, ours %q", k, typ, got[k]))
			}
		}
		for k, typ := range got {
			if _, ok := want[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: ours %s, not in reference", k, typ))
			}
		}
		sort.Strings(diffs)
		if len(diffs) > 0 {
			t.Errorf("%s:\n  %s", target, strings.Join(diffs, "\n  "))
		}
	}
}

// TestReferenceErrors replays the error cases, the 404s and the /healthz
// cases against the reference and compares status, content type, CORS
// header and body with ours.
func TestReferenceErrors(t *testing.T) {
	_, refURL := startRef(t)
	targets := []string{"/nope", "/varz/", "/VARZ", "/raftz", "/healthz", "/healthz?stream=x",
		"/healthz?account=A&consumer=c", "/healthz?details=1&stream=x", "/healthz?details=true&account=x&stream=y&consumer=z"}
	for _, tc := range handlerErrorCases {
		targets = append(targets, tc.target)
	}
	ours := NewHandler(newFake(), "")
	client := &http.Client{Timeout: 5 * time.Second}
	for _, target := range targets {
		resp, err := client.Get(refURL + target)
		if err != nil {
			t.Fatal(err)
		}
		refBody, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		ours.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		if w.Code != resp.StatusCode || w.Body.String() != string(refBody) ||
			w.Header().Get("Content-Type") != resp.Header.Get("Content-Type") ||
			w.Header().Get("Access-Control-Allow-Origin") != resp.Header.Get("Access-Control-Allow-Origin") {
			t.Errorf("%s:\n  reference %d %q cors %q %q\n  ours      %d %q cors %q %q", target,
				resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Access-Control-Allow-Origin"), refBody,
				w.Code, w.Header().Get("Content-Type"), w.Header().Get("Access-Control-Allow-Origin"), w.Body.String())
		}
	}
}
