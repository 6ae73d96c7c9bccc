package wire

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"
)

// recorder is a Handler that records every call as a string, copying the bytes it is given.
type recorder struct {
	events []string
	// onConnect, when set, runs inside ProcessConnect (to change Parser fields from a callback).
	onConnect func()
	// failOn makes the Handler return errHandler from the method with this event prefix.
	failOn string
	// check, when set, is called with every slice handed to the Handler.
	check func(what string, b []byte)
}

var errHandler = errors.New("handler failed")

func q(b []byte) string {
	if b == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q", b)
}

func (r *recorder) add(kind string, slices map[string][]byte, s string) error {
	for what, b := range slices {
		if r.check != nil {
			r.check(kind+" "+what, b)
		}
	}
	r.events = append(r.events, kind+" "+s)
	if r.failOn != "" && r.failOn == kind {
		return errHandler
	}
	return nil
}

func (r *recorder) ProcessConnect(arg []byte) error {
	if r.onConnect != nil {
		r.onConnect()
	}
	return r.add("CONNECT", map[string][]byte{"arg": arg}, q(arg))
}

func (r *recorder) ProcessPub(subject, reply, payload []byte) error {
	return r.add("PUB", map[string][]byte{"subject": subject, "reply": reply, "payload": payload},
		strings.Join([]string{q(subject), q(reply), q(payload)}, " "))
}

func (r *recorder) ProcessHPub(subject, reply []byte, hdrLen int, msg []byte) error {
	return r.add("HPUB", map[string][]byte{"subject": subject, "reply": reply, "msg": msg},
		fmt.Sprintf("%s %s %d %s", q(subject), q(reply), hdrLen, q(msg)))
}

func (r *recorder) ProcessSub(subject, queue, sid []byte) error {
	return r.add("SUB", map[string][]byte{"subject": subject, "queue": queue, "sid": sid},
		strings.Join([]string{q(subject), q(queue), q(sid)}, " "))
}

func (r *recorder) ProcessUnsub(sid []byte, max int) error {
	return r.add("UNSUB", map[string][]byte{"sid": sid}, fmt.Sprintf("%s %d", q(sid), max))
}

func (r *recorder) ProcessPing() error { return r.add("PING", nil, "") }
func (r *recorder) ProcessPong() error { return r.add("PONG", nil, "") }
func (r *recorder) ProcessClientInfo(arg []byte) error {
	return r.add("INFO", map[string][]byte{"arg": arg}, q(arg))
}
func (r *recorder) ProcessClientOK() error { return r.add("+OK", nil, "") }
func (r *recorder) ProcessClientErr(arg []byte) error {
	return r.add("-ERR", map[string][]byte{"arg": arg}, q(arg))
}

// nopHandler accepts everything and does nothing (benchmarks, allocation tests).
type nopHandler struct{ n int }

func (h *nopHandler) ProcessConnect([]byte) error                    { return nil }
func (h *nopHandler) ProcessPub(_, _, _ []byte) error                { h.n++; return nil }
func (h *nopHandler) ProcessHPub(_, _ []byte, _ int, _ []byte) error { h.n++; return nil }
func (h *nopHandler) ProcessSub(_, _, _ []byte) error                { return nil }
func (h *nopHandler) ProcessUnsub([]byte, int) error                 { return nil }
func (h *nopHandler) ProcessPing() error                             { return nil }
func (h *nopHandler) ProcessPong() error                             { return nil }
func (h *nopHandler) ProcessClientInfo([]byte) error                 { return nil }
func (h *nopHandler) ProcessClientOK() error                         { return nil }
func (h *nopHandler) ProcessClientErr([]byte) error                  { return nil }

// errKey reduces an error to what a client observes (-ERR text, close, reason); Detail may
// legitimately differ between a whole and a split feed.
func errKey(err error) string {
	if err == nil {
		return "<nil>"
	}
	var we *Error
	if errors.As(err, &we) {
		return fmt.Sprintf("Error{Text:%q Close:%v Reason:%q}", we.Text, we.Close, we.Reason)
	}
	return "handler: " + err.Error()
}

// feed parses the chunks in order, as successive reads into one reused read buffer that is
// scribbled over after each Parse (so slices kept across reads would show garbage). It stops at
// the first error.
func feed(p *Parser, r *recorder, chunks ...[]byte) error {
	var rb []byte
	for _, c := range chunks {
		rb = append(rb[:0], c...)
		err := p.Parse(rb, r)
		for i := range rb {
			rb[i] = '#'
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// within reports whether b lies inside the memory of one of the regions (by capacity).
func within(b []byte, regions ...[]byte) bool {
	if len(b) == 0 {
		return true
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	end := start + uintptr(len(b))
	for _, r := range regions {
		if cap(r) == 0 {
			continue
		}
		rs := uintptr(unsafe.Pointer(unsafe.SliceData(r[:cap(r)])))
		if start >= rs && end <= rs+uintptr(cap(r)) {
			return true
		}
	}
	return false
}
