package wire

import (
	"bytes"
	"fmt"
)

// Handler receives the operations the Parser recognises, one call per complete operation, in
// order. The byte slices alias the buffer given to Parse (or the Parser's own buffers when the
// operation spanned reads) and are valid only during the call: copy what must be kept.
// A non-nil error stops Parse, which returns it unchanged.
type Handler interface {
	// ProcessConnect receives the bytes after "CONNECT" and its optional spaces/tabs, up to the
	// LF, without a CR directly before the LF. The first byte is always kept, so a bare
	// "CONNECT\r\n" gives "\r" (not JSON: the server closes silently).
	ProcessConnect(arg []byte) error
	// ProcessPub receives a PUB whose size passed max_payload and whose payload was terminated
	// by CR LF. reply is nil when absent. payload excludes the trailing CR LF.
	ProcessPub(subject, reply, payload []byte) error
	// ProcessHPub receives an HPUB (only when Parser.Headers is true). msg is the header block
	// followed by the payload; msg[:hdrLen] is the header block (hdrLen may be 0).
	ProcessHPub(subject, reply []byte, hdrLen int, msg []byte) error
	// ProcessSub receives a SUB with 2 or 3 arguments; queue is nil when absent.
	ProcessSub(subject, queue, sid []byte) error
	// ProcessUnsub receives an UNSUB with 1 or 2 arguments. max is -1 when absent and also when
	// the second argument is not a valid size (the reference treats both as "remove now").
	ProcessUnsub(sid []byte, max int) error
	// ProcessPing is called for PING (anything after the name up to LF is ignored).
	ProcessPing() error
	// ProcessPong is called for PONG (anything after the name up to LF is ignored).
	ProcessPong() error
	// ProcessClientInfo receives the bytes after "INFO" sent by a client (like ProcessConnect).
	ProcessClientInfo(arg []byte) error
	// ProcessClientOK is called for "+OK" sent by a client (the rest of the line is ignored).
	ProcessClientOK() error
	// ProcessClientErr receives the text after "-ERR " sent by a client, quotes included.
	ProcessClientErr(arg []byte) error
}

// Parser is the server-side parser of the client protocol: an allocation-free byte state machine
// that keeps its state across Parse calls, so an operation may be split across reads at any byte.
//
// The exported fields may be changed at any time, including from inside a Handler callback (for
// example after CONNECT negotiated headers); each is read when it is needed. A zero Parser is
// usable and behaves as NewParser's.
type Parser struct {
	// MaxControlLine limits the argument part of a control line (protocol.md §1.4).
	// Zero or negative means DefaultMaxControlLine.
	MaxControlLine int
	// MaxPayload limits the size field of PUB and the total size of HPUB; it is checked when the
	// control line is parsed, before any payload byte is read. Zero means DefaultMaxPayload;
	// negative means no limit.
	MaxPayload int
	// Headers allows HPUB (the client sent headers:true and the server supports headers).
	// When false, any complete HPUB control line closes the connection silently.
	Headers bool
	// RequireConnect makes the first byte of any operation other than CONNECT fail with
	// ErrAuthorizationViolation (ReasonAuthenticationFailure), as the reference does while a
	// client that must authenticate has not sent CONNECT yet. The server sets it on accept when
	// auth is required (and no no_auth_user applies) and clears it once CONNECT succeeded.
	RequireConnect bool

	state   state
	op      op
	pos     int    // bytes of the operation name matched so far
	partial bool   // scratch holds the start of the current control line
	scratch []byte // partial control line, or the PUB/HPUB line while its payload spans reads

	// The PUB/HPUB whose payload is being read.
	line      []byte // its control line (arguments only): in buf during Parse, else in scratch
	lineSaved bool   // line is in scratch
	subject   span
	reply     span // reply.end < 0: no reply
	hdr, size int
	split     bool   // the payload is being collected in msg
	msg       []byte // reusable payload buffer for payloads that span reads
}

// NewParser returns a Parser with the default limits and headers disabled.
func NewParser() *Parser {
	return &Parser{
		MaxControlLine: DefaultMaxControlLine,
		MaxPayload:     DefaultMaxPayload,
		scratch:        make([]byte, 0, initialScratch),
	}
}

