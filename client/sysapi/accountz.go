package sysapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Accountz is the ACCOUNTZ payload: the account names, or the details of one
// account when AccountzOptions.Account was given.
type Accountz struct {
	ID            string       `json:"server_id"`
	Now           time.Time    `json:"now"`
	SystemAccount string       `json:"system_account,omitempty"`
	Accounts      []string     `json:"accounts,omitempty"`
	Account       *AccountInfo `json:"account_detail,omitempty"`
}

// AccountInfo describes one account: the account_detail of ACCOUNTZ and the
// payload of $SYS.REQ.ACCOUNT.<acc>.INFO. Claim (the decoded account JWT) is
// kept as raw JSON.
type AccountInfo struct {
	AccountName string                `json:"account_name"`
	LastUpdate  time.Time             `json:"update_time"`
	IsSystem    bool                  `json:"is_system,omitempty"`
	Expired     bool                  `json:"expired"`
	Complete    bool                  `json:"complete"`
	JetStream   bool                  `json:"jetstream_enabled"`
	LeafCnt     int                   `json:"leafnode_connections"`
	ClientCnt   int                   `json:"client_connections"`
	SubCnt      uint32                `json:"subscriptions"`
	Mappings    map[string][]*MapDest `json:"mappings,omitempty"`
	Exports     []ExtExport           `json:"exports,omitempty"`
	Imports     []ExtImport           `json:"imports,omitempty"`
	JWT         string                `json:"jwt,omitempty"`
	IssuerKey   string                `json:"issuer_key,omitempty"`
	NameTag     string                `json:"name_tag,omitempty"`
	Tags        []string              `json:"tags,omitempty"`
	Claim       json.RawMessage       `json:"decoded_jwt,omitempty"`
	Vr          []ExtVrIssues         `json:"validation_result_jwt,omitempty"`
	RevokedUser map[string]time.Time  `json:"revoked_user,omitempty"`
	Sublist     *SublistStats         `json:"sublist_stats,omitempty"`
	Responses   map[string]ExtImport  `json:"responses,omitempty"`
}

// MapDest is one weighted destination of a subject mapping.
type MapDest struct {
	Subject string `json:"subject"`
	Weight  uint8  `json:"weight"`
	Cluster string `json:"cluster,omitempty"`
}

// Export and import types of ExtExport.Type and ExtImport.Type.
const (
	ExportTypeStream  = "stream"
	ExportTypeService = "service"
)

// Service export response types of ExtExport.ResponseType.
const (
	ResponseTypeSingleton = "Singleton"
	ResponseTypeStream    = "Streamed"
	ResponseTypeChunked   = "Chunked"
)

// ExtImport describes one import of an account. Subject is the subject in
// the exporting account, LocalSubject (and the older To) the subject the
// importer publishes on. ResponseThreshold-like durations are nanoseconds.
type ExtImport struct {
	Name           string              `json:"name,omitempty"`
	Subject        string              `json:"subject,omitempty"`
	Account        string              `json:"account,omitempty"`
	Token          string              `json:"token,omitempty"`
	To             string              `json:"to,omitempty"`
	LocalSubject   string              `json:"local_subject,omitempty"`
	Type           string              `json:"type,omitempty"`
	AllowTrace     bool                `json:"allow_trace,omitempty"`
	Invalid        bool                `json:"invalid"`
	Share          bool                `json:"share"`
	Tracking       bool                `json:"tracking"`
	TrackingHeader map[string][]string `json:"tracking_header,omitempty"`
	Latency        *ExportLatency      `json:"latency,omitempty"`
	M1             *ServiceLatency     `json:"m1,omitempty"`
}

// ExtExport describes one export of an account. ResponseThreshold is integer
// nanoseconds; Revocations maps public keys to Unix seconds.
type ExtExport struct {
	Name                 string               `json:"name,omitempty"`
	Subject              string               `json:"subject,omitempty"`
	Type                 string               `json:"type,omitempty"`
	TokenReq             bool                 `json:"token_req,omitempty"`
	Revocations          map[string]int64     `json:"revocations,omitempty"`
	ResponseType         string               `json:"response_type,omitempty"`
	ResponseThreshold    time.Duration        `json:"response_threshold,omitempty"`
	Latency              *ExportLatency       `json:"service_latency,omitempty"`
	AccountTokenPosition uint                 `json:"account_token_position,omitempty"`
	Advertise            bool                 `json:"advertise,omitempty"`
	AllowTrace           bool                 `json:"allow_trace,omitempty"`
	Description          string               `json:"description,omitempty"`
	InfoURL              string               `json:"info_url,omitempty"`
	ApprovedAccounts     []string             `json:"approved_accounts,omitempty"`
	RevokedAct           map[string]time.Time `json:"revoked_activations,omitempty"`
}

// ExportLatency configures service latency tracking of an export or import.
type ExportLatency struct {
	Sampling SamplingRate `json:"sampling"`
	Results  string       `json:"results"`
}

// SamplingRate is a latency sampling percentage (1..100), or
// SamplingHeaders, which JSON spells "headers".
type SamplingRate int

// SamplingHeaders means: sample the requests that carry tracing headers.
const SamplingHeaders SamplingRate = 0

// ErrBadSamplingRate is returned when decoding a sampling rate that is
// neither "headers" nor an integer.
var ErrBadSamplingRate = errors.New("sysapi: bad sampling rate")

// MarshalJSON encodes SamplingHeaders as "headers" and any other value as a
// number.
func (r SamplingRate) MarshalJSON() ([]byte, error) {
	if r == SamplingHeaders {
		return []byte(`"headers"`), nil
	}
	return strconv.AppendInt(nil, int64(r), 10), nil
}

// UnmarshalJSON accepts "headers" (any case) or an integer.
func (r *SamplingRate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if !strings.EqualFold(s, "headers") {
			return fmt.Errorf("%w: %q", ErrBadSamplingRate, s)
		}
		*r = SamplingHeaders
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%w: %s", ErrBadSamplingRate, b)
	}
	*r = SamplingRate(n)
	return nil
}

// ServiceLatency is a service latency measurement
// (io.nats.server.metric.v1.service_latency), as kept in ExtImport.M1. The
// durations are integer nanoseconds.
type ServiceLatency struct {
	TypedEvent
	Status         int                 `json:"status"`
	Error          string              `json:"description,omitempty"`
	Requestor      *ClientInfo         `json:"requestor,omitempty"`
	Responder      *ClientInfo         `json:"responder,omitempty"`
	RequestHeader  map[string][]string `json:"header,omitempty"`
	RequestStart   time.Time           `json:"start"`
	ServiceLatency time.Duration       `json:"service"`
	SystemLatency  time.Duration       `json:"system"`
	TotalLatency   time.Duration       `json:"total"`
}

// ServiceLatencyType is the type string of ServiceLatency.
const ServiceLatencyType = "io.nats.server.metric.v1.service_latency"

// ExtVrIssues is one JWT validation issue of an account.
type ExtVrIssues struct {
	Description string `json:"description"`
	Blocking    bool   `json:"blocking"`
	Time        bool   `json:"time_check"`
}

// AccountStatz is the account STATZ payload: one AccountStat per reported
// account; [] (non-nil) when there is none, which only HTTP replies show.
type AccountStatz struct {
	ID       string         `json:"server_id"`
	Now      time.Time      `json:"now"`
	Accounts []*AccountStat `json:"account_statz"`
}
