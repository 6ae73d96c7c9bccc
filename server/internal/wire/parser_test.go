package wire

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// cfg sets up a Parser for a case.
type cfg struct {
	headers, requireConnect bool
	mcl, mp                 int
}

func (c cfg) parser() *Parser {
	p := NewParser()
	p.Headers, p.RequireConnect = c.headers, c.requireConnect
	if c.mcl != 0 {
		p.MaxControlLine = c.mcl
	}
	if c.mp != 0 {
		p.MaxPayload = c.mp
	}
	return p
}

var (
	hdrs   = cfg{headers: true}
	limits = cfg{headers: true, mcl: 64, mp: 16}
	auth   = cfg{requireConnect: true}
)

// Expected errors.
var (
	eUnknown = &Error{Text: ErrUnknownProtocolOperation, Close: true, Reason: ReasonProtocolViolation}
	eSilent  = &Error{Close: true, Reason: ReasonProtocolViolation}
	eMaxPay  = &Error{Text: ErrMaxPayloadViolation, Close: true, Reason: ReasonMaxPayload}
	eMaxLine = &Error{Text: ErrMaxControlLineExceeded, Close: true, Reason: ReasonMaxControlLine}
	eAuth    = &Error{Text: ErrAuthorizationViolation, Close: true, Reason: ReasonAuthenticationFailure}
)

type parseCase struct {
	name string
	cfg  cfg
	in   string
	want []string // recorded events
	err  *Error   // nil: no error
}

var a62 = strings.Repeat("a", 62)

