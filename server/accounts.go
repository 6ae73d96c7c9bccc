package server

import (
	"sync"

	"github.com/natsys/natsys/server/internal/subject"
)

// Account is an isolated subject space: its own subscription index and its
// own clients. Messages cross accounts only through imports (imports.go).
type Account struct {
	// Name is the account name ("$G" for the global account).
	Name string

	index *subject.Index[*subscription]
	imp   importState // stream and service imports (imports.go)

	mu         sync.Mutex
	clients    map[*client]struct{}
	maxConns   int   // 0 = unlimited
	maxSubs    int   // 0 = unlimited
	maxPayload int32 // 0 = server limit
}

func newAccount(name string) *Account {
	return &Account{
		Name:    name,
		index:   subject.NewIndex[*subscription](),
		clients: make(map[*client]struct{}),
	}
}

// applyConfig copies the limits of cfg (nil = none).
func (a *Account) applyConfig(cfg *AccountConfig) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if cfg == nil {
		a.maxConns, a.maxSubs, a.maxPayload = 0, 0, 0
		return
	}
	a.maxConns = cfg.MaxConnections
	a.maxSubs = cfg.MaxSubscriptions
	a.maxPayload = int32(cfg.MaxPayload)
}

// NumClients returns the number of client connections bound to the account.
func (a *Account) NumClients() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.clients)
}

// NumSubscriptions returns the number of subscriptions in the account.
func (a *Account) NumSubscriptions() int { return a.index.Count() }

// addClient binds c; it fails when the account's connection limit is reached.
func (a *Account) addClient(c *client) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.clients[c]; ok {
		return true
	}
	if a.maxConns > 0 && len(a.clients) >= a.maxConns {
		return false
	}
	a.clients[c] = struct{}{}
	return true
}

func (a *Account) removeClient(c *client) {
	a.mu.Lock()
	delete(a.clients, c)
	a.mu.Unlock()
}

// limits returns the account's subscription and payload limits.
func (a *Account) limits() (maxSubs int, maxPayload int32) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.maxSubs, a.maxPayload
}

// accountSet is the server's accounts, rebuilt on reload.
type accountSet struct {
	byName map[string]*Account
	global *Account
	system *Account // nil with no_system_account
}

// buildAccounts creates (or, on reload, reuses from prev) the accounts of o.
func buildAccounts(o *Options, prev *accountSet) *accountSet {
	get := func(name string) *Account {
		if prev != nil {
			if a := prev.byName[name]; a != nil {
				return a
			}
		}
		return newAccount(name)
	}
	as := &accountSet{byName: make(map[string]*Account)}
	as.global = get(GlobalAccount)
	as.global.applyConfig(nil)
	as.byName[GlobalAccount] = as.global
	for _, ac := range o.Accounts {
		a := get(ac.Name)
		a.applyConfig(ac)
		as.byName[ac.Name] = a
	}
	if !o.NoSystemAccount {
		name := o.SystemAccount
		if name == "" {
			name = DefaultSystemAccount
		}
		a := as.byName[name]
		if a == nil {
			a = get(name)
			a.applyConfig(nil)
			as.byName[name] = a
		}
		as.system = a
	}
	as.wireImports(o, prev)
	return as
}
