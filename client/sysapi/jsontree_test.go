package sysapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jnode is a parsed JSON value that keeps object keys in document order, so
// tests can compare both content and key order.
type jnode struct {
	kind   byte // '{', '[', 's' string, 'n' number, 'b' bool, '0' null
	keys   []string
	vals   []*jnode // object values, parallel to keys
	elems  []*jnode // array elements
	scalar string   // string value, number text, "true"/"false"
}

// parseJSON parses one JSON document (numbers kept as text).
func parseJSON(data []byte) (*jnode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("trailing data after JSON document")
	}
	return n, nil
}

func parseNode(dec *json.Decoder) (*jnode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &jnode{kind: '{'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				child, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, kt.(string))
				n.vals = append(n.vals, child)
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &jnode{kind: '['}
			for dec.More() {
				child, err := parseNode(dec)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, child)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected delimiter %v", v)
	case string:
		return &jnode{kind: 's', scalar: v}, nil
	case json.Number:
		return &jnode{kind: 'n', scalar: v.String()}, nil
	case bool:
		return &jnode{kind: 'b', scalar: fmt.Sprint(v)}, nil
	case nil:
		return &jnode{kind: '0'}, nil
	}
	return nil, fmt.Errorf("unexpected token %T", tok)
}

func (n *jnode) get(key string) (*jnode, bool) {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i], true
		}
	}
	return nil, false
}

// compareMode says how strictly a capture must match the re-encoded value.
type compareMode int

const (
	// exact: same keys, same key order, same values and types.
	exact compareMode = iota
	// subset: every key of the capture is present with the same value, in
	// the same relative order; the encoding may have more keys (the capture
	// was trimmed).
	subset
)

// diffJSON returns a description of the first difference between want (the
// capture) and got (our encoding), or "" when they match under mode.
func diffJSON(want, got *jnode, mode compareMode) string {
	return diffAt("$", want, got, mode)
}

func diffAt(path string, want, got *jnode, mode compareMode) string {
	if want.kind != got.kind {
		return fmt.Sprintf("%s: type %q, got %q", path, want.kind, got.kind)
	}
	switch want.kind {
	case '{':
		return diffObject(path, want, got, mode)
	case '[':
		if len(want.elems) != len(got.elems) {
			return fmt.Sprintf("%s: %d elements, got %d", path, len(want.elems), len(got.elems))
		}
		for i := range want.elems {
			if d := diffAt(fmt.Sprintf("%s[%d]", path, i), want.elems[i], got.elems[i], mode); d != "" {
				return d
			}
		}
		return ""
	}
	if want.scalar != got.scalar {
		return fmt.Sprintf("%s: %q, got %q", path, want.scalar, got.scalar)
	}
	return ""
}

func diffObject(path string, want, got *jnode, mode compareMode) string {
	for i, k := range want.keys {
		gv, ok := got.get(k)
		if !ok {
			return fmt.Sprintf("%s: key %q missing from encoding", path, k)
		}
		if d := diffAt(path+"."+k, want.vals[i], gv, mode); d != "" {
			return d
		}
	}
	if mode == exact {
		for _, k := range got.keys {
			if _, ok := want.get(k); !ok {
				return fmt.Sprintf("%s: encoding has extra key %q", path, k)
			}
		}
		if strings.Join(want.keys, ",") != strings.Join(got.keys, ",") {
			return fmt.Sprintf("%s: key order\n want %v\n got  %v", path, want.keys, got.keys)
		}
		return ""
	}
	// subset: the capture's keys must appear in the same relative order.
	j := 0
	for _, k := range want.keys {
		for j < len(got.keys) && got.keys[j] != k {
			j++
		}
		if j == len(got.keys) {
			return fmt.Sprintf("%s: key order: %q out of order\n want %v\n got  %v", path, k, want.keys, got.keys)
		}
	}
	return ""
}