// parseCases are the reference's observed behaviours (nats-server v2.15.2, raw TCP; see
// protocol.md §1, §4, §6 and T1-T30), as Parser outcomes.
var parseCases = []parseCase{
	// CONNECT
	{"connect", cfg{}, "CONNECT {\"verbose\":false}\r\n", []string{`CONNECT "{\"verbose\":false}"`}, nil},
	{"connect lower", cfg{}, "connect {}\r\n", []string{`CONNECT "{}"`}, nil},
	{"connect mixed case", cfg{}, "CONNECt {}\r\n", []string{`CONNECT "{}"`}, nil},
	{"connect no separator", cfg{}, "CONNECT{\"verbose\":true}\r\n", []string{`CONNECT "{\"verbose\":true}"`}, nil},
	{"connect tabs", cfg{}, "CONNECT \t {}\r\n", []string{`CONNECT "{}"`}, nil},
	{"connect LF only", cfg{}, "CONNECT {}\n", []string{`CONNECT "{}"`}, nil},
	{"connect empty", cfg{}, "CONNECT\r\n", []string{`CONNECT "\r"`}, nil},
	{"connect space CR", cfg{}, "CONNECT \r\n", []string{`CONNECT "\r"`}, nil},
	{"connect first byte LF", cfg{}, "CONNECT\n{}\r\n", []string{`CONNECT "\n{}"`}, nil},
	{"connect junk", cfg{}, "CONNECTX\r\n", []string{`CONNECT "X"`}, nil},
	{"connect misspelt", cfg{}, "CONNEX {}\r\n", nil, eUnknown},
	{"connect incomplete", cfg{}, "CONNECT {\"verbose\":false}", nil, nil},

	// PUB
	{"pub", cfg{}, "PUB foo 5\r\nhello\r\n", []string{`PUB "foo" <nil> "hello"`}, nil},
	{"pub reply", cfg{}, "PUB foo reply.1 0\r\n\r\n", []string{`PUB "foo" "reply.1" ""`}, nil},
	{"pub case and tabs", cfg{}, "pUb foo\t\t3\r\nabc\r\n", []string{`PUB "foo" <nil> "abc"`}, nil},
	{"pub tab separator", cfg{}, "PUB\tfoo 1\r\nx\r\n", []string{`PUB "foo" <nil> "x"`}, nil},
	{"pub trailing space", cfg{}, "PUB foo 1 \r\nx\r\n", []string{`PUB "foo" <nil> "x"`}, nil},
	{"pub size tab", cfg{}, "PUB foo 3\t\r\nabc\r\n", []string{`PUB "foo" <nil> "abc"`}, nil},
	{"pub LF only line", cfg{}, "PUB foo 3\nabc\r\n", []string{`PUB "foo" <nil> "abc"`}, nil},
	{"pub binary payload", cfg{}, "PUB b 4\r\n\r\n\x00\n\r\n", []string{`PUB "b" <nil> "\r\n\x00\n"`}, nil},
	{"pub 9 digits", cfg{}, "PUB foo 000000001\r\nx\r\n", []string{`PUB "foo" <nil> "x"`}, nil},
	{"pub CR in subject", cfg{}, "PUB foo\r 1\r\nx\r\n", []string{`PUB "foo\r" <nil> "x"`}, nil},
	{"pub first byte LF", cfg{}, "PUB \nfoo 1\r\nx\r\n", []string{`PUB "\nfoo" <nil> "x"`}, nil},
	{"pub two", cfg{}, "PUB a 1\r\nx\r\nPUB b r 2\r\nyz\r\n", []string{`PUB "a" <nil> "x"`, `PUB "b" "r" "yz"`}, nil},
	{"pub incomplete payload", cfg{}, "PUB foo 5\r\nhel", nil, nil},
	{"pub missing size", cfg{}, "PUB foo\r\n", nil, eSilent},
	{"pub negative size", cfg{}, "PUB foo -1\r\n", nil, eSilent},
	{"pub plus size", cfg{}, "PUB foo +1\r\n", nil, eSilent},
	{"pub 10 digits", cfg{}, "PUB foo 0000000001\r\n", nil, eSilent},
	{"pub too many args", cfg{}, "PUB foo bar baz 3\r\n", nil, eSilent},
	{"pub no args", cfg{}, "PUB \r\n", nil, eSilent},
	{"pub double CR", cfg{}, "PUB foo 1\r\r\n", nil, eSilent},
	{"pub vertical tab", cfg{}, "PUB foo\x0b3\r\nabc\r\n", nil, eSilent},
	{"pub no separator", cfg{}, "PUB\r\n", nil, eUnknown},
	{"pub glued", cfg{}, "PUBfoo 1\r\n", nil, eUnknown},
	{"pub LF payload end", cfg{}, "PUB foo 3\r\nabc\n", nil, eUnknown},
	{"pub long payload", cfg{}, "PUB foo 3\r\nabcd\r\n", nil, eUnknown},
	{"pub CR CR LF", cfg{}, "PUB foo 3\r\nabc\r\r\n", nil, eUnknown},
	{"pub then bad", cfg{}, "PUB a 1\r\nx\r\nPUB a 1\r\nxy\r\n", []string{`PUB "a" <nil> "x"`}, eUnknown},
	{"pub over default max", cfg{}, "PUB a 1048577\r\n", nil, eMaxPay},
	{"pub no limit", cfg{mp: -1}, "PUB a 1048577\r\n", nil, nil},

	// HPUB
	{"hpub", hdrs, "HPUB foo 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n", []string{`HPUB "foo" <nil> 18 "NATS/1.0\r\nA: b\r\n\r\nhello"`}, nil},
	{"hpub reply", hdrs, "HPUB foo rep 12 12\r\nNATS/1.0\r\n\r\n\r\n", []string{`HPUB "foo" "rep" 12 "NATS/1.0\r\n\r\n"`}, nil},
	{"hpub lower", hdrs, "hpub foo 0 2\r\nhi\r\n", []string{`HPUB "foo" <nil> 0 "hi"`}, nil},
	{"hpub unvalidated header", hdrs, "HPUB foo 5 5\r\nhello\r\n", []string{`HPUB "foo" <nil> 5 "hello"`}, nil},
	{"hpub empty", hdrs, "HPUB foo 0 0\r\n\r\n", []string{`HPUB "foo" <nil> 0 ""`}, nil},
	{"hpub CR in subject", hdrs, "HPUB foo\r 0 1\r\nx\r\n", []string{`HPUB "foo\r" <nil> 0 "x"`}, nil},
	{"hpub without headers", cfg{}, "HPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n", nil, eSilent},
	{"hpub without headers bad args", cfg{}, "HPUB foo\r\n", nil, eSilent},
	{"hpub hdr > total", hdrs, "HPUB foo 6 5\r\nhello\r\n", nil, eSilent},
	{"hpub two args", hdrs, "HPUB foo 5\r\n", nil, eSilent},
	{"hpub five args", hdrs, "HPUB foo a b c d\r\n", nil, eSilent},
	{"hpub bad hdr", hdrs, "HPUB foo x 5\r\n", nil, eSilent},
	{"hpub bad total", hdrs, "HPUB foo 1 x\r\n", nil, eSilent},
	{"hpub no separator", hdrs, "HPUB\r\n", nil, eUnknown},
	{"hpub glued", hdrs, "HPUBx\r\n", nil, eUnknown},
	{"hpub bad end", hdrs, "HPUB foo 0 2\r\nhi\n\n", nil, eUnknown},

	// SUB
	{"sub", cfg{}, "SUB foo 1\r\n", []string{`SUB "foo" <nil> "1"`}, nil},
	{"sub queue", cfg{}, "SUB foo q 1\r\n", []string{`SUB "foo" "q" "1"`}, nil},
	{"sub whitespace", cfg{}, "sub\tfoo  \t 1\r\n", []string{`SUB "foo" <nil> "1"`}, nil},
	{"sub LF only", cfg{}, "SUB foo 1\n", []string{`SUB "foo" <nil> "1"`}, nil},
	{"sub CR splits", cfg{}, "SUB foo\r 1\r\n", []string{`SUB "foo" <nil> "1"`}, nil},
	{"sub CR splits delivers", cfg{}, "SUB foo\r 1\r\nPUB foo 1\r\nx\r\n", []string{`SUB "foo" <nil> "1"`, `PUB "foo" <nil> "x"`}, nil},
	{"pub CR in subject no match", cfg{}, "SUB foo 1\r\nPUB foo\r 1\r\nx\r\n", []string{`SUB "foo" <nil> "1"`, `PUB "foo\r" <nil> "x"`}, nil},
	{"sub first byte LF", cfg{}, "SUB \nfoo 1\r\n", []string{`SUB "foo" <nil> "1"`}, nil},
	{"sub NUL", cfg{}, "SUB a\x00 1\r\n", []string{`SUB "a\x00" <nil> "1"`}, nil},
	{"sub one arg", cfg{}, "SUB foo\r\n", nil, eSilent},
	{"sub four args", cfg{}, "SUB a b c d\r\n", nil, eSilent},
	{"sub LF ends", cfg{}, "SUB foo \n 1\r\n", nil, eSilent},
	{"sub no separator", cfg{}, "SUB\r\n", nil, eUnknown},
	{"sub then NUL", cfg{}, "SUB foo 1\r\n\x00PING\r\n", []string{`SUB "foo" <nil> "1"`}, eUnknown},

	// UNSUB
	{"unsub", cfg{}, "UNSUB 1\r\n", []string{`UNSUB "1" -1`}, nil},
	{"unsub max", cfg{}, "UNSUB 1 2\r\n", []string{`UNSUB "1" 2`}, nil},
	{"unsub max 0", cfg{}, "unsub 1 0\r\n", []string{`UNSUB "1" 0`}, nil},
	{"unsub bad max", cfg{}, "UNSUB 1 x\r\n", []string{`UNSUB "1" -1`}, nil},
	{"unsub CR first", cfg{}, "UNSUB \r1\r\n", []string{`UNSUB "1" -1`}, nil},
	{"unsub three args", cfg{}, "UNSUB 1 2 3\r\n", nil, eSilent},
	{"unsub no args", cfg{}, "UNSUB \r\n", nil, eSilent},
	{"unsub no separator", cfg{}, "UNSUB\r\n", nil, eUnknown},

	// PING, PONG
	{"ping", cfg{}, "PING\r\n", []string{"PING "}, nil},
	{"ping case", cfg{}, "pInG\r\nping\n", []string{"PING ", "PING "}, nil},
	{"ping junk", cfg{}, "PING foo bar\r\nPINGX\r\n", []string{"PING ", "PING "}, nil},
	{"pong junk", cfg{}, "PONGZZ\r\npong\r\n", []string{"PONG ", "PONG "}, nil},
	{"pin", cfg{}, "PIN\r\n", nil, eUnknown},
	{"pinx", cfg{}, "PINX\r\n", nil, eUnknown},
	{"ping empty line", cfg{}, "PING\r\n\r\n", []string{"PING "}, eUnknown},
	{"ping incomplete", cfg{}, "PING", nil, nil},

	// Client INFO, +OK, -ERR (T29)
	{"info", cfg{}, "INFO {}\r\n", []string{`INFO "{}"`}, nil},
	{"info lower glued", cfg{}, "info{}\r\n", []string{`INFO "{}"`}, nil},
	{"info empty", cfg{}, "INFO\r\n", []string{`INFO "\r"`}, nil},
	{"info junk", cfg{}, "INFOX\r\n", []string{`INFO "X"`}, nil},
	{"ok", cfg{}, "+OK\r\n+ok\r\n+OKjunk\r\n", []string{"+OK ", "+OK ", "+OK "}, nil},
	{"ok short", cfg{}, "+O\r\n", nil, eUnknown},
	{"plus", cfg{}, "+\r\n", nil, eUnknown},
	{"err", cfg{}, "-ERR 'boom'\r\n", []string{`-ERR "'boom'"`}, nil},
	{"err lower", cfg{}, "-err x\r\n", []string{`-ERR "x"`}, nil},
	{"err empty", cfg{}, "-ERR \r\n", []string{`-ERR "\r"`}, nil},
	{"err no separator", cfg{}, "-ERR\r\n", nil, eUnknown},
	{"err glued", cfg{}, "-ERRx\r\n", nil, eUnknown},
	{"err short", cfg{}, "-E\r\n", nil, eUnknown},
	{"err LF waits", cfg{}, "-ERR \n", nil, nil},

	// Unknown operations
	{"unknown", cfg{}, "FOO bar\r\n", nil, eUnknown},
	{"empty line", cfg{}, "\r\n", nil, eUnknown},
	{"leading space", cfg{}, " PING\r\n", nil, eUnknown},
	{"client MSG", cfg{}, "MSG foo 1 1\r\nx\r\n", nil, eUnknown},
	{"client HMSG", hdrs, "HMSG foo 1 0 0\r\n\r\n", nil, eUnknown},
	{"route op", cfg{}, "RS+ foo\r\n", nil, eUnknown},
	{"leaf op", cfg{}, "LS+ foo\r\n", nil, eUnknown},
	{"account op", cfg{}, "A+ foo\r\n", nil, eUnknown},
	{"non-ASCII fold", cfg{}, "P\xd5B foo 0\r\n\r\n", nil, eUnknown},

	// max_payload: 16 (T9)
	{"max payload equal", limits, "PUB a 16\r\n0123456789abcdef\r\n", []string{`PUB "a" <nil> "0123456789abcdef"`}, nil},
	{"max payload over", limits, "PUB a 17\r\n", nil, eMaxPay},
	{"max payload over no LF", limits, "PUB a 17", nil, nil},
	{"max payload over trailing space", limits, "PUB a 17 \r\n", nil, eMaxPay},
	{"max payload 9 digits", limits, "PUB a 999999999\r\n", nil, eMaxPay},
	{"max payload bad args first", limits, "PUB a b c 17\r\n", nil, eSilent},
	{"max payload 10 digits", limits, "PUB a 1000000000\r\n", nil, eSilent},
	{"max payload hpub total", limits, "HPUB a 12 17\r\n", nil, eMaxPay},
	{"max payload hpub", limits, "HPUB a 17 17\r\n", nil, eMaxPay},
	{"max payload hpub hdr > total first", limits, "HPUB a 18 17\r\n", nil, eSilent},
	{"max payload hpub equal", limits, "HPUB a 16 16\r\n0123456789abcdef\r\n", []string{`HPUB "a" <nil> 16 "0123456789abcdef"`}, nil},
	{"max payload hpub headers first", cfg{mp: 16}, "HPUB a 12 17\r\n", nil, eSilent},

	// max_control_line: 64 (T10): the arguments after the name and separators, without CR LF.
	{"max line 64", limits, "SUB " + a62 + " 1\r\n", []string{`SUB "` + a62 + `" <nil> "1"`}, nil},
	{"max line 65", limits, "SUB " + a62 + "a 1\r\n", nil, eMaxLine},
	{"max line separators not counted", limits, "SUB    \t" + a62 + " 1\r\n", []string{`SUB "` + a62 + `" <nil> "1"`}, nil},
	{"max line trailing space counted", limits, "SUB " + a62 + " 1 \r\n", nil, eMaxLine},
	{"max line partial 64", limits, "SUB " + a62 + "aa", nil, nil},
	{"max line partial 64 CR", limits, "SUB " + a62 + "aa\r", nil, nil},
	{"max line partial 65", limits, "SUB " + a62 + "aaa", nil, eMaxLine},
	{"max line partial 65 CR", limits, "SUB " + a62 + "aaa\r", nil, eMaxLine},
	{"max line partial 65 with space", limits, "SUB " + a62 + " 1 \r", nil, eMaxLine},
	{"max line ping junk unlimited", limits, "PING " + a62 + a62 + a62 + "\r\n", []string{"PING "}, nil},
	{"max line connect", limits, "CONNECT {\"verbose\":false,\"name\":\"" + a62[:40] + "\"}\r\n", nil, eMaxLine},
	{"max line info", limits, "INFO {\"verbose\":false,\"name\":\"" + a62[:40] + "\"}\r\n", nil, eMaxLine},
	{"max line err", limits, "-ERR '" + a62 + "aaa'\r\n", nil, eMaxLine},
	{"max line pub", limits, "PUB " + a62 + "aaa 1\r\n", nil, eMaxLine},
	{"max line unsub", limits, "UNSUB " + a62 + "aaa\r\n", nil, eMaxLine},
	{"max line before headers", cfg{mcl: 64}, "HPUB " + a62 + "aaa 1 1\r\n", nil, eMaxLine},

	// Auth required before CONNECT (T12)
	{"auth first byte", auth, "P", nil, eAuth},
	{"auth unknown op", auth, "FOO\r\n", nil, eAuth},
	{"auth empty line", auth, "\r\n", nil, eAuth},
	{"auth C misspelt", auth, "CONX\r\n", nil, eUnknown},
	{"auth connect then ping", auth, "CONNECT {}\r\nPING\r\n", []string{`CONNECT "{}"`}, eAuth},
	{"auth partial connect", auth, "CONNECT {\"auth_token\":\"s3cr3t\"", nil, nil},

	// Sessions (T2, T4, T5)
	{"session T2", cfg{}, "CONNECT {}\r\nSUB foo 1\r\nPUB foo 3\r\nabc\r\nUNSUB 1\r\nPING\r\n",
		[]string{`CONNECT "{}"`, `SUB "foo" <nil> "1"`, `PUB "foo" <nil> "abc"`, `UNSUB "1" -1`, "PING "}, nil},
	{"session T4", cfg{}, "connect {\"verbose\":false}\r\nsub\tfoo  \t 1\r\npUb foo\t\t3\r\nabc\r\nping\r\n",
		[]string{`CONNECT "{\"verbose\":false}"`, `SUB "foo" <nil> "1"`, `PUB "foo" <nil> "abc"`, "PING "}, nil},
	{"session T5", cfg{}, "CONNECT {\"verbose\":false}\nSUB foo 1\nPUB foo 3\nabc\r\nPUB foo 3\nabc\nPING\r\n",
		[]string{`CONNECT "{\"verbose\":false}"`, `SUB "foo" <nil> "1"`, `PUB "foo" <nil> "abc"`}, eUnknown},
	{"session T29", cfg{}, "CONNECT {\"verbose\":false}\r\n+OK\r\nINFO {}\r\nPING\r\n-ERR 'boom'\r\nPING\r\n",
		[]string{`CONNECT "{\"verbose\":false}"`, "+OK ", `INFO "{}"`, "PING ", `-ERR "'boom'"`, "PING "}, nil},
}

