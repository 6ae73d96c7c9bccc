// Package proto parses the server-to-client side of the NATS protocol: INFO,
// MSG, HMSG, PING, PONG, +OK and -ERR.
//
// The Parser is a byte state machine that keeps its state across calls, so a
// stream may be fed in pieces split at any byte. For messages whose control
// line and payload lie inside one buffer it hands out slices of that buffer
// and allocates nothing; it copies only what spans two calls.
package proto

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrProtocol is returned (wrapped) for any byte sequence the parser does not
// accept.
var ErrProtocol = errors.New("proto: protocol error")

// Msg is one MSG or HMSG. Every slice points into the parser's input or its
// scratch space and is valid only during the Handler call.
type Msg struct {
	Subject []byte
	Reply   []byte // nil when the message has no reply subject
	Sid     uint64
	// HeaderLen is the size of the header block at the start of Data; 0 for
	// MSG (and for an HMSG with an empty header section).
	HeaderLen int
	// Data is the whole payload: header block followed by the body.
	Data []byte
	// Headers is true for HMSG.
	Headers bool
}

// Handler receives the operations the Parser recognises, in stream order.
type Handler interface {
	OnMsg(m *Msg)
	OnInfo(json []byte)
	OnPing()
	OnPong()
	OnOK()
	// OnErr gets the -ERR text with the surrounding single quotes removed.
	OnErr(text []byte)
}

type state uint8

const (
	opStart state = iota
	opM
	opMS
	opMSG
	opMSGSpc
	opH
	opHM
	opHMS
	opHMSG
	opHMSGSpc
	msgArg
	msgPayload
	msgEndR
	msgEndN
	opP
	opPI
	opPIN
	opPING
	opPO
	opPON
	opPONG
	opI
	opIN
	opINF
	opINFO
	opINFOSpc
	infoArg
	opPlus
	opPlusO
	opPlusOK
	opMinus
	opMinusE
	opMinusER
	opMinusERR
	opMinusERRSpc
	errArg
)

// Parser is the client-side protocol state machine. The zero value is ready
// to use. It is not safe for concurrent use.
type Parser struct {
	state    state
	argStart int    // start of the current argument inside the buffer, -1 when none
	argBuf   []byte // argument bytes carried over from an earlier buffer
	hdrMsg   bool   // current message is HMSG
	curArg   []byte // argument line of the current message
	msg      Msg
	size     int    // payload size of the current message
	pay      []byte // payload bytes carried over from an earlier buffer
	payBuf   []byte // reusable storage behind pay
}

