package conf

import (
	"reflect"
	"testing"
	"time"
)

func TestLookupIgnoresCase(t *testing.T) {
	m := mustParse(t, "PORT: 15010\nDebug: true\nauthorization { USER: a, Password: b }")
	for _, key := range []string{"port", "Port", "PORT"} {
		e, ok := m.Lookup(key)
		if !ok || e.Key != "PORT" || e.Value.Int != 15010 {
			t.Errorf("Lookup(%q) = %+v, %v", key, e, ok)
		}
	}
	if _, ok := m.Get("port"); ok {
		t.Error(`Get("port") found "PORT"; Get is exact`)
	}
	auth, ok := m.Lookup("authorization")
	if !ok {
		t.Fatal("no authorization")
	}
	if e, ok := auth.Value.Map.Lookup("password"); !ok || e.Value.Str != "b" || e.KeyPos != (Pos{"t.conf", 3, 26}) {
		t.Errorf("password = %+v", e)
	}
	if _, ok := m.Lookup("nope"); ok {
		t.Error("Lookup found a missing key")
	}
}

func TestLookupCaseVariantsLastWins(t *testing.T) {
	m := mustParse(t, "port: 1\nPort: 2\nx: 3")
	if m.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (keys differing in case are distinct)", m.Len())
	}
	if e, _ := m.Lookup("PORT"); e.Value.Int != 2 {
		t.Errorf("Lookup = %d, want the last variant (2)", e.Value.Int)
	}
}

// TestDigest checks the digest nats-server prints with -t (test list 8.1
// #1: observed sha256:20af... for the three spellings of port 15010).
func TestDigest(t *testing.T) {
	const want = "sha256:20af8a39f5eaeea774762b2f436da717a8654acd0b645b4fb5b2338510bffa59"
	for _, text := range []string{"port = 15010", "port: 15010", "port 15010", "{ port 15010 }\n# c"} {
		dg, err := mustParse(t, text).Digest()
		if err != nil {
			t.Fatal(err)
		}
		if dg != want {
			t.Errorf("Digest(%q) = %s, want %s", text, dg, want)
		}
	}
	// Observed with the reference for a file holding every kind of value
	// (HTML characters, an invalid UTF-8 byte, a float, a datetime).
	text := "a: \"<>&\\xff\"\nb: 1.5\nc: 2023-01-01T00:00:00Z\nd: [1, x ]\ne {}\n"
	dg, err := mustParse(t, text).Digest()
	if err != nil {
		t.Fatal(err)
	}
	if want := "sha256:887932791280ab7b9ffaf7cbf7b46fcfc6d7f8676308c841b125be45db940bb2"; dg != want {
		t.Errorf("Digest = %s, want %s", dg, want)
	}
}

func TestInterface(t *testing.T) {
	m := mustParse(t, "a: x\nb: 2k\nc: 1.5\nd: on\ne: 2023-01-01T00:00:00Z\nf: [1, {g: h} ]")
	want := map[string]any{
		"a": "x",
		"b": int64(2000),
		"c": 1.5,
		"d": true,
		"e": time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		"f": []any{int64(1), map[string]any{"g": "h"}},
	}
	if got := m.Interface(); !reflect.DeepEqual(got, want) {
		t.Errorf("Interface() = %#v\nwant %#v", got, want)
	}
}

// TestGoType checks the type names used in the reference's type errors
// ("interface conversion: interface {} is <type>, not ...").
func TestGoType(t *testing.T) {
	m := mustParse(t, "a: x\nb: 1\nc: 1.5\nd: true\ne: 2023-01-01T00:00:00Z\nf: []\ng: {}")
	want := map[string]string{
		"a": "string", "b": "int64", "c": "float64", "d": "bool",
		"e": "time.Time", "f": "[]interface {}", "g": "map[string]interface {}",
	}
	for _, e := range m.Entries() {
		if got := e.Value.Kind.GoType(); got != want[e.Key] {
			t.Errorf("%s: GoType = %q, want %q", e.Key, got, want[e.Key])
		}
		// The Go type of Interface() agrees with GoType.
		if got := reflect.TypeOf(e.Value.Interface()).String(); got != want[e.Key] {
			t.Errorf("%s: Interface() is %s, want %s", e.Key, got, want[e.Key])
		}
	}
	if KindMap.String() != "map" || Kind(99).String() != "Kind(99)" {
		t.Errorf("Kind.String: %q %q", KindMap.String(), Kind(99).String())
	}
}

