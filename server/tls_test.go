package server_test

import (
	"crypto/x509/pkix"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// tlsConf returns a tls block for cert, with extra keys.
func tlsConf(cert *natstest.Cert, extra string) string {
	if extra != "" {
		extra = ", " + extra
	}
	return fmt.Sprintf("tls { cert_file: %q, key_file: %q%s }\n", cert.CertFile, cert.KeyFile, extra)
}

// runLogged starts an in-process server from conf and collects its log.
func runLogged(t *testing.T, conf string) (*server.Server, *natstest.LogBuffer) {
	t.Helper()
	var log natstest.LogBuffer
	o := natstest.LoadConfig(t, conf)
	o.Debug = true
	return natstest.RunServerLog(t, o, &log), &log
}

// TestTLSRequired: INFO advertises tls_required; a TLS client works; a
// plain client and a silent one are closed without any -ERR (observed on the
// reference), reason TLS Handshake Failure.
func TestTLSRequired(t *testing.T) {
	ca := natstest.NewCA(t)
	conf := tlsConf(ca.ServerCert(), "timeout: 0.5")
	impBoth(t, conf, func(t *testing.T, url string) {
		c := natstest.DialTLS(t, url, ca.ClientConfig(nil))
		if c.Info["tls_required"] != true || c.Info["tls_verify"] != nil || c.Info["tls_available"] != nil {
			t.Fatalf("INFO %s", c.InfoLine)
		}
		c.Send("CONNECT {\"verbose\":false}\r\nSUB x 1\r\nPUB x 2\r\nhi\r\nPING\r\n")
		c.Expect("MSG x 1 2\r\nhi\r\nPONG\r\n")

		plain := natstest.Dial(t, url)
		plain.Send("CONNECT {\"verbose\":false}\r\nPING\r\n")
		plain.ExpectClosed()

		silent := natstest.Dial(t, url)
		start := time.Now()
		silent.ExpectClosed()
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Fatalf("silent client closed after %v, before the TLS timeout", d)
		}
	})
	s, log := runLogged(t, conf)
	if !strings.Contains(log.String(), "[INF] TLS required for client connections") {
		t.Fatalf("start-up log:\n%s", log)
	}
	natstest.Dial(t, s.ClientURL()).ExpectClosed()
	waitClosedReason(t, s, "TLS Handshake Failure")
	if !log.WaitFor("TLS handshake timeout", 2*time.Second) {
		t.Fatalf("log:\n%s", log)
	}
}

// TestTLSVerify: with verify the client must present a certificate of the
// configured CA.
func TestTLSVerify(t *testing.T) {
	ca := natstest.NewCA(t)
	other := natstest.NewCA(t)
	good := ca.Issue("good", natstest.CertSpec{Subject: pkix.Name{CommonName: "good"}, Client: true})
	bad := other.Issue("bad", natstest.CertSpec{Subject: pkix.Name{CommonName: "bad"}, Client: true})
	conf := tlsConf(ca.ServerCert(), fmt.Sprintf("ca_file: %q, verify: true", ca.CertFile))
	impBoth(t, conf, func(t *testing.T, url string) {
		c := natstest.DialTLS(t, url, ca.ClientConfig(good))
		if c.Info["tls_required"] != true || c.Info["tls_verify"] != true {
			t.Fatalf("INFO %s", c.InfoLine)
		}
		c.Send("CONNECT {\"verbose\":false}\r\nPING\r\n")
		c.Expect("PONG\r\n")
		for name, cert := range map[string]*natstest.Cert{"no certificate": nil, "unknown CA": bad} {
			t.Run(name, func(t *testing.T) {
				c, err := natstest.DialTLSErr(t, url, ca.ClientConfig(cert), false)
				if err == nil {
					// TLS 1.3: the client learns of the refusal on its
					// first read.
					c.Send("CONNECT {}\r\nPING\r\n")
					c.ExpectClosed()
				}
			})
		}
	})
}

