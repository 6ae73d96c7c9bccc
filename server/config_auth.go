package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nkeys"

	"github.com/natsys/natsys/server/internal/subject"
)

// Connection types a user may be restricted to (allowed_connection_types).
var connectionTypes = map[string]bool{
	"STANDARD": true, "WEBSOCKET": true, "LEAFNODE": true, "LEAFNODE_WS": true,
	"MQTT": true, "MQTT_WS": true, "IN_PROCESS": true,
}

// authBlock is what an authorization block holds before it is checked.
type authBlock struct {
	user, pass, token string
	hasUser, hasToken bool
	users             []*User
	nkeys             []*NkeyUser
	hasUsers          bool
	timeout           float64
	defaultPerms      *Permissions
}

// authorization parses the top-level authorization block (config.md §2.7).
func (p *configProcessor) authorization(it *cfgItem) {
	m, ok := p.mapping(it)
	if !ok {
		return
	}
	p.o.authBlockDefined = true
	var a authBlock
	for _, e := range m.items {
		if !p.authKey(e, &a) {
			break
		}
	}
	switch {
	case a.hasToken && (a.user != "" || a.pass != ""):
		p.errorf(it, "Cannot have a user/pass and token")
		return
	case a.hasUsers && a.hasUser:
		p.errorf(it, "Can not have a single user/pass and a users array")
		return
	case a.hasUsers && a.hasToken:
		p.errorf(it, "Can not have a token and a users array")
		return
	}
	applyDefaultPermissions(a.users, a.nkeys, a.defaultPerms)
	if !p.addUsers(it, a.users, a.nkeys) {
		return
	}
	o := p.o
	o.Username, o.Password, o.Authorization = a.user, a.pass, a.token
	o.AuthTimeout = a.timeout
	o.Users = append(o.Users, a.users...)
	o.Nkeys = append(o.Nkeys, a.nkeys...)
}

// authKey handles one key of the authorization block; false stops the block
// (after a type error, like the reference).
func (p *configProcessor) authKey(e *cfgItem, a *authBlock) bool {
	switch strings.ToLower(e.key) {
	case "user", "username":
		s, ok := p.str(e)
		a.user, a.hasUser = s, ok
		return ok
	case "pass", "password":
		s, ok := p.str(e)
		a.pass = s
		return ok
	case "token":
		s, ok := p.str(e)
		a.token, a.hasToken = s, ok
		return ok
	case "users":
		a.hasUsers = true
		a.users, a.nkeys = p.userList(e)
	case "timeout":
		p.authTimeout(e, a)
	case "default_permissions", "default_permission", "permissions":
		a.defaultPerms = p.permissions(e)
	case "auth_callout", "auth_hook", "proxy_required":
		p.notSupported(e)
	default:
		p.unknown(e)
	}
	return true
}

// authTimeout parses authorization.timeout: seconds or a duration string,
// with a warning above 60 seconds.
func (p *configProcessor) authTimeout(e *cfgItem, a *authBlock) {
	var secs float64
	switch v := e.val.(type) {
	case int64:
		secs = float64(v)
	case float64:
		secs = v
	case string:
		d, err := time.ParseDuration(v)
		if err != nil {
			p.errorf(e, "error parsing authorization config, 'timeout' %v", err)
			return
		}
		secs = d.Seconds()
	default:
		p.errorf(e, "error parsing authorization config, 'timeout' wrong type")
		return
	}
	if secs > authTimeoutWarn.Seconds() {
		p.warnf(e, "timeout", "timeout of %v (%f seconds) is high, consider keeping it under 60 seconds. "+
			"possibly caused by unquoted duration; use '1m' instead of 1m, for example", e.val, secs)
	}
	a.timeout = secs
}

// applyDefaultPermissions gives def to every user without permissions.
func applyDefaultPermissions(users []*User, nkeyUsers []*NkeyUser, def *Permissions) {
	if def == nil {
		return
	}
	for _, u := range users {
		if u.Permissions == nil {
			u.Permissions = def
		}
	}
	for _, u := range nkeyUsers {
		if u.Permissions == nil {
			u.Permissions = def
		}
	}
}

// addUsers records users and nkeys, refusing duplicates across the whole
// file (reported at it).
func (p *configProcessor) addUsers(it *cfgItem, users []*User, nkeyUsers []*NkeyUser) bool {
	if p.users == nil {
		p.users, p.nkeys = map[string]bool{}, map[string]bool{}
	}
	for _, u := range users {
		if p.users[u.Username] {
			p.errorf(it, "Duplicate user %q detected", u.Username)
			return false
		}
		p.users[u.Username] = true
	}
	for _, u := range nkeyUsers {
		if p.nkeys[u.Nkey] {
			p.errorf(it, "Duplicate nkey %q detected", u.Nkey)
			return false
		}
		p.nkeys[u.Nkey] = true
	}
	return true
}

