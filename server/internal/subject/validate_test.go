package subject

import (
	"strings"
	"testing"
)

// Cases observed on the reference nats-server v2.15.2: SUB on the wire
// (-ERR 'Invalid Subject' or not), `nats-server -t` on permissions, and
// pedantic PUB (-ERR 'Invalid Publish Subject' or not).
func TestValidSubscribeSubject(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"foo", true}, {"foo.bar", true}, {">", true}, {"*", true}, {"*.>", true},
		{"foo.*.bar", true}, {"foo.>", true},
		{"foo*", true}, {"a.*b", true}, {"**", true}, {">>", true}, {"a.>>", true},
		{"foo.>x", true}, {"f*o.>x", true},
		{"\xff\xfe", true}, {"f\x00o", true}, {"\x00", true}, {"f\x01o", true},
		{"caf\xc3\xa9", true}, {"f\x7fo", true}, {"f\x0bo", true},
		// A form feed reaches the subject on the wire and the reference accepts it.
		{"f\x0co", true}, {"\x0c", true}, {"a.\x0c", true}, {"a\x0c.b", true},
		{"", false}, {".", false}, {"..", false}, {"foo..bar", false}, {".foo", false},
		{"foo.", false}, {"foo.>.bar", false}, {"a.>.b", false}, {">.a", false},
		{"a.>.>", false}, {"> ", true}, // whitespace is not checked here
	}
	for _, c := range cases {
		if got := ValidSubscribeSubject(c.in); got != c.want {
			t.Errorf("ValidSubscribeSubject(%q) = %v, want %v", c.in, got, c.want)
		}
		if got := ValidSubscribeSubjectBytes([]byte(c.in)); got != c.want {
			t.Errorf("ValidSubscribeSubjectBytes(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidSubject(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"foo", true}, {"foo.bar", true}, {"foo.*", true}, {"foo.>", true}, {">", true},
		{"foo*", true}, {"a\x00b", true}, {"\xff", true}, {"a\x0bb", true}, {"f*o.>x", true},
		{"foo bar", false}, {"foo\tbar", false}, {"a\x0cb", false}, {"a\x0c", false},
		{"\x0c", false}, {"a\r", false}, {"a\nb", false}, {" ", false}, {"a.\x0c", false},
		{" foo", false}, {"foo ", false}, {"a. ", false},
		{"foo..bar", false}, {"foo.>.bar", false}, {">.a", false}, {"", false},
		{".foo", false}, {"foo.", false},
	}
	for _, c := range cases {
		if got := ValidSubject(c.in); got != c.want {
			t.Errorf("ValidSubject(%q) = %v, want %v", c.in, got, c.want)
		}
		if got := ValidSubjectBytes([]byte(c.in)); got != c.want {
			t.Errorf("ValidSubjectBytes(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidQueue(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"q", true}, {"workers", true}, {"q*", true}, {">", true}, {"*", true}, {"q.x", true},
		{"q..x", false}, {".q", false}, {"q.", false}, {"q.>.x", false}, {"", false},
		{"a b", false},
	}
	for _, c := range cases {
		if got := ValidQueue(c.in); got != c.want {
			t.Errorf("ValidQueue(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestValidLiteralSubject(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"foo", true}, {"foo.bar", true}, {"foo.>x", true}, {"a*", true}, {"*a.b>", true},
		{"f\x0co", true}, {"\xff", true}, {"f\x00o", true}, {"$JS.API.INFO", true},
		{"foo.*", false}, {"foo.>", false}, {"*", false}, {">", false}, {"a.*.b", false},
		{"foo..bar", false}, {"foo.>.bar", false}, {".foo", false}, {"foo.", false}, {"", false},
	}
	for _, c := range cases {
		if got := ValidLiteralSubject(c.in); got != c.want {
			t.Errorf("ValidLiteralSubject(%q) = %v, want %v", c.in, got, c.want)
		}
		if got := ValidLiteralSubjectBytes([]byte(c.in)); got != c.want {
			t.Errorf("ValidLiteralSubjectBytes(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestIsLiteral(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"foo", true}, {"foo*", true}, {">x", true}, {"a.b>.c", true}, {"", true}, {"a..b", true},
		{"*", false}, {">", false}, {"a.*", false}, {"*.a", false}, {"a.*.b", false}, {"a.>", false},
	}
	for _, c := range cases {
		if got := IsLiteral(c.in); got != c.want {
			t.Errorf("IsLiteral(%q) = %v, want %v", c.in, got, c.want)
		}
		if got := IsLiteralBytes([]byte(c.in)); got != c.want {
			t.Errorf("IsLiteralBytes(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// The reference accepts a 4000-byte subject and a 1500-token subject (no
// limit besides max_control_line).
func TestValidLongSubjects(t *testing.T) {
	long := strings.Repeat("a", 4000)
	many := strings.Repeat("a.", 1499) + "a"
	for _, s := range []string{long, many, many + ".>", strings.Repeat("*.", 1499) + ">"} {
		if !ValidSubject(s) || !ValidSubscribeSubject(s) {
			t.Errorf("subject of %d bytes refused", len(s))
		}
	}
	if !ValidLiteralSubject(long) || !ValidLiteralSubject(many) {
		t.Error("long literal subject refused")
	}
}

func TestValidateNoAllocs(t *testing.T) {
	b := []byte("foo.bar.*.baz.>")
	allocs := testing.AllocsPerRun(100, func() {
		_ = ValidSubjectBytes(b)
		_ = ValidSubscribeSubjectBytes(b)
		_ = ValidLiteralSubjectBytes(b)
		_ = IsLiteralBytes(b)
		_ = MatchBytes("foo.>", b)
	})
	if allocs != 0 {
		t.Errorf("validation allocates %v times per run", allocs)
	}
}
