package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/client/sysapi"
)

// svcConf is the seed configuration with a fixed server name, so that name
// filters select both servers the same way.
const svcConf = sysConf + "\nserver_name: srv\nlisten: \"127.0.0.1:-1\"\n"

// svcCase is one service request sent by admin to both servers.
type svcCase struct {
	name    string
	subj    string // "<id>" is replaced by the server's ID
	body    string
	enc     string // Accept-Encoding header, "" for none
	replies int    // expected number of replies
	noResp  bool   // expect the 503 no-responders status instead
	check   func(t *testing.T, m *nats.Msg)
}

// dataKey requires the reply to have (or not have) a "data" key and an
// error with code.
func envelope(wantData bool, errCode int) func(t *testing.T, m *nats.Msg) {
	return func(t *testing.T, m *nats.Msg) {
		t.Helper()
		var env map[string]json.RawMessage
		if err := json.Unmarshal(m.Data, &env); err != nil {
			t.Fatalf("reply is not JSON: %q", m.Data)
		}
		if _, ok := env["server"]; !ok {
			t.Errorf("no server block: %s", m.Data)
		}
		if _, ok := env["data"]; ok != wantData {
			t.Errorf("data present = %v, want %v: %s", ok, wantData, m.Data)
		}
		var e struct {
			Error *sysapi.APIError `json:"error"`
		}
		_ = json.Unmarshal(m.Data, &e)
		switch {
		case errCode == 0 && e.Error != nil:
			t.Errorf("unexpected error %+v", e.Error)
		case errCode != 0 && (e.Error == nil || e.Error.Code != errCode):
			t.Errorf("error = %+v, want code %d", e.Error, errCode)
		}
	}
}

var (
	okData   = envelope(true, 0)
	err400   = envelope(false, 400)
	err500   = envelope(true, 500)
	statusOK = envelope(false, 0)
)

// errText requires the error description.
func errText(code int, text string) func(t *testing.T, m *nats.Msg) {
	return func(t *testing.T, m *nats.Msg) {
		t.Helper()
		var e struct {
			Error *sysapi.APIError `json:"error"`
		}
		if err := json.Unmarshal(m.Data, &e); err != nil || e.Error == nil || e.Error.Code != code || e.Error.Description != text {
			t.Errorf("error = %s, want %d %q", m.Data, code, text)
		}
	}
}

