package sysapi

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// seedAccounts is the accounts block shared by the topology servers.
const seedAccounts = `
accounts: {
  USERS: { users: [ {user: a, password: a} ] }
  SYS: { users: [ {user: admin, password: changeit} ] }
}
system_account: SYS
`

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitHTTP polls url until ok accepts the decoded payload.
func waitHTTP[T any](t *testing.T, url string, ok func(*T) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var v T
		if err := json.Unmarshal(httpGet(t, url), &v); err == nil && ok(&v) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: topology did not form", url)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLiveReferenceTopology runs a hub (cluster c1 with a route peer,
// gateway to cluster c2, leafnode listener with one leaf) and checks the
// payloads that only such a topology fills.
func TestLiveReferenceTopology(t *testing.T) {
	refServerPath(t)
	routeA, routeB := freePort(t), freePort(t)
	gwA, gwC, leafA := freePort(t), freePort(t), freePort(t)
	hub := startRef(t, fmt.Sprintf(`
server_name: hub
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
server_tags: ["az:1", "region:east"]
cluster { name: c1, listen: 127.0.0.1:%d, routes: ["nats://127.0.0.1:%d"] }
gateway { name: c1, listen: 127.0.0.1:%d, gateways: [ {name: c2, urls: ["nats://127.0.0.1:%d"]} ] }
leafnodes { listen: 127.0.0.1:%d }
%s`, routeA, routeB, gwA, gwC, leafA, seedAccounts))
	startRef(t, fmt.Sprintf(`
server_name: peer
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
cluster { name: c1, listen: 127.0.0.1:%d, routes: ["nats://127.0.0.1:%d"] }
%s`, routeB, routeA, seedAccounts))
	startRef(t, fmt.Sprintf(`
server_name: remote
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
gateway { name: c2, listen: 127.0.0.1:%d, gateways: [ {name: c1, urls: ["nats://127.0.0.1:%d"]} ] }
%s`, gwC, gwA, seedAccounts))

	admin := connect(t, hub.natsURL, "admin", "changeit", "spy")
	events := make(chan *nats.Msg, 1024)
	if _, err := admin.ChanSubscribe("$SYS.ACCOUNT.*.LEAFNODE.CONNECT", events); err != nil {
		t.Fatal(err)
	}
	if err := admin.Flush(); err != nil {
		t.Fatal(err)
	}
	startRef(t, fmt.Sprintf(`
server_name: leaf
listen: 127.0.0.1:-1
http: 127.0.0.1:-1
leafnodes { remotes: [ { url: "nats-leaf://a:a@127.0.0.1:%d" } ] }
`, leafA))
	user := connect(t, hub.natsURL, "a", "a", "a-sub")
	if _, err := user.QueueSubscribeSync("foo.>", "q1"); err != nil {
		t.Fatal(err)
	}
	if err := user.Flush(); err != nil {
		t.Fatal(err)
	}

	waitHTTP(t, hub.httpURL+"/routez", func(r *Routez) bool { return r.NumRoutes > 0 })
	waitHTTP(t, hub.httpURL+"/leafz", func(l *Leafz) bool { return l.NumLeafs == 1 })
	waitHTTP(t, hub.httpURL+"/gatewayz", func(g *Gatewayz) bool {
		return g.OutboundGateways["c2"] != nil && g.OutboundGateways["c2"].Connection != nil && len(g.InboundGateways["c2"]) > 0
	})

	t.Run("http", func(t *testing.T) {
		for _, h := range []struct {
			path string
			rt   roundTripper
		}{
			{"/varz", strictRoundTrip[Varz]()},
			{"/routez?subs=detail", strictRoundTrip[Routez]()},
			{"/routez?subs=1", strictRoundTrip[Routez]()},
			{"/gatewayz?accs=1&subs=detail", strictRoundTrip[Gatewayz]()},
			{"/gatewayz?acc_name=USERS&subs=1", strictRoundTrip[Gatewayz]()},
			{"/leafz?subs=1", strictRoundTrip[Leafz]()},
			{"/connz?auth=1&subs=1", strictRoundTrip[Connz]()},
			{"/subsz?subs=1", strictRoundTrip[Subsz]()},
			{"/accstatz", strictRoundTrip[AccountStatz]()},
		} {
			t.Run(h.path, func(t *testing.T) {
				checkGolden(t, golden{file: h.path, rt: h.rt, mode: exact}, httpGet(t, hub.httpURL+h.path))
			})
		}
	})
	t.Run("requests", func(t *testing.T) {
		for _, lr := range []liveRequest{
			{"$SYS.REQ.SERVER.%s.STATSZ", "", strictRoundTrip[ServerStatsMsg]()},
			{"$SYS.REQ.SERVER.%s.VARZ", "", strictRoundTrip[VarzResponse]()},
			{"$SYS.REQ.SERVER.%s.ROUTEZ", `{"subscriptions_detail":true}`, strictRoundTrip[RoutezResponse]()},
			{"$SYS.REQ.SERVER.%s.GATEWAYZ", `{"accounts":true,"subscriptions_detail":true}`, strictRoundTrip[GatewayzResponse]()},
			{"$SYS.REQ.SERVER.%s.LEAFZ", `{"subscriptions":true}`, strictRoundTrip[LeafzResponse]()},
			{"$SYS.REQ.SERVER.%s.CONNZ", `{"auth":true,"subscriptions_detail":true}`, strictRoundTrip[ConnzResponse]()},
			{"$SYS.REQ.ACCOUNT.USERS.LEAFZ", `{"subscriptions":true}`, strictRoundTrip[LeafzResponse]()},
			{"$SYS.REQ.ACCOUNT.USERS.CONNS", "", strictRoundTrip[AccountNumConns]()},
		} {
			subject := fmt.Sprintf(lr.subject, hub.serverID)
			if !strings.Contains(lr.subject, "%s") {
				subject = lr.subject
			}
			t.Run(subject, func(t *testing.T) {
				msg, err := admin.Request(subject, []byte(lr.body), 5*time.Second)
				if err != nil {
					t.Fatalf("request: %v", err)
				}
				checkGolden(t, golden{file: subject, rt: lr.rt, mode: exact}, msg.Data)
			})
		}
	})
	t.Run("leafnode connect event", func(t *testing.T) {
		select {
		case m := <-events:
			checkGolden(t, golden{file: m.Subject, rt: strictRoundTrip[AccountNumConnsReq](), mode: exact}, m.Data)
		case <-time.After(10 * time.Second):
			t.Fatal("no LEAFNODE.CONNECT event")
		}
	})
}
