package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/record"
)

// bins holds the binaries built once for all tests.
var bins struct {
	once sync.Once
	dir  string
	err  error
}

// build compiles nats-sub and nats-pub into a temporary folder.
func build(t *testing.T) (sub, pub string) {
	t.Helper()
	bins.once.Do(func() {
		dir, err := os.MkdirTemp("", "natsys-cli-e2e")
		if err != nil {
			bins.err = err
			return
		}
		bins.dir = dir
		for _, name := range []string{"nats-sub", "nats-pub"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), "./"+name)
			cmd.Dir = filepath.Join("..", "..")
			if out, err := cmd.CombinedOutput(); err != nil {
				bins.err = fmt.Errorf("go build %s: %v\n%s", name, err, out)
				return
			}
		}
	})
	if bins.err != nil {
		t.Fatal(bins.err)
	}
	return filepath.Join(bins.dir, "nats-sub"), filepath.Join(bins.dir, "nats-pub")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bins.dir != "" {
		os.RemoveAll(bins.dir)
	}
	os.Exit(code)
}

// env is a clean environment for the binaries (no user contexts, no colour
// overrides).
func env(t *testing.T) []string {
	dir := t.TempDir()
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CONFIG_HOME=" + dir}
}

// bash runs a pipeline under bash with pipefail and returns the exit
// status of the pipeline, stdout and stderr.
func bash(t *testing.T, ctx context.Context, script string) (int, string, string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -o pipefail; "+script)
	cmd.Env = env(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatalf("bash: %v", err)
	return 0, "", ""
}

// randomMessages returns n messages with random binary or text payloads,
// headers and replies, on subjects under prefix.
func randomMessages(r *rand.Rand, prefix string, n int) []*record.Message {
	var msgs []*record.Message
	for i := range n {
		m := &record.Message{Subject: fmt.Sprintf("%s.%d.%c", prefix, i, 'a'+r.IntN(26)), Data: make([]byte, r.IntN(2048))}
		for j := range m.Data {
			m.Data[j] = byte(r.IntN(256))
		}
		switch i % 4 {
		case 0:
			m.Data = []byte(fmt.Sprintf("utf-8 text ü %d\n{{ID}}", i))
		case 1:
			m.Data = nil
		}
		if r.IntN(2) == 0 {
			m.Reply = fmt.Sprintf("reply.%d", r.Int())
		}
		if r.IntN(2) == 0 {
			m.Headers = map[string][]string{"X-Rand": {fmt.Sprint(r.Int())}, "X-Multi": {"1", "2 two"}}
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// TestRoundTrip checks that `nats-sub --json | nats-pub --input json`
// republishes subject, reply, headers and bytes unchanged (cli.md 5.4). The
// subscriber reads server A, the publisher writes to server B, where a
// collector compares every message byte for byte.
func TestRoundTrip(t *testing.T) {
	sub, pub := build(t)
	a := clitest.StartServer(t, "")
	b := clitest.StartServer(t, "")
	const n = 300
	msgs := randomMessages(rand.New(rand.NewPCG(3, 5)), "rt", n)
	col := clitest.Collect(t, clitest.Connect(t, b.URL, "", ""), "rt.>")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	ready := filepath.Join(t.TempDir(), "ready")
	go func() {
		// nats-sub's status line goes to a file we poll to know it subscribed.
		script := fmt.Sprintf("%s -s %s --json --count %d 'rt.>' 2>%s | %s -s %s --input json",
			sub, a.URL, n, ready, pub, b.URL)
		code, out, errs := bash(t, ctx, script)
		done <- result{code, out, errs}
	}()
	waitFile(t, ready, "Subscribing on rt.>")
	clitest.Publish(t, clitest.Connect(t, a.URL, "", ""), msgs...)
	res := <-done
	if res.code != 0 {
		t.Fatalf("pipeline exit %d: %s", res.code, res.stderr)
	}
	got := col.Wait(t, n)
	for i, want := range msgs {
		g := got[i]
		if g.Subject != want.Subject || g.Reply != want.Reply || !bytes.Equal(g.Data, want.Data) ||
			!reflect.DeepEqual(g.Headers, want.Headers) {
			t.Fatalf("message %d differs:\n got %+v\nwant %+v", i, g, want)
		}
	}
	if !strings.Contains(res.stderr, fmt.Sprintf("Published %d messages", n)) {
		t.Errorf("nats-pub stderr: %q", res.stderr)
	}
}

func waitFile(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, _ := os.ReadFile(path)
	t.Fatalf("%s never contained %q: %q", path, want, b)
}

// TestClosedPipe: `nats-sub | head -1` ends quietly with exit 0 once head
// has gone (cli.md 4.1), instead of dying with SIGPIPE (141).
func TestClosedPipe(t *testing.T) {
	sub, _ := build(t)
	s := clitest.StartServer(t, "")
	pc := clitest.Connect(t, s.URL, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errFile := filepath.Join(t.TempDir(), "stderr")
	type result struct {
		code int
		out  string
	}
	done := make(chan result, 1)
	go func() {
		// PIPESTATUS[0] is nats-sub's own exit code.
		code, out, _ := bash(t, ctx, fmt.Sprintf("%s -s %s --raw pipe 2>%s | head -1; exit ${PIPESTATUS[0]}", sub, s.URL, errFile))
		done <- result{code, out}
	}()
	waitFile(t, errFile, "Subscribing on pipe")
	for i := 0; ; i++ {
		select {
		case res := <-done:
			if res.code != 0 || res.out != "line 0\n" {
				t.Errorf("exit %d stdout %q", res.code, res.out)
			}
			errs, _ := os.ReadFile(errFile)
			if strings.Contains(string(errs), "error") {
				t.Errorf("stderr has an error: %q", errs)
			}
			return
		default:
		}
		clitest.Publish(t, pc, &record.Message{Subject: "pipe", Data: []byte(fmt.Sprintf("line %d", i))})
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSignals: SIGINT ends an open-ended nats-sub with 0 and a --count run
// that is not complete with 130.
func TestSignals(t *testing.T) {
	sub, _ := build(t)
	s := clitest.StartServer(t, "")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"x"}, 0},
		{[]string{"x", "--count", "5"}, 130},
	} {
		cmd := exec.Command(sub, append([]string{"-s", s.URL}, tt.args...)...)
		cmd.Env = env(t)
		var errb syncBuffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(errb.String(), "Subscribing on") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d; stderr %q", tt.args, code, tt.code, errb.String())
		}
	}
}

// TestPipesAndVersions: piped output has no ESC bytes even with a forced
// colour terminal type, --version/-h print on stdout, and stdin is published
// byte for byte (echo 'a {{ID}}' | nats-pub s).
func TestPipesAndVersions(t *testing.T) {
	sub, pub := build(t)
	s := clitest.StartServer(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, bin := range []string{sub, pub} {
		code, out, errs := bash(t, ctx, bin+" --version")
		if code != 0 || !strings.HasPrefix(out, filepath.Base(bin)+" ") || errs != "" {
			t.Errorf("%s --version: %d %q %q", bin, code, out, errs)
		}
		code, out, _ = bash(t, ctx, bin+" -h")
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%s -h: %d %q", bin, code, out)
		}
		code, _, errs = bash(t, ctx, bin+" --no-such-flag")
		if code != 2 || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s bad flag: %d %q", bin, code, errs)
		}
	}
	col := clitest.Collect(t, clitest.Connect(t, s.URL, "", ""), "s")
	code, out, errs := bash(t, ctx, fmt.Sprintf("echo 'a {{ID}}' | NO_COLOR=1 TERM=xterm-256color %s -s %s s", pub, s.URL))
	if code != 0 || out != "" || bytes.ContainsRune([]byte(errs), 0x1b) {
		t.Errorf("pub: %d %q %q", code, out, errs)
	}
	if got := col.Wait(t, 1)[0].Data; string(got) != "a {{ID}}\n" {
		t.Errorf("published %q", got)
	}
	code, out, errs = bash(t, ctx, fmt.Sprintf("TERM=xterm-256color %s -s %s --request nobody x | cat", pub, s.URL))
	if code != 3 || !strings.Contains(errs, "no responders") || bytes.ContainsRune([]byte(out+errs), 0x1b) {
		t.Errorf("request: %d %q %q", code, out, errs)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestReplyTools: nats-sub --echo serves requests that nats-pub
// --request sends through a real pipe of processes.
func TestRequestReplyTools(t *testing.T) {
	sub, pub := build(t)
	s := clitest.StartServer(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ready := filepath.Join(t.TempDir(), "ready")
	svc := exec.CommandContext(ctx, sub, "-s", s.URL, "--echo", "--count", "3", "--quiet", "echo.svc")
	svc.Env = env(t)
	errf, err := os.Create(ready)
	if err != nil {
		t.Fatal(err)
	}
	defer errf.Close()
	svc.Stderr = errf
	// --quiet hides "Subscribing on": wait for the interest with a request.
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = svc.Process.Kill(); _ = svc.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, out, _ := bash(t, ctx, fmt.Sprintf("%s -s %s --request --raw -q echo.svc warmup", pub, s.URL))
		if code == 0 && out == "warmup\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("echo service never answered: exit %d %q", code, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	code, out, errs := bash(t, ctx, fmt.Sprintf("printf 'a\\nb\\n' | %s -s %s --request --json --stdin-mode line -H X:1 echo.svc | jq -r '.data + .headers.X[0]'", pub, s.URL))
	if _, err := exec.LookPath("jq"); err != nil {
		code, out, errs = bash(t, ctx, fmt.Sprintf("printf 'a\\nb\\n' | %s -s %s --request --format '{{.Data}}{{.Header \"X\"}}\\n' --stdin-mode line -H X:1 echo.svc", pub, s.URL))
	}
	if code != 0 || out != "a1\nb1\n" {
		t.Errorf("exit %d stdout %q stderr %q", code, out, errs)
	}
}
