package sys

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/s2"
	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// shape is the JSON layout of an endpoint's reply.
type shape int

// The reply shapes.
const (
	// shapeEnvelope: {"server":…,"data":…,"error":…} (ServerAPIResponse).
	shapeEnvelope shape = iota
	// shapeStatsz: {"server":…,"statsz":…} or {"server":…,"error":…}.
	shapeStatsz
	// shapeIdz: a bare {"name","host","id"} object.
	shapeIdz
	// shapeStatus: {"server":…,"error":…} without data (KICK, LDM, RELOAD).
	shapeStatus
)

// Header names and values of compressed replies.
const (
	hdrAcceptEncoding  = "Accept-Encoding"
	hdrContentEncoding = "Content-Encoding"
	encSnappy          = "snappy"
	encGzip            = "gzip"
	encIdentity        = "identity"
)

// headerValue looks a header up case-insensitively (client.Header keeps keys
// as sent).
func headerValue(h client.Header, key string) string {
	if v := h.Get(key); v != "" {
		return v
	}
	for k, vs := range h {
		if strings.EqualFold(k, key) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// decompress returns body decoded according to encoding, at most limit
// bytes.
func decompress(body []byte, encoding string, limit int64) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", encIdentity:
		if int64(len(body)) > limit {
			return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrReplyTooLarge, len(body), limit)
		}
		return body, nil
	case encSnappy, "s2":
		r = s2.NewReader(bytes.NewReader(body))
	case encGzip:
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrBadReply, err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("%w: unknown Content-Encoding %q", ErrBadReply, encoding)
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadReply, encoding, err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes after %s decompression", ErrReplyTooLarge, limit, encoding)
	}
	return out, nil
}

// statszReply is the STATSZ/PING reply shape, generic in its payload.
type statszReply[T any] struct {
	Server sysapi.ServerInfo `json:"server"`
	Stats  *T                `json:"statsz"`
	Error  *sysapi.APIError  `json:"error,omitempty"`
}

// decodeReply turns one reply message into a Reply. Problems end up in
// Reply.Invalid, never as an error, so one bad server cannot hide the others.
func decodeReply[T any](m *client.Msg, sh shape, limit int64) Reply[T] {
	rep := Reply[T]{Encoding: headerValue(m.Header, hdrContentEncoding), Raw: m.Data}
	body, err := decompress(m.Data, rep.Encoding, limit)
	if err != nil {
		rep.Invalid = err
		return rep
	}
	rep.Raw = body
	if err := decodeBody(&rep, body, sh); err != nil {
		rep.Invalid = fmt.Errorf("%w: %w", ErrBadReply, err)
		rep.Data, rep.Err = nil, nil
	}
	return rep
}

// decodeBody fills rep from a decompressed body of the given shape.
func decodeBody[T any](rep *Reply[T], body []byte, sh shape) error {
	switch sh {
	case shapeEnvelope:
		var env sysapi.ServerAPIResponse[T]
		if err := json.Unmarshal(body, &env); err != nil {
			return err
		}
		rep.Server, rep.Data, rep.Err = env.Server, env.Data, env.Error
	case shapeStatsz:
		var env statszReply[T]
		if err := json.Unmarshal(body, &env); err != nil {
			return err
		}
		rep.Server, rep.Data, rep.Err = env.Server, env.Stats, env.Error
	case shapeIdz:
		var id sysapi.ServerID
		if err := json.Unmarshal(body, &id); err != nil {
			return err
		}
		var data T
		if err := json.Unmarshal(body, &data); err != nil {
			return err
		}
		rep.Server = sysapi.ServerInfo{Name: id.Name, Host: id.Host, ID: id.ID}
		rep.Data = &data
	case shapeStatus:
		var env sysapi.ServerAPIStatus
		if err := json.Unmarshal(body, &env); err != nil {
			return err
		}
		rep.Server, rep.Err = env.Server, env.Error
	default:
		return fmt.Errorf("unknown reply shape %d", sh)
	}
	if rep.Server.ID == "" && rep.Err == nil {
		return fmt.Errorf("reply without a server block")
	}
	return nil
}
