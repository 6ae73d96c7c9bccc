package server

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// signalCommands maps the --signal commands to the signal sent (config.md §4.2).
var signalCommands = map[string]syscall.Signal{
	"stop":   syscall.SIGKILL,
	"quit":   syscall.SIGINT,
	"term":   syscall.SIGTERM,
	"reopen": syscall.SIGUSR1,
	"reload": syscall.SIGHUP,
	"ldm":    syscall.SIGUSR2,
}

// processName is the name --signal looks for with pgrep when no PID is given.
const processName = "nats-server"

// Errors of --signal without a PID.
var (
	errNoServerRunning = errors.New("no nats-server processes running")
	errResolvePID      = errors.New("unable to resolve pid, try providing one")
)

// SignalSender sends a --signal command. Kill and Pgrep are replaceable for
// tests; the zero value uses syscall.Kill and the pgrep command.
type SignalSender struct {
	// Kill sends sig to pid.
	Kill func(pid int, sig syscall.Signal) error
	// Pgrep returns the output of "pgrep <name>" (one PID a line) and its
	// error; an error with an ExitCode() method returning 1 (as
	// *exec.ExitError has) and no output means "no process".
	Pgrep func(name string) ([]byte, error)
	// Self is the PID excluded from the pgrep result (0 = os.Getpid()).
	Self int
}

// SendSignal performs "--signal <arg>" where arg is "<command>[=<pid or pid
// file>]": it resolves the target PIDs and sends the command's signal to
// each. The error texts are the reference's.
func SendSignal(arg string) error { return (&SignalSender{}).Send(arg) }

// Send is SendSignal with s's hooks.
func (s *SignalSender) Send(arg string) error {
	parts := strings.Split(arg, "=")
	if len(parts) > 2 {
		return fmt.Errorf("invalid signal parameters: %v", parts[2:])
	}
	command := parts[0]
	sig, ok := signalCommands[command]
	if !ok {
		return fmt.Errorf("unknown signal %q", command)
	}
	target := ""
	if len(parts) == 2 {
		target = parts[1]
	}
	pids, err := s.resolve(target)
	if err != nil {
		return err
	}
	var msgs []string
	for _, pid := range pids {
		if err := s.kill(pid, sig); err != nil {
			msgs = append(msgs, fmt.Sprintf("signal %q %d: %v", command, pid, err))
		}
	}
	if len(msgs) > 0 {
		// The reference starts the list with a newline.
		return errors.New("\n" + strings.Join(msgs, "\n"))
	}
	return nil
}

func (s *SignalSender) kill(pid int, sig syscall.Signal) error {
	if s.Kill != nil {
		return s.Kill(pid, sig)
	}
	return syscall.Kill(pid, sig)
}

// resolve turns the part after "=" into PIDs: a PID file's content, a PID,
// a PID prefix ending in '*' (matched against the running servers), or,
// when empty, the one running server.
func (s *SignalSender) resolve(target string) ([]int, error) {
	if target == "" {
		pids, err := s.running()
		if err != nil {
			return nil, err
		}
		switch len(pids) {
		case 0:
			return nil, errNoServerRunning
		case 1:
			return pids, nil
		}
		var b strings.Builder
		b.WriteString("multiple nats-server processes running:")
		for _, p := range pids {
			fmt.Fprintf(&b, "\n%d", p)
		}
		return nil, errors.New(b.String())
	}
	if data, err := os.ReadFile(target); err == nil {
		target = strings.TrimSpace(string(data))
	}
	if prefix, ok := strings.CutSuffix(target, "*"); ok {
		pids, err := s.running()
		if err != nil {
			return nil, err
		}
		var out []int
		for _, p := range pids {
			if strings.HasPrefix(strconv.Itoa(p), prefix) {
				out = append(out, p)
			}
		}
		return out, nil
	}
	pid, err := strconv.Atoi(target)
	if err != nil {
		return nil, fmt.Errorf("invalid pid: %s", target)
	}
	return []int{pid}, nil
}

// running returns the PIDs of the processes named nats-server, except this
// one.
func (s *SignalSender) running() ([]int, error) {
	pgrep := s.Pgrep
	if pgrep == nil {
		pgrep = func(name string) ([]byte, error) { return exec.Command("pgrep", name).Output() }
	}
	out, err := pgrep(processName)
	if err != nil {
		var ee interface{ ExitCode() int }
		if errors.As(err, &ee) && ee.ExitCode() == 1 && len(bytes.TrimSpace(out)) == 0 {
			return nil, nil
		}
		return nil, errResolvePID
	}
	self := s.Self
	if self == 0 {
		self = os.Getpid()
	}
	var pids []int
	for _, f := range bytes.Fields(out) {
		p, err := strconv.Atoi(string(f))
		if err != nil {
			return nil, errResolvePID
		}
		if p != self {
			pids = append(pids, p)
		}
	}
	return pids, nil
}
