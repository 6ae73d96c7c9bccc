package server_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

var infoKeyOrder = []string{
	"server_id", "server_name", "version", "proto", "go", "host", "port", "headers",
	"max_payload", "client_id", "client_ip", "api_lvl", "xkey",
}

// jsonKeys returns the top-level keys of a JSON object in order.
func jsonKeys(t *testing.T, js string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestInfoGreeting(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	c := natstest.Dial(t, s.ClientURL())
	if !regexp.MustCompile(`^INFO \{.*\} \r\n$`).MatchString(c.InfoLine) {
		t.Fatalf("bad INFO line %q", c.InfoLine)
	}
	js := strings.TrimSuffix(strings.TrimPrefix(c.InfoLine, "INFO "), " \r\n")
	if got := strings.Join(jsonKeys(t, js), ","); got != strings.Join(infoKeyOrder, ",") {
		t.Fatalf("INFO keys\n got %s\nwant %s", got, strings.Join(infoKeyOrder, ","))
	}
	id, _ := c.Info["server_id"].(string)
	if !regexp.MustCompile(`^N[A-Z2-7]{55}$`).MatchString(id) || id != s.ID() {
		t.Fatalf("bad server_id %q (server %q)", id, s.ID())
	}
	if c.Info["server_name"] != id || c.Info["version"] != "2.15.2" || c.Info["proto"] != 1.0 ||
		c.Info["headers"] != true || c.Info["max_payload"] != 1048576.0 || c.Info["client_ip"] != "127.0.0.1" {
		t.Fatalf("bad INFO values %v", c.Info)
	}
	if _, ok := c.Info["auth_required"]; ok {
		t.Fatal("auth_required present on an open server")
	}
	if x, _ := c.Info["xkey"].(string); !strings.HasPrefix(x, "X") || len(x) != 56 {
		t.Fatalf("bad xkey %q", x)
	}
	c2 := natstest.Dial(t, s.ClientURL())
	if c2.Info["client_id"].(float64) <= c.Info["client_id"].(float64) {
		t.Fatalf("client ids not increasing: %v then %v", c.Info["client_id"], c2.Info["client_id"])
	}
}

func TestStartShutdownLogs(t *testing.T) {
	var log natstest.LogBuffer
	o := server.DefaultOptions()
	o.ServerName = "srv1"
	o.Debug = true
	s := natstest.RunServerLog(t, o, &log)
	s.Shutdown()
	s.Shutdown() // idempotent
	s.WaitForShutdown()
	text := log.String()
	want := []string{
		"[INF] Starting nats-server",
		"[INF]   Version:  " + server.Version,
		"[INF]   Git:      [not set]",
		"[DBG]   Go build: go",
		"[INF]   Name:     srv1",
		"[INF]   ID:       " + s.ID(),
		`[DBG] Created system account: "$SYS"`,
		"[INF] Listening for client connections on 127.0.0.1:",
		"[INF] Server is ready",
		"[INF] Initiating Shutdown...",
		"[DBG] Client accept loop exiting..",
		"[INF] Server Exiting..",
	}
	pos := 0
	for _, w := range want {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("log misses %q (in order) in:\n%s", w, text)
		}
		pos += i + len(w)
	}
	line := regexp.MustCompile(`^\[\d+\] \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} \[(INF|DBG)\] `)
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if !line.MatchString(l) {
			t.Fatalf("bad log line format %q", l)
		}
	}
	if _, err := net.DialTimeout("tcp", natstest.HostPort(s.ClientURL()), time.Second); err == nil {
		t.Fatal("listener still open after Shutdown")
	}
}

