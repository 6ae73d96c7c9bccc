package subject

import "testing"

func TestValidate(t *testing.T) {
	tests := []struct {
		s        string
		pub, sub bool
	}{
		{"foo", true, true}, {"foo.bar", true, true}, {"foo.*", false, true}, {"foo.>", false, true},
		{">", false, true}, {"foo bar", false, false}, {"", false, false}, {"foo..bar", false, false},
		{".foo", false, false}, {"foo.", false, false}, {"foo.>.bar", false, false}, {"a\tb", false, false},
		{"foo*", true, true}, {"_INBOX.abc", true, true},
	}
	for _, tt := range tests {
		if got := Validate(tt.s) == nil; got != tt.pub {
			t.Errorf("Validate(%q) ok=%v, want %v", tt.s, got, tt.pub)
		}
		if got := ValidatePattern(tt.s) == nil; got != tt.sub {
			t.Errorf("ValidatePattern(%q) ok=%v, want %v", tt.s, got, tt.sub)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"foo", "foo", true}, {"foo", "bar", false}, {"foo.*", "foo.bar", true}, {"foo.*", "foo", false},
		{"foo.*", "foo.bar.baz", false}, {"foo.>", "foo.bar.baz", true}, {"foo.>", "foo", false},
		{">", "a.b", true}, {"*.b", "a.b", true}, {"*.b", "a.c", false}, {"a.b", "a.b.c", false},
	}
	for _, tt := range tests {
		if got := Match(tt.p, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}
