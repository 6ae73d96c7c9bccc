package server_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/server/natstest"
)

// sysConf is the seed configuration (docs/examples/sys.conf).
const sysConf = `
accounts: {
  USERS: { users: [ {user: a, password: a} ] },
  SYS:   { users: [ {user: admin, password: changeit} ] },
}
system_account: SYS
`

// sysMsg is a message a spy received.
type sysMsg struct {
	Subject string
	Reply   string
	Header  nats.Header
	Data    []byte
	At      time.Time
}

// spy collects every message of a subscription.
type spy struct {
	mu   sync.Mutex
	msgs []sysMsg
	sub  *nats.Subscription
}

// newSpy subscribes nc to subj and records what arrives.
func newSpy(t *testing.T, nc *nats.Conn, subj string) *spy {
	t.Helper()
	sp := &spy{}
	sub, err := nc.Subscribe(subj, func(m *nats.Msg) {
		sp.mu.Lock()
		sp.msgs = append(sp.msgs, sysMsg{Subject: m.Subject, Reply: m.Reply, Header: m.Header, Data: m.Data, At: time.Now()})
		sp.mu.Unlock()
	})
	if err != nil {
		t.Fatalf("subscribe %q: %v", subj, err)
	}
	sp.sub = sub
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return sp
}

// all returns a copy of what arrived.
func (sp *spy) all() []sysMsg {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return slices.Clone(sp.msgs)
}

// waitFor waits until a message whose subject matches re arrived (count
// times) and returns everything received so far.
func (sp *spy) waitFor(t *testing.T, re string, count int) []sysMsg {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(5 * time.Second)
	for {
		msgs := sp.all()
		n := 0
		for _, m := range msgs {
			if rx.MatchString(m.Subject) {
				n++
			}
		}
		if n >= count {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d x %q; got %v", count, re, subjects(msgs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// subjects lists the subjects of msgs.
func subjects(msgs []sysMsg) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Subject
	}
	return out
}

// serverIDRe matches a server ID inside a subject.
var serverIDRe = regexp.MustCompile(`N[A-Z2-7]{55}`)

// normSubject replaces server IDs by <id>.
func normSubject(s string) string { return serverIDRe.ReplaceAllString(s, "<id>") }

// shape flattens a JSON document into path -> JSON type ("string",
// "number", "bool", "null", "object", "array"); array elements share the
// path suffix "[]".
func shape(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, data)
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			out[path] = "object"
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			out[path] = "array"
			for _, e := range x {
				walk(path+"[]", e)
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
	walk("", v)
	return out
}

// diffShapes describes how two shapes differ ("" when equal).
func diffShapes(ours, ref map[string]string) string {
	var d []string
	for k, v := range ref {
		if o, ok := ours[k]; !ok {
			d = append(d, fmt.Sprintf("missing %s (%s)", k, v))
		} else if o != v {
			d = append(d, fmt.Sprintf("retyped %s: %s, reference %s", k, o, v))
		}
	}
	for k, v := range ours {
		if _, ok := ref[k]; !ok {
			d = append(d, fmt.Sprintf("extra %s (%s)", k, v))
		}
	}
	sort.Strings(d)
	return strings.Join(d, "; ")
}

// sameShape fails the test when the JSON payloads differ in keys or types.
func sameShape(t *testing.T, what string, ours, ref []byte) {
	t.Helper()
	if d := diffShapes(shape(t, ours), shape(t, ref)); d != "" {
		t.Errorf("%s: payload shape differs from the reference: %s\n ours %s\n ref  %s", what, d, ours, ref)
	}
}

// pair is the same setup on our server and on the reference.
type pair struct {
	ours, ref string // client URLs
}

// runPair starts our server and the reference from the same config text
// (the test is skipped, with the reason logged, when the reference is
// missing).
func runPair(t *testing.T, conf string) pair {
	t.Helper()
	ref := natstest.RunReference(t, conf)
	ours := natstest.RunServer(t, conf)
	return pair{ours: ours.ClientURL(), ref: ref.ClientURL()}
}

// both runs f for our server and the reference, concurrently, and returns
// their results.
func both[T any](p pair, f func(url string) T) (ours, ref T) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ours = f(p.ours) }()
	go func() { defer wg.Done(); ref = f(p.ref) }()
	wg.Wait()
	return ours, ref
}

