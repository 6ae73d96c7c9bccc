package conf

import (
	"errors"
	"strings"
	"testing"
)

// Every expectation below was observed with the reference (nats-server
// v2.15.2: `nats-server -t -c FILE`, and its conf package for positions and
// value types) on the same text.

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		// §1.2 separators (test list 8.1 #1): all the same tree.
		{"equals", "port = 15010", "{port@1:0=15010}"},
		{"colon", "port: 15010", "{port@1:0=15010}"},
		{"space", "port 15010", "{port@1:0=15010}"},
		{"no space", "port:15010", "{port@1:0=15010}"},
		{"newline between key and value", "a\n\n1", "{a@1:0=1}"},
		// §1.1 pairs on one line (#2), wrapped file (#4).
		{"semicolon", "port: 15010; debug: true", "{port@1:0=15010, debug@1:13=true}"},
		{"comma", "port: 15010, debug: true", "{port@1:0=15010, debug@1:13=true}"},
		{"braces", "{ port: 15010 }", "{port@1:2=15010}"},
		{"braces multi-line", "{\nport: 1\n}\nx: 2", "{port@2:1=1, x@4:1=2}"},
		{"nested top braces", "{{a:1}}", "{a@1:2=1}"},
		{"stray closing brace", "a: 1\n}", "{a@1:0=1}"},
		{"crlf", "a: 1\r\nb: 2\r\n", "{a@1:0=1, b@2:1=2}"},
		{"cr only", "a: 1\rb: 2", "{a@1:0=1, b@1:5=2}"},
		// §1.3 comments (#5).
		{"comments", "# x\n// y\nport: 15010 # c\ndebug: true // c\n", "{port@3:1=15010, debug@4:1=true}"},
		{"indented keys", "port=15010\n\n  debug   true", "{port@1:0=15010, debug@3:3=true}"},
		{"comment in array", "a [ 1 #d\n 2\n]", "{a@1:0=[1@1:4, 2@2:2]}"},
		{"comment in map", "a { b 1 # x\n c 2 }", "{a@1:0={b@1:4=1, c@2:2=2}}"},
		{"lone slash after value", "a: 1 /", "{a@1:0=1}"},
		// §1.5 strings.
		{"bare", "a: x", `{a@1:0="x"}`},
		{"double quoted", `a: "a\tb\n\r\"\\\x41"`, `{a@1:0=d"a\tb\n\r\"\\A"}`},
		{"double quoted utf8 bytes", `a: "\xC3\xA9"`, `{a@1:0=d"é"}`},
		{"single quoted raw", `a: 'x\q'`, `{a@1:0=s"x\\q"}`},
		{"quoted variable is literal", `server_name: "$HOME"`, `{server_name@1:0=d"$HOME"}`},
		{"bare escapes", `a: x\ty`, `{a@1:0="x\ty"}`},
		{"bare with colon", "listen: 127.0.0.1:4222", `{listen@1:0="127.0.0.1:4222"}`},
		{"bare punctuation", "server_name: foo.bar-baz_1", `{server_name@1:0="foo.bar-baz_1"}`},
		{"single quote ends bare", "a: x'", `{a@1:0="x"}`},
		{"block", "a: (\n-----BEGIN-----\nabc\n)\n", `{a@1:0=b"\n-----BEGIN-----\nabc\n"}`},
		{"block at EOF keeps paren", "a: (x\n)", `{a@1:0=b"x\n)"}`},
		{"empty value at EOF", "port =", `{port@1:0=""}`},
		{"quoted keys", `"a b": 1` + "\n'c': 2", "{a b@1:1=1, c@2:2=2}"},
		{"key chars", "a.b-c_d$: 1", "{a.b-c_d$@1:0=1}"},
		// §1.7 numbers and sizes (#13).
		{"sizes", "a: 1k\nb: 1K\nc: 2m\nd: 2mb\ne: 2MB\nf: 64KB\ng: 1KiB\nh: 1gb\ni: 1G\nj: 1tb\nk: 1pb\nl: 1eb\nm: -1k",
			"{a@1:0=1k=1000, b@2:1=1K=1000, c@3:1=2m=2000000, d@4:1=2mb=2097152, e@5:1=2MB=2097152, " +
				"f@6:1=64KB=65536, g@7:1=1KiB=1024, h@8:1=1gb=1073741824, i@9:1=1G=1000000000, " +
				"j@10:1=1tb=1099511627776, k@11:1=1pb=1125899906842624, l@12:1=1eb=1152921504606846976, m@13:1=-1k=-1000}"},
		{"size wraps", "a: 9223372036854775807k", "{a@1:0=9223372036854775807k=-1000}"},
		{"durations are strings", "a: 2s\nb: 500ms\nc: 1h", `{a@1:0="2s", b@2:1="500ms", c@3:1="1h"}`},
		{"leading zeros", "a: 007", "{a@1:0=7}"},
		{"min int", "a: -9223372036854775808", "{a@1:0=-9223372036854775808}"},
		{"floats", "a: 1.5\nb: -2.25\nc: 0.0", "{a@1:0=f1.5, b@2:1=f-2.25, c@3:1=f0}"},
		{"ip-like", "a: 1.2.3\nb: -1.5.5\nc: 1.2.3-4", `{a@1:0="1.2.3", b@2:1="-1.5.5", c@3:1="1.2.3-4"}`},
		{"number then letters", "a: 1x\nb: 0x10\nc: 1kbx", `{a@1:0="1x", b@2:1="0x10", c@3:1="1kbx"}`},
		{"datetime", "a: 2023-01-01T00:00:00Z", "{a@1:0=t2023-01-01T00:00:00Z}"},
		// §1.8 booleans (#16).
		{"booleans", "a: yes\nb: ON\nc: True\nd: no\ne: Off\nf: FALSE\ng: \"true\"",
			`{a@1:0=true, b@2:1=true, c@3:1=true, d@4:1=false, e@5:1=false, f@6:1=false, g@7:1=d"true"}`},
		// §1.6 arrays and maps (#27).
		{"trailing comma", "a: [1, 2, ]", "{a@1:0=[1@1:4, 2@1:7]}"},
		{"array of users", "users: [ {user: a, password: b}, ]",
			`{users@1:0=[{user@1:10="a", password@1:19="b"}@1:31]}`},
		{"mixed array", "a: [\n  x\n  \"y\"\n  [ 3 ]\n  {b: 1}\n]",
			`{a@1:0=["x"@2:3, d"y"@3:4, [3@4:5]@4:8, {b@5:4=1}@5:9]}`},
		{"empty containers", "a: []\nb: {}\nc: [\n]", "{a@1:0=[], b@2:1={}, c@3:1=[]}"},
		{"nested maps", "m {\n  a: 1\n  n { b: 2 }\n}", "{m@1:0={a@2:3=1, n@3:3={b@3:7=2}}}"},
		{"map separators", "a { b 1; c 2, d 3\n e 4 }", "{a@1:0={b@1:4=1, c@1:9=2, d@1:14=3, e@2:2=4}}"},
		// Integers need a blank before ']': "2]" is a string and the ']'
		// stays in it; a bare string ends at ']'.
		{"bare string ends array", "a: [x]", `{a@1:0=["x"@1:4]}`},
		// Keys without values: the value goes to the most recent key, as
		// the reference's key stack does.
		{"key without value in map", "a { b }\nc: 1", "{b@1:4={}, c@2:1=1}"},
		{"trailing close-brace key", "'}'", "{}"},
		// Duplicates (#29): the last wins, in its place.
		{"duplicate", "port: 15031\nport: 15032", "{port@2:1=15032}"},
		{"duplicate moves", "a: 1\nb: 2\na: 3", "{b@2:1=2, a@3:1=3}"},
		// §1.9 variables (#17, #22).
		{"chained variables", "x = 15010\ny = $x\nport: $y", "{x*@1:0=15010, y*@2:1=15010, port@3:1=15010}"},
		{"bcrypt is not a variable", "p: $2a$11$W2zkXbn", `{p@1:0="$2a$11$W2zkXbn"}`},
		{"variable in enclosing map", "b: 1\nm { a: $b }", "{b*@1:0=1, m@2:1={a@2:5=1}}"},
		{"variable earlier in same map wins", "b: 1\nm { b: 2, a: $b }", "{b@1:0=1, m@2:1={b*@2:5=2, a@2:11=2}}"},
		{"later definition not visible", "b: 1\nm { a: $b, b: 2 }", "{b*@1:0=1, m@2:1={a@2:5=1, b@2:12=2}}"},
		{"variable in array", "b: 1\na: [ $b ]", "{b*@1:0=1, a@2:1=[1@2:7]}"},
		{"variable holding a map", "b: {c: 1}\na: $b", "{b*@1:0={c@1:4=1}, a@2:1={c@1:4=1}}"},
		{"variable dotted name", "b.c: 1\na: $b.c", "{b.c*@1:0=1, a@2:1=1}"},
		{"escaped dollar is a string", `b: 1` + "\n" + `a: $b\x41`, `{b@1:0=1, a@2:1="$bA"}`},
		{"include is a key with a separator", "include: x.conf", `{include@1:0="x.conf"}`},
		// §1.12: the empty file is valid for the parser (the warning is
		// the option layer's).
		{"empty", "", "{}"},
		{"only comments", "# nothing\n\n// here\n", "{}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.text)
			if got := render(m); got != tc.want {
				t.Errorf("Parse(%q)\n got: %s\nwant: %s", tc.text, got, tc.want)
			}
		})
	}
}