// userList parses a users array (authorization or account, config.md §2.8).
func (p *configProcessor) userList(it *cfgItem) ([]*User, []*NkeyUser) {
	arr, ok := it.val.([]*cfgItem)
	if !ok {
		p.errorf(it, "Expected users field to be an array, got %v", it.plain())
		return nil, nil
	}
	var users []*User
	var nkeyUsers []*NkeyUser
	for _, el := range arr {
		m, ok := el.val.(*cfgMap)
		if !ok {
			p.errorf(el, "Expected user entry to be a map/struct, got %v", el.plain())
			continue
		}
		u, nk := p.userEntry(el, m)
		if u != nil {
			users = append(users, u)
		}
		if nk != nil {
			nkeyUsers = append(nkeyUsers, nk)
		}
	}
	return users, nkeyUsers
}

// userEntry parses one user map. Problems of the entry as a whole are
// reported at its last key (the reference reports the key it saw last).
func (p *configProcessor) userEntry(el *cfgItem, m *cfgMap) (*User, *NkeyUser) {
	var name, pass, nkey string
	var perms *Permissions
	var conns map[string]struct{}
	last := el
	for _, e := range m.items {
		last = e
		switch strings.ToLower(e.key) {
		case "user", "username":
			if s, ok := p.str(e); ok {
				name = s
			}
		case "pass", "password":
			if s, ok := p.str(e); ok {
				pass = s
			}
		case "nkey":
			if s, ok := p.str(e); ok {
				nkey = s
			}
		case "permissions", "permission", "authorization":
			perms = p.permissions(e)
		case "allowed_connection_types", "connection_types", "clients":
			conns = p.connectionTypes(e)
		case "proxy_required":
			p.notSupported(e)
		default:
			p.unknown(e)
		}
	}
	if nkey != "" {
		if name != "" || pass != "" {
			p.errorf(last, "Nkey users do not take usernames or passwords")
			return nil, nil
		}
		if !nkeys.IsValidPublicUserKey(nkey) {
			p.errorf(last, "Not a valid public nkey for a user")
			return nil, nil
		}
		return nil, &NkeyUser{Nkey: nkey, Permissions: perms, AllowedConnectionTypes: conns}
	}
	if name == "" {
		p.errorf(last, "User entry requires a user")
		return nil, nil
	}
	return &User{Username: name, Password: pass, Permissions: perms, AllowedConnectionTypes: conns}, nil
}

// connectionTypes parses allowed_connection_types: a string or an array of
// strings among the known types.
func (p *configProcessor) connectionTypes(e *cfgItem) map[string]struct{} {
	var names []string
	switch v := e.val.(type) {
	case string:
		names = []string{v}
	case []*cfgItem:
		for _, el := range v {
			s, ok := el.val.(string)
			if !ok {
				p.errorf(e, "error parsing allowed connection types: unsupported type %s", el.typeName())
				return nil
			}
			names = append(names, s)
		}
	default:
		p.errorf(e, "error parsing allowed connection types: unsupported type %s", e.typeName())
		return nil
	}
	set := make(map[string]struct{}, len(names))
	var bad []string
	for _, n := range names {
		n = strings.ToUpper(n)
		if !connectionTypes[n] {
			bad = append(bad, n)
			continue
		}
		set[n] = struct{}{}
	}
	if len(bad) > 0 {
		p.errorf(e, "invalid connection types %q", bad)
		return nil
	}
	return set
}

// permissions parses a permissions map (config.md §2.9). Problems are
// collected; a type error ends the map, like the reference.
func (p *configProcessor) permissions(it *cfgItem) *Permissions {
	m, ok := it.val.(*cfgMap)
	if !ok {
		p.errorf(it, "Expected permissions to be a map/struct, got %v", it.plain())
		return nil
	}
	perms := &Permissions{}
	for _, e := range m.items {
		switch strings.ToLower(e.key) {
		case "publish", "pub", "import":
			perms.Publish = p.subjectPermission(e, false)
		case "subscribe", "sub", "export":
			perms.Subscribe = p.subjectPermission(e, true)
		case "allow_responses", "publish_allow_responses":
			rp, stop := p.responsePermission(e)
			if stop {
				return perms
			}
			perms.Response = rp
		default:
			p.errorf(e, "Unknown field %q parsing permissions", e.key)
		}
	}
	return perms
}

