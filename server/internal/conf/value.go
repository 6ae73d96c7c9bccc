package conf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Pos is a position in a configuration file, in the convention nats-server
// uses in its messages: Line is 1-based; Col is the 0-based byte offset on
// line 1 and the 1-based byte offset on every later line (a key at the start
// of line 1 is at 1:0, at the start of line 2 at 2:1).
type Pos struct {
	File string // path as given for the main file, or joined for includes
	Line int
	Col  int
}

// String returns "file:line:col".
func (p Pos) String() string {
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// Kind is the type of a configuration value.
type Kind uint8

// The kinds of values.
const (
	KindString Kind = iota + 1
	KindInt
	KindFloat
	KindBool
	KindTime
	KindArray
	KindMap
)

var kindNames = [...]string{
	KindString: "string",
	KindInt:    "integer",
	KindFloat:  "float",
	KindBool:   "boolean",
	KindTime:   "datetime",
	KindArray:  "array",
	KindMap:    "map",
}

// String returns a plain name for the kind ("string", "integer", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

var goTypes = [...]string{
	KindString: "string",
	KindInt:    "int64",
	KindFloat:  "float64",
	KindBool:   "bool",
	KindTime:   "time.Time",
	KindArray:  "[]interface {}",
	KindMap:    "map[string]interface {}",
}

// GoType returns the Go type nats-server gives values of this kind, as its
// type errors print it: "int64", "[]interface {}", ... The option layer
// builds "interface conversion: interface {} is <GoType>, not <want>" from
// it.
func (k Kind) GoType() string {
	if int(k) < len(goTypes) && goTypes[k] != "" {
		return goTypes[k]
	}
	return k.String()
}

// Form tells how a scalar value was written.
type Form uint8

// The forms of scalar values.
const (
	// FormBare is an unquoted string, a boolean, or an integer without a
	// size suffix (and every float and datetime).
	FormBare Form = iota
	// FormSized is an integer written with a size suffix: 1k, 2MB, 64KiB.
	FormSized
	// FormDoubleQuoted is a "..." string.
	FormDoubleQuoted
	// FormSingleQuoted is a '...' string.
	FormSingleQuoted
	// FormBlock is a ( ... ) block string.
	FormBlock
)

// Value is one configuration value. Exactly the field matching Kind is
// set. Values are shared (a variable reference copies the Value but not the
// Map or Array it holds), so treat them as read-only.
type Value struct {
	Kind Kind

	// Pos is where nats-server reports this value: for the value of a map
	// pair the position of its key, for an array element the element's own
	// position.
	Pos Pos

	// Form tells how a scalar was written (plain or sized integer, bare or
	// quoted string).
	Form Form

	// Raw is the text of a scalar as lexed: "2MB" for the integer 2097152,
	// "1m" for 1000000, the decoded text for strings.
	Raw string

	// Var is the name of the variable this value was read through
	// (without the '$'), or "".
	Var string

	Str   string
	Int   int64
	Float float64
	Bool  bool
	Time  time.Time
	Array []*Value
	Map   *Map
}

// IsQuoted reports whether the value is a string written in quotes or as a
// block; such strings are never numbers, booleans or variables.
func (v *Value) IsQuoted() bool {
	return v.Form == FormDoubleQuoted || v.Form == FormSingleQuoted || v.Form == FormBlock
}

// Interface returns the value as nats-server's parser would: string,
// int64, float64, bool, time.Time, []any or map[string]any.
func (v *Value) Interface() any {
	switch v.Kind {
	case KindString:
		return v.Str
	case KindInt:
		return v.Int
	case KindFloat:
		return v.Float
	case KindBool:
		return v.Bool
	case KindTime:
		return v.Time
	case KindArray:
		out := make([]any, len(v.Array))
		for i, e := range v.Array {
			out[i] = e.Interface()
		}
		return out
	case KindMap:
		return v.Map.Interface()
	}
	return nil
}

// Entry is one key/value pair of a Map.
type Entry struct {
	Key    string // as written (case kept)
	KeyPos Pos
	Value  *Value
	// Used reports that a later $Key reference read this entry as a
	// variable. nats-server does not report such keys as unknown fields.
	Used bool
}

// Map is an ordered set of pairs with distinct keys. A key defined twice
// keeps only its last definition, placed where that definition is.
type Map struct {
	entries []*Entry
	index   map[string]int // exact key -> position in entries
}

func newMap() *Map { return &Map{index: map[string]int{}} }

// Entries returns the pairs in file order. Do not modify the slice.
func (m *Map) Entries() []*Entry { return m.entries }

// Len returns the number of pairs.
func (m *Map) Len() int { return len(m.entries) }

// Get returns the pair whose key is exactly key.
func (m *Map) Get(key string) (*Entry, bool) {
	i, ok := m.index[key]
	if !ok {
		return nil, false
	}
	return m.entries[i], true
}

// Lookup returns the pair whose key equals key ignoring case, as the option
// layer matches keys. When several keys differ only in case, the last one
// in file order wins.
func (m *Map) Lookup(key string) (*Entry, bool) {
	for i := len(m.entries) - 1; i >= 0; i-- {
		if strings.EqualFold(m.entries[i].Key, key) {
			return m.entries[i], true
		}
	}
	return nil, false
}

// set adds or replaces the pair for key.
func (m *Map) set(e *Entry) {
	if i, ok := m.index[e.Key]; ok {
		copy(m.entries[i:], m.entries[i+1:])
		m.entries = m.entries[:len(m.entries)-1]
		for j := i; j < len(m.entries); j++ {
			m.index[m.entries[j].Key] = j
		}
	}
	m.index[e.Key] = len(m.entries)
	m.entries = append(m.entries, e)
}

// Interface returns the map as nats-server's parser would: a
// map[string]any whose values are those of Value.Interface.
func (m *Map) Interface() map[string]any {
	out := make(map[string]any, len(m.entries))
	for _, e := range m.entries {
		out[e.Key] = e.Value.Interface()
	}
	return out
}

// Digest returns "sha256:<64 hex>", the digest nats-server prints for a
// configuration (-t, "Using configuration file", reload): the SHA-256 of the
// JSON encoding of the parsed tree (variables substituted, includes
// merged), keys sorted, followed by a newline.
func (m *Map) Digest() (string, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(m.Interface()); err != nil {
		return "", &Error{Kind: KindInternal, Msg: "conf: encoding the digest: ", Err: err}
	}
	sum := sha256.Sum256(buf.Bytes())
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}
