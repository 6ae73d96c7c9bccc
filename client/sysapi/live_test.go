package sysapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/natsys/natsys/client/internal/servertest"
)

// liveConfig is the reference server's configuration: the seed accounts,
// JetStream for USERS, random client and monitoring ports.
const liveConfig = `
server_name: ref-live
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
jetstream { store_dir: %q }
accounts: {
  USERS: { jetstream: enabled, users: [ {user: a, password: a} ] }
  SYS: { users: [ {user: admin, password: changeit} ] }
}
system_account: SYS
`

// refServer is a running server binary: the reference nats-server, or the
// server under test in TestLiveStandalone.
type refServer struct {
	cmd      *exec.Cmd
	exited   chan error
	natsURL  string
	httpURL  string
	serverID string
}

// refServerPath returns the reference binary or skips the test.
func refServerPath(t *testing.T) string {
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
		t.Skipf("reference nats-server not available at %s (set NATSYS_REF_SERVER or run scripts/ref.sh): %v", bin, err)
	}
	return bin
}

// startRefServer starts the reference with the seed configuration plus
// JetStream and waits until it serves /varz.
func startRefServer(t *testing.T) *refServer {
	t.Helper()
	return startRef(t, fmt.Sprintf(liveConfig, filepath.Join(t.TempDir(), "js")))
}

// startRef starts the reference with config and waits until it serves /varz.
func startRef(t *testing.T, config string) *refServer {
	t.Helper()
	return startBinary(t, refServerPath(t), config)
}

