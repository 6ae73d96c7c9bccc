package connflags

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/natsys/natsys/cli/internal/exit"
)

// parse registers the flags on a new FlagSet and parses args.
func parse(t *testing.T, args ...string) *Flags {
	t.Helper()
	var f Flags
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	f.Register(fs)
	f.RegisterTimeout(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return &f
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeContext writes a natscli context NAME into XDG dir x.
func writeContext(t *testing.T, x, name, json string) {
	t.Helper()
	writeFile(t, x, filepath.Join("nats", "context", name+".json"), json)
}

func TestResolvePrecedence(t *testing.T) {
	x := t.TempDir()
	writeContext(t, x, "c1", `{"url":"nats://ctxhost:1","user":"cu","password":"cp","ca":"ctx-ca.pem","inbox_prefix":"_CTX","tls_first":true}`)
	writeContext(t, x, "c2", `{"url":"nats://c2host:2","token":"ctxtoken"}`)
	writeFile(t, x, filepath.Join("nats", "context.txt"), "c1\n")
	pwfile := writeFile(t, x, "pw", "filepass\n")

	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		servers string
		user    string
		pass    string
		token   string
		ctx     string
		source  map[string]string
		timeout time.Duration
	}{
		{name: "default no context", args: []string{"--no-context"},
			servers: DefaultURL, source: map[string]string{"server": "default", "timeout": "default"}, timeout: DefaultTimeout},
		{name: "selected context", servers: "nats://ctxhost:1", user: "cu", pass: "cp", ctx: "c1",
			source: map[string]string{"server": "context c1", "user": "context c1", "tlsca": "context c1"}, timeout: DefaultTimeout},
		{name: "NATS_CONTEXT beats context.txt", env: map[string]string{"NATS_CONTEXT": "c2"},
			servers: "nats://c2host:2", token: "ctxtoken", ctx: "c2"},
		{name: "--context beats NATS_CONTEXT", args: []string{"--context", "c1"}, env: map[string]string{"NATS_CONTEXT": "c2"},
			servers: "nats://ctxhost:1", user: "cu", pass: "cp", ctx: "c1"},
		{name: "env beats context", env: map[string]string{"NATS_URL": "envhost", "NATS_USER": "eu", "NATS_PASSWORD": "ep", "NATS_TIMEOUT": "2s"},
			servers: "nats://envhost:4222", user: "eu", pass: "ep", ctx: "c1",
			source: map[string]string{"server": "env", "user": "env", "password": "env", "timeout": "env"}, timeout: 2 * time.Second},
		{name: "flag beats env", args: []string{"-s", "a:1,b:2", "--user", "fu", "--password-file", pwfile, "--timeout", "3s"},
			env:     map[string]string{"NATS_URL": "envhost", "NATS_USER": "eu", "NATS_PASSWORD": "ep"},
			servers: "nats://a:1,nats://b:2", user: "fu", pass: "filepass", ctx: "c1",
			source: map[string]string{"server": "flag", "user": "flag", "password": "flag", "timeout": "flag"}, timeout: 3 * time.Second},
		{name: "password flag, user from env", args: []string{"--password", "fp"}, env: map[string]string{"NATS_USER": "eu"},
			servers: "nats://ctxhost:1", user: "eu", pass: "fp", ctx: "c1", source: map[string]string{"user": "env", "password": "flag"}},
		{name: "URL userinfo", args: []string{"-s", "nats://uu:up@h:5", "--no-context"}, servers: "nats://h:5", user: "uu", pass: "up",
			source: map[string]string{"user": "flag", "password": "flag"}},
		{name: "URL token", args: []string{"-s", "nats://tok@h:5", "--no-context"}, servers: "nats://h:5", token: "tok"},
		{name: "explicit user beats URL userinfo", args: []string{"-s", "nats://uu:up@h", "--user", "x", "--password", "y", "--no-context"},
			servers: "nats://h:4222", user: "x", pass: "y"},
		{name: "flag token replaces context user/password", args: []string{"--token", "ft"},
			servers: "nats://ctxhost:1", token: "ft", ctx: "c1", source: map[string]string{"token": "flag"}},
		{name: "user alone is a token", args: []string{"--user", "justme", "--no-context"}, servers: DefaultURL, token: "justme"},
		{name: "jwt and seed from env", args: []string{"--no-context"}, env: map[string]string{"NATS_JWT": "eyJ", "NATS_SEED": "SUAKEY"},
			servers: DefaultURL, source: map[string]string{"jwt": "env", "seed": "env"}},
		{name: "tls scheme kept", args: []string{"-s", "tls://h", "--no-context"}, servers: "tls://h:4222"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"XDG_CONFIG_HOME": x}
			for k, v := range tt.env {
				env[k] = v
			}
			s, err := parse(t, tt.args...).Resolve(Env{Getenv: envOf(env), DefaultName: "test"})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if got := s.ServerList(); got != tt.servers {
				t.Errorf("servers = %q, want %q", got, tt.servers)
			}
			if s.User != tt.user || s.Password != tt.pass || s.Token != tt.token {
				t.Errorf("auth = %q/%q/%q, want %q/%q/%q", s.User, s.Password, s.Token, tt.user, tt.pass, tt.token)
			}
			if s.Context != tt.ctx {
				t.Errorf("context = %q, want %q", s.Context, tt.ctx)
			}
			for k, v := range tt.source {
				if s.Source[k] != v {
					t.Errorf("source[%s] = %q, want %q", k, s.Source[k], v)
				}
			}
			if tt.timeout != 0 && (s.Timeout != tt.timeout || s.ConnectTimeout != tt.timeout) {
				t.Errorf("timeout = %v/%v, want %v", s.Timeout, s.ConnectTimeout, tt.timeout)
			}
			if s.Name != "test" {
				t.Errorf("name = %q", s.Name)
			}
		})
	}
}