func TestLogtimeOff(t *testing.T) {
	var log natstest.LogBuffer
	o := server.DefaultOptions()
	o.Logtime = false
	natstest.RunServerLog(t, o, &log)
	if !regexp.MustCompile(`(?m)^\[\d+\] \[INF\] Server is ready$`).MatchString(log.String()) {
		t.Fatalf("unexpected log:\n%s", log.String())
	}
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name string
		mod  func(o *server.Options)
		want string
	}{
		{"payload over pending", func(o *server.Options) { o.MaxPayload = 2097152; o.MaxPending = 1048576 },
			"max_payload (2097152) cannot be higher than max_pending (1048576)"},
		{"lame duck grace", func(o *server.Options) {
			o.LameDuckDuration = 30 * time.Second
			o.LameDuckGracePeriod = 30 * time.Second
		},
			"lame duck grace period (30s) should be strictly lower than lame duck duration (30s)"},
		{"name with space", func(o *server.Options) { o.ServerName = "a b" }, "server name cannot contain spaces"},
		{"no auth user without users", func(o *server.Options) { o.NoAuthUser = "bob" },
			`no_auth_user: "bob" present, but users/nkeys are not defined`},
		{"unknown no auth user", func(o *server.Options) {
			o.NoAuthUser = "ghost"
			o.Users = []*server.User{{Username: "a", Password: "b"}}
		}, `no_auth_user: "ghost" not present as user or nkey in authorization block or account configuration`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := server.DefaultOptions()
			tc.mod(o)
			_, err := server.New(o)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestListenError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	o := server.DefaultOptions()
	o.Host = "127.0.0.1"
	o.Port = l.Addr().(*net.TCPAddr).Port
	s, err := server.New(o)
	if err != nil {
		t.Fatal(err)
	}
	var log natstest.LogBuffer
	s.Logger().SetOutput(&log)
	if err := s.Start(); err == nil {
		t.Fatal("Start succeeded on a busy port")
	}
	hp := l.Addr().String()
	want := `[FTL] Error listening on port: ` + hp + `, "listen tcp ` + hp + `: bind: address already in use"`
	if !strings.Contains(log.String(), want) {
		t.Fatalf("log misses %q:\n%s", want, log.String())
	}
}

func TestTraceAndStats(t *testing.T) {
	o := server.DefaultOptions()
	o.Trace = true
	o.Debug = true
	o.Users = []*server.User{{Username: "u", Password: "pw"}}
	var log natstest.LogBuffer
	s := natstest.RunServerLog(t, o, &log)
	c := natstest.Dial(t, s.ClientURL())
	c.Send("CONNECT {\"verbose\":false,\"user\":\"u\",\"pass\":\"pw\",\"name\":\"app\",\"lang\":\"go\",\"version\":\"1.2\"}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n")
	c.Expect("MSG foo 1 2\r\nhi\r\nPONG\r\n")
	for _, want := range []string{
		"Client connection created",
		`<<- [CONNECT {"verbose":false,"user":"u","pass":"[REDACTED]","name":"app","lang":"go","version":"1.2"}]`,
		// The system account's internal clients take the first cids.
		fmt.Sprintf(`- cid:%v - "v1.2:go:app" - "$G/user:u" - <<- [SUB foo 1]`, c.Info["client_id"]),
		`<<- [PUB foo 2]`,
		`<<- MSG_PAYLOAD: ["hi"]`,
		`->> [MSG foo 1 2]`,
		`->> MSG_PAYLOAD: ["hi"]`,
		`->> [PONG]`,
	} {
		if !log.WaitFor(want, time.Second) {
			t.Fatalf("log misses %q:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), `"pw"`) {
		t.Fatalf("password logged:\n%s", log.String())
	}
	st := s.Stats()
	if st.InMsgs != 1 || st.OutMsgs != 1 || st.InBytes != 2 || st.OutBytes != 2 || st.TotalConnections != 1 {
		t.Fatalf("stats %+v", st)
	}
	c.Close()
	if !log.WaitFor(`"$G/user:u" - Client connection closed: Client Closed`, time.Second) ||
		!log.WaitFor("<-> [DELSUB 1]", time.Second) {
		t.Fatalf("log misses the close line:\n%s", log.String())
	}
}

func TestReopenLogFile(t *testing.T) {
	dir := t.TempDir()
	o := server.DefaultOptions()
	o.LogFile = dir + "/n.log"
	o.Host, o.Port = "127.0.0.1", server.RandomPort
	s, err := server.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown()
	if err := os.Rename(o.LogFile, dir+"/n.log.1"); err != nil {
		t.Fatal(err)
	}
	s.ReopenLogFile()
	s.Logger().Noticef("after reopen")
	b, err := os.ReadFile(o.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "File log re-opened") || !strings.Contains(string(b), "after reopen") {
		t.Fatalf("new log file:\n%s", b)
	}
	old, _ := os.ReadFile(dir + "/n.log.1")
	if !strings.Contains(string(old), "Server is ready") {
		t.Fatalf("old log file:\n%s", old)
	}

	var buf natstest.LogBuffer
	s2 := natstest.RunServerLog(t, nil, &buf)
	s2.ReopenLogFile()
	if !strings.Contains(buf.String(), "File log re-open ignored, not a file logger") {
		t.Fatalf("log:\n%s", buf.String())
	}
}
