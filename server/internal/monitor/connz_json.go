package monitor

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// CONNZ pages over many connections are the largest JSON bodies the monitor
// serves, and encoding/json spends most of its time in reflection and in
// indenting a compact copy. appendConnzIndent writes the same bytes as
// json.MarshalIndent(cz, "", jsonIndent) in one pass; TestConnzJSONMatches
// checks it against encoding/json field by field.

// Layout of an indented CONNZ body.
const (
	connzFieldIndent = "\n" + jsonIndent                    // before a Connz field
	connInfoIndent   = connzFieldIndent + jsonIndent        // before a ConnInfo object
	connFieldIndent  = connInfoIndent + jsonIndent          // before a ConnInfo field
	connNestedPrefix = jsonIndent + jsonIndent + jsonIndent // line prefix of values nested in ConnInfo fields

	// maxJSONYear is the last year time.Time.MarshalJSON accepts (the
	// first is 0).
	maxJSONYear = 9999
	// connInfoJSONSize is the typical size of one indented ConnInfo, and
	// connzJSONHeader the room for the Connz fields around them.
	connInfoJSONSize = 640
	connzJSONHeader  = 256
)

// marshalConnzIndent returns json.MarshalIndent(cz, "", jsonIndent).
func marshalConnzIndent(cz *sysapi.Connz) ([]byte, error) {
	b := make([]byte, 0, connzJSONHeader+len(cz.Conns)*connInfoJSONSize)
	if b, ok := appendConnzIndent(b, cz); ok {
		return b, nil
	}
	return json.MarshalIndent(cz, "", jsonIndent)
}

// appendConnzIndent appends cz as json.MarshalIndent(cz, "", jsonIndent)
// would; ok is false when a value needs encoding/json (a time outside the
// years it accepts), and b must then be discarded.
func appendConnzIndent(b []byte, cz *sysapi.Connz) (_ []byte, ok bool) {
	b = append(b, '{')
	b = appendKey(b, connzFieldIndent, "server_id", true)
	b = appendJSONString(b, cz.ID)
	b = appendKey(b, connzFieldIndent, "now", false)
	if b, ok = appendJSONTime(b, cz.Now); !ok {
		return b, false
	}
	b = appendKey(b, connzFieldIndent, "num_connections", false)
	b = strconv.AppendInt(b, int64(cz.NumConns), 10)
	b = appendKey(b, connzFieldIndent, "total", false)
	b = strconv.AppendInt(b, int64(cz.Total), 10)
	b = appendKey(b, connzFieldIndent, "offset", false)
	b = strconv.AppendInt(b, int64(cz.Offset), 10)
	b = appendKey(b, connzFieldIndent, "limit", false)
	b = strconv.AppendInt(b, int64(cz.Limit), 10)
	b = appendKey(b, connzFieldIndent, "connections", false)
	switch {
	case cz.Conns == nil:
		b = append(b, "null"...)
	case len(cz.Conns) == 0:
		b = append(b, "[]"...)
	default:
		b = append(b, '[')
		for i, ci := range cz.Conns {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, connInfoIndent...)
			if ci == nil {
				b = append(b, "null"...)
				continue
			}
			if b, ok = appendConnInfoIndent(b, ci); !ok {
				return b, false
			}
		}
		b = append(b, connzFieldIndent...)
		b = append(b, ']')
	}
	b = append(b, '\n')
	return append(b, '}'), true
}

