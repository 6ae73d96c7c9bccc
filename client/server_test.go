package client

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/natsys/natsys/client/internal/servertest"
)

// The server under test is chosen by servertest.Binary: NATSYS_TEST_SERVER
// when set (make unit's second pass points it at natsys's bin/nats-server),
// else the reference nats-server. Tests skip, saying why, when none exists.

// serverBinary returns the path of the server under test or skips t.
func serverBinary(t testing.TB) string {
	t.Helper()
	return servertest.Binary(t)
}

// requireFeature skips t when the server under test does not implement f
// yet (natsys refuses its configuration key as not supported).
func requireFeature(t testing.TB, f servertest.Feature) {
	t.Helper()
	servertest.RequireFeature(t, serverBinary(t), f)
}

// freePort returns a 127.0.0.1 TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

var listenRE = regexp.MustCompile(`(?m)^\s*listen\s*[:=]\s*"?[0-9.]+:(\d+)"?\s*$`)

// startServer starts the server under test with conf (nats-server config
// syntax). Without a "listen: 127.0.0.1:<port>" line in conf it listens on
// a free 127.0.0.1 port. It returns the nats:// URL and a stop function
// (idempotent, also run at cleanup). Stop waits until the process exited,
// so the same conf can be started again on the same port.
func startServer(t testing.TB, conf string) (string, func()) {
	t.Helper()
	bin := serverBinary(t)
	var port int
	if m := listenRE.FindStringSubmatch(conf); m != nil {
		port, _ = strconv.Atoi(m[1])
	} else {
		port = freePort(t)
		conf = fmt.Sprintf("listen: 127.0.0.1:%d\n", port) + conf
	}
	dir := t.TempDir()
	confPath := filepath.Join(dir, "server.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatalf("write config: %v", err)
	}
	logf, err := os.CreateTemp(dir, "server-*.log")
	if err != nil {
		t.Fatalf("server log: %v", err)
	}
	cmd := exec.Command(bin, "-c", confPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited); logf.Close() }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	t.Cleanup(stop)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("server exited at start; config:\n%s\nlog:\n%s", conf, log)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(logf.Name())
			t.Fatalf("server did not listen on %s; log:\n%s", addr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "nats://" + addr, stop
}

// writeFile writes data to name in a fresh temp dir and returns the path.
func writeFile(t testing.TB, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// confQuote quotes a path for a config file.
func confQuote(s string) string { return strconv.Quote(strings.ReplaceAll(s, `\`, `/`)) }
