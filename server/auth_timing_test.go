package server_test

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// authTimingTries is the number of failed logins of each kind measured.
const authTimingTries = 100

// rejectTime measures CONNECT → -ERR 'Authorization Violation'.
func rejectTime(t *testing.T, url, fields string) time.Duration {
	t.Helper()
	c := natstest.Dial(t, url)
	start := time.Now()
	c.Send(connectLine(fields))
	c.Expect("-ERR 'Authorization Violation'\r\n")
	d := time.Since(start)
	c.Close()
	return d
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestAuthTimingUnknownUser: a login with an unknown user name takes as long
// as one with a known name and a wrong password (bcrypt users, and single
// user mode), so response times do not reveal which users exist. The two
// kinds alternate; their medians must agree within a factor loose enough
// for a loaded machine, while without the dummy check they differ by orders
// of magnitude.
func TestAuthTimingUnknownUser(t *testing.T) {
	if testing.Short() {
		t.Skip("timing measurement")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost+2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		opts    func(o *server.Options)
		unknown string
		wrong   string
	}{
		{"users", func(o *server.Options) {
			o.Users = []*server.User{{Username: "alice", Password: string(hash)}, {Username: "bob", Password: string(hash)}}
		}, `"user":"mallory","pass":"guess"`, `"user":"alice","pass":"guess"`},
		{"single user", func(o *server.Options) { o.Username, o.Password = "alice", string(hash) },
			`"user":"mallory","pass":"guess"`, `"user":"alice","pass":"guess"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := server.DefaultOptions()
			tc.opts(o)
			s := natstest.RunServerOpts(t, o)
			url := s.ClientURL()
			var unknown, wrong []time.Duration
			for range authTimingTries {
				unknown = append(unknown, rejectTime(t, url, tc.unknown))
				wrong = append(wrong, rejectTime(t, url, tc.wrong))
			}
			mu, mw := median(unknown), median(wrong)
			t.Logf("median unknown user %v, wrong password %v", mu, mw)
			lo, hi := min(mu, mw), max(mu, mw)
			if hi > 3*lo {
				t.Fatalf("unknown user %v vs wrong password %v: the difference reveals users", mu, mw)
			}
		})
	}
}