// svcCases is spec §10.2 T5-T10 as seen by a system user.
var svcCases = []svcCase{
	{name: "PING", subj: "$SYS.REQ.SERVER.PING", replies: 1},
	{name: "PING.STATSZ", subj: "$SYS.REQ.SERVER.PING.STATSZ", body: "{}", replies: 1},
	{name: "STATSZ", subj: "$SYS.REQ.SERVER.<id>.STATSZ", replies: 1},
	{name: "PING.IDZ", subj: "$SYS.REQ.SERVER.PING.IDZ", replies: 1},
	{name: "IDZ", subj: "$SYS.REQ.SERVER.<id>.IDZ", replies: 1},
	{name: "VARZ", subj: "$SYS.REQ.SERVER.<id>.VARZ", replies: 1, check: okData},
	{name: "PING.VARZ", subj: "$SYS.REQ.SERVER.PING.VARZ", body: `{"exact_match":true}`, replies: 1, check: okData},
	{name: "CONNZ", subj: "$SYS.REQ.SERVER.<id>.CONNZ", replies: 1, check: okData},
	{name: "CONNZ subs", subj: "$SYS.REQ.SERVER.PING.CONNZ", body: `{"auth":true,"subscriptions":true}`, replies: 1, check: okData},
	{name: "CONNZ detail", subj: "$SYS.REQ.SERVER.PING.CONNZ", body: `{"auth":true,"subscriptions_detail":true}`, replies: 1, check: okData},
	{name: "CONNZ natscli", subj: "$SYS.REQ.SERVER.PING.CONNZ", body: `{"sort":"cid","auth":true,"subscriptions":false,"subscriptions_detail":false,"offset":0,"limit":2048,"cid":0,"mqtt_client":"","state":0,"user":"","acc":"","filter_subject":"","exact_match":true}`, replies: 1, check: okData},
	{name: "ROUTEZ", subj: "$SYS.REQ.SERVER.PING.ROUTEZ", replies: 1, check: okData},
	{name: "GATEWAYZ", subj: "$SYS.REQ.SERVER.<id>.GATEWAYZ", replies: 1, check: okData},
	{name: "LEAFZ", subj: "$SYS.REQ.SERVER.PING.LEAFZ", body: `{"subscriptions":true}`, replies: 1, check: okData},
	{name: "SUBSZ", subj: "$SYS.REQ.SERVER.<id>.SUBSZ", replies: 1, check: okData},
	{name: "SUBSZ list", subj: "$SYS.REQ.SERVER.PING.SUBSZ", body: `{"subscriptions":true,"account":"USERS"}`, replies: 1, check: okData},
	{name: "JSZ", subj: "$SYS.REQ.SERVER.<id>.JSZ", replies: 1, check: okData},
	{name: "JSZ leader_only", subj: "$SYS.REQ.SERVER.<id>.JSZ", body: `{"leader_only":true}`},
	{name: "ACCOUNTZ", subj: "$SYS.REQ.SERVER.<id>.ACCOUNTZ", replies: 1, check: okData},
	{name: "ACCOUNTZ USERS", subj: "$SYS.REQ.SERVER.PING.ACCOUNTZ", body: `{"account":"USERS"}`, replies: 1, check: okData},
	{name: "HEALTHZ", subj: "$SYS.REQ.SERVER.<id>.HEALTHZ", replies: 1, check: okData},
	{name: "HEALTHZ stream", subj: "$SYS.REQ.SERVER.PING.HEALTHZ", body: `{"stream":"x"}`, replies: 1, check: okData},
	{name: "EXPVARZ", subj: "$SYS.REQ.SERVER.<id>.EXPVARZ", replies: 1, check: okData},
	{name: "PROFILEZ", subj: "$SYS.REQ.SERVER.<id>.PROFILEZ", replies: 1, check: okData},
	{name: "IPQUEUESZ", subj: "$SYS.REQ.SERVER.<id>.IPQUEUESZ", body: `{"filter":"recvQ"}`, replies: 1, check: okData},
	{name: "RAFTZ", subj: "$SYS.REQ.SERVER.<id>.RAFTZ", replies: 1, check: okData},
	{name: "ACCOUNT CONNZ", subj: "$SYS.REQ.ACCOUNT.USERS.CONNZ", body: `{"acc":"SYS"}`, replies: 1, check: okData},
	{name: "ACCOUNT LEAFZ", subj: "$SYS.REQ.ACCOUNT.USERS.LEAFZ", replies: 1, check: okData},
	{name: "ACCOUNT SUBSZ", subj: "$SYS.REQ.ACCOUNT.USERS.SUBSZ", replies: 1, check: okData},
	{name: "ACCOUNT JSZ", subj: "$SYS.REQ.ACCOUNT.USERS.JSZ", replies: 1, check: errText(500, "jetstream not enabled")},
	{name: "ACCOUNT INFO", subj: "$SYS.REQ.ACCOUNT.USERS.INFO", replies: 1, check: okData},
	{name: "ACCOUNT SYS INFO", subj: "$SYS.REQ.ACCOUNT.SYS.INFO", replies: 1, check: okData},
	{name: "ACCOUNT STATZ", subj: "$SYS.REQ.ACCOUNT.USERS.STATZ", replies: 1, check: okData},
	{name: "ACCOUNT CONNS", subj: "$SYS.REQ.ACCOUNT.USERS.CONNS", replies: 1},
	{name: "ACCOUNT NOPE CONNZ", subj: "$SYS.REQ.ACCOUNT.NOPE.CONNZ", replies: 1, check: okData},
	{name: "ACCOUNT NOPE SUBSZ", subj: "$SYS.REQ.ACCOUNT.NOPE.SUBSZ", replies: 1, check: okData},
	{name: "ACCOUNT NOPE INFO", subj: "$SYS.REQ.ACCOUNT.NOPE.INFO", replies: 1, check: errText(500, "Account NOPE does not exist")},
	{name: "ACCOUNT NOPE STATZ", subj: "$SYS.REQ.ACCOUNT.NOPE.STATZ"},
	{name: "ACCOUNT NOPE CONNS", subj: "$SYS.REQ.ACCOUNT.NOPE.CONNS"},
	{name: "ACCOUNT PING STATZ", subj: "$SYS.REQ.ACCOUNT.PING.STATZ", body: "{}", replies: 1, check: okData},
	{name: "ACCOUNT PING STATZ unused", subj: "$SYS.REQ.ACCOUNT.PING.STATZ", body: `{"include_unused":true}`, replies: 1, check: okData},
	{name: "ACCOUNT PING CONNZ quirk", subj: "$SYS.REQ.ACCOUNT.PING.CONNZ", replies: 1, check: okData},
	{name: "USER INFO", subj: "$SYS.REQ.USER.INFO", replies: 1, check: okData},
	{name: "VARZ bad body", subj: "$SYS.REQ.SERVER.<id>.VARZ", body: "{bad", replies: 1,
		check: errText(400, "invalid character 'b' looking for beginning of object key string")},
	{name: "CONNZ bad limit", subj: "$SYS.REQ.SERVER.<id>.CONNZ", body: `{"limit":"x"}`, replies: 1,
		check: errText(400, "json: cannot unmarshal string into Go struct field ConnzEventOptions.ConnzOptions.limit of type int")},
	{name: "CONNZ bad sort", subj: "$SYS.REQ.SERVER.<id>.CONNZ", body: `{"sort":"xyz"}`, replies: 1, check: err500},
	{name: "CONNZ sort stop", subj: "$SYS.REQ.SERVER.<id>.CONNZ", body: `{"sort":"stop"}`, replies: 1,
		check: errText(500, "sort by stop only valid on closed connections")},
	{name: "CONNZ filter", subj: "$SYS.REQ.SERVER.<id>.CONNZ", body: `{"filter_subject":"foo.x"}`, replies: 1,
		check: errText(500, "filter by subject only valid with account filtering")},
	{name: "SUBSZ bad test", subj: "$SYS.REQ.SERVER.<id>.SUBSZ", body: `{"test":"foo.*"}`, replies: 1,
		check: errText(500, "invalid test subject, must be valid publish subject: foo.*")},
	{name: "ACCOUNTZ NOPE", subj: "$SYS.REQ.SERVER.<id>.ACCOUNTZ", body: `{"account":"NOPE"}`, replies: 1, check: err500},
	{name: "PING bad body", subj: "$SYS.REQ.SERVER.PING", body: "xx", replies: 1,
		check: errText(400, "invalid character 'x' looking for beginning of value")},
	{name: "KICK cid 0", subj: "$SYS.REQ.SERVER.<id>.KICK", body: `{"cid":0}`, replies: 1, check: errText(500, "no such client or leafnode id")},
	{name: "KICK empty", subj: "$SYS.REQ.SERVER.<id>.KICK"},
	{name: "LDM unknown", subj: "$SYS.REQ.SERVER.<id>.LDM", body: `{"cid":99999}`, replies: 1, check: errText(500, "no such client id")},
	{name: "unknown endpoint", subj: "$SYS.REQ.SERVER.<id>.FOOZ", noResp: true},
	{name: "PING.KICK", subj: "$SYS.REQ.SERVER.PING.KICK", body: `{"cid":1}`, noResp: true},
	{name: "server name as id", subj: "$SYS.REQ.SERVER.srv.VARZ", noResp: true},
	{name: "filter name", subj: "$SYS.REQ.SERVER.PING", body: `{"server_name":"zzz"}`},
	{name: "filter name exact", subj: "$SYS.REQ.SERVER.PING.VARZ", body: `{"server_name":"sr","exact_match":true}`},
	{name: "filter name substring", subj: "$SYS.REQ.SERVER.PING.VARZ", body: `{"server_name":"sr"}`, replies: 1, check: okData},
	{name: "filter name equal", subj: "$SYS.REQ.SERVER.PING.VARZ", body: `{"server_name":"srv","exact_match":true}`, replies: 1, check: okData},
	{name: "filter tags", subj: "$SYS.REQ.SERVER.PING", body: `{"tags":["x"]}`},
	{name: "filter domain", subj: "$SYS.REQ.SERVER.PING", body: `{"domain":"x"}`},
	{name: "filter host", subj: "$SYS.REQ.SERVER.PING.CONNZ", body: `{"host":"127"}`, replies: 1, check: okData},
	{name: "filter host exact", subj: "$SYS.REQ.SERVER.PING.CONNZ", body: `{"host":"127","exact_match":true}`},
	{name: "filter cluster", subj: "$SYS.REQ.SERVER.PING.CONNZ", body: `{"cluster":"x"}`},
	{name: "RELOAD", subj: "$SYS.REQ.SERVER.<id>.RELOAD", replies: 1, check: statusOK},
	{name: "DEBUG SUBSCRIBERS", subj: "$SYS.DEBUG.SUBSCRIBERS", body: "foo", replies: 1},
	{name: "CLAIMS UPDATE junk", subj: "$SYS.REQ.ACCOUNT.USERS.CLAIMS.UPDATE", body: "junk", replies: 1,
		check: errText(500, "jwt update resulted in error - expected 3 chunks")},
	{name: "CLAIMS UPDATE empty", subj: "$SYS.ACCOUNT.USERS.CLAIMS.UPDATE", replies: 1},
	{name: "snappy VARZ", subj: "$SYS.REQ.SERVER.<id>.VARZ", enc: "snappy", replies: 1},
	{name: "s2 HEALTHZ", subj: "$SYS.REQ.SERVER.<id>.HEALTHZ", enc: "s2", replies: 1},
	{name: "gzip VARZ", subj: "$SYS.REQ.SERVER.<id>.VARZ", enc: "GZIP", replies: 1},
	{name: "br VARZ", subj: "$SYS.REQ.SERVER.<id>.VARZ", enc: "br", replies: 1},
	{name: "snappy PING", subj: "$SYS.REQ.SERVER.PING", enc: "snappy", replies: 1},
	{name: "snappy IDZ", subj: "$SYS.REQ.SERVER.PING.IDZ", enc: "snappy", replies: 1},
	{name: "gzip failing CONNZ", subj: "$SYS.REQ.SERVER.<id>.CONNZ", body: `{"sort":"bad"}`, enc: "gzip", replies: 1, check: err500},
	{name: "snappy account CONNZ", subj: "$SYS.REQ.ACCOUNT.USERS.CONNZ", enc: "snappy", replies: 1, check: okData},
}