// Reset drops any partially parsed operation, keeping the limits and the reusable buffers.
// A Parser that returned an error must be Reset before it is used again.
func (p *Parser) Reset() {
	p.state, p.op, p.pos = stStart, opNone, 0
	p.partial, p.split, p.lineSaved = false, false, false
	p.line, p.scratch, p.msg = nil, p.scratch[:0], p.msg[:0]
}

type state uint8

const (
	stStart     state = iota // expecting the first byte of an operation
	stName                   // matching the rest of the operation name
	stSep                    // PUB, HPUB, SUB, UNSUB, -ERR: one space or tab is required
	stSkipSpace              // skipping spaces and tabs before the arguments
	stArg                    // reading the arguments up to LF
	stSkipLine               // PING, PONG, +OK: ignoring everything up to LF
	stPayload                // reading the payload of PUB/HPUB
	stEndCR                  // expecting the CR after a payload that spanned reads
	stEndLF                  // expecting the LF after a payload that spanned reads
)

type op uint8

const (
	opNone op = iota
	opConnect
	opPub
	opHPub
	opSub
	opUnsub
	opPing
	opPong
	opInfo
	opOK
	opErr
)

// name returns the operation name in upper case, as matched case-insensitively.
func (o op) name() string {
	switch o {
	case opConnect:
		return "CONNECT"
	case opPub:
		return "PUB"
	case opHPub:
		return "HPUB"
	case opSub:
		return "SUB"
	case opUnsub:
		return "UNSUB"
	case opPing:
		return "PING"
	case opPong:
		return "PONG"
	case opInfo:
		return "INFO"
	case opOK:
		return "+OK"
	case opErr:
		return "-ERR"
	}
	return ""
}

// opByFirst returns the operation a first byte starts. 'P' starts PUB; the second byte may turn it
// into PING or PONG.
func opByFirst(b byte) op {
	switch upper(b) {
	case 'C':
		return opConnect
	case 'P':
		return opPub
	case 'H':
		return opHPub
	case 'S':
		return opSub
	case 'U':
		return opUnsub
	case 'I':
		return opInfo
	case '+':
		return opOK
	case '-':
		return opErr
	}
	return opNone
}

// upper folds ASCII lower-case letters to upper case and leaves every other byte alone.
func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// equalFold reports whether b equals the upper-case name, folding ASCII letters of b.
func equalFold(b []byte, name string) bool {
	for k := range len(name) {
		if upper(b[k]) != name[k] {
			return false
		}
	}
	return true
}

// afterName is the state entered once the whole operation name has been matched.
func afterName(o op) state {
	switch o {
	case opConnect, opInfo:
		return stSkipSpace
	case opPing, opPong, opOK:
		return stSkipLine
	}
	return stSep
}

