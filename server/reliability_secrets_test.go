package server_test

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// Secrets used by the log tests; none may appear in any log line.
const (
	relSecretPlain   = "Plain-S3cret-9f1"
	relSecretBcrypt  = "Bcrypt-S3cret-7a2"
	relSecretWrong   = "Wrong-Guess-4c8"
	relSecretToken   = "Token-Guess-3d5"
	relSecretCmdline = "Cmdline-S3cret-6b0"
)

// TestReliabilityNoSecretsInLogs runs a server with debug and trace on
// (-DV), logs in with right and wrong passwords, tokens and nkey signatures
// in every CONNECT spelling, reloads, and greps the whole log for each
// secret (reliability.md test 39, config.md §6).
func TestReliabilityNoSecretsInLogs(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte(relSecretBcrypt), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	seed, _ := kp.Seed()
	conf := `host: 127.0.0.1
port: -1
accounts {
  A { users = [
    {user: plain, password: "` + relSecretPlain + `"}
    {user: hashed, password: "` + string(hash) + `"}
    {nkey: ` + pub + `}
  ] }
}
`
	path := filepath.Join(t.TempDir(), "secrets.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Debug, o.Trace, o.TraceVerbose = true, true, true
	var log natstest.LogBuffer
	s := natstest.RunServerLog(t, o, &log)
	url := s.ClientURL()

	attempt := func(fields string) {
		c := natstest.Dial(t, url)
		c.Send("CONNECT {\"verbose\":true," + fields + "}\r\nPING\r\n")
		c.ReadFor(200 * time.Millisecond)
		c.Close()
	}
	attempt(`"user":"plain","pass":"` + relSecretPlain + `"`)
	attempt(`"user":"plain","pass":"` + relSecretWrong + `"`)
	attempt(`"user":"hashed","pass":"` + relSecretBcrypt + `"`)
	attempt(`"user":"hashed","pass":"` + relSecretWrong + `"`)
	attempt(`"user":"ghost","pass":"` + relSecretWrong + `"`)
	attempt(`"auth_token":"` + relSecretToken + `"`)
	attempt(`"user":"plain", "pass" : "` + relSecretWrong + `"`)
	attempt(`"user":"plain","pass":"` + relSecretWrong + `\"x"`)
	// Go's JSON decoding matches keys case-insensitively: these spellings
	// are credentials too.
	attempt(`"user":"plain","PASS":"` + relSecretWrong + `"`)
	attempt(`"user":"plain","Pass":"` + relSecretPlain + `"`)
	attempt(`"AUTH_TOKEN":"` + relSecretToken + `"`)
	attempt(`"nkey":"` + pub + `","sig":"` + relSecretToken + `"`)
	// A nonce signature: the seed must never be needed nor shown.
	c := natstest.Dial(t, url)
	sig, err := kp.Sign([]byte(c.Info["nonce"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	c.Send(`CONNECT {"verbose":false,"nkey":"` + pub + `","sig":"` + relEncodeSig(sig) + "\"}\r\nPING\r\n")
	c.Expect("PONG\r\n")
	if err := s.Reload(); err != nil {
		t.Fatalf("reload: %v", err)
	}
	relWaitUntil(t, 2*time.Second, func() bool { return strings.Contains(log.String(), "Reloaded server configuration") },
		"no reload line in the log")

	text := log.String()
	if !strings.Contains(text, "authentication error") || !strings.Contains(text, "<<- [CONNECT") {
		t.Fatalf("the log does not show the auth failures and traced CONNECTs it should:\n%s", text)
	}
	for _, secret := range []string{relSecretPlain, relSecretBcrypt, relSecretWrong, relSecretToken, string(seed), relEncodeSig(sig)} {
		if i := strings.Index(text, secret); i >= 0 {
			line := text[strings.LastIndex(text[:i], "\n")+1:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			t.Errorf("secret %q in the log: %s", secret, line)
		}
	}
}

// TestReliabilityNoSecretsInCommandLog: a password given on the command line
// (--pass) with -DV never shows in bin/nats-server's output.
func TestReliabilityNoSecretsInCommandLog(t *testing.T) {
	bin, err := relServerBinary(t)
	if err != nil {
		t.Fatalf("building nats-server: %v", err)
	}
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", "-1", "-DV", "--user", "u", "--pass", relSecretCmdline)
	var out natstest.LogBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	if !out.WaitFor("Server is ready", 10*time.Second) {
		t.Fatalf("server did not start:\n%s", out.String())
	}
	addr := relListenAddr(t, out.String())
	for _, pass := range []string{relSecretCmdline, relSecretWrong} {
		c := natstest.Dial(t, addr)
		c.Send(`CONNECT {"verbose":false,"user":"u","pass":"` + pass + "\"}\r\nPING\r\n")
		c.ReadFor(200 * time.Millisecond)
		c.Close()
	}
	if !out.WaitFor("authentication error", 5*time.Second) {
		t.Fatalf("no auth failure logged:\n%s", out.String())
	}
	for _, secret := range []string{relSecretCmdline, relSecretWrong} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("secret %q in the server output:\n%s", secret, out.String())
		}
	}
}

// relListenAddr finds "Listening for client connections on host:port".
func relListenAddr(t *testing.T, log string) string {
	t.Helper()
	const marker = "Listening for client connections on "
	i := strings.Index(log, marker)
	if i < 0 {
		t.Fatalf("no listen line in:\n%s", log)
	}
	rest := log[i+len(marker):]
	return strings.TrimSpace(rest[:strings.IndexByte(rest, '\n')])
}

// relEncodeSig is the CONNECT form of a nonce signature.
func relEncodeSig(sig []byte) string { return base64.RawURLEncoding.EncodeToString(sig) }
