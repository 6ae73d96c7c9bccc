package payload

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	long := strings.Repeat("x", 3*readBufSize)
	tests := []struct {
		mode Mode
		in   string
		want []string
	}{
		{EOF, "a {{ID}}\n", []string{"a {{ID}}\n"}},
		{EOF, "", []string{""}},
		{EOF, "bin\x00\xff", []string{"bin\x00\xff"}},
		{Line, "a\nb\r\n\nc", []string{"a", "b", "c"}},
		{Line, "one\n", []string{"one"}},
		{Line, "", nil},
		{Line, long + "\nz\n", []string{long, "z"}},
		{NUL, "a\x00b c\n\x00\x00d", []string{"a", "b c\n", "d"}},
	}
	for _, tt := range tests {
		r := NewReader(strings.NewReader(tt.in), tt.mode)
		var got []string
		for {
			b, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(b))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %q: got %q, want %q", tt.mode, tt.in[:min(len(tt.in), 20)], got, tt.want)
		}
	}
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"eof", "line", "nul"} {
		if _, err := ParseMode(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseMode("newline"); err == nil {
		t.Error("newline accepted")
	}
}