// decompressed returns the reply body decoded per its Content-Encoding.
func decompressed(t *testing.T, m *nats.Msg) []byte {
	t.Helper()
	switch m.Header.Get("Content-Encoding") {
	case "snappy":
		if !bytes.HasPrefix(m.Data, []byte("\xff\x06\x00\x00sNaPpY")) {
			t.Errorf("snappy reply does not start with the stream identifier: %q", m.Data[:min(10, len(m.Data))])
		}
		b, err := io.ReadAll(s2.NewReader(bytes.NewReader(m.Data)))
		if err != nil {
			t.Fatalf("snappy: %v", err)
		}
		return b
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		return b
	}
	return m.Data
}

// svcEnv is what each server needs for the service cases.
type svcEnv struct {
	admin *nats.Conn
	user  *nats.Conn
	id    string
}

func newSvcEnv(t *testing.T, url string) svcEnv {
	t.Helper()
	e := svcEnv{admin: admin(t, url), user: connect(t, url, nats.UserInfo("a", "a"), nats.Name("svc-user"))}
	if _, err := e.user.SubscribeSync("foo.>"); err != nil {
		t.Fatal(err)
	}
	if err := e.user.Flush(); err != nil {
		t.Fatal(err)
	}
	e.id = serverID(t, e.admin)
	return e
}

