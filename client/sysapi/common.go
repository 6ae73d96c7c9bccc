package sysapi

import (
	"strings"
	"time"
)

// ServerInfo identifies the sending server. It is the "server" block of every
// event and reply envelope, and the whole payload of SHUTDOWN and LAMEDUCK.
// Seq and Time describe the moment the message was sent.
type ServerInfo struct {
	Name         string            `json:"name"`
	Host         string            `json:"host"`
	ID           string            `json:"id"`
	Cluster      string            `json:"cluster,omitempty"`
	Domain       string            `json:"domain,omitempty"`
	Version      string            `json:"ver"`
	Tags         []string          `json:"tags,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	FeatureFlags map[string]bool   `json:"feature_flags,omitempty"`
	JetStream    bool              `json:"jetstream"`
	Flags        ServerCapability  `json:"flags"`
	Seq          uint64            `json:"seq"`
	Time         time.Time         `json:"time"`
}

// ServerCapability is the bit set carried in ServerInfo.Flags.
type ServerCapability uint64

// Capability bits of ServerInfo.Flags. nats-server sets all three when
// JetStream is enabled and none otherwise.
const (
	// CapJetStream means JetStream is enabled; it must agree with
	// ServerInfo.JetStream.
	CapJetStream ServerCapability = 1 << iota
	// CapBinaryStreamSnapshot means the server supports binary stream
	// snapshots.
	CapBinaryStreamSnapshot
	// CapAccountNRG means replication traffic is account scoped.
	CapAccountNRG
)

// JetStreamEnabled reports whether the server announced JetStream, through
// either the legacy flag or the capability bit.
func (si *ServerInfo) JetStreamEnabled() bool {
	return si.JetStream || si.Flags&CapJetStream != 0
}

// ServerID is the bare reply of the IDZ service.
type ServerID struct {
	Name string `json:"name"`
	Host string `json:"host"`
	ID   string `json:"id"`
}

// IsServerID reports whether s has the shape of a server ID: exactly
// ServerIDLen bytes and no lower-case letters. This is the rule natscli uses
// to tell a server ID from a server name.
func IsServerID(s string) bool {
	return len(s) == ServerIDLen && strings.ToUpper(s) == s
}

// ClientInfo describes a connection in CONNECT, DISCONNECT and auth-error
// events (the "client" block). Every field is omitted when empty. RTT is
// integer nanoseconds.
type ClientInfo struct {
	Start      time.Time     `json:"start,omitzero"`
	Host       string        `json:"host,omitempty"`
	ID         uint64        `json:"id,omitempty"`
	Account    string        `json:"acc,omitempty"`
	Service    string        `json:"svc,omitempty"`
	User       string        `json:"user,omitempty"`
	Name       string        `json:"name,omitempty"`
	Lang       string        `json:"lang,omitempty"`
	Version    string        `json:"ver,omitempty"`
	RTT        time.Duration `json:"rtt,omitempty"`
	Server     string        `json:"server,omitempty"`
	Cluster    string        `json:"cluster,omitempty"`
	Alternates []string      `json:"alts,omitempty"`
	Stop       time.Time     `json:"stop,omitzero"`
	JWT        string        `json:"jwt,omitempty"`
	IssuerKey  string        `json:"issuer_key,omitempty"`
	NameTag    string        `json:"name_tag,omitempty"`
	Tags       []string      `json:"tags,omitempty"`
	Kind       string        `json:"kind,omitempty"`
	ClientType string        `json:"client_type,omitempty"`
	MQTTClient string        `json:"client_id,omitempty"`
	Nonce      string        `json:"nonce,omitempty"`
	Reply      string        `json:"reply,omitempty"`
}

// Connection kinds used in ClientInfo.Kind and ConnInfo.Kind.
const (
	KindClient    = "Client"
	KindLeafnode  = "Leafnode"
	KindRouter    = "Router"
	KindGateway   = "Gateway"
	KindJetStream = "JetStream"
	KindAccount   = "Account"
	KindSystem    = "System"
)

// Client types used in ClientInfo.ClientType and ConnInfo.Type for
// connections of kind Client.
const (
	ClientTypeNATS      = "nats"
	ClientTypeWebsocket = "websocket"
	ClientTypeMQTT      = "mqtt"
)

// MsgBytes is a message and byte counter pair; both are always present.
type MsgBytes struct {
	Msgs  int64 `json:"msgs"`
	Bytes int64 `json:"bytes"`
}

// DataStats is a MsgBytes total with optional breakdowns by connection type.
// Account statistics always set all three breakdowns; connection events and
// STATSZ set none.
type DataStats struct {
	MsgBytes
	Gateways *MsgBytes `json:"gateways,omitempty"`
	Routes   *MsgBytes `json:"routes,omitempty"`
	Leafs    *MsgBytes `json:"leafs,omitempty"`
}

// TypedEvent is the header of typed advisories: the schema type string, a
// unique event id and the event time.
type TypedEvent struct {
	Type string    `json:"type"`
	ID   string    `json:"id"`
	Time time.Time `json:"timestamp"`
}
