package server

import (
	"strings"
	"time"

	"github.com/nats-io/nkeys"

	"github.com/natsys/natsys/server/internal/subject"
)

// Response types of a service export.
const (
	responseSingleton = "Singleton"
	responseStream    = "Stream"
	responseChunked   = "Chunked"
)

// pendingImport is an import kept for the checks made once every account
// is known.
type pendingImport struct {
	importer string
	imp      *ImportConfig
	at       *cfgItem // where a duplicate service import is reported
}

// accounts parses the accounts block (config.md §2.10): a map of account
// name to account, or an array of names.
func (p *configProcessor) accounts(it *cfgItem) {
	p.accountsItem = it
	switch v := it.val.(type) {
	case []*cfgItem:
		seen := map[string]bool{}
		for _, el := range v {
			name, ok := p.str(el)
			if !ok {
				continue
			}
			if seen[name] {
				p.errorf(el, "Duplicate Account Entry: %s", name)
				continue
			}
			seen[name] = true
			p.o.Accounts = append(p.o.Accounts, &AccountConfig{Name: name})
		}
	case *cfgMap:
		for _, e := range v.items {
			p.account(e)
		}
	}
	// Other types are accepted and ignored, like the reference.
}

// account parses one account entry.
func (p *configProcessor) account(e *cfgItem) {
	if e.key == GlobalAccount {
		p.errorf(e, "%q is a Reserved Account", GlobalAccount)
		return
	}
	m, ok := e.val.(*cfgMap)
	if !ok {
		p.errorf(e, "Expected map entries for accounts")
		return
	}
	ac := &AccountConfig{Name: e.key}
	var users []*User
	var nkeyUsers []*NkeyUser
	var usersItem *cfgItem
	for _, k := range m.items {
		switch strings.ToLower(k.key) {
		case "users":
			usersItem = k
			users, nkeyUsers = p.userList(k)
		case "nkey":
			if s, ok := p.str(k); ok {
				if !nkeys.IsValidPublicAccountKey(s) {
					p.errorf(k, "Not a valid public nkey for an account: %q", s)
				} else {
					ac.Nkey = s
				}
			}
		case "default_permissions", "default_permission":
			ac.DefaultPermissions = p.permissions(k)
		case "limits":
			p.accountLimits(k, ac)
		case "exports":
			p.exports(k, ac)
		case "imports":
			p.imports(k, ac)
		case "jetstream", "mappings", "maps", "msg_trace", "trace_dest":
			p.notSupported(k)
		default:
			p.unknown(k)
		}
	}
	for _, u := range users {
		u.Account = ac.Name
	}
	for _, u := range nkeyUsers {
		u.Account = ac.Name
	}
	applyDefaultPermissions(users, nkeyUsers, ac.DefaultPermissions)
	if usersItem != nil && len(users)+len(nkeyUsers) > 0 {
		if p.accountUsers == nil {
			p.accountUsers = usersItem
		}
		if p.addUsers(usersItem, users, nkeyUsers) {
			p.o.Users = append(p.o.Users, users...)
			p.o.Nkeys = append(p.o.Nkeys, nkeyUsers...)
		}
	}
	p.o.Accounts = append(p.o.Accounts, ac)
}

// accountLimits parses an account's limits map.
func (p *configProcessor) accountLimits(it *cfgItem, ac *AccountConfig) {
	m, ok := p.mapping(it)
	if !ok {
		return
	}
	for _, e := range m.items {
		var dst *int
		switch strings.ToLower(e.key) {
		case "max_connections", "max_conn":
			dst = &ac.MaxConnections
		case "max_subscriptions", "max_subs":
			dst = &ac.MaxSubscriptions
		case "max_payload", "max_pay":
			dst = &ac.MaxPayload
		case "max_leafnodes", "max_leafs":
			dst = &ac.MaxLeafNodes
		default:
			p.errorf(e, "Unknown field %q parsing account limits", e.key)
			continue
		}
		v, ok := p.integer(e)
		if !ok {
			return
		}
		*dst = int(v)
	}
}

