// Package tmpl expands natscli's publish templates ({{Count}}, {{ID}},
// {{Time}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}}, {{Random min max}}).
// nats-pub applies them only to a BODY argument, and only with --template;
// stdin and file data, subjects and header values are never expanded.
package tmpl

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"math/big"
	"text/template"
	"time"
)

// Template is a parsed natscli-style template.
type Template struct {
	t     *template.Template
	now   func() time.Time
	count int
}

// alphabet is used by {{ID}} and {{Random}}.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idLen is the length of an {{ID}} (a NUID is 22 base-62 characters).
const idLen = 22

// maxRandom caps {{Random min max}} so a typo cannot allocate gigabytes.
const maxRandom = 1 << 20

// Parse parses text. now is the clock used by the time functions.
func Parse(name, text string, now func() time.Time) (*Template, error) {
	if now == nil {
		now = time.Now
	}
	x := &Template{now: now}
	count := func() int { return x.count }
	t, err := template.New(name).Funcs(template.FuncMap{
		"Count":     count,
		"Cnt":       count,
		"ID":        func() (string, error) { return randomString(idLen) },
		"Time":      func() string { return x.now().Format(time.Kitchen) },
		"TimeStamp": func() string { return x.now().Format(time.RFC3339) },
		"Unix":      func() int64 { return x.now().Unix() },
		"UnixNano":  func() int64 { return x.now().UnixNano() },
		"Random":    randomBetween,
	}).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s template: %w", name, err)
	}
	x.t = t
	return x, nil
}

// Expand executes the template for message number count (1-based).
func (x *Template) Expand(count int) ([]byte, error) {
	x.count = count
	var buf bytes.Buffer
	if err := x.t.Execute(&buf, nil); err != nil {
		return nil, fmt.Errorf("%s template: %w", x.t.Name(), err)
	}
	return buf.Bytes(), nil
}

// randomBetween returns a random alphanumeric string whose length is in [min, max].
func randomBetween(lo, hi int) (string, error) {
	if lo < 0 || hi < lo || hi > maxRandom {
		return "", fmt.Errorf("Random %d %d: want 0 <= min <= max <= %d", lo, hi, maxRandom)
	}
	n := lo
	if hi > lo {
		r, err := rand.Int(rand.Reader, big.NewInt(int64(hi-lo+1)))
		if err != nil {
			return "", err
		}
		n += int(r.Int64())
	}
	return randomString(n)
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}
