package sysapi

import (
	"time"
)

// Type strings of the typed advisories (TypedEvent.Type).
const (
	// ConnectEventMsgType is the type of ConnectEventMsg.
	ConnectEventMsgType = "io.nats.server.advisory.v1.client_connect"
	// DisconnectEventMsgType is the type of DisconnectEventMsg, also used by
	// both authentication-error events.
	DisconnectEventMsgType = "io.nats.server.advisory.v1.client_disconnect"
	// AccountNumConnsMsgType is the type of AccountNumConns.
	AccountNumConnsMsgType = "io.nats.server.advisory.v1.account_connections"
	// OCSPPeerRejectEventMsgType is the type of OCSPPeerRejectEventMsg.
	OCSPPeerRejectEventMsgType = "io.nats.server.advisory.v1.ocsp_peer_reject"
	// OCSPPeerChainlinkInvalidEventMsgType is the type of
	// OCSPPeerChainlinkInvalidEventMsg.
	OCSPPeerChainlinkInvalidEventMsgType = "io.nats.server.advisory.v1.ocsp_peer_link_invalid"
)

// ConnectEventMsg is published on $SYS.ACCOUNT.<acc>.CONNECT when a client or
// leafnode has authenticated. Client.Stop and Client.RTT are not set.
type ConnectEventMsg struct {
	TypedEvent
	Server ServerInfo `json:"server"`
	Client ClientInfo `json:"client"`
}

// DisconnectEventMsg is published on $SYS.ACCOUNT.<acc>.DISCONNECT when a
// client or leafnode connection closes, and on both CLIENT.AUTH.ERR subjects
// when authentication fails. Sent and Received are from the client's point of
// view: Sent is what the client published.
type DisconnectEventMsg struct {
	TypedEvent
	Server   ServerInfo `json:"server"`
	Client   ClientInfo `json:"client"`
	Sent     DataStats  `json:"sent"`
	Received DataStats  `json:"received"`
	Reason   string     `json:"reason"`
}

// AccountStat is the per-account connection and traffic summary used by the
// CONNS events and by AccountStatz. Sent and Received carry all three
// breakdowns.
type AccountStat struct {
	Account       string    `json:"acc"`
	Name          string    `json:"name"`
	Conns         int       `json:"conns"`
	LeafNodes     int       `json:"leafnodes"`
	TotalConns    int       `json:"total_conns"`
	NumSubs       uint32    `json:"num_subscriptions"`
	Sent          DataStats `json:"sent"`
	Received      DataStats `json:"received"`
	SlowConsumers int64     `json:"slow_consumers"`
}

// AccountNumConns is published on $SYS.SERVER.ACCOUNT.<acc>.CONNS and
// $SYS.ACCOUNT.<acc>.SERVER.CONNS when an account's connection count changes
// (and as a heartbeat), and is the bare reply of
// $SYS.REQ.ACCOUNT.<acc>.CONNS.
type AccountNumConns struct {
	TypedEvent
	Server ServerInfo `json:"server"`
	AccountStat
}

// AccountNumConnsReq is the payload of $SYS.ACCOUNT.<acc>.LEAFNODE.CONNECT
// and the optional body of a $SYS.REQ.ACCOUNT.<acc>.CONNS request.
type AccountNumConnsReq struct {
	Server  ServerInfo `json:"server"`
	Account string     `json:"acc"`
}

// AccountNumSubsReq is the body of a $SYS.REQ.ACCOUNT.NSUBS request; Queue is
// encoded as base64 and omitted when empty.
type AccountNumSubsReq struct {
	Account string `json:"acc"`
	Subject string `json:"subject"`
	Queue   []byte `json:"queue,omitempty"`
}

// ServerStatsMsg is the periodic $SYS.SERVER.<id>.STATSZ broadcast and the
// reply of $SYS.REQ.SERVER.PING[.STATSZ] and $SYS.REQ.SERVER.<id>.STATSZ.
type ServerStatsMsg struct {
	Server ServerInfo  `json:"server"`
	Stats  ServerStats `json:"statsz"`
}