// exports parses an account's exports array.
func (p *configProcessor) exports(it *cfgItem, ac *AccountConfig) {
	arr, ok := it.val.([]*cfgItem)
	if !ok {
		p.errorf(it, "Exports should be an array, got %s", it.typeName())
		return
	}
	for _, el := range arr {
		m, ok := el.val.(*cfgMap)
		if !ok {
			p.errorf(el, "Export Items should be a map with type entry, got %s", el.typeName())
			continue
		}
		if ex := p.export(m); ex != nil {
			ac.Exports = append(ac.Exports, ex)
		}
	}
}

// export parses one export map; nil when it has problems or is empty.
func (p *configProcessor) export(m *cfgMap) *ExportConfig {
	ex := &ExportConfig{}
	var respItem *cfgItem
	for _, e := range m.items {
		switch strings.ToLower(e.key) {
		case "stream", "service":
			kind := strings.ToLower(e.key)
			s, ok := e.val.(string)
			if !ok {
				p.errorf(e, "Expected %s name to be string, got %s", kind, e.typeName())
				return nil
			}
			if kind == "stream" && ex.Service != "" {
				p.errorf(e, "Detected stream %q but already saw a service", s)
				return nil
			}
			if kind == "service" && ex.Stream != "" {
				p.errorf(e, "Detected service %q but already saw a stream", s)
				return nil
			}
			if kind == "stream" {
				ex.Stream = s
			} else {
				ex.Service = s
			}
		case "accounts":
			names, ok := p.stringArray(e)
			if !ok {
				return nil
			}
			ex.Accounts = names
		case "response_type", "response":
			s, ok := p.str(e)
			if !ok {
				return nil
			}
			switch strings.ToLower(s) {
			case "singleton", "single":
				ex.ResponseType = responseSingleton
			case "stream":
				ex.ResponseType = responseStream
			case "chunked", "chunk":
				ex.ResponseType = responseChunked
			default:
				p.errorf(e, "Unknown response type: %q", s)
				return nil
			}
			respItem = e
		case "response_threshold", "threshold", "response_max_time", "response_time":
			s, _ := e.val.(string)
			d, err := time.ParseDuration(s)
			if err != nil {
				p.errorf(e, "Expected response threshold to be a parseable time duration, got %q", e.plain())
				return nil
			}
			ex.Threshold = d
			if respItem == nil {
				respItem = e
			}
		case "latency", "account_token_position", "allow_trace":
			p.notSupported(e)
			return nil
		default:
			p.unknown(e)
			return nil
		}
	}
	if respItem != nil && ex.Service == "" {
		p.errorf(respItem, "Detected response directive on non-service")
		return nil
	}
	if ex.Stream == "" && ex.Service == "" {
		return nil
	}
	for _, s := range []string{ex.Stream, ex.Service} {
		if s != "" && !subject.ValidSubject(s) {
			p.errorf(nil, "subject %q is not a valid subject", s)
			return nil
		}
	}
	if ex.Service != "" && ex.ResponseType == "" {
		ex.ResponseType = responseSingleton
	}
	return ex
}