// TestTLSVerifyAndMap: the user comes from the client certificate: e-mail,
// DNS name, URI, then the subject's DN; a CONNECT naming a user, or a
// certificate that maps to nobody, is an authorization violation.
func TestTLSVerifyAndMap(t *testing.T) {
	ca := natstest.NewCA(t)
	certs := map[string]*natstest.Cert{
		"email": ca.Issue("email", natstest.CertSpec{Subject: pkix.Name{CommonName: "x"}, Emails: []string{"alice@example.org"}, Client: true}),
		"dns":   ca.Issue("dns", natstest.CertSpec{Subject: pkix.Name{CommonName: "x"}, DNSNames: []string{"bob.example.org"}, Client: true}),
		"uri":   ca.Issue("uri", natstest.CertSpec{Subject: pkix.Name{CommonName: "x"}, URIs: []string{"spiffe://example.org/svc"}, Client: true}),
		"dn": ca.Issue("dn", natstest.CertSpec{Subject: pkix.Name{CommonName: "carol", Organization: []string{"Acme"},
			OrganizationalUnit: []string{"Eng"}, Country: []string{"US"}}, Client: true}),
		"second": ca.Issue("second", natstest.CertSpec{Subject: pkix.Name{CommonName: "x"}, Emails: []string{"nobody@example.org"},
			DNSNames: []string{"dave.example.org"}, Client: true}),
		"unknown": ca.Issue("unknown", natstest.CertSpec{Subject: pkix.Name{CommonName: "zed"}, Client: true}),
	}
	conf := tlsConf(ca.ServerCert(), fmt.Sprintf("ca_file: %q, verify_and_map: true", ca.CertFile)) + `
accounts { A: { users: [
  {user: "alice@example.org"}
  {user: "bob.example.org", permissions: {publish: "ok"}}
  {user: "spiffe://example.org/svc"}
  {user: "CN=carol,OU=Eng,O=Acme,C=US"}
  {user: "dave.example.org"}
  {user: u, password: p}
] } }
`
	impBoth(t, conf, func(t *testing.T, url string) {
		for _, name := range []string{"email", "dns", "uri", "dn", "second"} {
			c := natstest.DialTLS(t, url, ca.ClientConfig(certs[name]))
			if c.Info["tls_verify"] != true {
				t.Fatalf("INFO %s", c.InfoLine)
			}
			c.Send("CONNECT {\"verbose\":false,\"protocol\":1}\r\nPING\r\n")
			c.Expect("PONG\r\n")
			if info := natstest.ParseInfo(t, c.ReadLine()); info["remote_account"] != "A" {
				t.Fatalf("%s: account %v", name, info["remote_account"])
			}
			if name == "dns" {
				c.Send("PUB no 1\r\nx\r\nPING\r\n")
				c.Expect("-ERR 'Permissions Violation for Publish to \"no\"'\r\nPONG\r\n")
			}
		}
		withUser := natstest.DialTLS(t, url, ca.ClientConfig(certs["email"]))
		withUser.Send(connectLine(`"user":"u","pass":"p"`))
		expectAuthViolation(t, withUser)
		unknown := natstest.DialTLS(t, url, ca.ClientConfig(certs["unknown"]))
		unknown.Send(connectLine(""))
		expectAuthViolation(t, unknown)
	})
	s, log := runLogged(t, conf)
	for _, name := range []string{"email", "unknown"} {
		c := natstest.DialTLS(t, s.ClientURL(), ca.ClientConfig(certs[name]))
		c.Send(connectLine(`"user":"u","pass":"p"`))
		expectAuthViolation(t, c)
	}
	for _, want := range []string{
		`Using email found in cert for auth ["alice@example.org"]`,
		`[WRN] User "u" found in connect proto, but user required from cert`,
		`authentication error - User "alice@example.org"`,
		`DistinguishedNameMatch could not be used for auth ["CN=zed"]`,
		`User in cert ["CN=zed"], not found`,
	} {
		if !log.WaitFor(want, time.Second) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestTLSHandshakeFirst: with handshake_first the handshake comes before
// INFO; with "auto" a client that does not start TLS gets INFO after a short
// delay and upgrades as usual.
func TestTLSHandshakeFirst(t *testing.T) {
	ca := natstest.NewCA(t)
	cert := ca.ServerCert()
	impBoth(t, tlsConf(cert, "handshake_first: true, timeout: 0.5"), func(t *testing.T, url string) {
		c, err := natstest.DialTLSErr(t, url, ca.ClientConfig(nil), true)
		if err != nil {
			t.Fatal(err)
		}
		if c.Info["tls_required"] != true {
			t.Fatalf("INFO %s", c.InfoLine)
		}
		c.Send("CONNECT {\"verbose\":false}\r\nPING\r\n")
		c.Expect("PONG\r\n")
		plain := natstest.DialRaw(t, url)
		plain.ExpectClosed()
	})
	impBoth(t, tlsConf(cert, `handshake_first: "auto"`), func(t *testing.T, url string) {
		first, err := natstest.DialTLSErr(t, url, ca.ClientConfig(nil), true)
		if err != nil {
			t.Fatal(err)
		}
		first.Send("PING\r\n")
		first.Expect("PONG\r\n")
		late := natstest.DialTLS(t, url, ca.ClientConfig(nil))
		late.Send("PING\r\n")
		late.Expect("PONG\r\n")
	})
	_, log := runLogged(t, tlsConf(cert, "handshake_first: true"))
	if !strings.Contains(log.String(), `[WRN] Clients that are not using "TLS Handshake First" option will fail to connect`) {
		t.Fatalf("log:\n%s", log)
	}
}

// TestTLSNatsGo connects nats.go with TLS, a client certificate and
// handshake-first.
func TestTLSNatsGo(t *testing.T) {
	ca := natstest.NewCA(t)
	client := ca.Issue("client", natstest.CertSpec{Subject: pkix.Name{CommonName: "client"}, Emails: []string{"app@example.org"}, Client: true})
	cert := ca.ServerCert()
	s := natstest.RunServer(t, tlsConf(cert, fmt.Sprintf("ca_file: %q, verify_and_map: true", ca.CertFile))+
		`authorization { users: [{user: "app@example.org", permissions: {publish: "app.>", subscribe: "app.>"}}] }`)
	url := strings.Replace(s.ClientURL(), "nats://", "tls://", 1)
	nc := connect(t, url, nats.Secure(ca.ClientConfig(client)))
	sub, err := nc.SubscribeSync("app.x")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Publish("app.x", []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if m := nextMsg(t, sub); string(m.Data) != "hi" {
		t.Fatalf("got %q", m.Data)
	}
	if _, err := nats.Connect(url, nats.Secure(ca.ClientConfig(nil)), nats.MaxReconnects(0), nats.Timeout(time.Second)); err == nil {
		t.Fatal("connected without a client certificate")
	}
	hf := natstest.RunServer(t, tlsConf(cert, "handshake_first: true"))
	nc2 := connect(t, hf.ClientURL(), nats.Secure(ca.ClientConfig(nil)), nats.TLSHandshakeFirst())
	if err := nc2.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestTLSReload: a reload with new certificates applies to new handshakes;
// a reload turning TLS off lets plain clients in.
func TestTLSReload(t *testing.T) {
	ca1, ca2 := natstest.NewCA(t), natstest.NewCA(t)
	s := natstest.RunServer(t, tlsConf(ca1.ServerCert(), ""))
	old := natstest.DialTLS(t, s.ClientURL(), ca1.ClientConfig(nil))
	old.Send("CONNECT {\"verbose\":false}\r\nPING\r\n")
	old.Expect("PONG\r\n")
	if err := s.ApplyReload(natstest.LoadConfig(t, tlsConf(ca2.ServerCert(), ""))); err != nil {
		t.Fatal(err)
	}
	if _, err := natstest.DialTLSErr(t, s.ClientURL(), ca1.ClientConfig(nil), false); err == nil {
		t.Fatal("handshake with the old CA succeeded after reload")
	}
	natstest.DialTLS(t, s.ClientURL(), ca2.ClientConfig(nil))
	old.Send("PING\r\n")
	old.Expect("PONG\r\n")
	if err := s.ApplyReload(natstest.LoadConfig(t, "port: -1\n")); err != nil {
		t.Fatal(err)
	}
	plain := natstest.Dial(t, s.ClientURL())
	if plain.Info["tls_required"] != nil {
		t.Fatalf("INFO after TLS was turned off: %s", plain.InfoLine)
	}
	plain.Send("PING\r\n")
	plain.Expect("PONG\r\n")
}

// TestTLSFlags: --tls, --tlscert, --tlskey, --tlsverify and --tlscacert
// configure TLS, and --tls=false turns off TLS from the file.
func TestTLSFlags(t *testing.T) {
	ca := natstest.NewCA(t)
	cert := ca.ServerCert()
	client := ca.Issue("client", natstest.CertSpec{Subject: pkix.Name{CommonName: "c"}, Client: true})
	cmd, err := server.ParseCommandLine([]string{"--tls", "--tlscert", cert.CertFile, "--tlskey", cert.KeyFile,
		"--tlsverify", "--tlscacert", ca.CertFile})
	if err != nil {
		t.Fatal(err)
	}
	s := natstest.RunServerOpts(t, cmd.Options)
	c := natstest.DialTLS(t, s.ClientURL(), ca.ClientConfig(client))
	if c.Info["tls_verify"] != true {
		t.Fatalf("INFO %s", c.InfoLine)
	}
	c.Send("PING\r\n")
	c.Expect("PONG\r\n")
	if _, err := natstest.DialTLSErr(t, s.ClientURL(), ca.ClientConfig(nil), false); err == nil {
		nc := natstest.DialTLS(t, s.ClientURL(), ca.ClientConfig(nil))
		nc.Send("PING\r\n")
		nc.ExpectClosed()
	}
	path := filepath.Join(t.TempDir(), "tls.conf")
	if err := os.WriteFile(path, []byte(tlsConf(cert, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, err = server.ParseCommandLine([]string{"-c", path, "--tls=false"})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Options.TLS {
		t.Fatal("--tls=false left TLS on")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--tlsverify"}, "TLS Server certificate must be present and valid"},
		{[]string{"--tlscert", cert.CertFile}, "TLS Server private key must be present and valid"},
	} {
		if _, err := server.ParseCommandLine(tc.args); err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestTLSAuthTimeoutDefault: with TLS the authorization timeout defaults to
// the TLS timeout plus one second.
func TestTLSAuthTimeoutDefault(t *testing.T) {
	ca := natstest.NewCA(t)
	s := natstest.RunServer(t, tlsConf(ca.ServerCert(), "timeout: 0.2")+"authorization { user: a, password: b }\n")
	c := natstest.DialTLS(t, s.ClientURL(), ca.ClientConfig(nil))
	start := time.Now()
	c.Timeout = 3 * time.Second
	c.Expect("-ERR 'Authentication Timeout'\r\n")
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("auth timeout after %v, want about 1.2s", d)
	}
}
