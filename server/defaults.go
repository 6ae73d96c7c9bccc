package server

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultOptions returns Options holding every default of config.md §2.
func DefaultOptions() *Options {
	return &Options{
		Host:                DefaultHost,
		Port:                DefaultPort,
		MaxConn:             DefaultMaxConnections,
		MaxPayload:          DefaultMaxPayload,
		MaxControlLine:      DefaultMaxControlLine,
		MaxPending:          DefaultMaxPending,
		MaxClosedClients:    DefaultMaxClosedClients,
		PingInterval:        DefaultPingInterval,
		MaxPingsOut:         DefaultMaxPingsOut,
		WriteDeadline:       DefaultWriteDeadline,
		AuthTimeout:         DefaultAuthTimeout,
		TLSTimeout:          DefaultTLSTimeout,
		LameDuckDuration:    DefaultLameDuckDuration,
		LameDuckGracePeriod: DefaultLameDuckGracePeriod,
		Logtime:             true,
	}
}

// applyDefaults fills every zero-valued field of o with its default. Booleans
// cannot be told apart from "unset", so Logtime is left as given (DefaultOptions
// sets it). A negative MaxConn means "no client may connect" and is kept.
func applyDefaults(o *Options) {
	d := DefaultOptions()
	if o.Host == "" {
		o.Host = d.Host
	}
	if o.Port == 0 {
		o.Port = d.Port
	}
	if o.MaxConn == 0 {
		o.MaxConn = d.MaxConn
	}
	if o.MaxPayload == 0 {
		o.MaxPayload = d.MaxPayload
	}
	if o.MaxControlLine == 0 {
		o.MaxControlLine = d.MaxControlLine
	}
	if o.MaxPending == 0 {
		o.MaxPending = d.MaxPending
	}
	if o.MaxClosedClients == 0 {
		o.MaxClosedClients = d.MaxClosedClients
	}
	if o.PingInterval == 0 {
		o.PingInterval = d.PingInterval
	}
	if o.MaxPingsOut == 0 {
		o.MaxPingsOut = d.MaxPingsOut
	}
	if o.WriteDeadline == 0 {
		o.WriteDeadline = d.WriteDeadline
	}
	if o.TLSTimeout == 0 {
		o.TLSTimeout = d.TLSTimeout
	}
	if o.AuthTimeout == 0 {
		o.AuthTimeout = d.AuthTimeout
		if o.TLSCert != "" {
			o.AuthTimeout = o.TLSTimeout + 1
		}
	}
	if o.LameDuckDuration == 0 {
		o.LameDuckDuration = d.LameDuckDuration
	}
	if o.LameDuckGracePeriod == 0 {
		o.LameDuckGracePeriod = d.LameDuckGracePeriod
	}
}

// validateOptions runs the start-up checks of config.md §1.14. Error texts are
// the reference's (the command prints them after "nats-server: ").
func validateOptions(o *Options) error {
	if int64(o.MaxPayload) > o.MaxPending {
		return fmt.Errorf("max_payload (%d) cannot be higher than max_pending (%d)", o.MaxPayload, o.MaxPending)
	}
	if o.LameDuckGracePeriod >= o.LameDuckDuration {
		return fmt.Errorf("lame duck grace period (%v) should be strictly lower than lame duck duration (%v)",
			o.LameDuckGracePeriod, o.LameDuckDuration)
	}
	if strings.Contains(o.ServerName, " ") {
		return errors.New("server name cannot contain spaces")
	}
	if err := validateNoAuthUser(o); err != nil {
		return err
	}
	return validateAccounts(o)
}

func validateNoAuthUser(o *Options) error {
	if o.NoAuthUser == "" {
		return nil
	}
	if len(o.Users) == 0 && len(o.Nkeys) == 0 {
		return fmt.Errorf("no_auth_user: %q present, but users/nkeys are not defined", o.NoAuthUser)
	}
	for _, u := range o.Users {
		if u.Username == o.NoAuthUser {
			return nil
		}
	}
	for _, u := range o.Nkeys {
		if u.Nkey == o.NoAuthUser {
			return nil
		}
	}
	return fmt.Errorf("no_auth_user: %q not present as user or nkey in authorization block or account configuration", o.NoAuthUser)
}

func validateAccounts(o *Options) error {
	names := map[string]bool{}
	for _, a := range o.Accounts {
		if a.Name == GlobalAccount {
			return fmt.Errorf("%q is a Reserved Account", GlobalAccount)
		}
		names[a.Name] = true
	}
	if o.SystemAccount != "" && !o.NoSystemAccount && !names[o.SystemAccount] && o.SystemAccount != DefaultSystemAccount {
		return fmt.Errorf("error resolving system account: account %q not found", o.SystemAccount)
	}
	check := func(acc string) error {
		if acc != "" && acc != GlobalAccount && !names[acc] {
			return fmt.Errorf("account %q not defined", acc)
		}
		return nil
	}
	for _, u := range o.Users {
		if err := check(u.Account); err != nil {
			return err
		}
	}
	for _, u := range o.Nkeys {
		if err := check(u.Account); err != nil {
			return err
		}
	}
	return firstImportError(o.Accounts)
}
