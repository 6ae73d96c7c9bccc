package monitor

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/natsys/natsys/client/sysapi"
)

// cids returns the connection ids of a CONNZ page.
func cids(cz *sysapi.Connz) []uint64 {
	out := make([]uint64, len(cz.Conns))
	for i, c := range cz.Conns {
		out[i] = c.CID
	}
	return out
}

func TestConnzDefaults(t *testing.T) {
	f := newFake()
	for _, opts := range []*sysapi.ConnzOptions{nil, {}, {Offset: -3, Limit: -1}} {
		cz, err := Connz(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		if cz.ID != fakeServerID || !cz.Now.Equal(at(90)) || cz.Offset != 0 || cz.Limit != DefaultConnzLimit {
			t.Errorf("%+v: header %+v", opts, cz)
		}
		if got := cids(cz); !slices.Equal(got, []uint64{1, 2, 3, 4}) || cz.Total != 4 || cz.NumConns != 4 {
			t.Errorf("%+v: cids %v total %d num %d", opts, got, cz.Total, cz.NumConns)
		}
	}
}

func TestConnzSort(t *testing.T) {
	tests := []struct {
		sort  sysapi.SortOpt
		state sysapi.ConnState
		want  []uint64
	}{
		{"", sysapi.ConnAll, []uint64{1, 2, 3, 4, 5, 6, 7}},
		{sysapi.ByCid, sysapi.ConnAll, []uint64{1, 2, 3, 4, 5, 6, 7}},
		{sysapi.ByStart, sysapi.ConnAll, []uint64{1, 2, 3, 4, 5, 6, 7}},
		{sysapi.BySubs, sysapi.ConnAll, []uint64{2, 4, 1, 7, 3, 5, 6}},
		{sysapi.ByPending, sysapi.ConnAll, []uint64{2, 3, 4, 1, 5, 6, 7}},
		{sysapi.ByOutMsgs, sysapi.ConnAll, []uint64{4, 2, 1, 7, 3, 5, 6}},
		{sysapi.ByInMsgs, sysapi.ConnAll, []uint64{1, 3, 2, 7, 5, 4, 6}},
		{sysapi.ByOutBytes, sysapi.ConnAll, []uint64{1, 3, 2, 4, 7, 5, 6}},
		{sysapi.ByInBytes, sysapi.ConnAll, []uint64{2, 4, 3, 5, 1, 6, 7}},
		{sysapi.ByLast, sysapi.ConnAll, []uint64{2, 4, 7, 6, 3, 1, 5}},
		{sysapi.ByIdle, sysapi.ConnAll, []uint64{5, 1, 3, 6, 7, 4, 2}},
		{sysapi.ByUptime, sysapi.ConnAll, []uint64{5, 7, 6, 3, 2, 4, 1}},
		{sysapi.ByRTT, sysapi.ConnAll, []uint64{5, 3, 1, 7, 2, 4, 6}},
		{sysapi.ByStop, sysapi.ConnClosed, []uint64{6, 7, 5}},
		{sysapi.ByReason, sysapi.ConnClosed, []uint64{6, 5, 7}},
		{sysapi.ByRTT, sysapi.ConnOpen, []uint64{3, 1, 2, 4}},
		{sysapi.ByUptime, sysapi.ConnClosed, []uint64{5, 7, 6}},
	}
	for _, tc := range tests {
		cz, err := Connz(newFake(), &sysapi.ConnzOptions{Sort: tc.sort, State: tc.state})
		if err != nil {
			t.Fatalf("%s: %v", tc.sort, err)
		}
		if got := cids(cz); !slices.Equal(got, tc.want) {
			t.Errorf("sort %q state %v: got %v, want %v", tc.sort, tc.state, got, tc.want)
		}
	}
}

func TestConnzErrors(t *testing.T) {
	tests := []struct {
		opts sysapi.ConnzOptions
		text string
	}{
		{sysapi.ConnzOptions{Sort: "bad"}, "invalid sorting option: bad"},
		{sysapi.ConnzOptions{Sort: "CID"}, "invalid sorting option: CID"},
		{sysapi.ConnzOptions{Sort: "bad", Account: "NOPE"}, "invalid sorting option: bad"},
		{sysapi.ConnzOptions{Sort: "xyz", FilterSubject: "foo.x"}, "invalid sorting option: xyz"},
		{sysapi.ConnzOptions{Sort: sysapi.ByStop}, "sort by stop only valid on closed connections"},
		{sysapi.ConnzOptions{Sort: sysapi.ByStop, State: sysapi.ConnAll}, "sort by stop only valid on closed connections"},
		{sysapi.ConnzOptions{Sort: sysapi.ByReason}, "sort by reason only valid on closed connections"},
		{sysapi.ConnzOptions{FilterSubject: "foo.x"}, "filter by subject only valid with account filtering"},
	}
	for _, tc := range tests {
		cz, err := Connz(newFake(), &tc.opts)
		var me *Error
		if !errors.As(err, &me) || cz != nil {
			t.Fatalf("%+v: got %v, %v; want *Error", tc.opts, cz, err)
		}
		if me.Code != sysapi.APIErrInternal || me.Description != tc.text {
			t.Errorf("%+v: got %d %q, want 500 %q", tc.opts, me.Code, me.Description, tc.text)
		}
		if ae := me.APIError(); ae.Code != 500 || ae.Description != tc.text {
			t.Errorf("APIError() = %+v", ae)
		}
	}
}

func TestConnzSelection(t *testing.T) {
	tests := []struct {
		name          string
		opts          sysapi.ConnzOptions
		want          []uint64
		total         int
		offset, limit int
	}{
		{"closed", sysapi.ConnzOptions{State: sysapi.ConnClosed}, []uint64{5, 6, 7}, 3, 0, 1024},
		{"bad state", sysapi.ConnzOptions{State: 5}, []uint64{}, 0, 0, 1024},
		{"negative state", sysapi.ConnzOptions{State: -1}, []uint64{}, 0, 0, 1024},
		{"offset limit", sysapi.ConnzOptions{Offset: 1, Limit: 2}, []uint64{2, 3}, 4, 1, 2},
		{"offset past end", sysapi.ConnzOptions{Offset: 9}, []uint64{}, 4, 9, 1024},
		{"huge limit", sysapi.ConnzOptions{Offset: 3, Limit: math.MaxInt}, []uint64{4}, 4, 3, math.MaxInt},
		{"huge offset", sysapi.ConnzOptions{Offset: math.MaxInt, Limit: math.MaxInt}, []uint64{}, 4, math.MaxInt, math.MaxInt},
		{"cid open", sysapi.ConnzOptions{CID: 2, Limit: 50}, []uint64{2}, 4, 0, 1},
		{"cid closed but state open", sysapi.ConnzOptions{CID: 5}, []uint64{}, 4, 0, 1},
		{"cid closed", sysapi.ConnzOptions{CID: 5, State: sysapi.ConnClosed}, []uint64{5}, 3, 0, 1},
		{"cid all", sysapi.ConnzOptions{CID: 6, State: sysapi.ConnAll}, []uint64{6}, 7, 0, 1},
		{"cid with offset", sysapi.ConnzOptions{CID: 2, Offset: 3}, []uint64{}, 4, 3, 1},
		{"cid other account", sysapi.ConnzOptions{CID: 3, Account: "USERS"}, []uint64{}, 3, 0, 1},
		{"user keeps total", sysapi.ConnzOptions{User: "admin"}, []uint64{3}, 4, 0, 1024},
		{"user none", sysapi.ConnzOptions{User: "nobody"}, []uint64{}, 4, 0, 1024},
		{"user paged", sysapi.ConnzOptions{User: "a", State: sysapi.ConnAll, Offset: 1, Limit: 2}, []uint64{4, 5}, 7, 1, 2},
		{"user and cid", sysapi.ConnzOptions{User: "a", CID: 3}, []uint64{}, 4, 0, 1},
		{"mqtt", sysapi.ConnzOptions{MQTTClient: "mq1"}, []uint64{2}, 4, 0, 1024},
		{"mqtt none", sysapi.ConnzOptions{MQTTClient: "x"}, []uint64{}, 4, 0, 1024},
		{"account", sysapi.ConnzOptions{Account: "USERS"}, []uint64{1, 2, 4}, 3, 0, 1024},
		{"account closed", sysapi.ConnzOptions{Account: "SYS", State: sysapi.ConnClosed}, []uint64{7}, 1, 0, 1024},
		{"account all", sysapi.ConnzOptions{Account: "SYS", State: sysapi.ConnAll}, []uint64{3, 7}, 2, 0, 1024},
		{"global account", sysapi.ConnzOptions{Account: "$G"}, []uint64{}, 0, 0, 1024},
		{"filter match", sysapi.ConnzOptions{Account: "USERS", FilterSubject: "foo.x"}, []uint64{1}, 3, 0, 1024},
		{"filter wildcard", sysapi.ConnzOptions{Account: "USERS", FilterSubject: "baz.q"}, []uint64{2}, 3, 0, 1024},
		{"filter leaf", sysapi.ConnzOptions{Account: "USERS", FilterSubject: "foo.bar"}, []uint64{1, 4}, 3, 0, 1024},
		{"filter none", sysapi.ConnzOptions{Account: "USERS", FilterSubject: "nothing"}, []uint64{}, 3, 0, 1024},
		{"filter all", sysapi.ConnzOptions{Account: "USERS", FilterSubject: ">"}, []uint64{1, 2, 4}, 3, 0, 1024},
		{"filter empty token", sysapi.ConnzOptions{Account: "USERS", FilterSubject: "foo..x"}, []uint64{1}, 3, 0, 1024},
		{"filter skips closed", sysapi.ConnzOptions{Account: "USERS", FilterSubject: "foo.*", State: sysapi.ConnAll}, []uint64{1, 4, 5}, 4, 0, 1024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cz, err := Connz(newFake(), &tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := cids(cz); !slices.Equal(got, tc.want) {
				t.Errorf("cids %v, want %v", got, tc.want)
			}
			if cz.Conns == nil || cz.Total != tc.total || cz.NumConns != len(tc.want) ||
				cz.Offset != tc.offset || cz.Limit != tc.limit || cz.ID != fakeServerID {
				t.Errorf("header: total %d num %d offset %d limit %d id %q nil=%v",
					cz.Total, cz.NumConns, cz.Offset, cz.Limit, cz.ID, cz.Conns == nil)
			}
		})
	}
}

func TestConnzUnknownAccountQuirk(t *testing.T) {
	cz, err := Connz(newFake(), &sysapi.ConnzOptions{Account: "NOPE", Offset: 3, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cz)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"server_id":"","now":"2026-11-25T18:41:30Z","num_connections":0,"total":0,"offset":3,"limit":5,"connections":null}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	cz, _ = Connz(newFake(), &sysapi.ConnzOptions{Account: "NOPE", CID: 3, State: sysapi.ConnClosed})
	if cz.Limit != 1 || cz.ID != "" || cz.Conns != nil {
		t.Errorf("cid quirk: %+v", cz)
	}
}

func TestConnzInfoFields(t *testing.T) {
	f := newFake()
	cz, err := Connz(f, &sysapi.ConnzOptions{State: sysapi.ConnAll})
	if err != nil {
		t.Fatal(err)
	}
	byCID := map[uint64]*sysapi.ConnInfo{}
	for _, c := range cz.Conns {
		byCID[c.CID] = c
	}
	c1 := byCID[1]
	if c1.Uptime != "1m30s" || c1.Idle != "1m20s" || c1.RTT != "2ms" || c1.Kind != "Client" || c1.Type != "nats" ||
		c1.Name != "one" || c1.Lang != "go" || c1.Version != "1.55.0" || c1.InMsgs != 50 || c1.OutBytes != 500 ||
		!c1.Stop.IsZero() || c1.Reason != "" || c1.NumSubs != 1 {
		t.Errorf("open conn 1: %+v", c1)
	}
	if c1.AuthorizedUser != "" || c1.Account != "" || c1.NameTag != "" || c1.Subs != nil {
		t.Errorf("conn 1 without auth/subs shows %q %q %q %v", c1.AuthorizedUser, c1.Account, c1.NameTag, c1.Subs)
	}
	c4 := byCID[4]
	if c4.Kind != "Leafnode" || c4.Type != "" || c4.RTT != "500µs" || c4.Uptime != "1m29s" || c4.Idle != "30s" {
		t.Errorf("leaf conn 4: %+v", c4)
	}
	c6 := byCID[6]
	if c6.Uptime != "40s" || c6.Idle != "30s" || !c6.Stop.Equal(at(70)) || c6.Reason != "Authentication Timeout" || c6.RTT != "0s" {
		t.Errorf("closed conn 6: %+v", c6)
	}
	if len(f.connSubCalls) != 0 {
		t.Errorf("ConnSubs called without subscriptions: %v", f.connSubCalls)
	}
}

func TestConnzAuth(t *testing.T) {
	f := newFake()
	f.conns[0].JWT, f.conns[0].IssuerKey, f.conns[0].Tags = "jwt", "AISSUER", []string{"t1"}
	f.conns[1].NameTag = "Users Display"
	f.conns[2].TLSPeerCerts = []sysapi.TLSPeerCert{{Subject: "CN=x"}}
	cz, err := Connz(f, &sysapi.ConnzOptions{Auth: true, State: sysapi.ConnAll})
	if err != nil {
		t.Fatal(err)
	}
	got := map[uint64][4]string{}
	for _, c := range cz.Conns {
		got[c.CID] = [4]string{c.AuthorizedUser, c.Account, c.NameTag, c.JWT}
	}
	want := map[uint64][4]string{
		1: {"a", "USERS", "USERS", "jwt"}, 2: {"b", "USERS", "Users Display", ""}, 3: {"admin", "SYS", "SYS", ""},
		4: {"a", "USERS", "USERS", ""}, 5: {"a", "USERS", "USERS", ""}, 6: {"", "", "$G", ""}, 7: {"admin", "SYS", "SYS", ""},
	}
	for cid, w := range want {
		if got[cid] != w {
			t.Errorf("cid %d: got %q, want %q", cid, got[cid], w)
		}
	}
	if c := cz.Conns[0]; c.IssuerKey != "AISSUER" || !slices.Equal(c.Tags, []string{"t1"}) {
		t.Errorf("conn 1 issuer/tags %q %v", c.IssuerKey, c.Tags)
	}
	if c := cz.Conns[2]; len(c.TLSPeerCerts) != 1 {
		t.Errorf("conn 3 peer certs %v", c.TLSPeerCerts)
	}
}

func TestConnzSubscriptions(t *testing.T) {
	f := newFake()
	cz, err := Connz(f, &sysapi.ConnzOptions{Subscriptions: true, State: sysapi.ConnAll, Limit: 2, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := cids(cz); !slices.Equal(got, []uint64{2, 3}) {
		t.Fatalf("cids %v", got)
	}
	if got := cz.Conns[0].Subs; !slices.Equal(got, []string{"bar", "baz.*", "x.>"}) || cz.Conns[0].SubsDetail != nil {
		t.Errorf("conn 2 subs %v detail %v", got, cz.Conns[0].SubsDetail)
	}
	if cz.Conns[1].Subs != nil {
		t.Errorf("conn 3 subs %v, want none (omitted)", cz.Conns[1].Subs)
	}
	if len(f.connSubCalls) != 2 || f.connSubCalls[2] != 1 || f.connSubCalls[3] != 1 {
		t.Errorf("ConnSubs calls %v, want only the page (2 and 3)", f.connSubCalls)
	}

	f = newFake()
	f.subs[1][0].Account, f.subs[1][0].AccountTag = "USERS", "USERS" // must be dropped
	cz, err = Connz(f, &sysapi.ConnzOptions{SubscriptionsDetail: true, Subscriptions: true, State: sysapi.ConnAll})
	if err != nil {
		t.Fatal(err)
	}
	d1 := cz.Conns[0].SubsDetail
	if cz.Conns[0].Subs != nil || len(d1) != 1 || d1[0] != (sysapi.SubDetail{Subject: "foo.>", Queue: "q1", SID: "1", Msgs: 3, CID: 1}) {
		t.Errorf("conn 1 detail %+v subs %v", d1, cz.Conns[0].Subs)
	}
	if f.subs[1][0].Account != "USERS" {
		t.Error("builder modified the source's subscription data")
	}
	d7 := cz.Conns[6].SubsDetail
	if len(d7) != 1 || d7[0].Subject != "slow.>" || d7[0].CID != 7 {
		t.Errorf("closed conn 7 detail %+v", d7)
	}
	if f.connSubCalls[7] != 0 || f.connSubCalls[5] != 0 {
		t.Errorf("ConnSubs asked for closed connections: %v", f.connSubCalls)
	}
}

func TestConnzFilterReusesSubs(t *testing.T) {
	f := newFake()
	if _, err := Connz(f, &sysapi.ConnzOptions{Account: "USERS", FilterSubject: "foo.x", Subscriptions: true}); err != nil {
		t.Fatal(err)
	}
	for cid, n := range f.connSubCalls {
		if n != 1 {
			t.Errorf("ConnSubs(%d) called %d times", cid, n)
		}
	}
}

func TestSubjectsCollide(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"foo.bar", "foo.bar", true},
		{"foo.bar", "foo.baz", false},
		{"foo.*", "foo.bar", true},
		{"foo.*", "*.bar", true},
		{"foo.>", "foo.bar.baz", true},
		{"foo.>", "foo", false},
		{"foo", "foo.bar", false},
		{"foo.bar", "foo", false},
		{">", "anything.at.all", true},
		{"*", "a.b", false},
		{"foo..x", "foo.>", true},
		{"foo..x", "foo..x", true},
		{"a.*.c", "a.b.*", true},
		{"a.*.c", "a.b.d", false},
	}
	for _, tc := range tests {
		if got := subjectsCollide(tc.a, tc.b); got != tc.want {
			t.Errorf("subjectsCollide(%q, %q) = %v", tc.a, tc.b, got)
		}
		if got := subjectsCollide(tc.b, tc.a); got != tc.want {
			t.Errorf("subjectsCollide(%q, %q) = %v (reversed)", tc.b, tc.a, got)
		}
	}
}

func TestConnzJSONShape(t *testing.T) {
	cz, err := Connz(newFake(), &sysapi.ConnzOptions{CID: 5, State: sysapi.ConnClosed, Auth: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cz.Conns[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"stop":"2026-11-25T18:40:04Z"`, `"reason":"Client Closed"`, `"uptime":"2s"`,
		`"idle":"1s"`, `"rtt":"4ms"`, `"subscriptions":0`, `"pending_bytes":0`, `"account":"USERS"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}
