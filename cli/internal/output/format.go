// Package output is the one place that decides how CLI results are printed:
// formats (table, plain, markdown, csv, tsv, json, ndjson), colour and
// terminal detection, and how numbers, sizes and durations look.
package output

import (
	"fmt"
	"strings"
)

// Format is an output format name as given to -o.
type Format string

// The output formats.
const (
	FormatTable    Format = "table"
	FormatPlain    Format = "plain"
	FormatMarkdown Format = "md"
	FormatCSV      Format = "csv"
	FormatTSV      Format = "tsv"
	FormatJSON     Format = "json"
	FormatNDJSON   Format = "ndjson"
)

// Formats lists every format, in the order shown in help texts.
var Formats = []Format{FormatTable, FormatPlain, FormatMarkdown, FormatCSV, FormatTSV, FormatJSON, FormatNDJSON}

// ParseFormat validates a format name ("markdown" is accepted for "md").
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "markdown" {
		s = string(FormatMarkdown)
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q (want one of %s)", s, FormatList())
}

// FormatList returns the format names joined with "|".
func FormatList() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, "|")
}

// DefaultFormat picks the format when -o is not given: NATSYS_OUTPUT, then
// natscli's NATS_TABLE_FORMAT (csv, tsv, markdown), then table on a terminal
// and plain otherwise.
func DefaultFormat(outTTY bool, getenv func(string) string) (Format, error) {
	if getenv != nil {
		if v := getenv("NATSYS_OUTPUT"); v != "" {
			f, err := ParseFormat(v)
			if err != nil {
				return "", fmt.Errorf("NATSYS_OUTPUT: %w", err)
			}
			return f, nil
		}
		if v := getenv("NATS_TABLE_FORMAT"); v != "" {
			if f, err := ParseFormat(v); err == nil {
				return f, nil
			}
		}
	}
	if outTTY {
		return FormatTable, nil
	}
	return FormatPlain, nil
}

// ColorMode is the value of --color.
type ColorMode string

// The colour modes.
const (
	ColorAuto   ColorMode = "auto"
	ColorAlways ColorMode = "always"
	ColorNever  ColorMode = "never"
)

// ParseColorMode validates a --color value.
func ParseColorMode(s string) (ColorMode, error) {
	switch m := ColorMode(strings.ToLower(s)); m {
	case ColorAuto, ColorAlways, ColorNever:
		return m, nil
	}
	return "", fmt.Errorf("unknown --color %q (want auto|always|never)", s)
}

// ColorEnabled decides whether to emit ANSI colour: always/never as given;
// auto only when stdout is a terminal, NO_COLOR is unset or empty and TERM is
// not "dumb".
func ColorEnabled(mode ColorMode, outTTY bool, getenv func(string) string) bool {
	switch mode {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	if !outTTY {
		return false
	}
	if getenv != nil && (getenv("NO_COLOR") != "" || getenv("TERM") == "dumb") {
		return false
	}
	return true
}
