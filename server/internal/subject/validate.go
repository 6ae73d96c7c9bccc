package subject

// Validation follows what the reference nats-server v2.15.2 accepts, which
// differs slightly by use (all observed on the reference):
//
//   - Configuration (permissions, queue names in permissions): tokens
//     non-empty, '>' only as the last token, and no whitespace byte (space,
//     tab, CR, LF, FF) anywhere: ValidSubject, ValidQueue.
//   - SUB on the wire: only the token structure is checked; a form feed,
//     vertical tab, NUL or non-UTF-8 byte inside a token is accepted:
//     ValidSubscribeSubject.
//   - Pedantic PUB on the wire: tokens non-empty and no wildcard token,
//     whitespace not checked: ValidLiteralSubject.
//
// On the wire, space and tab separate arguments and CR/LF end the line, so
// for SUB the two checks differ only for a form feed.

// ValidSubject reports whether s is a valid subject for subscriptions and
// permissions: non-empty tokens, '*' and '>' only as whole tokens, '>' only
// last, and no whitespace byte (space, tab, CR, LF, FF). Other bytes,
// including NUL and bytes that are not UTF-8, are allowed.
func ValidSubject(s string) bool { return validate(s, false, true) }

// ValidSubjectBytes is ValidSubject for a byte slice; it does not allocate.
func ValidSubjectBytes(b []byte) bool { return validate(b, false, true) }

// ValidSubscribeSubject reports whether the reference accepts s as the
// subject of a SUB: ValidSubject without the whitespace check. A SUB whose
// subject fails it gets -ERR 'Invalid Subject'. Index.Insert uses the same
// check.
func ValidSubscribeSubject(s string) bool { return validate(s, false, false) }

// ValidSubscribeSubjectBytes is ValidSubscribeSubject for a byte slice; it
// does not allocate.
func ValidSubscribeSubjectBytes(b []byte) bool { return validate(b, false, false) }

// ValidLiteralSubject reports whether s is a valid subject to publish to:
// non-empty tokens and no wildcard token. Like the reference's pedantic PUB
// check it does not look for whitespace; for configuration values use
// ValidSubject(s) && IsLiteral(s).
func ValidLiteralSubject(s string) bool { return validate(s, true, false) }

// ValidLiteralSubjectBytes is ValidLiteralSubject for a byte slice; it does
// not allocate.
func ValidLiteralSubjectBytes(b []byte) bool { return validate(b, true, false) }

// ValidQueue reports whether q is a valid queue group name in a permissions
// entry ("<subject> <queue>"): the reference checks it like a subject
// (ValidSubject), so "q..x" is refused and "q*" or ">" are accepted. Queue
// names in a SUB on the wire are not validated at all (protocol.md §5.3).
func ValidQueue(q string) bool { return validate(q, false, true) }

// IsLiteral reports whether s has no wildcard token ("*" or ">" as a whole
// token). It does not check anything else.
func IsLiteral(s string) bool { return isLiteral(s) }

// IsLiteralBytes is IsLiteral for a byte slice; it does not allocate.
func IsLiteralBytes(b []byte) bool { return isLiteral(b) }

// validate checks the token structure of s. literal refuses wildcard tokens;
// space refuses whitespace bytes.
func validate[S string | []byte](s S, literal, space bool) bool {
	n := len(s)
	if n == 0 {
		return false
	}
	start := 0    // first byte of the current token
	last := false // a '>' token was seen: nothing may follow
	for i := 0; i <= n; i++ {
		if i < n {
			c := s[i]
			if c > ' ' && c != '.' {
				continue // the common case: an ordinary byte
			}
			if c != '.' {
				if space && isSpace(c) {
					return false
				}
				continue
			}
		}
		if i == start || last {
			return false // empty token, or a token after '>'
		}
		if i-start == 1 {
			switch s[start] {
			case '*':
				if literal {
					return false
				}
			case '>':
				if literal {
					return false
				}
				last = true
			}
		}
		start = i + 1
	}
	return true
}

// isLiteral reports whether no token of s is exactly "*" or ">".
func isLiteral[S string | []byte](s S) bool {
	n := len(s)
	for i := 0; i < n; i++ {
		c := s[i]
		if c != '*' && c != '>' {
			continue
		}
		if (i == 0 || s[i-1] == '.') && (i+1 == n || s[i+1] == '.') {
			return false
		}
	}
	return true
}

// isSpace reports whether c is one of the bytes the reference treats as
// whitespace inside a subject.
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f':
		return true
	}
	return false
}
