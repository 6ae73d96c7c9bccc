package events

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"

	"github.com/klauspost/compress/s2"
)

// Encoding is how a service reply body is encoded (spec §5.5).
type Encoding int

// Reply encodings.
const (
	// EncodingNone: the request had no Accept-Encoding header; the reply
	// is a plain MSG without headers.
	EncodingNone Encoding = iota
	// EncodingIdentity: an encoding was asked for that is not supported;
	// the body is sent as is with "Content-Encoding: identity".
	EncodingIdentity
	// EncodingSnappy: a Snappy framed stream ("snappy" or "s2" asked).
	EncodingSnappy
	// EncodingGzip: a gzip stream.
	EncodingGzip
)

// Header names and values of the negotiation.
const (
	AcceptEncodingHeader  = "Accept-Encoding"
	ContentEncodingHeader = "Content-Encoding"
	natsHeaderLine        = "NATS/1.0"
)

// String returns the Content-Encoding value ("" for EncodingNone).
func (e Encoding) String() string {
	switch e {
	case EncodingIdentity:
		return "identity"
	case EncodingSnappy:
		return "snappy"
	case EncodingGzip:
		return "gzip"
	}
	return ""
}

// NegotiateEncoding returns the reply encoding for a request whose header
// block is hdr (nil or empty when the request had none): Snappy when the
// Accept-Encoding value contains "snappy" or "s2", else gzip when it
// contains "gzip", else identity. Values compare case-insensitively.
func NegotiateEncoding(hdr []byte) Encoding {
	v, ok := HeaderValue(hdr, AcceptEncodingHeader)
	if !ok {
		return EncodingNone
	}
	v = strings.ToLower(v)
	switch {
	case strings.Contains(v, "snappy"), strings.Contains(v, "s2"):
		return EncodingSnappy
	case strings.Contains(v, "gzip"):
		return EncodingGzip
	}
	return EncodingIdentity
}

// HeaderValue returns the value of the first header key (case-insensitive)
// in a NATS header block ("NATS/1.0 ...\r\nKey: value\r\n...\r\n\r\n").
// Malformed blocks never panic; lines without a colon are skipped.
func HeaderValue(hdr []byte, key string) (string, bool) {
	if len(hdr) > maxHeaderScan {
		hdr = hdr[:maxHeaderScan]
	}
	if !bytes.HasPrefix(hdr, []byte(natsHeaderLine)) {
		return "", false
	}
	lines := bytes.Split(hdr, []byte("\r\n"))
	for _, line := range lines[1:] {
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		if strings.EqualFold(string(bytes.TrimSpace(line[:i])), key) {
			return string(bytes.TrimSpace(line[i+1:])), true
		}
	}
	return "", false
}

// HeaderBlock returns the header block announcing e
// ("NATS/1.0\r\nContent-Encoding: <e>\r\n\r\n"), nil for EncodingNone.
func HeaderBlock(e Encoding) []byte {
	if e == EncodingNone {
		return nil
	}
	return []byte(natsHeaderLine + "\r\n" + ContentEncodingHeader + ": " + e.String() + "\r\n\r\n")
}

// Compress encodes body with e (EncodingNone and EncodingIdentity return
// body unchanged).
func Compress(e Encoding, body []byte) ([]byte, error) {
	var buf bytes.Buffer
	switch e {
	case EncodingSnappy:
		w := s2.NewWriter(&buf, s2.WriterSnappyCompat())
		if _, err := w.Write(body); err != nil {
			return nil, fmt.Errorf("events: snappy: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("events: snappy: %w", err)
		}
	case EncodingGzip:
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(body); err != nil {
			return nil, fmt.Errorf("events: gzip: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("events: gzip: %w", err)
		}
	default:
		return body, nil
	}
	return buf.Bytes(), nil
}
