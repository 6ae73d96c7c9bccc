package sys

import (
	"errors"
	"testing"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// permissionsConfig adds system users whose permissions forbid a request
// subject or the reply inbox.
const permissionsConfig = `
accounts: {
  USERS: { users: [ {user: a, password: a} ] },
  SYS: { users: [
    {user: admin, password: changeit},
    {user: nokick, password: nokick, permissions: {publish: {deny: ["$SYS.REQ.SERVER.*.KICK"]}}},
    {user: noinbox, password: noinbox, permissions: {subscribe: {deny: ["_INBOX.>"]}}},
  ] },
}
system_account: SYS
`

// TestPermissionViolation checks that a denied request subject or reply
// inbox fails at once with the server's permission error instead of
// waiting for the timeout.
func TestPermissionViolation(t *testing.T) {
	s := startServerConfig(t, "sys-perm", permissionsConfig)
	tests := []struct {
		user string
		call func(nc *client.Conn) error
	}{
		{"nokick", func(nc *client.Conn) error {
			_, err := Kick(testCtx(t, 5*time.Second), nc, s.Name, 1)
			return err
		}},
		{"noinbox", func(nc *client.Conn) error {
			_, err := Varz(testCtx(t, 5*time.Second), nc, All(), sysapi.VarzOptions{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			nc := connect(t, s, tt.user, tt.user)
			start := time.Now()
			err := tt.call(nc)
			if !errors.Is(err, client.ErrPermissionViolation) {
				t.Errorf("err = %v, want a permissions violation", err)
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("took %v: must not wait for the timeout", el)
			}
		})
	}
}

// TestIsSystemAccount checks the account detection on both kinds of user.
func TestIsSystemAccount(t *testing.T) {
	s := startServer(t, "sys-acc", "")
	for user, want := range map[string]bool{"admin": true, "a": false} {
		pass := map[string]string{"admin": "changeit", "a": "a"}[user]
		nc := connect(t, s, user, pass)
		got, err := isSystemAccount(testCtx(t, 5*time.Second), nc)
		if err != nil || got != want {
			t.Errorf("%s: isSystemAccount = %v, %v; want %v", user, got, err, want)
		}
		// The reference announces the account in INFO after the connect PING.
		if info := nc.ServerInfo(); !info.ConnectInfo || info.Account == "" {
			t.Errorf("%s: no connect_info INFO: %+v", user, info)
		}
		// The fallback for servers that do not.
		got, err = probeSystemAccount(testCtx(t, 5*time.Second), nc)
		if err != nil || got != want {
			t.Errorf("%s: probeSystemAccount = %v, %v; want %v", user, got, err, want)
		}
	}
}
