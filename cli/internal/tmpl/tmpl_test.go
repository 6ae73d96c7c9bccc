package tmpl

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestExpand(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 25, 18, 26, 51, 566406044, time.UTC) }
	tests := []struct {
		in   string
		want string // regexp
	}{
		{"{{Count}} {{Cnt}}", `^3 3$`},
		{"{{ID}}", `^[0-9A-Za-z]{22}$`},
		{"{{Time}} {{TimeStamp}}", `^6:26PM 2026-11-25T18:26:51Z$`},
		{"{{Unix}} {{UnixNano}}", `^1795631211 1795631211566406044$`},
		{"{{Random 5 10}}", `^[0-9A-Za-z]{5,10}$`},
		{"{{Random 3 3}}", `^[0-9A-Za-z]{3}$`},
		{"plain", `^plain$`},
	}
	for _, tt := range tests {
		x, err := Parse("body", tt.in, now)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		got, err := x.Expand(3)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if !regexp.MustCompile(tt.want).Match(got) {
			t.Errorf("%s = %q, want match %s", tt.in, got, tt.want)
		}
	}
	a, _ := Parse("body", "{{ID}}", nil)
	x1, _ := a.Expand(1)
	x2, _ := a.Expand(2)
	if string(x1) == string(x2) {
		t.Error("two IDs are equal")
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{"bad {{ template", "{{Nope}}"} {
		if _, err := Parse("body", in, nil); err == nil || !strings.Contains(err.Error(), "body template") {
			t.Errorf("%q: err = %v", in, err)
		}
	}
	x, err := Parse("body", "{{Random 9 2}}", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Expand(1); err == nil {
		t.Error("Random 9 2: no error")
	}
}
