package monitor

import (
	"sync"
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/subject"
)

// fakeSource is a Source over fixed data.
type fakeSource struct {
	srv     ServerSnapshot
	stats   StatsSnapshot
	conns   []ConnSnapshot
	subs    map[uint64][]sysapi.SubDetail
	closed  *ClosedRing
	accs    []AccountSnapshot
	accSubs map[string][]sysapi.SubDetail
	ready   error

	mu           sync.Mutex
	connSubCalls map[uint64]int
}

func (f *fakeSource) Server() ServerSnapshot { return f.srv }
func (f *fakeSource) Stats() StatsSnapshot   { return f.stats }

func (f *fakeSource) Conns(account string) []ConnSnapshot {
	out := make([]ConnSnapshot, 0, len(f.conns))
	// Reverse order: the builders must not depend on the source's order.
	for i := len(f.conns) - 1; i >= 0; i-- {
		if account == "" || f.conns[i].Account == account {
			out = append(out, f.conns[i])
		}
	}
	return out
}

func (f *fakeSource) ConnSubs(cid uint64) []sysapi.SubDetail {
	f.mu.Lock()
	if f.connSubCalls == nil {
		f.connSubCalls = make(map[uint64]int)
	}
	f.connSubCalls[cid]++
	f.mu.Unlock()
	return f.subs[cid]
}

func (f *fakeSource) ClosedConns() []*ConnSnapshot {
	if f.closed == nil {
		return nil
	}
	return f.closed.Snapshot()
}

func (f *fakeSource) Accounts() []AccountSnapshot { return f.accs }

func (f *fakeSource) AccountSubs(account string) []sysapi.SubDetail {
	return f.accSubs[account]
}

func (f *fakeSource) Ready() error { return f.ready }

// Times of the fixture: the server started at t0 and the snapshot is taken
// at t0+90s.
var t0 = time.Date(2026, 11, 25, 18, 40, 0, 0, time.UTC)

// at returns t0 plus seconds.
func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// fakeServerID is the fixture's server ID.
const fakeServerID = "NDHIFZK6VW5V63IOXUSI37RYNKFUETVRAYJF4OWMWRXK5GRJ3QGXJQRN"