func TestConnectTimeout(t *testing.T) {
	s, err := parse(t, "--timeout", "9s", "--connect-timeout", "1s", "--no-context").Resolve(Env{Getenv: envOf(map[string]string{"NATS_TIMEOUT": "4s"})})
	if err != nil {
		t.Fatal(err)
	}
	if s.Timeout != 9*time.Second || s.ConnectTimeout != time.Second {
		t.Errorf("timeout %v connect %v", s.Timeout, s.ConnectTimeout)
	}
	s, err = parse(t, "--no-context").Resolve(Env{Getenv: envOf(map[string]string{"NATS_TIMEOUT": "4s"})})
	if err != nil {
		t.Fatal(err)
	}
	if s.Timeout != 4*time.Second || s.ConnectTimeout != 4*time.Second || s.Source["connect-timeout"] != "env" {
		t.Errorf("timeout %v connect %v", s.Timeout, s.ConnectTimeout)
	}
}

func TestResolveContextFields(t *testing.T) {
	// testdata/nats/context/foo.json was written by `nats context save` (natscli v0.5.0).
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	s, err := parse(t).Resolve(Env{Getenv: envOf(map[string]string{"XDG_CONFIG_HOME": abs})})
	if err != nil {
		t.Fatal(err)
	}
	if s.Context != "foo" || s.User != "bob" || s.Password != "secret" || s.TLSCert != "c.pem" ||
		s.TLSKey != "k.pem" || s.TLSCA != "ca.pem" || !s.TLSFirst || s.InboxPrefix != "_MY" ||
		s.ServerList() != "nats://127.0.0.1:24555" {
		t.Errorf("unexpected settings from natscli context: %+v", s)
	}
}

// TestNatscliContextSave has the reference natscli write a context and reads it.
func TestNatscliContextSave(t *testing.T) {
	bin := os.Getenv("NATSYS_REF_NATS")
	if bin == "" {
		bin = filepath.Join(os.Getenv("HOME"), ".cache", "natsys", "ref", "nats")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("reference natscli not found at %s (set NATSYS_REF_NATS): %v", bin, err)
	}
	x := t.TempDir()
	cmd := exec.Command(bin, "context", "save", "refctx", "--server", "nats://h1:4000,nats://h2:4001",
		"--user", "ru", "--password", "rp", "--inbox-prefix", "_R", "--select")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+x)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nats context save: %v\n%s", err, out)
	}
	s, err := parse(t).Resolve(Env{Getenv: envOf(map[string]string{"XDG_CONFIG_HOME": x})})
	if err != nil {
		t.Fatal(err)
	}
	if s.Context != "refctx" || s.User != "ru" || s.Password != "rp" || s.InboxPrefix != "_R" ||
		s.ServerList() != "nats://h1:4000,nats://h2:4001" {
		t.Errorf("settings from natscli-saved context: %+v", s)
	}
}

