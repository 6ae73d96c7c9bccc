package server_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// relAuthShape is one auth configuration and what it must lead to: refused at
// load, or which logins get in and in which account.
type relAuthShape struct {
	name string
	conf string
	// loads is false when the configuration must be refused.
	loads bool
	// anon is the account an anonymous CONNECT lands in ("" = refused).
	anon string
	// userOnly is the account a CONNECT {"user":"a"} without password
	// lands in ("" = refused).
	userOnly string
}

// relAuthShapes are the configuration shapes that could silently turn
// authentication off (CVE-2023-47090 and friends). Expected outcomes are
// nats-server v2.15.2's.
var relAuthShapes = []relAuthShape{
	{"no auth at all", "port: -1\n", true, "$G", "$G"},
	{"empty users array", "authorization { users = [] }\n", true, "$G", "$G"},
	{"empty authorization block", "authorization {}\n", true, "$G", "$G"},
	{"authorization timeout only", "authorization { timeout: 2 }\n", true, "$G", "$G"},
	{"user without password", "authorization { users = [{user: a}] }\n", true, "", "$G"},
	{"user with empty password", "authorization { users = [{user: a, password: \"\"}] }\n", true, "", "$G"},
	{"single user without password", "authorization { user: a }\n", true, "", "$G"},
	{"password without user", "authorization { password: x }\n", true, "$G", "$G"},
	{"empty token", "authorization { token: \"\" }\n", true, "$G", "$G"},
	{"user entry without a name", "authorization { users = [{password: p}] }\n", false, "", ""},
	{"no_auth_user pointing to nothing", "authorization { users = [{user: a, password: p}] }\nno_auth_user: ghost\n", false, "", ""},
	{"no_auth_user without users", "no_auth_user: ghost\n", false, "", ""},
	{"explicit no_auth_user", "accounts { A { users = [{user: a, password: p}] } }\nno_auth_user: a\n", true, "A", ""},
	{"users in an account", "accounts { A { users = [{user: a, password: p}] } }\n", true, "", ""},
	{"account with empty users", "accounts { A { users = [] } }\n", true, "$G", "$G"},
	{"authorization users plus account users",
		"authorization { users = [{user: x, password: y}] }\naccounts { A { users = [{user: a, password: p}] } }\n", true, "", ""},
	// CVE-2023-47090: an authorization block plus an accounts block with
	// only $SYS must not let anonymous clients in.
	{"authorization user plus sys-only accounts",
		"authorization { user: x, password: y }\naccounts { $SYS { users = [{user: admin, password: s}] } }\n", false, "", ""},
	{"authorization token plus sys-only accounts",
		"authorization { token: t0k }\naccounts { $SYS { users = [{user: admin, password: s}] } }\n", false, "", ""},
	{"authorization users plus sys-only accounts",
		"authorization { users = [{user: x, password: y}] }\naccounts { $SYS { users = [{user: admin, password: s}] } }\n", true, "", ""},
	{"authorization timeout plus sys-only accounts",
		"authorization { timeout: 1 }\naccounts { $SYS { users = [{user: admin, password: s}] } }\n", true, "", ""},
	{"empty authorization plus sys-only accounts",
		"authorization {}\naccounts { $SYS { users = [{user: admin, password: s}] } }\n", true, "", ""},
	{"empty users array plus sys-only accounts",
		"authorization { users = [] }\naccounts { $SYS { users = [{user: admin, password: s}] } }\n", true, "", ""},
	// Only the system account has users: anonymous clients land in $G,
	// never in $SYS (reference behaviour, config.md §5.6).
	{"sys-only accounts", "accounts { $SYS { users = [{user: admin, password: s}] } }\n", true, "$G", ""},
	{"custom system account only", "system_account: OPS\naccounts { OPS { users = [{user: admin, password: s}] } }\n", true, "$G", ""},
	{"sys users plus an empty account", "accounts { $SYS { users = [{user: admin, password: s}] }, A {} }\n", true, "", ""},
}