// bigFloat is too large for a float64.
var bigFloat = "1" + strings.Repeat("0", 400) + ".5"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		kind       ErrorKind
		want       string
	}{
		// Test list 8.1.
		{"no separator between pairs", "port: 15010 debug: true", KindSyntax,
			"Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'd' instead.'"},
		{"lone slash", "/ comment", KindSyntax, "Parse error on line 1: 'Unexpected EOF.'"},
		{"leading separator", ":port 1", KindSyntax, "Parse error on line 1: 'Unexpected key separator ':''"},
		{"key only", "port\n", KindNoValue, "config is invalid (t.conf:2:1)"},
		{"key only no newline", "  port", KindNoValue, "config is invalid (t.conf:1:6)"},
		{"unterminated map", "authorization {\n  user: a\n", KindSyntax, "Parse error on line 3: 'Unexpected EOF processing map.'"},
		{"bad escape", `a: "x\q"`, KindSyntax,
			`Parse error on line 1: 'Invalid escape character 'q'. Only the following escape characters are allowed: \xXX, \t, \n, \r, \", \\.'`},
		{"bad escape newline", "a: \"a\\\nb\"", KindSyntax,
			`Parse error on line 2: 'Invalid escape character '\n'. Only the following escape characters are allowed: \xXX, \t, \n, \r, \", \\.'`},
		{"space in bare value", "server_name: my server", KindSyntax,
			"Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 's' instead.'"},
		{"fractional size", "max_payload: 1.5MB", KindSyntax,
			"Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'M' instead.'"},
		{"out of range", "port: 99999999999999999999", KindRange, "integer '99999999999999999999' is out of the range"},
		{"sized out of range", "a: 99999999999999999999k", KindRange, "integer '99999999999999999999k' is out of the range"},
		{"float out of range", "a: " + bigFloat, KindRange, "float '" + bigFloat + "' is out of the range"},
		{"unterminated array", "a: [1, 2\n", KindSyntax,
			"Parse error on line 2: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '\x00' instead.'"},
		{"integer before bracket", "a: [1, 2]", KindSyntax,
			"Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '\x00' instead.'"},
		// The rest of the §1.12 catalogue.
		{"map key separator", "a { :b 1 }", KindSyntax, "Parse error on line 1: 'Unexpected key separator ':'.'"},
		{"map array end", "a { ]b 1 }", KindSyntax, "Parse error on line 1: 'Unexpected array end ']' processing map.'"},
		{"map value comma", "a { b: , }", KindSyntax, "Parse error on line 1: 'Unexpected map value terminator \",\".'"},
		{"map pairs without separator", "a { b 1 c 2 }", KindSyntax,
			"Parse error on line 1: 'Expected a map value terminator \",\" or a map terminator \"}\", but got 'c' instead.'"},
		{"array without separator", "a [1 2]", KindSyntax,
			"Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '2' instead.'"},
		{"leading comma", "a: [,1]", KindSyntax, "Parse error on line 1: 'Unexpected array value terminator ','.'"},
		{"comma after newline", "a: [1\n,2]", KindSyntax, "Parse error on line 2: 'Unexpected array value terminator ','.'"},
		{"float without digit", "a: .5", KindSyntax, "Parse error on line 1: 'Floats must start with a digit'"},
		{"negative float without digit", "a: -.5", KindSyntax, "Parse error on line 1: 'Floats must start with a digit, not '.'.'"},
		{"value is newline", "a: \n", KindSyntax, "Parse error on line 2: 'Expected value but found new line'"},
		{"float without fraction", "a: 1.\n", KindSyntax, `Parse error on line 2: 'Floats must have a digit after the '.', but got '\n' instead.'`},
		{"minus without digit", "a: -x", KindSyntax, "Parse error on line 1: 'Expected a digit but got 'x'.'"},
		{"not a date", "a: 1-2", KindSyntax, "Parse error on line 1: 'All ISO8601 dates must be in full Zulu form.'"},
		{"date without time", "a: 2023-01-01", KindSyntax, "Parse error on line 1: 'Expected 'T' in ISO8601 datetime, but found '\x00' instead.'"},
		{"date without Z", "a: 2023-01-01T00:00:00", KindSyntax, "Parse error on line 1: 'Expected 'Z' in ISO8601 datetime, but found '\x00' instead.'"},
		{"date digit", "a: 2023-1-01T00:00:00Z", KindSyntax, "Parse error on line 1: 'Expected digit in ISO8601 datetime, but found '-' instead.'"},
		{"date that does not exist", "a: 2023-13-45T99:99:99Z", KindDatetime, "expected Zulu formatted DateTime, but got '2023-13-45T99:99:99Z'"},
		{"bad hex", `a: "\xzz"`, KindSyntax, `Parse error on line 1: 'Expected two hexadecimal digits after '\x', but got 'zz''`},
		{"short hex", `a: "\x4"`, KindSyntax, `Parse error on line 1: 'Expected two hexadecimal digits after '\x', but got '4"''`},
		{"hex at end of line", "a: \"\\x\n\"", KindSyntax, `Parse error on line 2: 'Expected two hexadecimal digits after '\x', but hit end of line'`},
		{"unterminated block", "a: (abc", KindSyntax, "Parse error on line 1: 'Unexpected EOF processing block.'"},
		{"block needs newline after paren", "a: (\nx\n) ", KindSyntax, "Parse error on line 3: 'Unexpected EOF processing block.'"},
		{"unterminated string", `a: "abc`, KindSyntax, "Parse error on line 1: 'Unexpected EOF.'"},
		{"unterminated single", "a: 'abc", KindSyntax, "Parse error on line 1: 'Unexpected EOF.'"},
		{"quote at EOF", `a: "`, KindNoValue, "config is invalid (t.conf:1:4)"},
		{"unterminated map key", "m { a", KindSyntax, "Parse error on line 1: 'Unexpected EOF processing map key.'"},
		{"unterminated quoted map key", `m { "a`, KindSyntax, "Parse error on line 1: 'Unexpected EOF processing double quoted map key.'"},
		{"unterminated single map key", "m { 'a", KindSyntax, "Parse error on line 1: 'Unexpected EOF processing quoted map key.'"},
		{"include array", "include [", KindSyntax, "Parse error on line 1: 'Expected include value but found start of an array'"},
		{"include map", "include {", KindSyntax, "Parse error on line 1: 'Expected include value but found start of a map'"},
		{"include block", "include (", KindSyntax, "Parse error on line 1: 'Expected include value but found start of a block'"},
		{"include number", "include 1", KindSyntax, "Parse error on line 1: 'Expected include value but found start of a number'"},
		{"include escape", `include \t`, KindSyntax, "Parse error on line 1: 'Expected include value but found escape sequence'"},
		{"include newline", "include \n", KindSyntax, "Parse error on line 2: 'Expected include value but found new line'"},
		{"include unterminated", `include "x`, KindSyntax, "Parse error on line 1: 'Unexpected EOF in double quoted include'"},
		{"include unterminated single", "include 'x", KindSyntax, "Parse error on line 1: 'Unexpected EOF in quoted include'"},
		{"block-level value", "{a:1 b:2}", KindSyntax,
			"Parse error on line 1: 'Expected a block-level value to end with a new line, comment or EOF, but got 'b' instead.'"},
		{"block-level end", "{{a:1}\nb:1}", KindSyntax, "Parse error on line 2: 'Expected a block-level to end with a '}', but got 'b' instead.'"},
		{"variable not found", "port: $NOPE", KindVariable, "variable reference for 'NOPE' on line 1 can not be found"},
		{"variable defined later", "a: $b\nb: 1", KindVariable, "variable reference for 'b' on line 1 can not be found"},
		{"variable case-sensitive", "B: 1\na: $b", KindVariable, "variable reference for 'b' on line 2 can not be found"},
		{"variable in sibling map", "m { b: 1 }\nm2 { a: $b }", KindVariable, "variable reference for 'b' on line 2 can not be found"},
		{"bad size suffix", "a: 1kbi", KindSyntax, "Parse error on line 1: 'Invalid size suffix 'kbi'.'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Parser{LookupEnv: noEnv}
			m, err := p.Parse(tc.text, "t.conf")
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want error %q", tc.text, render(m), tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%q) error\n got: %q\nwant: %q", tc.text, err.Error(), tc.want)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not *Error", err)
			}
			if ce.Kind != tc.kind {
				t.Errorf("Kind = %d, want %d", ce.Kind, tc.kind)
			}
		})
	}
}

// TestSyntaxErrorPosition checks the position kept with a lexer error (the
// message only shows the line).
func TestSyntaxErrorPosition(t *testing.T) {
	p := Parser{LookupEnv: noEnv}
	_, err := p.Parse("a: 1\nb: 2 c", "x.conf")
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not *Error", err)
	}
	want := Pos{File: "x.conf", Line: 2, Col: 7}
	if ce.Pos != want {
		t.Errorf("Pos = %+v, want %+v", ce.Pos, want)
	}
}
