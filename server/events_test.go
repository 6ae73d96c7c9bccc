package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/natstest"
)

// seedRun is what the admin spy saw during the seed scenario.
type seedRun struct {
	events []sysMsg // everything but STATSZ, in arrival order
	statsz []sysMsg
	msgs   []sysMsg
}

// runSeedScenario: admin subscribes to ">", user a connects, publishes
// "foo bar" and disconnects, then a wrong password is tried; the run ends
// once the spy has seen the failed login's DISCONNECT and a STATSZ.
func runSeedScenario(t *testing.T, url string) seedRun {
	t.Helper()
	sp := newSpy(t, admin(t, url), ">")
	a, err := nats.Connect(url, nats.UserInfo("a", "a"), nats.MaxReconnects(0))
	if err != nil {
		t.Fatalf("connect a: %v", err)
	}
	if err := a.Publish("foo", []byte("bar")); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	sp.waitFor(t, `^\$SYS\.ACCOUNT\.USERS\.DISCONNECT$`, 1)
	if _, err := nats.Connect(url, nats.UserInfo("a", "wrong"), nats.MaxReconnects(0)); err == nil {
		t.Fatal("wrong password accepted")
	}
	sp.waitFor(t, `^\$SYS\.ACCOUNT\.\$G\.DISCONNECT$`, 1)
	msgs := sp.waitFor(t, `\.STATSZ$`, 1)
	var run seedRun
	run.msgs = msgs
	for _, m := range msgs {
		switch {
		case strings.HasSuffix(m.Subject, ".STATSZ"):
			run.statsz = append(run.statsz, m)
		case strings.Contains(m.Subject, ".SYS."):
			// the spy's own connect events, when they arrive after its SUB
		default:
			run.events = append(run.events, m)
		}
	}
	return run
}

// seedOrder is the order the reference publishes the seed scenario's events.
var seedOrder = []string{
	"$SYS.SERVER.ACCOUNT.USERS.CONNS",
	"$SYS.ACCOUNT.USERS.SERVER.CONNS",
	"$SYS.ACCOUNT.USERS.CONNECT",
	"$SYS.SERVER.ACCOUNT.USERS.CONNS",
	"$SYS.ACCOUNT.USERS.SERVER.CONNS",
	"$SYS.ACCOUNT.USERS.DISCONNECT",
	"$SYS.SERVER.<id>.CLIENT.AUTH.ERR",
	"$SYS.ACCOUNT.$G.DISCONNECT",
}

func normSubjects(msgs []sysMsg) []string {
	out := subjects(msgs)
	for i := range out {
		out[i] = normSubject(out[i])
	}
	return out
}

// checkSeedRun checks one server's seed run against the contract.
func checkSeedRun(t *testing.T, run seedRun) {
	t.Helper()
	if got := normSubjects(run.events); !slices.Equal(got, seedOrder) {
		t.Fatalf("events = %q\nwant %q", got, seedOrder)
	}
	for _, m := range run.msgs {
		if m.Subject == "foo" {
			t.Error("the system spy received account USERS' message")
		}
	}
	ev := run.events
	c1 := decode[sysapi.AccountNumConns](t, ev[0].Data)
	c2 := decode[sysapi.AccountNumConns](t, ev[1].Data)
	if c1.ID != c2.ID || !c1.Time.Equal(c2.Time) || c1.Conns != 1 || c1.Account != "USERS" || c1.Type != sysapi.AccountNumConnsMsgType {
		t.Errorf("CONNS pair: %+v / %+v", c1, c2)
	}
	if c2.Server.Seq <= c1.Server.Seq {
		t.Errorf("seq not increasing: %d then %d", c1.Server.Seq, c2.Server.Seq)
	}
	conn := decode[sysapi.ConnectEventMsg](t, ev[2].Data)
	if conn.Client.User != "a" || conn.Client.Account != "USERS" || conn.Client.Kind != "Client" || conn.Client.RTT != 0 {
		t.Errorf("CONNECT client = %+v", conn.Client)
	}
	gone := decode[sysapi.AccountNumConns](t, ev[3].Data)
	if gone.Conns != 0 || gone.Received.Msgs != 1 || gone.Received.Bytes != 3 {
		t.Errorf("CONNS after disconnect = %+v", gone.AccountStat)
	}
	disc := decode[sysapi.DisconnectEventMsg](t, ev[5].Data)
	if disc.Reason != sysapi.ReasonClientClosed || disc.Sent.Msgs != 1 || disc.Sent.Bytes != 3 || disc.Received.Msgs != 0 ||
		disc.Client.Stop.IsZero() || !disc.Time.Equal(disc.Client.Stop) || disc.Client.ID != conn.Client.ID {
		t.Errorf("DISCONNECT = %+v", disc)
	}
	for _, i := range []int{6, 7} {
		ae := decode[sysapi.DisconnectEventMsg](t, ev[i].Data)
		if ae.Type != sysapi.DisconnectEventMsgType || ae.Client.Account != "$G" || ae.Client.User != "a" ||
			ae.Reason != sysapi.ReasonAuthenticationViolation {
			t.Errorf("%s = %+v", ev[i].Subject, ae)
		}
	}
	var last uint64
	for _, m := range run.msgs {
		if !strings.HasPrefix(m.Subject, "$SYS.") {
			continue
		}
		var env struct {
			Server sysapi.ServerInfo `json:"server"`
		}
		env = decode[struct {
			Server sysapi.ServerInfo `json:"server"`
		}](t, m.Data)
		if env.Server.Seq <= last {
			t.Errorf("%s: seq %d after %d", m.Subject, env.Server.Seq, last)
		}
		last = env.Server.Seq
	}
}