func upper(b byte) byte {
	if b >= 'a' && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

func (p *Parser) fail(buf []byte, i int) error {
	end := min(i+32, len(buf))
	return fmt.Errorf("%w: unexpected %q in state %d", ErrProtocol, buf[i:end], p.state)
}

// expect advances the op-name states: if b (upper-cased) equals want the
// parser moves to next, else it reports a protocol error.
func (p *Parser) expect(buf []byte, i int, want byte, next state) error {
	if upper(buf[i]) != want {
		return p.fail(buf, i)
	}
	p.state = next
	return nil
}

// Parse consumes buf, calling h for each complete operation. After an error
// the parser's state is undefined; the connection must be dropped.
func (p *Parser) Parse(buf []byte, h Handler) error {
	p.argStart = -1
	if p.state == msgArg || p.state == infoArg || p.state == errArg {
		p.argStart = 0
	}
	for i := 0; i < len(buf); i++ {
		b := buf[i]
		var err error
		switch p.state {
		case opStart:
			switch upper(b) {
			case 'M':
				p.state = opM
			case 'H':
				p.state = opH
			case 'P':
				p.state = opP
			case 'I':
				p.state = opI
			case '+':
				p.state = opPlus
			case '-':
				p.state = opMinus
			default:
				return p.fail(buf, i)
			}
		case opM:
			err = p.expect(buf, i, 'S', opMS)
		case opMS:
			err = p.expect(buf, i, 'G', opMSG)
		case opMSG:
			if b != ' ' && b != '\t' {
				return p.fail(buf, i)
			}
			p.hdrMsg = false
			p.state = opMSGSpc
		case opH:
			err = p.expect(buf, i, 'M', opHM)
		case opHM:
			err = p.expect(buf, i, 'S', opHMS)
		case opHMS:
			err = p.expect(buf, i, 'G', opHMSG)
		case opHMSG:
			if b != ' ' && b != '\t' {
				return p.fail(buf, i)
			}
			p.hdrMsg = true
			p.state = opHMSGSpc
		case opMSGSpc, opHMSGSpc, opINFOSpc, opMinusERRSpc:
			if b == ' ' || b == '\t' {
				continue
			}
			switch p.state {
			case opINFOSpc:
				p.state = infoArg
			case opMinusERRSpc:
				p.state = errArg
			default:
				p.state = msgArg
			}
			p.argStart = i
			p.argBuf = p.argBuf[:0]
			i-- // let the argument state see this byte
		case msgArg, infoArg, errArg:
			lf := bytes.IndexByte(buf[i:], '\n')
			if lf < 0 {
				i = len(buf) // carried over below
				continue
			}
			arg, err := p.takeArg(buf, i+lf)
			if err != nil {
				return err
			}
			i += lf
			if err := p.endArg(arg, h); err != nil {
				return err
			}
			if p.state == msgPayload {
				i = p.payload(buf, i+1, h)
			}
		case msgPayload:
			i = p.payload(buf, i, h)
		case msgEndR:
			if b != '\r' {
				return p.fail(buf, i)
			}
			p.state = msgEndN
		case msgEndN:
			if b != '\n' {
				return p.fail(buf, i)
			}
			p.state = opStart
		case opP:
			switch upper(b) {
			case 'I':
				p.state = opPI
			case 'O':
				p.state = opPO
			default:
				return p.fail(buf, i)
			}
		case opPI:
			err = p.expect(buf, i, 'N', opPIN)
		case opPIN:
			err = p.expect(buf, i, 'G', opPING)
		case opPO:
			err = p.expect(buf, i, 'N', opPON)
		case opPON:
			err = p.expect(buf, i, 'G', opPONG)
		case opPING, opPONG, opPlusOK:
			if b != '\n' {
				continue // rest of the line is ignored
			}
			s := p.state
			p.state = opStart
			switch s {
			case opPING:
				h.OnPing()
			case opPONG:
				h.OnPong()
			default:
				h.OnOK()
			}
		case opI:
			err = p.expect(buf, i, 'N', opIN)
		case opIN:
			err = p.expect(buf, i, 'F', opINF)
		case opINF:
			err = p.expect(buf, i, 'O', opINFO)
		case opINFO:
			if b != ' ' && b != '\t' {
				return p.fail(buf, i)
			}
			p.state = opINFOSpc
		case opPlus:
			err = p.expect(buf, i, 'O', opPlusO)
		case opPlusO:
			err = p.expect(buf, i, 'K', opPlusOK)
		case opMinus:
			err = p.expect(buf, i, 'E', opMinusE)
		case opMinusE:
			err = p.expect(buf, i, 'R', opMinusER)
		case opMinusER:
			err = p.expect(buf, i, 'R', opMinusERR)
		case opMinusERR:
			if b != ' ' && b != '\t' {
				return p.fail(buf, i)
			}
			p.state = opMinusERRSpc
		default:
			return fmt.Errorf("%w: bad parser state %d", ErrProtocol, p.state)
		}
		if err != nil {
			return err
		}
	}
	// Carry an unfinished argument over to the next call.
	if p.argStart >= 0 && (p.state == msgArg || p.state == infoArg || p.state == errArg) {
		if len(p.argBuf)+len(buf)-p.argStart > MaxArgLen {
			return fmt.Errorf("%w: control line longer than %d bytes", ErrProtocol, MaxArgLen)
		}
		p.argBuf = append(p.argBuf, buf[p.argStart:]...)
	}
	p.argStart = -1
	return nil
}

// takeArg returns the complete argument ending before the LF at buf[lf],
// without a trailing CR.
func (p *Parser) takeArg(buf []byte, lf int) ([]byte, error) {
	start := max(p.argStart, 0)
	var arg []byte
	if len(p.argBuf) > 0 {
		p.argBuf = append(p.argBuf, buf[start:lf]...)
		arg = p.argBuf
	} else {
		arg = buf[start:lf]
	}
	p.argStart = -1
	if n := len(arg); n > 0 && arg[n-1] == '\r' {
		arg = arg[:n-1]
	}
	if len(arg) > MaxArgLen {
		return nil, fmt.Errorf("%w: control line longer than %d bytes", ErrProtocol, MaxArgLen)
	}
	return arg, nil
}

// endArg handles a complete INFO, -ERR or MSG/HMSG argument line.
func (p *Parser) endArg(arg []byte, h Handler) error {
	switch p.state {
	case infoArg:
		p.state = opStart
		h.OnInfo(arg)
		p.argBuf = p.argBuf[:0]
		return nil
	case errArg:
		p.state = opStart
		h.OnErr(unquote(trimSpace(arg)))
		p.argBuf = p.argBuf[:0]
		return nil
	}
	if err := p.msgArgs(arg); err != nil {
		return err
	}
	p.curArg = arg
	p.state = msgPayload
	p.pay = nil
	return nil
}

// payload consumes payload bytes from buf starting at i. It returns the index
// of the last byte consumed (the loop's i++ moves past it).
func (p *Parser) payload(buf []byte, i int, h Handler) int {
	need := p.size - len(p.pay)
	avail := len(buf) - i
	if p.pay == nil && avail >= need {
		// Whole payload inside this buffer: no copy.
		p.deliver(buf[i:i+need], h)
		return i + need - 1
	}
	if p.pay == nil {
		if len(p.argBuf) == 0 {
			// The arguments point into buf, which the caller reuses: keep a
			// copy for the rest of the payload.
			p.argBuf = append(p.argBuf, p.curArg...)
			_ = p.msgArgs(p.argBuf) // parsed fine a moment ago
		}
		if cap(p.payBuf) < p.size {
			p.payBuf = make([]byte, 0, p.size)
		}
		p.pay = p.payBuf[:0]
	}
	take := min(need, avail)
	p.pay = append(p.pay, buf[i:i+take]...)
	if len(p.pay) == p.size {
		p.deliver(p.pay, h)
		if cap(p.payBuf) > keepPayloadBuf {
			p.payBuf = nil
		}
	}
	return i + take - 1
}

func (p *Parser) deliver(data []byte, h Handler) {
	p.msg.Data = data
	p.pay = nil
	p.state = msgEndR
	h.OnMsg(&p.msg)
	p.argBuf = p.argBuf[:0]
}

// msgArgs splits "subject sid [reply] [hdr] size" into p.msg and p.size.
func (p *Parser) msgArgs(arg []byte) error {
	var fields [5][]byte
	n := 0
	for i := 0; i < len(arg); {
		for i < len(arg) && (arg[i] == ' ' || arg[i] == '\t') {
			i++
		}
		if i == len(arg) {
			break
		}
		start := i
		for i < len(arg) && arg[i] != ' ' && arg[i] != '\t' {
			i++
		}
		if n == len(fields) {
			return fmt.Errorf("%w: too many arguments in %q", ErrProtocol, arg)
		}
		fields[n] = arg[start:i]
		n++
	}
	m := &p.msg
	m.Reply = nil
	m.Headers = p.hdrMsg
	m.HeaderLen = 0
	want := 3
	if p.hdrMsg {
		want = 4
	}
	switch n {
	case want:
	case want + 1:
		m.Reply = fields[2]
	default:
		return fmt.Errorf("%w: wrong number of arguments in %q", ErrProtocol, arg)
	}
	m.Subject = fields[0]
	sid, ok := parseUint(fields[1], 20)
	if !ok {
		return fmt.Errorf("%w: bad sid in %q", ErrProtocol, arg)
	}
	m.Sid = sid
	size, ok := parseUint(fields[n-1], maxSizeDigits)
	if !ok || size > MaxPayload {
		return fmt.Errorf("%w: bad size in %q", ErrProtocol, arg)
	}
	p.size = int(size)
	if p.hdrMsg {
		hdr, ok := parseUint(fields[n-2], maxSizeDigits)
		if !ok || int(hdr) > p.size {
			return fmt.Errorf("%w: bad header size in %q", ErrProtocol, arg)
		}
		m.HeaderLen = int(hdr)
	}
	return nil
}

// parseUint parses an unsigned decimal of 1..maxDigits digits.
func parseUint(b []byte, maxDigits int) (uint64, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func unquote(b []byte) []byte {
	if len(b) >= 2 && b[0] == '\'' && b[len(b)-1] == '\'' {
		return b[1 : len(b)-1]
	}
	return b
}
