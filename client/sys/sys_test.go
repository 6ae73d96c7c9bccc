package sys

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// TestSingleServer runs the endpoint calls against one server started with
// the seed configuration.
func TestSingleServer(t *testing.T) {
	s := startServer(t, "sys-one", "")
	nc := admin(t, s)

	// Application clients in USERS: one with subscriptions, one closed.
	app := connect(t, s, "a", "a", client.Name("app"))
	for _, subj := range []string{"orders.new", "orders.*"} {
		if _, err := app.SubscribeSync(subj); err != nil {
			t.Fatal(err)
		}
	}
	gone := connect(t, s, "a", "a", client.Name("gone"))
	if err := gone.Flush(testCtx(t, 2*time.Second)); err != nil {
		t.Fatal(err)
	}
	gone.Close()
	if err := app.Flush(testCtx(t, 2*time.Second)); err != nil {
		t.Fatal(err)
	}
	srvID := pingOne(t, nc).ID

	t.Run("Ping", func(t *testing.T) { testPing(t, nc, s) })
	t.Run("Varz", func(t *testing.T) { testVarz(t, nc, s, srvID) })
	t.Run("ConnzOptions", func(t *testing.T) { testConnzOptions(t, nc) })
	t.Run("Subsz", func(t *testing.T) { testSubsz(t, nc) })
	t.Run("AccountInfo", func(t *testing.T) { testAccountInfo(t, nc) })
	t.Run("AccountConnz", func(t *testing.T) { testAccountConnz(t, nc) })
	t.Run("Jsz", func(t *testing.T) { testJsz(t, nc) })
	t.Run("Healthz", func(t *testing.T) { testHealthz(t, nc) })
	t.Run("Kick", func(t *testing.T) { testKick(t, nc, s, srvID) })
	t.Run("Targets", func(t *testing.T) { testTargets(t, nc, s, srvID) })
	t.Run("ExpectMissing", func(t *testing.T) { testExpectMissing(t, nc) })
	t.Run("FilterNobody", func(t *testing.T) { testFilterNobody(t, nc, s) })
	t.Run("NotSystem", func(t *testing.T) { testNotSystem(t, s, srvID) })
	t.Run("Compression", func(t *testing.T) { testCompression(t, nc) })
	t.Run("MiscEndpoints", func(t *testing.T) { testMiscEndpoints(t, nc, s) })
}

// pingOne pings and returns the only server's identity.
func pingOne(t *testing.T, nc *client.Conn) sysapi.ServerInfo {
	t.Helper()
	res, err := Ping(testCtx(t, 5*time.Second), nc)
	if err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if len(res.Replies) != 1 {
		t.Fatalf("Ping: %d replies, want 1", len(res.Replies))
	}
	return res.Replies[0].Server
}

// only returns the single successful reply of res or fails.
func only[T any](t *testing.T, res *Result[T], err error) *Reply[T] {
	t.Helper()
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	if len(res.Replies) != 1 {
		t.Fatalf("%d replies, want 1", len(res.Replies))
	}
	r := &res.Replies[0]
	if !r.OK() || r.Data == nil {
		t.Fatalf("reply not ok: err=%v invalid=%v raw=%s", r.Err, r.Invalid, r.Raw)
	}
	return r
}

func testPing(t *testing.T, nc *client.Conn, s *testServer) {
	start := time.Now()
	res, err := Ping(testCtx(t, 5*time.Second), nc)
	if err != nil {
		t.Fatal(err)
	}
	r := only(t, res, err)
	if r.Server.Name != s.Name || !sysapi.IsServerID(r.Server.ID) {
		t.Errorf("server = %+v", r.Server)
	}
	if r.Data.Connections < 2 || r.RTT <= 0 {
		t.Errorf("connections %d, rtt %v", r.Data.Connections, r.RTT)
	}
	// The count came from active_servers, so no gap or timeout was needed.
	if res.Expected != 1 || !res.Complete() || res.TimedOut {
		t.Errorf("expected %d complete %v timedOut %v", res.Expected, res.Complete(), res.TimedOut)
	}
	if el := time.Since(start); el >= DefaultGap {
		t.Errorf("ping took %v, want less than the gap", el)
	}
	if r.Encoding != "" {
		t.Errorf("PING reply encoding %q, want none", r.Encoding)
	}
}