// TestForm checks what the option layer needs to warn about integers given
// for durations and to tell quoted strings from bare ones.
func TestForm(t *testing.T) {
	m := mustParse(t, "a: 60\nb: 1m\nc: \"1m\"\nd: '1m'\ne: 1m0s\nf: (\nx\n)\ng: $a")
	tests := []struct {
		key    string
		kind   Kind
		form   Form
		raw    string
		quoted bool
	}{
		{"a", KindInt, FormBare, "60", false},
		{"b", KindInt, FormSized, "1m", false},
		{"c", KindString, FormDoubleQuoted, "1m", true},
		{"d", KindString, FormSingleQuoted, "1m", true},
		{"e", KindString, FormBare, "1m0s", false},
		{"f", KindString, FormBlock, "\nx\n", true},
		{"g", KindInt, FormBare, "60", false},
	}
	for _, tc := range tests {
		e, ok := m.Get(tc.key)
		if !ok {
			t.Fatalf("no %s", tc.key)
		}
		v := e.Value
		if v.Kind != tc.kind || v.Form != tc.form || v.Raw != tc.raw || v.IsQuoted() != tc.quoted {
			t.Errorf("%s: kind %v form %d raw %q quoted %v; want %v %d %q %v",
				tc.key, v.Kind, v.Form, v.Raw, v.IsQuoted(), tc.kind, tc.form, tc.raw, tc.quoted)
		}
	}
	if g, _ := m.Get("g"); g.Value.Var != "a" {
		t.Errorf("g.Var = %q, want a", g.Value.Var)
	}
}

func TestPosString(t *testing.T) {
	if got := (Pos{File: "sub/unk.conf", Line: 3, Col: 1}).String(); got != "sub/unk.conf:3:1" {
		t.Errorf("String = %q", got)
	}
}

// TestErrorf checks the option-layer error format (observed:
// sub/unk.conf:3:1: unknown field "zzz").
func TestErrorf(t *testing.T) {
	m := mustParse(t, "port: 1\n\nzzz: 1")
	e, _ := m.Get("zzz")
	err := Errorf(e.KeyPos, "unknown field %q", e.Key)
	if got, want := err.Error(), `t.conf:3:1: unknown field "zzz"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if err.Kind != KindConfig {
		t.Errorf("Kind = %d", err.Kind)
	}
}

// TestValuePositions checks Value.Pos: the key's position for map values,
// the element's own for array elements (nats-server reports errors there).
func TestValuePositions(t *testing.T) {
	m := mustParse(t, "authorization {\n  users: [\n    {user: a}\n    \"x\"\n  ]\n}")
	auth, _ := m.Get("authorization")
	if auth.Value.Pos != (Pos{"t.conf", 1, 0}) {
		t.Errorf("authorization at %v", auth.Value.Pos)
	}
	users, _ := auth.Value.Map.Get("users")
	if users.Value.Pos != (Pos{"t.conf", 2, 3}) {
		t.Errorf("users at %v", users.Value.Pos)
	}
	// Observed: the map element is placed after its '}', the string at
	// its first character.
	if got := users.Value.Array[0].Pos; got != (Pos{"t.conf", 3, 14}) {
		t.Errorf("users[0] at %v", got)
	}
	if got := users.Value.Array[1].Pos; got != (Pos{"t.conf", 4, 6}) {
		t.Errorf("users[1] at %v", got)
	}
}