// Parse feeds buf (one read's worth) to the parser, calling h once per complete operation, in
// order. A protocol error is returned as *Error, a Handler error unchanged; either way the
// bytes after the failing operation are not parsed.
func (p *Parser) Parse(buf []byte, h Handler) error {
	i := 0
	as := 0 // start of the current arguments in buf (state stArg)
	for i < len(buf) {
		switch p.state {
		case stStart:
			b := buf[i]
			if p.RequireConnect && b != 'C' && b != 'c' {
				return errAuthorization(fmt.Sprintf("operation before CONNECT: %q", snippet(buf[i:])))
			}
			p.op = opByFirst(b)
			if p.op == opNone {
				return errUnknownOp(fmt.Sprintf("unknown operation: %q", snippet(buf[i:])))
			}
			if p.op == opPub && i+1 < len(buf) {
				switch upper(buf[i+1]) {
				case 'I':
					p.op = opPing
				case 'O':
					p.op = opPong
				}
			}
			// Fast path: the whole name is in buf. Otherwise (or on a mismatch, to report it at
			// the same byte) match byte by byte.
			if name := p.op.name(); len(buf)-i >= len(name) && equalFold(buf[i:i+len(name)], name) {
				if p.op == opPub {
					n, err := p.pubFast(buf[i:], h)
					if err != nil {
						return err
					}
					if n > 0 {
						i += n
						continue
					}
				}
				i += len(name)
				p.state = afterName(p.op)
				continue
			}
			p.pos, p.state = 1, stName
			i++

		case stName:
			b := upper(buf[i])
			name := p.op.name()
			if b != name[p.pos] {
				switch {
				case p.op == opPub && p.pos == 1 && b == 'I':
					p.op = opPing
				case p.op == opPub && p.pos == 1 && b == 'O':
					p.op = opPong
				default:
					return errUnknownOp(fmt.Sprintf("unexpected byte %q after %q", buf[i], name[:p.pos]))
				}
			}
			p.pos++
			i++
			if p.pos == len(p.op.name()) {
				p.state = afterName(p.op)
			}

		case stSep:
			if b := buf[i]; b != ' ' && b != '\t' {
				return errUnknownOp(fmt.Sprintf("%s not followed by a space: %q", p.op.name(), snippet(buf[i:])))
			}
			p.state = stSkipSpace
			i++

		case stSkipSpace:
			if b := buf[i]; b == ' ' || b == '\t' {
				i++
				continue
			}
			// The first argument byte is taken as is, even a CR or LF (as the reference does).
			p.state, p.partial, as = stArg, false, i
			i++

		case stArg:
			j := bytes.IndexByte(buf[i:], '\n')
			if j < 0 {
				i = len(buf) // the partial line is held after the loop
				break
			}
			end := i + j
			i = end + 1
			line, err := p.completeLine(buf[as:end])
			if err != nil {
				return err
			}
			if err := p.dispatch(line, h); err != nil {
				return err
			}

		case stSkipLine:
			j := bytes.IndexByte(buf[i:], '\n')
			if j < 0 {
				i = len(buf)
				break
			}
			i += j + 1
			p.state = stStart
			var err error
			switch p.op {
			case opPing:
				err = h.ProcessPing()
			case opPong:
				err = h.ProcessPong()
			default:
				err = h.ProcessClientOK()
			}
			if err != nil {
				return err
			}

		case stPayload:
			if !p.split {
				need := p.size + 2
				if len(buf)-i >= need {
					if buf[i+p.size] != '\r' || buf[i+p.size+1] != '\n' {
						return errUnknownOp(fmt.Sprintf("%s payload of %d bytes not followed by CR LF", p.op.name(), p.size))
					}
					payload := buf[i : i+p.size : i+p.size]
					i += need
					if err := p.deliver(payload, h); err != nil {
						return err
					}
					continue
				}
				p.startSplit()
			}
			n := min(p.size-len(p.msg), len(buf)-i)
			p.msg = append(p.msg, buf[i:i+n]...)
			i += n
			if len(p.msg) == p.size {
				p.state = stEndCR
			}

		case stEndCR:
			if buf[i] != '\r' {
				return errUnknownOp(fmt.Sprintf("%s payload of %d bytes not followed by CR LF", p.op.name(), p.size))
			}
			p.state = stEndLF
			i++

		case stEndLF:
			if buf[i] != '\n' {
				return errUnknownOp(fmt.Sprintf("%s payload of %d bytes not followed by CR LF", p.op.name(), p.size))
			}
			i++
			if err := p.deliver(p.msg, h); err != nil {
				return err
			}
		}
	}
	switch p.state {
	case stArg:
		return p.holdPartial(buf[as:])
	case stPayload:
		if !p.split { // the buffer ended right after the control line
			p.startSplit()
		}
	}
	return nil
}

// pubFast handles the common PUB in one step: buf starts with a matched "PUB" name, and the
// control line and the payload with its CR LF are all in buf and well-formed. It returns the
// bytes consumed and the Handler's error, or 0 when the PUB is anything else (cut by the end of
// buf, malformed, over a limit): the state machine then parses it from the same byte, with the
// same outcome (callbacks, errors) it always had.
func (p *Parser) pubFast(buf []byte, h Handler) (int, error) {
	i := len("PUB")
	if i >= len(buf) || (buf[i] != ' ' && buf[i] != '\t') {
		return 0, nil
	}
	i++
	for i < len(buf) && (buf[i] == ' ' || buf[i] == '\t') {
		i++
	}
	if i >= len(buf) {
		return 0, nil
	}
	// As in stArg: the first argument byte is taken as is, the LF is searched after it.
	j := bytes.IndexByte(buf[i+1:], '\n')
	if j < 0 {
		return 0, nil
	}
	end := i + 1 + j
	ll := argLen(end-i, buf[end-1])
	line := buf[i : i+ll : i+ll]
	if len(line) > p.maxControlLine() {
		return 0, nil
	}
	var a [maxArgs]span
	n := splitArgs(line, sepSpaceTab, &a)
	var reply []byte
	switch n {
	case 2:
	case 3:
		reply = a[1].of(line)
	default:
		return 0, nil
	}
	size := parseSize(a[n-1].of(line))
	limit := p.MaxPayload
	if limit == 0 {
		limit = DefaultMaxPayload
	}
	if size < 0 || limit > 0 && size > limit {
		return 0, nil
	}
	start := end + 1
	if len(buf)-start < size+2 || buf[start+size] != '\r' || buf[start+size+1] != '\n' {
		return 0, nil
	}
	return start + size + 2, h.ProcessPub(a[0].of(line), reply, buf[start:start+size:start+size])
}