// admin connects as the system user.
func admin(t *testing.T, url string) *nats.Conn {
	t.Helper()
	return connect(t, url, nats.UserInfo("admin", "changeit"))
}

// request sends body (with header h when not nil) to subj and collects the
// replies: it waits up to wait for the first one and then briefly for more.
func request(t *testing.T, nc *nats.Conn, subj string, h nats.Header, body string, wait time.Duration) []*nats.Msg {
	t.Helper()
	inbox := nats.NewInbox()
	ch := make(chan *nats.Msg, 16)
	sub, err := nc.ChanSubscribe(inbox, ch)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	m := &nats.Msg{Subject: subj, Reply: inbox, Header: h, Data: []byte(body)}
	if err := nc.PublishMsg(m); err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	var out []*nats.Msg
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case m := <-ch:
			out = append(out, m)
			timer.Reset(100 * time.Millisecond)
		case <-timer.C:
			return out
		}
	}
}

// serverID asks the server behind nc for its ID (PING).
func serverID(t *testing.T, nc *nats.Conn) string {
	t.Helper()
	msgs := request(t, nc, "$SYS.REQ.SERVER.PING", nil, "", 2*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("PING: %d replies", len(msgs))
	}
	var r struct {
		Server struct {
			ID string `json:"id"`
		} `json:"server"`
	}
	if err := json.Unmarshal(msgs[0].Data, &r); err != nil {
		t.Fatal(err)
	}
	return r.Server.ID
}

// decode unmarshals a payload or fails the test.
func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, data)
	}
	return v
}

// rawAdmin opens a raw protocol connection as admin subscribed to subj.
func rawAdmin(t *testing.T, url, subj string) *natstest.Conn {
	t.Helper()
	c := natstest.Dial(t, url)
	c.Send(`CONNECT {"user":"admin","pass":"changeit","verbose":false,"pedantic":false,"headers":true,"protocol":0}` + "\r\nSUB " + subj + " 1\r\nPING\r\n")
	// The admin's own CONNS/CONNECT events may overtake the PONG when subj
	// matches them: skip messages until the PONG.
	for {
		line := c.ReadLine()
		switch {
		case line == "PONG\r\n":
			return c
		case strings.HasPrefix(line, "MSG ") || strings.HasPrefix(line, "HMSG "):
			f := strings.Fields(line)
			n, err := strconv.Atoi(f[len(f)-1])
			if err != nil {
				t.Fatalf("bad message line %q", line)
			}
			c.ReadN(n + 2)
		default:
			t.Fatalf("waiting for PONG, got %q", line)
		}
	}
}

// rawMsgs reads MSG/HMSG until the connection is quiet for d or closed,
// skipping PING/INFO lines.
func rawMsgs(t *testing.T, c *natstest.Conn, d time.Duration) []natstest.Msg {
	t.Helper()
	var out []natstest.Msg
	data := c.ReadFor(d)
	for data != "" {
		i := strings.Index(data, "\r\n")
		if i < 0 {
			t.Fatalf("partial line %q", data)
		}
		line := data[:i+2]
		data = data[i+2:]
		f := strings.Fields(line)
		if len(f) == 0 || (f[0] != "MSG" && f[0] != "HMSG") {
			continue
		}
		size := 0
		fmt.Sscan(f[len(f)-1], &size)
		hdr := 0
		if f[0] == "HMSG" {
			fmt.Sscan(f[len(f)-2], &hdr)
		}
		m := natstest.Msg{Subject: f[1], Sid: f[2], Header: data[:hdr], Data: data[hdr:size]}
		if (f[0] == "MSG" && len(f) == 5) || (f[0] == "HMSG" && len(f) == 6) {
			m.Reply = f[3]
		}
		out = append(out, m)
		data = data[size+2:]
	}
	return out
}
