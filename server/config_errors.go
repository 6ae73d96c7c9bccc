package server

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// ConfigError is one problem found while processing a configuration file,
// reported at the position of the offending key (config.md §1.12).
type ConfigError struct {
	// File is the file name as given (or as joined for an included file);
	// "" for the few reference messages that carry no position.
	File string
	// Line is 1-based; 0 means the message names only the file.
	Line int
	// Col is the column as the reference prints it: the 0-based offset on
	// line 1 and the 1-based offset on later lines.
	Col int
	// Msg is the reason.
	Msg string
	// Warning marks a warning ("invalid use of field ...") rather than an
	// error.
	Warning bool
}

// Error returns "file:line:col: msg", "file: msg" or "msg".
func (e *ConfigError) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ConfigErrors is every problem found in a configuration file: the reference
// reports all of them at once, warnings first.
type ConfigErrors struct {
	Warnings []*ConfigError
	Errors   []*ConfigError
}

// HasErrors reports whether there is at least one error (not only
// warnings).
func (e *ConfigErrors) HasErrors() bool { return len(e.Errors) > 0 }

// Error returns one line per problem, warnings first, each ending in a
// newline, like the reference (which is why its output ends with an empty
// line once the caller adds its own newline).
func (e *ConfigErrors) Error() string {
	var b strings.Builder
	for _, w := range e.Warnings {
		b.WriteString(w.Error())
		b.WriteByte('\n')
	}
	for _, x := range e.Errors {
		b.WriteString(x.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// sort orders both lists by file, line and column (the reference uses map
// order); messages without a position keep their order after the others.
func (e *ConfigErrors) sort() {
	byPos := func(a, b *ConfigError) int {
		if (a.File == "") != (b.File == "") {
			if a.File == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	}
	slices.SortStableFunc(e.Warnings, byPos)
	slices.SortStableFunc(e.Errors, byPos)
}
