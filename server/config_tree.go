package server

import (
	"fmt"
	"time"

	"github.com/natsys/natsys/server/internal/conf"
)

// Go type names the reference prints in type errors (config.md §1.12).
const (
	typeInt    = "int64"
	typeFloat  = "float64"
	typeString = "string"
	typeBool   = "bool"
	typeArray  = "[]interface {}"
	typeMap    = "map[string]interface {}"
	typeTime   = "time.Time"
)

// cfgItem is one value of the parsed configuration, with the position of
// its key (or of the element itself inside an array).
type cfgItem struct {
	// key is the key as written; "" for an array element.
	key string
	// file, line and col locate the key; col follows the reference's
	// printing (0-based on line 1, 1-based after).
	file      string
	line, col int
	// val is int64, float64, bool, string, time.Time, []*cfgItem or
	// *cfgMap.
	val any
	// used marks a key referenced as a variable (never an unknown field).
	used bool
}

// cfgMap is a map of the configuration, its entries in file order (a key
// given twice appears once, with the last value).
type cfgMap struct {
	items []*cfgItem
}

// cfgTree is a parsed configuration file.
type cfgTree struct {
	root   *cfgMap
	digest string // "sha256:<hex>"
}

// problem returns a ConfigError at it (no position for a nil item).
func (it *cfgItem) problem(msg string) *ConfigError {
	if it == nil {
		return &ConfigError{Msg: msg}
	}
	return &ConfigError{File: it.file, Line: it.line, Col: it.col, Msg: msg}
}

// after reports whether it comes after other in the file.
func (it *cfgItem) after(other *cfgItem) bool {
	if it.line != other.line {
		return it.line > other.line
	}
	return it.col > other.col
}

// typeName is the Go type name the reference prints for the value.
func (it *cfgItem) typeName() string {
	switch it.val.(type) {
	case int64:
		return typeInt
	case float64:
		return typeFloat
	case string:
		return typeString
	case bool:
		return typeBool
	case []*cfgItem:
		return typeArray
	case *cfgMap:
		return typeMap
	case time.Time:
		return typeTime
	}
	return fmt.Sprintf("%T", it.val)
}

// plain returns the value as plain Go values (map[string]any, []any), as
// the reference prints it with %v and encodes it for the digest.
func (it *cfgItem) plain() any {
	switch v := it.val.(type) {
	case []*cfgItem:
		out := make([]any, len(v))
		for i, el := range v {
			out[i] = el.plain()
		}
		return out
	case *cfgMap:
		return v.plain()
	}
	return it.val
}

func (m *cfgMap) plain() map[string]any {
	out := make(map[string]any, len(m.items))
	for _, e := range m.items {
		out[e.key] = e.plain()
	}
	return out
}

// parseConfigTree parses the file at path with the configuration language
// parser and converts the result to the option layer's tree.
func parseConfigTree(path string) (*cfgTree, error) {
	m, err := conf.ParseFile(path)
	if err != nil {
		return nil, err
	}
	digest, err := m.Digest()
	if err != nil {
		return nil, err
	}
	return &cfgTree{root: fromConfMap(m), digest: digest}, nil
}

func fromConfMap(m *conf.Map) *cfgMap {
	entries := m.Entries()
	out := &cfgMap{items: make([]*cfgItem, len(entries))}
	for i, e := range entries {
		it := fromConfValue(e.Value)
		it.key, it.used = e.Key, e.Used
		it.file, it.line, it.col = e.KeyPos.File, e.KeyPos.Line, e.KeyPos.Col
		out.items[i] = it
	}
	return out
}

func fromConfValue(v *conf.Value) *cfgItem {
	it := &cfgItem{file: v.Pos.File, line: v.Pos.Line, col: v.Pos.Col}
	switch v.Kind {
	case conf.KindString:
		it.val = v.Str
	case conf.KindInt:
		it.val = v.Int
	case conf.KindFloat:
		it.val = v.Float
	case conf.KindBool:
		it.val = v.Bool
	case conf.KindTime:
		it.val = v.Time
	case conf.KindArray:
		arr := make([]*cfgItem, len(v.Array))
		for i, el := range v.Array {
			arr[i] = fromConfValue(el)
		}
		it.val = arr
	case conf.KindMap:
		it.val = fromConfMap(v.Map)
	}
	return it
}