func runCase(t *testing.T, tc parseCase, chunks ...[]byte) ([]string, error) {
	t.Helper()
	p := tc.cfg.parser()
	r := &recorder{}
	err := feed(p, r, chunks...)
	return r.events, err
}

func checkOutcome(t *testing.T, tc parseCase, how string, got []string, err error) {
	t.Helper()
	if want := fmt.Sprint(tc.want); fmt.Sprint(got) != want {
		t.Errorf("%s: events\n got %q\nwant %q", how, got, tc.want)
	}
	var want error
	if tc.err != nil {
		want = tc.err
	}
	if errKey(err) != errKey(want) {
		t.Errorf("%s: error\n got %s (%v)\nwant %s", how, errKey(err), err, errKey(want))
	}
	var we *Error
	if errors.As(err, &we) && we.Detail == "" {
		t.Errorf("%s: error without Detail: %#v", how, we)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runCase(t, tc, []byte(tc.in))
			checkOutcome(t, tc, "whole", got, err)
		})
	}
}

func TestParseHandlerError(t *testing.T) {
	p := NewParser()
	r := &recorder{failOn: "SUB"}
	err := p.Parse([]byte("PING\r\nSUB foo 1\r\nPING\r\n"), r)
	if !errors.Is(err, errHandler) {
		t.Fatalf("got %v, want the handler's error unchanged", err)
	}
	if fmt.Sprint(r.events) != fmt.Sprint([]string{"PING ", `SUB "foo" <nil> "1"`}) {
		t.Fatalf("events after a handler error: %q", r.events)
	}
}

