package sys

import (
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// Reply is one server's answer.
type Reply[T any] struct {
	// Server identifies the responder (the "server" block of the reply).
	Server sysapi.ServerInfo
	// Data is the endpoint payload; nil when the reply is an error, has no
	// payload (KICK, LDM, RELOAD) or is Invalid.
	Data *T
	// Err is the server's "error" object (code 400: bad request body, 500:
	// the endpoint failed), nil on success.
	Err *sysapi.APIError
	// Invalid is set when the reply could not be decompressed or decoded
	// (ErrBadReply, ErrReplyTooLarge); Server is then unknown.
	Invalid error
	// Raw is the reply body after decompression (the bytes as received when
	// decompression failed).
	Raw []byte
	// Encoding is the reply's Content-Encoding header ("snappy", "gzip",
	// "identity"), "" when it had none.
	Encoding string
	// Subject is the request subject this reply answers.
	Subject string
	// RTT is the time from publishing the request to receiving this reply.
	RTT time.Duration
}

// OK reports whether the reply carries data and no error.
func (r *Reply[T]) OK() bool { return r.Err == nil && r.Invalid == nil }

// Error returns the reply's problem as an error: Invalid, else Err, else nil.
func (r *Reply[T]) Error() error {
	if r.Invalid != nil {
		return r.Invalid
	}
	if r.Err != nil {
		return r.Err
	}
	return nil
}

// Result is the outcome of one call: the replies in arrival order and how
// the collection ended.
type Result[T any] struct {
	// Replies holds every reply, in arrival order.
	Replies []Reply[T]
	// Expected is the number of replies the collection waited for: the
	// number of target servers, Expect(n), or the discovered active_servers
	// count; 0 when it stopped on the quiet gap (count unknown).
	Expected int
	// Missing lists the target servers (as the caller gave them) that did
	// not reply: unknown names, IDs without responders, servers silent until
	// the deadline. Empty for fan-outs, whose missing servers are unnamed.
	Missing []string
	// MissingCount is how many expected replies did not arrive
	// (max(Expected - replies, len(Missing))).
	MissingCount int
	// TimedOut is true when the end of the context (deadline, Timeout or
	// cancellation), not a count or gap, ended the collection.
	TimedOut bool
	// Elapsed is the duration of the call.
	Elapsed time.Duration
}

// Complete reports whether every expected reply arrived.
func (r *Result[T]) Complete() bool { return r.MissingCount == 0 }

// Data returns the payloads of the successful replies, in arrival order.
func (r *Result[T]) Data() []*T {
	out := make([]*T, 0, len(r.Replies))
	for i := range r.Replies {
		if r.Replies[i].OK() && r.Replies[i].Data != nil {
			out = append(out, r.Replies[i].Data)
		}
	}
	return out
}

// Failed returns the replies that carry an error object or are invalid.
func (r *Result[T]) Failed() []Reply[T] {
	var out []Reply[T]
	for _, rep := range r.Replies {
		if !rep.OK() {
			out = append(out, rep)
		}
	}
	return out
}

// Find returns the reply of the server with this ID or name, or nil.
func (r *Result[T]) Find(idOrName string) *Reply[T] {
	for i := range r.Replies {
		s := &r.Replies[i].Server
		if s.ID == idOrName || s.Name == idOrName {
			return &r.Replies[i]
		}
	}
	return nil
}