// stringArray parses an array of strings (export accounts).
func (p *configProcessor) stringArray(e *cfgItem) ([]string, bool) {
	arr, ok := e.val.([]*cfgItem)
	if !ok {
		p.typeError(e, typeArray)
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for _, el := range arr {
		s, ok := p.str(el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// imports parses an account's imports array.
func (p *configProcessor) imports(it *cfgItem, ac *AccountConfig) {
	arr, ok := it.val.([]*cfgItem)
	if !ok {
		p.errorf(it, "Imports should be an array, got %s", it.typeName())
		return
	}
	for _, el := range arr {
		m, ok := el.val.(*cfgMap)
		if !ok {
			p.errorf(el, "Import Items should be a map with type entry, got %s", el.typeName())
			continue
		}
		imp, last := p.importEntry(m)
		if imp == nil {
			continue
		}
		ac.Imports = append(ac.Imports, imp)
		p.pending = append(p.pending, &pendingImport{importer: ac.Name, imp: imp, at: last})
	}
}

// importEntry parses one import map; it returns nil when it has problems or
// is empty, and the entry's last key.
func (p *configProcessor) importEntry(m *cfgMap) (*ImportConfig, *cfgItem) {
	imp := &ImportConfig{}
	var last, prefixItem, toItem *cfgItem
	for _, e := range m.items {
		last = e
		switch k := strings.ToLower(e.key); k {
		case "stream", "service":
			acc, subj, ok := p.importSource(e, k)
			if !ok {
				return nil, nil
			}
			imp.Account = acc
			if k == "stream" {
				imp.Stream = subj
			} else {
				imp.Service = subj
			}
		case "prefix":
			s, ok := p.str(e)
			if !ok {
				return nil, nil
			}
			imp.Prefix, prefixItem = s, e
		case "to":
			s, ok := p.str(e)
			if !ok {
				return nil, nil
			}
			imp.To, toItem = s, e
		case "share":
			b, ok := p.boolean(e)
			if !ok {
				return nil, nil
			}
			imp.Share = b
		case "allow_trace":
			p.notSupported(e)
			return nil, nil
		default:
			p.unknown(e)
			return nil, nil
		}
	}
	if imp.Stream != "" && prefixItem != nil && toItem != nil {
		at := toItem
		if prefixItem.after(toItem) {
			at = prefixItem
		}
		p.errorf(at, "Stream import can not have a 'prefix' and a 'to' property")
		return nil, nil
	}
	if imp.Stream == "" && imp.Service == "" {
		return nil, nil
	}
	return imp, last
}

// importSource parses the {account, subject} map of an import.
func (p *configProcessor) importSource(e *cfgItem, kind string) (string, string, bool) {
	m, ok := e.val.(*cfgMap)
	if !ok {
		name := "Stream"
		if kind == "service" {
			name = "Service"
		}
		p.errorf(e, "%s entry should be an account map, got %s", name, e.typeName())
		return "", "", false
	}
	var acc, subj string
	for _, k := range m.items {
		switch strings.ToLower(k.key) {
		case "account":
			s, ok := p.str(k)
			if !ok {
				return "", "", false
			}
			acc = s
		case "subject":
			s, ok := p.str(k)
			if !ok {
				return "", "", false
			}
			subj = s
		default:
			p.unknown(k)
			return "", "", false
		}
	}
	if acc == "" || subj == "" {
		p.errorf(e, "Expect an account name and a subject")
		return "", "", false
	}
	if !subject.ValidSubject(subj) {
		p.errorf(nil, "subject %q is not a valid subject", subj)
		return "", "", false
	}
	return acc, subj, true
}

// checkImports runs the checks that need every account: export account
// lists and import accounts exist, imports are authorised by an export,
// service imports are not duplicated.
func (p *configProcessor) checkImports() {
	byName := map[string]*AccountConfig{}
	for _, ac := range p.o.Accounts {
		byName[ac.Name] = ac
	}
	at := p.accountsItem
	for _, ac := range p.o.Accounts {
		for _, ex := range ac.Exports {
			kind := "stream export"
			if ex.Service != "" {
				kind = "service export"
			}
			for _, name := range ex.Accounts {
				if byName[name] == nil {
					p.errorf(at, "%q account not defined for %s", name, kind)
				}
			}
		}
	}
	type svcKey struct{ importer, local string }
	seen := map[svcKey]*ImportConfig{}
	bad := importErrors(p.o.Accounts)
	for _, pi := range p.pending {
		imp := pi.imp
		if msg, ok := bad[imp]; ok {
			p.errorf(at, "%s", msg)
			continue
		}
		if imp.Service == "" {
			continue
		}
		local := imp.To
		if local == "" {
			local = imp.Service
		}
		k := svcKey{pi.importer, local}
		if prev := seen[k]; prev != nil {
			p.errorf(pi.at, "Duplicate service import subject %q, previously used in import for account %q, subject %q",
				local, prev.Account, prev.Service)
			continue
		}
		seen[k] = imp
	}
}

// importAuthorized reports whether exporter exports a subject covering the
// import to the importing account.
func importAuthorized(exporter *AccountConfig, importer string, imp *ImportConfig) bool {
	for _, ex := range exporter.Exports {
		exported, subj := ex.Stream, imp.Stream
		if imp.Service != "" {
			exported, subj = ex.Service, imp.Service
		}
		if exported == "" || !subject.SubsetMatch(subj, exported) {
			continue
		}
		if len(ex.Accounts) == 0 {
			return true
		}
		for _, a := range ex.Accounts {
			if a == importer {
				return true
			}
		}
	}
	return false
}
