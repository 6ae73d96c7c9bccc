package sysapi

import "time"

// Gatewayz is the GATEWAYZ payload. Both maps are {} (non-nil) when empty; an
// inbound entry is a list because a remote gateway may connect several times.
type Gatewayz struct {
	ID               string                       `json:"server_id"`
	Now              time.Time                    `json:"now"`
	Name             string                       `json:"name,omitempty"`
	Host             string                       `json:"host,omitempty"`
	Port             int                          `json:"port,omitempty"`
	OutboundGateways map[string]*RemoteGatewayz   `json:"outbound_gateways"`
	InboundGateways  map[string][]*RemoteGatewayz `json:"inbound_gateways"`
}

// RemoteGatewayz describes one gateway connection. Connection has kind
// "Gateway" and the remote server ID as name; Accounts is set on request.
type RemoteGatewayz struct {
	IsConfigured bool               `json:"configured"`
	Connection   *ConnInfo          `json:"connection,omitempty"`
	Accounts     []*AccountGatewayz `json:"accounts,omitempty"`
}

// AccountGatewayz describes the gateway interest state of one account.
type AccountGatewayz struct {
	Name                  string      `json:"name"`
	InterestMode          string      `json:"interest_mode"`
	NoInterestCount       int         `json:"no_interest_count,omitempty"`
	InterestOnlyThreshold int         `json:"interest_only_threshold,omitempty"`
	TotalSubscriptions    int         `json:"num_subs,omitempty"`
	NumQueueSubscriptions int         `json:"num_queue_subs,omitempty"`
	Subs                  []string    `json:"subscriptions_list,omitempty"`
	SubsDetail            []SubDetail `json:"subscriptions_list_detail,omitempty"`
}

// Gateway interest modes of AccountGatewayz.InterestMode.
const (
	InterestModeOptimistic    = "Optimistic"
	InterestModeTransitioning = "Transitioning"
	InterestModeInterestOnly  = "Interest-Only"
)

// GatewayOptsVarz is the "gateway" block of VARZ; every member is omitted
// when empty.
type GatewayOptsVarz struct {
	Name            string                  `json:"name,omitempty"`
	Host            string                  `json:"host,omitempty"`
	Port            int                     `json:"port,omitempty"`
	AuthTimeout     float64                 `json:"auth_timeout,omitempty"`
	TLSTimeout      float64                 `json:"tls_timeout,omitempty"`
	TLSRequired     bool                    `json:"tls_required,omitempty"`
	TLSVerify       bool                    `json:"tls_verify,omitempty"`
	Advertise       string                  `json:"advertise,omitempty"`
	ConnectRetries  int                     `json:"connect_retries,omitempty"`
	Gateways        []RemoteGatewayOptsVarz `json:"gateways,omitempty"`
	RejectUnknown   bool                    `json:"reject_unknown,omitempty"`
	WriteDeadline   time.Duration           `json:"write_deadline,omitempty"`
	WriteTimeout    string                  `json:"write_timeout,omitempty"`
	TLSCertNotAfter time.Time               `json:"tls_cert_not_after,omitzero"`
}

// RemoteGatewayOptsVarz is one configured gateway in GatewayOptsVarz.
type RemoteGatewayOptsVarz struct {
	Name       string   `json:"name"`
	TLSTimeout float64  `json:"tls_timeout,omitempty"`
	URLs       []string `json:"urls,omitempty"`
}
