package conf

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// fuzzParser parses without touching the process environment or the file
// system. "self.conf" is the fuzz input itself, so "include self.conf"
// makes a loop; "chainN.conf" includes "chainN+1.conf" without end; the
// environment has a cycle (FZ_A, FZ_B) and a few plain values.
func fuzzParser(self string) Parser {
	env := map[string]string{
		"FZ_A":   "$FZ_B",
		"FZ_B":   "$FZ_A",
		"FZ_N":   "42",
		"FZ_ARR": "[1, x, {y: 2k} ]",
		"FZ_BAD": "a b",
	}
	files := map[string]string{
		"ok.conf":    "user: a\npassword: $2a$11$x\n",
		"inner.conf": "include ok.conf\nk: [1, 2 ]\n",
	}
	return Parser{
		LookupEnv: mapEnv(env),
		ReadFile: func(name string) ([]byte, error) {
			if name == "self.conf" {
				return []byte(self), nil
			}
			if s, ok := files[name]; ok {
				return []byte(s), nil
			}
			if n, ok := strings.CutPrefix(name, "chain"); ok {
				i, _ := strconv.Atoi(strings.TrimSuffix(n, ".conf"))
				return []byte("c" + strconv.Itoa(i) + ": 1\ninclude chain" + strconv.Itoa(i+1) + ".conf\n"), nil
			}
			return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
		},
	}
}

func FuzzParse(f *testing.F) {
	f.Add("port: 4222")
	f.Fuzz(func(t *testing.T, data string) {
		p := fuzzParser(data)
		m, err := p.Parse(data, "self.conf")
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if ce.Kind == KindInternal {
				t.Fatalf("internal error: %v", err)
			}
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		checkMap(t, m, 0)
		if _, err := m.Digest(); err != nil {
			t.Fatalf("Digest: %v", err)
		}
		// Parsing is deterministic.
		m2, err := p.Parse(data, "self.conf")
		if err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
		if a, b := render(m), render(m2); a != b {
			t.Fatalf("two parses differ:\n%s\n%s", a, b)
		}
	})
}

// checkMap verifies the invariants of a parsed tree.
func checkMap(t *testing.T, m *Map, depth int) {
	t.Helper()
	if depth > MaxNestingDepth+2 {
		t.Fatalf("tree deeper than %d", MaxNestingDepth)
	}
	seen := map[string]bool{}
	for _, e := range m.Entries() {
		if seen[e.Key] {
			t.Fatalf("key %q twice", e.Key)
		}
		seen[e.Key] = true
		if g, ok := m.Get(e.Key); !ok || g != e {
			t.Fatalf("Get(%q) does not return its entry", e.Key)
		}
		if e.KeyPos.Line < 1 {
			t.Fatalf("key %q at line %d", e.Key, e.KeyPos.Line)
		}
		checkValue(t, e.Value, depth)
	}
}

func checkValue(t *testing.T, v *Value, depth int) {
	t.Helper()
	switch v.Kind {
	case KindMap:
		if v.Map == nil {
			t.Fatal("map value without Map")
		}
		checkMap(t, v.Map, depth+1)
	case KindArray:
		for _, e := range v.Array {
			checkValue(t, e, depth+1)
		}
	case KindString, KindInt, KindFloat, KindBool, KindTime:
	default:
		t.Fatalf("value of kind %v", v.Kind)
	}
}

// TestFuzzLimits runs the inputs that must be bounded: include loops,
// endless include chains and very deep nesting.
func TestFuzzLimits(t *testing.T) {
	deep := strings.Repeat("[", MaxNestingDepth+10)
	tests := []struct {
		name, text, want string
	}{
		{"include loop", "include self.conf", "include loop"},
		{"include chain", "include chain0.conf", "includes nested deeper than 16"},
		{"deep arrays", "a: " + deep, "maps and arrays nested deeper than 256"},
		{"deep maps", "a: " + strings.Repeat("{b: ", MaxNestingDepth+10), "maps and arrays nested deeper than 256"},
		{"env cycle", "a: $FZ_A", "variable reference cycle for 'FZ_A'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := fuzzParser(tc.text)
			_, err := p.Parse(tc.text, "self.conf")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	// Just under the limit is fine.
	ok := "a: " + strings.Repeat("[", MaxNestingDepth) + strings.Repeat(" ]", MaxNestingDepth)
	p := fuzzParser(ok)
	if _, err := p.Parse(ok, "self.conf"); err != nil {
		t.Fatalf("nesting %d: %v", MaxNestingDepth, err)
	}
}
