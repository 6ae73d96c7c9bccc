package wire

import (
	"fmt"
	"testing"
)

func TestEncoders(t *testing.T) {
	b := func(s string) []byte { return []byte(s) }
	cases := []struct {
		name string
		got  []byte
		want string
	}{
		{"msg", AppendMsg(nil, b("foo"), b("1"), nil, b("hello")), "MSG foo 1 5\r\nhello\r\n"},
		{"msg reply", AppendMsg(nil, b("foo"), b("1"), b("reply.1"), nil), "MSG foo 1 reply.1 0\r\n\r\n"},
		{"msg appends", AppendMsg(b("+OK\r\n"), b("foo.*"), b("1"), nil, b("a")), "+OK\r\nMSG foo.* 1 1\r\na\r\n"},
		{"msg binary", AppendMsg(nil, b("b"), b("1"), nil, b("\r\n\x00\n")), "MSG b 1 4\r\n\r\n\x00\n\r\n"},
		{"msg line", AppendMsgLine(nil, b("foo"), b("9"), b("r"), 1234567), "MSG foo 9 r 1234567\r\n"},
		{"hmsg", AppendHMsg(nil, b("foo"), b("1"), nil, 18, b("NATS/1.0\r\nA: b\r\n\r\nhello")), "HMSG foo 1 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n"},
		{"hmsg reply", AppendHMsg(nil, b("foo"), b("1"), b("rep"), 12, b("NATS/1.0\r\n\r\n")), "HMSG foo 1 rep 12 12\r\nNATS/1.0\r\n\r\n\r\n"},
		{"hmsg 503", AppendHMsg(nil, b("_INBOX.x"), b("1"), nil, 42, b("NATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n")),
			"HMSG _INBOX.x 1 42 42\r\nNATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n\r\n"},
		{"hmsg line", AppendHMsgLine(nil, b("a"), b("2"), nil, 0, 5), "HMSG a 2 0 5\r\n"},
		{"err", AppendErr(nil, ErrUnknownProtocolOperation), "-ERR 'Unknown Protocol Operation'\r\n"},
		{"err quote", AppendErr(nil, PermissionsPublish("it's")), "-ERR 'Permissions Violation for Publish to \"it's\"'\r\n"},
		{"info", AppendInfo(nil, b(`{"server_id":"N"}`)), "INFO {\"server_id\":\"N\"} \r\n"},
		{"ping", Ping, "PING\r\n"},
		{"pong", Pong, "PONG\r\n"},
		{"ok", OK, "+OK\r\n"},
	}
	for _, c := range cases {
		if string(c.got) != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestAppendMsgNoAllocWithCap checks that AppendMsg writes into buf when its capacity suffices.
func TestAppendMsgNoAllocWithCap(t *testing.T) {
	buf := make([]byte, 0, 64)
	out := AppendMsg(buf, []byte("s"), []byte("1"), nil, []byte("p"))
	if &out[0] != &buf[:1][0] {
		t.Fatal("AppendMsg reallocated although cap sufficed")
	}
}

func TestErrorTexts(t *testing.T) {
	cases := []struct{ got, want string }{
		{PermissionsPublish("foo.secret"), `Permissions Violation for Publish to "foo.secret"`},
		{PermissionsPublishReply("_GR_.x"), `Permissions Violation for Publish with Reply of "_GR_.x"`},
		{PermissionsSubscribe("foo.nosub", ""), `Permissions Violation for Subscription to "foo.nosub"`},
		{PermissionsSubscribe("bar", "q"), `Permissions Violation for Subscription to "bar" using queue "q"`},
		{PermissionsSubscribeSid("bar", "", "7"), `Permissions Violation for Subscription to "bar" (sid "7")`},
		{PermissionsSubscribeSid("bar", "q", "7"), `Permissions Violation for Subscription to "bar" using queue "q" (sid "7")`},
		{PermissionsSubscribeTooManyTokens("a.b.c"), `Permissions Violation for Subscription to "a.b.c", too many tokens`},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// The reference formats the parameters with %q: escapes must match.
	for _, s := range []string{"a\"b", "a\\b", "\x00\t\n", "héllo", "\xff"} {
		if got, want := PermissionsPublish(s), fmt.Sprintf("Permissions Violation for Publish to %q", s); got != want {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
}
