package conf

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// render writes a tree in a compact form for table tests:
//
//	{key@line:col=value, ...}   a map, "key*" if the entry was used as a variable
//	[value@line:col, ...]       an array
//	15010  2MB=2097152          integers, plain and sized
//	f1.5  true  t2023-...Z      float, boolean, datetime
//	"x"  d"x"  s"x"  b"x"       bare, double-quoted, single-quoted, block string
func render(m *Map) string {
	var b strings.Builder
	renderMap(&b, m)
	return b.String()
}

func renderMap(b *strings.Builder, m *Map) {
	b.WriteByte('{')
	for i, e := range m.Entries() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Key)
		if e.Used {
			b.WriteByte('*')
		}
		b.WriteString("@" + strconv.Itoa(e.KeyPos.Line) + ":" + strconv.Itoa(e.KeyPos.Col) + "=")
		renderValue(b, e.Value)
	}
	b.WriteByte('}')
}

func renderValue(b *strings.Builder, v *Value) {
	switch v.Kind {
	case KindMap:
		renderMap(b, v.Map)
	case KindArray:
		b.WriteByte('[')
		for i, e := range v.Array {
			if i > 0 {
				b.WriteString(", ")
			}
			renderValue(b, e)
			b.WriteString("@" + strconv.Itoa(e.Pos.Line) + ":" + strconv.Itoa(e.Pos.Col))
		}
		b.WriteByte(']')
	case KindString:
		b.WriteString(map[Form]string{FormDoubleQuoted: "d", FormSingleQuoted: "s", FormBlock: "b"}[v.Form])
		b.WriteString(strconv.Quote(v.Str))
	case KindInt:
		if v.Form == FormSized {
			b.WriteString(v.Raw + "=")
		}
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case KindFloat:
		b.WriteString("f" + strconv.FormatFloat(v.Float, 'g', -1, 64))
	case KindBool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case KindTime:
		b.WriteString("t" + v.Time.Format(time.RFC3339))
	default:
		b.WriteString("?" + v.Kind.String())
	}
}

// noEnv is a LookupEnv that knows no variables.
func noEnv(string) (string, bool) { return "", false }

// mapEnv returns a LookupEnv backed by a map.
func mapEnv(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

// mustParse parses text with no environment and fails the test on error.
func mustParse(t *testing.T, text string) *Map {
	t.Helper()
	p := Parser{LookupEnv: noEnv}
	m, err := p.Parse(text, "t.conf")
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	return m
}
