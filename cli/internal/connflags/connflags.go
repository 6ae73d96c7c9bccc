// Package connflags defines the connection flags shared by every natsys CLI
// and resolves them, the NATS_* environment variables and the selected natscli
// context into one plain Settings value (precedence: flag > environment >
// context > built-in default). Settings knows every secret it holds and can
// redact them from any message.
package connflags

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/natsys/natsys/cli/internal/exit"
)

// Flags holds the connection flags as parsed from the command line.
type Flags struct {
	Server         string
	User           string
	Password       string
	PasswordFile   string
	Token          string
	TokenFile      string
	Creds          string
	NKey           string
	JWT            string
	Seed           string
	TLSCert        string
	TLSKey         string
	TLSCA          string
	TLSFirst       bool
	ConnectionName string
	ConnectTimeout time.Duration
	Timeout        time.Duration
	InboxPrefix    string
	Context        string
	NoContext      bool
	NoAuthWarning  bool
	// Trace asks for a protocol trace on stderr (see RegisterTrace).
	Trace bool

	fs         *pflag.FlagSet
	hasTimeout bool
}

// Register adds the connection flags to fs.
func (f *Flags) Register(fs *pflag.FlagSet) {
	f.fs = fs
	fs.StringVarP(&f.Server, "server", "s", "", "NATS server URL(s), comma separated; user:password@ accepted (env NATS_URL)")
	fs.StringVar(&f.User, "user", "", "user name; alone it is used as a token (env NATS_USER)")
	fs.StringVar(&f.Password, "password", "", "password; prefer --password-file or NATS_PASSWORD (env NATS_PASSWORD)")
	fs.StringVar(&f.PasswordFile, "password-file", "", "read the password from this file (env NATS_PASSWORD_FILE)")
	fs.StringVar(&f.Token, "token", "", "authentication token; prefer --token-file (env NATS_TOKEN)")
	fs.StringVar(&f.TokenFile, "token-file", "", "read the token from this file (env NATS_TOKEN_FILE)")
	fs.StringVar(&f.Creds, "creds", "", "user credentials file, JWT and seed (env NATS_CREDS)")
	fs.StringVar(&f.NKey, "nkey", "", "user NKey seed file (env NATS_NKEY)")
	fs.StringVar(&f.JWT, "jwt", "", "user JWT, used with --seed (env NATS_JWT)")
	fs.StringVar(&f.Seed, "seed", "", "user NKey seed for --jwt (env NATS_SEED)")
	fs.StringVar(&f.TLSCert, "tlscert", "", "TLS client certificate file (env NATS_CERT)")
	fs.StringVar(&f.TLSKey, "tlskey", "", "TLS client private key file (env NATS_KEY)")
	fs.StringVar(&f.TLSCA, "tlsca", "", "TLS certificate authority file (env NATS_CA)")
	fs.BoolVar(&f.TLSFirst, "tlsfirst", false, "perform the TLS handshake before the server's INFO")
	fs.StringVar(&f.ConnectionName, "connection-name", "", "connection name shown in the server's connz")
	fs.DurationVar(&f.ConnectTimeout, "connect-timeout", DefaultTimeout, "how long to try to connect (env NATS_TIMEOUT)")
	fs.StringVar(&f.InboxPrefix, "inbox-prefix", "", "prefix of reply inboxes (env NATS_INBOX_PREFIX)")
	fs.StringVar(&f.Context, "context", "", "natscli context to use (env NATS_CONTEXT)")
	fs.BoolVar(&f.NoContext, "no-context", false, "ignore natscli contexts")
	fs.BoolVar(&f.NoAuthWarning, "no-auth-warning", false, "do not warn about secrets given on the command line")
}

// RegisterTimeout adds --timeout: the deadline of each wait of the command
// (connecting, flushing, waiting for replies), default DefaultTimeout, env
// NATS_TIMEOUT. Commands with their own meaning of --timeout (nats-sub)
// do not call it.
func (f *Flags) RegisterTimeout(fs *pflag.FlagSet) {
	f.hasTimeout = true
	fs.DurationVar(&f.Timeout, "timeout", DefaultTimeout, "deadline for connecting, for the final flush and for each request's replies (env NATS_TIMEOUT)")
}

