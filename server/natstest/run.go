package natstest

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
)

// RunServer starts an in-process server from the config text conf (written
// to a file in a temp dir and read with server.ProcessConfigFile; warnings
// are logged) on 127.0.0.1 with a random port, and shuts it down in
// t.Cleanup.
func RunServer(t testing.TB, conf string) *server.Server {
	t.Helper()
	return RunServerLog(t, LoadConfig(t, conf), logOutput())
}

// LoadConfig parses the config text conf into Options, failing the test on
// errors (warnings are logged).
func LoadConfig(t testing.TB, conf string) *server.Options {
	t.Helper()
	path := filepath.Join(t.TempDir(), "natstest.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatalf("natstest: %v", err)
	}
	o, err := server.ProcessConfigFile(path)
	if err != nil {
		var ce *server.ConfigErrors
		if o == nil || !errors.As(err, &ce) || ce.HasErrors() {
			t.Fatalf("natstest: config: %v", err)
		}
		t.Logf("natstest: config warnings: %v", err)
	}
	return o
}

// RunServerOpts starts an in-process server from opts on 127.0.0.1 with a
// random port and shuts it down in t.Cleanup. opts may be nil (defaults).
// Logs go nowhere unless NATSYS_TEST_LOG is set.
func RunServerOpts(t testing.TB, opts *server.Options) *server.Server {
	t.Helper()
	return RunServerLog(t, opts, logOutput())
}

// RunServerLog is RunServerOpts with the server's log written to w.
func RunServerLog(t testing.TB, opts *server.Options, w io.Writer) *server.Server {
	t.Helper()
	if opts == nil {
		opts = server.DefaultOptions()
	}
	o := *opts
	o.Host = "127.0.0.1"
	o.Port = server.RandomPort
	s, err := server.New(&o)
	if err != nil {
		t.Fatalf("natstest: new server: %v", err)
	}
	s.Logger().SetOutput(w)
	if err := s.Start(); err != nil {
		t.Fatalf("natstest: start server: %v", err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

// DefaultRefServer is where the reference nats-server is looked for when
// NATSYS_REF_SERVER is not set (relative to $HOME).
const DefaultRefServer = ".cache/natsys/ref/nats-server"

// RefServerPath returns the reference binary's path and whether it exists.
func RefServerPath() (string, bool) {
	p := os.Getenv("NATSYS_REF_SERVER")
	if p == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", false
		}
		p = filepath.Join(home, DefaultRefServer)
	}
	st, err := os.Stat(p)
	return p, err == nil && !st.IsDir()
}

// Reference is a running reference nats-server.
type Reference struct {
	cmd  *exec.Cmd
	addr string
	// Log collects the reference's stderr.
	log *LogBuffer
}

// ClientURL returns "nats://127.0.0.1:port".
func (r *Reference) ClientURL() string { return "nats://" + r.addr }

// Addr returns "127.0.0.1:port".
func (r *Reference) Addr() string { return r.addr }

// LogText returns what the reference logged so far.
func (r *Reference) LogText() string { return r.log.String() }

var listenLine = regexp.MustCompile(`Listening for client connections on (\S+)`)

// RunReference starts the reference nats-server (NATSYS_REF_SERVER, default
// $HOME/.cache/natsys/ref/nats-server) with the config text conf on
// 127.0.0.1 and a random port, waits until it is ready and stops it in
// t.Cleanup. It skips the test, with the reason logged, when the binary is
// missing.
func RunReference(t testing.TB, conf string) *Reference {
	t.Helper()
	bin, ok := RefServerPath()
	if !ok {
		t.Skipf("natstest: reference nats-server not found at %q (set NATSYS_REF_SERVER or run make ref)", bin)
	}
	dir := t.TempDir()
	args := []string{"-a", "127.0.0.1", "-p", "-1"}
	if strings.TrimSpace(conf) != "" {
		path := filepath.Join(dir, "ref.conf")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatalf("natstest: %v", err)
		}
		args = append(args, "-c", path)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatalf("natstest: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("natstest: start reference: %v", err)
	}
	r := &Reference{cmd: cmd, log: &LogBuffer{}}
	t.Cleanup(func() { r.stop() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var addr string
		for sc.Scan() {
			line := sc.Text()
			r.log.WriteString(line + "\n")
			if m := listenLine.FindStringSubmatch(line); m != nil {
				addr = m[1]
			}
			if strings.Contains(line, "Server is ready") {
				ready <- addr
			}
		}
		close(ready)
	}()
	select {
	case addr, ok := <-ready:
		if !ok || addr == "" {
			t.Fatalf("natstest: reference did not start:\n%s", r.LogText())
		}
		r.addr = addr
	case <-time.After(10 * time.Second):
		t.Fatalf("natstest: reference not ready after 10s:\n%s", r.LogText())
	}
	return r
}

func (r *Reference) stop() {
	if r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = r.cmd.Process.Kill()
		<-done
	}
}

// LogBuffer collects log output; safe for concurrent use.
type LogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// WriteString appends s.
func (l *LogBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// WaitFor waits up to d until the log contains sub; it reports whether it did.
func (l *LogBuffer) WaitFor(sub string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if strings.Contains(l.String(), sub) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}
