package complete_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/clitest"
	"github.com/natsys/natsys/cli/internal/complete"
)

// sysConf has a system account (user sys) and an application account
// (user app); only sys may ask all servers for SUBSZ.
const sysConf = `
server_name: n1
accounts {
  SYS { users [{user: sys, password: "sys-S3cret-pw"}] }
  APP { users [{user: app, password: "app-S3cret-pw"}] }
}
system_account: SYS
`

func TestSubjectsAndServerNames(t *testing.T) {
	s := clitest.StartServer(t, sysConf)
	app := clitest.Connect(t, s.URL, "app", "app-S3cret-pw")
	for _, subj := range []string{"orders.new", "orders.*", "billing.>"} {
		clitest.Collect(t, app, subj)
	}
	sys := clitest.Connect(t, s.URL, "sys", "sys-S3cret-pw")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, tt := range []struct {
		name   string
		user   string
		prefix string
		want   []string
	}{
		{"system account sees every account", "sys", "", []string{"billing.>", "orders.*", "orders.new"}},
		{"prefix", "sys", "ord", []string{"orders.*", "orders.new"}},
		{"own account through CONNZ", "app", "", []string{"billing.>", "orders.*", "orders.new"}},
		{"no match", "app", "zzz", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := sys
			if tt.user == "app" {
				c = clitest.Connect(t, s.URL, "app", "app-S3cret-pw")
			}
			got, err := complete.Subjects(ctx, c, tt.prefix)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Subjects(%q) = %q, %v; want %q", tt.prefix, got, err, tt.want)
			}
		})
	}
	got, err := complete.Subjects(ctx, sys, "$SYS.REQ.SERVER.PING")
	if err != nil || len(got) == 0 {
		t.Errorf("$SYS subjects are offered when asked for: %q %v", got, err)
	}
	names, err := complete.ServerNames(ctx, sys, "")
	if err != nil || !reflect.DeepEqual(names, []string{"n1"}) {
		t.Errorf("ServerNames = %q, %v", names, err)
	}
	if names, err := complete.ServerNames(ctx, app, ""); err == nil || names != nil {
		t.Errorf("ServerNames as app = %q, %v; want no responders", names, err)
	}
}
