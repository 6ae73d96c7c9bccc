package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildServer compiles our nats-server into dir.
func buildServer(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "nats-server")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/natsys/natsys/server/cmd/nats-server")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build nats-server: %v\n%s", err, out)
	}
	return bin
}

// freePort returns a port that was free a moment ago on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startSeedServer runs our nats-server with the README's seed configuration
// (docs/examples/sys.conf) on a free 127.0.0.1 port and stops it at cleanup.
func startSeedServer(t *testing.T, bin string) int {
	t.Helper()
	conf, err := filepath.Abs(filepath.Join("..", "..", "..", "docs", "examples", "sys.conf"))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(bin, "-c", conf, "-a", "127.0.0.1", "-p", fmt.Sprint(port))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Server is ready") {
				close(ready)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("nats-server did not report ready")
	}
	return port
}

// TestSeedCommands runs the seed's commands exactly as the README prints them
// (only the port differs) with the built binaries against
// `nats-server -c docs/examples/sys.conf`: the admin's `nats-sub ">"` sees the
// system events of user a's connection but not a's message, and a's
// subscriber receives it.
func TestSeedCommands(t *testing.T) {
	sub, pub := build(t)
	server := buildServer(t, filepath.Dir(sub))
	port := startSeedServer(t, server)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	adminOut := filepath.Join(dir, "admin.out")
	userOut := filepath.Join(dir, "user.out")

	admin := exec.CommandContext(ctx, "bash", "-c",
		fmt.Sprintf(`exec %s -s nats://admin:changeit@localhost:%d ">" > %s`, sub, port, adminOut))
	admin.Env = env(t)
	if err := admin.Start(); err != nil {
		t.Fatal(err)
	}
	// The server broadcasts STATSZ while anyone listens: the first one proves
	// the admin's subscription is in place before user a connects.
	waitFile(t, adminOut, "Received on")
	user := exec.CommandContext(ctx, "bash", "-c",
		fmt.Sprintf(`exec %s -s nats://a:a@localhost:%d --count 1 --timeout 20s foo > %s`, sub, port, userOut))
	user.Env = env(t)
	if err := user.Start(); err != nil {
		t.Fatal(err)
	}
	waitFile(t, adminOut, `Received on "$SYS.ACCOUNT.USERS.CONNECT"`) // the user's subscriber is connected

	code, out, errs := bash(t, ctx, fmt.Sprintf(`%s -s "nats://a:a@localhost:%d" foo bar`, pub, port))
	if code != 0 || out != "" {
		t.Fatalf("nats-pub: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if err := user.Wait(); err != nil {
		t.Fatalf("user nats-sub: %v", err)
	}
	got, err := os.ReadFile(userOut)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `Received on "foo"`) || !strings.Contains(string(got), "\nbar\n") {
		t.Errorf("user a's nats-sub printed %q, want the message bar on foo", got)
	}
	// A wrong password is refused (exit 5) and shows up as AUTH.ERR.
	if code, _, _ := bash(t, ctx, fmt.Sprintf(`%s -s "nats://a:wrong@localhost:%d" foo bar`, pub, port)); code != 5 {
		t.Errorf("wrong password: exit %d, want 5", code)
	}
	waitFile(t, adminOut, ".CLIENT.AUTH.ERR")
	waitFile(t, adminOut, `Received on "$SYS.ACCOUNT.USERS.DISCONNECT"`)

	_ = admin.Process.Signal(os.Interrupt)
	if err := admin.Wait(); err != nil {
		t.Errorf("admin nats-sub after Ctrl-C: %v (open-ended subscription should exit 0)", err)
	}
	all, err := os.ReadFile(adminOut)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(all), `Received on "foo"`) {
		t.Errorf("the admin (account SYS) saw user a's message on foo:\n%s", all)
	}
}