func testVarz(t *testing.T, nc *client.Conn, s *testServer, id string) {
	res, err := Varz(testCtx(t, 5*time.Second), nc, All(), sysapi.VarzOptions{})
	r := only(t, res, err)
	if r.Data.Name != s.Name || r.Data.ID != id || r.Data.Port != s.Port {
		t.Errorf("varz name %q id %q port %d", r.Data.Name, r.Data.ID, r.Data.Port)
	}
	if r.Subject != "$SYS.REQ.SERVER.PING.VARZ" {
		t.Errorf("subject %q", r.Subject)
	}
	if res.Expected != 1 || res.TimedOut {
		t.Errorf("expected %d, timed out %v", res.Expected, res.TimedOut)
	}
}

func testConnzOptions(t *testing.T, nc *client.Conn) {
	ctx := testCtx(t, 10*time.Second)
	all, err := Connz(ctx, nc, All(), sysapi.ConnzOptions{Subscriptions: true, Auth: true})
	c := only(t, all, err).Data
	var appCID uint64
	for _, ci := range c.Conns {
		if ci.Name == "app" {
			appCID = ci.CID
			slices.Sort(ci.Subs)
			if !slices.Equal(ci.Subs, []string{"orders.*", "orders.new"}) {
				t.Errorf("app subscriptions %v", ci.Subs)
			}
			if ci.AuthorizedUser != "a" || ci.Account != "USERS" {
				t.Errorf("app auth: user %q account %q", ci.AuthorizedUser, ci.Account)
			}
		}
	}
	if appCID == 0 || c.NumConns < 2 {
		t.Fatalf("app connection not listed (%d conns)", c.NumConns)
	}

	tests := []struct {
		name  string
		opts  sysapi.ConnzOptions
		check func(t *testing.T, c *sysapi.Connz)
	}{
		{"sort and limit", sysapi.ConnzOptions{Sort: sysapi.ByCid, Limit: 1}, func(t *testing.T, c *sysapi.Connz) {
			if c.Limit != 1 || len(c.Conns) != 1 || c.Total < 2 {
				t.Errorf("limit %d conns %d total %d", c.Limit, len(c.Conns), c.Total)
			}
		}},
		{"sort subs", sysapi.ConnzOptions{Sort: sysapi.BySubs}, func(t *testing.T, c *sysapi.Connz) {
			if len(c.Conns) == 0 || c.Conns[0].Name != "app" {
				t.Errorf("first by subs: %+v", c.Conns)
			}
		}},
		{"cid", sysapi.ConnzOptions{CID: appCID}, func(t *testing.T, c *sysapi.Connz) {
			if len(c.Conns) != 1 || c.Conns[0].CID != appCID {
				t.Errorf("cid filter: %+v", c.Conns)
			}
		}},
		{"state closed", sysapi.ConnzOptions{State: sysapi.ConnClosed}, func(t *testing.T, c *sysapi.Connz) {
			i := slices.IndexFunc(c.Conns, func(ci *sysapi.ConnInfo) bool { return ci.Name == "gone" })
			if i < 0 || c.Conns[i].Reason != sysapi.ReasonClientClosed {
				t.Errorf("closed connection not listed: %+v", c.Conns)
			}
		}},
		{"user", sysapi.ConnzOptions{User: "a", Auth: true}, func(t *testing.T, c *sysapi.Connz) {
			if len(c.Conns) != 1 || c.Conns[0].AuthorizedUser != "a" {
				t.Errorf("user filter: %+v", c.Conns)
			}
		}},
		{"acc", sysapi.ConnzOptions{Account: "SYS", Auth: true}, func(t *testing.T, c *sysapi.Connz) {
			if len(c.Conns) == 0 {
				t.Fatal("no SYS connections")
			}
			for _, ci := range c.Conns {
				if ci.Account != "SYS" {
					t.Errorf("acc filter returned %q", ci.Account)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Connz(ctx, nc, All(), tt.opts)
			tt.check(t, only(t, res, err).Data)
		})
	}

	// A bad sort order is the server's error object, not a Go error.
	res, err := Connz(ctx, nc, All(), sysapi.ConnzOptions{Sort: "xyz"})
	if err != nil || len(res.Replies) != 1 {
		t.Fatalf("bad sort: %v, %+v", err, res)
	}
	r := res.Replies[0]
	if r.Err == nil || r.Err.Code != sysapi.APIErrInternal || r.Err.Description != "invalid sorting option: xyz" || r.Data != nil {
		t.Errorf("bad sort reply: err %+v data %v", r.Err, r.Data)
	}
	if len(res.Failed()) != 1 || len(res.Data()) != 0 {
		t.Errorf("failed %d data %d", len(res.Failed()), len(res.Data()))
	}
}

func testSubsz(t *testing.T, nc *client.Conn) {
	ctx := testCtx(t, 5*time.Second)
	res, err := Subsz(ctx, nc, All(), sysapi.SubszOptions{Subscriptions: true, Test: "orders.new", Account: "USERS"})
	d := only(t, res, err).Data
	var subs []string
	for _, sd := range d.Subs {
		subs = append(subs, sd.Subject)
	}
	slices.Sort(subs)
	if d.Total != 2 || !slices.Equal(subs, []string{"orders.*", "orders.new"}) {
		t.Errorf("test subject: total %d subs %v", d.Total, subs)
	}
	res, err = Subsz(ctx, nc, All(), sysapi.SubszOptions{Subscriptions: true, Test: "nothing.here", Account: "USERS"})
	if d := only(t, res, err).Data; d.Total != 0 || len(d.Subs) != 0 {
		t.Errorf("unmatched test subject: total %d", d.Total)
	}
	res, err = Subsz(ctx, nc, All(), sysapi.SubszOptions{Test: "orders.*"})
	if err != nil || len(res.Replies) != 1 || res.Replies[0].Err == nil ||
		!strings.Contains(res.Replies[0].Err.Description, "invalid test subject") {
		t.Errorf("wildcard test subject: %v %+v", err, res)
	}
}

func testAccountInfo(t *testing.T, nc *client.Conn) {
	ctx := testCtx(t, 5*time.Second)
	res, err := AccountInfo(ctx, nc, "USERS")
	d := only(t, res, err).Data
	if d.AccountName != "USERS" || d.IsSystem || d.ClientCnt < 1 || len(d.Imports) == 0 {
		t.Errorf("USERS info: %+v", d)
	}
	if res.Replies[0].Subject != "$SYS.REQ.ACCOUNT.USERS.INFO" {
		t.Errorf("subject %q", res.Replies[0].Subject)
	}
	res, err = AccountInfo(ctx, nc, "NOPE")
	if err != nil || len(res.Replies) != 1 || res.Replies[0].Err == nil ||
		res.Replies[0].Err.Description != "Account NOPE does not exist" {
		t.Errorf("unknown account: %v %+v", err, res)
	}
	if _, err := AccountInfo(ctx, nc, "a.b"); !errors.Is(err, ErrBadTarget) {
		t.Errorf("dotted account: %v", err)
	}
}

func testAccountConnz(t *testing.T, nc *client.Conn) {
	res, err := AccountConnz(testCtx(t, 5*time.Second), nc, "USERS", sysapi.ConnzOptions{Auth: true})
	d := only(t, res, err).Data
	if d.NumConns != 1 || d.Conns[0].Name != "app" || d.Conns[0].Account != "USERS" {
		t.Errorf("USERS connections: %+v", d.Conns)
	}
}

func testJsz(t *testing.T, nc *client.Conn) {
	ctx := testCtx(t, 5*time.Second)
	res, err := Jsz(ctx, nc, All(), sysapi.JSzOptions{})
	if d := only(t, res, err).Data; !d.Disabled || d.Streams != 0 {
		t.Errorf("jsz without JetStream: %+v", d)
	}
	ares, err := AccountJsz(ctx, nc, "USERS", sysapi.JSzOptions{})
	if err != nil || len(ares.Replies) != 1 || ares.Replies[0].Err == nil ||
		ares.Replies[0].Err.Description != "jetstream not enabled" {
		t.Errorf("account jsz without JetStream: %v %+v", err, ares)
	}
}

func testHealthz(t *testing.T, nc *client.Conn) {
	res, err := Healthz(testCtx(t, 5*time.Second), nc, All(), sysapi.HealthzOptions{})
	if d := only(t, res, err).Data; d.Status != sysapi.HealthStatusOK || d.StatusCode != 200 {
		t.Errorf("healthz: %+v", d)
	}
}

func testKick(t *testing.T, nc *client.Conn, s *testServer, id string) {
	ctx := testCtx(t, 5*time.Second)
	rep, err := Kick(ctx, nc, id, 999999)
	var apiErr *sysapi.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 500 || apiErr.Description != "no such client or leafnode id" {
		t.Fatalf("kick unknown cid: %v", err)
	}
	if rep == nil || rep.Server.ID != id || rep.Err == nil {
		t.Errorf("kick reply: %+v", rep)
	}

	closed := make(chan struct{})
	victim := connect(t, s, "a", "a", client.Name("victim"), client.ClosedHandler(func(*client.Conn) { close(closed) }))
	if err := victim.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := Connz(ctx, nc, All(), sysapi.ConnzOptions{Account: "USERS"})
	var cid uint64
	for _, ci := range only(t, res, err).Data.Conns {
		if ci.Name == "victim" {
			cid = ci.CID
		}
	}
	// By name this time.
	rep, err = Kick(ctx, nc, s.Name, cid)
	if err != nil || rep.Server.Name != s.Name {
		t.Fatalf("kick cid %d: %v", cid, err)
	}
	select {
	case <-closed:
	case <-ctx.Done():
		t.Fatal("kicked client was not closed")
	}

	// LDM shares the reply shape: unknown CID is an error object.
	rep, err = LDM(ctx, nc, id, 999999)
	if !errors.As(err, &apiErr) || apiErr.Description != "no such client id" || rep == nil {
		t.Errorf("ldm unknown cid: %v", err)
	}
	// RELOAD re-reads the configuration file and answers with the server
	// block only.
	rep, err = Reload(ctx, nc, s.Name)
	if err != nil || rep.Server.ID != id || rep.Err != nil || rep.Data != nil {
		t.Errorf("reload: %v %+v", err, rep)
	}
}

func testTargets(t *testing.T, nc *client.Conn, s *testServer, id string) {
	ctx := testCtx(t, 10*time.Second)
	for _, target := range []Target{Server(s.Name), ServerName(s.Name), Server(id), ServerID(id)} {
		res, err := Varz(ctx, nc, target, sysapi.VarzOptions{})
		r := only(t, res, err)
		if r.Data.ID != id || r.Subject != "$SYS.REQ.SERVER."+id+".VARZ" {
			t.Errorf("%s: id %q subject %q", target, r.Data.ID, r.Subject)
		}
		if res.Expected != 1 || len(res.Missing) != 0 {
			t.Errorf("%s: expected %d missing %v", target, res.Expected, res.Missing)
		}
	}

	start := time.Now()
	_, err := Varz(ctx, nc, Server("nosuch"), sysapi.VarzOptions{})
	if !errors.Is(err, ErrServerNotFound) {
		t.Errorf("unknown name: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("unknown name took %v", el)
	}
	fake := "N" + strings.Repeat("A", sysapi.ServerIDLen-1)
	_, err = Varz(ctx, nc, Server(fake), sysapi.VarzOptions{})
	if !errors.Is(err, ErrServerNotFound) || !errors.Is(err, client.ErrNoResponders) {
		t.Errorf("unknown ID: %v", err)
	}
	res, err := Varz(ctx, nc, Servers(s.Name, "nosuch", fake), sysapi.VarzOptions{})
	if err != nil || len(res.Replies) != 1 || res.Expected != 3 || res.MissingCount != 2 ||
		!slices.Equal(res.Missing, []string{"nosuch", fake}) {
		t.Errorf("partial set: %v %+v", err, res)
	}
	if _, err := Varz(ctx, nc, Server(""), sysapi.VarzOptions{}); !errors.Is(err, ErrBadTarget) {
		t.Errorf("empty server: %v", err)
	}
}

func testExpectMissing(t *testing.T, nc *client.Conn) {
	start := time.Now()
	res, err := Varz(context.Background(), nc, All(), sysapi.VarzOptions{}, Expect(2), Timeout(700*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replies) != 1 || res.Expected != 2 || res.MissingCount != 1 || res.Complete() || !res.TimedOut {
		t.Errorf("expect 2: replies %d expected %d missing %d timedOut %v",
			len(res.Replies), res.Expected, res.MissingCount, res.TimedOut)
	}
	if el := time.Since(start); el < 600*time.Millisecond || el > 3*time.Second {
		t.Errorf("expect 2 took %v, want about the timeout", el)
	}
}

func testFilterNobody(t *testing.T, nc *client.Conn, s *testServer) {
	ctx := testCtx(t, 5*time.Second)
	res, err := Varz(ctx, nc, All(), sysapi.VarzOptions{},
		Filter(sysapi.EventFilterOptions{Name: "nobody", ExactMatch: true}), Timeout(500*time.Millisecond))
	if !errors.Is(err, ErrNoReplies) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("filter matching nobody: %v", err)
	}
	if res == nil || len(res.Replies) != 0 || !res.TimedOut || res.Expected != 0 {
		t.Errorf("result: %+v", res)
	}
	// The same filter matching the server: the gap ends the collection.
	res, err = Varz(ctx, nc, All(), sysapi.VarzOptions{}, Filter(sysapi.EventFilterOptions{Name: s.Name, ExactMatch: true}))
	only(t, res, err)
	if res.TimedOut || res.Expected != 0 {
		t.Errorf("filter matching: timedOut %v expected %d", res.TimedOut, res.Expected)
	}
}

func testNotSystem(t *testing.T, s *testServer, id string) {
	user := connect(t, s, "a", "a")
	calls := map[string]func(ctx context.Context) error{
		"Ping": func(ctx context.Context) error { _, err := Ping(ctx, user); return err },
		"Varz": func(ctx context.Context) error {
			_, err := Varz(ctx, user, All(), sysapi.VarzOptions{})
			return err
		},
		"VarzByID": func(ctx context.Context) error {
			_, err := Varz(ctx, user, ServerID(id), sysapi.VarzOptions{})
			return err
		},
		"VarzByName": func(ctx context.Context) error {
			_, err := Varz(ctx, user, Server(s.Name), sysapi.VarzOptions{})
			return err
		},
		"AccountInfo": func(ctx context.Context) error { _, err := AccountInfo(ctx, user, "USERS"); return err },
		"Kick":        func(ctx context.Context) error { _, err := Kick(ctx, user, id, 1); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := call(testCtx(t, 5*time.Second))
			if !errors.Is(err, ErrNotSystemAccount) || !errors.Is(err, client.ErrNoResponders) {
				t.Errorf("err = %v, want ErrNotSystemAccount", err)
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("took %v: must not wait for a timeout", el)
			}
		})
	}
	// What every account may do: its own connections and who it is.
	res, err := Connz(testCtx(t, 5*time.Second), user, All(), sysapi.ConnzOptions{Auth: true})
	for _, ci := range only(t, res, err).Data.Conns {
		if ci.Account != "USERS" {
			t.Errorf("non-system Connz shows account %q", ci.Account)
		}
	}
	who, err := UserInfo(testCtx(t, 5*time.Second), user)
	if err != nil || who.Data.UserID != "a" || who.Data.Account != "USERS" {
		t.Errorf("UserInfo: %v %+v", err, who)
	}
}

func testCompression(t *testing.T, nc *client.Conn) {
	ctx := testCtx(t, 5*time.Second)
	res, err := Connz(ctx, nc, All(), sysapi.ConnzOptions{})
	r := only(t, res, err)
	if r.Encoding != "snappy" {
		t.Fatalf("Content-Encoding %q, want snappy", r.Encoding)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(r.Raw, &probe); err != nil || probe["data"] == nil {
		t.Errorf("decompressed body is not the envelope: %v", err)
	}
	plain, err := Connz(ctx, nc, All(), sysapi.ConnzOptions{}, NoCompression())
	if p := only(t, plain, err); p.Encoding != "" || p.Data.NumConns != r.Data.NumConns {
		t.Errorf("uncompressed: encoding %q conns %d vs %d", p.Encoding, p.Data.NumConns, r.Data.NumConns)
	}
	// A size cap below the reply size makes that reply invalid, not the call.
	small, err := Connz(ctx, nc, All(), sysapi.ConnzOptions{}, MaxReplySize(64))
	if err != nil || len(small.Replies) != 1 || !errors.Is(small.Replies[0].Invalid, ErrReplyTooLarge) {
		t.Errorf("size cap: %v %+v", err, small)
	}
}

func testMiscEndpoints(t *testing.T, nc *client.Conn, s *testServer) {
	ctx := testCtx(t, 10*time.Second)
	st, err := Statsz(ctx, nc, Server(s.Name))
	if d := only(t, st, err).Data; d.Connections < 1 {
		t.Errorf("statsz: %+v", d)
	}
	id, err := Idz(ctx, nc, All())
	if r := only(t, id, err); r.Data.Name != s.Name || r.Server.ID != r.Data.ID {
		t.Errorf("idz: %+v", r)
	}
	rz, err := Routez(ctx, nc, All(), sysapi.RoutezOptions{})
	if d := only(t, rz, err).Data; d.NumRoutes != 0 {
		t.Errorf("routez: %+v", d)
	}
	gz, err := Gatewayz(ctx, nc, All(), sysapi.GatewayzOptions{})
	only(t, gz, err)
	lz, err := Leafz(ctx, nc, All(), sysapi.LeafzOptions{})
	only(t, lz, err)
	az, err := Accountz(ctx, nc, All(), sysapi.AccountzOptions{})
	if d := only(t, az, err).Data; d.SystemAccount != "SYS" || !slices.Contains(d.Accounts, "USERS") {
		t.Errorf("accountz: %+v", d)
	}
	as, err := AccountStatz(ctx, nc, "", sysapi.AccountStatzOptions{Accounts: []string{"USERS"}})
	if d := only(t, as, err).Data; len(d.Accounts) != 1 || d.Accounts[0].Account != "USERS" {
		t.Errorf("account statz: %+v", d)
	}
	asub, err := AccountSubsz(ctx, nc, "USERS", sysapi.SubszOptions{})
	if d := only(t, asub, err).Data; len(d.Subs) == 0 {
		t.Errorf("account subsz without list")
	}
	ui, err := UserInfo(ctx, nc)
	if err != nil || ui.Data.Account != "SYS" {
		t.Errorf("admin UserInfo: %v %+v", err, ui)
	}
	generic, err := Call[map[string]any](ctx, nc, All(), sysapi.EndpointVarz, nil)
	if d := only(t, generic, err).Data; (*d)["server_name"] != s.Name {
		t.Errorf("Call varz: %v", (*d)["server_name"])
	}
}