// TestParseFieldsFromCallback changes Headers and RequireConnect from inside ProcessConnect; the
// rest of the same buffer must see the new values.
func TestParseFieldsFromCallback(t *testing.T) {
	p := NewParser()
	p.RequireConnect = true
	r := &recorder{}
	r.onConnect = func() { p.Headers, p.RequireConnect = true, false }
	in := "CONNECT {\"headers\":true}\r\nHPUB a 0 1\r\nx\r\nPING\r\n"
	if err := p.Parse([]byte(in), r); err != nil {
		t.Fatal(err)
	}
	want := []string{`CONNECT "{\"headers\":true}"`, `HPUB "a" <nil> 0 "x"`, "PING "}
	if fmt.Sprint(r.events) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", r.events, want)
	}
}

// TestParseLimitChangeMidLine lowers MaxControlLine while a partial line is held.
func TestParseLimitChangeMidLine(t *testing.T) {
	p := NewParser()
	r := &recorder{}
	if err := p.Parse([]byte("SUB "+a62), r); err != nil {
		t.Fatal(err)
	}
	p.MaxControlLine = 64
	err := p.Parse([]byte(" 12\r\n"), r)
	if errKey(err) != errKey(eMaxLine) {
		t.Fatalf("got %v, want %v", err, eMaxLine)
	}
}

