package monitor

import (
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/subject"
)

func TestVarz(t *testing.T) {
	f := newFake()
	f.srv.Tags = []string{"az:1"}
	f.stats.HTTPReqStats = map[string]uint64{"/varz": 2}
	f.stats.StaleConnectionStats.Clients = 3
	v, err := Varz(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != fakeServerID || v.Name != "fake" || v.Version != "2.15.2" || v.Proto != 1 ||
		v.GoVersion != runtime.Version() || v.Host != "127.0.0.1" || v.Port != 4222 || !v.AuthRequired ||
		v.MaxConn != 65536 || v.PingInterval != 2*time.Minute || v.MaxPingsOut != 2 ||
		v.HTTPPort != 8222 || v.AuthTimeout != 2 || v.MaxControlLine != 4096 || v.MaxPayload != 1<<20 ||
		v.MaxPending != 64<<20 || v.WriteDeadline != 10*time.Second || v.SystemAccount != "SYS" ||
		v.Uptime != "1m30s" || !v.Now.Equal(at(90)) || !v.Start.Equal(t0) || v.Cores != runtime.NumCPU() ||
		v.MaxProcs != runtime.GOMAXPROCS(0) || v.ConfigDigest != "sha256:00" || !slices.Equal(v.Tags, []string{"az:1"}) {
		t.Errorf("identity/config fields: %+v", v)
	}
	if v.Mem != 1<<24 || v.Connections != 3 || v.TotalConnections != 7 || v.Leafs != 1 || v.Subscriptions != 66 ||
		v.InMsgs != 91 || v.InBytes != 1015 || v.OutMsgs != 24 || v.OutBytes != 970 || v.HTTPReqStats["/varz"] != 2 ||
		v.StaleConnectionStats == nil || v.StaleConnectionStats.Clients != 3 {
		t.Errorf("counters: %+v", v)
	}
	f.stats.HTTPReqStats["/varz"] = 9
	if v.HTTPReqStats["/varz"] != 2 {
		t.Error("Varz shares the source's request-stats map")
	}

	// Key presence: the blocks and maps that are always present.
	f.stats.HTTPReqStats = nil
	v, _ = Varz(f, &sysapi.VarzOptions{})
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"cluster":{}`, `"gateway":{}`, `"leaf":{}`, `"mqtt":{}`, `"websocket":{}`,
		`"jetstream":{}`, `"http_req_stats":{}`, `"http_base_path":""`, `"https_port":0`, `"ping_interval":120000000000`,
		`"write_deadline":10000000000`, `"slow_consumer_stats":{"clients":0,`, `"stale_connection_stats":{`,
		`"disk_io_wait_stats":{`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("VARZ JSON lacks %s", want)
		}
	}
	for _, absent := range []string{`"max_subscriptions"`, `"tls_required"`, `"git_commit"`, `"tls_cert_not_after"`} {
		if strings.Contains(string(b), absent) {
			t.Errorf("VARZ JSON has %s", absent)
		}
	}
}

func TestVarzNoSystemAccount(t *testing.T) {
	f := newFake()
	f.srv.SystemAccount = ""
	v, _ := Varz(f, nil)
	b, _ := json.Marshal(v)
	if strings.Contains(string(b), `"system_account"`) {
		t.Errorf("system_account present without a system account: %s", b)
	}
}

func TestSubsz(t *testing.T) {
	tests := []struct {
		name          string
		opts          *sysapi.SubszOptions
		numSubs       uint32
		total         int
		subjects      []string
		offset, limit int
	}{
		{"defaults", nil, 66, 0, nil, 0, 1024},
		{"normalized", &sysapi.SubszOptions{Offset: -3, Limit: -5}, 66, 0, nil, 0, 1024},
		{"list", &sysapi.SubszOptions{Subscriptions: true}, 66, 8,
			[]string{"$SYS.REQ.USER.INFO", "foo.>", "bar", "baz.*", "x.>", "$SYS.REQ.SERVER.PING", ">", "$SYS.REQ.USER.INFO"}, 0, 1024},
		{"paged", &sysapi.SubszOptions{Subscriptions: true, Offset: 2, Limit: 3}, 66, 8, []string{"bar", "baz.*", "x.>"}, 2, 3},
		{"past end", &sysapi.SubszOptions{Subscriptions: true, Offset: 8}, 66, 8, nil, 8, 1024},
		{"huge limit", &sysapi.SubszOptions{Subscriptions: true, Offset: 7, Limit: math.MaxInt}, 66, 8, []string{"$SYS.REQ.USER.INFO"}, 7, math.MaxInt},
		{"test", &sysapi.SubszOptions{Subscriptions: true, Test: "foo.bar"}, 66, 2, []string{"foo.>", ">"}, 0, 1024},
		{"test without list", &sysapi.SubszOptions{Test: "foo.bar"}, 66, 0, nil, 0, 1024},
		{"test with space", &sysapi.SubszOptions{Subscriptions: true, Test: "foo bar"}, 66, 1, []string{">"}, 0, 1024},
		{"account", &sysapi.SubszOptions{Subscriptions: true, Account: "SYS"}, 57, 2, []string{"$SYS.REQ.SERVER.PING", ">"}, 0, 1024},
		{"unknown account", &sysapi.SubszOptions{Subscriptions: true, Account: "NOPE", Test: "foo"}, 0, 0, nil, 0, 1024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sz, err := Subsz(newFake(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var subjects []string
			for _, sd := range sz.Subs {
				subjects = append(subjects, sd.Subject)
			}
			if sz.NumSubs != tc.numSubs || sz.Total != tc.total || !slices.Equal(subjects, tc.subjects) ||
				sz.Offset != tc.offset || sz.Limit != tc.limit || sz.ID != fakeServerID || !sz.Now.Equal(at(90)) {
				t.Errorf("got subs %d total %d %v offset %d limit %d", sz.NumSubs, sz.Total, subjects, sz.Offset, sz.Limit)
			}
		})
	}
}

func TestSubszDetailAccounts(t *testing.T) {
	f := newFake()
	f.accs[1].NameTag = "System"
	sz, err := Subsz(f, &sysapi.SubszOptions{Subscriptions: true, Test: "foo.bar"})
	if err != nil {
		t.Fatal(err)
	}
	want := []sysapi.SubDetail{
		{Account: "USERS", AccountTag: "USERS", Subject: "foo.>", Queue: "q1", SID: "1", Msgs: 3, CID: 1},
		{Account: "SYS", AccountTag: "System", Subject: ">", SID: "1", Msgs: 19, CID: 3},
	}
	if !slices.Equal(sz.Subs, want) {
		t.Errorf("got %+v", sz.Subs)
	}
	if f.accSubs["USERS"][1].Account != "" {
		t.Error("Subsz modified the source's data")
	}
}

func TestSubszStats(t *testing.T) {
	sz, err := Subsz(newFake(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st := sz.SublistStats
	if st.NumSubs != 66 || st.NumCache != 12 || st.NumInserts != 66 || st.NumMatches != 24 || st.MaxFanout != 2 ||
		math.Abs(st.CacheHitRate-0.5) > 1e-9 || math.Abs(st.AvgFanout-1.5) > 1e-9 {
		t.Errorf("sum %+v, want the reference's 66/12/66/24 0.5 2 1.5", st)
	}
	sz, _ = Subsz(newFake(), &sysapi.SubszOptions{Account: "USERS"})
	if sz.NumSubs != 5 || sz.NumCache != 1 || math.Abs(sz.CacheHitRate-2.0/3) > 1e-12 || sz.AvgFanout != 1 {
		t.Errorf("USERS %+v", sz.SublistStats)
	}
	if got := sumSublistStats(nil); got != (sysapi.SublistStats{}) {
		t.Errorf("empty sum %+v", got)
	}
	if got := sumSublistStats([]subject.Stats{{}, {}}); got != (sysapi.SublistStats{}) {
		t.Errorf("zero sum %+v", got)
	}
}

func TestSubszBadTest(t *testing.T) {
	for _, test := range []string{"foo.*", "foo.>", ">", "foo..bar", ".foo", "foo."} {
		_, err := Subsz(newFake(), &sysapi.SubszOptions{Test: test, Account: "NOPE"})
		var me *Error
		if !errors.As(err, &me) || me.Code != 500 || me.Description != "invalid test subject, must be valid publish subject: "+test {
			t.Errorf("test %q: %v", test, err)
		}
	}
}

func TestAccountz(t *testing.T) {
	az, err := Accountz(newFake(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(az.Accounts, []string{"USERS", "SYS", "$G"}) || az.Account != nil || az.SystemAccount != "SYS" || az.ID != fakeServerID {
		t.Errorf("list %+v", az)
	}
	az, err = Accountz(newFake(), &sysapi.AccountzOptions{Account: "USERS"})
	if err != nil {
		t.Fatal(err)
	}
	ai := az.Account
	if az.Accounts != nil || ai == nil || ai.AccountName != "USERS" || ai.NameTag != "USERS" || ai.IsSystem || !ai.Complete ||
		ai.Expired || ai.ClientCnt != 2 || ai.LeafCnt != 1 || ai.SubCnt != 5 || len(ai.Imports) != 1 ||
		ai.Sublist == nil || ai.Sublist.NumSubs != 5 || !ai.LastUpdate.Equal(t0) {
		t.Errorf("detail %+v", ai)
	}
	b, _ := json.Marshal(az)
	for _, want := range []string{`"expired":false`, `"complete":true`, `"jetstream_enabled":false`, `"share":true`, `"invalid":false`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("ACCOUNTZ JSON lacks %s: %s", want, b)
		}
	}
	sys, err := AccountInfo(newFake(), "SYS")
	if err != nil || !sys.IsSystem || len(sys.Exports) != 1 {
		t.Errorf("SYS info %+v %v", sys, err)
	}
	for _, call := range []func() error{
		func() error { _, err := Accountz(newFake(), &sysapi.AccountzOptions{Account: "NOPE"}); return err },
		func() error { _, err := AccountInfo(newFake(), "NOPE"); return err },
	} {
		var me *Error
		if err := call(); !errors.As(err, &me) || me.Code != 500 || me.Description != "Account NOPE does not exist" {
			t.Errorf("unknown account: %v", err)
		}
	}
}

func TestAccstatz(t *testing.T) {
	tests := []struct {
		opts *sysapi.AccountStatzOptions
		want []string
	}{
		{nil, []string{"USERS", "SYS"}},
		{&sysapi.AccountStatzOptions{IncludeUnused: true}, []string{"USERS", "SYS", "$G"}},
		{&sysapi.AccountStatzOptions{Accounts: []string{"$G", "SYS"}}, []string{"SYS"}},
		{&sysapi.AccountStatzOptions{Accounts: []string{"$G"}}, []string{}},
		{&sysapi.AccountStatzOptions{Accounts: []string{"$G", "NOPE"}, IncludeUnused: true}, []string{"$G"}},
	}
	for _, tc := range tests {
		as, err := Accstatz(newFake(), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, a := range as.Accounts {
			got = append(got, a.Account)
		}
		if !slices.Equal(got, tc.want) || as.Accounts == nil || as.ID != fakeServerID {
			t.Errorf("%+v: got %v", tc.opts, got)
		}
	}
	as, _ := Accstatz(newFake(), nil)
	u := as.Accounts[0]
	if u.Name != "USERS" || u.Conns != 2 || u.LeafNodes != 1 || u.TotalConns != 3 || u.NumSubs != 5 ||
		u.Sent.Msgs != 3 || u.Received.Bytes != 20 || u.Received.Leafs.Msgs != 1 ||
		u.Sent.Routes == nil || u.Sent.Gateways == nil || u.Sent.Leafs == nil || u.Received.Routes == nil {
		t.Errorf("USERS stat %+v", u)
	}
	b, _ := json.Marshal(as.Accounts[1])
	if !strings.Contains(string(b), `"sent":{"msgs":0,"bytes":0,"gateways":{"msgs":0,"bytes":0},"routes":{"msgs":0,"bytes":0},"leafs":{"msgs":0,"bytes":0}}`) {
		t.Errorf("breakdowns not always present: %s", b)
	}
}

func TestJsz(t *testing.T) {
	for _, opts := range []*sysapi.JSzOptions{nil, {}, {Accounts: true, Account: "USERS", Streams: true, Limit: 5}} {
		js, err := Jsz(newFake(), opts)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(js)
		want := `{"memory":0,"storage":0,"reserved_memory":0,"reserved_storage":0,"accounts":0,"ha_assets":0,` +
			`"api":{"level":0,"total":0,"errors":0},"server_id":"` + fakeServerID + `","now":"2026-11-25T18:41:30Z",` +
			`"disabled":true,"config":{"max_memory":0,"max_storage":0},"streams":0,"consumers":0,"messages":0,"bytes":0,"total":0}`
		if string(b) != want {
			t.Errorf("%+v:\ngot  %s\nwant %s", opts, b, want)
		}
	}
	if _, err := Jsz(newFake(), &sysapi.JSzOptions{LeaderOnly: true}); !errors.Is(err, ErrNotLeader) || err.Error() != "filtered response: not leader" {
		t.Errorf("leader_only: %v", err)
	}
	var me *Error
	if _, err := AccountJsz(newFake(), "USERS", nil); !errors.As(err, &me) || me.Code != 500 || me.Description != "jetstream not enabled" {
		t.Errorf("account JSZ: %v", err)
	}
}

func TestHealthz(t *testing.T) {
	notReady := errors.New("not accepting connections")
	tests := []struct {
		opts  *sysapi.HealthzOptions
		ready error
		want  string
	}{
		{nil, nil, `{"status":"ok","status_code":200}`},
		{&sysapi.HealthzOptions{JSEnabledOnly: true, JSServerOnly: true, Account: "USERS", Details: true}, nil, `{"status":"ok","status_code":200}`},
		{&sysapi.HealthzOptions{Account: "A", Stream: "S", Consumer: "C"}, nil, `{"status":"ok","status_code":200}`},
		{&sysapi.HealthzOptions{Stream: "x"}, nil, `{"status":"error","status_code":400,"error":"\"account\" must not be empty when checking stream health"}`},
		{&sysapi.HealthzOptions{Account: "A", Consumer: "c"}, nil, `{"status":"error","status_code":400,"error":"\"stream\" must not be empty when checking consumer health"}`},
		{&sysapi.HealthzOptions{Stream: "x", Details: true}, nil, `{"status":"error","status_code":400,"errors":[{"type":"BAD_REQUEST","error":"\"account\" must not be empty when checking stream health"}]}`},
		{&sysapi.HealthzOptions{Stream: "x"}, notReady, `{"status":"error","status_code":400,"error":"\"account\" must not be empty when checking stream health"}`},
		{nil, notReady, `{"status":"error","status_code":500,"error":"not accepting connections"}`},
		{&sysapi.HealthzOptions{Details: true}, notReady, `{"status":"error","status_code":500,"errors":[{"type":"CONNECTION","error":"not accepting connections"}]}`},
	}
	for _, tc := range tests {
		f := newFake()
		f.ready = tc.ready
		hs, err := Healthz(f, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(hs); string(b) != tc.want {
			t.Errorf("%+v ready=%v:\ngot  %s\nwant %s", tc.opts, tc.ready, b, tc.want)
		}
	}
}

func TestTopology(t *testing.T) {
	f := newFake()
	rz, err := Routez(f, &sysapi.RoutezOptions{Subscriptions: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(rz); string(b) != `{"server_id":"`+fakeServerID+`","server_name":"fake","now":"2026-11-25T18:41:30Z","num_routes":0,"routes":[]}` {
		t.Errorf("routez %s", b)
	}
	gz, err := Gatewayz(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(gz); string(b) != `{"server_id":"`+fakeServerID+`","now":"2026-11-25T18:41:30Z","outbound_gateways":{},"inbound_gateways":{}}` {
		t.Errorf("gatewayz %s", b)
	}
	f.srv.Gateway = sysapi.GatewayOptsVarz{Name: "c1", Host: "0.0.0.0", Port: 7222}
	gz, _ = Gatewayz(f, &sysapi.GatewayzOptions{Accounts: true})
	if gz.Name != "c1" || gz.Host != "0.0.0.0" || gz.Port != 7222 {
		t.Errorf("gatewayz with gateway block %+v", gz)
	}

	lz, err := Leafz(f, &sysapi.LeafzOptions{Subscriptions: true})
	if err != nil {
		t.Fatal(err)
	}
	if lz.NumLeafs != 1 || len(lz.Leafs) != 1 {
		t.Fatalf("leafz %+v", lz)
	}
	l := lz.Leafs[0]
	if l.ID != 4 || l.Name != "leaf-1" || l.Account != "USERS" || l.IP != "10.0.0.4" || l.Port != 7422 ||
		l.RTT != "500µs" || l.OutMsgs != 9 || l.NumSubs != 2 || !slices.Equal(l.Subs, []string{"foo.bar", "$LDS.x"}) ||
		l.Compression != "off" || l.IsSpoke {
		t.Errorf("leaf %+v", l)
	}
	for _, acc := range []string{"SYS", "NOPE"} {
		lz, _ = Leafz(f, &sysapi.LeafzOptions{Account: acc})
		if b, _ := json.Marshal(lz); string(b) != `{"server_id":"`+fakeServerID+`","now":"2026-11-25T18:41:30Z","leafnodes":0,"leafs":[]}` {
			t.Errorf("leafz %s: %s", acc, b)
		}
	}
}

func TestStatsz(t *testing.T) {
	f := newFake()
	f.stats.OutClientMsgs, f.stats.InClientBytes = 20, 1000
	ss := Statsz(f)
	if !ss.Start.Equal(t0) || ss.Mem != 1<<24 || ss.Connections != 3 || ss.TotalConnections != 7 || ss.NumSubs != 66 ||
		ss.ActiveAccounts != 2 || ss.Sent.Msgs != 24 || ss.Sent.Bytes != 970 || ss.Received.Msgs != 91 ||
		ss.SentToClients.Msgs != 20 || ss.ReceivedFromClients.Bytes != 1000 || ss.ActiveServers != 1 ||
		ss.Cores != runtime.NumCPU() || ss.MaxProcs != runtime.GOMAXPROCS(0) {
		t.Errorf("statsz %+v", ss)
	}
	b, _ := json.Marshal(ss)
	for _, absent := range []string{"slow_consumer_stats", "stale_connection", "routes", "gateways", "jetstream", `"gateways"`} {
		if strings.Contains(string(b), absent) {
			t.Errorf("STATSZ JSON has %s: %s", absent, b)
		}
	}
	f.stats.SlowConsumersStats.Leafs = 1
	f.stats.StaleConnectionStats.Clients = 2
	f.accs[0].ClientConns, f.accs[0].LeafConns = 0, 0
	f.accs[2].LeafConns = 1
	ss = Statsz(f)
	if ss.SlowConsumersStats == nil || ss.SlowConsumersStats.Leafs != 1 || ss.StaleConnectionStats == nil ||
		ss.StaleConnectionStats.Clients != 2 || ss.ActiveAccounts != 2 {
		t.Errorf("statsz breakdowns %+v", ss)
	}
}

func TestTimeKeyOrder(t *testing.T) {
	times := []time.Time{{}, t0.Add(-time.Hour), t0, t0.Add(time.Nanosecond)}
	for i := 1; i < len(times); i++ {
		a, b := timeKey(times[i-1]), timeKey(times[i])
		if a >= b || ^a <= ^b {
			t.Errorf("key order broken between %v and %v", times[i-1], times[i])
		}
	}
}