// ServerStats is the "statsz" block of ServerStatsMsg.
type ServerStats struct {
	Start                time.Time             `json:"start"`
	Mem                  int64                 `json:"mem"`
	Cores                int                   `json:"cores"`
	CPU                  float64               `json:"cpu"`
	Connections          int                   `json:"connections"`
	TotalConnections     uint64                `json:"total_connections"`
	ActiveAccounts       int                   `json:"active_accounts"`
	NumSubs              uint32                `json:"subscriptions"`
	Sent                 DataStats             `json:"sent"`
	SentToClients        DataStats             `json:"sent_to_clients"`
	Received             DataStats             `json:"received"`
	ReceivedFromClients  DataStats             `json:"received_from_clients"`
	SlowConsumers        int64                 `json:"slow_consumers"`
	SlowConsumersStats   *SlowConsumersStats   `json:"slow_consumer_stats,omitempty"`
	StaleConnections     int64                 `json:"stale_connections,omitempty"`
	StaleConnectionStats *StaleConnectionStats `json:"stale_connection_stats,omitempty"`
	StalledClients       int64                 `json:"stalled_clients,omitempty"`
	Routes               []*RouteStat          `json:"routes,omitempty"`
	Gateways             []*GatewayStat        `json:"gateways,omitempty"`
	ActiveServers        int                   `json:"active_servers,omitempty"`
	JetStream            *JetStreamVarz        `json:"jetstream,omitempty"`
	MemLimit             int64                 `json:"gomemlimit,omitempty"`
	MaxProcs             int                   `json:"gomaxprocs,omitempty"`
}

// RouteStat is one route connection in ServerStats.Routes.
type RouteStat struct {
	ID       uint64    `json:"rid"`
	Name     string    `json:"name,omitempty"`
	Sent     DataStats `json:"sent"`
	Received DataStats `json:"received"`
	Pending  int       `json:"pending"`
}

// GatewayStat is one outbound gateway in ServerStats.Gateways; Received is
// summed over the inbound connections from that gateway.
type GatewayStat struct {
	ID         uint64    `json:"gwid"`
	Name       string    `json:"name"`
	Sent       DataStats `json:"sent"`
	Received   DataStats `json:"received"`
	NumInbound int       `json:"inbound_connections"`
}

// SlowConsumersStats breaks slow consumers down by connection type.
type SlowConsumersStats struct {
	Clients  uint64 `json:"clients"`
	Routes   uint64 `json:"routes"`
	Gateways uint64 `json:"gateways"`
	Leafs    uint64 `json:"leafs"`
}

// StaleConnectionStats breaks stale connections down by connection type.
type StaleConnectionStats struct {
	Clients  uint64 `json:"clients"`
	Routes   uint64 `json:"routes"`
	Gateways uint64 `json:"gateways"`
	Leafs    uint64 `json:"leafs"`
}

// CertInfo describes a TLS certificate in the OCSP events.
type CertInfo struct {
	Subject     string `json:"subject,omitempty"`
	Issuer      string `json:"issuer,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Raw         []byte `json:"raw,omitempty"`
}

// OCSPPeerRejectEventMsg is published on
// $SYS.SERVER.<id>.OCSP.PEER.CONN.REJECT when a TLS peer is rejected by OCSP
// verification.
type OCSPPeerRejectEventMsg struct {
	TypedEvent
	Kind   string     `json:"kind"`
	Peer   CertInfo   `json:"peer"`
	Server ServerInfo `json:"server"`
	Reason string     `json:"reason"`
}

// OCSPPeerChainlinkInvalidEventMsg is published on
// $SYS.SERVER.<id>.OCSP.PEER.LINK.INVALID when a certificate chain link is
// OCSP-invalid.
type OCSPPeerChainlinkInvalidEventMsg struct {
	TypedEvent
	Link   CertInfo   `json:"link"`
	Peer   CertInfo   `json:"peer"`
	Server ServerInfo `json:"server"`
	Reason string     `json:"reason"`
}

// KickClientReq is the body of $SYS.REQ.SERVER.<id>.KICK.
type KickClientReq struct {
	CID uint64 `json:"cid"`
}

// LDMClientReq is the body of $SYS.REQ.SERVER.<id>.LDM.
type LDMClientReq struct {
	CID uint64 `json:"cid"`
}
