package server_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// impBoth runs body against the in-process server and, in a subtest
// that skips when the binary is missing, against the reference, both
// started from conf.
func impBoth(t *testing.T, conf string, body func(t *testing.T, url string)) {
	t.Helper()
	t.Run("natsys", func(t *testing.T) { body(t, natstest.RunServer(t, conf).ClientURL()) })
	t.Run("reference", func(t *testing.T) { body(t, natstest.RunReference(t, conf).ClientURL()) })
}

// Volatile parts of service-import traffic: the random "_R_." reply
// subjects and the requester's RTT in Nats-Request-Info.
var (
	respSubject = regexp.MustCompile(`_R_\.[A-Za-z0-9]+\.[A-Za-z0-9]+`)
	rttValue    = regexp.MustCompile(`"rtt":\d+`)
)

// normaliseImport hides the volatile parts of s.
func normaliseImport(s string) string {
	return rttValue.ReplaceAllString(respSubject.ReplaceAllString(s, "_R_.*"), `"rtt":*`)
}

// impDrain sends PING and returns what arrived before the PONG: each MSG or
// HMSG as "MSG <subject> <sid> <reply> [<headers>] <data>" and each -ERR
// line, normalised and sorted (deliveries to different subscriptions have
// no defined order). Server PINGs are answered.
func impDrain(t *testing.T, c *natstest.Conn) []string {
	t.Helper()
	c.Send("PING\r\n")
	var out []string
	for {
		line := c.ReadLine()
		switch {
		case line == "PONG\r\n":
			slices.Sort(out)
			return out
		case line == "PING\r\n":
			c.Send("PONG\r\n")
		case strings.HasPrefix(line, "-ERR"), strings.HasPrefix(line, "+OK"):
			out = append(out, strings.TrimSpace(line))
		case strings.HasPrefix(line, "MSG "), strings.HasPrefix(line, "HMSG "):
			m := impReadMsg(t, c, line)
			s := "MSG " + m.Subject + " " + m.Sid + " " + m.Reply
			if m.Header != "" {
				s += " [" + strings.ReplaceAll(strings.TrimSpace(m.Header), "\r\n", "|") + "]"
			}
			out = append(out, normaliseImport(s+" "+m.Data))
		default:
			t.Fatalf("unexpected %q", line)
		}
	}
}

var msgHeadLine = regexp.MustCompile(`^(H?MSG) (\S+) (\S+)(?: (\S+))? (\d+)(?: (\d+))?\r\n$`)

// impReadMsg reads the payload of the MSG/HMSG whose control line is line.
func impReadMsg(t *testing.T, c *natstest.Conn, line string) natstest.Msg {
	t.Helper()
	m := msgHeadLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("bad MSG line %q", line)
	}
	msg := natstest.Msg{Subject: m[2], Sid: m[3]}
	hdr, total := 0, 0
	switch {
	case m[1] == "HMSG" && m[6] == "":
		hdr, total = impAtoi(t, m[4]), impAtoi(t, m[5])
	case m[1] == "HMSG":
		msg.Reply, hdr, total = m[4], impAtoi(t, m[5]), impAtoi(t, m[6])
	default:
		msg.Reply, total = m[4], impAtoi(t, m[5])
	}
	body := c.ReadN(total + 2)
	msg.Header, msg.Data = body[:hdr], body[hdr:total]
	return msg
}

func impAtoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			t.Fatalf("bad number %q", s)
		}
		n = n*10 + int(ch-'0')
	}
	return n
}

// impLogin dials url and authenticates as user (password = user).
func impLogin(t *testing.T, url, user, extra string) *natstest.Conn {
	t.Helper()
	c := natstest.Dial(t, url)
	fields := `"user":"` + user + `","pass":"` + user + `"`
	if extra != "" {
		fields += "," + extra
	}
	c.Send(connectLine(fields))
	c.Send("PING\r\n")
	c.Expect("PONG\r\n")
	return c
}