// TestSeedScenarioEvents runs the seed scenario (spec §10.2 T1, T2) on our
// server and on the reference: same events in the same order, every
// payload with the reference's keys and types.
func TestSeedScenarioEvents(t *testing.T) {
	p := runPair(t, sysConf)
	ours, ref := both(p, func(url string) seedRun { return runSeedScenario(t, url) })
	t.Run("reference", func(t *testing.T) { checkSeedRun(t, ref) })
	t.Run("ours", func(t *testing.T) { checkSeedRun(t, ours) })
	if t.Failed() {
		return
	}
	for i := range seedOrder {
		sameShape(t, seedOrder[i], ours.events[i].Data, ref.events[i].Data)
	}
	sameShape(t, "STATSZ", ours.statsz[0].Data, ref.statsz[0].Data)
}

// TestAuthErrorAccountEvent checks §4.4.2 and the isolation of §1.4: a ">"
// subscriber in $G sees $SYS.ACCOUNT.CLIENT.AUTH.ERR for a failed login, a
// ">" subscriber in USERS sees nothing of the system account.
func TestAuthErrorAccountEvent(t *testing.T) {
	conf := `
authorization { users: [ {user: g, password: g} ] }
accounts: { USERS: { users: [ {user: a, password: a} ] } }
`
	p := runPair(t, conf)
	run := func(url string) []sysMsg {
		gSpy := newSpy(t, connect(t, url, nats.UserInfo("g", "g")), ">")
		uSpy := newSpy(t, connect(t, url, nats.UserInfo("a", "a")), ">")
		if _, err := nats.Connect(url, nats.UserInfo("nobody", "x"), nats.MaxReconnects(0)); err == nil {
			t.Error("bad login accepted")
		}
		msgs := gSpy.waitFor(t, `^\$SYS\.ACCOUNT\.CLIENT\.AUTH\.ERR$`, 1)
		time.Sleep(200 * time.Millisecond)
		if got := uSpy.all(); len(got) != 0 {
			t.Errorf("USERS spy saw %q", subjects(got))
		}
		return msgs
	}
	ours, ref := both(p, run)
	if t.Failed() {
		return
	}
	o := decode[sysapi.DisconnectEventMsg](t, ours[0].Data)
	if o.Client.User != "nobody" || o.Client.Account != "$G" || o.Reason != sysapi.ReasonAuthenticationViolation {
		t.Errorf("AUTH.ERR = %+v", o)
	}
	sameShape(t, "$SYS.ACCOUNT.CLIENT.AUTH.ERR", ours[0].Data, ref[0].Data)
}

// TestAuthTimeoutEvent is §10.2 T3: a connection that never sends CONNECT
// is closed with -ERR 'Authentication Timeout' and only a $G DISCONNECT
// follows.
func TestAuthTimeoutEvent(t *testing.T) {
	conf := sysConf + "\nauthorization { timeout: 0.5 }\n"
	p := runPair(t, conf)
	run := func(url string) []sysMsg {
		sp := newSpy(t, admin(t, url), ">")
		c := natstest.DialRaw(t, natstest.HostPort(url))
		defer c.Close()
		c.ReadLine() // INFO
		c.Expect("-ERR 'Authentication Timeout'\r\n")
		msgs := sp.waitFor(t, `^\$SYS\.ACCOUNT\.\$G\.DISCONNECT$`, 1)
		time.Sleep(100 * time.Millisecond)
		var events []sysMsg
		for _, m := range sp.all() {
			if !strings.HasSuffix(m.Subject, ".STATSZ") && !strings.Contains(m.Subject, ".SYS.") {
				events = append(events, m)
			}
		}
		if len(events) != 1 {
			t.Errorf("events = %q", subjects(events))
		}
		return msgs
	}
	ours, ref := both(p, run)
	if t.Failed() {
		return
	}
	pick := func(msgs []sysMsg) []byte {
		for _, m := range msgs {
			if m.Subject == "$SYS.ACCOUNT.$G.DISCONNECT" {
				return m.Data
			}
		}
		return nil
	}
	d := decode[sysapi.DisconnectEventMsg](t, pick(ours))
	if d.Reason != sysapi.ReasonAuthenticationTimeout || d.Client.User != "" || d.Client.RTT != 0 {
		t.Errorf("DISCONNECT = %+v", d)
	}
	sameShape(t, "auth timeout DISCONNECT", pick(ours), pick(ref))
}

