// Package record defines the JSON message record that nats-sub --json and
// nats-pub --request --json print (one object per line, NDJSON) and that
// nats-pub --input json reads back, so that
// `nats-sub --json | jq ... | nats-pub --input json` keeps subject, reply,
// headers and payload bytes intact. Schema: natsys.msg/v1 (docs/cli.md).
package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// Schema names the record layout; it changes only with a new major version.
const Schema = "natsys.msg/v1"

// Message is one received (or to be published) message.
type Message struct {
	Subject string
	Reply   string
	// Headers in received order of values; nil when the message had none.
	Headers map[string][]string
	Data    []byte
	// Received is when the message was read from the connection.
	Received time.Time
	// Seq is the 1-based number of the message in this run.
	Seq uint64
	// Sub is the subscription (pattern) that matched.
	Sub string
	// Queue is the queue group of that subscription, if any.
	Queue string
	// Status is the NATS status code of a status message (503 no
	// responders, 408 timeout, ...), 0 for ordinary messages.
	Status int
	// Matched marks a reply that nats-sub --match-replies paired with the
	// request numbered Seq; Latency is the time from request to reply.
	Matched bool
	Latency time.Duration
}

// wire is the JSON layout of Message.
type wire struct {
	Subject  string              `json:"subject"`
	Reply    string              `json:"reply"`
	Headers  map[string][]string `json:"headers,omitempty"`
	Data     *string             `json:"data,omitempty"`
	DataB64  *string             `json:"data_b64,omitempty"`
	Size     int                 `json:"size"`
	Received string              `json:"received,omitempty"`
	Seq      uint64              `json:"seq,omitempty"`
	Sub      string              `json:"sub,omitempty"`
	Queue    string              `json:"queue,omitempty"`
	Status   int                 `json:"status,omitempty"`
	Matched  bool                `json:"matched,omitempty"`
	Latency  *int64              `json:"latency_ns,omitempty"`
}

// MarshalJSON encodes m: "data" holds the payload as a string when it is
// valid UTF-8, otherwise "data_b64" holds it in standard base64.
func (m *Message) MarshalJSON() ([]byte, error) {
	w := wire{
		Subject: m.Subject, Reply: m.Reply, Headers: m.Headers, Size: len(m.Data),
		Seq: m.Seq, Sub: m.Sub, Queue: m.Queue, Status: m.Status,
		Matched: m.Matched,
	}
	if m.Matched {
		ns := m.Latency.Nanoseconds()
		w.Latency = &ns
	}
	if !m.Received.IsZero() {
		w.Received = m.Received.UTC().Format(time.RFC3339Nano)
	}
	if utf8.Valid(m.Data) {
		s := string(m.Data)
		w.Data = &s
	} else {
		s := base64.StdEncoding.EncodeToString(m.Data)
		w.DataB64 = &s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&w); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// AppendNDJSON appends m as one JSON line (with the newline) to dst.
func AppendNDJSON(dst []byte, m *Message) ([]byte, error) {
	b, err := m.MarshalJSON()
	if err != nil {
		return dst, err
	}
	dst = append(dst, b...)
	return append(dst, '\n'), nil
}

// ErrInvalid marks a record that cannot be published.
var ErrInvalid = errors.New("record: invalid message record")

// Decoder reads message records from a stream of JSON objects (NDJSON or
// any whitespace-separated sequence). It also reads natscli's
// `nats sub --dump=-` objects (keys Subject, Reply, Header, base64 Data).
type Decoder struct {
	dec *json.Decoder
	n   int
}

// NewDecoder returns a decoder reading r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{dec: json.NewDecoder(r)}
}

// Next returns the next record, or io.EOF at the end of the stream.
func (d *Decoder) Next() (*Message, error) {
	var raw map[string]json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w %d: %v", ErrInvalid, d.n+1, err)
	}
	d.n++
	m, err := fromRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("%w %d: %v", ErrInvalid, d.n, err)
	}
	return m, nil
}

// fromRaw interprets one decoded object, matching keys exactly.
func fromRaw(raw map[string]json.RawMessage) (*Message, error) {
	if raw == nil {
		return nil, errors.New("not a JSON object")
	}
	if _, natscli := raw["Subject"]; natscli {
		return fromNatscli(raw)
	}
	m := &Message{}
	if err := field(raw, "subject", &m.Subject); err != nil {
		return nil, err
	}
	if err := field(raw, "reply", &m.Reply); err != nil {
		return nil, err
	}
	if err := field(raw, "headers", &m.Headers); err != nil {
		return nil, err
	}
	var data, b64 *string
	if err := field(raw, "data", &data); err != nil {
		return nil, err
	}
	if err := field(raw, "data_b64", &b64); err != nil {
		return nil, err
	}
	switch {
	case data != nil && b64 != nil:
		return nil, errors.New(`both "data" and "data_b64" are set`)
	case data != nil:
		m.Data = []byte(*data)
	case b64 != nil:
		b, err := base64.StdEncoding.DecodeString(*b64)
		if err != nil {
			return nil, fmt.Errorf(`"data_b64": %v`, err)
		}
		m.Data = b
	}
	if m.Subject == "" {
		return nil, errors.New(`"subject" is missing or empty`)
	}
	return m, nil
}

// fromNatscli reads natscli's --dump record (nats.Msg as JSON).
func fromNatscli(raw map[string]json.RawMessage) (*Message, error) {
	m := &Message{}
	if err := field(raw, "Subject", &m.Subject); err != nil {
		return nil, err
	}
	if err := field(raw, "Reply", &m.Reply); err != nil {
		return nil, err
	}
	if err := field(raw, "Header", &m.Headers); err != nil {
		return nil, err
	}
	if err := field(raw, "Data", &m.Data); err != nil { // []byte: base64
		return nil, err
	}
	if m.Subject == "" {
		return nil, errors.New(`"Subject" is empty`)
	}
	return m, nil
}

// field decodes raw[key] into dst when present.
func field(raw map[string]json.RawMessage, key string, dst any) error {
	v, ok := raw[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("%q: %v", key, err)
	}
	return nil
}
