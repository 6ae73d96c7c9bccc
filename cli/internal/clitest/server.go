// Package clitest runs CLI commands in-process with fake streams against a
// real NATS server. The server under test comes from one place, StartServer,
// so the same tests run against the reference nats-server (default) and
// against natsys's own server (NATSYS_CLI_TEST_SERVER=/path/to/nats-server).
package clitest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running nats-server process.
type Server struct {
	// URL is nats://127.0.0.1:PORT.
	URL string
	// Port is the client port.
	Port int
	// Binary is the executable that runs.
	Binary string

	conf   string
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan error
	mu     sync.Mutex
}

// ServerBinary returns the nats-server to test against: env
// NATSYS_CLI_TEST_SERVER (e.g. natsys's bin/nats-server), else the reference
// NATSYS_REF_SERVER, else $HOME/.cache/natsys/ref/nats-server. ok is false
// (with the reason) when the file does not exist.
func ServerBinary() (path, reason string, ok bool) {
	path = os.Getenv("NATSYS_CLI_TEST_SERVER")
	if path == "" {
		path = os.Getenv("NATSYS_REF_SERVER")
	}
	if path == "" {
		path = filepath.Join(os.Getenv("HOME"), ".cache", "natsys", "ref", "nats-server")
	}
	if _, err := os.Stat(path); err != nil {
		return path, fmt.Sprintf("nats-server not found at %s (set NATSYS_REF_SERVER or NATSYS_CLI_TEST_SERVER; `make ref` installs it): %v", path, err), false
	}
	return path, "", true
}

// StartServer starts a server on a free 127.0.0.1 port with the given
// configuration text (without listen/port, which StartServer adds) and stops
// it when the test ends. It skips the test when no server binary exists.
func StartServer(t testing.TB, conf string) *Server {
	t.Helper()
	bin, reason, ok := ServerBinary()
	if !ok {
		t.Skip(reason)
	}
	var lastErr error
	for range startAttempts {
		s, err := start(t, bin, conf)
		if err == nil {
			t.Logf("server %s listening on %s", bin, s.URL)
			return s
		}
		lastErr = err
	}
	t.Fatalf("starting %s: %v", bin, lastErr)
	return nil
}

func start(t testing.TB, bin, conf string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "server.conf")
	text := fmt.Sprintf("listen: 127.0.0.1:%d\n%s\n", port, conf)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		return nil, err
	}
	s := &Server{URL: "nats://127.0.0.1:" + strconv.Itoa(port), Port: port, Binary: bin, conf: cfg, log: &lockedBuffer{}}
	t.Cleanup(s.Stop)
	if err := s.run(); err != nil {
		return nil, err
	}
	return s, nil
}

// run starts the process and waits until it accepts connections.
func (s *Server) run() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cmd = exec.Command(s.Binary, "-c", s.conf)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	s.exited = exited
	go func(cmd *exec.Cmd) { exited <- cmd.Wait() }(s.cmd)
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("server exited: %v\n%s", err, s.log.String())
		default:
		}
		c, err := net.DialTimeout("tcp", s.addr(), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %s:\n%s", startTimeout, s.log.String())
}

// Restart stops the server and starts it again on the same port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.run(); err != nil {
		t.Fatalf("restarting %s: %v", s.Binary, err)
	}
}

func (s *Server) addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// Stop kills the process and waits for it (a no-op when stopped).
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Log returns what the server printed so far.
func (s *Server) Log() string { return s.log.String() }

// URLWithUser returns the URL with user:password@ userinfo.
func (s *Server) URLWithUser(user, pass string) string {
	return strings.Replace(s.URL, "nats://", "nats://"+user+":"+pass+"@", 1)
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// FreePort returns a port on 127.0.0.1 where nothing listens (for
// cannot-connect tests).
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
