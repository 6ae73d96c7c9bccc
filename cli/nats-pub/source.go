package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/payload"
	"github.com/natsys/natsys/cli/internal/record"
	"github.com/natsys/natsys/cli/internal/subject"
	"github.com/natsys/natsys/cli/internal/tmpl"
)

// source yields the messages to publish, in order; io.EOF ends it.
type source func() (*record.Message, error)

// bodyKind tells where the payload comes from.
type bodyKind int

const (
	bodyNone  bodyKind = iota // empty payload (no BODY, stdin is a terminal)
	bodyArg                   // the BODY argument
	bodyFile                  // @file or --data-file
	bodyStdin                 // stdin
)

// bodySource decides where the payload comes from (cli.md 4.7): the BODY
// argument ("-" means stdin, "@file" a file, "@@x" the literal "@x"),
// --data-file, --stdin, or stdin when no BODY is given and stdin is not a
// terminal.
func (o *pubOptions) bodySource() (bodyKind, string, error) {
	given := 0
	for _, on := range []bool{o.body != nil, o.dataFile != "", o.stdin} {
		if on {
			given++
		}
	}
	if given > 1 {
		return 0, "", errors.New("give the body only once: BODY, --data-file or --stdin")
	}
	switch {
	case o.dataFile != "":
		return bodyFile, o.dataFile, nil
	case o.stdin:
		return bodyStdin, "", nil
	case o.body == nil:
		if o.f.IO.InTTY {
			return bodyNone, "", nil
		}
		return bodyStdin, "", nil
	case *o.body == "-":
		return bodyStdin, "", nil
	case strings.HasPrefix(*o.body, "@@"):
		return bodyArg, (*o.body)[1:], nil
	case strings.HasPrefix(*o.body, "@") && len(*o.body) > 1:
		return bodyFile, (*o.body)[1:], nil
	}
	return bodyArg, *o.body, nil
}

// messages builds the message source from the options and stdin, and
// tells how many messages it yields (0 when unknown: stdin records).
func (o *pubOptions) messages() (source, int, error) {
	if o.input == "json" {
		src, err := o.jsonSource()
		return src, 0, err
	}
	kind, arg, err := o.bodySource()
	if err != nil {
		return nil, 0, exit.WithCode(exit.Usage, err)
	}
	if o.template && kind != bodyArg {
		return nil, 0, exit.UsageErrorf("--template applies only to a BODY argument; stdin and file data are never expanded")
	}
	if kind == bodyStdin && o.stdinMode != payload.EOF {
		if o.countSet {
			return nil, 0, exit.UsageErrorf("--count cannot be used with --stdin-mode %s (one message per record)", o.stdinMode)
		}
		return o.recordSource(payload.NewReader(o.f.IO.In, o.stdinMode).Next), 0, nil
	}
	var data []byte
	switch kind {
	case bodyArg:
		data = []byte(arg)
	case bodyFile:
		if data, err = os.ReadFile(arg); err != nil {
			return nil, 0, exit.WithCode(exit.Usage, fmt.Errorf("reading body: %w", err))
		}
	case bodyStdin:
		if data, err = payload.NewReader(o.f.IO.In, payload.EOF).Next(); err != nil {
			return nil, 0, err
		}
	}
	body, err := o.bodyTemplate(data)
	if err != nil {
		return nil, 0, err
	}
	i := 0
	return o.recordSource(func() ([]byte, error) {
		if i >= o.count {
			return nil, io.EOF
		}
		i++
		if body != nil {
			b, err := body.Expand(i)
			if err != nil {
				return nil, exit.WithCode(exit.Usage, err)
			}
			return b, nil
		}
		return data, nil
	}), o.count, nil
}

// bodyTemplate parses the BODY argument as a template when --template is
// given (messages has already refused --template for other bodies); nil
// means the body is sent as is.
func (o *pubOptions) bodyTemplate(data []byte) (*tmpl.Template, error) {
	if !o.template {
		return nil, nil
	}
	t, err := tmpl.Parse("body", string(data), o.f.Now)
	if err != nil {
		return nil, exit.WithCode(exit.Usage, fmt.Errorf("%w (without --template the body is sent as is)", err))
	}
	return t, nil
}

// recordSource turns payloads into messages with the subject, reply and
// headers of the command line, all sent as given.
func (o *pubOptions) recordSource(next func() ([]byte, error)) source {
	return func() (*record.Message, error) {
		data, err := next()
		if err != nil {
			return nil, err
		}
		m := &record.Message{Subject: o.subject, Reply: o.reply, Data: data}
		if len(o.hdrs) > 0 {
			m.Headers = make(map[string][]string, len(o.hdrs))
			for _, h := range o.hdrs {
				m.Headers[h.key] = append(m.Headers[h.key], h.value)
			}
		}
		return m, nil
	}
}

// jsonSource reads NDJSON message records (nats-sub --json output) from
// stdin or --data-file. A SUBJECT argument replaces each record's subject;
// --reply and -H replace or add to theirs.
func (o *pubOptions) jsonSource() (source, error) {
	if o.body != nil || o.stdin || o.countSet || o.template {
		return nil, exit.UsageErrorf("--input json reads records from stdin or --data-file; BODY, --stdin, --count and --template do not apply")
	}
	in := o.f.IO.In
	if o.dataFile != "" {
		f, err := os.Open(o.dataFile)
		if err != nil {
			return nil, exit.WithCode(exit.Usage, fmt.Errorf("--data-file: %w", err))
		}
		in = f
	}
	dec := record.NewDecoder(in)
	return func() (*record.Message, error) {
		m, err := dec.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if c, ok := in.(io.Closer); ok && o.dataFile != "" {
					c.Close()
				}
			}
			return nil, err
		}
		if o.subject != "" {
			m.Subject = o.subject
		}
		if o.reply != "" {
			m.Reply = o.reply
		}
		for _, h := range o.hdrs {
			if m.Headers == nil {
				m.Headers = map[string][]string{}
			}
			m.Headers[h.key] = append(m.Headers[h.key], h.value)
		}
		if err := subject.Validate(m.Subject); err != nil {
			return nil, exit.WithCode(exit.Usage, fmt.Errorf("%w: %v", record.ErrInvalid, err))
		}
		m.Received, m.Seq, m.Sub, m.Queue, m.Status = record.Message{}.Received, 0, "", "", 0
		return m, nil
	}, nil
}