// TestStatszSchedule is §10.2 T4 (first broadcasts at about 0.25, 1.25 and
// 3.25 s) and the standalone interest rule.
func TestStatszSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	s := natstest.RunServer(t, sysConf)
	start := time.Now()
	nc := admin(t, s.ClientURL())
	sp := newSpy(t, nc, "$SYS.SERVER.*.STATSZ")
	msgs := sp.waitFor(t, `STATSZ`, 3)
	want := []time.Duration{250 * time.Millisecond, 1250 * time.Millisecond, 3250 * time.Millisecond}
	for i, w := range want {
		got := msgs[i].At.Sub(start)
		if got < w-150*time.Millisecond || got > w+400*time.Millisecond {
			t.Errorf("broadcast %d at %v, want about %v", i, got, w)
		}
	}
	stats := decode[sysapi.ServerStatsMsg](t, msgs[0].Data)
	if stats.Stats.ActiveServers != 1 || stats.Stats.Connections != 1 || stats.Server.ID != s.ID() {
		t.Errorf("STATSZ = %+v", stats)
	}
}

// TestStatszNeedsInterest: a standalone server publishes no periodic
// STATSZ while nobody listens, and a PING without reply forces one.
func TestStatszNeedsInterest(t *testing.T) {
	s := natstest.RunServer(t, sysConf)
	nc := admin(t, s.ClientURL())
	time.Sleep(400 * time.Millisecond)      // the first tick passed without a subscriber
	if st := s.EventStats(); st.Sent != 3 { // CONNS x2 + CONNECT of admin
		t.Errorf("%d messages sent, want the 3 events of admin's connect only", st.Sent)
	}
	sp := newSpy(t, nc, "$SYS.SERVER.*.STATSZ")
	if err := nc.Publish("$SYS.REQ.SERVER.PING", nil); err != nil {
		t.Fatal(err)
	}
	msgs := sp.waitFor(t, `STATSZ`, 1)
	if time.Since(msgs[0].At) > time.Second {
		t.Errorf("forced STATSZ came late")
	}
}

// TestConnsForSystemAccountNotG: CONNS is never published for $G, and the
// system account's own connections produce CONNS and CONNECT events.
func TestConnsForSystemAccountNotG(t *testing.T) {
	conf := `
authorization { users: [ {user: g, password: g} ] }
accounts: { SYS: { users: [ {user: admin, password: changeit} ] } }
system_account: SYS
`
	s := natstest.RunServer(t, conf)
	sp := newSpy(t, admin(t, s.ClientURL()), ">")
	time.Sleep(200 * time.Millisecond) // the spy's own connect events may still arrive
	base := len(sp.all())
	connect(t, s.ClientURL(), nats.UserInfo("admin", "changeit")).Close()
	// The server sees the close when it reads EOF: wait for its DISCONNECT so
	// the next client's CONNECT cannot overtake it.
	sp.waitFor(t, `^\$SYS\.ACCOUNT\.SYS\.DISCONNECT$`, 1)
	connect(t, s.ClientURL(), nats.UserInfo("g", "g")).Close()
	msgs := sp.waitFor(t, `^\$SYS\.ACCOUNT\.\$G\.DISCONNECT$`, 1)[base:]
	got := strings.Join(normSubjects(msgs), " ")
	want := strings.Join([]string{
		"$SYS.SERVER.ACCOUNT.SYS.CONNS", "$SYS.ACCOUNT.SYS.SERVER.CONNS", "$SYS.ACCOUNT.SYS.CONNECT",
		"$SYS.SERVER.ACCOUNT.SYS.CONNS", "$SYS.ACCOUNT.SYS.SERVER.CONNS", "$SYS.ACCOUNT.SYS.DISCONNECT",
		"$SYS.ACCOUNT.$G.CONNECT", "$SYS.ACCOUNT.$G.DISCONNECT",
	}, " ")
	got = strings.ReplaceAll(got, "$SYS.SERVER.<id>.STATSZ ", "")
	if got != want {
		t.Errorf("events\n got %s\nwant %s", got, want)
	}
}

