package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/server/natstest"
)

// maxConnConf is the seed configuration with room for the admin and one
// client only, monitoring on a random port, and debug and trace logging.
const maxConnConf = sysConf + `
max_connections: 2
http_port: -1
debug: true
trace: true
`

// maxConnRefusedErr is what a refused connection receives after INFO.
const maxConnRefusedErr = "-ERR 'maximum connections exceeded'\r\n"

// maxConnRun is what one server did with two refused connections.
type maxConnRun struct {
	infoKeys []string         // keys of the refused connections' INFO
	cids     []float64        // their client_id, in order
	closed   []map[string]any // CONNZ state=closed entries, sorted by cid
	authed   []map[string]any // the same with auth=true
	counts   map[string][2]float64
	events   []natstest.Msg // system messages after the refusals (no STATSZ)
	log      string
}

// maxConnQueries are the CONNZ queries whose num_connections and total are
// compared.
var maxConnQueries = []string{
	"state=open", "state=closed", "state=all", "state=closed&auth=true",
	"state=closed&acc=$G", "state=closed&acc=USERS", "state=closed&subs=detail",
}

// runMaxConn fills the two slots (admin subscribed to ">", user a), opens
// two more connections that are refused, and collects the CONNZ entries,
// the system messages and the log of the server at url (monitoring at mon).
func runMaxConn(t *testing.T, url, mon string, logText func() string) maxConnRun {
	t.Helper()
	adm := rawAdmin(t, url, ">")
	a := natstest.Dial(t, url)
	a.Send(`CONNECT {"user":"a","pass":"a","verbose":false,"protocol":1}` + "\r\nPING\r\n")
	a.Expect("PONG\r\n")
	rawMsgs(t, adm, 300*time.Millisecond) // the CONNS and CONNECT events of a

	run := maxConnRun{counts: map[string][2]float64{}}
	for i := 0; i < 2; i++ {
		c := natstest.DialRaw(t, url)
		info := c.ReadLine()
		if !strings.HasPrefix(info, "INFO ") {
			t.Fatalf("refused connection %d: first line %q, want INFO", i, info)
		}
		fields := natstest.ParseInfo(t, info)
		run.infoKeys = sortedKeys(fields)
		cid, _ := fields["client_id"].(float64)
		run.cids = append(run.cids, cid)
		if got := c.ReadLine(); got != maxConnRefusedErr {
			t.Fatalf("refused connection %d: after INFO %q, want %q", i, got, maxConnRefusedErr)
		}
		c.ExpectClosed()
	}
	for _, m := range rawMsgs(t, adm, 500*time.Millisecond) {
		if !strings.HasSuffix(m.Subject, ".STATSZ") {
			run.events = append(run.events, m)
		}
	}
	run.closed = connzEntries(t, mon+"/connz?state=closed")
	run.authed = connzEntries(t, mon+"/connz?state=closed&auth=true")
	for _, q := range maxConnQueries {
		var page struct {
			Num   float64 `json:"num_connections"`
			Total float64 `json:"total"`
		}
		code, body := httpGet(t, mon+"/connz?"+q)
		if code != http.StatusOK {
			t.Fatalf("/connz?%s: status %d: %s", q, code, body)
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("/connz?%s: %v", q, err)
		}
		run.counts[q] = [2]float64{page.Num, page.Total}
	}
	deadline := time.Now().Add(3 * time.Second)
	for strings.Count(logText(), "Client connection closed: Maximum Connections Exceeded") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	run.log = logText()
	return run
}

