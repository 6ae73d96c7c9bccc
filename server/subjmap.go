package server

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/natsys/natsys/server/internal/subject"
)

// Errors of subject mappings, as the reference words them inside
// "failed to create mapping transform ...".
var (
	errMappingInvalidSubject = errors.New("invalid subject")
	errPrefixWildcard        = errors.New("stream import prefix can not contain wildcard tokens")
)

// mapPart is one token of a mapping destination: a literal, a reference to
// the n-th single-token wildcard of the source (1-based), or the tail the
// source's ">" matched.
type mapPart struct {
	lit  string
	wc   int
	tail bool
}

// subjectMapping rewrites a subject matched by a source pattern into a
// destination (stream import prefix/to, service import to). A literal
// destination, a literal source or an identical destination need no parts.
type subjectMapping struct {
	dest     string // literal destination (parts empty and !identity)
	identity bool
	parts    []mapPart
	srcWild  []int // token index of each "*" of the source
	srcTail  int   // token index of the source's ">", -1 when none
}

// newSubjectMapping compiles the mapping of subjects matching src to dst.
// Destination tokens "*" refer to the source's wildcards in order, "$N"
// and "{{wildcard(N)}}" to the N-th one, and ">" to the source's tail.
// Validation is done separately (checkMapping); tokens that are not valid
// references are kept literally.
func newSubjectMapping(src, dst string) *subjectMapping {
	m := &subjectMapping{srcTail: -1}
	if src == dst {
		m.identity = true
		return m
	}
	if subject.IsLiteral(src) {
		m.dest = dst
		return m
	}
	for i, tok := range strings.Split(src, ".") {
		switch tok {
		case "*":
			m.srcWild = append(m.srcWild, i)
		case ">":
			m.srcTail = i
		}
	}
	star := 0
	for _, tok := range strings.Split(dst, ".") {
		switch {
		case tok == "*":
			star++
			m.parts = append(m.parts, mapPart{wc: star})
		case tok == ">":
			m.parts = append(m.parts, mapPart{tail: true})
		default:
			if n, ok := wildcardRef(tok); ok && n >= 1 && n <= len(m.srcWild) {
				m.parts = append(m.parts, mapPart{wc: n})
			} else {
				m.parts = append(m.parts, mapPart{lit: tok})
			}
		}
	}
	return m
}

// wildcardRef parses "$N" and "{{wildcard(N)}}" (spaces allowed inside the
// braces).
func wildcardRef(tok string) (int, bool) {
	var num string
	switch {
	case len(tok) > 1 && tok[0] == '$':
		num = tok[1:]
	case strings.HasPrefix(tok, "{{") && strings.HasSuffix(tok, "}}"):
		in := strings.TrimSpace(tok[2 : len(tok)-2])
		if !strings.HasPrefix(strings.ToLower(in), "wildcard(") || !strings.HasSuffix(in, ")") {
			return 0, false
		}
		num = strings.TrimSpace(in[len("wildcard(") : len(in)-1])
	default:
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, false
	}
	return n, true
}

// appendMapped appends the mapping of subj (which matches the source) to dst.
func (m *subjectMapping) appendMapped(dst, subj []byte) []byte {
	switch {
	case m.identity:
		return append(dst, subj...)
	case m.parts == nil:
		return append(dst, m.dest...)
	}
	for i, p := range m.parts {
		if i > 0 {
			dst = append(dst, '.')
		}
		switch {
		case p.tail:
			dst = append(dst, tokensFrom(subj, m.srcTail)...)
		case p.wc > 0:
			dst = append(dst, tokenAt(subj, m.srcWild[p.wc-1])...)
		default:
			dst = append(dst, p.lit...)
		}
	}
	return dst
}

// tokenAt returns the n-th (0-based) token of subj.
func tokenAt(subj []byte, n int) []byte {
	rest := tokensFrom(subj, n)
	for i, b := range rest {
		if b == '.' {
			return rest[:i]
		}
	}
	return rest
}

// tokensFrom returns subj from its n-th (0-based) token on.
func tokensFrom(subj []byte, n int) []byte {
	for i := 0; n > 0 && i < len(subj); i++ {
		if subj[i] == '.' {
			n--
			if n == 0 {
				return subj[i+1:]
			}
		}
	}
	if n > 0 {
		return nil
	}
	return subj
}

// checkMapping validates a mapping from src to dst the way the reference
// does: a literal src maps to anything; otherwise the ">" wildcards must
// pair up, every reference must name one of src's "*" wildcards, and all of
// them must be used.
func checkMapping(src, dst string) error {
	if subject.IsLiteral(src) {
		return nil
	}
	if !subject.ValidSubject(dst) {
		return errMappingInvalidSubject
	}
	srcToks := strings.Split(src, ".")
	dstToks := strings.Split(dst, ".")
	srcTail := srcToks[len(srcToks)-1] == ">"
	dstTail := dstToks[len(dstToks)-1] == ">"
	if srcTail != dstTail {
		return errMappingInvalidSubject
	}
	wild := 0
	for _, t := range srcToks {
		if t == "*" {
			wild++
		}
	}
	star := 0
	used := map[int]bool{}
	tokenized := make([]string, len(dstToks))
	for i, tok := range dstToks {
		tokenized[i] = tok
		n, ok := 0, false
		if tok == "*" {
			star++
			n, ok = star, true
			tokenized[i] = "$" + strconv.Itoa(n)
		} else {
			n, ok = wildcardRef(tok)
		}
		if !ok {
			continue
		}
		if n > wild {
			return fmt.Errorf("invalid mapping destination: wildcard index out of range in %s: [%d]", tokenized[i], n)
		}
		used[n] = true
	}
	if len(used) < wild {
		return fmt.Errorf("invalid mapping destination: not using all of the token wildcard(s) in %s", strings.Join(tokenized, "."))
	}
	return nil
}

// streamImportTo returns the local subject pattern of a stream import: its
// to, the prefix followed by the subject, or the subject itself.
func streamImportTo(imp *ImportConfig) (string, error) {
	switch {
	case imp.Prefix != "":
		for _, t := range strings.Split(imp.Prefix, ".") {
			if t == "*" || t == ">" {
				return "", errPrefixWildcard
			}
		}
		p := imp.Prefix
		if !strings.HasSuffix(p, ".") {
			p += "."
		}
		return p + imp.Stream, nil
	case imp.To != "":
		return imp.To, nil
	}
	return imp.Stream, nil
}

// serviceImportLocal returns the local subject of a service import.
func serviceImportLocal(imp *ImportConfig) string {
	if imp.To != "" {
		return imp.To
	}
	return imp.Service
}