// startBinary starts the server binary bin (the reference or natsys's
// nats-server) with config and waits until it serves /varz.
func startBinary(t *testing.T, bin, config string) *refServer {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "server.conf")
	if err := os.WriteFile(conf, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	portsDir := filepath.Join(dir, "ports")
	if err := os.Mkdir(portsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	rs := &refServer{cmd: exec.Command(bin, "-c", conf, "--ports_file_dir", portsDir), exited: make(chan error, 1)}
	rs.cmd.Stdout, rs.cmd.Stderr = io.Discard, io.Discard
	if err := rs.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { rs.exited <- rs.cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case <-rs.exited:
		default:
			_ = rs.cmd.Process.Kill()
			<-rs.exited
		}
	})
	var ports struct {
		Nats       []string `json:"nats"`
		Monitoring []string `json:"monitoring"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(portsDir, "*.ports"))
		if len(files) == 1 {
			if b, err := os.ReadFile(files[0]); err == nil && json.Unmarshal(b, &ports) == nil &&
				len(ports.Nats) > 0 && len(ports.Monitoring) > 0 {
				break
			}
		}
		select {
		case err := <-rs.exited:
			t.Fatalf("%s exited during startup: %v", bin, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not write its ports file", bin)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rs.natsURL, rs.httpURL = ports.Nats[0], ports.Monitoring[0]
	var varz Varz
	if err := json.Unmarshal(httpGet(t, rs.httpURL+"/varz"), &varz); err != nil {
		t.Fatalf("varz: %v", err)
	}
	rs.serverID = varz.ID
	t.Logf("%s (version %s) serves %s and %s", bin, varz.Version, rs.natsURL, rs.httpURL)
	return rs
}

func httpGet(t *testing.T, url string) []byte {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return b
}

func connect(t *testing.T, url, user, pass, name string) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(url, nats.UserInfo(user, pass), nats.Name(name), nats.NoReconnect())
	if err != nil {
		t.Fatalf("connect %s: %v", user, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// setUpActivity gives the server streams, consumers, subscriptions and
// closed connections so that every payload has content.
func setUpActivity(t *testing.T, rs *refServer) {
	t.Helper()
	user := setUpClients(t, rs)
	setUpJetStream(t, user)
	if err := user.Flush(); err != nil {
		t.Fatal(err)
	}
}

// setUpClients gives the server subscriptions, a closed connection and a
// failed login, and returns the connection of user "a" that subscribed.
func setUpClients(t *testing.T, rs *refServer) *nats.Conn {
	t.Helper()
	user := connect(t, rs.natsURL, "a", "a", "a-sub")
	if _, err := user.QueueSubscribeSync("foo.>", "q1"); err != nil {
		t.Fatal(err)
	}
	if _, err := user.SubscribeSync("bar.baz"); err != nil {
		t.Fatal(err)
	}
	// A client that publishes and leaves: CONNECT, CONNS, DISCONNECT.
	gone := connect(t, rs.natsURL, "a", "a", "gone")
	if err := gone.Publish("foo.x", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := gone.Flush(); err != nil {
		t.Fatal(err)
	}
	gone.Close()
	// A failed login: AUTH.ERR and a $G DISCONNECT.
	if nc, err := nats.Connect(rs.natsURL, nats.UserInfo("a", "wrong"), nats.NoReconnect()); err == nil {
		nc.Close()
		t.Fatal("login with a wrong password succeeded")
	}
	if err := user.Flush(); err != nil {
		t.Fatal(err)
	}
	return user
}

// setUpJetStream creates a stream with three messages and a durable
// consumer that acknowledged one, as user.
func setUpJetStream(t *testing.T, user *nats.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	js, err := jetstream.New(user)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.>"}})
	if err != nil {
		t.Fatalf("create stream: %v", err)
	}
	for i := 0; i < 3; i++ {
		if _, err := js.Publish(ctx, "orders.new", []byte("hello")); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "PROC", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatalf("create consumer: %v", err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	for m := range batch.Messages() {
		if err := m.Ack(); err != nil {
			t.Fatalf("ack: %v", err)
		}
	}
}

// liveRequest is one $SYS request sent to a live server.
type liveRequest struct {
	subject string // %s is replaced by the server ID
	body    string
	rt      roundTripper
}

var liveRequests = []liveRequest{
	{"$SYS.REQ.SERVER.PING", "", strictRoundTrip[ServerStatsMsg]()},
	{"$SYS.REQ.SERVER.PING.STATSZ", "{}", strictRoundTrip[ServerStatsMsg]()},
	{"$SYS.REQ.SERVER.PING", "xx", strictRoundTrip[ServerAPIStatus]()},
	{"$SYS.REQ.SERVER.PING.IDZ", "", strictRoundTrip[ServerID]()},
	{"$SYS.REQ.SERVER.PING.VARZ", `{"exact_match":true}`, strictRoundTrip[VarzResponse]()},
	{"$SYS.REQ.SERVER.%s.VARZ", "{bad", strictRoundTrip[ServerAPIStatus]()},
	{"$SYS.REQ.SERVER.PING.CONNZ", `{"auth":true,"subscriptions_detail":true}`, strictRoundTrip[ConnzResponse]()},
	{"$SYS.REQ.SERVER.PING.CONNZ", `{"auth":true,"subscriptions":true,"state":2}`, strictRoundTrip[ConnzResponse]()},
	{"$SYS.REQ.SERVER.PING.CONNZ", `{"sort":"xyz"}`, strictRoundTrip[ConnzResponse]()},
	{"$SYS.REQ.SERVER.PING.CONNZ", `{"limit":"x"}`, strictRoundTrip[ServerAPIStatus]()},
	{"$SYS.REQ.SERVER.PING.ROUTEZ", `{"subscriptions":true}`, strictRoundTrip[RoutezResponse]()},
	{"$SYS.REQ.SERVER.PING.GATEWAYZ", `{"accounts":true}`, strictRoundTrip[GatewayzResponse]()},
	{"$SYS.REQ.SERVER.PING.LEAFZ", `{"subscriptions":true}`, strictRoundTrip[LeafzResponse]()},
	{"$SYS.REQ.SERVER.PING.SUBSZ", `{"subscriptions":true}`, strictRoundTrip[SubszResponse]()},
	{"$SYS.REQ.SERVER.PING.SUBSZ", `{"test":"foo.*"}`, strictRoundTrip[SubszResponse]()},
	{"$SYS.REQ.SERVER.PING.JSZ", `{"accounts":true,"streams":true,"consumer":true,"config":true,"raft":true}`, strictRoundTrip[JszResponse]()},
	{"$SYS.REQ.SERVER.PING.ACCOUNTZ", "", strictRoundTrip[AccountzResponse]()},
	{"$SYS.REQ.SERVER.PING.ACCOUNTZ", `{"account":"SYS"}`, strictRoundTrip[AccountzResponse]()},
	{"$SYS.REQ.SERVER.PING.ACCOUNTZ", `{"account":"NOPE"}`, strictRoundTrip[AccountzResponse]()},
	{"$SYS.REQ.SERVER.PING.HEALTHZ", `{"details":true}`, strictRoundTrip[HealthzResponse]()},
	{"$SYS.REQ.SERVER.PING.HEALTHZ", `{"account":"USERS","stream":"NOPE","details":true}`, strictRoundTrip[HealthzResponse]()},
	{"$SYS.REQ.SERVER.PING.HEALTHZ", `{"stream":"x"}`, strictRoundTrip[HealthzResponse]()},
	{"$SYS.REQ.SERVER.PING.EXPVARZ", "", strictRoundTrip[ExpvarzResponse]()},
	{"$SYS.REQ.SERVER.PING.PROFILEZ", "", strictRoundTrip[ProfilezResponse]()},
	{"$SYS.REQ.SERVER.PING.IPQUEUESZ", `{"all":true}`, strictRoundTrip[IpqueueszResponse]()},
	{"$SYS.REQ.SERVER.PING.RAFTZ", "", strictRoundTrip[RaftzResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.CONNZ", `{"auth":true}`, strictRoundTrip[ConnzResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.LEAFZ", "", strictRoundTrip[LeafzResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.SUBSZ", "", strictRoundTrip[SubszResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.JSZ", `{"streams":true,"consumer":true,"config":true}`, strictRoundTrip[AccountJszResponse]()},
	{"$SYS.REQ.ACCOUNT.SYS.JSZ", "", strictRoundTrip[AccountJszResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.INFO", "", strictRoundTrip[AccountInfoResponse]()},
	{"$SYS.REQ.ACCOUNT.SYS.INFO", "", strictRoundTrip[AccountInfoResponse]()},
	{"$SYS.REQ.ACCOUNT.NOPE.INFO", "", strictRoundTrip[AccountInfoResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.STATZ", "", strictRoundTrip[AccountStatzResponse]()},
	{"$SYS.REQ.ACCOUNT.PING.STATZ", `{"include_unused":true}`, strictRoundTrip[AccountStatzResponse]()},
	{"$SYS.REQ.ACCOUNT.PING.CONNZ", "", strictRoundTrip[ConnzResponse]()},
	{"$SYS.REQ.ACCOUNT.USERS.CONNS", "", strictRoundTrip[AccountNumConns]()},
	{"$SYS.REQ.USER.INFO", "", strictRoundTrip[UserInfoResponse]()},
	{"$SYS.REQ.SERVER.%s.KICK", `{"cid":0}`, strictRoundTrip[ServerAPIStatus]()},
	{"$SYS.REQ.SERVER.%s.LDM", `{"cid":99999}`, strictRoundTrip[ServerAPIStatus]()},
	{"$SYS.REQ.SERVER.%s.RELOAD", "", strictRoundTrip[ServerAPIStatus]()},
	{"$SYS.REQ.ACCOUNT.USERS.CLAIMS.UPDATE", "junk", strictRoundTrip[ServerAPIClaimUpdateResponse]()},
}

var liveHTTP = []struct {
	path string
	rt   roundTripper
}{
	{"/varz", strictRoundTrip[Varz]()},
	{"/connz?subs=detail&auth=1", strictRoundTrip[Connz]()},
	{"/connz?state=all&auth=1&subs=1", strictRoundTrip[Connz]()},
	{"/routez?subs=1", strictRoundTrip[Routez]()},
	{"/gatewayz?accs=1", strictRoundTrip[Gatewayz]()},
	{"/leafz?subs=1", strictRoundTrip[Leafz]()},
	{"/subsz?subs=1", strictRoundTrip[Subsz]()},
	{"/accountz", strictRoundTrip[Accountz]()},
	{"/accountz?acc=USERS", strictRoundTrip[Accountz]()},
	{"/accstatz?unused=1", strictRoundTrip[AccountStatz]()},
	{"/jsz?accounts=1&streams=1&consumers=1&config=1&raft=1", strictRoundTrip[JSInfo]()},
	{"/healthz", strictRoundTrip[HealthStatus]()},
	{"/healthz?js-enabled-only=1", strictRoundTrip[HealthStatus]()},
}

// eventKind maps a system event subject to the type that decodes it.
func eventKind(subject, serverID string) (string, roundTripper) {
	switch {
	case strings.HasSuffix(subject, ".CONNECT") && !strings.HasSuffix(subject, ".LEAFNODE.CONNECT"):
		return "connect", strictRoundTrip[ConnectEventMsg]()
	case strings.HasSuffix(subject, ".DISCONNECT"):
		return "disconnect", strictRoundTrip[DisconnectEventMsg]()
	case strings.HasPrefix(subject, "$SYS.SERVER.ACCOUNT.") && strings.HasSuffix(subject, ".CONNS"):
		return "conns-old", strictRoundTrip[AccountNumConns]()
	case strings.HasSuffix(subject, ".SERVER.CONNS"):
		return "conns-new", strictRoundTrip[AccountNumConns]()
	case subject == fmt.Sprintf(AuthErrorEventSubj, serverID):
		return "auth-err", strictRoundTrip[DisconnectEventMsg]()
	case subject == fmt.Sprintf(ServerStatsSubj, serverID):
		return "statsz", strictRoundTrip[ServerStatsMsg]()
	case subject == fmt.Sprintf(ShutdownEventSubj, serverID):
		return "shutdown", strictRoundTrip[ServerInfo]()
	}
	return "", nil
}

// TestLiveReference runs the reference nats-server and checks that every
// payload it produces decodes strictly into our types and re-encodes to the
// same JSON, key order included.
func TestLiveReference(t *testing.T) {
	runLive(t, startRefServer(t), setUpActivity)
}

// standaloneConfig is the configuration of TestLiveStandalone: the seed
// accounts, random client and monitoring ports, no JetStream.
const standaloneConfig = `
server_name: live
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
accounts: {
  USERS: { users: [ {user: a, password: a} ] }
  SYS: { users: [ {user: admin, password: changeit} ] }
}
system_account: SYS
`

// TestLiveStandalone runs the server under test (servertest.Binary: the
// reference, or natsys's bin/nats-server in make unit's second pass) alone
// and without JetStream, and checks that every request reply, monitoring
// page and event it produces decodes strictly into our types (unknown
// fields rejected) and re-encodes to the same JSON, key order included.
func TestLiveStandalone(t *testing.T) {
	rs := startBinary(t, servertest.Binary(t), standaloneConfig)
	runLive(t, rs, func(t *testing.T, rs *refServer) {
		setUpClients(t, rs)
		checkVarzHTTPStats(t, rs)
	})
}

// checkVarzHTTPStats checks that VARZ over $SYS reports the HTTP request
// counters: startBinary fetched /varz once at least.
func checkVarzHTTPStats(t *testing.T, rs *refServer) {
	t.Helper()
	admin := connect(t, rs.natsURL, "admin", "changeit", "varz")
	msg, err := admin.Request(fmt.Sprintf("$SYS.REQ.SERVER.%s.VARZ", rs.serverID), nil, 5*time.Second)
	if err != nil {
		t.Fatalf("VARZ request: %v", err)
	}
	var v VarzResponse
	if err := json.Unmarshal(msg.Data, &v); err != nil || v.Data == nil {
		t.Fatalf("VARZ reply %s: %v", msg.Data, err)
	}
	if v.Data.HTTPReqStats[VarzPath] == 0 {
		t.Errorf("VARZ http_req_stats = %v after GET %s, want a count for %s", v.Data.HTTPReqStats, VarzPath, VarzPath)
	}
}

// runLive subscribes to the system events of rs, calls setUp, and checks
// every liveRequests reply, liveHTTP page and event of rs, its shutdown
// event last (rs is stopped when runLive returns).
func runLive(t *testing.T, rs *refServer, setUp func(*testing.T, *refServer)) {
	t.Helper()
	admin := connect(t, rs.natsURL, "admin", "changeit", "spy")
	events := make(chan *nats.Msg, 1024)
	for _, subj := range []string{"$SYS.ACCOUNT.>", "$SYS.SERVER.>"} {
		if _, err := admin.ChanSubscribe(subj, events); err != nil {
			t.Fatal(err)
		}
	}
	if err := admin.Flush(); err != nil {
		t.Fatal(err)
	}
	setUp(t, rs)
	// A PING without a reply subject forces a STATSZ broadcast.
	if err := admin.Publish(ServerStatsPingReqSubj, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("requests", func(t *testing.T) {
		for _, lr := range liveRequests {
			subject := lr.subject
			if strings.Contains(subject, "%s") {
				subject = fmt.Sprintf(subject, rs.serverID)
			}
			t.Run(subject+" "+lr.body, func(t *testing.T) {
				msg, err := admin.Request(subject, []byte(lr.body), 5*time.Second)
				if err != nil {
					t.Fatalf("request: %v", err)
				}
				checkGolden(t, golden{file: subject, rt: lr.rt, mode: exact}, msg.Data)
			})
		}
	})
	t.Run("http", func(t *testing.T) {
		for _, h := range liveHTTP {
			t.Run(h.path, func(t *testing.T) {
				checkGolden(t, golden{file: h.path, rt: h.rt, mode: exact}, httpGet(t, rs.httpURL+h.path))
			})
		}
	})
	t.Run("events", func(t *testing.T) {
		want := []string{"connect", "disconnect", "conns-old", "conns-new", "auth-err", "statsz"}
		seen := collectEvents(t, rs, events, want, 15*time.Second)
		for _, k := range want {
			if seen[k] == 0 {
				t.Errorf("no %s event received", k)
			}
		}
	})
	t.Run("shutdown", func(t *testing.T) {
		if err := rs.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		seen := collectEvents(t, rs, events, []string{"shutdown"}, 10*time.Second)
		if seen["shutdown"] != 1 {
			t.Errorf("%d shutdown events, want 1", seen["shutdown"])
		}
	})
}

// collectEvents checks every event until each kind in want was seen or the
// timeout passes, and returns how often each kind was seen.
func collectEvents(t *testing.T, rs *refServer, events <-chan *nats.Msg, want []string, timeout time.Duration) map[string]int {
	t.Helper()
	seen := map[string]int{}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	done := func() bool {
		for _, k := range want {
			if seen[k] == 0 {
				return false
			}
		}
		return true
	}
	for !done() {
		select {
		case m := <-events:
			kind, rt := eventKind(m.Subject, rs.serverID)
			if rt == nil {
				continue
			}
			seen[kind]++
			t.Run(m.Subject, func(t *testing.T) {
				checkGolden(t, golden{file: m.Subject, rt: rt, mode: exact}, m.Data)
			})
		case <-timer.C:
			return seen
		}
	}
	return seen
}
