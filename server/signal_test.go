package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// buildServer builds cmd/nats-server into a temporary directory, once per
// test binary run.
var buildServer = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "natsys-cmd-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "nats-server")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/nats-server").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// serverProc is a nats-server process started by a test.
type serverProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	dir    string
	done   chan struct{}
	err    error
}

// startServerProc runs the built binary with args in dir and waits until
// it is ready (or has exited).
func startServerProc(t *testing.T, dir string, args ...string) *serverProc {
	t.Helper()
	bin, err := buildServer()
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}, dir: dir, done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	p.waitLog(t, "Server is ready")
	return p
}

// waitLog waits until stderr contains s.
func (p *serverProc) waitLog(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.stderr.String(), s) {
		select {
		case <-p.done:
			if strings.Contains(p.stderr.String(), s) {
				return
			}
			t.Fatalf("server exited (%v) before logging %q:\n%s", p.err, s, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log within 10s:\n%s", s, p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *serverProc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *serverProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not exit:\n%s", p.stderr.String())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// clientAddr returns the address from "Listening for client connections on".
func (p *serverProc) clientAddr(t *testing.T) string {
	t.Helper()
	const marker = "Listening for client connections on "
	log := p.stderr.String()
	i := strings.Index(log, marker)
	if i < 0 {
		t.Fatal("no listen line")
	}
	return strings.Fields(log[i+len(marker):])[0]
}

// TestCommandEndToEnd builds the binary and drives one server through
// reload, log re-open, --signal and SIGTERM, checking the pid and ports
// files.
func TestCommandEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "s.conf")
	write := func(content string) {
		if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("port: -1\nhost: 127.0.0.1\n")
	p := startServerProc(t, dir, "-c", "s.conf", "-P", "s.pid", "--ports_file_dir", dir, "--user", "u", "--pass", "p")
	pid := p.cmd.Process.Pid

	pidData, err := os.ReadFile(filepath.Join(dir, "s.pid"))
	if err != nil || string(pidData) != strconv.Itoa(pid) {
		t.Fatalf("pid file %q (%v), want %d without newline", pidData, err, pid)
	}
	portsFile := filepath.Join(dir, fmt.Sprintf("nats-server_%d.ports", pid))
	var ports Ports
	waitFor(t, func() bool {
		data, err := os.ReadFile(portsFile)
		return err == nil && json.Unmarshal(data, &ports) == nil
	})
	if want := []string{"nats://" + p.clientAddr(t)}; len(ports.Nats) != 1 || ports.Nats[0] != want[0] {
		t.Fatalf("ports %+v, want nats %v", ports, want)
	}

	// The flags keep overriding the file: the user stays u/p.
	write("port: -1\nhost: 127.0.0.1\ndebug: true\nmax_payload: 2MB\nauthorization { user: a, password: b }\n")
	p.signal(t, syscall.SIGHUP)
	p.waitLog(t, "Reloaded server configuration (sha256:")
	log := p.stderr.String()
	for _, want := range []string{`[INF] Trapped "hangup" signal`, "[INF] Reloaded: debug = true",
		"[INF] Reloaded: authorization users", "[INF] Reloaded: accounts", "[INF] Reloaded: max_payload = 2097152"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if strings.Contains(log, "Reloaded: authorization username") {
		t.Error("reload applied the file's user over --user")
	}
	nc, err := net.Dial("tcp", p.clientAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	info := make([]byte, 4096)
	n, _ := nc.Read(info)
	if !strings.Contains(string(info[:n]), `"max_payload":2097152`) {
		t.Errorf("INFO after reload: %s", info[:n])
	}

	// A refused reload keeps the server running.
	write("port: 4\nhost: 127.0.0.1\n")
	p.signal(t, syscall.SIGHUP)
	p.waitLog(t, "[ERR] Failed to reload server configuration: config reload not supported for Port: old=")

	// --signal with the pid file, through the binary.
	bin, _ := buildServer()
	if out, err := exec.Command(bin, "--signal", "reopen="+filepath.Join(dir, "s.pid")).CombinedOutput(); err != nil {
		t.Fatalf("--signal reopen: %v %s", err, out)
	}
	p.waitLog(t, `[INF] Trapped "user defined signal 1" signal`)
	p.waitLog(t, "[INF] File log re-open ignored, not a file logger")

	p.signal(t, syscall.SIGTERM)
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	log = p.stderr.String()
	for _, want := range []string{`[INF] Trapped "terminated" signal`, "[INF] Initiating Shutdown...", "[INF] Server Exiting.."} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if _, err := os.Stat(portsFile); !os.IsNotExist(err) {
		t.Errorf("ports file still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.pid")); err != nil {
		t.Errorf("pid file removed: %v", err)
	}
}

// TestCommandSignals covers SIGINT, a reload without -c, log re-open with a
// log file, and lame duck mode ignoring SIGTERM.
func TestCommandSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Run("interrupt", func(t *testing.T) {
		p := startServerProc(t, t.TempDir(), "-p", "-1", "-a", "127.0.0.1", "-T=false")
		p.signal(t, syscall.SIGHUP)
		p.waitLog(t, "[ERR] Failed to reload server configuration: can only reload config when a file is provided using -c or --config")
		p.signal(t, syscall.SIGINT)
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit code %d", code)
		}
		log := p.stderr.String()
		if !strings.Contains(log, "] [INF] Trapped \"interrupt\" signal\n") || !strings.Contains(log, "] [INF] Server Exiting..") {
			t.Errorf("log:\n%s", log)
		}
	})
	t.Run("reopen log file", func(t *testing.T) {
		dir := t.TempDir()
		bin, err := buildServer()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-p", "-1", "-a", "127.0.0.1", "-l", "s.log")
		cmd.Dir = dir
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		logText := func() string { b, _ := os.ReadFile(filepath.Join(dir, "s.log")); return string(b) }
		waitFor(t, func() bool { return strings.Contains(logText(), "Server is ready") })
		if err := os.Rename(filepath.Join(dir, "s.log"), filepath.Join(dir, "s.log.1")); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Process.Signal(syscall.SIGUSR1)
		waitFor(t, func() bool { return strings.Contains(logText(), "File log re-opened") })
		_ = cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("exit: %v", err)
		}
		if stderr.String() != "" {
			t.Errorf("stderr with a log file: %q", stderr.String())
		}
	})
	t.Run("lame duck ignores SIGTERM", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "l.conf"), []byte("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"20s\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		p := startServerProc(t, dir, "-c", "l.conf", "-p", "-1", "-a", "127.0.0.1")
		nc, err := net.Dial("tcp", p.clientAddr(t))
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		if _, err := nc.Write([]byte("CONNECT {}\r\nPING\r\n")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		if _, err := nc.Read(buf); err != nil {
			t.Fatal(err)
		}
		p.signal(t, syscall.SIGUSR2)
		p.waitLog(t, "Entering lame duck mode, stop accepting new clients")
		p.signal(t, syscall.SIGTERM)
		p.waitLog(t, `Trapped "terminated" signal`)
		select {
		case <-p.done:
			t.Fatalf("SIGTERM stopped a server in lame duck mode:\n%s", p.stderr.String())
		case <-time.After(300 * time.Millisecond):
		}
		p.signal(t, syscall.SIGINT)
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit code %d", code)
		}
	})
}

func TestListenURLs(t *testing.T) {
	got := listenURLs("nats", &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 4222})
	if len(got) != 1 || got[0] != "nats://127.0.0.1:4222" {
		t.Errorf("loopback: %v", got)
	}
	got = listenURLs("http", &net.TCPAddr{IP: net.ParseIP("::1"), Port: 8222})
	if len(got) != 1 || got[0] != "http://[::1]:8222" {
		t.Errorf("ipv6: %v", got)
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	got = listenURLs("nats", &net.TCPAddr{IP: net.IPv4zero, Port: 4222})
	if len(got) != len(addrs) || !slices.Contains(got, "nats://127.0.0.1:4222") {
		t.Errorf("0.0.0.0: %v for %v", got, addrs)
	}
	if got := listenURLs("nats", nil); got != nil {
		t.Errorf("nil address: %v", got)
	}
}