// RegisterTrace adds --trace: log every protocol operation (connect, SUB,
// PUB, MSG, PING/PONG) on stderr, with secrets redacted. Commands that
// call it wrap their dialer with natsconn.Traced when Trace is set.
func (f *Flags) RegisterTrace(fs *pflag.FlagSet) {
	fs.BoolVar(&f.Trace, "trace", false, "log the protocol operations (connect, SUB, PUB, MSG, PING) on stderr; secrets are never shown")
}

// changed reports whether the flag named name was given on the command line.
func (f *Flags) changed(name string) bool {
	return f.fs != nil && f.fs.Changed(name)
}

// Settings is the resolved connection configuration. It is safe to print
// only through Redact/ServerList.
type Settings struct {
	// Servers are the server URLs without userinfo.
	Servers   []string
	User      string
	Password  string
	Token     string
	CredsFile string
	NKeyFile  string
	// JWT and Seed are a user JWT and its NKey seed (the seed is secret).
	JWT      string
	Seed     string
	TLSCert  string
	TLSKey   string
	TLSCA    string
	TLSFirst bool
	Name     string
	// ConnectTimeout bounds connecting: --connect-timeout, else --timeout,
	// else NATS_TIMEOUT, else DefaultTimeout.
	ConnectTimeout time.Duration
	// Timeout is the operation deadline: --timeout, else NATS_TIMEOUT,
	// else DefaultTimeout.
	Timeout     time.Duration
	InboxPrefix string
	// Context is the natscli context that was read, "" if none.
	Context string
	// Source tells, for each setting name ("server", "user", "password",
	// "token", "creds", "nkey", "tlscert", "tlskey", "tlsca", "tlsfirst",
	// "timeout", "connect-timeout", "inbox-prefix"), where its value came from.
	Source map[string]string
	// Warnings are messages for stderr (secrets given on the command line).
	Warnings []string
}

// Env is what Resolve needs from the process.
type Env struct {
	// Getenv looks up an environment variable ("" when unset).
	Getenv func(string) string
	// DefaultName is the connection name used when none is given.
	DefaultName string
}

// level is one source of settings in precedence order.
type level struct {
	name string // "flag", "env", "context NAME"
	vals map[string]string
}

// Resolve merges the flags, the environment and the selected context.
// Errors are usage errors (exit code 2) naming the setting, never its value.
func (f *Flags) Resolve(env Env) (*Settings, error) {
	getenv := env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	flagLvl, err := f.flagLevel()
	if err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	envLvl, err := envLevel(getenv)
	if err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	levels := []level{flagLvl, envLvl}
	s := &Settings{Source: map[string]string{}, Name: env.DefaultName}
	if !f.NoContext {
		ctxName, lvl, err := f.contextLevel(getenv)
		if err != nil {
			return nil, exit.WithCode(exit.Usage, err)
		}
		if ctxName != "" {
			s.Context = ctxName
			levels = append(levels, lvl)
		}
	}
	if err := s.resolve(levels); err != nil {
		return nil, exit.WithCode(exit.Usage, err)
	}
	if f.ConnectionName != "" {
		s.Name = f.ConnectionName
	}
	if !f.NoAuthWarning {
		s.Warnings = f.authWarnings()
	}
	return s, nil
}

// flagLevel collects the flags that were given.
func (f *Flags) flagLevel() (level, error) {
	l := level{name: "flag", vals: map[string]string{}}
	set := func(key, flag, val string) {
		if f.changed(flag) {
			l.vals[key] = val
		}
	}
	set("server", "server", f.Server)
	set("user", "user", f.User)
	set("password", "password", f.Password)
	set("token", "token", f.Token)
	set("creds", "creds", f.Creds)
	set("nkey", "nkey", f.NKey)
	set("jwt", "jwt", f.JWT)
	set("seed", "seed", f.Seed)
	set("tlscert", "tlscert", f.TLSCert)
	set("tlskey", "tlskey", f.TLSKey)
	set("tlsca", "tlsca", f.TLSCA)
	set("inbox-prefix", "inbox-prefix", f.InboxPrefix)
	if f.changed("tlsfirst") && f.TLSFirst {
		l.vals["tlsfirst"] = "true"
	}
	if f.hasTimeout && f.changed("timeout") {
		l.vals["timeout"] = f.Timeout.String()
	}
	if f.changed("connect-timeout") {
		l.vals["connect-timeout"] = f.ConnectTimeout.String()
	}
	if err := readSecretFile(l.vals, "password", "--password-file", f.PasswordFile); err != nil {
		return l, err
	}
	if err := readSecretFile(l.vals, "token", "--token-file", f.TokenFile); err != nil {
		return l, err
	}
	return l, nil
}