// connzEntries returns the connections of a CONNZ page sorted by cid.
func connzEntries(t *testing.T, url string) []map[string]any {
	t.Helper()
	code, body := httpGet(t, url)
	if code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, code, body)
	}
	var page struct {
		Conns []map[string]any `json:"connections"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	slices.SortFunc(page.Conns, func(x, y map[string]any) int {
		return int(x["cid"].(float64) - y["cid"].(float64))
	})
	return page.Conns
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// startMaxConnPair runs our server and the reference with maxConnConf and
// returns both runs.
func startMaxConnPair(t *testing.T) (ours, ref maxConnRun) {
	t.Helper()
	r := natstest.RunReference(t, maxConnConf)
	m := httpMonitorLine.FindStringSubmatch(r.LogText())
	if m == nil {
		t.Fatalf("reference has no monitor line: %s", r.LogText())
	}
	var logBuf natstest.LogBuffer
	s := natstest.RunServerLog(t, natstest.LoadConfig(t, maxConnConf), &logBuf)
	addr := s.MonitorAddr()
	if addr == nil {
		t.Fatal("our server has no monitoring listener")
	}
	ours = runMaxConn(t, s.ClientURL(), "http://"+addr.String(), logBuf.String)
	ref = runMaxConn(t, r.ClientURL(), "http://"+m[1], r.LogText)
	return ours, ref
}

// TestMaxConnClosedConnz: connections refused by max_connections are in
// CONNZ state=closed with the reference's fields and values, and the CONNZ
// counts of every state and filter agree with the reference.
func TestMaxConnClosedConnz(t *testing.T) {
	ours, ref := startMaxConnPair(t)
	if !slices.Equal(ours.infoKeys, ref.infoKeys) {
		t.Errorf("refused INFO keys %v, reference %v", ours.infoKeys, ref.infoKeys)
	}
	for q, rc := range ref.counts {
		if oc := ours.counts[q]; oc != rc {
			t.Errorf("/connz?%s: num_connections, total = %v, reference %v", q, oc, rc)
		}
	}
	for name, run := range map[string]maxConnRun{"ours": ours, "reference": ref} {
		if len(run.closed) != len(run.cids) {
			t.Fatalf("%s: %d closed entries, want %d (refused cids %v)", name, len(run.closed), len(run.cids), run.cids)
		}
		for i, e := range run.closed {
			if e["cid"] != run.cids[i] || e["reason"] != "Maximum Connections Exceeded" {
				t.Errorf("%s: closed entry %d: cid %v reason %v, want cid %v reason %q", name, i, e["cid"], e["reason"], run.cids[i], "Maximum Connections Exceeded")
			}
			if e["last_activity"] != e["start"] {
				t.Errorf("%s: closed entry %d: last_activity %v, start %v", name, i, e["last_activity"], e["start"])
			}
		}
	}
	// pending_bytes is left out: the reference sometimes still counts its
	// unflushed -ERR (37 bytes) when it records the close, a race of its own.
	same := []string{"kind", "type", "ip", "reason", "rtt", "in_msgs", "out_msgs", "in_bytes", "out_bytes", "subscriptions", "account", "authorized_user"}
	for i := range ref.closed {
		for what, pages := range map[string][2][]map[string]any{"state=closed": {ours.closed, ref.closed}, "state=closed&auth=true": {ours.authed, ref.authed}} {
			o, r := pages[0][i], pages[1][i]
			if ok, rk := sortedKeys(o), sortedKeys(r); !slices.Equal(ok, rk) {
				t.Errorf("%s entry %d: keys %v, reference %v", what, i, ok, rk)
			}
			for _, k := range same {
				if fmt.Sprint(o[k]) != fmt.Sprint(r[k]) {
					t.Errorf("%s entry %d: %s = %v, reference %v", what, i, k, o[k], r[k])
				}
			}
		}
	}
}

// TestMaxConnClosedEvents: each refused connection produces exactly the
// reference's system messages (a DISCONNECT in $G, no CONNS), with its
// client id, and the reference's log lines (the ERR line rate limited).
func TestMaxConnClosedEvents(t *testing.T) {
	ours, ref := startMaxConnPair(t)
	subjs := func(msgs []natstest.Msg) []string {
		out := make([]string, len(msgs))
		for i, m := range msgs {
			out[i] = normSubject(m.Subject)
		}
		return out
	}
	oSubj, rSubj := subjs(ours.events), subjs(ref.events)
	if !slices.Equal(oSubj, rSubj) {
		t.Fatalf("system messages after the refusals %v, reference %v", oSubj, rSubj)
	}
	for name, run := range map[string]maxConnRun{"ours": ours, "reference": ref} {
		for i, m := range run.events {
			if !strings.HasSuffix(m.Subject, ".DISCONNECT") {
				continue
			}
			var ev struct {
				Client struct {
					ID   float64 `json:"id"`
					Acc  string  `json:"acc"`
					User string  `json:"user"`
				} `json:"client"`
				Reason string `json:"reason"`
			}
			if err := json.Unmarshal([]byte(m.Data), &ev); err != nil {
				t.Fatalf("%s: event %d: %v", name, i, err)
			}
			if i >= len(run.cids) || ev.Client.ID != run.cids[i] || ev.Client.Acc != "$G" || ev.Client.User != "" || ev.Reason != "Maximum Connections Exceeded" {
				t.Errorf("%s: event %d on %s: %+v (refused cids %v)", name, i, m.Subject, ev, run.cids)
			}
			if name == "ours" && i < len(ref.events) {
				sameShape(t, "DISCONNECT", []byte(m.Data), []byte(ref.events[i].Data))
			}
		}
	}
	lines := [][]string{
		{"[TRC]", "->> [-ERR maximum connections exceeded]"},
		{"[ERR]", "maximum connections exceeded"},
		{"[DBG]", "Client connection closed: Maximum Connections Exceeded"},
	}
	for _, l := range lines {
		oc, rc := countLines(ours.log, l...), countLines(ref.log, l...)
		if oc != rc || rc == 0 {
			t.Errorf("log lines containing %q: %d, reference %d", l, oc, rc)
		}
	}
}

// countLines counts the lines of log that contain every one of subs.
func countLines(log string, subs ...string) int {
	n := 0
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, s := range subs {
			all = all && strings.Contains(line, s)
		}
		if all {
			n++
		}
	}
	return n
}
