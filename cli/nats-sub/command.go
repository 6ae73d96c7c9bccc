package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"text/template"

	"github.com/natsys/natsys/cli/internal/record"
)

// command is a --translate or --respond-exec command line: a shell command
// (run with sh -c) in which {{Subject}} and {{Reply}} are replaced by the
// message's subject and reply, quoted for the shell. The payload goes to
// the command's stdin; NATS_SUBJECT and NATS_REPLY (and natscli's
// NATS_REQUEST_SUBJECT) are set in its environment.
type command struct {
	flag string
	t    *template.Template
}

// commandFuncs returns the template functions for message m.
func commandFuncs(m *record.Message) template.FuncMap {
	subj := func() string { return shellQuote(m.Subject) }
	reply := func() string { return shellQuote(m.Reply) }
	return template.FuncMap{"Subject": subj, "subject": subj, "Reply": reply, "reply": reply}
}

// parseCommand parses the command line given to flag.
func parseCommand(flag, text string) (*command, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%s: empty command", flag)
	}
	t, err := template.New(flag).Funcs(commandFuncs(&record.Message{})).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return &command{flag: flag, t: t}, nil
}

// run executes the command for m and returns its standard output. A
// non-zero exit, a timeout or too much output is an error naming the
// first line the command wrote on stderr.
func (c *command) run(ctx context.Context, m *record.Message) ([]byte, error) {
	t, err := c.t.Clone()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.flag, err)
	}
	var line bytes.Buffer
	if err := t.Funcs(commandFuncs(m)).Execute(&line, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", c.flag, err)
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line.String())
	cmd.Stdin = bytes.NewReader(m.Data)
	cmd.Env = append(os.Environ(), "NATS_SUBJECT="+m.Subject, "NATS_REPLY="+m.Reply, "NATS_REQUEST_SUBJECT="+m.Subject)
	out := &limitedBuffer{max: maxCommandOutput}
	var errb limitedBuffer
	errb.max = commandStderrKeep
	cmd.Stdout, cmd.Stderr = out, &errb
	err = cmd.Run()
	switch {
	case out.over:
		return nil, fmt.Errorf("%s: the command wrote more than %d bytes", c.flag, maxCommandOutput)
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.Canceled):
		return nil, fmt.Errorf("%s: the command did not finish within %s", c.flag, commandTimeout)
	case err != nil:
		first, _, _ := strings.Cut(strings.TrimSpace(errb.b.String()), "\n")
		if first != "" {
			return nil, fmt.Errorf("%s: %v: %s", c.flag, err, first)
		}
		return nil, fmt.Errorf("%s: %w", c.flag, err)
	}
	return out.b.Bytes(), nil
}

// shellQuote quotes s for sh, so that a subject cannot inject commands.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// limitedBuffer keeps at most max bytes and notes whether more came.
type limitedBuffer struct {
	b    bytes.Buffer
	max  int
	over bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); len(p) > room {
		l.over = true
		if room > 0 {
			l.b.Write(p[:room])
		}
		return len(p), nil
	}
	return l.b.Write(p)
}

// decoder renders a payload for --decode.
type decoder func([]byte) []byte

// parseDecode returns the --decode function ("" gives nil).
func parseDecode(s string) (decoder, error) {
	switch s {
	case "":
		return nil, nil
	case "hex":
		return func(b []byte) []byte { return []byte(hex.EncodeToString(b)) }, nil
	case "base64":
		return func(b []byte) []byte { return []byte(base64.StdEncoding.EncodeToString(b)) }, nil
	}
	return nil, fmt.Errorf("unknown --decode %q (want hex or base64)", s)
}
