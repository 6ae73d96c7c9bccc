// Package subject validates NATS subjects given on the command line and
// matches them against wildcard patterns, with the server's rules: tokens
// separated by ".", no empty token, no whitespace, "*" matches one token
// and ">" (last token only) one or more.
package subject

import (
	"fmt"
	"strings"
)

// Validate checks a subject to publish to (no wildcards).
func Validate(s string) error {
	return check(s, false)
}

// ValidatePattern checks a subject to subscribe to (wildcards allowed).
func ValidatePattern(s string) error {
	return check(s, true)
}

func check(s string, wildcards bool) error {
	if s == "" {
		return fmt.Errorf("invalid subject %q: empty", s)
	}
	if strings.ContainsAny(s, " \t\r\n\x00") {
		return fmt.Errorf("invalid subject %q: contains whitespace", s)
	}
	toks := strings.Split(s, ".")
	for i, t := range toks {
		switch {
		case t == "":
			return fmt.Errorf("invalid subject %q: empty token", s)
		case t == ">" && wildcards && i != len(toks)-1:
			return fmt.Errorf("invalid subject %q: '>' must be the last token", s)
		case (t == ">" || t == "*") && !wildcards:
			return fmt.Errorf("invalid subject %q: wildcards are not allowed here", s)
		}
	}
	return nil
}

// Match reports whether subject (no wildcards) matches pattern.
func Match(pattern, subject string) bool {
	p := strings.Split(pattern, ".")
	s := strings.Split(subject, ".")
	for i, t := range p {
		if t == ">" {
			return len(s) > i
		}
		if i >= len(s) || (t != "*" && t != s[i]) {
			return false
		}
	}
	return len(p) == len(s)
}