// maxControlLine returns the effective control-line limit.
func (p *Parser) maxControlLine() int {
	if p.MaxControlLine <= 0 {
		return DefaultMaxControlLine
	}
	return p.MaxControlLine
}

// argLen is the length of a (partial) control line as the limit counts it: without a CR that
// ends it, unless the CR is the first argument byte.
func argLen(n int, last byte) int {
	if n > 1 && last == '\r' {
		return n - 1
	}
	return n
}

// holdPartial keeps the start of a control line that continues in the next read, and enforces
// max_control_line on what is held so far (so a client that never sends LF is cut off).
func (p *Parser) holdPartial(chunk []byte) error {
	if !p.partial {
		p.scratch = p.scratch[:0]
	}
	n := len(p.scratch) + len(chunk)
	if n == 0 {
		return nil
	}
	last := byte(0)
	if len(chunk) > 0 {
		last = chunk[len(chunk)-1]
	} else {
		last = p.scratch[len(p.scratch)-1]
	}
	if mcl := p.maxControlLine(); argLen(n, last) > mcl {
		return errMaxControlLine(fmt.Sprintf("%s arguments longer than %d bytes (%d so far)", p.op.name(), mcl, argLen(n, last)))
	}
	p.scratch = append(p.scratch, chunk...)
	p.partial = true
	return nil
}

// completeLine returns the arguments of a control line whose LF was found (tail is the part in
// the current buffer, without the LF), joining a held partial line, dropping a CR before the LF
// and enforcing max_control_line.
func (p *Parser) completeLine(tail []byte) ([]byte, error) {
	line := tail
	p.lineSaved = p.partial
	if p.partial {
		n := len(p.scratch) + len(tail)
		last := byte(0)
		if len(tail) > 0 {
			last = tail[len(tail)-1]
		} else {
			last = p.scratch[len(p.scratch)-1]
		}
		if mcl := p.maxControlLine(); argLen(n, last) > mcl {
			return nil, errMaxControlLine(fmt.Sprintf("%s arguments longer than %d bytes (%d)", p.op.name(), mcl, argLen(n, last)))
		}
		p.scratch = append(p.scratch, tail...)
		p.partial = false
		line = p.scratch
	}
	line = line[:argLen(len(line), lastByte(line))]
	if mcl := p.maxControlLine(); len(line) > mcl {
		return nil, errMaxControlLine(fmt.Sprintf("%s arguments longer than %d bytes (%d)", p.op.name(), mcl, len(line)))
	}
	return line, nil
}

func lastByte(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[len(b)-1]
}

// dispatch handles a complete control line of an operation with arguments.
func (p *Parser) dispatch(line []byte, h Handler) error {
	p.state = stStart
	line = line[:len(line):len(line)] // a Handler appending to it must not overwrite what follows
	switch p.op {
	case opConnect:
		return h.ProcessConnect(line)
	case opInfo:
		return h.ProcessClientInfo(line)
	case opErr:
		return h.ProcessClientErr(line)
	case opSub:
		var a [maxArgs]span
		switch splitArgs(line, sepSpaceTabCR, &a) {
		case 2:
			return h.ProcessSub(a[0].of(line), nil, a[1].of(line))
		case 3:
			return h.ProcessSub(a[0].of(line), a[1].of(line), a[2].of(line))
		}
		return errSilent(fmt.Sprintf("SUB: wrong number of arguments: %q", snippet(line)))
	case opUnsub:
		var a [maxArgs]span
		switch splitArgs(line, sepSpaceTabCR, &a) {
		case 1:
			return h.ProcessUnsub(a[0].of(line), -1)
		case 2:
			return h.ProcessUnsub(a[0].of(line), parseSize(a[1].of(line)))
		}
		return errSilent(fmt.Sprintf("UNSUB: wrong number of arguments: %q", snippet(line)))
	case opPub:
		return p.pubLine(line)
	case opHPub:
		return p.hpubLine(line)
	}
	return errUnknownOp("internal: no dispatch for " + p.op.name())
}

