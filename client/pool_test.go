package client

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in, want string
		user     string
		bad      bool
	}{
		{in: "127.0.0.1", want: "nats://127.0.0.1:4222"},
		{in: "host:5000", want: "nats://host:5000"},
		{in: " nats://a:1 ", want: "nats://a:1"},
		{in: "tls://secure:4443", want: "tls://secure:4443"},
		{in: "nats://u:p@h:1", want: "nats://h:1", user: "u"},
		{in: "nats://[::1]:4222", want: "nats://[::1]:4222"},
		{in: "ws://h:1", bad: true},
		{in: "", bad: true},
		{in: "nats://:4222", bad: true},
	}
	for _, tc := range tests {
		u, err := parseURL(tc.in)
		if tc.bad {
			if !errors.Is(err, ErrInvalidOption) {
				t.Errorf("%q: err %v, want ErrInvalidOption", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := u.Scheme + "://" + u.Host; got != tc.want || u.User.Username() != tc.user {
			t.Errorf("%q: got %s user %q", tc.in, got, u.User.Username())
		}
	}
}

func TestPool(t *testing.T) {
	p, err := newPool("a:1, b:2,a:1,c:3", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.urls(false); !slices.Equal(got, []string{"nats://a:1", "nats://b:2", "nats://c:3"}) {
		t.Fatalf("pool %v", got)
	}
	var order []string
	for range 4 {
		order = append(order, p.next().url.Host)
	}
	if !slices.Equal(order, []string{"a:1", "b:2", "c:3", "a:1"}) {
		t.Fatalf("round robin %v", order)
	}
	from, _ := parseURL("tls://u:pw@a:1")
	if !p.addDiscovered([]string{"b:2", "d:4"}, &server{url: from}, "name") ||
		p.addDiscovered([]string{"d:4"}, &server{url: from}, "") {
		t.Fatal("addDiscovered")
	}
	if d := p.find("d:4"); d.url.Scheme != "tls" || d.url.User.Username() != "u" || d.tlsName != "name" || !d.implicit {
		t.Fatalf("discovered server %+v", d)
	}
	if got := p.urls(true); !slices.Equal(got, []string{"tls://d:4"}) {
		t.Fatalf("discovered %v", got)
	}
	p.remove(p.find("a:1"))
	if p.find("a:1") != nil || len(p.servers) != 3 {
		t.Fatal("remove")
	}
	empty, _ := newPool("", true)
	if got := empty.urls(false); !slices.Equal(got, []string{DefaultURL}) {
		t.Fatalf("default %v", got)
	}
	if _, err := newPool("a:1,ws://b", true); err == nil {
		t.Fatal("bad URL accepted")
	}
}

func TestValidSubject(t *testing.T) {
	tests := []struct {
		s        string
		sub, pub bool
	}{
		{"foo", true, true},
		{"foo.bar.*", true, true},
		{"foo.>", true, true},
		{">", true, true},
		{"foo.>.bar", false, true},
		{"foo..bar", false, true},
		{".foo", false, true},
		{"foo.", false, true},
		{"", false, false},
		{"a b", false, false},
		{"a\x7f", false, false},
	}
	for _, tc := range tests {
		if got := validSubject(tc.s, true); got != tc.sub {
			t.Errorf("validSubject(%q) = %v", tc.s, got)
		}
		if got := validPublishSubject(tc.s); got != tc.pub {
			t.Errorf("validPublishSubject(%q) = %v", tc.s, got)
		}
	}
}

func TestStatusString(t *testing.T) {
	for st, want := range map[Status]string{
		StatusConnecting: "connecting", StatusConnected: "connected", StatusReconnecting: "reconnecting",
		StatusDraining: "draining", StatusClosed: "closed", Status(99): "unknown",
	} {
		if st.String() != want {
			t.Errorf("%d: %q", st, st.String())
		}
	}
}

func TestServerErrorMatching(t *testing.T) {
	tests := []struct {
		text   string
		target error
		fatal  bool
	}{
		{`Permissions Violation for Publish to "x"`, ErrPermissionViolation, false},
		{`Permissions Violation for Subscription to "x" using queue "q"`, ErrPermissionViolation, false},
		{"Authorization Violation", ErrAuthorization, true},
		{"User Authentication Expired", ErrAuthExpired, true},
		{"Account Authentication Expired", ErrAuthExpired, true},
		{"User Authentication Revoked", ErrAuthRevoked, true},
		{"Stale Connection", ErrStaleConnection, true},
		{"maximum connections exceeded", ErrMaxConnectionsExceeded, true},
		{"Maximum Payload Violation", ErrMaxPayload, true},
		{"maximum subscriptions exceeded", ErrMaxSubscriptions, false},
	}
	for _, tc := range tests {
		e := &ServerError{Text: tc.text}
		if !errors.Is(e, tc.target) {
			t.Errorf("%q does not match %v", tc.text, tc.target)
		}
		if e.fatal() != tc.fatal {
			t.Errorf("%q fatal = %v", tc.text, e.fatal())
		}
	}
	if errors.Is(&ServerError{Text: "Invalid Subject"}, ErrPermissionViolation) {
		t.Error("Invalid Subject matched a permissions violation")
	}
}

func TestReconnectDelay(t *testing.T) {
	u, _ := parseURL("nats://h:1")
	tests := []struct {
		name     string
		opts     []Option
		failed   int
		ago      time.Duration
		min, max time.Duration
	}{
		{"never tried", nil, 0, time.Hour, 0, 0},
		{"just tried", []Option{ReconnectWait(time.Second), ReconnectJitter(0, 0)}, 1, 0, 999 * time.Millisecond, time.Second},
		{"jitter", []Option{ReconnectWait(time.Second), ReconnectJitter(100*time.Millisecond, 0)}, 1, 0, 999 * time.Millisecond, 1100 * time.Millisecond},
		{"backoff doubles", []Option{ReconnectWait(time.Second), ReconnectJitter(0, 0), ReconnectBackoff(time.Minute)}, 3, 0, 3999 * time.Millisecond, 4 * time.Second},
		{"backoff capped", []Option{ReconnectWait(time.Second), ReconnectJitter(0, 0), ReconnectBackoff(5 * time.Second)}, 10, 0, 4999 * time.Millisecond, 5 * time.Second},
		{"rest of the wait", []Option{ReconnectWait(time.Second), ReconnectJitter(0, 0)}, 1, 600 * time.Millisecond, 300 * time.Millisecond, 400 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := defaultOptions()
			for _, f := range tc.opts {
				if err := f(&o); err != nil {
					t.Fatal(err)
				}
			}
			c := &Conn{opts: o}
			srv := &server{url: u, failed: tc.failed, lastAttempt: time.Now().Add(-tc.ago)}
			d := c.reconnectDelay(srv, 0, 0)
			if d < tc.min || d > tc.max {
				t.Fatalf("delay %v, want [%v, %v]", d, tc.min, tc.max)
			}
		})
	}
	c := &Conn{opts: defaultOptions()}
	c.opts.reconnDelay = func(passes int) time.Duration { return time.Duration(passes) * time.Second }
	if d := c.reconnectDelay(&server{url: u}, 2, 0); d != 2*time.Second {
		t.Fatalf("custom delay %v", d)
	}
	if d := c.reconnectDelay(&server{url: u}, 2, 1); d != 0 {
		t.Fatalf("custom delay mid-pass %v", d)
	}
}