func TestResolveErrors(t *testing.T) {
	x := t.TempDir()
	writeContext(t, x, "nsc", `{"nsc":"nsc://op/acc/user"}`)
	writeContext(t, x, "bad", `{"url":`)
	empty := writeFile(t, x, "empty", "\n")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"creds and nkey", []string{"--creds", "a", "--nkey", "b", "--no-context"}, nil, "conflicting authentication options"},
		{"token and user/password", []string{"--token", "a", "--user", "u", "--password", "p", "--no-context"}, nil, "conflicting"},
		{"env conflict", []string{"--no-context"}, map[string]string{"NATS_TOKEN": "t", "NATS_CREDS": "c"}, "conflicting"},
		{"password without user", []string{"--password", "p", "--no-context"}, nil, "without a user"},
		{"password and password-file", []string{"--password", "p", "--password-file", empty, "--no-context"}, nil, "both"},
		{"empty password file", []string{"--password-file", empty, "--no-context"}, nil, "one non-empty line"},
		{"missing token file", []string{"--token-file", filepath.Join(x, "nope"), "--no-context"}, nil, "--token-file"},
		{"unknown context", []string{"--context", "nope"}, nil, "unknown context"},
		{"bad context name", []string{"--context", "../x"}, nil, "invalid context name"},
		{"invalid context json", []string{"--context", "bad"}, nil, "invalid JSON"},
		{"nsc context", []string{"--context", "nsc"}, nil, "does not support"},
		{"jwt without seed", []string{"--jwt", "eyJ", "--no-context"}, nil, "together"},
		{"jwt and creds", []string{"--jwt", "eyJ", "--seed", "SU", "--creds", "c", "--no-context"}, nil, "conflicting"},
		{"bad scheme", []string{"-s", "http://u:sekrit@h", "--no-context"}, nil, "unsupported URL scheme"},
		{"bad timeout env", []string{"--no-context"}, map[string]string{"NATS_TIMEOUT": "soon"}, "timeout"},
		{"cert without key", []string{"--tlscert", "c", "--no-context"}, nil, "together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"XDG_CONFIG_HOME": x}
			for k, v := range tt.env {
				env[k] = v
			}
			_, err := parse(t, tt.args...).Resolve(Env{Getenv: envOf(env)})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if exit.Code(err) != exit.Usage {
				t.Errorf("exit code %d, want %d", exit.Code(err), exit.Usage)
			}
			if strings.Contains(err.Error(), "sekrit") {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
	var e *exit.Error
	_, err := parse(t, "--context", "nope").Resolve(Env{Getenv: envOf(map[string]string{"XDG_CONFIG_HOME": x})})
	if !errors.As(err, &e) || !errors.Is(err, ErrNoContext) {
		t.Errorf("want *exit.Error wrapping ErrNoContext, got %v", err)
	}
}

func TestRedact(t *testing.T) {
	s := &Settings{Password: "hunter2", Token: "s3cr3ttoken", Seed: "SUAVERYSECRET"}
	tests := []struct{ in, want string }{
		{"dial nats://bob:hunter2@h:4222 failed", "dial nats://bob:****@h:4222 failed"},
		{"nats://s3cr3ttoken@h:1,tls://a:b@c", "nats://****@h:1,tls://a:****@c"},
		{`"nats://u:p@ss@h/x"`, `"nats://u:****@h/x"`},
		{"token s3cr3ttoken and hunter2 leaked", "token **** and **** leaked"},
		{"seed SUAVERYSECRET", "seed ****"},
		{"no url here", "no url here"},
		{"nats://h:4222", "nats://h:4222"},
	}
	for _, tt := range tests {
		if got := s.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAuthWarnings(t *testing.T) {
	s, err := parse(t, "--password", "p", "--user", "u", "--no-context").Resolve(Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || strings.Contains(s.Warnings[0], "p\n") {
		t.Errorf("warnings = %q", s.Warnings)
	}
	s, err = parse(t, "-s", "nats://u:pw@h", "--no-context", "--no-auth-warning").Resolve(Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings with --no-auth-warning: %q", s.Warnings)
	}
	s, err = parse(t, "-s", "nats://u:pw@h", "--no-context").Resolve(Env{})
	if err != nil || len(s.Warnings) != 1 {
		t.Errorf("URL credentials: warnings %q err %v", s.Warnings, err)
	}
}

func TestContextNames(t *testing.T) {
	dir := t.TempDir()
	if names, err := ContextNames(dir); err != nil || names != nil {
		t.Errorf("no context folder: %q %v", names, err)
	}
	ctx := filepath.Join(dir, "context")
	if err := os.MkdirAll(ctx, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"b.json", "a.json", "notes.txt", ".hidden.json"} {
		if err := os.WriteFile(filepath.Join(ctx, p), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(ctx, "d.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	names, err := ContextNames(dir)
	if err != nil || strings.Join(names, ",") != "a,b" {
		t.Errorf("ContextNames = %q, %v; want a,b", names, err)
	}
}
