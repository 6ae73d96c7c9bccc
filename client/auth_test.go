package client

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"

	"github.com/natsys/natsys/client/internal/servertest"
)

const permsConf = `authorization {
  users = [
    {user: alice, password: secret, permissions: {
      publish: {allow: ["foo.>", "_INBOX.>"], deny: ["foo.secret"]}
      subscribe: {allow: ["foo.>", "_INBOX.>"]}
    }}
    {user: bob, password: pw}
  ]
}
`

func TestUserPassword(t *testing.T) {
	url, _ := startServer(t, permsConf)
	host := strings.TrimPrefix(url, "nats://")
	tests := []struct {
		name string
		url  string
		opts []Option
		ok   bool
	}{
		{"option", url, []Option{UserInfo("bob", "pw")}, true},
		{"url userinfo", "nats://bob:pw@" + host, nil, true},
		{"url wins over option", "nats://bob:pw@" + host, []Option{UserInfo("bob", "wrong")}, true},
		{"wrong password", url, []Option{UserInfo("bob", "nope")}, false},
		{"no credentials", url, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Connect(tc.url, tc.opts...)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				flush(t, c)
				c.Close()
				return
			}
			if !errors.Is(err, ErrAuthorization) {
				t.Fatalf("err = %v, want ErrAuthorization", err)
			}
		})
	}
}

