package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"sync"

	"github.com/nats-io/nkeys"
	"golang.org/x/crypto/bcrypt"
)

// connTypeStandard is the allowed_connection_types value of a plain TCP client.
const connTypeStandard = "STANDARD"

// bcryptPrefix recognises a bcrypt hash (config.md §5.4).
var bcryptPrefix = regexp.MustCompile(`^\$2[abxy]\$\d{2}\$.*`)

// authUser is a resolved identity a client can log in as.
type authUser struct {
	name     string // username, or the public nkey
	isNkey   bool
	password string
	account  string // "" = $G
	perms    *permissions
	allowed  map[string]struct{} // nil = any connection type
	label    string              // "user:alice", "nkey:U...", "token"
}

// authConfig is the server's client authentication setup, rebuilt on reload.
type authConfig struct {
	required   bool // INFO auth_required
	nonce      bool // INFO nonce (nkey users exist)
	token      string
	single     *authUser // single user/password mode
	users      map[string]*authUser
	nkeys      map[string]*authUser
	noAuthUser *authUser
	// hiddenNoAuth: noAuthUser is the generated user of the system-account
	// special case; the first INFO then still says auth_required.
	hiddenNoAuth bool
	// tlsMap: users come from client certificates (tls.verify_and_map).
	tlsMap bool
	// dummyHash is a configured bcrypt hash checked for unknown users, so
	// that they cost as much as a wrong password ("" without bcrypt users).
	dummyHash string
}

// dummyCheck runs a password comparison whose result is ignored.
func (ac *authConfig) dummyCheck(given string) {
	if ac.dummyHash != "" {
		_ = bcrypt.CompareHashAndPassword([]byte(ac.dummyHash), []byte(given))
		return
	}
	_ = subtle.ConstantTimeCompare([]byte(given), []byte(given))
}

// buildAuth derives the authentication setup from o. Users without their own
// permissions get their account's default permissions.
func buildAuth(o *Options) *authConfig {
	defPerms := map[string]*Permissions{}
	for _, a := range o.Accounts {
		defPerms[a.Name] = a.DefaultPermissions
	}
	permsFor := func(p *Permissions, acc string) *permissions {
		if p == nil {
			p = defPerms[acc]
		}
		return compilePermissions(p)
	}
	ac := &authConfig{tlsMap: o.TLS && o.TLSMap}
	switch {
	case o.Authorization != "":
		ac.token = o.Authorization
		ac.required = true
	case o.Username != "":
		ac.single = &authUser{name: o.Username, password: o.Password, label: "user:" + o.Username}
		ac.required = true
	}
	if len(o.Users) > 0 {
		ac.users = make(map[string]*authUser, len(o.Users))
		for _, u := range o.Users {
			if ac.dummyHash == "" && isBcrypt(u.Password) {
				ac.dummyHash = u.Password
			}
			ac.users[u.Username] = &authUser{
				name: u.Username, password: u.Password, account: u.Account,
				perms: permsFor(u.Permissions, u.Account), allowed: u.AllowedConnectionTypes,
				label: "user:" + u.Username,
			}
		}
		ac.required = true
	}
	if len(o.Nkeys) > 0 {
		ac.nkeys = make(map[string]*authUser, len(o.Nkeys))
		for _, u := range o.Nkeys {
			ac.nkeys[u.Nkey] = &authUser{
				name: u.Nkey, isNkey: true, account: u.Account,
				perms: permsFor(u.Permissions, u.Account), allowed: u.AllowedConnectionTypes,
				label: "nkey:" + u.Nkey,
			}
		}
		ac.required = true
		ac.nonce = true
	}
	if o.NoAuthUser != "" {
		if u := ac.users[o.NoAuthUser]; u != nil {
			ac.noAuthUser = u
		} else if u := ac.nkeys[o.NoAuthUser]; u != nil {
			ac.noAuthUser = u
		}
	} else if sysOnlyUsers(o) {
		// Only the system account has users: plain clients still get in,
		// as a hidden user of $G, while INFO keeps auth_required.
		name := "nats-" + randomToken(8)
		ac.noAuthUser = &authUser{name: name, label: "user:" + name}
		ac.hiddenNoAuth = true
	}
	return ac
}

