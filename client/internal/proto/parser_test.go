package proto

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// recorder writes every operation it gets as one line of text.
type recorder struct{ ops []string }

func (r *recorder) OnMsg(m *Msg) {
	if m.Headers {
		r.ops = append(r.ops, fmt.Sprintf("HMSG subj=%s sid=%d reply=%s hdr=%q body=%q",
			m.Subject, m.Sid, m.Reply, m.Data[:m.HeaderLen], m.Data[m.HeaderLen:]))
		return
	}
	r.ops = append(r.ops, fmt.Sprintf("MSG subj=%s sid=%d reply=%s data=%q", m.Subject, m.Sid, m.Reply, m.Data))
}
func (r *recorder) OnInfo(b []byte) { r.ops = append(r.ops, "INFO "+string(b)) }
func (r *recorder) OnPing()         { r.ops = append(r.ops, "PING") }
func (r *recorder) OnPong()         { r.ops = append(r.ops, "PONG") }
func (r *recorder) OnOK()           { r.ops = append(r.ops, "+OK") }
func (r *recorder) OnErr(b []byte)  { r.ops = append(r.ops, "-ERR "+string(b)) }

// parseChunks feeds in to a fresh parser in pieces of at most chunk bytes
// (chunk <= 0: all at once), copying each piece into a reused buffer so that
// slices kept past a call would show up as corruption.
func parseChunks(in string, chunk int) ([]string, error) {
	var p Parser
	r := &recorder{}
	if chunk <= 0 {
		chunk = len(in) + 1
	}
	buf := make([]byte, chunk)
	for len(in) > 0 {
		n := copy(buf, in)
		in = in[n:]
		if err := p.Parse(buf[:n], r); err != nil {
			return r.ops, err
		}
		for i := range buf {
			buf[i] = 'X' // poison what the parser must not keep
		}
	}
	return r.ops, nil
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"info", "INFO {\"server_id\":\"N\"} \r\n", []string{`INFO {"server_id":"N"} `}},
		{"ping pong ok", "PING\r\nPONG\r\n+OK\r\n", []string{"PING", "PONG", "+OK"}},
		{"lower case", "ping\r\npong\r\nmsg a 1 1\r\nx\r\n", []string{"PING", "PONG", `MSG subj=a sid=1 reply= data="x"`}},
		{"lf only", "PING\nMSG foo 2 3\nabc\r\n", []string{"PING", `MSG subj=foo sid=2 reply= data="abc"`}},
		{"msg", "MSG foo 1 5\r\nhello\r\n", []string{`MSG subj=foo sid=1 reply= data="hello"`}},
		{"msg reply", "MSG foo 1 reply.1 0\r\n\r\n", []string{`MSG subj=foo sid=1 reply=reply.1 data=""`}},
		{"msg tabs", "MSG\tfoo \t 7\t2\r\nhi\r\n", []string{`MSG subj=foo sid=7 reply= data="hi"`}},
		{"msg binary payload", "MSG b 1 4\r\n\r\n\x00\n\r\n", []string{`MSG subj=b sid=1 reply= data="\r\n\x00\n"`}},
		{"hmsg", "HMSG foo 1 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n",
			[]string{`HMSG subj=foo sid=1 reply= hdr="NATS/1.0\r\nA: b\r\n\r\n" body="hello"`}},
		{"hmsg reply", "HMSG _INBOX.x 1 rep 12 12\r\nNATS/1.0\r\n\r\n\r\n",
			[]string{`HMSG subj=_INBOX.x sid=1 reply=rep hdr="NATS/1.0\r\n\r\n" body=""`}},
		{"no responders", "HMSG _INBOX.x 1 42 42\r\nNATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n\r\n",
			[]string{`HMSG subj=_INBOX.x sid=1 reply= hdr="NATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n" body=""`}},
		{"err", "-ERR 'Permissions Violation for Publish to \"bar\"'\r\n", []string{`-ERR Permissions Violation for Publish to "bar"`}},
		{"err unquoted", "-ERR boom\r\n", []string{"-ERR boom"}},
		{"ping junk", "PING foo\r\nPONGxx\r\n", []string{"PING", "PONG"}},
		{"several", "+OK\r\nMSG a 1 1\r\na\r\nMSG b 2 r 1\r\nb\r\nPING\r\n",
			[]string{"+OK", `MSG subj=a sid=1 reply= data="a"`, `MSG subj=b sid=2 reply=r data="b"`, "PING"}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{0, 1, 2, 3, 7} {
				got, err := parseChunks(tc.in, chunk)
				if err != nil {
					t.Fatalf("chunk %d: %v", chunk, err)
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Fatalf("chunk %d:\ngot  %q\nwant %q", chunk, got, tc.want)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"unknown op", "FOO\r\n"},
		{"bad op spelling", "PINX\r\n"},
		{"msg no space", "MSGfoo 1 1\r\n"},
		{"msg too few args", "MSG foo 1\r\n"},
		{"msg too many args", "MSG foo 1 a b 3\r\n"},
		{"msg bad sid", "MSG foo x 1\r\na\r\n"},
		{"msg bad size", "MSG foo 1 -1\r\n"},
		{"msg size too many digits", "MSG foo 1 0000000001\r\n"},
		{"msg bad terminator", "MSG foo 1 1\r\nab\r\n"},
		{"msg lf terminator", "MSG foo 1 1\r\na\n"},
		{"hmsg hdr over total", "HMSG foo 1 5 3\r\nabc\r\n"},
		{"hmsg too few args", "HMSG foo 1 3\r\n"},
		{"info no space", "INFO{}\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{0, 1} {
				if _, err := parseChunks(tc.in, chunk); !errors.Is(err, ErrProtocol) {
					t.Fatalf("chunk %d: err = %v, want ErrProtocol", chunk, err)
				}
			}
		})
	}
}