// relRefConfigLoads starts the reference on conf and reports whether it came
// up ("Server is ready") rather than exiting with a configuration error.
func relRefConfigLoads(t *testing.T, bin, conf string) bool {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shape.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var out natstest.LogBuffer
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", "-1", "-c", path)
	cmd.Stderr = &out
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start reference: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), "Server is ready") {
			return true
		}
		select {
		case <-exited:
			t.Logf("reference refused the config: %s", strings.TrimSpace(out.String()))
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("reference neither started nor exited: %s", out.String())
	return false
}

// relLoginAccount sends CONNECT with fields (protocol 1) and returns the
// account the server reports in its connect_info INFO, or "" when refused.
func relLoginAccount(t *testing.T, url, fields string) string {
	t.Helper()
	c := natstest.Dial(t, url)
	defer c.Close()
	c.Send("CONNECT {\"verbose\":false,\"protocol\":1" + fields + "}\r\nPING\r\n")
	line := c.ReadLine()
	if strings.HasPrefix(line, "-ERR") {
		if line != "-ERR 'Authorization Violation'\r\n" {
			t.Fatalf("unexpected %q", line)
		}
		c.ExpectClosed()
		return ""
	}
	if line != "PONG\r\n" {
		t.Fatalf("unexpected %q", line)
	}
	info := c.ReadLine()
	var m struct {
		RemoteAccount string `json:"remote_account"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(info, "INFO "))), &m); err != nil {
		t.Fatalf("connect_info INFO %q: %v", info, err)
	}
	return m.RemoteAccount
}

// TestReliabilityAuthConfigShapes: every auth configuration shape is either
// refused at load or lets in exactly who the reference lets in, and an
// anonymous client never lands in an account that has users unless
// no_auth_user names one of them (reliability.md test 31).
func TestReliabilityAuthConfigShapes(t *testing.T) {
	refBin, haveRef := natstest.RefServerPath()
	if !haveRef {
		t.Logf("reference nats-server not installed: checking natsys against the recorded outcomes only")
	}
	for _, sh := range relAuthShapes {
		t.Run(sh.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "shape.conf")
			if err := os.WriteFile(path, []byte(sh.conf), 0o600); err != nil {
				t.Fatal(err)
			}
			o, err := server.ProcessConfigFile(path)
			var ce *server.ConfigErrors
			if err != nil && (!errors.As(err, &ce) || ce.HasErrors()) {
				o = nil
			}
			if o != nil {
				_, err = server.New(o)
			}
			loads := o != nil && err == nil
			if loads != sh.loads {
				t.Errorf("natsys loads=%v (%v), want %v", loads, err, sh.loads)
			}
			if haveRef && relRefConfigLoads(t, refBin, sh.conf) != sh.loads {
				t.Errorf("reference loads=%v, recorded %v", !sh.loads, sh.loads)
			}
			if !sh.loads || t.Failed() {
				return
			}
			urls := map[string]string{"natsys": natstest.RunServer(t, sh.conf).ClientURL()}
			if haveRef {
				urls["reference"] = natstest.RunReference(t, sh.conf).ClientURL()
			}
			for who, url := range urls {
				if got := relLoginAccount(t, url, ""); got != sh.anon {
					t.Errorf("%s: anonymous CONNECT landed in %q, want %q", who, got, sh.anon)
				}
				if got := relLoginAccount(t, url, `,"user":"a"`); got != sh.userOnly {
					t.Errorf("%s: user without password landed in %q, want %q", who, got, sh.userOnly)
				}
				if got := relLoginAccount(t, url, `,"user":"a","pass":"wrong"`); got != "" && sh.anon == "" {
					t.Errorf("%s: wrong password accepted into %q", who, got)
				}
			}
			// Safety rule: anonymous clients only get in where nobody
			// else has credentials, or through an explicit no_auth_user.
			if sh.anon != "" && sh.anon != "$G" && !strings.Contains(sh.conf, "no_auth_user") {
				t.Errorf("anonymous relLogin into %q without no_auth_user", sh.anon)
			}
		})
	}
}
