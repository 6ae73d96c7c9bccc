package server_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"

	"github.com/natsys/natsys/server/natstest"
)

// relMonitorLine is the banner line of the monitoring listener.
var relMonitorLine = regexp.MustCompile(`Starting http monitor on (\S+)`)

// relProc is a bin/nats-server subprocess started by a reliability test.
type relProc struct {
	cmd  *exec.Cmd
	out  *natstest.LogBuffer
	addr string // client host:port
	mon  string // monitoring host:port ("" when not listening)
}

// relStartBinary runs the server binary with args and waits until ready.
func relStartBinary(t *testing.T, args ...string) *relProc {
	t.Helper()
	bin, err := relServerBinary(t)
	if err != nil {
		t.Fatalf("building nats-server: %v", err)
	}
	p := &relProc{cmd: exec.Command(bin, args...), out: &natstest.LogBuffer{}}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(p.out.String(), "Server is ready"); {
		select {
		case <-exited:
			if strings.Contains(p.out.String(), "is not supported yet") {
				t.Skipf("this build does not support a flag yet: %s", p.out.String())
			}
			t.Fatalf("server exited:\n%s", p.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", p.out.String())
		}
	}
	p.addr = relListenAddr(t, p.out.String())
	if m := relMonitorLine.FindStringSubmatch(p.out.String()); m != nil {
		p.mon = strings.TrimPrefix(m[1], "http://")
	}
	return p
}

// relGet fetches a monitoring path; ok is false for a non-200 answer.
func relGet(t *testing.T, hostport, path string) (string, bool) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + hostport + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return string(b), resp.StatusCode == http.StatusOK
}

// relSysRequests sends each $SYS.REQ subject from a system account login
// and returns every reply received within a short wait.
func relSysRequests(t *testing.T, addr, connect string, subjects []string) string {
	t.Helper()
	c := natstest.Dial(t, addr)
	c.Send(connect + "SUB _INBOX.rel.> 1\r\nPING\r\n")
	c.Expect("PONG\r\n")
	var b strings.Builder
	for i, s := range subjects {
		b.WriteString("PUB " + s + " _INBOX.rel." + string(rune('a'+i)) + " 0\r\n\r\n")
	}
	c.Send(b.String())
	return c.ReadFor(time.Second)
}

// TestReliabilityNoSecretsInMonitoring: passwords from the config file and
// from the command line, and those clients logged in with, appear in no
// monitoring output: /varz, /connz with auth=true and
// closed connections, /accountz, /subsz, and the $SYS.REQ services when
// they answer (reliability.md test 39, GO-2026-4827).
func TestReliabilityNoSecretsInMonitoring(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte(relSecretBcrypt), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	kp, _ := nkeys.CreateUser()
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	conf := `accounts {
  A { users = [
    {user: plain, password: "` + relSecretPlain + `"}
    {user: hashed, password: "` + string(hash) + `"}
    {nkey: ` + pub + `}
  ] }
  $SYS { users = [{user: admin, password: "` + relSecretToken + `"}] }
}
`
	path := filepath.Join(t.TempDir(), "mon.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	runs := []struct {
		name    string
		args    []string
		logins  []string
		secrets []string
	}{
		{"config file", []string{"-c", path}, []string{
			`"user":"plain","pass":"` + relSecretPlain + `"`,
			`"user":"hashed","pass":"` + relSecretBcrypt + `"`,
			`"user":"plain","pass":"` + relSecretWrong + `"`,
		}, []string{relSecretPlain, relSecretBcrypt, relSecretWrong, relSecretToken, string(seed)}},
		{"command line", []string{"--user", "cli", "--pass", relSecretCmdline}, []string{
			`"user":"cli","pass":"` + relSecretCmdline + `"`,
			`"user":"cli","pass":"` + relSecretWrong + `"`,
		}, []string{relSecretCmdline, relSecretWrong}},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			p := relStartBinary(t, append([]string{"-a", "127.0.0.1", "-p", "-1", "-m", "-1"}, run.args...)...)
			if p.mon == "" {
				t.Skipf("no HTTP monitoring listener in this build (log: %s)", p.out.String())
			}
			for i, l := range run.logins {
				c := natstest.Dial(t, p.addr)
				c.Send("CONNECT {\"verbose\":false," + l + "}\r\nSUB some.subject 1\r\nPING\r\n")
				c.ReadFor(200 * time.Millisecond)
				if i > 0 { // the first stays open for /connz
					c.Close()
				}
			}
			all := relMonitorOutput(t, p)
			if run.name == "config file" {
				replies := relSysRequests(t, p.addr, `CONNECT {"verbose":false,"user":"admin","pass":"`+relSecretToken+`"}`+"\r\n",
					[]string{"$SYS.REQ.SERVER.PING.VARZ", "$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.SERVER.PING.ACCOUNTZ",
						"$SYS.REQ.ACCOUNT.A.CONNZ", "$SYS.REQ.SERVER.PING.SUBSZ"})
				t.Logf("%d $SYS.REQ replies checked", strings.Count(replies, "MSG "))
				all += replies
			}
			// Positive control: the output does name the logged-in user.
			if user := strings.Split(run.logins[0], `"`)[3]; !strings.Contains(all, `"`+user+`"`) {
				t.Errorf("monitoring output never names user %q: the check would prove nothing", user)
			}
			for _, secret := range run.secrets {
				if i := strings.Index(all, secret); i >= 0 {
					t.Errorf("secret %q in monitoring output: ...%s...", secret, all[max(0, i-200):min(len(all), i+50)])
				}
			}
		})
	}
}

// relMonitorOutput concatenates the answers of every HTTP monitoring
// endpoint that shows connections, users or accounts.
func relMonitorOutput(t *testing.T, p *relProc) string {
	t.Helper()
	var all strings.Builder
	served := 0
	for _, path := range []string{"/varz", "/connz?auth=true&subs=detail", "/connz?state=closed&auth=true",
		"/connz?state=all&auth=true&subs=detail", "/accountz", "/accountz?acc=A", "/accstatz?unused=1",
		"/subsz?subs=1", "/healthz"} {
		body, ok := relGet(t, p.mon, path)
		if ok {
			served++
		}
		all.WriteString(body)
	}
	if served == 0 {
		t.Fatalf("no monitoring endpoint answered 200")
	}
	return all.String()
}
