// Package iostreams bundles the standard streams of a CLI process with what
// is known about them (is each one a terminal?), so that commands never touch
// os.Stdin/os.Stdout directly and tests can run them with buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"

	"github.com/mattn/go-isatty"
)

// IO is the set of streams a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTTY, OutTTY and ErrTTY report whether each stream is a terminal.
	InTTY  bool
	OutTTY bool
	ErrTTY bool
}

// System returns the process's own streams with terminal detection.
func System() *IO {
	return &IO{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		InTTY:  isTerminal(os.Stdin),
		OutTTY: isTerminal(os.Stdout),
		ErrTTY: isTerminal(os.Stderr),
	}
}

// Test returns streams backed by buffers (none of them a terminal), and the
// buffers: stdin to fill before the command runs, stdout and stderr to
// inspect (safe to read while the command is still writing).
func Test() (*IO, *bytes.Buffer, *SyncBuffer, *SyncBuffer) {
	in, out, errb := &bytes.Buffer{}, &SyncBuffer{}, &SyncBuffer{}
	return &IO{In: in, Out: out, Err: errb}, in, out, errb
}

func isTerminal(f *os.File) bool {
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// SyncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of the buffer's contents.
func (b *SyncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// String returns the buffer's contents as a string.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Len returns the number of bytes written so far.
func (b *SyncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}