// newFake returns the fixture: accounts USERS, SYS (system) and $G; open
// connections 1-4 (4 is a leafnode) and closed connections 5-7, with
// distinct values for every sort order (see TestConnzSort).
func newFake() *fakeSource {
	f := &fakeSource{
		srv: ServerSnapshot{
			Now: at(90), ID: fakeServerID, Name: "fake", Version: "2.15.2",
			Host: "127.0.0.1", Port: 4222, Start: t0, ConfigLoadTime: t0,
			ConfigDigest: "sha256:00", SystemAccount: "SYS", AuthRequired: true,
			MaxConn: 65536, MaxControlLine: 4096, MaxPayload: 1 << 20, MaxPending: 64 << 20,
			PingInterval: 2 * time.Minute, MaxPingsOut: 2, WriteDeadline: 10 * time.Second,
			HTTPHost: "127.0.0.1", HTTPPort: 8222, AuthTimeout: 2, TLSTimeout: 2,
		},
		stats: StatsSnapshot{
			Mem: 1 << 24, Connections: 3, TotalConnections: 7, Leafnodes: 1, Subscriptions: 66,
			InMsgs: 91, InBytes: 1015, OutMsgs: 24, OutBytes: 970,
		},
		closed: NewClosedRing(10),
	}
	f.conns = []ConnSnapshot{
		{CID: 1, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "127.0.0.1", Port: 5001,
			Start: at(0), LastActivity: at(10), RTT: 2 * time.Millisecond, NumSubs: 1,
			OutMsgs: 5, InMsgs: 50, OutBytes: 500, InBytes: 5, Name: "one", Lang: "go", Version: "1.55.0",
			AuthorizedUser: "a", Account: "USERS"},
		{CID: 2, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "127.0.0.1", Port: 5002,
			Start: at(5), LastActivity: at(80), RTT: time.Millisecond, NumSubs: 3, PendingBytes: 100,
			OutMsgs: 7, InMsgs: 10, OutBytes: 100, InBytes: 900, AuthorizedUser: "b", Account: "USERS",
			MQTTClient: "mq1"},
		{CID: 3, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "127.0.0.1", Port: 5003,
			Start: at(20), LastActivity: at(20), RTT: 3 * time.Millisecond, PendingBytes: 10,
			OutMsgs: 1, InMsgs: 30, OutBytes: 300, InBytes: 50, AuthorizedUser: "admin", Account: "SYS"},
		{CID: 4, Kind: sysapi.KindLeafnode, IP: "10.0.0.4", Port: 7422, Name: "leaf-1",
			Start: at(1), LastActivity: at(60), RTT: 500 * time.Microsecond, NumSubs: 2, PendingBytes: 5,
			OutMsgs: 9, OutBytes: 50, InBytes: 60, AuthorizedUser: "a", Account: "USERS", Compression: "off"},
	}
	for _, c := range []*ConnSnapshot{
		{CID: 5, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "127.0.0.1", Port: 5005,
			Start: at(2), LastActivity: at(3), Stop: at(4), Reason: sysapi.ReasonClientClosed,
			RTT: 4 * time.Millisecond, InMsgs: 1, InBytes: 10, AuthorizedUser: "a", Account: "USERS",
			Name: "gone", Lang: "go", Version: "1.55.0"},
		{CID: 6, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "127.0.0.1", Port: 5006,
			Start: at(30), LastActivity: at(40), Stop: at(70), Reason: sysapi.ReasonAuthenticationTimeout,
			Account: "$G"},
		{CID: 7, Kind: sysapi.KindClient, Type: sysapi.ClientTypeNATS, IP: "127.0.0.1", Port: 5007,
			Start: at(50), LastActivity: at(55), Stop: at(56), Reason: sysapi.ReasonSlowConsumerPendingBytes,
			RTT: 1500 * time.Microsecond, NumSubs: 1, OutMsgs: 2, InMsgs: 3, OutBytes: 20,
			AuthorizedUser: "admin", Account: "SYS",
			Subs: []sysapi.SubDetail{{Subject: "slow.>", SID: "1", Msgs: 2, CID: 7}}},
	} {
		f.closed.Append(c)
	}
	f.subs = map[uint64][]sysapi.SubDetail{
		1: {{Subject: "foo.>", Queue: "q1", SID: "1", Msgs: 3, CID: 1}},
		2: {{Subject: "bar", SID: "1", CID: 2}, {Subject: "baz.*", SID: "2", CID: 2, Max: 10}, {Subject: "x.>", SID: "3", CID: 2}},
		4: {{Subject: "foo.bar", SID: "1", CID: 4}, {Subject: "$LDS.x", SID: "2", CID: 4}},
	}
	f.accs = []AccountSnapshot{
		{Name: "USERS", UpdateTime: t0, ClientConns: 2, LeafConns: 1,
			Sent: sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: 3, Bytes: 15}},
			Received: sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: 4, Bytes: 20},
				Leafs: &sysapi.MsgBytes{Msgs: 1, Bytes: 5}},
			Sublist: subject.Stats{Subscriptions: 5, Cache: 1, Inserts: 5, Matches: 3, CacheHitRate: 2.0 / 3, MaxFanout: 1, AvgFanout: 1},
			Imports: []sysapi.ExtImport{{Subject: "$SYS.REQ.USER.USERS.INFO", Account: "SYS",
				To: "$SYS.REQ.USER.INFO", LocalSubject: "$SYS.REQ.USER.INFO", Type: sysapi.ExportTypeService, Share: true}}},
		{Name: "SYS", IsSystem: true, UpdateTime: t0, ClientConns: 1,
			Sublist: subject.Stats{Subscriptions: 57, Cache: 11, Inserts: 57, Matches: 21, CacheHitRate: 10.0 / 21, MaxFanout: 2, AvgFanout: 17.0 / 11},
			Exports: []sysapi.ExtExport{{Subject: "$SYS.REQ.ACCOUNT.*.CONNZ", Type: sysapi.ExportTypeService, ResponseType: sysapi.ResponseTypeStream}}},
		{Name: "$G", UpdateTime: t0, Sublist: subject.Stats{Subscriptions: 4, Inserts: 4}},
	}
	f.accSubs = map[string][]sysapi.SubDetail{
		"USERS": {
			{Subject: "$SYS.REQ.USER.INFO", SID: "4", CID: 103},
			{Subject: "foo.>", Queue: "q1", SID: "1", Msgs: 3, CID: 1},
			{Subject: "bar", SID: "1", CID: 2},
			{Subject: "baz.*", SID: "2", CID: 2, Max: 10},
			{Subject: "x.>", SID: "3", CID: 2},
		},
		"SYS": {
			{Subject: "$SYS.REQ.SERVER.PING", SID: "1", CID: 101},
			{Subject: ">", SID: "1", Msgs: 19, CID: 3},
		},
		"$G": {{Subject: "$SYS.REQ.USER.INFO", SID: "4", CID: 105}},
	}
	return f
}
