// Package payload splits stdin into message bodies for nats-pub: the whole
// stream as one message (eof), one message per line (line) or per
// NUL-terminated record (nul). Bytes are never changed beyond removing the
// separator.
package payload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Mode is a --stdin-mode value.
type Mode string

// The stdin modes.
const (
	// EOF publishes everything up to end of file as one message, exactly.
	EOF Mode = "eof"
	// Line publishes one message per line, without "\n" or "\r\n"; empty
	// lines are skipped.
	Line Mode = "line"
	// NUL publishes one message per NUL-terminated record (find -print0);
	// empty records are skipped.
	NUL Mode = "nul"
)

// ParseMode validates a --stdin-mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case EOF, Line, NUL:
		return m, nil
	}
	return "", fmt.Errorf("unknown --stdin-mode %q (want eof|line|nul)", s)
}

// Reader yields message bodies from a stream.
type Reader struct {
	mode Mode
	br   *bufio.Reader
	done bool
}

// NewReader returns a Reader splitting r according to mode.
func NewReader(r io.Reader, mode Mode) *Reader {
	return &Reader{mode: mode, br: bufio.NewReaderSize(r, readBufSize)}
}

// Next returns the next body, or io.EOF when there are no more. The
// returned slice is the caller's.
func (r *Reader) Next() ([]byte, error) {
	if r.done {
		return nil, io.EOF
	}
	if r.mode == EOF {
		r.done = true
		b, err := io.ReadAll(r.br)
		if err != nil {
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		return b, nil
	}
	sep := byte('\n')
	if r.mode == NUL {
		sep = 0
	}
	for {
		b, err := r.br.ReadBytes(sep)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading stdin: %w", err)
		}
		if errors.Is(err, io.EOF) {
			r.done = true
		}
		b = bytes.TrimSuffix(b, []byte{sep})
		if r.mode == Line {
			b = bytes.TrimSuffix(b, []byte{'\r'})
		}
		if len(b) > 0 {
			return b, nil
		}
		if r.done {
			return nil, io.EOF
		}
	}
}
