// Package sysapi holds the Go types of every system event and every system
// service reply of a NATS server (the "$SYS" account), plus the HTTP
// monitoring payloads and the request option bodies.
//
// It is the single JSON contract shared by the natsys server, which encodes
// these types, and the tools, which decode them. Field names, JSON keys,
// omission rules and value encodings follow nats-server v2.15.2 as recorded in
// the project specification (system-events.md):
//
//   - timestamps are RFC 3339 strings with nanoseconds (Go time.Time);
//   - some durations are integer nanoseconds (fields of type time.Duration),
//     others are human strings such as "1m31s" or "644µs" (fields of type
//     string; see FormatUptime and FormatRTT);
//   - a field tagged omitempty or omitzero is left out when it holds its zero
//     value, every other field is always present.
//
// Struct fields are declared in the order the reference server emits them, so
// encoding/json produces the same key order.
//
// Notes for encoders: pass UTC times (the contract spells them with a "Z"
// suffix); where a list or map is documented as "[]" or "{}" when empty, set
// a non-nil empty value, because encoding/json writes a nil one as null.
//
// The package has no dependencies outside the standard library.
package sysapi