// TestShutdownEvent is §10.2 T16 (SIGINT): SHUTDOWN is a bare ServerInfo,
// and nothing follows it.
func TestShutdownEvent(t *testing.T) {
	s := natstest.RunServer(t, sysConf)
	c := rawAdmin(t, s.ClientURL(), "$SYS.ACCOUNT.USERS.>")
	c.Send("SUB $SYS.SERVER.*.SHUTDOWN 2\r\nPING\r\n")
	c.Expect("PONG\r\n")
	connect(t, s.ClientURL(), nats.UserInfo("a", "a"))
	if m := c.ReadMsg(); m.Subject != "$SYS.ACCOUNT.USERS.SERVER.CONNS" {
		t.Fatalf("got %q", m.Subject)
	}
	if m := c.ReadMsg(); m.Subject != "$SYS.ACCOUNT.USERS.CONNECT" {
		t.Fatalf("got %q", m.Subject)
	}
	s.Shutdown()
	msgs := rawMsgs(t, c, 500*time.Millisecond)
	if len(msgs) != 1 || msgs[0].Subject != fmt.Sprintf("$SYS.SERVER.%s.SHUTDOWN", s.ID()) {
		t.Fatalf("after shutdown: %+v", msgs)
	}
	si := decode[sysapi.ServerInfo](t, []byte(msgs[0].Data))
	if si.ID != s.ID() || si.Seq == 0 || si.Time.IsZero() || si.Version != "2.15.2" {
		t.Errorf("SHUTDOWN = %+v", si)
	}
	sameShapeAsCapture(t, []byte(msgs[0].Data))
}

// sameShapeAsCapture compares a bare ServerInfo with the reference capture
// of spec A.15.
func sameShapeAsCapture(t *testing.T, data []byte) {
	t.Helper()
	capture := `{"name":"ref-ramp","host":"127.0.0.1","id":"NBXITCZSIQXRF67ZMJI4CT3YINXXEEBH7263QO36EV56QVIEPLOU2SJL","ver":"2.15.2",` +
		`"feature_flags":{"js_ack_fc_v2":false,"js_api_reply_v2":false,"js_raft_delete_range":true,"js_snapshot_sources":false},` +
		`"jetstream":false,"flags":0,"seq":37,"time":"2026-11-25T01:54:16.225040087Z"}`
	sameShape(t, "SHUTDOWN", data, []byte(capture))
}

// TestLameDuckEvent is §10.2 T16 (SIGUSR2): LAMEDUCK, then silence while
// clients are evicted.
func TestLameDuckEvent(t *testing.T) {
	conf := sysConf + "\nlame_duck_duration: \"30s\"\nlame_duck_grace_period: \"200ms\"\n"
	s := natstest.RunServer(t, conf)
	sp := newSpy(t, admin(t, s.ClientURL()), "$SYS.>")
	connect(t, s.ClientURL(), nats.UserInfo("a", "a"))
	sp.waitFor(t, `CONNECT$`, 1)
	before := len(sp.all())
	s.EnterLameDuckMode()
	time.Sleep(time.Second)
	msgs := sp.all()[before:]
	if len(msgs) != 1 || msgs[0].Subject != fmt.Sprintf("$SYS.SERVER.%s.LAMEDUCK", s.ID()) {
		t.Fatalf("after lame duck: %q", subjects(msgs))
	}
	sameShapeAsCapture(t, msgs[0].Data)
}

// TestNoSystemAccount is §10.2 T15.
func TestNoSystemAccount(t *testing.T) {
	s := natstest.RunServer(t, "")
	nc := connect(t, s.ClientURL())
	msgs := request(t, nc, "$SYS.REQ.USER.INFO", nil, "", time.Second)
	if len(msgs) != 1 {
		t.Fatalf("USER.INFO from $G: %d replies", len(msgs))
	}
	ui := decode[sysapi.UserInfoResponse](t, msgs[0].Data)
	if ui.Data == nil || ui.Data.Account != "$G" || ui.Data.UserID != "" || ui.Data.AccountName != "$G" {
		t.Errorf("USER.INFO = %s", msgs[0].Data)
	}
	off := natstest.RunServer(t, "no_system_account: true")
	nc = connect(t, off.ClientURL())
	if _, err := nc.Request("$SYS.REQ.USER.INFO", nil, time.Second); err != nats.ErrNoResponders {
		t.Errorf("no_system_account: USER.INFO err = %v, want no responders", err)
	}
}