// TestServicesAgainstReference sends every case to our server and to the
// reference: the number of replies, the headers and the payload shapes must
// agree, and each reply must meet the contract.
func TestServicesAgainstReference(t *testing.T) {
	p := runPair(t, svcConf)
	ours, ref := both(p, func(url string) svcEnv { return newSvcEnv(t, url) })
	for _, tc := range svcCases {
		t.Run(tc.name, func(t *testing.T) {
			send := func(e svcEnv) []*nats.Msg {
				var h nats.Header
				if tc.enc != "" {
					h = nats.Header{"Accept-Encoding": []string{tc.enc}}
				}
				wait := time.Second
				if tc.replies == 0 {
					wait = 300 * time.Millisecond
				}
				return request(t, e.admin, strings.ReplaceAll(tc.subj, "<id>", e.id), h, tc.body, wait)
			}
			o, r := both(p, func(url string) []*nats.Msg {
				if url == p.ours {
					return send(ours)
				}
				return send(ref)
			})
			if tc.noResp {
				for what, msgs := range map[string][]*nats.Msg{"ours": o, "reference": r} {
					if len(msgs) != 1 || msgs[0].Header.Get("Status") != "503" {
						t.Errorf("%s: want one 503 status, got %d messages", what, len(msgs))
					}
				}
				return
			}
			if len(r) != tc.replies {
				t.Fatalf("reference sent %d replies, the case expects %d", len(r), tc.replies)
			}
			if len(o) != tc.replies {
				t.Fatalf("%d replies, want %d", len(o), tc.replies)
			}
			if tc.replies == 0 {
				return
			}
			if oe, re := o[0].Header.Get("Content-Encoding"), r[0].Header.Get("Content-Encoding"); oe != re {
				t.Errorf("Content-Encoding %q, reference %q", oe, re)
			}
			od, rd := decompressed(t, o[0]), decompressed(t, r[0])
			sameShape(t, tc.name, od, rd)
			if tc.check != nil {
				m := *o[0]
				m.Data = od
				tc.check(t, &m)
			}
		})
	}
}

