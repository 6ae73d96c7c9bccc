package server

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
)

// exitCodeError is an error with an exit code, like *exec.ExitError.
type exitCodeError int

func (e exitCodeError) Error() string { return "exit status" }
func (e exitCodeError) ExitCode() int { return int(e) }

type sentSignal struct {
	pid int
	sig syscall.Signal
}

func TestSendSignal(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "s.pid")
	if err := os.WriteFile(pidFile, []byte("4242"), 0o600); err != nil {
		t.Fatal(err)
	}
	badPidFile := filepath.Join(dir, "bad.pid")
	if err := os.WriteFile(badPidFile, []byte("12x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pgrepOne := func(string) ([]byte, error) { return []byte("77\n"), nil }
	pgrepTwo := func(string) ([]byte, error) { return []byte("77\n78\n"), nil }
	pgrepSelf := func(string) ([]byte, error) { return []byte("77\n1000\n"), nil }
	pgrepNone := func(string) ([]byte, error) { return nil, exitCodeError(1) }
	pgrepBroken := func(string) ([]byte, error) { return nil, exitCodeError(2) }
	pgrepMissing := func(string) ([]byte, error) { return nil, exec.ErrNotFound }
	pgrepMany := func(string) ([]byte, error) { return []byte("120\n125\n130\n"), nil }

	tests := []struct {
		name    string
		arg     string
		pgrep   func(string) ([]byte, error)
		killErr error
		want    []sentSignal
		wantErr string
	}{
		{name: "stop", arg: "stop=12", want: []sentSignal{{12, syscall.SIGKILL}}},
		{name: "quit", arg: "quit=12", want: []sentSignal{{12, syscall.SIGINT}}},
		{name: "term", arg: "term=12", want: []sentSignal{{12, syscall.SIGTERM}}},
		{name: "reopen", arg: "reopen=12", want: []sentSignal{{12, syscall.SIGUSR1}}},
		{name: "reload", arg: "reload=12", want: []sentSignal{{12, syscall.SIGHUP}}},
		{name: "ldm", arg: "ldm=12", want: []sentSignal{{12, syscall.SIGUSR2}}},
		{name: "pid file", arg: "reload=" + pidFile, want: []sentSignal{{4242, syscall.SIGHUP}}},
		{name: "bad pid file", arg: "quit=" + badPidFile, wantErr: "invalid pid: 12x"},
		{name: "unknown", arg: "bogus=1", wantErr: `unknown signal "bogus"`},
		{name: "empty command", arg: "=5", wantErr: `unknown signal ""`},
		{name: "bad pid", arg: "quit=abc", wantErr: "invalid pid: abc"},
		{name: "too many parts", arg: "quit=1=2", wantErr: "invalid signal parameters: [2]"},
		{name: "no such process", arg: "quit=99999999", killErr: syscall.ESRCH,
			want: []sentSignal{{99999999, syscall.SIGINT}}, wantErr: "\nsignal \"quit\" 99999999: no such process"},
		{name: "pgrep one", arg: "reload", pgrep: pgrepOne, want: []sentSignal{{77, syscall.SIGHUP}}},
		{name: "empty pid is pgrep", arg: "reload=", pgrep: pgrepOne, want: []sentSignal{{77, syscall.SIGHUP}}},
		{name: "pgrep skips self", arg: "reload", pgrep: pgrepSelf, want: []sentSignal{{77, syscall.SIGHUP}}},
		{name: "pgrep two", arg: "quit", pgrep: pgrepTwo, wantErr: "multiple nats-server processes running:\n77\n78"},
		{name: "pgrep none", arg: "quit", pgrep: pgrepNone, wantErr: "no nats-server processes running"},
		{name: "pgrep broken", arg: "quit", pgrep: pgrepBroken, wantErr: "unable to resolve pid, try providing one"},
		{name: "pgrep missing", arg: "quit", pgrep: pgrepMissing, wantErr: "unable to resolve pid, try providing one"},
		{name: "prefix", arg: "term=12*", pgrep: pgrepMany,
			want: []sentSignal{{120, syscall.SIGTERM}, {125, syscall.SIGTERM}}},
		{name: "prefix none", arg: "term=9*", pgrep: pgrepMany},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent []sentSignal
			s := &SignalSender{
				Self: 1000,
				Kill: func(pid int, sig syscall.Signal) error {
					sent = append(sent, sentSignal{pid, sig})
					return tc.killErr
				},
				Pgrep: tc.pgrep,
			}
			if s.Pgrep == nil {
				s.Pgrep = func(string) ([]byte, error) { return nil, errors.New("pgrep must not run") }
			}
			err := s.Send(tc.arg)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Send(%q) = %v", tc.arg, err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Fatalf("Send(%q) = %v, want %q", tc.arg, err, tc.wantErr)
			}
			if !slices.Equal(sent, tc.want) {
				t.Fatalf("sent %v, want %v", sent, tc.want)
			}
		})
	}
}

// TestSendSignalReal signals a child process through the real kill(2).
func TestSendSignalReal(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	pidFile := filepath.Join(t.TempDir(), "p.pid")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SendSignal("term=" + pidFile); err != nil {
		t.Fatalf("SendSignal: %v", err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("wait: %v", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGTERM {
		t.Fatalf("child ended with %v, want SIGTERM", err)
	}
}
