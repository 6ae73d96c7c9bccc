// Package exit holds the documented exit codes of the natsys CLIs and the one
// place that maps an error returned by a command to a code and a one-line
// message (spec cli.md 4.1).
package exit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
)

// The exit codes of every natsys CLI. See docs/cli.md.
const (
	// OK means everything asked for was delivered.
	OK = 0
	// Failed means the operation failed after connecting (server -ERR, error reply).
	Failed = 1
	// Usage means a bad flag, argument or option combination.
	Usage = 2
	// Incomplete means a completion condition was not met (count not reached,
	// timeout, no responders, missing servers).
	Incomplete = 3
	// NoConnection means no server could be reached (refused, TLS, DNS).
	NoConnection = 4
	// NotAuthorized means the server refused the credentials.
	NotAuthorized = 5
	// Interrupted means SIGINT/SIGTERM arrived before a completion condition.
	Interrupted = 130
)

// ErrInterrupted is the cancellation cause set when the user presses Ctrl-C
// or the process receives SIGTERM.
var ErrInterrupted = errors.New("interrupted")

// Error is an error carrying an exit code.
type Error struct {
	Code int
	Err  error
}

// Error returns the message of the wrapped error.
func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// WithCode wraps err so that Code(err) returns code. A nil err stays nil.
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// UsageErrorf returns an error that exits with Usage.
func UsageErrorf(format string, args ...any) error {
	return &Error{Code: Usage, Err: fmt.Errorf(format, args...)}
}

// IncompleteErrorf returns an error that exits with Incomplete.
func IncompleteErrorf(format string, args ...any) error {
	return &Error{Code: Incomplete, Err: fmt.Errorf(format, args...)}
}

// FailedErrorf returns an error that exits with Failed.
func FailedErrorf(format string, args ...any) error {
	return &Error{Code: Failed, Err: fmt.Errorf(format, args...)}
}

// IsClosedPipe reports whether err comes from writing to a closed pipe.
func IsClosedPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe)
}

// Code returns the exit code for err: OK for nil and closed pipes, the code of
// the outermost *Error, Interrupted for ErrInterrupted, and Failed otherwise.
func Code(err error) int {
	if err == nil || IsClosedPipe(err) {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, ErrInterrupted) {
		return Interrupted
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Incomplete
	}
	return Failed
}

// Report writes the one-line error message for err to w (nothing for nil,
// closed pipes and interrupts) and returns the exit code. redact, when not
// nil, is applied to the message so that no secret reaches the terminal.
func Report(w io.Writer, prog string, err error, redact func(string) string) int {
	code := Code(err)
	if err == nil || IsClosedPipe(err) || code == Interrupted {
		return code
	}
	msg := oneLine(err.Error())
	if redact != nil {
		msg = redact(msg)
	}
	if code == Usage {
		msg += " (try " + prog + " --help)"
	}
	fmt.Fprintf(w, "%s: error: %s\n", prog, msg)
	return code
}

// oneLine joins a multi-line message into one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", "; ")
	return strings.ReplaceAll(s, "\n", "; ")
}
