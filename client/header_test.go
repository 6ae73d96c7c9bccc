package client

import (
	"errors"
	"reflect"
	"testing"
)

func TestAppendHeader(t *testing.T) {
	tests := []struct {
		name   string
		h      Header
		status int
		desc   string
		want   string
	}{
		{"empty", nil, 0, "", "NATS/1.0\r\n\r\n"},
		{"one", Header{"A": {"b"}}, 0, "", "NATS/1.0\r\nA: b\r\n\r\n"},
		{"sorted multi", Header{"b": {"2"}, "A": {"1", "x"}}, 0, "", "NATS/1.0\r\nA: 1\r\nA: x\r\nb: 2\r\n\r\n"},
		{"status", nil, 503, "", "NATS/1.0 503\r\n\r\n"},
		{"status desc", Header{"K": {"v"}}, 404, "No Messages", "NATS/1.0 404 No Messages\r\nK: v\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AppendHeader(nil, tc.h, tc.status, tc.desc)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got %q want %q", got, tc.want)
			}
			h, st, desc, err := DecodeHeader(got)
			if err != nil {
				t.Fatal(err)
			}
			if st != tc.status || desc != tc.desc || (len(tc.h) > 0 && !reflect.DeepEqual(h, tc.h)) || (len(tc.h) == 0 && h != nil) {
				t.Fatalf("decoded %v %d %q", h, st, desc)
			}
		})
	}
}

func TestAppendHeaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		h      Header
		status int
		desc   string
	}{
		{"key with colon", Header{"a:b": {"x"}}, 0, ""},
		{"key with space", Header{"a b": {"x"}}, 0, ""},
		{"empty key", Header{"": {"x"}}, 0, ""},
		{"value with CRLF", Header{"a": {"x\r\nB: y"}}, 0, ""},
		{"status too small", nil, 42, ""},
		{"description with LF", nil, 503, "a\nb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := AppendHeader(nil, tc.h, tc.status, tc.desc); !errors.Is(err, ErrBadHeader) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   Header
		status int
		desc   string
		bad    bool
	}{
		{"no responders", "NATS/1.0 503\r\nNats-Subject: svc.nobody\r\n\r\n", Header{"Nats-Subject": {"svc.nobody"}}, 503, "", false},
		{"trims value", "NATS/1.0\r\nA:   spaced \t\r\n\r\n", Header{"A": {"spaced"}}, 0, "", false},
		{"empty value", "NATS/1.0\r\nA:\r\n\r\n", Header{"A": {""}}, 0, "", false},
		{"colon in value", "NATS/1.0\r\nUrl: http://x\r\n\r\n", Header{"Url": {"http://x"}}, 0, "", false},
		{"timeout status", "NATS/1.0 408 Request Timeout\r\n\r\n", nil, 408, "Request Timeout", false},
		{"bad version", "HTTP/1.0\r\n\r\n", nil, 0, "", true},
		{"bad status", "NATS/1.0 5x3\r\n\r\n", nil, 0, "", true},
		{"not terminated", "NATS/1.0\r\nA: b\r\n", nil, 0, "", true},
		{"line without colon", "NATS/1.0\r\nnocolon\r\n\r\n", nil, 0, "", true},
		{"glued status", "NATS/1.0503\r\n\r\n", nil, 0, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, st, desc, err := DecodeHeader([]byte(tc.in))
			if tc.bad {
				if !errors.Is(err, ErrBadHeader) {
					t.Fatalf("err %v, want ErrBadHeader", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(h, tc.want) || st != tc.status || desc != tc.desc {
				t.Fatalf("got %v %d %q", h, st, desc)
			}
		})
	}
}

func TestHeaderMethods(t *testing.T) {
	h := Header{}
	h.Add("K", "1")
	h.Add("K", "2")
	if h.Get("K") != "1" || len(h.Values("K")) != 2 || h.Get("k") != "" {
		t.Fatal("Add/Get")
	}
	c := h.Clone()
	h.Set("K", "3")
	if h.Get("K") != "3" || len(h.Values("K")) != 1 || c.Get("K") != "1" {
		t.Fatal("Set/Clone")
	}
	h.Del("K")
	if h.Get("K") != "" || Header(nil).Get("x") != "" || Header(nil).Clone() != nil {
		t.Fatal("Del/nil")
	}
}

// FuzzDecodeHeader checks that whatever DecodeHeader accepts re-encodes to
// a block that decodes to the same header.
func FuzzDecodeHeader(f *testing.F) {
	f.Add([]byte("NATS/1.0\r\nA: b\r\n\r\n"))
	f.Add([]byte("NATS/1.0 503\r\nNats-Subject: x\r\n\r\n"))
	f.Add([]byte("NATS/1.0 404 No Messages\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		h, st, desc, err := DecodeHeader(in)
		if err != nil {
			return
		}
		enc, err := AppendHeader(nil, h, st, desc)
		if err != nil {
			// Only values that still contain CR or LF cannot be re-encoded
			// (a bare CR inside a line, say).
			if !errors.Is(err, ErrBadHeader) {
				t.Fatal(err)
			}
			return
		}
		h2, st2, desc2, err := DecodeHeader(enc)
		if err != nil {
			t.Fatalf("re-decode %q: %v", enc, err)
		}
		if !reflect.DeepEqual(h, h2) || st != st2 || desc != desc2 {
			t.Fatalf("round trip of %q: %v %d %q -> %v %d %q", in, h, st, desc, h2, st2, desc2)
		}
	})
}
