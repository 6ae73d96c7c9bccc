package msgprint

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/record"
)

var at = time.Date(2026, 11, 25, 18, 18, 47, 40483000, time.UTC)

func msgs() []*record.Message {
	return []*record.Message{
		{Seq: 1, Subject: "demo.a", Headers: map[string][]string{"X-Trace": {"abc", "def"}, "A": {"1"}}, Data: []byte("hello"), Received: at, Sub: "demo.>"},
		{Seq: 2, Subject: "demo.b", Reply: "my.reply", Data: []byte("world"), Received: at.Add(time.Second)},
		{Seq: 3, Subject: "demo.c", Received: at},
		{Seq: 4, Subject: "demo.d", Data: []byte("line\n"), Received: at},
	}
}

func render(t *testing.T, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	p := New(&buf, o)
	for _, m := range msgs() {
		if err := p.Print(m); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// The expected texts follow what natscli v0.5.0 `nats sub` prints for the
// same messages (captured against nats-server v2.15.2), with headers sorted.
func TestModes(t *testing.T) {
	tmpl, err := ParseTemplate(`{{.Seq}} {{.Subject}} {{.Reply}} {{.Header "x-trace"}} {{.Data}} {{.Size}}\n`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"pretty", Options{}, "[#1] Received on \"demo.a\"\nA: 1\nX-Trace: abc\nX-Trace: def\n\nhello\n\n\n" +
			"[#2] Received on \"demo.b\" with reply \"my.reply\"\nworld\n\n\n" +
			"[#3] Received on \"demo.c\"\nnil body\n\n\n" +
			"[#4] Received on \"demo.d\"\nline\n\n"},
		{"timestamp", Options{Timestamp: true, SubjectsOnly: true},
			"[#1] @ Nov 25 18:18:47.040483 Received on \"demo.a\"\n[#2] @ Nov 25 18:18:48.040483 Received on \"demo.b\" with reply \"my.reply\"\n" +
				"[#3] @ Nov 25 18:18:47.040483 Received on \"demo.c\"\n[#4] @ Nov 25 18:18:47.040483 Received on \"demo.d\"\n"},
		{"delta", Options{DeltaTime: true, Start: at.Add(-time.Millisecond), SubjectsOnly: true},
			"[#1] @ 1ms Received on \"demo.a\"\n[#2] @ 1.001s Received on \"demo.b\" with reply \"my.reply\"\n" +
				"[#3] @ 1ms Received on \"demo.c\"\n[#4] @ 1ms Received on \"demo.d\"\n"},
		{"headers only", Options{HeadersOnly: true},
			"[#1] Received on \"demo.a\"\nA: 1\nX-Trace: abc\nX-Trace: def\n\n[#2] Received on \"demo.b\" with reply \"my.reply\"\n" +
				"[#3] Received on \"demo.c\"\n[#4] Received on \"demo.d\"\n"},
		{"raw", Options{Mode: Raw}, "hello\nworld\n\nline\n"},
		{"template", Options{Mode: Template, Template: tmpl},
			"1 demo.a  abc hello 5\n2 demo.b my.reply  world 5\n3 demo.c    0\n4 demo.d   line\n 5\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.o); got != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

func TestJSONMode(t *testing.T) {
	got := render(t, Options{Mode: JSON})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 lines, got %q", got)
	}
	want := `{"subject":"demo.a","reply":"","headers":{"A":["1"],"X-Trace":["abc","def"]},"data":"hello","size":5,"received":"2026-11-25T18:18:47.040483Z","seq":1,"sub":"demo.>"}`
	if lines[0] != want {
		t.Errorf("got  %s\nwant %s", lines[0], want)
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{{.Subject}}\t{{.Size}}\n`, "s\t3\n"},
		{`\x41{{printf "%s\n" .Data}}`, "Aabc\n"},
		{`{{base64 .Data}} {{hex .Data}} {{json .Data}} {{unix .Time}}\\`, "YWJj 616263 \"abc\" 1795630727\\"},
		{`\q`, `\q`},
	}
	for _, tt := range tests {
		tm, err := ParseTemplate(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		var buf bytes.Buffer
		if err := New(&buf, Options{Mode: Template, Template: tm}).Print(&record.Message{Subject: "s", Data: []byte("abc"), Received: at}); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("%s: got %q, want %q", tt.in, buf.String(), tt.want)
		}
	}
	for _, bad := range []string{`{{.Subject`, `\x4`, `\xZZ`, `{{nosuchfunc}}`} {
		if _, err := ParseTemplate(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestMatchedAndColor(t *testing.T) {
	var buf bytes.Buffer
	rep := &record.Message{Seq: 7, Subject: "_INBOX.x", Data: []byte("pong"), Matched: true, Latency: 1234567 * time.Nanosecond,
		Headers: map[string][]string{"K": {"v"}}}
	if err := New(&buf, Options{}).Print(rep); err != nil {
		t.Fatal(err)
	}
	if want := "[#7] Matched reply on \"_INBOX.x\" after 1.235ms\nK: v\n\npong\n\n\n"; buf.String() != want {
		t.Errorf("matched:\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	tmpl, err := ParseTemplate(`{{.Matched}} {{.Latency}}\n`)
	if err != nil {
		t.Fatal(err)
	}
	if err := New(&buf, Options{Mode: Template, Template: tmpl}).Print(rep); err != nil || buf.String() != "true 1.234567ms\n" {
		t.Errorf("template: %q %v", buf.String(), err)
	}
	buf.Reset()
	if err := New(&buf, Options{Color: true}).Print(rep); err != nil {
		t.Fatal(err)
	}
	if want := "\x1b[1m[#7] Matched reply on \"_INBOX.x\" after 1.235ms\x1b[0m\n\x1b[36mK\x1b[0m: v\n\npong\n\n\n"; buf.String() != want {
		t.Errorf("color:\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := New(&buf, Options{Color: true, Mode: Raw}).Print(rep); err != nil || buf.String() != "pong\n" {
		t.Errorf("raw output is never coloured: %q", buf.String())
	}
}
