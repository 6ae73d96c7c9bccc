package server_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/server"
	"github.com/natsys/natsys/server/natstest"
)

// c0 is the usual quiet CONNECT of protocol.md §10.
const c0 = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\n"

// anyInfo stands for one INFO line in the expected transcripts.
const anyInfo = "INFO {...}\r\n"

// serverSetup is one server configuration, as reference config text and as
// the equivalent Options for the in-process server.
type serverSetup struct {
	name string
	conf string
	opts func(o *server.Options)
}

var (
	setupDefault = serverSetup{name: "default"}
	setupPayload = serverSetup{name: "max_payload", conf: "max_payload: 16\n",
		opts: func(o *server.Options) { o.MaxPayload = 16 }}
	setupControl = serverSetup{name: "max_control_line", conf: "max_control_line: 64\n",
		opts: func(o *server.Options) { o.MaxControlLine = 64 }}
	setupSubs = serverSetup{name: "max_subscriptions", conf: "max_subscriptions: 2\n",
		opts: func(o *server.Options) { o.MaxSubs = 2 }}
	setupUsers = serverSetup{name: "users",
		conf: `authorization { timeout: 1, users = [
  {user: alice, password: secret, permissions: {publish: {allow: ["foo.>","_INBOX.>"], deny: ["foo.secret"]}, subscribe: {allow: ["foo.>","_INBOX.>"], deny: ["foo.nosub"]}}},
  {user: bob, password: pw} ] }
`,
		opts: func(o *server.Options) {
			o.AuthTimeout = 1
			o.Users = []*server.User{
				{Username: "alice", Password: "secret", Permissions: &server.Permissions{
					Publish:   &server.SubjectPermission{Allow: []string{"foo.>", "_INBOX.>"}, Deny: []string{"foo.secret"}},
					Subscribe: &server.SubjectPermission{Allow: []string{"foo.>", "_INBOX.>"}, Deny: []string{"foo.nosub"}},
				}},
				{Username: "bob", Password: "pw"},
			}
		}}
	setupToken = serverSetup{name: "token", conf: "authorization { token: s3cr3t }\n",
		opts: func(o *server.Options) { o.Authorization = "s3cr3t" }}
	setupNoHeaders = serverSetup{name: "no_header_support", conf: "no_header_support: true\n",
		opts: func(o *server.Options) { o.NoHeaderSupport = true }}
)

// options returns the in-process Options of the setup.
func (ss serverSetup) options() *server.Options {
	o := server.DefaultOptions()
	if ss.opts != nil {
		ss.opts(o)
	}
	return o
}

// protoCase is one raw-protocol conversation: the client sends steps in
// order; then, unless closes is set, "PING\r\n" and everything up to the
// final PONG is the transcript; with closes, everything up to EOF.
type protoCase struct {
	name   string
	setup  serverSetup
	steps  []string
	closes bool
	// want is the exact transcript (INFO lines written as anyInfo), or,
	// starting with "re:", a regular expression for it.
	want string
	// random marks outputs that legitimately differ between runs (queue
	// member choice); they are not compared with the reference.
	random bool
}