func TestParseLongArg(t *testing.T) {
	long := "INFO " + strings.Repeat("a", MaxArgLen+1) + "\r\n"
	for _, chunk := range []int{0, 4096} {
		if _, err := parseChunks(long, chunk); !errors.Is(err, ErrProtocol) {
			t.Fatalf("chunk %d: err = %v, want ErrProtocol", chunk, err)
		}
	}
	ok := "INFO " + strings.Repeat("a", MaxArgLen) + "\r\nPING\r\n"
	for _, chunk := range []int{0, 4096} {
		got, err := parseChunks(ok, chunk)
		if err != nil || len(got) != 2 || got[1] != "PING" || len(got[0]) != len("INFO ")+MaxArgLen {
			t.Fatalf("chunk %d: %d ops, err %v", chunk, len(got), err)
		}
	}
}

func TestParseLargePayloadSplit(t *testing.T) {
	body := strings.Repeat("0123456789", 20000)
	in := fmt.Sprintf("MSG big.subject 9 _INBOX.r %d\r\n%s\r\nPING\r\n", len(body), body)
	want := []string{fmt.Sprintf("MSG subj=big.subject sid=9 reply=_INBOX.r data=%q", body), "PING"}
	for _, chunk := range []int{0, 1000, 32768, 199999} {
		got, err := parseChunks(in, chunk)
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("chunk %d: wrong ops (%d)", chunk, len(got))
		}
	}
}

func TestParseNoAllocs(t *testing.T) {
	in := []byte("MSG foo.bar 1 _INBOX.abc 11\r\nhello world\r\nHMSG foo 2 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n")
	var p Parser
	h := nopHandler{}
	allocs := testing.AllocsPerRun(100, func() {
		if err := p.Parse(in, h); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Parse allocated %.1f times per run, want 0", allocs)
	}
}

type nopHandler struct{}

func (nopHandler) OnMsg(*Msg)     {}
func (nopHandler) OnInfo([]byte)  {}
func (nopHandler) OnPing()        {}
func (nopHandler) OnPong()        {}
func (nopHandler) OnOK()          {}
func (nopHandler) OnErr(b []byte) {}

func BenchmarkParseMsg(b *testing.B) {
	one := "MSG foo.bar 1 128\r\n" + strings.Repeat("x", 128) + "\r\n"
	in := []byte(strings.Repeat(one, 200))
	var p Parser
	h := nopHandler{}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Parse(in, h); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParser checks that feeding a stream whole, byte by byte and in chunks of
// a fuzzed size gives the same operations and the same verdict.
func FuzzParser(f *testing.F) {
	seeds := []string{
		"INFO {\"a\":1} \r\nPING\r\nPONG\r\n+OK\r\n",
		"MSG foo 1 5\r\nhello\r\nMSG foo 1 reply 0\r\n\r\n",
		"HMSG foo 1 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n",
		"HMSG _INBOX.x 1 42 42\r\nNATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n\r\n",
		"-ERR 'Permissions Violation for Publish to \"x\"'\r\n",
		"MSG a 1 1\r\nab\r\n",
	}
	for _, s := range seeds {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, chunk uint8) {
		whole, errWhole := parseChunks(in, 0)
		for _, c := range []int{1, int(chunk)%64 + 1} {
			got, err := parseChunks(in, c)
			if (err == nil) != (errWhole == nil) {
				t.Fatalf("chunk %d: err %v, whole err %v", c, err, errWhole)
			}
			if strings.Join(got, "\n") != strings.Join(whole, "\n") {
				t.Fatalf("chunk %d: ops differ:\n%q\n%q", c, got, whole)
			}
		}
	})
}
