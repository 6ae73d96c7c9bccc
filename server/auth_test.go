package server_test

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// connectLine builds a CONNECT with the given extra JSON fields.
func connectLine(fields string) string {
	if fields == "" {
		return "CONNECT {\"verbose\":false}\r\n"
	}
	return "CONNECT {\"verbose\":false," + fields + "}\r\n"
}

// expectAccepted checks the connection is open and working.
func expectAccepted(t *testing.T, c *natstest.Conn) {
	t.Helper()
	c.Send("PING\r\n")
	c.Expect("PONG\r\n")
}

func expectAuthViolation(t *testing.T, c *natstest.Conn) {
	t.Helper()
	c.Expect("-ERR 'Authorization Violation'\r\n")
	c.ExpectClosed()
}

func TestAuthModes(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   func(o *server.Options)
		ok     []string
		bad    []string
		logBad string // log line of the first bad attempt
	}{
		{
			name:   "single user",
			opts:   func(o *server.Options) { o.Username, o.Password = "a", "b" },
			ok:     []string{`"user":"a","pass":"b"`},
			bad:    []string{`"user":"a","pass":"x"`, ``, `"user":"A","pass":"b"`, `"auth_token":"b"`},
			logBad: `authentication error - User "a"`,
		},
		{
			name:   "token",
			opts:   func(o *server.Options) { o.Authorization = "abc" },
			ok:     []string{`"auth_token":"abc"`},
			bad:    []string{`"auth_token":"abd"`, `"user":"abc"`, ``},
			logBad: `authentication error - Token "[REDACTED]"`,
		},
		{
			name:   "bcrypt token",
			opts:   func(o *server.Options) { o.Authorization = string(hash) },
			ok:     []string{`"auth_token":"secret"`, `"auth_token":"secret"`},
			bad:    []string{`"auth_token":"` + string(hash) + `"`},
			logBad: `authentication error - Token "[REDACTED]"`,
		},
		{
			name: "bcrypt user",
			opts: func(o *server.Options) {
				o.Users = []*server.User{{Username: "admin", Password: string(hash)}}
			},
			ok:     []string{`"user":"admin","pass":"secret"`, `"user":"admin","pass":"secret"`},
			bad:    []string{`"user":"admin","pass":"` + string(hash) + `"`, `"user":"zed","pass":"secret"`},
			logBad: `authentication error - User "admin"`,
		},
		{
			name: "users without credentials",
			opts: func(o *server.Options) {
				o.Users = []*server.User{{Username: "u", Password: "p"}}
			},
			ok:     []string{`"user":"u","pass":"p"`},
			bad:    []string{``, `"auth_token":"p"`},
			logBad: "cid:", // checked below: no suffix
		},
		{
			name: "connection types",
			opts: func(o *server.Options) {
				o.Users = []*server.User{
					{Username: "std", Password: "p", AllowedConnectionTypes: map[string]struct{}{"STANDARD": {}}},
					{Username: "ws", Password: "p", AllowedConnectionTypes: map[string]struct{}{"WEBSOCKET": {}}},
				}
			},
			ok:     []string{`"user":"std","pass":"p"`},
			bad:    []string{`"user":"ws","pass":"p"`},
			logBad: `authentication error - User "ws"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := server.DefaultOptions()
			tc.opts(o)
			var log natstest.LogBuffer
			s := natstest.RunServerLog(t, o, &log)
			for _, f := range tc.ok {
				c := natstest.Dial(t, s.ClientURL())
				if c.Info["auth_required"] != true {
					t.Fatalf("INFO without auth_required: %v", c.Info)
				}
				c.Send(connectLine(f))
				expectAccepted(t, c)
			}
			for i, f := range tc.bad {
				c := natstest.Dial(t, s.ClientURL())
				c.Send(connectLine(f))
				expectAuthViolation(t, c)
				if i == 0 && !log.WaitFor(tc.logBad, time.Second) {
					t.Fatalf("log misses %q:\n%s", tc.logBad, log.String())
				}
			}
			if tc.name == "users without credentials" {
				if !regexp.MustCompile(`(?m)\[ERR\] 127\.0\.0\.1:\d+ - cid:\d+ - authentication error$`).MatchString(log.String()) {
					t.Fatalf("log misses a bare authentication error line:\n%s", log.String())
				}
			}
		})
	}
}

func TestNkeyAuth(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	o := server.DefaultOptions()
	o.Nkeys = []*server.NkeyUser{{Nkey: pub}}
	var log natstest.LogBuffer
	o.Debug = true
	s := natstest.RunServerLog(t, o, &log)

	sign := func(c *natstest.Conn, enc *base64.Encoding) string {
		nonce, _ := c.Info["nonce"].(string)
		if len(nonce) != 15 {
			t.Fatalf("nonce %q is not 15 characters", nonce)
		}
		sig, err := kp.Sign([]byte(nonce))
		if err != nil {
			t.Fatal(err)
		}
		return enc.EncodeToString(sig)
	}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.StdEncoding} {
		c := natstest.Dial(t, s.ClientURL())
		c.Send(connectLine(fmt.Sprintf(`"nkey":%q,"sig":%q`, pub, sign(c, enc))))
		expectAccepted(t, c)
	}
	c := natstest.Dial(t, s.ClientURL())
	other := natstest.Dial(t, s.ClientURL())
	if c.Info["nonce"] == other.Info["nonce"] {
		t.Fatal("nonce reused between connections")
	}
	c.Send(connectLine(fmt.Sprintf(`"nkey":%q,"sig":%q`, pub, sign(other, base64.RawURLEncoding))))
	expectAuthViolation(t, c)
	for _, want := range []string{"Signature not verified", `authentication error - Nkey "` + pub + `"`} {
		if !log.WaitFor(want, time.Second) {
			t.Fatalf("log misses %q:\n%s", want, log.String())
		}
	}
	other.Send(connectLine(fmt.Sprintf(`"nkey":%q`, pub)))
	expectAuthViolation(t, other)
}

func TestNoAuthUser(t *testing.T) {
	o := server.DefaultOptions()
	o.Accounts = []*server.AccountConfig{{Name: "B"}}
	o.Users = []*server.User{{Username: "carol", Password: "pw", Account: "B"}, {Username: "dave", Password: "pw"}}
	o.NoAuthUser = "carol"
	o.Trace = true
	var log natstest.LogBuffer
	s := natstest.RunServerLog(t, o, &log)

	c := natstest.Dial(t, s.ClientURL())
	if _, ok := c.Info["auth_required"]; ok {
		t.Fatalf("first INFO has auth_required with no_auth_user: %s", c.InfoLine)
	}
	c.Send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nSUB foo 1\r\nPING\r\n")
	c.Expect("PONG\r\n")
	info := natstest.ParseInfo(t, c.ReadLine())
	if info["remote_account"] != "B" || info["auth_required"] != true {
		t.Fatalf("connect-info INFO %v", info)
	}
	if !log.WaitFor(`"B/user:carol" - <<- [SUB foo 1]`, time.Second) {
		t.Fatalf("trace prefix misses the account/user label:\n%s", log.String())
	}
	// Without CONNECT at all the connection also logs in as carol (account B).
	raw := natstest.Dial(t, s.ClientURL())
	raw.Send("PUB foo 2\r\nhi\r\nPING\r\n")
	raw.Expect("+OK\r\nPONG\r\n")
	c.Expect("MSG foo 1 2\r\nhi\r\n")
	// dave ($G) does not see account B.
	d := natstest.Dial(t, s.ClientURL())
	d.Send(connectLine(`"user":"dave","pass":"pw"`) + "PUB foo 2\r\nhi\r\nPING\r\n")
	d.Expect("PONG\r\n")
	c.ExpectNothing(100 * time.Millisecond)
}

func TestSystemAccount(t *testing.T) {
	o := server.DefaultOptions()
	o.Accounts = []*server.AccountConfig{{Name: "SYS"}}
	o.SystemAccount = "SYS"
	o.Users = []*server.User{{Username: "admin", Password: "pw", Account: "SYS"}, {Username: "u", Password: "pw"}}
	s := natstest.RunServerOpts(t, o)
	if s.SystemAccount() == nil || s.SystemAccount().Name != "SYS" {
		t.Fatalf("system account %v", s.SystemAccount())
	}
	c := natstest.Dial(t, s.ClientURL())
	c.Send("CONNECT {\"verbose\":false,\"protocol\":1,\"user\":\"admin\",\"pass\":\"pw\"}\r\nPUB $NRG.x 0\r\n\r\nPING\r\n")
	c.Expect("PONG\r\n")
	line := c.ReadLine()
	if !strings.Contains(line, `"remote_account":"SYS","acc_is_sys":true`) {
		t.Fatalf("connect-info INFO %q", line)
	}
	o = server.DefaultOptions()
	o.NoSystemAccount = true
	if s := natstest.RunServerOpts(t, o); s.SystemAccount() != nil {
		t.Fatal("system account exists with NoSystemAccount")
	}
}

func TestAccountLimits(t *testing.T) {
	o := server.DefaultOptions()
	o.Accounts = []*server.AccountConfig{{Name: "A", MaxConnections: 1, MaxSubscriptions: 1, MaxPayload: 8}}
	o.Users = []*server.User{{Username: "a", Password: "a", Account: "A"}}
	s := natstest.RunServerOpts(t, o)
	c := natstest.Dial(t, s.ClientURL())
	c.Send(connectLine(`"user":"a","pass":"a","protocol":1`) + "SUB x 1\r\nSUB y 2\r\nPING\r\n")
	c.Expect("-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n")
	if info := natstest.ParseInfo(t, c.ReadLine()); info["max_payload"] != 8.0 {
		t.Fatalf("connect-info max_payload %v, want 8", info["max_payload"])
	}
	second := natstest.Dial(t, s.ClientURL())
	second.Send(connectLine(`"user":"a","pass":"a"`))
	second.Expect("-ERR 'maximum account active connections exceeded'\r\n")
	second.ExpectClosed()
	c.Send("PUB x 9\r\n")
	c.Expect("-ERR 'Maximum Payload Violation'\r\n")
}

// TestAllowResponsesAndSysOnlyUsers runs the same scenarios on the in-process
// server and the reference, both from config text.
func TestAllowResponsesAndSysOnlyUsers(t *testing.T) {
	respConf := `authorization { users = [
  {user: svc, password: pw, permissions: {subscribe: "req.>", allow_responses: {max: 2}}}
  {user: cli, password: pw}
] }
`
	sysConf := `system_account: SYS
accounts { SYS: { users: [{user: admin, password: pw}] } }
`
	type target struct {
		name string
		url  func(t *testing.T, conf string) string
	}
	targets := []target{
		{"natsys", func(t *testing.T, conf string) string { return natstest.RunServer(t, conf).ClientURL() }},
		{"reference", func(t *testing.T, conf string) string { return natstest.RunReference(t, conf).ClientURL() }},
	}
	for _, tg := range targets {
		t.Run(tg.name+"/allow_responses", func(t *testing.T) {
			url := tg.url(t, respConf)
			svc := natstest.Dial(t, url)
			svc.Send(connectLine(`"user":"svc","pass":"pw"`) + "SUB req.x 1\r\nPING\r\n")
			svc.Expect("PONG\r\n")
			cli := natstest.Dial(t, url)
			cli.Send(connectLine(`"user":"cli","pass":"pw"`) + "SUB rep.1 9\r\nPUB req.x rep.1 1\r\nq\r\nPING\r\n")
			cli.Expect("PONG\r\n")
			svc.Expect("MSG req.x 1 rep.1 1\r\nq\r\n")
			svc.Send("PUB rep.1 1\r\na\r\nPUB rep.1 1\r\nb\r\nPUB rep.1 1\r\nc\r\nPUB other 1\r\nd\r\nPING\r\n")
			svc.Expect("-ERR 'Permissions Violation for Publish to \"rep.1\"'\r\n")
			svc.Expect("-ERR 'Permissions Violation for Publish to \"other\"'\r\nPONG\r\n")
			cli.Expect("MSG rep.1 9 1\r\na\r\nMSG rep.1 9 1\r\nb\r\n")
			cli.ExpectNothing(100 * time.Millisecond)
		})
		t.Run(tg.name+"/system account users only", func(t *testing.T) {
			url := tg.url(t, sysConf)
			anon := natstest.Dial(t, url)
			if anon.Info["auth_required"] != true {
				t.Fatalf("INFO %s", anon.InfoLine)
			}
			anon.Send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n")
			anon.Expect("PONG\r\n")
			if info := natstest.ParseInfo(t, anon.ReadLine()); info["remote_account"] != "$G" {
				t.Fatalf("anonymous client in %v", info["remote_account"])
			}
			admin := natstest.Dial(t, url)
			admin.Send(connectLine(`"protocol":1,"user":"admin","pass":"pw"`) + "PING\r\n")
			admin.Expect("PONG\r\n")
			if info := natstest.ParseInfo(t, admin.ReadLine()); info["remote_account"] != "SYS" {
				t.Fatalf("admin in %v", info["remote_account"])
			}
			bad := natstest.Dial(t, url)
			bad.Send(connectLine(`"user":"admin","pass":"nope"`))
			expectAuthViolation(t, bad)
		})
	}
}

// TestSubscribePermissionForms checks queue-form permission entries and the
// delivery-time deny filter on the in-process server and the reference.
func TestSubscribePermissionForms(t *testing.T) {
	conf := `authorization { users = [
  {user: w, password: pw, permissions: {subscribe: {allow: ["foo.>", "jobs v1", "tasks.*"], deny: ["foo.bar", "tasks.x q1"]}}}
  {user: p, password: pw}
] }
`
	targets := map[string]func(t *testing.T) string{
		"natsys":    func(t *testing.T) string { return natstest.RunServer(t, conf).ClientURL() },
		"reference": func(t *testing.T) string { return natstest.RunReference(t, conf).ClientURL() },
	}
	for name, start := range targets {
		t.Run(name, func(t *testing.T) {
			url := start(t)
			w := natstest.Dial(t, url)
			w.Send(connectLine(`"user":"w","pass":"pw"`) +
				"SUB foo.* 1\r\nSUB foo.bar 2\r\nSUB jobs 3\r\nSUB jobs v1 4\r\nSUB jobs v2 5\r\n" +
				"SUB tasks.x q1 6\r\nSUB tasks.x q2 7\r\nPING\r\n")
			w.Expect("-ERR 'Permissions Violation for Subscription to \"foo.bar\"'\r\n" +
				"-ERR 'Permissions Violation for Subscription to \"jobs\"'\r\n" +
				"-ERR 'Permissions Violation for Subscription to \"jobs\" using queue \"v2\"'\r\n" +
				"-ERR 'Permissions Violation for Subscription to \"tasks.x\" using queue \"q1\"'\r\nPONG\r\n")
			p := natstest.Dial(t, url)
			p.Send(connectLine(`"user":"p","pass":"pw"`) + "PUB foo.bar 1\r\na\r\nPUB foo.baz 1\r\nb\r\nPUB jobs 1\r\nc\r\nPING\r\n")
			p.Expect("PONG\r\n")
			w.Expect("MSG foo.baz 1 1\r\nb\r\nMSG jobs 4 1\r\nc\r\n")
			w.ExpectNothing(100 * time.Millisecond)
		})
	}
}