func impExpect(t *testing.T, got []string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

const streamConf = `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "ev.>"}, {stream: "pos.*.*"}, {stream: "only.c", accounts: [C]}] }
  B: { users: [{user: b, password: b}], imports: [
    {stream: {account: A, subject: "ev.>"}, prefix: "from_a"}
    {stream: {account: A, subject: "pos.*.*"}, to: "swap.$2.$1"}
  ] }
  C: { users: [{user: c, password: c}], imports: [
    {stream: {account: A, subject: "ev.x"}}
    {stream: {account: A, subject: "only.c"}}
  ], exports: [{stream: "ev.>"}] }
  D: { users: [{user: d, password: d}], imports: [{stream: {account: C, subject: "ev.>"}}] }
}
`

// TestStreamImports: subscribers of the importing account get the
// exporter's messages under the mapped subject, nobody else does, and a
// stream import is one hop (D imports from C what C imports from A: D gets
// only what is published in C).
func TestStreamImports(t *testing.T) {
	impBoth(t, streamConf, func(t *testing.T, url string) {
		a := impLogin(t, url, "a", "")
		b := impLogin(t, url, "b", "")
		c := impLogin(t, url, "c", "")
		d := impLogin(t, url, "d", "")
		a.Send("SUB > 1\r\n")
		b.Send("SUB > 1\r\nSUB from_a.ev.* q 2\r\n")
		c.Send("SUB > 1\r\n")
		d.Send("SUB > 1\r\n")
		for _, cn := range []*natstest.Conn{a, b, c, d} {
			impExpect(t, impDrain(t, cn))
		}
		a.Send("PUB ev.x r 2\r\nhi\r\nPUB ev.y.z 1\r\nz\r\nPUB pos.1.2 1\r\np\r\nPUB only.c 1\r\no\r\nPUB other 1\r\nn\r\n")
		impExpect(t, impDrain(t, a), "MSG ev.x 1 r hi", "MSG ev.y.z 1  z", "MSG pos.1.2 1  p", "MSG only.c 1  o", "MSG other 1  n")
		impExpect(t, impDrain(t, b), "MSG from_a.ev.x 1 r hi", "MSG from_a.ev.x 2 r hi", "MSG from_a.ev.y.z 1  z", "MSG swap.2.1 1  p")
		impExpect(t, impDrain(t, c), "MSG ev.x 1 r hi", "MSG only.c 1  o")
		impExpect(t, impDrain(t, d))
		c.Send("PUB ev.c 1\r\nc\r\n")
		impExpect(t, impDrain(t, c), "MSG ev.c 1  c")
		impExpect(t, impDrain(t, d), "MSG ev.c 1  c")
		// Publishing the mapped subject in B reaches no other account.
		b.Send("PUB from_a.ev.x 1\r\nb\r\n")
		impExpect(t, impDrain(t, b), "MSG from_a.ev.x 1  b", "MSG from_a.ev.x 2  b")
		impExpect(t, impDrain(t, a))
	})
}

const serviceConf = `accounts {
  A: { users: [{user: a, password: a}], exports: [
    {service: "svc.echo"}
    {service: "svc.stream", response_type: stream}
    {service: "svc.chunk", response_type: chunked}
    {service: "w.>"}
    {service: "priv", accounts: [C]}
  ] }
  B: { users: [{user: b, password: b}], imports: [
    {service: {account: A, subject: "svc.echo"}, to: "echo"}
    {service: {account: A, subject: "svc.stream"}}
    {service: {account: A, subject: "svc.chunk"}}
    {service: {account: A, subject: "w.>"}, to: "loc.>"}
  ] }
  C: { users: [{user: c, password: c}], imports: [{service: {account: A, subject: "priv"}}] }
}
`

// TestServiceImports: requests published on the local subject reach the
// exporter's responders with a "_R_." reply and the Nats-Request-Info
// header; responses come back once (singleton) or many times (stream,
// chunked); the importer cannot reach subjects it did not import; a request
// nobody in the exporter receives gets a 503 when asked for.
func TestServiceImports(t *testing.T) {
	impBoth(t, serviceConf, func(t *testing.T, url string) {
		a := impLogin(t, url, "a", `"headers":true`)
		b := impLogin(t, url, "b", `"headers":true,"no_responders":true`)
		a.Send("SUB svc.> 1\r\nSUB w.> 2\r\nSUB priv 3\r\n")
		b.Send("SUB _INBOX.> 1\r\n")
		impExpect(t, impDrain(t, a))
		impExpect(t, impDrain(t, b))

		reqInfo := "NATS/1.0\r\nNats-Request-Info: {\"acc\":\"B\",\"rtt\":*}\r\n\r\n"
		for _, kind := range []struct{ subj, local string }{{"svc.echo", "echo"}, {"svc.stream", "svc.stream"}, {"svc.chunk", "svc.chunk"}} {
			m := impRequest(t, a, b, kind.local)
			if m.Subject != kind.subj || m.Sid != "1" || normaliseImport(m.Header) != reqInfo || m.Data != "hi" {
				t.Fatalf("request %+v", m)
			}
			a.Send("PUB " + m.Reply + " 2\r\nr1\r\nPUB " + m.Reply + " 2\r\nr2\r\n")
			impExpect(t, impDrain(t, a))
			if kind.local == "echo" {
				impExpect(t, impDrain(t, b), "MSG _INBOX.1 1  r1")
			} else {
				impExpect(t, impDrain(t, b), "MSG _INBOX.1 1  r1", "MSG _INBOX.1 1  r2")
			}
		}
		// Wildcard import with a local prefix; a message without reply.
		b.Send("PUB loc.x.y 1\r\nw\r\n")
		impExpect(t, impDrain(t, b))
		impExpect(t, impDrain(t, a), "MSG w.x.y 2  "+`[NATS/1.0|Nats-Request-Info: {"acc":"B","rtt":*}]`+" w")
		// Subjects B did not import (the exporter's names, another export
		// restricted to C) reach nobody; with no_responders the request gets
		// a 503 back.
		b.Send("PUB svc.echo _INBOX.2 1\r\nx\r\nPUB priv _INBOX.3 1\r\nx\r\nPUB w.x _INBOX.4 1\r\nx\r\n")
		impExpect(t, impDrain(t, b),
			"MSG _INBOX.2 1  [NATS/1.0 503|Nats-Subject: svc.echo] ",
			"MSG _INBOX.3 1  [NATS/1.0 503|Nats-Subject: priv] ",
			"MSG _INBOX.4 1  [NATS/1.0 503|Nats-Subject: w.x] ")
		impExpect(t, impDrain(t, a))
		// An imported service without responders: 503 for the local subject.
		a.Send("UNSUB 1\r\n")
		impExpect(t, impDrain(t, a))
		b.Send("PUB echo _INBOX.5 1\r\nx\r\n")
		impExpect(t, impDrain(t, b), "MSG _INBOX.5 1  [NATS/1.0 503|Nats-Subject: echo] ")
	})
}

// impRequest sends a request from b on local and returns the message a
// receives for it.
func impRequest(t *testing.T, a, b *natstest.Conn, local string) natstest.Msg {
	t.Helper()
	b.Send("PUB " + local + " _INBOX.1 2\r\nhi\r\nPING\r\n")
	b.Expect("PONG\r\n")
	for {
		line := a.ReadLine()
		if line == "PING\r\n" {
			a.Send("PONG\r\n")
			continue
		}
		m := impReadMsg(t, a, line)
		if !strings.HasPrefix(m.Reply, "_R_.") {
			t.Fatalf("request reply %q", m.Reply)
		}
		return m
	}
}

// TestServiceImportHeaders: a request's own headers are kept and the
// Nats-Request-Info header is added after them; a responder without
// headers support gets the body only.
func TestServiceImportHeaders(t *testing.T) {
	conf := `accounts {
  A: { users: [{user: a, password: a}, {user: a2, password: a2}], exports: [{service: "svc"}] }
  B: { users: [{user: b, password: b}], imports: [{service: {account: A, subject: "svc"}}] }
}
`
	impBoth(t, conf, func(t *testing.T, url string) {
		a := impLogin(t, url, "a", `"headers":true`)
		a2 := impLogin(t, url, "a2", `"headers":false`)
		b := impLogin(t, url, "b", `"headers":true`)
		a.Send("SUB svc 1\r\n")
		a2.Send("SUB svc 1\r\n")
		impExpect(t, impDrain(t, a))
		impExpect(t, impDrain(t, a2))
		b.Send("HPUB svc _INBOX.1 20 22\r\nNATS/1.0\r\nX-A: 1\r\n\r\nhi\r\n")
		impExpect(t, impDrain(t, b))
		impExpect(t, impDrain(t, a), `MSG svc 1 _R_.* [NATS/1.0|X-A: 1|Nats-Request-Info: {"acc":"B","rtt":*}] hi`)
		impExpect(t, impDrain(t, a2), `MSG svc 1 _R_.* hi`)
	})
}

// TestImportLoadErrors compares the start-up errors of import problems with
// the reference's (config.md §2.10).
func TestImportLoadErrors(t *testing.T) {
	tests := []struct {
		name, conf, want string
		// alt is what the reference may report instead: it adds the
		// accounts in random order, so a cycle is found at either import.
		alt string
	}{
		{"unauthorized stream", `accounts {
  A: { exports: [{stream: "ev.>", accounts: [C]}] }
  B: { imports: [{stream: {account: A, subject: "ev.>"}}] }
  C: {}
}`, `Error adding stream import "ev.>": stream import not authorized`, ""},
		{"unauthorized service", `accounts {
  A: { exports: [{service: "svc"}] }
  B: { imports: [{service: {account: A, subject: "svc.x"}}] }
}`, `Error adding service import "svc.x": service import not authorized`, ""},
		{"service cycle", `accounts {
  A: { exports: [{service: "svc.>"}], imports: [{service: {account: B, subject: "q.>"}, to: "svc.>"}] }
  B: { exports: [{service: "q.>"}], imports: [{service: {account: A, subject: "svc.>"}, to: "q.>"}] }
}`, `Error adding service import "svc.>": import forms a cycle`, `Error adding service import "q.>": import forms a cycle`},
		{"stream cycle", `accounts {
  A: { exports: [{stream: "ev.>"}], imports: [{stream: {account: B, subject: "ev.>"}}] }
  B: { exports: [{stream: "ev.>"}], imports: [{stream: {account: A, subject: "ev.>"}}] }
}`, `Error adding stream import "ev.>": import forms a cycle`, ""},
		{"stream cycle of three", `accounts {
  A: { exports: [{stream: "ev.>"}], imports: [{stream: {account: C, subject: "ev.>"}}] }
  B: { exports: [{stream: "ev.>"}], imports: [{stream: {account: A, subject: "ev.>"}}] }
  C: { exports: [{stream: "ev.>"}], imports: [{stream: {account: B, subject: "ev.>"}}] }
}`, `Error adding stream import "ev.>": import forms a cycle`, ""},
		{"stream cycle by overlap", `accounts {
  A: { exports: [{stream: "ev.>"}], imports: [{stream: {account: B, subject: "ev.x"}}] }
  B: { exports: [{stream: "ev.>"}], imports: [{stream: {account: A, subject: "ev.*"}}] }
}`, `Error adding stream import "ev.*": import forms a cycle`, `Error adding stream import "ev.x": import forms a cycle`},
		{"duplicate stream import", `accounts {
  A: { exports: [{stream: "ev.>"}] }
  B: { imports: [{stream: {account: A, subject: "ev.>"}}, {stream: {account: A, subject: "ev.>"}, prefix: p}] }
}`, `Error adding stream import "ev.>": stream import already exists`, ""},
		{"prefix with wildcard", `accounts {
  A: { exports: [{stream: "ev.a"}] }
  B: { imports: [{stream: {account: A, subject: "ev.a"}, prefix: "x.*"}] }
}`, `Error adding stream import "ev.a": stream import prefix can not contain wildcard tokens`, ""},
		{"stream mapping drops a wildcard", `accounts {
  A: { exports: [{stream: "ev.*.*"}] }
  B: { imports: [{stream: {account: A, subject: "ev.*.*"}, to: "x.*"}] }
}`, `Error adding stream import "ev.*.*": failed to create mapping transform for stream import subject from "ev.*.*" to "x.*": invalid mapping destination: not using all of the token wildcard(s) in x.$1`, ""},
		{"stream mapping > to *", `accounts {
  A: { exports: [{stream: "ev.>"}] }
  B: { imports: [{stream: {account: A, subject: "ev.>"}, to: "x.*"}] }
}`, `Error adding stream import "ev.>": failed to create mapping transform for stream import subject from "ev.>" to "x.*": invalid subject`, ""},
		{"service mapping out of range", `accounts {
  A: { exports: [{service: "svc.*"}] }
  B: { imports: [{service: {account: A, subject: "svc.*"}, to: "x.*.*"}] }
}`, `Error adding service import "svc.*": failed to create mapping transform for service import subject from "x.*.*" to "svc.*": invalid mapping destination: wildcard index out of range in $2: [2]`, ""},
		{"service literal local", `accounts {
  A: { exports: [{service: "svc.*"}] }
  B: { imports: [{service: {account: A, subject: "svc.*"}, to: "x"}] }
}`, `Error adding service import "svc.*": failed to create mapping transform for service import subject from "x" to "svc.*": invalid mapping destination: not using all of the token wildcard(s) in x`, ""},
		{"service invalid local", `accounts {
  A: { exports: [{service: "svc"}] }
  B: { imports: [{service: {account: A, subject: "svc"}, to: "x..y"}] }
}`, `Error adding service import "svc": sublist: invalid subject`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.conf")
			if err := os.WriteFile(path, []byte(tc.conf+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := server.ProcessConfigFile(path)
			var ce *server.ConfigErrors
			if !errors.As(err, &ce) || len(ce.Errors) != 1 {
				t.Fatalf("err = %v, want one error", err)
			}
			if want := path + ":1:0: " + tc.want; ce.Errors[0].Error() != want {
				t.Fatalf("error\n  %s\nwant\n  %s", ce.Errors[0].Error(), want)
			}
			if ref, ok := natstest.RefServerPath(); ok {
				out, _ := exec.Command(ref, "-t", "-c", path).CombinedOutput()
				want := "nats-server: " + path + ":1:0: " + tc.want
				alt := "nats-server: " + path + ":1:0: " + tc.alt
				if !strings.HasPrefix(string(out), want+"\n") && (tc.alt == "" || !strings.HasPrefix(string(out), alt+"\n")) {
					t.Fatalf("reference -t says %q, want %q", out, want)
				}
			}
		})
	}
	valid := []string{
		// A self import, prefixes or subjects that keep the flows apart,
		// mappings with wildcard references: all accepted. (Whether the
		// reference accepts a config can depend on its random account
		// order; these do not.)
		`accounts { A: { exports: [{stream: "ev.>"}], imports: [{stream: {account: A, subject: "ev.>"}}] } }`,
		`accounts {
  A: { exports: [{stream: "ev.>"}], imports: [{stream: {account: B, subject: "ev.>"}, prefix: p}] }
  B: { exports: [{stream: "ev.>"}], imports: [{stream: {account: A, subject: "ev.>"}, prefix: q}] }
}`,
		`accounts {
  A: { exports: [{service: "svc.>"}], imports: [{service: {account: B, subject: "q.>"}}] }
  B: { exports: [{service: "q.>"}], imports: [{service: {account: A, subject: "svc.>"}}] }
}`,
		`accounts {
  A: { exports: [{stream: "ev.*.*"}] }
  B: { imports: [{stream: {account: A, subject: "ev.*.*"}, to: "x.$2.{{wildcard(1)}}"}] }
}`,
	}
	for i, conf := range valid {
		path := filepath.Join(t.TempDir(), "v.conf")
		if err := os.WriteFile(path, []byte(conf+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := server.ProcessConfigFile(path); err != nil {
			t.Errorf("valid config %d: %v", i, err)
		}
		if ref, ok := natstest.RefServerPath(); ok {
			if out, err := exec.Command(ref, "-t", "-c", path).CombinedOutput(); err != nil {
				t.Errorf("valid config %d refused by the reference: %s", i, out)
			}
		}
	}
}

// TestImportErrorsInCode: options built in code get the same checks at New.
func TestImportErrorsInCode(t *testing.T) {
	o := server.DefaultOptions()
	o.Accounts = []*server.AccountConfig{
		{Name: "A", Exports: []*server.ExportConfig{{Stream: "ev.>", Accounts: []string{"C"}}}},
		{Name: "B", Imports: []*server.ImportConfig{{Account: "A", Stream: "ev.>"}}},
		{Name: "C"},
	}
	_, err := server.New(o)
	if err == nil || err.Error() != `Error adding stream import "ev.>": stream import not authorized` {
		t.Fatalf("New: %v", err)
	}
}

// TestImportsNatsGo drives the Ex 6 configuration of config.md with nats.go:
// a no_auth_user client of B gets A's events with the prefix and A's echo
// service under its local name.
func TestImportsNatsGo(t *testing.T) {
	conf := `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "ev.>"}, {service: "svc.echo"}, {service: "svc.many", response_type: stream}] }
  B: { users: [{user: b, password: b}], imports: [
    {stream: {account: A, subject: "ev.>"}, prefix: "a"}
    {service: {account: A, subject: "svc.echo"}, to: "echo"}
    {service: {account: A, subject: "svc.many"}, to: "many"}
  ] }
}
no_auth_user: b
`
	s := natstest.RunServer(t, conf)
	a := connect(t, s.ClientURL(), nats.UserInfo("a", "a"))
	b := connect(t, s.ClientURL())
	sub, err := b.SubscribeSync("a.ev.>")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Subscribe("svc.echo", func(m *nats.Msg) {
		if m.Header.Get("Nats-Request-Info") == "" {
			_ = m.Respond([]byte("no request info"))
			return
		}
		_ = m.Respond(append([]byte("echo:"), m.Data...))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Subscribe("svc.many", func(m *nats.Msg) {
		for _, p := range []string{"1", "2", "3"} {
			_ = m.Respond([]byte(p))
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := a.Publish("ev.x", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if m := nextMsg(t, sub); m.Subject != "a.ev.x" || string(m.Data) != "hello" {
		t.Fatalf("stream import: %q %q", m.Subject, m.Data)
	}
	resp, err := b.Request("echo", []byte("ping"), 2*time.Second)
	if err != nil || string(resp.Data) != "echo:ping" {
		t.Fatalf("service import: %v %v", resp, err)
	}
	if _, err := b.Request("svc.echo", []byte("x"), 300*time.Millisecond); !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("exporter's own subject from B: %v, want no responders", err)
	}
	inbox := b.NewRespInbox()
	many, err := b.SubscribeSync(inbox)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PublishRequest("many", inbox, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1", "2", "3"} {
		if m := nextMsg(t, many); string(m.Data) != want {
			t.Fatalf("stream response %q, want %q", m.Data, want)
		}
	}
}

// TestImportsReload: a reload that adds and removes imports rewires them
// for connected clients.
func TestImportsReload(t *testing.T) {
	before := `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "ev.>"}] }
  B: { users: [{user: b, password: b}] }
}
`
	after := `accounts {
  A: { users: [{user: a, password: a}], exports: [{stream: "ev.>"}] }
  B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: "ev.>"}, prefix: p}] }
}
`
	s := natstest.RunServer(t, before)
	a := impLogin(t, s.ClientURL(), "a", "")
	b := impLogin(t, s.ClientURL(), "b", "")
	b.Send("SUB > 1\r\n")
	impExpect(t, impDrain(t, b))
	a.Send("PUB ev.1 1\r\n1\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b))
	if err := s.ApplyReload(natstest.LoadConfig(t, after)); err != nil {
		t.Fatal(err)
	}
	a.Send("PUB ev.2 1\r\n2\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b), "MSG p.ev.2 1  2")
	if err := s.ApplyReload(natstest.LoadConfig(t, before)); err != nil {
		t.Fatal(err)
	}
	a.Send("PUB ev.3 1\r\n3\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b))
}

// TestServiceResponseRoutes: a singleton route is gone after the first
// response; a stream route ends at response_threshold; a request nobody
// received leaves no route.
func TestServiceResponseRoutes(t *testing.T) {
	conf := `accounts {
  A: { users: [{user: a, password: a}], exports: [{service: "one"}, {service: "many", response_type: stream, response_threshold: "200ms"}, {service: "none"}] }
  B: { users: [{user: b, password: b}], imports: [{service: {account: A, subject: "one"}}, {service: {account: A, subject: "many"}}, {service: {account: A, subject: "none"}}] }
}
`
	s := natstest.RunServer(t, conf)
	accA := s.LookupAccount("A")
	a := impLogin(t, s.ClientURL(), "a", "")
	b := impLogin(t, s.ClientURL(), "b", "")
	a.Send("SUB one 1\r\nSUB many 2\r\n")
	b.Send("SUB _INBOX.> 1\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b))

	b.Send("PUB none _INBOX.0 1\r\nx\r\n")
	impExpect(t, impDrain(t, b))
	if n := accA.NumResponseRoutes(); n != 0 {
		t.Fatalf("%d routes after an unanswered request to no responder", n)
	}
	one := impRequest(t, a, b, "one")
	if n := accA.NumResponseRoutes(); n != 1 {
		t.Fatalf("%d routes after a request", n)
	}
	a.Send("PUB " + one.Reply + " 1\r\n1\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b), "MSG _INBOX.1 1  1")
	if n := accA.NumResponseRoutes(); n != 0 {
		t.Fatalf("%d routes after the singleton response", n)
	}
	many := impRequest(t, a, b, "many")
	a.Send("PUB " + many.Reply + " 1\r\n1\r\nPUB " + many.Reply + " 1\r\n2\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b), "MSG _INBOX.1 1  1", "MSG _INBOX.1 1  2")
	time.Sleep(300 * time.Millisecond)
	a.Send("PUB " + many.Reply + " 1\r\n3\r\n")
	impExpect(t, impDrain(t, a))
	impExpect(t, impDrain(t, b))
	if n := accA.NumResponseRoutes(); n != 0 {
		t.Fatalf("%d routes after the threshold", n)
	}
}
