package sysapi

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Connz is the CONNZ payload. Conns is [] (non-nil) when there are no
// connections; it is null only in the unknown-account quirk, which also has
// ServerID "".
type Connz struct {
	ID       string      `json:"server_id"`
	Now      time.Time   `json:"now"`
	NumConns int         `json:"num_connections"`
	Total    int         `json:"total"`
	Offset   int         `json:"offset"`
	Limit    int         `json:"limit"`
	Conns    []*ConnInfo `json:"connections"`
}

// ConnInfo describes one client or leafnode connection in CONNZ (and a
// gateway connection in GATEWAYZ). RTT, Uptime and Idle are human strings
// (see FormatRTT and FormatUptime); In* counts what the server received from
// the connection. The auth fields are set only with ConnzOptions.Auth.
type ConnInfo struct {
	CID            uint64        `json:"cid"`
	Kind           string        `json:"kind,omitempty"`
	Type           string        `json:"type,omitempty"`
	IP             string        `json:"ip"`
	Port           int           `json:"port"`
	Start          time.Time     `json:"start"`
	LastActivity   time.Time     `json:"last_activity"`
	Stop           time.Time     `json:"stop,omitzero"`
	Reason         string        `json:"reason,omitempty"`
	RTT            string        `json:"rtt,omitempty"`
	Uptime         string        `json:"uptime"`
	Idle           string        `json:"idle"`
	Pending        int           `json:"pending_bytes"`
	InMsgs         int64         `json:"in_msgs"`
	OutMsgs        int64         `json:"out_msgs"`
	InBytes        int64         `json:"in_bytes"`
	OutBytes       int64         `json:"out_bytes"`
	Stalls         int64         `json:"stalls,omitempty"`
	NumSubs        uint32        `json:"subscriptions"`
	Name           string        `json:"name,omitempty"`
	Lang           string        `json:"lang,omitempty"`
	Version        string        `json:"version,omitempty"`
	TLSVersion     string        `json:"tls_version,omitempty"`
	TLSCipher      string        `json:"tls_cipher_suite,omitempty"`
	TLSPeerCerts   []TLSPeerCert `json:"tls_peer_certs,omitempty"`
	TLSFirst       bool          `json:"tls_first,omitempty"`
	AuthorizedUser string        `json:"authorized_user,omitempty"`
	Account        string        `json:"account,omitempty"`
	Subs           []string      `json:"subscriptions_list,omitempty"`
	SubsDetail     []SubDetail   `json:"subscriptions_list_detail,omitempty"`
	JWT            string        `json:"jwt,omitempty"`
	IssuerKey      string        `json:"issuer_key,omitempty"`
	NameTag        string        `json:"name_tag,omitempty"`
	Tags           []string      `json:"tags,omitempty"`
	MQTTClient     string        `json:"mqtt_client,omitempty"`
	Proxy          *ProxyInfo    `json:"proxy,omitempty"`
}

// ProxyInfo names the trusted proxy a connection came through.
type ProxyInfo struct {
	Key string `json:"key"`
}

// TLSPeerCert describes one client certificate in ConnInfo.TLSPeerCerts.
type TLSPeerCert struct {
	Subject          string `json:"subject,omitempty"`
	SubjectPKISha256 string `json:"spki_sha256,omitempty"`
	CertSha256       string `json:"cert_sha256,omitempty"`
}

// SubDetail describes one subscription in the detail lists of CONNZ, ROUTEZ,
// GATEWAYZ and SUBSZ. Account and AccountTag are set only by SUBSZ.
type SubDetail struct {
	Account    string `json:"account,omitempty"`
	AccountTag string `json:"account_tag,omitempty"`
	Subject    string `json:"subject"`
	Queue      string `json:"qgroup,omitempty"`
	SID        string `json:"sid"`
	Msgs       int64  `json:"msgs"`
	Max        int64  `json:"max,omitempty"`
	CID        uint64 `json:"cid"`
}

// SortOpt is a CONNZ sort order.
type SortOpt string

// CONNZ sort orders. ByCid and ByStart sort ascending by connection id,
// ByUptime ascending by uptime, ByReason alphabetically; the others sort
// descending. ByStop and ByReason are valid only for closed connections.
const (
	ByCid      SortOpt = "cid"
	ByStart    SortOpt = "start"
	BySubs     SortOpt = "subs"
	ByPending  SortOpt = "pending"
	ByOutMsgs  SortOpt = "msgs_to"
	ByInMsgs   SortOpt = "msgs_from"
	ByOutBytes SortOpt = "bytes_to"
	ByInBytes  SortOpt = "bytes_from"
	ByLast     SortOpt = "last"
	ByIdle     SortOpt = "idle"
	ByUptime   SortOpt = "uptime"
	ByStop     SortOpt = "stop"
	ByReason   SortOpt = "reason"
	ByRTT      SortOpt = "rtt"
)

// IsValid reports whether s is a known sort order; "" (meaning ByCid) is
// valid.
func (s SortOpt) IsValid() bool {
	switch s {
	case "", ByCid, ByStart, BySubs, ByPending, ByOutMsgs, ByInMsgs, ByOutBytes,
		ByInBytes, ByLast, ByIdle, ByUptime, ByStop, ByReason, ByRTT:
		return true
	}
	return false
}

// ConnState selects open, closed or all connections in CONNZ. It is an
// integer in JSON request bodies.
type ConnState int

// Connection states of ConnzOptions.State.
const (
	ConnOpen ConnState = iota
	ConnClosed
	ConnAll
)

// String returns the HTTP query form of the state ("open", "closed", "all").
func (s ConnState) String() string {
	switch s {
	case ConnOpen:
		return "open"
	case ConnClosed:
		return "closed"
	case ConnAll:
		return "all"
	}
	return fmt.Sprintf("ConnState(%d)", int(s))
}

// ErrBadConnState is returned by ParseConnState for an unknown state word.
var ErrBadConnState = errors.New("sysapi: bad connection state")

// ParseConnState parses the HTTP "state" query parameter: "open" (or empty),
// "closed", "any" or "all", case-insensitive. The error text of a bad value is the
// reference's ("Error decoding state for <value>"); it wraps
// ErrBadConnState.
func ParseConnState(s string) (ConnState, error) {
	switch strings.ToLower(s) {
	case "", "open":
		return ConnOpen, nil
	case "closed":
		return ConnClosed, nil
	case "any", "all":
		return ConnAll, nil
	}
	return 0, &connStateError{value: s}
}

// connStateError carries the reference's error text for a bad state word.
type connStateError struct{ value string }

// Error returns the reference's text.
func (e *connStateError) Error() string { return "Error decoding state for " + e.value }

// Unwrap makes the error match ErrBadConnState.
func (e *connStateError) Unwrap() error { return ErrBadConnState }
