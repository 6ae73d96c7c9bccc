package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseMsgLine(t *testing.T) {
	tests := []struct {
		in                  string
		subject, sid, reply string
		size                int
		err                 bool
	}{
		{in: "foo 1 16", subject: "foo", sid: "1", size: 16},
		{in: "foo.bar 22 _INBOX.x 0", subject: "foo.bar", sid: "22", reply: "_INBOX.x", size: 0},
		{in: "  a\t9   5 ", subject: "a", sid: "9", size: 5},
		{in: "foo 1", err: true},
		{in: "", err: true},
		{in: "a b c d e", err: true},
		{in: "foo 1 x", err: true},
		{in: "foo 1 -1", err: true},
		{in: "foo 1 1234567890", err: true},
	}
	for _, tt := range tests {
		m, err := parseMsgLine([]byte(tt.in))
		if tt.err {
			if !errors.Is(err, errBadMsg) {
				t.Errorf("parseMsgLine(%q) error = %v, want errBadMsg", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseMsgLine(%q): %v", tt.in, err)
			continue
		}
		if string(m.subject) != tt.subject || string(m.sid) != tt.sid || string(m.reply) != tt.reply || m.size != tt.size {
			t.Errorf("parseMsgLine(%q) = %q %q %q %d, want %q %q %q %d", tt.in,
				m.subject, m.sid, m.reply, m.size, tt.subject, tt.sid, tt.reply, tt.size)
		}
	}
}

func TestParseMsgLineDoesNotAllocate(t *testing.T) {
	line := []byte("foo.bar 22 _INBOX.x 16")
	if n := testing.AllocsPerRun(100, func() { _, _ = parseMsgLine(line) }); n != 0 {
		t.Errorf("parseMsgLine allocates %v times per call", n)
	}
}

func TestHasOp(t *testing.T) {
	tests := []struct {
		line, op string
		want     bool
	}{
		{"PING\r\n", "PING", true},
		{"ping\r\n", "PING", true},
		{"PONG\r\n", "PING", false},
		{"MSG a 1 2\r\n", "MSG", true},
		{"MSGX a\r\n", "MSG", false},
		{"-ERR 'x'\r\n", "-ERR", true},
		{"INFO {}\r\n", "INFO", true},
		{"PIN", "PING", false},
		{"PING", "PING", true},
	}
	for _, tt := range tests {
		if got := hasOp([]byte(tt.line), tt.op); got != tt.want {
			t.Errorf("hasOp(%q, %q) = %v, want %v", tt.line, tt.op, got, tt.want)
		}
	}
}

func TestAppendPubAndSubLine(t *testing.T) {
	if got := string(appendPub(nil, "a.b", "", []byte("hi"))); got != "PUB a.b 2\r\nhi\r\n" {
		t.Errorf("appendPub = %q", got)
	}
	if got := string(appendPub(nil, "a", "r.1", nil)); got != "PUB a r.1 0\r\n\r\n" {
		t.Errorf("appendPub with reply = %q", got)
	}
	if got := string(subLine(nil, "a.*", "", 7)); got != "SUB a.* 7\r\n" {
		t.Errorf("subLine = %q", got)
	}
	if got := string(subLine(nil, "q", "workers", 1)); got != "SUB q workers 1\r\n" {
		t.Errorf("subLine with queue = %q", got)
	}
}

func TestPubChunkFor(t *testing.T) {
	tests := []struct {
		name     string
		subjects []string
		payload  int
	}{
		{"one subject small", []string{"a"}, 16},
		{"one subject large", []string{"a"}, 100_000},
		{"many subjects", []string{"a", "bb", "ccc"}, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := bytes.Repeat([]byte("x"), tt.payload)
			chunk, n := pubChunkFor(tt.subjects, payload)
			if len(chunk) < pubChunk {
				t.Errorf("chunk is %d bytes, want at least %d", len(chunk), pubChunk)
			}
			if n%len(tt.subjects) != 0 {
				t.Errorf("chunk holds %d messages, not whole cycles of %d subjects", n, len(tt.subjects))
			}
			if got := bytes.Count(chunk, []byte("PUB ")); got != n {
				t.Errorf("chunk holds %d PUBs, reported %d", got, n)
			}
			for _, s := range tt.subjects {
				if got := bytes.Count(chunk, []byte("PUB "+s+" ")); got != n/len(tt.subjects) {
					t.Errorf("subject %s published %d times, want %d", s, got, n/len(tt.subjects))
				}
			}
		})
	}
}

func TestSubjectsMatchOneSubscription(t *testing.T) {
	for g := 0; g < 30; g++ {
		sub, pub := subSubject(g), pubSubject(g)
		if !matches(sub, pub) {
			t.Errorf("subscription %d %q does not match its subject %q", g, sub, pub)
		}
		for h := 0; h < 30; h++ {
			if h != g && matches(subSubject(h), pub) {
				t.Errorf("subject %q of %d also matches subscription %d %q", pub, g, h, subSubject(h))
			}
		}
	}
}

// matches is a plain NATS subject match, for the test above.
func matches(filter, subject string) bool {
	f, s := bytes.Split([]byte(filter), []byte(".")), bytes.Split([]byte(subject), []byte("."))
	for i, tok := range f {
		switch {
		case string(tok) == ">":
			return len(s) > i
		case i >= len(s):
			return false
		case string(tok) != "*" && !bytes.Equal(tok, s[i]):
			return false
		}
	}
	return len(f) == len(s)
}

func TestPubSubjectsSpread(t *testing.T) {
	tests := []struct{ nsubs, n int }{{100_000, 10_000}, {2_000, 2_000}, {1_000, 10}}
	for _, tt := range tests {
		subjects := pubSubjects(tt.nsubs, tt.n)
		kinds := map[string]int{}
		halves := [2]int{}
		for _, s := range subjects {
			kinds[strings.SplitN(s, ".", 3)[1]]++
			var g int
			if _, err := fmt.Sscanf(strings.SplitN(s, ".", 3)[2], "%d", &g); err != nil {
				t.Fatalf("subject %q: %v", s, err)
			}
			if g < 0 || g >= tt.nsubs {
				t.Fatalf("subject %q is outside the %d subscriptions", s, tt.nsubs)
			}
			halves[g*2/tt.nsubs]++
		}
		if kinds["l"] == 0 || kinds["w"] == 0 || kinds["f"] == 0 {
			t.Errorf("pubSubjects(%d, %d) kinds = %v, want literal and both wildcards", tt.nsubs, tt.n, kinds)
		}
		if halves[0] == 0 || halves[1] == 0 {
			t.Errorf("pubSubjects(%d, %d) reaches only one half of the subscriptions: %v", tt.nsubs, tt.n, halves)
		}
	}
}
