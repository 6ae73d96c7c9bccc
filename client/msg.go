package client

import (
	"fmt"
	"unsafe"

	"github.com/natsys/natsys/client/internal/proto"
)

// Msg is a message received from, or to be published to, the server.
type Msg struct {
	Subject string
	Reply   string
	Header  Header
	// Status and Description come from the header version line
	// ("NATS/1.0 503" has Status 503); zero when there is none. On publish a
	// non-zero Status is written into the version line.
	Status      int
	Description string
	Data        []byte
	// Sub is the subscription that received the message (nil on publish).
	Sub *Subscription

	next *Msg // link in the subscription's pending queue
	size int  // bytes counted against the pending limit
}

// NewMsg returns a message for subject with an empty Header, ready for
// PublishMsg.
func NewMsg(subject string) *Msg { return &Msg{Subject: subject, Header: Header{}} }

// Respond publishes data to the message's reply subject.
func (m *Msg) Respond(data []byte) error {
	if m.Reply == "" {
		return fmt.Errorf("%w: message has no reply subject", ErrBadSubject)
	}
	if m.Sub == nil {
		return fmt.Errorf("%w: message was not received on a subscription", ErrBadSubscription)
	}
	return m.Sub.conn.Publish(m.Reply, data)
}

// RespondMsg publishes r (headers included) to m's reply subject.
func (m *Msg) RespondMsg(r *Msg) error {
	if m.Reply == "" {
		return fmt.Errorf("%w: message has no reply subject", ErrBadSubject)
	}
	if m.Sub == nil {
		return fmt.Errorf("%w: message was not received on a subscription", ErrBadSubscription)
	}
	r.Subject = m.Reply
	return m.Sub.conn.PublishMsg(r)
}

// noResponders reports whether m is the server's no-responders status.
func (m *Msg) noResponders() bool {
	return m.Status == StatusNoResponders && len(m.Data) == 0
}

// newMsg copies a parsed message out of the read buffer. Subject, reply and
// payload share one allocation; a subject equal to the subscription's (no
// wildcard) reuses that string.
func newMsg(p *proto.Msg, sub *Subscription) (*Msg, error) {
	body := p.Data[p.HeaderLen:]
	reuseSubj := string(p.Subject) == sub.subject
	n := len(body) + len(p.Reply)
	if !reuseSubj {
		n += len(p.Subject)
	}
	m := &Msg{Sub: sub, size: len(p.Data) + len(p.Subject) + len(p.Reply)}
	if n > 0 {
		buf := make([]byte, n)
		off := copy(buf, body)
		m.Data = buf[:off:off]
		if !reuseSubj {
			m.Subject = bytesString(buf[off : off+copy(buf[off:], p.Subject)])
			off += len(p.Subject)
		}
		if len(p.Reply) > 0 {
			m.Reply = bytesString(buf[off : off+copy(buf[off:], p.Reply)])
		}
	} else {
		m.Data = []byte{}
	}
	if reuseSubj {
		m.Subject = sub.subject
	}
	if p.Headers && p.HeaderLen > 0 {
		h, st, desc, err := DecodeHeader(p.Data[:p.HeaderLen])
		if err != nil {
			return nil, err
		}
		m.Header, m.Status, m.Description = h, st, desc
	}
	return m, nil
}

// bytesString views b as a string. b must never be written again: newMsg
// only uses regions of its buffer that lie outside the Data slice, whose
// capacity is capped so appends cannot reach them.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