// TestServicesFromAccountUser is §10.2 T5 and T11: a user of USERS reaches
// only the imported services, scoped to USERS.
func TestServicesFromAccountUser(t *testing.T) {
	p := runPair(t, svcConf)
	type result struct {
		noResp     error
		connz      []*nats.Msg
		userInfo   []*nats.Msg
		statz      []*nats.Msg
		accPing    []*nats.Msg
		sysDirect  error
		sysSubOnly []sysMsg
	}
	run := func(url string) result {
		var r result
		a := connect(t, url, nats.UserInfo("a", "a"))
		_, r.noResp = a.Request("$SYS.REQ.SERVER.PING", nil, time.Second)
		_, r.sysDirect = a.Request("$SYS.REQ.ACCOUNT.USERS.CONNZ", nil, time.Second)
		sp := newSpy(t, a, "$SYS.>")
		r.connz = request(t, a, "$SYS.REQ.SERVER.PING.CONNZ", nil, `{"acc":"SYS"}`, time.Second)
		r.userInfo = request(t, a, "$SYS.REQ.USER.INFO", nil, "", time.Second)
		r.statz = request(t, a, "$SYS.REQ.ACCOUNT.PING.STATZ", nil, "{}", time.Second)
		r.accPing = request(t, a, "$SYS.REQ.ACCOUNT.PING.CONNZ", nil, "", time.Second)
		connect(t, url, nats.UserInfo("admin", "changeit")).Close()
		time.Sleep(100 * time.Millisecond)
		for _, m := range sp.all() {
			if !strings.HasPrefix(m.Subject, "$SYS.REQ.") {
				r.sysSubOnly = append(r.sysSubOnly, m)
			}
		}
		return r
	}
	ours, ref := both(p, run)
	for what, r := range map[string]result{"ours": ours, "reference": ref} {
		if r.noResp != nats.ErrNoResponders || r.sysDirect != nats.ErrNoResponders {
			t.Errorf("%s: PING from USERS: %v / %v, want no responders", what, r.noResp, r.sysDirect)
		}
		if len(r.connz) != 1 || len(r.userInfo) != 1 || len(r.statz) != 1 || len(r.accPing) != 1 {
			t.Fatalf("%s: replies %d %d %d %d", what, len(r.connz), len(r.userInfo), len(r.statz), len(r.accPing))
		}
		cz := decode[sysapi.ConnzResponse](t, r.connz[0].Data)
		if cz.Data == nil || cz.Data.NumConns != 1 || cz.Data.Conns[0].Account != "" && cz.Data.Conns[0].Account != "USERS" {
			t.Errorf("%s: CONNZ from USERS = %s", what, r.connz[0].Data)
		}
		ui := decode[sysapi.UserInfoResponse](t, r.userInfo[0].Data)
		if ui.Data == nil || *ui.Data != (sysapi.UserInfo{UserID: "a", Account: "USERS", AccountName: "USERS"}) {
			t.Errorf("%s: USER.INFO = %s", what, r.userInfo[0].Data)
		}
		sz := decode[sysapi.AccountStatzResponse](t, r.statz[0].Data)
		if sz.Data == nil || len(sz.Data.Accounts) != 1 || sz.Data.Accounts[0].Account != "USERS" {
			t.Errorf("%s: STATZ from USERS = %s", what, r.statz[0].Data)
		}
		if len(r.sysSubOnly) != 0 {
			t.Errorf("%s: USERS saw system traffic %q", what, subjects(r.sysSubOnly))
		}
	}
	sameShape(t, "CONNZ via import", ours.connz[0].Data, ref.connz[0].Data)
	sameShape(t, "USER.INFO", ours.userInfo[0].Data, ref.userInfo[0].Data)
	sameShape(t, "STATZ via import", ours.statz[0].Data, ref.statz[0].Data)
	sameShape(t, "ACCOUNT.PING.CONNZ via import", ours.accPing[0].Data, ref.accPing[0].Data)
}