// envVars maps environment variables to setting names.
var envVars = []struct{ env, key string }{
	{"NATS_URL", "server"}, {"NATS_USER", "user"}, {"NATS_PASSWORD", "password"},
	{"NATS_TOKEN", "token"}, {"NATS_CREDS", "creds"}, {"NATS_NKEY", "nkey"},
	{"NATS_JWT", "jwt"}, {"NATS_SEED", "seed"},
	{"NATS_CERT", "tlscert"}, {"NATS_KEY", "tlskey"}, {"NATS_CA", "tlsca"},
	{"NATS_TIMEOUT", "timeout"}, {"NATS_INBOX_PREFIX", "inbox-prefix"},
}

func envLevel(getenv func(string) string) (level, error) {
	l := level{name: "env", vals: map[string]string{}}
	for _, e := range envVars {
		if v := getenv(e.env); v != "" {
			l.vals[e.key] = v
		}
	}
	if err := readSecretFile(l.vals, "password", "NATS_PASSWORD_FILE", getenv("NATS_PASSWORD_FILE")); err != nil {
		return l, err
	}
	if err := readSecretFile(l.vals, "token", "NATS_TOKEN_FILE", getenv("NATS_TOKEN_FILE")); err != nil {
		return l, err
	}
	return l, nil
}

// readSecretFile stores the first line of path under key (if path is set).
func readSecretFile(vals map[string]string, key, what, path string) error {
	if path == "" {
		return nil
	}
	if _, dup := vals[key]; dup {
		return fmt.Errorf("both %s and the %s itself were given", what, key)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" || strings.ContainsAny(v, "\r\n") {
		return fmt.Errorf("%s %s: must hold exactly one non-empty line", what, path)
	}
	vals[key] = v
	return nil
}

// contextLevel finds and reads the selected context: --context, then
// NATS_CONTEXT, then the name stored in context.txt.
func (f *Flags) contextLevel(getenv func(string) string) (string, level, error) {
	dir := ConfigDir(getenv)
	name := f.Context
	if name == "" {
		name = getenv("NATS_CONTEXT")
	}
	if name == "" {
		sel, err := SelectedContext(dir)
		if err != nil {
			return "", level{}, err
		}
		name = sel
	}
	if name == "" {
		return "", level{}, nil
	}
	c, err := LoadContext(dir, name)
	if err != nil {
		return "", level{}, err
	}
	if c.NSC != "" || c.SocksProxy != "" {
		return "", level{}, fmt.Errorf("context %q uses nsc or socks_proxy, which natsys does not support (use --no-context)", name)
	}
	l := level{name: "context " + name, vals: map[string]string{}}
	for k, v := range map[string]string{
		"server": c.URL, "user": c.User, "password": c.Password, "token": c.Token,
		"creds": expandHome(c.Creds, getenv), "nkey": expandHome(c.NKey, getenv),
		"tlscert": expandHome(c.Cert, getenv), "tlskey": expandHome(c.Key, getenv),
		"tlsca": expandHome(c.CA, getenv), "inbox-prefix": c.InboxPrefix,
		"jwt": c.UserJWT, "seed": c.UserSeed,
	} {
		if v != "" {
			l.vals[k] = v
		}
	}
	if c.TLSFirst {
		l.vals["tlsfirst"] = "true"
	}
	return name, l, nil
}

func expandHome(p string, getenv func(string) string) string {
	if h := getenv("HOME"); h != "" && strings.HasPrefix(p, "~/") {
		return h + p[1:]
	}
	return p
}

// first returns the value of key from the highest level that has it.
func first(levels []level, key string) (string, string) {
	for _, l := range levels {
		if v, ok := l.vals[key]; ok {
			return v, l.name
		}
	}
	return "", ""
}

