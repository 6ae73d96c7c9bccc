package monitor

import (
	"slices"

	"github.com/natsys/natsys/client/sysapi"
)

// Accountz builds the ACCOUNTZ payload; opts may be nil. Without
// opts.Account it lists the account names; with it, it returns that
// account's details, and an unknown account is an error (code 500,
// "Account X does not exist").
func Accountz(src Source, opts *sysapi.AccountzOptions) (*sysapi.Accountz, error) {
	srv := src.Server()
	az := &sysapi.Accountz{ID: srv.ID, Now: srv.now(), SystemAccount: srv.SystemAccount}
	accs := src.Accounts()
	if opts == nil || opts.Account == "" {
		az.Accounts = make([]string, len(accs))
		for i := range accs {
			az.Accounts[i] = accs[i].Name
		}
		return az, nil
	}
	a := findAccount(accs, opts.Account)
	if a == nil {
		return nil, internalErr(errTextNoAccountFmt, opts.Account)
	}
	az.Account = accountInfo(a)
	return az, nil
}

// AccountInfo builds the payload of $SYS.REQ.ACCOUNT.<name>.INFO (the
// account_detail of ACCOUNTZ). An unknown account is an error (code 500).
func AccountInfo(src Source, name string) (*sysapi.AccountInfo, error) {
	a := findAccount(src.Accounts(), name)
	if a == nil {
		return nil, internalErr(errTextNoAccountFmt, name)
	}
	return accountInfo(a), nil
}

// accountInfo converts an account snapshot.
func accountInfo(a *AccountSnapshot) *sysapi.AccountInfo {
	stats := sublistStats(a.Sublist)
	return &sysapi.AccountInfo{
		AccountName: a.Name,
		LastUpdate:  a.UpdateTime,
		IsSystem:    a.IsSystem,
		Complete:    true,
		JetStream:   a.JetStream,
		LeafCnt:     a.LeafConns,
		ClientCnt:   a.ClientConns,
		SubCnt:      stats.NumSubs,
		Mappings:    a.Mappings,
		Exports:     a.Exports,
		Imports:     a.Imports,
		NameTag:     a.nameTag(),
		Sublist:     &stats,
	}
}

// Accstatz builds the account statistics payload (HTTP /accstatz and the
// $SYS account STATZ services); opts may be nil. It reports the accounts
// named in opts.Accounts (every account when empty) that have local client
// or leafnode connections, or all of them with opts.IncludeUnused. The list
// may be empty: the $SYS services then send no reply, HTTP shows [].
func Accstatz(src Source, opts *sysapi.AccountStatzOptions) (*sysapi.AccountStatz, error) {
	var o sysapi.AccountStatzOptions
	if opts != nil {
		o = *opts
	}
	srv := src.Server()
	as := &sysapi.AccountStatz{ID: srv.ID, Now: srv.now(), Accounts: []*sysapi.AccountStat{}}
	accs := src.Accounts()
	for i := range accs {
		a := &accs[i]
		if len(o.Accounts) > 0 && !slices.Contains(o.Accounts, a.Name) {
			continue
		}
		if !o.IncludeUnused && a.ClientConns+a.LeafConns == 0 {
			continue
		}
		as.Accounts = append(as.Accounts, AccountStat(a))
	}
	return as, nil
}

// AccountStat converts an account snapshot into the AccountStat of the CONNS
// events and account STATZ, with every traffic breakdown present.
func AccountStat(a *AccountSnapshot) *sysapi.AccountStat {
	return &sysapi.AccountStat{
		Account:       a.Name,
		Name:          a.nameTag(),
		Conns:         a.ClientConns,
		LeafNodes:     a.LeafConns,
		TotalConns:    a.ClientConns + a.LeafConns,
		NumSubs:       uint32(a.Sublist.Subscriptions),
		Sent:          fullDataStats(a.Sent),
		Received:      fullDataStats(a.Received),
		SlowConsumers: a.SlowConsumers,
	}
}

// fullDataStats returns d with nil breakdowns replaced by zero counters.
func fullDataStats(d sysapi.DataStats) sysapi.DataStats {
	for _, p := range []**sysapi.MsgBytes{&d.Gateways, &d.Routes, &d.Leafs} {
		if *p == nil {
			*p = &sysapi.MsgBytes{}
		} else {
			cp := **p
			*p = &cp
		}
	}
	return d
}