// pubLine checks the arguments of PUB and starts reading its payload.
func (p *Parser) pubLine(line []byte) error {
	var a [maxArgs]span
	n := splitArgs(line, sepSpaceTab, &a)
	switch n {
	case 2:
		p.reply = noSpan()
	case 3:
		p.reply = a[1]
	default:
		return errSilent(fmt.Sprintf("PUB: wrong number of arguments: %q", snippet(line)))
	}
	p.subject, p.hdr, p.size = a[0], 0, parseSize(a[n-1].of(line))
	if p.size < 0 {
		return errSilent(fmt.Sprintf("PUB: bad or missing size: %q", snippet(line)))
	}
	return p.startPayload(line)
}

// hpubLine checks the arguments of HPUB and starts reading its header block and payload.
func (p *Parser) hpubLine(line []byte) error {
	if !p.Headers {
		return errSilent("HPUB: headers not negotiated")
	}
	var a [maxArgs]span
	n := splitArgs(line, sepSpaceTab, &a)
	switch n {
	case 3:
		p.reply = noSpan()
	case 4:
		p.reply = a[1]
	default:
		return errSilent(fmt.Sprintf("HPUB: wrong number of arguments: %q", snippet(line)))
	}
	p.subject = a[0]
	p.hdr, p.size = parseSize(a[n-2].of(line)), parseSize(a[n-1].of(line))
	switch {
	case p.hdr < 0:
		return errSilent(fmt.Sprintf("HPUB: bad or missing header size: %q", snippet(line)))
	case p.size < 0:
		return errSilent(fmt.Sprintf("HPUB: bad or missing total size: %q", snippet(line)))
	case p.hdr > p.size:
		return errSilent(fmt.Sprintf("HPUB: header size larger than total size: %q", snippet(line)))
	}
	return p.startPayload(line)
}

// startPayload enforces max_payload on the size field and switches to reading the payload.
func (p *Parser) startPayload(line []byte) error {
	limit := p.MaxPayload
	if limit == 0 {
		limit = DefaultMaxPayload
	}
	if limit > 0 && p.size > limit {
		return errMaxPayload(fmt.Sprintf("%s size %d > max_payload %d", p.op.name(), p.size, limit))
	}
	p.line = line // p.lineSaved was set by completeLine
	p.state, p.split = stPayload, false
	return nil
}

// startSplit is called when the payload of the current PUB/HPUB continues in a later read: the
// control line moves to scratch (unless already there) and the payload is collected in msg.
func (p *Parser) startSplit() {
	if !p.lineSaved {
		if cap(p.scratch) < len(p.line) {
			p.scratch = make([]byte, 0, max(len(p.line), initialScratch))
		}
		p.scratch = append(p.scratch[:0], p.line...)
		p.line, p.lineSaved = p.scratch, true
	}
	if cap(p.msg) < p.size {
		p.msg = make([]byte, 0, p.size)
	}
	p.msg, p.split = p.msg[:0], true
}

// deliver hands a complete PUB/HPUB to h and returns to the start state.
func (p *Parser) deliver(payload []byte, h Handler) error {
	subject, reply := p.subject.of(p.line), []byte(nil)
	if p.reply.end >= 0 {
		reply = p.reply.of(p.line)
	}
	if payload == nil {
		payload = []byte{} // an empty payload collected across reads: empty, not absent
	}
	p.state = stStart
	var err error
	if p.op == opPub {
		err = h.ProcessPub(subject, reply, payload)
	} else {
		err = h.ProcessHPub(subject, reply, p.hdr, payload)
	}
	if p.split {
		p.split = false
		if cap(p.msg) > RetainedPayloadBuffer {
			p.msg = nil
		} else {
			p.msg = p.msg[:0]
		}
	}
	p.line, p.lineSaved = nil, false
	return err
}

// snippet returns at most the first 32 bytes of b, for error details.
func snippet(b []byte) []byte {
	const n = 32
	if len(b) > n {
		return b[:n]
	}
	return b
}