// TestPermissionViolation checks that a refused publish and subscribe show up
// in LastError after Flush and in the error callback, while the connection
// stays up.
func TestPermissionViolation(t *testing.T) {
	url, _ := startServer(t, permsConf)
	errs := make(chan error, 10)
	c := connect(t, url, UserInfo("alice", "secret"),
		ErrorHandler(func(_ *Conn, _ *Subscription, err error) { errs <- err }))
	if err := c.Publish("foo.ok", nil); err != nil {
		t.Fatal(err)
	}
	flush(t, c)
	if err := c.LastError(); err != nil {
		t.Fatalf("last error after allowed publish: %v", err)
	}
	if err := c.Publish("bar", []byte("x")); err != nil {
		t.Fatal(err)
	}
	flush(t, c)
	err := c.LastError()
	if !errors.Is(err, ErrPermissionViolation) {
		t.Fatalf("last error = %v, want a permissions violation", err)
	}
	var se *ServerError
	if !errors.As(err, &se) || se.Text != `Permissions Violation for Publish to "bar"` {
		t.Fatalf("server error text: %v", err)
	}
	select {
	case got := <-errs:
		if !errors.Is(got, ErrPermissionViolation) {
			t.Fatalf("callback got %v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("error callback not called")
	}
	if _, err := c.SubscribeSync("nosub"); err != nil {
		t.Fatal(err)
	}
	flush(t, c)
	if se, ok := c.LastError().(*ServerError); !ok || se.Text != `Permissions Violation for Subscription to "nosub"` {
		t.Fatalf("subscribe violation: %v", c.LastError())
	}
	if c.Status() != StatusConnected {
		t.Fatalf("status %v", c.Status())
	}
	// Requests still work within the permissions (inbox allowed).
	r := connect(t, url, UserInfo("bob", "pw"))
	if _, err := r.Subscribe("foo.svc", func(m *Msg) { _ = m.Respond([]byte("ok")) }); err != nil {
		t.Fatal(err)
	}
	flush(t, r)
	if m, err := c.Request(ctxT(t, 5*time.Second), "foo.svc", nil); err != nil || string(m.Data) != "ok" {
		t.Fatalf("request: %v", err)
	}
}

func TestToken(t *testing.T) {
	url, _ := startServer(t, "authorization { token: s3cr3t }\n")
	host := strings.TrimPrefix(url, "nats://")
	c := connect(t, url, Token("s3cr3t"))
	flush(t, c)
	c2 := connect(t, "nats://s3cr3t@"+host)
	flush(t, c2)
	if _, err := Connect(url, Token("wrong")); !errors.Is(err, ErrAuthorization) {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestNkeyAuth(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	url, _ := startServer(t, fmt.Sprintf("authorization { users = [ {nkey: %s} ] }\n", pub))
	c := connect(t, url, NkeyFromSeed(seed))
	flush(t, c)
	seedFile := writeFile(t, "user.nk", string(seed)+"\n")
	c2 := connect(t, url, NkeySeedFile(seedFile))
	flush(t, c2)

	other, _ := nkeys.CreateUser()
	otherSeed, _ := other.Seed()
	if _, err := Connect(url, NkeyFromSeed(otherSeed)); !errors.Is(err, ErrAuthorization) {
		t.Fatalf("unknown nkey: %v", err)
	}
	acc, _ := nkeys.CreateAccount()
	accSeed, _ := acc.Seed()
	if _, err := Connect(url, NkeyFromSeed(accSeed)); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("account seed: %v", err)
	}
}

// operatorSetup generates an operator, a system account, an application
// account and creds for a user of each (all keys are fresh, nothing is
// committed). It returns the server config and the user creds paths.
func operatorSetup(t *testing.T) (conf, appCreds, sysCreds, limitedCreds string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	okp, err := nkeys.CreateOperator()
	must(err)
	opub, _ := okp.PublicKey()
	sysKP, _ := nkeys.CreateAccount()
	sysPub, _ := sysKP.PublicKey()
	appKP, _ := nkeys.CreateAccount()
	appPub, _ := appKP.PublicKey()

	oc := jwt.NewOperatorClaims(opub)
	oc.Name = "OP"
	oc.SystemAccount = sysPub
	opJWT, err := oc.Encode(okp)
	must(err)
	sc := jwt.NewAccountClaims(sysPub)
	sc.Name = "SYS"
	sysJWT, err := sc.Encode(okp)
	must(err)
	ac := jwt.NewAccountClaims(appPub)
	ac.Name = "APP"
	appJWT, err := ac.Encode(okp)
	must(err)

	user := func(name, accPub string, signer nkeys.KeyPair, mod func(*jwt.UserClaims)) string {
		ukp, _ := nkeys.CreateUser()
		upub, _ := ukp.PublicKey()
		uc := jwt.NewUserClaims(upub)
		uc.Name = name
		if mod != nil {
			mod(uc)
		}
		tok, err := uc.Encode(signer)
		must(err)
		seed, _ := ukp.Seed()
		creds, err := jwt.FormatUserConfig(tok, seed)
		must(err)
		return writeFile(t, name+".creds", string(creds))
	}
	appCreds = user("app", appPub, appKP, nil)
	sysCreds = user("sys", sysPub, sysKP, nil)
	limitedCreds = user("limited", appPub, appKP, func(u *jwt.UserClaims) {
		u.Pub.Allow.Add("foo", "_INBOX.>")
		u.Sub.Allow.Add("foo", "_INBOX.>")
	})
	opFile := writeFile(t, "operator.jwt", opJWT)
	conf = fmt.Sprintf("operator: %s\nsystem_account: %s\nresolver: MEMORY\nresolver_preload: {\n  %s: %s\n  %s: %s\n}\n",
		confQuote(opFile), sysPub, sysPub, sysJWT, appPub, appJWT)
	return conf, appCreds, sysCreds, limitedCreds
}

func TestCredentialsOperatorMode(t *testing.T) {
	requireFeature(t, servertest.Operator)
	conf, appCreds, sysCreds, limitedCreds := operatorSetup(t)
	url, _ := startServer(t, conf)

	c := connect(t, url, Credentials(appCreds))
	sub, _ := c.SubscribeSync("hello")
	_ = c.Publish("hello", []byte("jwt"))
	if m := nextMsg(t, sub); string(m.Data) != "jwt" {
		t.Fatalf("got %q", m.Data)
	}
	if _, err := c.Request(ctxT(t, 5*time.Second), "nobody", nil); !errors.Is(err, ErrNoResponders) {
		t.Fatalf("request in operator mode: %v", err)
	}

	sys := connect(t, url, Credentials(sysCreds))
	flush(t, sys)

	lim := connect(t, url, Credentials(limitedCreds))
	_ = lim.Publish("bar", nil)
	flush(t, lim)
	if !errors.Is(lim.LastError(), ErrPermissionViolation) {
		t.Fatalf("limited user: %v", lim.LastError())
	}

	if _, err := Connect(url); !errors.Is(err, ErrAuthorization) {
		t.Fatalf("no creds: %v", err)
	}
	if _, err := Connect(url, Credentials(writeFile(t, "bad.creds", "nothing here"))); !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("bad creds file: %v", err)
	}
	// A JWT signed by an unknown account is refused.
	stranger, _ := nkeys.CreateAccount()
	ukp, _ := nkeys.CreateUser()
	upub, _ := ukp.PublicKey()
	tok, _ := jwt.NewUserClaims(upub).Encode(stranger)
	seed, _ := ukp.Seed()
	if _, err := Connect(url, UserJWTAndSeed(tok, string(seed))); !errors.Is(err, ErrAuthorization) {
		t.Fatalf("stranger: %v", err)
	}
}
