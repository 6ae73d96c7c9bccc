package sys

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/natsys/natsys/client/internal/servertest"
	"github.com/natsys/natsys/client/sysapi"
)

// TestCluster fans requests out over a two-server cluster joined by routes
// and checks that the server count comes from STATSZ active_servers.
func TestCluster(t *testing.T) {
	requireFeature(t, servertest.Cluster)
	pa, pb := freePort(t), freePort(t)
	route := "cluster { name: c1, listen: 127.0.0.1:%d, routes: [\"nats://127.0.0.1:%d\"] }"
	a := startServer(t, "sys-ca", fmt.Sprintf(route, pa, pb))
	b := startServer(t, "sys-cb", fmt.Sprintf(route, pb, pa))
	nc := admin(t, a)

	// Wait until both servers answer through the route.
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := Ping(context.Background(), nc, Expect(2), Timeout(500*time.Millisecond))
		if err == nil && len(res.Replies) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster did not form: %v", err)
		}
	}

	t.Run("PingActiveServers", func(t *testing.T) {
		start := time.Now()
		res, err := Ping(testCtx(t, 5*time.Second), nc)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Replies) != 2 || res.Expected != 2 || !res.Complete() || res.TimedOut {
			t.Fatalf("replies %d expected %d timedOut %v", len(res.Replies), res.Expected, res.TimedOut)
		}
		for _, r := range res.Replies {
			if r.Data.ActiveServers != 2 {
				t.Errorf("%s: active_servers %d", r.Server.Name, r.Data.ActiveServers)
			}
		}
		if el := time.Since(start); el >= DefaultGap {
			t.Errorf("ping took %v; the count should end it before the gap", el)
		}
	})

	t.Run("VarzFanout", func(t *testing.T) {
		res, err := Varz(testCtx(t, 5*time.Second), nc, All(), sysapi.VarzOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Replies) != 2 || res.Expected != 2 || res.TimedOut {
			t.Fatalf("replies %d expected %d timedOut %v", len(res.Replies), res.Expected, res.TimedOut)
		}
		var names []string
		for _, r := range res.Replies {
			if !r.OK() || r.Data.Name != r.Server.Name || r.Encoding != "snappy" {
				t.Errorf("reply %+v", r)
			}
			names = append(names, r.Data.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{a.Name, b.Name}) {
			t.Errorf("names %v", names)
		}
		if res.Find(b.Name) == nil {
			t.Errorf("Find(%q) = nil", b.Name)
		}
	})

	t.Run("RemoteServerByName", func(t *testing.T) {
		res, err := Routez(testCtx(t, 5*time.Second), nc, Server(b.Name), sysapi.RoutezOptions{})
		r := only(t, res, err)
		if r.Server.Name != b.Name || r.Data.NumRoutes < 1 {
			t.Errorf("routez of %s: server %s routes %d", b.Name, r.Server.Name, r.Data.NumRoutes)
		}
	})

	t.Run("NamedSet", func(t *testing.T) {
		res, err := Healthz(testCtx(t, 5*time.Second), nc, Servers(a.Name, b.Name, "sys-cc"), sysapi.HealthzOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Replies) != 2 || !slices.Equal(res.Missing, []string{"sys-cc"}) || res.MissingCount != 1 {
			t.Errorf("replies %d missing %v", len(res.Replies), res.Missing)
		}
	})

	t.Run("FilterOneServer", func(t *testing.T) {
		res, err := Connz(testCtx(t, 5*time.Second), nc, All(), sysapi.ConnzOptions{},
			Filter(sysapi.EventFilterOptions{Name: b.Name, ExactMatch: true}))
		if r := only(t, res, err); r.Server.Name != b.Name {
			t.Errorf("filtered reply from %s", r.Server.Name)
		}
	})

	t.Run("AccountInfoEveryServer", func(t *testing.T) {
		res, err := AccountInfo(testCtx(t, 5*time.Second), nc, "USERS")
		if err != nil || len(res.Replies) != 2 || res.Expected != 2 {
			t.Errorf("account info: %v, %d replies, expected %d", err, len(res.Replies), res.Expected)
		}
	})
}
