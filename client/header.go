package client

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
)

// Header holds message headers. Keys are case-sensitive and kept exactly as
// given (as nats.go v1.55.0 does); a key may carry several values.
type Header map[string][]string

// headerVersion starts every header block.
const headerVersion = "NATS/1.0"

// Well-known header names and status codes.
const (
	// StatusNoResponders is the status of the server's reply to a request
	// nobody was subscribed to.
	StatusNoResponders = 503
	// HeaderSubject is set by the server on a no-responders status message.
	HeaderSubject = "Nats-Subject"
)

// Add appends value to the values of key.
func (h Header) Add(key, value string) { h[key] = append(h[key], value) }

// Set replaces the values of key with value.
func (h Header) Set(key, value string) { h[key] = []string{value} }

// Get returns the first value of key, or "".
func (h Header) Get(key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Values returns all values of key.
func (h Header) Values(key string) []string { return h[key] }

// Del removes key.
func (h Header) Del(key string) { delete(h, key) }

// Clone returns a deep copy of h (nil for nil).
func (h Header) Clone() Header {
	if h == nil {
		return nil
	}
	c := make(Header, len(h))
	for k, v := range h {
		c[k] = slices.Clone(v)
	}
	return c
}

// AppendHeader appends the wire encoding of a header block to dst:
// "NATS/1.0[ status[ description]]\r\n", one "Key: Value\r\n" line per value
// (keys in sorted order) and a final "\r\n". A status of 0 writes no status.
func AppendHeader(dst []byte, h Header, status int, description string) ([]byte, error) {
	if status != 0 && (status < 100 || status > 999) {
		return dst, fmt.Errorf("%w: status %d is not three digits", ErrBadHeader, status)
	}
	if !validHeaderText(description) {
		return dst, fmt.Errorf("%w: description %q", ErrBadHeader, description)
	}
	dst = append(dst, headerVersion...)
	if status != 0 {
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, int64(status), 10)
		if description != "" {
			dst = append(dst, ' ')
			dst = append(dst, description...)
		}
	}
	dst = append(dst, '\r', '\n')
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !validHeaderKey(k) {
			return dst, fmt.Errorf("%w: key %q", ErrBadHeader, k)
		}
		for _, v := range h[k] {
			if !validHeaderText(v) {
				return dst, fmt.Errorf("%w: value %q of key %q", ErrBadHeader, v, k)
			}
			dst = append(dst, k...)
			dst = append(dst, ':', ' ')
			dst = append(dst, v...)
			dst = append(dst, '\r', '\n')
		}
	}
	return append(dst, '\r', '\n'), nil
}

// DecodeHeader parses a header block as produced by AppendHeader (the
// leading bytes of an HMSG payload). Values are trimmed of surrounding
// spaces and tabs; keys are kept as sent.
func DecodeHeader(b []byte) (h Header, status int, description string, err error) {
	line, rest, ok := cutLine(b)
	if !ok || !bytes.HasPrefix(line, []byte(headerVersion)) {
		return nil, 0, "", fmt.Errorf("%w: no %s version line", ErrBadHeader, headerVersion)
	}
	if st := bytes.TrimLeft(line[len(headerVersion):], " \t"); len(st) > 0 {
		if len(line) == len(headerVersion)+len(st) {
			return nil, 0, "", fmt.Errorf("%w: version line %q", ErrBadHeader, line)
		}
		code, desc, _ := bytes.Cut(st, []byte(" "))
		n, perr := strconv.Atoi(string(code))
		if perr != nil || len(code) != 3 || n < 100 {
			return nil, 0, "", fmt.Errorf("%w: status %q", ErrBadHeader, code)
		}
		status, description = n, string(bytes.TrimSpace(desc))
	}
	for {
		line, rest, ok = cutLine(rest)
		if !ok {
			return nil, 0, "", fmt.Errorf("%w: header block not terminated", ErrBadHeader)
		}
		if len(line) == 0 {
			break
		}
		k, v, found := bytes.Cut(line, []byte(":"))
		if !found || len(k) == 0 || !validHeaderKey(string(k)) {
			return nil, 0, "", fmt.Errorf("%w: line %q", ErrBadHeader, line)
		}
		if h == nil {
			h = make(Header)
		}
		key := string(k)
		h[key] = append(h[key], string(bytes.Trim(v, " \t")))
	}
	return h, status, description, nil
}

// cutLine splits b at the first "\r\n".
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return nil, nil, false
	}
	return b[:i], b[i+2:], true
}

func validHeaderKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c == ':' || c == 0x7f {
			return false
		}
	}
	return true
}

func validHeaderText(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '\r' || v[i] == '\n' {
			return false
		}
	}
	return true
}