// TestKickAndLDM is §10.2 T12 and LDM (§5.6.13, §5.6.14).
func TestKickAndLDM(t *testing.T) {
	p := runPair(t, svcConf)
	type result struct {
		ldm, kick, again []*nats.Msg
		disc             sysMsg
		gotLDM           bool
	}
	run := func(url string) result {
		var r result
		adm := admin(t, url)
		id := serverID(t, adm)
		sp := newSpy(t, adm, "$SYS.ACCOUNT.USERS.DISCONNECT")
		ldm := make(chan struct{}, 1)
		victim := connect(t, url, nats.UserInfo("a", "a"), nats.Name("victim"),
			nats.LameDuckModeHandler(func(*nats.Conn) { ldm <- struct{}{} }))
		cid, err := victim.GetClientID()
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		body := `{"cid":` + jsonNum(cid) + `}`
		r.ldm = request(t, adm, "$SYS.REQ.SERVER."+id+".LDM", nil, body, time.Second)
		select {
		case <-ldm:
			r.gotLDM = true
		case <-time.After(2 * time.Second):
		}
		r.kick = request(t, adm, "$SYS.REQ.SERVER."+id+".KICK", nil, body, time.Second)
		r.disc = sp.waitFor(t, "DISCONNECT", 1)[0]
		r.again = request(t, adm, "$SYS.REQ.SERVER."+id+".KICK", nil, body, time.Second)
		return r
	}
	ours, ref := both(p, run)
	for what, r := range map[string]result{"ours": ours, "reference": ref} {
		if len(r.ldm) != 1 || len(r.kick) != 1 || len(r.again) != 1 {
			t.Fatalf("%s: replies ldm %d kick %d again %d", what, len(r.ldm), len(r.kick), len(r.again))
		}
		if !r.gotLDM {
			t.Errorf("%s: the client got no lame duck INFO", what)
		}
		statusOK(t, r.ldm[0])
		statusOK(t, r.kick[0])
		errText(500, "no such client or leafnode id")(t, r.again[0])
		d := decode[sysapi.DisconnectEventMsg](t, r.disc.Data)
		if d.Reason != sysapi.ReasonKicked || d.Client.Name != "victim" {
			t.Errorf("%s: DISCONNECT = %s", what, r.disc.Data)
		}
	}
	sameShape(t, "KICK", ours.kick[0].Data, ref.kick[0].Data)
	sameShape(t, "LDM", ours.ldm[0].Data, ref.ldm[0].Data)
	sameShape(t, "kicked DISCONNECT", ours.disc.Data, ref.disc.Data)
}

func jsonNum(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