// resolve fills s from the levels (highest precedence first).
func (s *Settings) resolve(levels []level) error {
	server, src := first(levels, "server")
	if server == "" {
		server, src = DefaultURL, "default"
	}
	s.Source["server"] = src
	urls, ui, err := parseServers(server)
	if err != nil {
		return fmt.Errorf("%s (%s): %w", "server URL", src, err)
	}
	s.Servers = urls
	if ui != nil {
		// Userinfo of a URL counts as user/password (or token) at the URL's
		// level, below an explicit setting of the same level.
		for i := range levels {
			if levels[i].name != src {
				continue
			}
			addUserinfo(&levels[i], ui)
		}
	}
	if err := s.resolveAuth(levels); err != nil {
		return err
	}
	for _, k := range []struct {
		key string
		dst *string
	}{{"tlscert", &s.TLSCert}, {"tlskey", &s.TLSKey}, {"tlsca", &s.TLSCA}, {"inbox-prefix", &s.InboxPrefix}} {
		if v, src := first(levels, k.key); v != "" {
			*k.dst, s.Source[k.key] = v, src
		}
	}
	if v, src := first(levels, "tlsfirst"); v == "true" {
		s.TLSFirst, s.Source["tlsfirst"] = true, src
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return fmt.Errorf("--tlscert and --tlskey must be given together")
	}
	var err2 error
	s.Timeout, s.Source["timeout"], err2 = duration(levels, "timeout")
	if err2 != nil {
		return err2
	}
	s.ConnectTimeout, s.Source["connect-timeout"], err2 = duration(levels, "connect-timeout", "timeout")
	return err2
}

// duration resolves the first of keys found on the highest level.
func duration(levels []level, keys ...string) (time.Duration, string, error) {
	for _, l := range levels {
		for _, k := range keys {
			v, ok := l.vals[k]
			if !ok {
				continue
			}
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return 0, "", fmt.Errorf("%s (%s): %q is not a positive duration", k, l.name, v)
			}
			return d, l.name, nil
		}
	}
	return DefaultTimeout, "default", nil
}

// addUserinfo records URL credentials in l unless l sets them explicitly.
func addUserinfo(l *level, ui *url.Userinfo) {
	for _, k := range []string{"user", "password", "token", "creds", "nkey", "jwt", "seed"} {
		if _, ok := l.vals[k]; ok {
			return
		}
	}
	pass, hasPass := ui.Password()
	if hasPass {
		l.vals["user"], l.vals["password"] = ui.Username(), pass
		return
	}
	if u := ui.Username(); u != "" {
		l.vals["token"] = u
	}
}

// authKinds lists the authentication methods a level names.
func authKinds(l level) []string {
	var kinds []string
	if l.vals["user"] != "" || l.vals["password"] != "" {
		kinds = append(kinds, "user/password")
	}
	for _, k := range []string{"token", "creds", "nkey"} {
		if l.vals[k] != "" {
			kinds = append(kinds, k)
		}
	}
	if l.vals["jwt"] != "" || l.vals["seed"] != "" {
		kinds = append(kinds, "jwt/seed")
	}
	return kinds
}

// resolveAuth picks the authentication method of the highest level that
// names one, fills its fields from that level and the levels below it
// (ignoring other methods), and rejects two methods on the same level.
func (s *Settings) resolveAuth(levels []level) error {
	for i, l := range levels {
		kinds := authKinds(l)
		if len(kinds) == 0 {
			continue
		}
		if len(kinds) > 1 {
			return fmt.Errorf("conflicting authentication options (%s): %s", l.name, strings.Join(kinds, ", "))
		}
		below := levels[i:]
		switch kinds[0] {
		case "user/password":
			for _, l2 := range below {
				if k := authKinds(l2); len(k) != 1 || k[0] != "user/password" {
					continue
				}
				if s.User == "" && l2.vals["user"] != "" {
					s.User, s.Source["user"] = l2.vals["user"], l2.name
				}
				if s.Password == "" && l2.vals["password"] != "" {
					s.Password, s.Source["password"] = l2.vals["password"], l2.name
				}
			}
			if s.User == "" {
				return fmt.Errorf("a password was given (%s) without a user", s.Source["password"])
			}
			if s.Password == "" {
				// natscli: a user without a password is a token.
				s.Token, s.Source["token"] = s.User, s.Source["user"]
				s.User = ""
				delete(s.Source, "user")
			}
		case "token":
			s.Token, s.Source["token"] = l.vals["token"], l.name
		case "creds":
			s.CredsFile, s.Source["creds"] = l.vals["creds"], l.name
		case "nkey":
			s.NKeyFile, s.Source["nkey"] = l.vals["nkey"], l.name
		case "jwt/seed":
			s.JWT, s.Seed = l.vals["jwt"], l.vals["seed"]
			s.Source["jwt"], s.Source["seed"] = l.name, l.name
			if s.JWT == "" || s.Seed == "" {
				return fmt.Errorf("--jwt and --seed must be given together (%s)", l.name)
			}
		}
		return nil
	}
	return nil
}