// TestParseLargeMaxControlLine holds a partial line longer than the initial scratch capacity.
func TestParseLargeMaxControlLine(t *testing.T) {
	p := NewParser()
	p.MaxControlLine = 3 * DefaultMaxControlLine
	subj := strings.Repeat("x", 2*DefaultMaxControlLine)
	in := "SUB " + subj + " 1\r\nPUB " + subj + " 2\r\nhi\r\n"
	r := &recorder{}
	var chunks [][]byte
	for i := 0; i < len(in); i += 1000 {
		chunks = append(chunks, []byte(in[i:min(i+1000, len(in))]))
	}
	if err := feed(p, r, chunks...); err != nil {
		t.Fatal(err)
	}
	want := []string{`SUB "` + subj + `" <nil> "1"`, `PUB "` + subj + `" <nil> "hi"`}
	if fmt.Sprint(r.events) != fmt.Sprint(want) {
		t.Fatalf("got %.200q...", r.events)
	}
}

// TestParseReset drops a partial op.
func TestParseReset(t *testing.T) {
	p := NewParser()
	r := &recorder{}
	if err := p.Parse([]byte("PUB foo 5\r\nhel"), r); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	if err := p.Parse([]byte("PING\r\n"), r); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.events) != "[PING ]" {
		t.Fatalf("got %q", r.events)
	}
}