// sysOnlyUsers reports the reference's special case (config.md §5.6): the
// only configured account is the system account, it has all the users, and
// there is no authorization block for $G.
func sysOnlyUsers(o *Options) bool {
	if o.NoSystemAccount || o.authBlockDefined || o.Username != "" || o.Authorization != "" || len(o.Accounts) != 1 {
		return false
	}
	sys := o.SystemAccount
	if sys == "" {
		sys = DefaultSystemAccount
	}
	if o.Accounts[0].Name != sys || len(o.Users)+len(o.Nkeys) == 0 {
		return false
	}
	for _, u := range o.Users {
		if u.Account != sys {
			return false
		}
	}
	for _, u := range o.Nkeys {
		if u.Account != sys {
			return false
		}
	}
	return true
}

// randomToken returns n random letters and digits.
func randomToken(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// hasPlaintextPasswords reports whether a configured password is not bcrypt.
func hasPlaintextPasswords(o *Options) bool {
	if o.Password != "" && !isBcrypt(o.Password) {
		return true
	}
	for _, u := range o.Users {
		if u.Password != "" && !isBcrypt(u.Password) {
			return true
		}
	}
	return false
}

func isBcrypt(s string) bool { return bcryptPrefix.MatchString(s) }

// allowsStandard reports whether a plain TCP client may log in as u.
func (u *authUser) allowsStandard() bool {
	if len(u.allowed) == 0 {
		return true
	}
	_, ok := u.allowed[connTypeStandard]
	return ok
}

// authResult is the outcome of checking a CONNECT's credentials.
type authResult struct {
	user   *authUser // nil on failure (or when no auth is configured)
	reason string    // debug detail on failure ("Signature not verified")
	// logUser, when set, is the user the failure is logged for instead of
	// the CONNECT's (a user mapped from a TLS certificate).
	logUser string
}

// logSuffix is what the "authentication error" line of a failure names.
func (r authResult) logSuffix(co *connectOpts) string {
	if r.logUser != "" {
		return fmt.Sprintf(" - User %q", r.logUser)
	}
	return authErrorSuffix(co)
}

// authenticate checks credentials against ac in the reference's order
// (config.md §5.3). c is the connection: its INFO nonce and, with
// verify_and_map, its TLS client certificate.
func (s *Server) authenticate(ac *authConfig, co *connectOpts, c *client) authResult {
	noCreds := co.Username == "" && co.Password == "" && co.Token == "" && co.Nkey == ""
	if ac.nkeys != nil && noCreds && ac.noAuthUser != nil && ac.noAuthUser.isNkey {
		return authResult{user: ac.noAuthUser}
	}
	if co.Nkey != "" && ac.nkeys != nil {
		return s.authNkey(ac, co, c.nonce)
	}
	if ac.tlsMap && ac.users != nil {
		return s.authCert(ac, co, c)
	}
	if ac.users != nil {
		if noCreds && ac.noAuthUser != nil && !ac.noAuthUser.isNkey {
			return authResult{user: ac.noAuthUser}
		}
		if co.Username == "" {
			return authResult{}
		}
		u := ac.users[co.Username]
		if u == nil {
			// Spend what a wrong password costs, so that response times do
			// not tell which users exist.
			ac.dummyCheck(co.Password)
			return authResult{}
		}
		if !s.checkPassword(u.password, co.Password) || !u.allowsStandard() {
			return authResult{}
		}
		return authResult{user: u}
	}
	if ac.token != "" {
		if co.Token == "" || !s.checkPassword(ac.token, co.Token) {
			return authResult{}
		}
		return authResult{user: &authUser{label: "token"}}
	}
	if ac.single != nil {
		// Both checks always run: the time taken does not tell a wrong
		// name from a wrong password.
		nameOK := subtle.ConstantTimeCompare([]byte(co.Username), []byte(ac.single.name)) == 1
		passOK := s.checkPassword(ac.single.password, co.Password)
		if !nameOK || !passOK {
			return authResult{}
		}
		return authResult{user: ac.single}
	}
	return authResult{}
}

// authCert maps the client certificate to a user (tls.verify_and_map); a
// CONNECT that names a user too is refused.
func (s *Server) authCert(ac *authConfig, co *connectOpts, c *client) authResult {
	u := c.mapCertUser(ac)
	if u == nil {
		return authResult{}
	}
	if co.Username != "" {
		s.log.Warnf("User %q found in connect proto, but user required from cert", co.Username)
		return authResult{logUser: u.name}
	}
	if !u.allowsStandard() {
		return authResult{logUser: u.name}
	}
	return authResult{user: u}
}

// authFailed rejects a connection whose credentials did not pass: the
// debug detail, the "authentication error" line (config.md §5.5), then
// -ERR 'Authorization Violation' and close with reason Authentication
// Failure. Every credential failure (CONNECT, reload re-authentication)
// goes through here; the close reason is what clientClosed turns into the
// AUTH.ERR advisories (system-events.md §4.4).
func (c *client) authFailed(co *connectOpts, res authResult) {
	if res.reason != "" {
		c.Debugf("%s", res.reason)
	}
	c.Errorf("authentication error%s", res.logSuffix(co))
	c.authViolation()
}

func (s *Server) authNkey(ac *authConfig, co *connectOpts, nonce []byte) authResult {
	u := ac.nkeys[co.Nkey]
	if u == nil || !u.allowsStandard() {
		return authResult{}
	}
	if co.Sig == "" {
		return authResult{reason: "Signature missing"}
	}
	sig, err := base64.RawURLEncoding.DecodeString(co.Sig)
	if err != nil {
		sig, err = base64.StdEncoding.DecodeString(co.Sig)
		if err != nil {
			return authResult{reason: "Signature not valid base64"}
		}
	}
	pub, err := nkeys.FromPublicKey(co.Nkey)
	if err != nil {
		return authResult{reason: fmt.Sprintf("User nkey not valid: %v", err)}
	}
	if err := pub.Verify(nonce, sig); err != nil {
		return authResult{reason: "Signature not verified"}
	}
	return authResult{user: u}
}

// checkPassword compares a client's password with the configured one: bcrypt
// when the configured value is a hash (successful checks are cached),
// otherwise a constant-time compare.
func (s *Server) checkPassword(configured, given string) bool {
	if !isBcrypt(configured) {
		return subtle.ConstantTimeCompare([]byte(configured), []byte(given)) == 1
	}
	if s.bcache.ok(configured, given) {
		return true
	}
	if bcrypt.CompareHashAndPassword([]byte(configured), []byte(given)) != nil {
		return false
	}
	s.bcache.add(configured, given)
	return true
}

// bcryptCache remembers passwords that matched a bcrypt hash, so reconnects
// and reload re-authentication do not pay bcrypt's cost again.
type bcryptCache struct {
	mu sync.Mutex
	m  map[string]string // hash -> password that matched
}

func (b *bcryptCache) ok(hash, pass string) bool {
	b.mu.Lock()
	p, found := b.m[hash]
	b.mu.Unlock()
	return found && subtle.ConstantTimeCompare([]byte(p), []byte(pass)) == 1
}

func (b *bcryptCache) add(hash, pass string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil || len(b.m) >= bcryptCacheSize {
		b.m = make(map[string]string)
	}
	b.m[hash] = pass
}

// authErrorSuffix is what the "authentication error" log line names
// (config.md §5.5); secrets are never logged.
func authErrorSuffix(co *connectOpts) string {
	switch {
	case co.Nkey != "":
		return fmt.Sprintf(" - Nkey %q", co.Nkey)
	case co.Username != "":
		return fmt.Sprintf(" - User %q", co.Username)
	case co.JWT != "":
		return " - JWT User"
	case co.Token != "":
		return ` - Token "[REDACTED]"`
	}
	return ""
}
