package subject

import (
	"strings"
	"unsafe"
)

// Match reports whether the literal subject is matched by pattern, a subject
// that may hold wildcard tokens ('*' matches one token, '>' one or more).
// Every token of subject is taken as plain text, so Match("foo.*", "foo.>")
// is true: this is how the reference matches published subjects and checks
// subscribe permissions (an allow entry "foo.*" admits SUB "foo.>").
//
// A subject or pattern with an empty token ("", "a..b", ".a", "a.") matches
// nothing. A '>' in pattern matches the rest of subject wherever it appears.
func Match(pattern, subject string) bool {
	pi, si := 0, 0
	for {
		pe := tokenEnd(pattern, pi)
		se := tokenEnd(subject, si)
		if pe == pi || se == si {
			return false // empty token
		}
		if pe-pi == 1 && pattern[pi] == '>' {
			return tokensNonEmpty(subject, se)
		}
		if (pe-pi != 1 || pattern[pi] != '*') && pattern[pi:pe] != subject[si:se] {
			return false
		}
		pdone, sdone := pe == len(pattern), se == len(subject)
		if pdone || sdone {
			return pdone && sdone
		}
		pi, si = pe+1, se+1
	}
}

// MatchBytes is Match for a subject held in a byte slice; it does not
// allocate.
func MatchBytes(pattern string, subject []byte) bool {
	return Match(pattern, bytesView(subject))
}

// SubsetMatch reports whether every literal subject matched by subject
// (which may hold wildcards) is also matched by pattern: "foo.bar" and
// "foo.*" are subsets of "foo.*" and of "foo.>", but "foo.>" is not a subset
// of "foo.*". Subjects with an empty token are a subset of nothing.
func SubsetMatch(subject, pattern string) bool {
	pi, si := 0, 0
	for {
		pe := tokenEnd(pattern, pi)
		se := tokenEnd(subject, si)
		if pe == pi || se == si {
			return false
		}
		pw, sw := wildcard(pattern[pi:pe]), wildcard(subject[si:se])
		switch {
		case pw == '>':
			return tokensNonEmpty(subject, se)
		case sw == '>':
			return false // only '>' covers one-or-more tokens
		case pw == '*':
			// any single token, including a '*' token of subject
		case sw == '*' || pattern[pi:pe] != subject[si:se]:
			return false
		}
		pdone, sdone := pe == len(pattern), se == len(subject)
		if pdone || sdone {
			return pdone && sdone
		}
		pi, si = pe+1, se+1
	}
}

// Overlaps reports whether some literal subject is matched by both a and b,
// each of which may hold wildcards: "foo.*" and "*.bar" overlap ("foo.bar"),
// "foo.*" and "foo.bar.>" do not. Subjects with an empty token overlap
// nothing.
func Overlaps(a, b string) bool {
	ai, bi := 0, 0
	for {
		ae := tokenEnd(a, ai)
		be := tokenEnd(b, bi)
		if ae == ai || be == bi {
			return false
		}
		aw, bw := wildcard(a[ai:ae]), wildcard(b[bi:be])
		switch {
		case aw == '>':
			return tokensNonEmpty(b, be)
		case bw == '>':
			return tokensNonEmpty(a, ae)
		case aw == 0 && bw == 0 && a[ai:ae] != b[bi:be]:
			return false
		}
		adone, bdone := ae == len(a), be == len(b)
		if adone || bdone {
			return adone && bdone
		}
		ai, bi = ae+1, be+1
	}
}

// tokenEnd returns the index of the '.' that ends the token starting at i,
// or len(s) for the last token.
func tokenEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	if j := strings.IndexByte(s[i:], '.'); j >= 0 {
		return i + j
	}
	return len(s)
}

// tokensNonEmpty reports whether the tokens after position end (the end of
// a token) are all non-empty. end == len(s) means there are none.
func tokensNonEmpty(s string, end int) bool {
	if end == len(s) {
		return true
	}
	rest := s[end+1:]
	return !hasEmptyToken(rest)
}

// wildcard returns '*' or '>' when tok is that wildcard token, else 0.
func wildcard(tok string) byte {
	if len(tok) == 1 && (tok[0] == '*' || tok[0] == '>') {
		return tok[0]
	}
	return 0
}

// hasEmptyToken reports whether s has an empty token (s == "" included).
func hasEmptyToken(s string) bool {
	return s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..")
}

// bytesView returns a string sharing b's memory. The caller must not keep
// the string past the call that received b, nor let b change meanwhile.
func bytesView(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