// parseServers splits a comma list of URLs, adds the nats:// scheme and the
// default port where missing, and strips userinfo (returned separately: the
// first one found). Errors never contain the URL's credentials.
func parseServers(list string) ([]string, *url.Userinfo, error) {
	var out []string
	var ui *url.Userinfo
	for _, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if !strings.Contains(raw, "://") {
			raw = "nats://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid URL %q", RedactURLs(raw))
		}
		switch u.Scheme {
		case "nats", "tls":
		default:
			return nil, nil, fmt.Errorf("unsupported URL scheme %q in %q (want nats:// or tls://)", u.Scheme, RedactURLs(raw))
		}
		if u.Host == "" || u.Hostname() == "" {
			return nil, nil, fmt.Errorf("URL %q has no host", RedactURLs(raw))
		}
		if u.User != nil && ui == nil {
			ui = u.User
		}
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), DefaultPort)
		}
		out = append(out, u.Scheme+"://"+host)
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("no server URL given")
	}
	return out, ui, nil
}

// authWarnings returns the warnings for secrets typed on the command line.
func (f *Flags) authWarnings() []string {
	var w []string
	if f.changed("password") {
		w = append(w, "warning: --password on the command line can be seen by other users; use --password-file or NATS_PASSWORD")
	}
	if f.changed("token") {
		w = append(w, "warning: --token on the command line can be seen by other users; use --token-file or NATS_TOKEN")
	}
	if f.changed("seed") {
		w = append(w, "warning: --seed on the command line can be seen by other users; use --creds or NATS_SEED")
	}
	if f.changed("server") && strings.Contains(f.Server, "@") {
		if _, ui, err := parseServers(f.Server); err == nil && ui != nil {
			w = append(w, "warning: credentials in --server can be seen by other users; use --password-file or NATS_PASSWORD")
		}
	}
	return w
}

// ServerList returns the server URLs, comma separated, safe to print.
func (s *Settings) ServerList() string {
	return strings.Join(s.Servers, ",")
}

// Secrets returns the secret values held by s.
func (s *Settings) Secrets() []string {
	var out []string
	for _, v := range []string{s.Password, s.Token, s.Seed} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Redact removes URL userinfo and every secret held by s from msg.
func (s *Settings) Redact(msg string) string {
	msg = RedactURLs(msg)
	if s == nil {
		return msg
	}
	for _, v := range s.Secrets() {
		if len(v) >= minRedactLen {
			msg = strings.ReplaceAll(msg, v, Mask)
		}
	}
	return msg
}

// RedactURLs replaces the userinfo of every URL in msg ("scheme://userinfo@")
// with "****" (keeping the user name when a password follows it).
func RedactURLs(msg string) string {
	var b strings.Builder
	for {
		i := strings.Index(msg, "://")
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i+3])
		rest := msg[i+3:]
		end := strings.IndexAny(rest, "/ \t\r\n\"',;?#")
		if end < 0 {
			end = len(rest)
		}
		authority := rest[:end]
		if at := strings.LastIndex(authority, "@"); at >= 0 {
			userinfo := authority[:at]
			if c := strings.Index(userinfo, ":"); c >= 0 {
				b.WriteString(userinfo[:c+1] + Mask)
			} else {
				b.WriteString(Mask)
			}
			b.WriteString(authority[at:])
		} else {
			b.WriteString(authority)
		}
		msg = rest[end:]
	}
}