// TestParseZeroParser uses a zero Parser: default limits, headers off.
func TestParseZeroParser(t *testing.T) {
	var p Parser
	r := &recorder{}
	in := "SUB foo 1\r\nPUB foo 2\r\nhi\r\n"
	if err := feed(&p, r, []byte(in[:7]), []byte(in[7:20]), []byte(in[20:])); err != nil {
		t.Fatal(err)
	}
	err := p.Parse([]byte("PUB a 1048577\r\n"), r)
	if errKey(err) != errKey(eMaxPay) {
		t.Fatalf("got %v", err)
	}
}

// TestParseRetainedBuffer checks that a large split payload's buffer is released after use and
// a small one is kept.
func TestParseRetainedBuffer(t *testing.T) {
	p := NewParser()
	r := &recorder{}
	big := RetainedPayloadBuffer + 1
	if err := feed(p, r, []byte(fmt.Sprintf("PUB a %d\r\n", big)), make([]byte, big), []byte("\r\n")); err != nil {
		t.Fatal(err)
	}
	if p.msg != nil {
		t.Fatalf("payload buffer of cap %d retained", cap(p.msg))
	}
	if err := feed(p, r, []byte("PUB a 3\r\nab"), []byte("c\r\n")); err != nil {
		t.Fatal(err)
	}
	if cap(p.msg) < 3 {
		t.Fatalf("small payload buffer not retained (cap %d)", cap(p.msg))
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		e    *Error
		want string
	}{
		{&Error{Text: "X", Detail: "d"}, "wire: X: d"},
		{&Error{Detail: "d"}, "wire: d"},
		{&Error{Text: "X"}, "wire: X"},
		{&Error{Reason: "R"}, "wire: protocol error (R)"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%#v: got %q, want %q", c.e, got, c.want)
		}
	}
}