var protoCases = []protoCase{
	{name: "T1 pub/sub protocol 1 connect info", steps: []string{
		"CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"echo\":true}\r\n", "PING\r\n",
		"SUB foo 1\r\n", "PUB foo 5\r\nhello\r\n", "PUB foo reply.1 0\r\n\r\n"},
		want: anyInfo + "PONG\r\n" + anyInfo + "MSG foo 1 5\r\nhello\r\nMSG foo 1 reply.1 0\r\n\r\nPONG\r\n"},
	{name: "T2 verbose default", steps: []string{"CONNECT {}\r\n", "SUB foo 1\r\n", "PUB foo 3\r\nabc\r\n", "UNSUB 1\r\n", "UNSUB 99\r\n"},
		want: anyInfo + "+OK\r\n+OK\r\n+OK\r\nMSG foo 1 3\r\nabc\r\n+OK\r\n+OK\r\nPONG\r\n"},
	{name: "T3 no connect", steps: []string{"SUB foo 1\r\n", "PUB foo 2\r\nhi\r\n"},
		want: anyInfo + "+OK\r\n+OK\r\nMSG foo 1 2\r\nhi\r\nPONG\r\n"},
	{name: "T4 case and whitespace", steps: []string{"connect {\"verbose\":false}\r\n", "sub\tfoo  \t 1\r\n", "pUb foo\t\t3\r\nabc\r\n", "ping\r\n"},
		want: anyInfo + "MSG foo 1 3\r\nabc\r\nPONG\r\nPONG\r\n"},
	{name: "T5 LF only lines", steps: []string{"CONNECT {\"verbose\":false}\n", "SUB foo 1\n", "PUB foo 3\nabc\r\n", "PUB foo 3\nabc\n"},
		closes: true, want: anyInfo + "MSG foo 1 3\r\nabc\r\n-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "T6 unknown op", steps: []string{c0, "FOO bar\r\n"}, closes: true,
		want: anyInfo + "-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "T7 pub missing size", steps: []string{c0, "PUB foo\r\n"}, closes: true, want: anyInfo},
	{name: "T8 payload too long", steps: []string{c0, "PUB foo 3\r\nabcd\r\n"}, closes: true,
		want: anyInfo + "-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "T9 max payload ok", setup: setupPayload, steps: []string{c0, "SUB a 1\r\n", "PUB a 16\r\n0123456789abcdef\r\n"},
		want: anyInfo + "MSG a 1 16\r\n0123456789abcdef\r\nPONG\r\n"},
	{name: "T9 max payload exceeded", setup: setupPayload, steps: []string{c0, "PUB a 17\r\n"}, closes: true,
		want: anyInfo + "-ERR 'Maximum Payload Violation'\r\n"},
	{name: "T9 hpub max payload", setup: setupPayload, steps: []string{"CONNECT {\"verbose\":false,\"headers\":true}\r\n", "HPUB a 12 17\r\n"},
		closes: true, want: anyInfo + "-ERR 'Maximum Payload Violation'\r\n"},
	{name: "T10 control line 64 ok", setup: setupControl, steps: []string{c0, "SUB " + strings.Repeat("a", 62) + " 1\r\n"},
		want: anyInfo + "PONG\r\n"},
	{name: "T10 control line 65", setup: setupControl, steps: []string{c0, "SUB " + strings.Repeat("a", 63) + " 1\r\n"},
		closes: true, want: anyInfo + "-ERR 'maximum control line exceeded'\r\n"},
	{name: "T10 control line partial", setup: setupControl, steps: []string{c0, "SUB " + strings.Repeat("a", 80)},
		closes: true, want: anyInfo + "-ERR 'maximum control line exceeded'\r\n"},
	{name: "T11 max subscriptions", setup: setupSubs, steps: []string{c0, "SUB a 1\r\n", "SUB b 2\r\n", "SUB c 3\r\n", "SUB a 1\r\n"},
		want: anyInfo + "-ERR 'maximum subscriptions exceeded'\r\n-ERR 'maximum subscriptions exceeded'\r\nPONG\r\n"},
	{name: "T12 auth first op not connect", setup: setupUsers, steps: []string{"PING\r\n"}, closes: true,
		want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "T13 wrong password", setup: setupUsers, steps: []string{"CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"nope\"}\r\n"},
		closes: true, want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "T13 unknown user", setup: setupUsers, steps: []string{"CONNECT {\"verbose\":false,\"user\":\"zed\",\"pass\":\"pw\"}\r\n"},
		closes: true, want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "T13 no credentials", setup: setupUsers, steps: []string{"CONNECT {\"verbose\":false}\r\n"},
		closes: true, want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "T15 permissions", setup: setupUsers, steps: []string{
		"CONNECT {\"verbose\":true,\"user\":\"alice\",\"pass\":\"secret\"}\r\n", "SUB foo.nosub 1\r\n", "SUB bar q 2\r\n",
		"PUB foo.secret 0\r\n\r\n", "SUB foo.x 3\r\n", "PUB foo.x 2\r\nhi\r\n", "PUB bar 0\r\n\r\n"},
		want: anyInfo + "+OK\r\n-ERR 'Permissions Violation for Subscription to \"foo.nosub\"'\r\n" +
			"-ERR 'Permissions Violation for Subscription to \"bar\" using queue \"q\"'\r\n" +
			"-ERR 'Permissions Violation for Publish to \"foo.secret\"'\r\n+OK\r\n+OK\r\nMSG foo.x 3 2\r\nhi\r\n" +
			"-ERR 'Permissions Violation for Publish to \"bar\"'\r\nPONG\r\n"},
	{name: "T15 wildcard sub overlapping deny", setup: setupUsers, steps: []string{
		"CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"secret\"}\r\n", "SUB foo.* 1\r\n", "SUB foo.> 2\r\n",
		"PUB foo.x 1\r\na\r\n"},
		want: "re:^" + regexp.QuoteMeta(anyInfo) + `(MSG foo\.x [12] 1\r\na\r\n){2}PONG\r\n$`},
	{name: "T16 reserved subjects", setup: setupUsers, steps: []string{
		"CONNECT {\"verbose\":false,\"user\":\"bob\",\"pass\":\"pw\"}\r\n", "PUB a _GR_.x 0\r\n\r\n", "PUB a $JS.ACK.x.y 0\r\n\r\n",
		"PUB _GR_.abc 0\r\n\r\n", "PUB $NRG.x 0\r\n\r\n", "PUB a _R_.x 0\r\n\r\n"},
		want: anyInfo + "-ERR 'Permissions Violation for Publish with Reply of \"_GR_.x\"'\r\n" +
			"-ERR 'Permissions Violation for Publish with Reply of \"$JS.ACK.x.y\"'\r\n" +
			"-ERR 'Permissions Violation for Publish to \"_GR_.abc\"'\r\n" +
			"-ERR 'Permissions Violation for Publish to \"$NRG.x\"'\r\n" +
			"-ERR 'Permissions Violation for Publish with Reply of \"_R_.x\"'\r\nPONG\r\n"},
	{name: "T16 reconnect as other user", setup: setupUsers, steps: []string{
		"CONNECT {\"verbose\":false,\"user\":\"bob\",\"pass\":\"pw\"}\r\n", "PUB x 1\r\na\r\n",
		"CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"secret\"}\r\n", "PUB x 1\r\na\r\n"},
		want: anyInfo + "-ERR 'Permissions Violation for Publish to \"x\"'\r\nPONG\r\n"},
	{name: "T17 token ok", setup: setupToken, steps: []string{"CONNECT {\"verbose\":true,\"auth_token\":\"s3cr3t\"}\r\n"},
		want: anyInfo + "+OK\r\nPONG\r\n"},
	{name: "T17 token wrong", setup: setupToken, steps: []string{"CONNECT {\"verbose\":true,\"auth_token\":\"x\"}\r\n"},
		closes: true, want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "T17 token as user", setup: setupToken, steps: []string{"CONNECT {\"verbose\":true,\"user\":\"s3cr3t\"}\r\n"},
		closes: true, want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "T18 headers", steps: []string{"CONNECT {\"verbose\":false,\"headers\":true}\r\n", "SUB foo 1\r\n",
		"HPUB foo 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n", "HPUB foo rep 12 12\r\nNATS/1.0\r\n\r\n\r\n",
		"HPUB foo 25 25\r\nNATS/1.0 503 No Stuff\r\n\r\n\r\n", "HPUB foo 0 2\r\nhi\r\n", "HPUB foo 5 5\r\nhello\r\n"},
		want: anyInfo + "HMSG foo 1 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\nHMSG foo 1 rep 12 12\r\nNATS/1.0\r\n\r\n\r\n" +
			"HMSG foo 1 25 25\r\nNATS/1.0 503 No Stuff\r\n\r\n\r\nMSG foo 1 2\r\nhi\r\nHMSG foo 1 5 5\r\nhello\r\nPONG\r\n"},
	{name: "T19 hpub without headers", steps: []string{"CONNECT {\"verbose\":false}\r\n", "HPUB a 12 12\r\nNATS/1.0\r\n\r\n\r\n"},
		closes: true, want: anyInfo},
	{name: "T20 no responders", steps: []string{"CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n",
		"SUB _INBOX.x 1\r\n", "PUB svc.nobody _INBOX.x 2\r\nhi\r\n", "HPUB svc.nobody _INBOX.x 12 12\r\nNATS/1.0\r\n\r\n\r\n"},
		want: anyInfo + "HMSG _INBOX.x 1 42 42\r\nNATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n\r\n" +
			"HMSG _INBOX.x 1 42 42\r\nNATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n\r\nPONG\r\n"},
	{name: "T20 no responders off", steps: []string{"CONNECT {\"verbose\":false,\"headers\":true}\r\n",
		"SUB _INBOX.x 1\r\n", "PUB svc.nobody _INBOX.x 2\r\nhi\r\n"}, want: anyInfo + "PONG\r\n"},
	{name: "T20 no responders without own sub", steps: []string{"CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n",
		"PUB svc.nobody _INBOX.x 2\r\nhi\r\n"}, want: anyInfo + "PONG\r\n"},
	{name: "T20 no responders with responder", steps: []string{"CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n",
		"SUB _INBOX.x 1\r\n", "SUB svc.nobody 2\r\n", "PUB svc.nobody _INBOX.x 2\r\nhi\r\n"},
		want: anyInfo + "MSG svc.nobody 2 _INBOX.x 2\r\nhi\r\nPONG\r\n"},
	{name: "T21 no responders without headers", steps: []string{"CONNECT {\"verbose\":false,\"no_responders\":true}\r\n"},
		closes: true, want: anyInfo + "-ERR 'no responders requires headers support'\r\n"},
	{name: "T22 bad protocol", steps: []string{"CONNECT {\"verbose\":false,\"protocol\":2}\r\n"},
		closes: true, want: anyInfo + "-ERR 'invalid client protocol'\r\n"},
	{name: "T22 negative protocol", steps: []string{"CONNECT {\"verbose\":false,\"protocol\":-1}\r\n"},
		closes: true, want: anyInfo + "-ERR 'invalid client protocol'\r\n"},
	{name: "T23 pedantic", steps: []string{"CONNECT {\"verbose\":true,\"pedantic\":true}\r\n", "SUB > 1\r\n",
		"PUB foo.* 1\r\na\r\n", "PUB foo..bar 1\r\nc\r\n"},
		want: anyInfo + "+OK\r\n+OK\r\n-ERR 'Invalid Publish Subject'\r\n+OK\r\nMSG foo.* 1 1\r\na\r\n" +
			"-ERR 'Invalid Publish Subject'\r\n+OK\r\nPONG\r\n"},
	{name: "T23 non-pedantic wildcard publish", steps: []string{c0, "SUB foo.* 1\r\nSUB foo.bar 2\r\n", "PUB foo.* 1\r\na\r\n"},
		want: anyInfo + "MSG foo.* 1 1\r\na\r\nPONG\r\n"},
	{name: "T24 invalid sub subjects", steps: []string{c0, "SUB foo..bar 1\r\n", "SUB .foo 2\r\n", "SUB foo. 3\r\n",
		"SUB foo.>.bar 4\r\n", "SUB foo* 5\r\n", "SUB *.* 6\r\n", "SUB > 7\r\n"},
		want: anyInfo + strings.Repeat("-ERR 'Invalid Subject'\r\n", 4) + "PONG\r\n"},
	{name: "T25 unsub max", steps: []string{c0, "SUB foo 1\r\n", "UNSUB 1 2\r\n", "PUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\n"},
		want: anyInfo + "MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\nPONG\r\n"},
	{name: "T25 unsub max already reached", steps: []string{c0, "SUB foo 1\r\n", "PUB foo 1\r\na\r\nPUB foo 1\r\nb\r\n",
		"UNSUB 1 1\r\n", "PUB foo 1\r\nc\r\n"},
		want: anyInfo + "MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\nPONG\r\n"},
	{name: "T25 unsub non-numeric", steps: []string{c0, "SUB foo 1\r\n", "UNSUB 1 x\r\n", "PUB foo 1\r\nc\r\n"},
		want: anyInfo + "PONG\r\n"},
	{name: "T26 queue on one connection", steps: []string{"CONNECT {\"verbose\":false}\r\n", "SUB foo q 1\r\n", "SUB foo q 2\r\n",
		"SUB foo 3\r\n", "PUB foo 1\r\na\r\nPUB foo 1\r\nb\r\n"}, random: true,
		want: "re:^" + regexp.QuoteMeta(anyInfo) + `MSG foo 3 1\r\na\r\nMSG foo [12] 1\r\na\r\nMSG foo 3 1\r\nb\r\nMSG foo [12] 1\r\nb\r\nPONG\r\n$`},
	{name: "T27 echo false", steps: []string{"CONNECT {\"verbose\":false,\"echo\":false}\r\n", "SUB foo 1\r\n", "PUB foo 2\r\nhi\r\n"},
		want: anyInfo + "PONG\r\n"},
	{name: "T28 duplicate sid", steps: []string{c0, "SUB foo 1\r\n", "SUB bar 1\r\n", "PUB bar 1\r\na\r\n", "PUB foo 1\r\nb\r\n"},
		want: anyInfo + "MSG foo 1 1\r\nb\r\nPONG\r\n"},
	{name: "T29 client ok and info", steps: []string{c0, "+OK\r\n", "INFO {}\r\n"}, want: anyInfo + "PONG\r\n"},
	{name: "T29 client err", steps: []string{c0, "-ERR 'boom'\r\n"}, closes: true, want: anyInfo},
	{name: "T30 ping pong junk", steps: []string{c0, "PING foo bar\r\n", "PINGX\r\n", "PONGZZ\r\n"},
		want: anyInfo + "PONG\r\nPONG\r\nPONG\r\n"},
	{name: "T32 bad connect json", steps: []string{"CONNECT {\"verbose\":\"yes\"}\r\n"}, closes: true, want: anyInfo},
	{name: "T32 connect not json", steps: []string{"CONNECT {bad}\r\n"}, closes: true, want: anyInfo},
	{name: "T32 empty connect", steps: []string{"CONNECT\r\n"}, closes: true, want: anyInfo},
	{name: "T34 no header support", setup: setupNoHeaders, steps: []string{"CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n"},
		closes: true, want: anyInfo + "-ERR 'no responders requires headers support'\r\n"},
	{name: "connect without separator", steps: []string{"CONNECT{\"verbose\":true}\r\n"}, want: anyInfo + "+OK\r\nPONG\r\n"},
	{name: "connect unknown key", steps: []string{"CONNECT {\"verbose\":false,\"foo\":1}\r\n"}, want: anyInfo + "PONG\r\n"},
	{name: "connect account field", steps: []string{"CONNECT {\"verbose\":false,\"account\":\"A\"}\r\n"}, closes: true,
		want: anyInfo + "-ERR 'Authorization Violation'\r\n"},
	{name: "route op unknown", steps: []string{c0, "RS+ foo 1\r\n"}, closes: true, want: anyInfo + "-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "client MSG unknown", steps: []string{c0, "MSG foo 1 1\r\na\r\n"}, closes: true, want: anyInfo + "-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "pub without separator", steps: []string{c0, "PUBfoo 1\r\n"}, closes: true, want: anyInfo + "-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "pub negative size", steps: []string{c0, "PUB foo -1\r\n"}, closes: true, want: anyInfo},
	{name: "pub ten digit size", steps: []string{c0, "PUB foo 0000000001\r\n"}, closes: true, want: anyInfo},
	{name: "sub one arg", steps: []string{c0, "SUB foo\r\n"}, closes: true, want: anyInfo},
	{name: "sub four args", steps: []string{c0, "SUB a b c d\r\n"}, closes: true, want: anyInfo},
	{name: "unsub three args", steps: []string{c0, "UNSUB 1 2 3\r\n"}, closes: true, want: anyInfo},
	{name: "unsub no args", steps: []string{c0, "UNSUB\r\n"}, closes: true, want: anyInfo + "-ERR 'Unknown Protocol Operation'\r\n"},
	{name: "hpub header over total", steps: []string{"CONNECT {\"verbose\":false,\"headers\":true}\r\n", "HPUB foo 6 5\r\nhello\r\n"},
		closes: true, want: anyInfo},
	{name: "payload with CR LF NUL", steps: []string{c0, "SUB b 1\r\n", "PUB b 4\r\n\r\n\x00\n\r\n"},
		want: anyInfo + "MSG b 1 4\r\n\r\n\x00\n\r\nPONG\r\n"},
	{name: "subjects are case sensitive", steps: []string{c0, "SUB FOO 2\r\n", "sub foo 1\r\n", "pUb foo 1\r\na\r\n"},
		want: anyInfo + "MSG foo 1 1\r\na\r\nPONG\r\n"},
	{name: "protocol 0 no connect info", steps: []string{"CONNECT {\"verbose\":false}\r\n", "PING\r\n"},
		want: anyInfo + "PONG\r\nPONG\r\n"},
	{name: "ping before connect", steps: []string{"PING\r\n"}, want: anyInfo + "PONG\r\nPONG\r\n"},
}

// runTranscript plays pc against the server at url and returns everything
// the server sent, including the greeting INFO.
func runTranscript(t *testing.T, url string, pc protoCase) string {
	t.Helper()
	c := natstest.DialRaw(t, url)
	var out strings.Builder
	out.WriteString(c.ReadLine())
	for _, s := range pc.steps {
		c.Send(s)
		time.Sleep(time.Millisecond)
	}
	if pc.closes {
		deadline := time.Now().Add(natstest.DefaultTimeout)
		for !c.Closed() && time.Now().Before(deadline) {
			out.WriteString(c.ReadFor(50 * time.Millisecond))
		}
		if !c.Closed() {
			t.Fatalf("connection not closed; got %q", out.String())
		}
		return out.String()
	}
	c.Send("PING\r\n")
	deadline := time.Now().Add(natstest.DefaultTimeout)
	for !strings.HasSuffix(out.String(), "PONG\r\n") && time.Now().Before(deadline) && !c.Closed() {
		out.WriteString(c.ReadFor(20 * time.Millisecond))
	}
	return out.String()
}

var infoLine = regexp.MustCompile(`INFO \{[^\r\n]*\} \r\n`)

// abstractInfo replaces every INFO line by anyInfo.
func abstractInfo(s string) string { return infoLine.ReplaceAllString(s, anyInfo) }

func checkTranscript(t *testing.T, got, want string) {
	t.Helper()
	got = abstractInfo(got)
	if re, ok := strings.CutPrefix(want, "re:"); ok {
		if !regexp.MustCompile(re).MatchString(got) {
			t.Fatalf("transcript\n got %q\nwant match of %q", got, re)
		}
		return
	}
	if got != want {
		t.Fatalf("transcript\n got %q\nwant %q", got, want)
	}
}

func TestProtocolTranscripts(t *testing.T) {
	servers := map[string]*server.Server{}
	for _, pc := range protoCases {
		s := servers[pc.setup.name]
		if s == nil {
			s = natstest.RunServerOpts(t, pc.setup.options())
			servers[pc.setup.name] = s
		}
		t.Run(pc.name, func(t *testing.T) {
			checkTranscript(t, runTranscript(t, s.ClientURL(), pc), pc.want)
		})
	}
}

func TestProtocolBytewise(t *testing.T) {
	s := natstest.RunServerOpts(t, nil)
	c := natstest.Dial(t, s.ClientURL())
	c.SendBytewise("CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB foo 1\r\nPUB foo 5\r\nhello\r\nHPUB foo 5 5\r\nhello\r\nPING\r\n")
	c.Expect("MSG foo 1 5\r\nhello\r\nHMSG foo 1 5 5\r\nhello\r\nPONG\r\n")
}