// appendConnInfoIndent appends one connection object of an indented CONNZ
// body (its opening brace at the current position).
func appendConnInfoIndent(b []byte, ci *sysapi.ConnInfo) (_ []byte, ok bool) {
	b = append(b, '{')
	b = appendKey(b, connFieldIndent, "cid", true)
	b = strconv.AppendUint(b, ci.CID, 10)
	b = appendOptString(b, "kind", ci.Kind)
	b = appendOptString(b, "type", ci.Type)
	b = appendKey(b, connFieldIndent, "ip", false)
	b = appendJSONString(b, ci.IP)
	b = appendIntField(b, "port", int64(ci.Port))
	b = appendKey(b, connFieldIndent, "start", false)
	if b, ok = appendJSONTime(b, ci.Start); !ok {
		return b, false
	}
	b = appendKey(b, connFieldIndent, "last_activity", false)
	if b, ok = appendJSONTime(b, ci.LastActivity); !ok {
		return b, false
	}
	if !ci.Stop.IsZero() {
		b = appendKey(b, connFieldIndent, "stop", false)
		if b, ok = appendJSONTime(b, ci.Stop); !ok {
			return b, false
		}
	}
	b = appendOptString(b, "reason", ci.Reason)
	b = appendOptString(b, "rtt", ci.RTT)
	b = appendKey(b, connFieldIndent, "uptime", false)
	b = appendJSONString(b, ci.Uptime)
	b = appendKey(b, connFieldIndent, "idle", false)
	b = appendJSONString(b, ci.Idle)
	b = appendIntField(b, "pending_bytes", int64(ci.Pending))
	b = appendIntField(b, "in_msgs", ci.InMsgs)
	b = appendIntField(b, "out_msgs", ci.OutMsgs)
	b = appendIntField(b, "in_bytes", ci.InBytes)
	b = appendIntField(b, "out_bytes", ci.OutBytes)
	if ci.Stalls != 0 {
		b = appendIntField(b, "stalls", ci.Stalls)
	}
	b = appendIntField(b, "subscriptions", int64(ci.NumSubs))
	b = appendOptString(b, "name", ci.Name)
	b = appendOptString(b, "lang", ci.Lang)
	b = appendOptString(b, "version", ci.Version)
	b = appendOptString(b, "tls_version", ci.TLSVersion)
	b = appendOptString(b, "tls_cipher_suite", ci.TLSCipher)
	if len(ci.TLSPeerCerts) > 0 {
		b = appendNested(b, "tls_peer_certs", ci.TLSPeerCerts)
	}
	if ci.TLSFirst {
		b = appendKey(b, connFieldIndent, "tls_first", false)
		b = strconv.AppendBool(b, true)
	}
	b = appendOptString(b, "authorized_user", ci.AuthorizedUser)
	b = appendOptString(b, "account", ci.Account)
	if len(ci.Subs) > 0 {
		b = appendNested(b, "subscriptions_list", ci.Subs)
	}
	if len(ci.SubsDetail) > 0 {
		b = appendNested(b, "subscriptions_list_detail", ci.SubsDetail)
	}
	b = appendOptString(b, "jwt", ci.JWT)
	b = appendOptString(b, "issuer_key", ci.IssuerKey)
	b = appendOptString(b, "name_tag", ci.NameTag)
	if len(ci.Tags) > 0 {
		b = appendNested(b, "tags", ci.Tags)
	}
	b = appendOptString(b, "mqtt_client", ci.MQTTClient)
	if ci.Proxy != nil {
		b = appendNested(b, "proxy", ci.Proxy)
	}
	b = append(b, connInfoIndent...)
	return append(b, '}'), true
}

// appendKey appends a field separator (unless first), the line break and
// indentation nl, and the quoted key with ": ".
func appendKey(b []byte, nl, key string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, nl...)
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, '"')
	return append(b, ": "...)
}

// appendIntField appends a ConnInfo integer field.
func appendIntField(b []byte, key string, v int64) []byte {
	b = appendKey(b, connFieldIndent, key, false)
	return strconv.AppendInt(b, v, 10)
}

// appendOptString appends a ConnInfo string field with omitempty.
func appendOptString(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = appendKey(b, connFieldIndent, key, false)
	return appendJSONString(b, v)
}

// appendNested appends a ConnInfo field whose value (a list or an object)
// is encoded by encoding/json at the field's depth; such values are rare.
func appendNested(b []byte, key string, v any) []byte {
	b = appendKey(b, connFieldIndent, key, false)
	enc, err := json.MarshalIndent(v, connNestedPrefix, jsonIndent)
	if err != nil {
		// The nested types hold only strings and integers.
		return append(b, "null"...)
	}
	return append(b, enc...)
}

// appendJSONTime appends t as time.Time.MarshalJSON does; ok is false for
// the years it refuses.
func appendJSONTime(b []byte, t time.Time) (_ []byte, ok bool) {
	if y := t.Year(); y < 0 || y > maxJSONYear {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// appendJSONString appends s quoted as encoding/json does (with HTML
// escaping): printable ASCII without escapes is copied, anything else is
// left to encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, err := json.Marshal(s)
			if err != nil {
				// A string always encodes.
				return append(b, "null"...)
			}
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
