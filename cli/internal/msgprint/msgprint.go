// Package msgprint prints received messages the way nats-sub and
// nats-pub --request show them: natscli-compatible text, raw bodies, NDJSON
// records or a user template. Each message is written with one Write call,
// so output reaches a pipe message by message.
package msgprint

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/natsys/natsys/cli/internal/record"
)

// Mode selects how messages are printed.
type Mode int

// The print modes.
const (
	// Pretty is natscli's `nats sub` layout.
	Pretty Mode = iota
	// Raw prints the body only, followed by a newline when it has none.
	Raw
	// JSON prints one record.Message per line.
	JSON
	// Template executes Options.Template for each message.
	Template
)

// ANSI sequences of the colour mode.
const (
	ansiBold  = "\x1b[1m"
	ansiCyan  = "\x1b[36m"
	ansiReset = "\x1b[0m"
)

// TimestampLayout is natscli's -t layout (time.StampMicro).
const TimestampLayout = time.StampMicro

// Options configure a Printer.
type Options struct {
	Mode Mode
	// Template is used with Mode Template (see ParseTemplate).
	Template *template.Template
	// HeadersOnly and SubjectsOnly shorten Pretty output.
	HeadersOnly  bool
	SubjectsOnly bool
	// Timestamp adds "@ <time>" (TimestampLayout); DeltaTime adds the time
	// since Start instead.
	Timestamp bool
	DeltaTime bool
	Start     time.Time
	// Color makes Pretty output highlight the "[#N] Received on" line and
	// header names with ANSI colour (see output.ColorEnabled).
	Color bool
}

// Printer writes messages to w.
type Printer struct {
	w   io.Writer
	o   Options
	buf bytes.Buffer
}

// New returns a printer.
func New(w io.Writer, o Options) *Printer {
	return &Printer{w: w, o: o}
}

// Print writes one message.
func (p *Printer) Print(m *record.Message) error {
	p.buf.Reset()
	switch p.o.Mode {
	case Raw:
		p.raw(m)
	case JSON:
		b, err := record.AppendNDJSON(p.buf.AvailableBuffer(), m)
		if err != nil {
			return err
		}
		p.buf.Write(b)
	case Template:
		if err := p.o.Template.Execute(&p.buf, newView(m)); err != nil {
			return fmt.Errorf("--format: %w", err)
		}
	default:
		p.pretty(m)
	}
	if p.buf.Len() == 0 {
		return nil
	}
	_, err := p.w.Write(p.buf.Bytes())
	return err
}

func (p *Printer) raw(m *record.Message) {
	p.buf.Write(m.Data)
	if len(m.Data) == 0 || m.Data[len(m.Data)-1] != '\n' {
		p.buf.WriteByte('\n')
	}
}

// pretty writes natscli's layout:
//
//	[#1] Received on "subj" with reply "r"
//	Key: value
//
//	body
func (p *Printer) pretty(m *record.Message) {
	b := &p.buf
	if p.o.Color {
		b.WriteString(ansiBold)
	}
	fmt.Fprintf(b, "[#%d]", m.Seq)
	switch {
	case p.o.DeltaTime:
		fmt.Fprintf(b, " @ %s", m.Received.Sub(p.o.Start))
	case p.o.Timestamp:
		fmt.Fprintf(b, " @ %s", m.Received.Format(TimestampLayout))
	}
	if m.Matched {
		fmt.Fprintf(b, " Matched reply on %q after %s", m.Subject, m.Latency.Round(time.Microsecond))
	} else {
		fmt.Fprintf(b, " Received on %q", m.Subject)
	}
	if m.Reply != "" {
		fmt.Fprintf(b, " with reply %q", m.Reply)
	}
	if m.Status != 0 {
		fmt.Fprintf(b, " status %d", m.Status)
	}
	if p.o.Color {
		b.WriteString(ansiReset)
	}
	b.WriteByte('\n')
	if p.o.SubjectsOnly {
		return
	}
	if len(m.Headers) > 0 {
		writeHeaders(b, m.Headers, p.o.Color)
		b.WriteByte('\n')
	}
	if p.o.HeadersOnly {
		return
	}
	switch {
	case len(m.Data) == 0:
		b.WriteString("nil body\n\n\n")
	case m.Data[len(m.Data)-1] == '\n':
		b.Write(m.Data)
		b.WriteByte('\n')
	default:
		b.Write(m.Data)
		b.WriteString("\n\n\n")
	}
}

// writeHeaders writes "Key: value" lines, keys sorted, values in order.
func writeHeaders(b *bytes.Buffer, h map[string][]string, color bool) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if color {
				fmt.Fprintf(b, "%s%s%s: %s\n", ansiCyan, k, ansiReset, v)
			} else {
				fmt.Fprintf(b, "%s: %s\n", k, v)
			}
		}
	}
}

// Bytes is a payload that prints as text in templates ({{.Data}}).
type Bytes []byte

// String returns the bytes unchanged as a string.
func (b Bytes) String() string { return string(b) }

// View is what a --format template sees for each message.
type View struct {
	Subject string
	Reply   string
	Data    Bytes
	Size    int
	Time    time.Time
	Seq     uint64
	Sub     string
	Queue   string
	Status  int
	Headers map[string][]string
	// Matched and Latency describe a reply paired by --match-replies.
	Matched bool
	Latency time.Duration
}

func newView(m *record.Message) *View {
	return &View{
		Subject: m.Subject, Reply: m.Reply, Data: m.Data, Size: len(m.Data), Time: m.Received,
		Seq: m.Seq, Sub: m.Sub, Queue: m.Queue, Status: m.Status, Headers: m.Headers,
		Matched: m.Matched, Latency: m.Latency,
	}
}

// Header returns the first value of header key ("" when absent); the key
// is matched exactly, then case-insensitively.
func (v *View) Header(key string) string {
	if vals := v.Headers[key]; len(vals) > 0 {
		return vals[0]
	}
	for k, vals := range v.Headers {
		if strings.EqualFold(k, key) && len(vals) > 0 {
			return vals[0]
		}
	}
	return ""
}

// ParseTemplate parses a --format template. Outside {{ }} actions the
// escapes \n \t \r \\ \0 and \xNN are interpreted (kcat -f style), so
// `--format '{{.Subject}}\n'` ends each message with a newline. Extra
// functions: base64, hex, json (quote as a JSON string), unix (seconds),
// unixnano.
func ParseTemplate(s string) (*template.Template, error) {
	text, err := unescapeOutsideActions(s)
	if err != nil {
		return nil, err
	}
	t, err := template.New("format").Funcs(funcs).Option("missingkey=zero").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("--format: %w", err)
	}
	return t, nil
}

// unescapeOutsideActions interprets backslash escapes outside {{ }}.
func unescapeOutsideActions(s string) (string, error) {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			depth++
			b.WriteString("{{")
			i++
			continue
		case depth > 0 && strings.HasPrefix(s[i:], "}}"):
			depth--
			b.WriteString("}}")
			i++
			continue
		}
		if depth > 0 || s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case '\\':
			b.WriteByte('\\')
		case 'x':
			if i+2 >= len(s) {
				return "", fmt.Errorf(`--format: incomplete \x escape`)
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", fmt.Errorf(`--format: bad \x escape %q`, s[i-1:i+3])
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
