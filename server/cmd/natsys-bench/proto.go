package main

import (
	"bytes"
	"errors"
	"fmt"
)

// errBadMsg reports a MSG line the driver cannot parse.
var errBadMsg = errors.New("natsys-bench: malformed MSG line")

// msgLine is a parsed "MSG <subject> <sid> [reply] <size>" line. The slices
// point into the line they were parsed from.
type msgLine struct {
	subject, sid, reply []byte
	size                int
}

// parseMsgLine parses the arguments of a MSG line (the text after "MSG ",
// without the trailing CRLF) without allocating.
func parseMsgLine(args []byte) (msgLine, error) {
	var f [4][]byte
	n := 0
	for len(args) > 0 {
		i := 0
		for i < len(args) && (args[i] == ' ' || args[i] == '\t') {
			i++
		}
		args = args[i:]
		if len(args) == 0 {
			break
		}
		j := 0
		for j < len(args) && args[j] != ' ' && args[j] != '\t' {
			j++
		}
		if n == len(f) {
			return msgLine{}, fmt.Errorf("%w: too many fields", errBadMsg)
		}
		f[n] = args[:j]
		n++
		args = args[j:]
	}
	var m msgLine
	switch n {
	case 3:
		m.subject, m.sid = f[0], f[1]
	case 4:
		m.subject, m.sid, m.reply = f[0], f[1], f[2]
	default:
		return msgLine{}, fmt.Errorf("%w: %d fields", errBadMsg, n)
	}
	size, ok := parseSize(f[n-1])
	if !ok {
		return msgLine{}, fmt.Errorf("%w: size %q", errBadMsg, f[n-1])
	}
	m.size = size
	return m, nil
}

// parseSize parses a non-negative decimal number of at most 9 digits.
func parseSize(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// trimCRLF removes a trailing "\r\n" or "\n".
func trimCRLF(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// hasOp reports whether line starts with the protocol verb op, in any case,
// followed by a space, a tab or the end of the line.
func hasOp(line []byte, op string) bool {
	if len(line) < len(op) || !bytes.EqualFold(line[:len(op)], []byte(op)) {
		return false
	}
	if len(line) == len(op) {
		return true
	}
	c := line[len(op)]
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// appendPub appends "PUB subject [reply] len\r\npayload\r\n" to dst.
func appendPub(dst []byte, subject, reply string, payload []byte) []byte {
	dst = append(dst, "PUB "...)
	dst = append(dst, subject...)
	dst = append(dst, ' ')
	if reply != "" {
		dst = append(dst, reply...)
		dst = append(dst, ' ')
	}
	dst = fmt.Appendf(dst, "%d\r\n", len(payload))
	dst = append(dst, payload...)
	return append(dst, "\r\n"...)
}

// pubChunkFor builds a buffer of whole PUB operations, cycling through
// subjects, of about pubChunk bytes, and returns it with the number of
// messages it holds. It holds at least one full cycle of subjects.
func pubChunkFor(subjects []string, payload []byte) ([]byte, int) {
	var buf []byte
	n := 0
	for len(buf) < pubChunk || n%len(subjects) != 0 {
		buf = appendPub(buf, subjects[n%len(subjects)], "", payload)
		n++
	}
	return buf, n
}
