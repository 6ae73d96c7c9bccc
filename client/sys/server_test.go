package sys

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/internal/servertest"
)

// seedConfig is docs/examples/sys.conf: account USERS (user a/a) and the
// system account SYS (user admin/changeit).
const seedConfig = `
accounts: {
  USERS: { users: [ {user: a, password: a} ] },
  SYS:   { users: [ {user: admin, password: changeit} ] },
}
system_account: SYS
`

// testServer is a server process started for a test.
type testServer struct {
	Name string
	Host string
	Port int
}

// URL returns the client URL with the given credentials.
func (s *testServer) URL(user, pass string) string {
	return fmt.Sprintf("nats://%s:%s@%s:%d", user, pass, s.Host, s.Port)
}

// serverBinary returns the server under test (servertest.Binary):
// NATSYS_TEST_SERVER when set (make unit's second pass points it at natsys's
// bin/nats-server), else the reference nats-server (NATSYS_REF_SERVER,
// default $HOME/.cache/natsys/ref/nats-server).
func serverBinary(t *testing.T) string {
	t.Helper()
	return servertest.Binary(t)
}

// requireFeature skips t when the server under test does not implement f
// yet (natsys refuses its configuration key as not supported).
func requireFeature(t *testing.T, f servertest.Feature) {
	t.Helper()
	servertest.RequireFeature(t, serverBinary(t), f)
}

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

// startServer starts a server named name with the seed configuration plus
// extra (more config text, e.g. a cluster block).
func startServer(t *testing.T, name, extra string) *testServer {
	t.Helper()
	return startServerConfig(t, name, seedConfig+"\n"+extra)
}

// startServerConfig starts a server named name with config on a free
// 127.0.0.1 port, waits until it accepts clients and stops it when the test
// ends. It is the only place tests start servers.
func startServerConfig(t *testing.T, name, config string) *testServer {
	t.Helper()
	bin := serverBinary(t)
	s := &testServer{Name: name, Host: "127.0.0.1", Port: freePort(t)}
	conf := fmt.Sprintf("server_name: %s\nlisten: %s:%d\n%s\n", name, s.Host, s.Port, config)
	path := filepath.Join(t.TempDir(), name+".conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cmd := exec.Command(bin, "-c", path)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("%s:%d", s.Host, s.Port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s
		}
		select {
		case <-exited:
			t.Fatalf("server %s exited during startup:\n%s", name, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server %s did not listen on port %d", name, s.Port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// connect connects to s as user and closes the connection at the end.
func connect(t *testing.T, s *testServer, user, pass string, opts ...client.Option) *client.Conn {
	t.Helper()
	nc, err := client.Connect(s.URL(user, pass), append([]client.Option{client.NoReconnect()}, opts...)...)
	if err != nil {
		t.Fatalf("connect %s to %s: %v", user, s.Name, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// admin connects as the system user.
func admin(t *testing.T, s *testServer) *client.Conn {
	t.Helper()
	return connect(t, s, "admin", "changeit", client.Name("sys-test-admin"))
}

// testCtx returns a context that ends with the test or after d.
func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