// subjectPermission parses the value of publish or subscribe: a subject,
// an array of subjects (an allow list) or an allow/deny map. The reference
// gives the invalid-subject errors of the first two forms no position.
// It returns nil after a problem.
func (p *configProcessor) subjectPermission(e *cfgItem, sub bool) *SubjectPermission {
	m, ok := e.val.(*cfgMap)
	if !ok {
		list, ok := p.subjectList(e, sub, false)
		if !ok {
			return nil
		}
		return &SubjectPermission{Allow: list}
	}
	sp := &SubjectPermission{}
	failed := false
	for _, ad := range m.items {
		switch strings.ToLower(ad.key) {
		case "allow":
			list, ok := p.subjectList(ad, sub, true)
			sp.Allow, failed = list, failed || !ok
		case "deny":
			list, ok := p.subjectList(ad, sub, true)
			sp.Deny, failed = list, failed || !ok
		default:
			p.errorf(ad, "Unknown field name %q parsing subject permissions, only 'allow' or 'deny' are permitted", ad.key)
			failed = true
		}
	}
	if failed {
		return nil
	}
	return sp
}

// subjectList parses a subject or an array of subjects and validates them.
// withPos selects whether subject errors carry e's position.
func (p *configProcessor) subjectList(e *cfgItem, sub, withPos bool) ([]string, bool) {
	at := e
	if !withPos {
		at = nil
	}
	var list []string
	switch v := e.val.(type) {
	case string:
		list = []string{v}
	case []*cfgItem:
		for _, el := range v {
			s, ok := el.val.(string)
			if !ok {
				p.errorf(el, "Subject in permissions array cannot be cast to string")
				return nil, false
			}
			list = append(list, s)
		}
	default:
		p.errorf(at, "Expected subject permissions to be a subject, or array of subjects, got %s", e.typeName())
		return nil, false
	}
	for _, s := range list {
		if msg := checkPermissionSubject(s, sub); msg != "" {
			p.errorf(at, "%s", msg)
			return nil, false
		}
	}
	return list, true
}

// checkPermissionSubject validates a permission entry; subscribe entries may
// be "<subject> <queue>". It returns the error text, "" when valid.
func checkPermissionSubject(s string, sub bool) string {
	if sub {
		fields := strings.Fields(s)
		if len(fields) == 2 {
			if !subject.ValidSubject(fields[0]) {
				return fmt.Sprintf("subject %q is not a valid subject", fields[0])
			}
			if !subject.ValidQueue(fields[1]) {
				return fmt.Sprintf("queue %q is not a valid queue", fields[1])
			}
			return ""
		}
	}
	if !subject.ValidSubject(s) {
		return fmt.Sprintf("subject %q is not a valid subject", s)
	}
	return ""
}

// responsePermission parses allow_responses: true/false or a map of max and
// expires. stop reports a type error, which ends the permissions map.
func (p *configProcessor) responsePermission(e *cfgItem) (rp *ResponsePermission, stop bool) {
	switch v := e.val.(type) {
	case bool:
		if !v {
			return nil, false
		}
		return &ResponsePermission{MaxMsgs: defaultResponseMaxMsgs, Expires: defaultResponseExpires}, false
	case *cfgMap:
		rp := &ResponsePermission{}
		failed := false
		for _, r := range v.items {
			switch strings.ToLower(r.key) {
			case "max", "max_msgs", "max_messages", "max_responses":
				n, ok := p.integer(r)
				if !ok {
					return nil, true
				}
				rp.MaxMsgs = int(n)
			case "expires", "expiration", "ttl":
				s, ok := r.val.(string)
				if !ok {
					p.errorf(r, "error parsing expires, not a duration string")
					failed = true
					continue
				}
				d, err := time.ParseDuration(s)
				if err != nil {
					p.errorf(r, "error parsing expires: %v", err)
					failed = true
					continue
				}
				rp.Expires = d
			default:
				p.errorf(r, "Unknown field %q parsing permissions", r.key)
				failed = true
			}
		}
		if failed {
			return nil, false
		}
		if rp.MaxMsgs == 0 {
			rp.MaxMsgs = defaultResponseMaxMsgs
		}
		if rp.Expires == 0 {
			rp.Expires = defaultResponseExpires
		}
		return rp, false
	}
	p.errorf(e, "error parsing response permissions, expected a boolean or a map")
	return nil, false
}

// checkAuthConflicts refuses a single user or a token together with users
// defined in accounts (reported at the first account's users key).
func (p *configProcessor) checkAuthConflicts() {
	if p.accountUsers == nil {
		return
	}
	switch {
	case p.o.Authorization != "":
		p.errorf(p.accountUsers, "Can not have a token and accounts")
	case p.o.Username != "":
		p.errorf(p.accountUsers, "Can not have a single user/pass and accounts")
	}
}
