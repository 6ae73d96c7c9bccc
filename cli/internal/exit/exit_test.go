package exit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
)

// TestCodes is the documented exit-code table (docs/cli.md).
func TestCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code int
		msg  string // expected stderr ("" for none)
	}{
		{"success", nil, 0, ""},
		{"failed", FailedErrorf("server error: Permissions Violation"), 1, "prog: error: server error: Permissions Violation\n"},
		{"plain error", errors.New("boom"), 1, "prog: error: boom\n"},
		{"usage", UsageErrorf("unknown flag --x"), 2, "prog: error: unknown flag --x (try prog --help)\n"},
		{"incomplete", IncompleteErrorf("no responders"), 3, "prog: error: no responders\n"},
		{"deadline", fmt.Errorf("wait: %w", context.DeadlineExceeded), 3, "prog: error: wait: context deadline exceeded\n"},
		{"no connection", WithCode(NoConnection, errors.New("refused")), 4, "prog: error: refused\n"},
		{"not authorised", WithCode(NotAuthorized, errors.New("Authorization Violation")), 5, "prog: error: Authorization Violation\n"},
		{"interrupted", ErrInterrupted, 130, ""},
		{"wrapped interrupted", fmt.Errorf("x: %w", ErrInterrupted), 130, ""},
		{"closed pipe", fmt.Errorf("write: %w", syscall.EPIPE), 0, ""},
		{"io closed pipe", io.ErrClosedPipe, 0, ""},
		{"outer code wins", WithCode(Failed, WithCode(Incomplete, errors.New("x"))), 1, "prog: error: x\n"},
		{"multi-line message", errors.New("a\nb"), 1, "prog: error: a; b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if code := Report(&buf, "prog", tt.err, nil); code != tt.code {
				t.Errorf("code %d, want %d", code, tt.code)
			}
			if buf.String() != tt.msg {
				t.Errorf("stderr %q, want %q", buf.String(), tt.msg)
			}
		})
	}
	if WithCode(1, nil) != nil {
		t.Error("WithCode(nil) is not nil")
	}
}

func TestReportRedacts(t *testing.T) {
	var buf bytes.Buffer
	Report(&buf, "p", errors.New("pw=hunter2"), func(s string) string { return strings.ReplaceAll(s, "hunter2", "****") })
	if buf.String() != "p: error: pw=****\n" {
		t.Errorf("got %q", buf.String())
	}
}
