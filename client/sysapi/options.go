package sysapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"
)

// EventFilterOptions select which servers answer a request; a server that
// does not match stays silent. Empty fields do not filter. Name, Cluster and
// Host match as substrings unless ExactMatch is set; every tag in Tags must
// be configured on the server (case-insensitive); Domain must be equal.
type EventFilterOptions struct {
	Name       string   `json:"server_name,omitempty"`
	Cluster    string   `json:"cluster,omitempty"`
	Host       string   `json:"host,omitempty"`
	ExactMatch bool     `json:"exact_match,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	Domain     string   `json:"domain,omitempty"`
}

// ConnzOptions is the CONNZ request body. Sort "" means ByCid, Limit <= 0
// means DefaultConnzLimit, State is ConnOpen/ConnClosed/ConnAll (an integer
// on NATS). FilterSubject requires Account.
type ConnzOptions struct {
	Sort                SortOpt   `json:"sort"`
	Auth                bool      `json:"auth"`
	Subscriptions       bool      `json:"subscriptions"`
	SubscriptionsDetail bool      `json:"subscriptions_detail"`
	Offset              int       `json:"offset"`
	Limit               int       `json:"limit"`
	CID                 uint64    `json:"cid"`
	MQTTClient          string    `json:"mqtt_client"`
	State               ConnState `json:"state"`
	User                string    `json:"user"`
	Account             string    `json:"acc"`
	FilterSubject       string    `json:"filter_subject"`
}

// RoutezOptions is the ROUTEZ request body.
type RoutezOptions struct {
	Subscriptions       bool `json:"subscriptions"`
	SubscriptionsDetail bool `json:"subscriptions_detail"`
}

// GatewayzOptions is the GATEWAYZ request body. AccountName implies
// Accounts; the subscription switches apply to the account entries.
type GatewayzOptions struct {
	Name                       string `json:"name"`
	Accounts                   bool   `json:"accounts"`
	AccountName                string `json:"account_name"`
	AccountSubscriptions       bool   `json:"subscriptions"`
	AccountSubscriptionsDetail bool   `json:"subscriptions_detail"`
}

// LeafzOptions is the LEAFZ request body.
type LeafzOptions struct {
	Subscriptions bool   `json:"subscriptions"`
	Account       string `json:"account"`
}

// SubszOptions is the SUBSZ request body. Test must be a literal subject.
type SubszOptions struct {
	Offset        int    `json:"offset"`
	Limit         int    `json:"limit"`
	Subscriptions bool   `json:"subscriptions"`
	Account       string `json:"account,omitempty"`
	Test          string `json:"test,omitempty"`
}

// VarzOptions is the VARZ request body; it has no fields of its own.
type VarzOptions struct{}

// JSzOptions is the JSZ request body. Note "consumer" is singular on NATS
// (the HTTP parameter is "consumers").
type JSzOptions struct {
	Account          string `json:"account,omitempty"`
	Accounts         bool   `json:"accounts,omitempty"`
	Streams          bool   `json:"streams,omitempty"`
	Consumer         bool   `json:"consumer,omitempty"`
	DirectConsumer   bool   `json:"direct_consumer,omitempty"`
	Config           bool   `json:"config,omitempty"`
	LeaderOnly       bool   `json:"leader_only,omitempty"`
	Offset           int    `json:"offset,omitempty"`
	Limit            int    `json:"limit,omitempty"`
	RaftGroups       bool   `json:"raft,omitempty"`
	StreamLeaderOnly bool   `json:"stream_leader_only,omitempty"`
}

// AccountzOptions is the ACCOUNTZ request body.
type AccountzOptions struct {
	Account string `json:"account"`
}

// AccountStatzOptions is the account STATZ request body.
type AccountStatzOptions struct {
	Accounts      []string `json:"accounts"`
	IncludeUnused bool     `json:"include_unused"`
}

// HealthzOptions is the HEALTHZ request body (note the hyphenated keys).
type HealthzOptions struct {
	JSEnabled     bool   `json:"js-enabled,omitempty"`
	JSEnabledOnly bool   `json:"js-enabled-only,omitempty"`
	JSServerOnly  bool   `json:"js-server-only,omitempty"`
	JSMetaOnly    bool   `json:"js-meta-only,omitempty"`
	Account       string `json:"account,omitempty"`
	Stream        string `json:"stream,omitempty"`
	Consumer      string `json:"consumer,omitempty"`
	Details       bool   `json:"details,omitempty"`
}

// ProfilezOptions is the PROFILEZ request body; Duration is integer
// nanoseconds.
type ProfilezOptions struct {
	Name     string        `json:"name"`
	Debug    int           `json:"debug"`
	Duration time.Duration `json:"duration,omitempty"`
}

// IpqueueszOptions is the IPQUEUESZ request body.
type IpqueueszOptions struct {
	All    bool   `json:"all"`
	Filter string `json:"filter"`
}

// RaftzOptions is the RAFTZ request body.
type RaftzOptions struct {
	AccountFilter string `json:"account"`
	GroupFilter   string `json:"group"`
}

// The *EventOptions types are the complete request bodies: endpoint options
// and EventFilterOptions flattened into one JSON object. Their Go names are
// part of the 400 error texts ("json: cannot unmarshal string into Go struct
// field ConnzEventOptions.ConnzOptions.limit of type int").

// StatszEventOptions is the body of STATSZ and PING.
type StatszEventOptions struct {
	EventFilterOptions
}

// AccInfoEventOptions is the body of $SYS.REQ.ACCOUNT.<acc>.INFO (and of
// RELOAD).
type AccInfoEventOptions struct {
	EventFilterOptions
}

// ConnzEventOptions is the body of CONNZ.
type ConnzEventOptions struct {
	ConnzOptions
	EventFilterOptions
}

// RoutezEventOptions is the body of ROUTEZ.
type RoutezEventOptions struct {
	RoutezOptions
	EventFilterOptions
}

// SubszEventOptions is the body of SUBSZ.
type SubszEventOptions struct {
	SubszOptions
	EventFilterOptions
}

// VarzEventOptions is the body of VARZ.
type VarzEventOptions struct {
	VarzOptions
	EventFilterOptions
}

// GatewayzEventOptions is the body of GATEWAYZ.
type GatewayzEventOptions struct {
	GatewayzOptions
	EventFilterOptions
}

// LeafzEventOptions is the body of LEAFZ.
type LeafzEventOptions struct {
	LeafzOptions
	EventFilterOptions
}

// AccountzEventOptions is the body of ACCOUNTZ.
type AccountzEventOptions struct {
	AccountzOptions
	EventFilterOptions
}

// AccountStatzEventOptions is the body of account STATZ.
type AccountStatzEventOptions struct {
	AccountStatzOptions
	EventFilterOptions
}

// JszEventOptions is the body of JSZ.
type JszEventOptions struct {
	JSzOptions
	EventFilterOptions
}

// HealthzEventOptions is the body of HEALTHZ.
type HealthzEventOptions struct {
	HealthzOptions
	EventFilterOptions
}

// ProfilezEventOptions is the body of PROFILEZ.
type ProfilezEventOptions struct {
	ProfilezOptions
	EventFilterOptions
}

// ExpvarzEventOptions is the body of EXPVARZ.
type ExpvarzEventOptions struct {
	EventFilterOptions
}

// IpqueueszEventOptions is the body of IPQUEUESZ.
type IpqueueszEventOptions struct {
	EventFilterOptions
	IpqueueszOptions
}

// RaftzEventOptions is the body of RAFTZ.
type RaftzEventOptions struct {
	EventFilterOptions
	RaftzOptions
}

// DecodeOptions decodes a service request body into opts the way the
// reference does: an empty body leaves opts unchanged (all defaults) and
// unknown keys are ignored. Any other body that is not JSON of the right
// shape (including a whitespace-only body) is an error whose text is the
// reference's description of the APIErrBadRequest reply (see BadRequest):
// the JSON decoder's message, with this package's named types spelled the
// way the reference spells them ("of type server.ConnState"). The original
// decoder error is available through errors.As/Unwrap.
func DecodeOptions(body []byte, opts any) error {
	if len(body) == 0 {
		return nil
	}
	err := json.Unmarshal(body, opts)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Type != nil && typeErr.Type.PkgPath() == packagePath {
		ours := "of type " + typeErr.Type.String()
		return &optionsError{err: err, text: strings.Replace(err.Error(), ours, "of type server."+typeErr.Type.Name(), 1)}
	}
	return err
}

// packagePath is this package's import path, as reflect reports it.
var packagePath = reflect.TypeFor[ConnState]().PkgPath()

// optionsError is a decoding error with the reference's text.
type optionsError struct {
	err  error
	text string
}

// Error returns the reference's text.
func (e *optionsError) Error() string { return e.text }

// Unwrap returns the JSON decoder's error.
func (e *optionsError) Unwrap() error { return e.err }

// BadRequest returns the 400 reply envelope for a body that DecodeOptions
// rejected.
func BadRequest(server ServerInfo, err error) *ServerAPIStatus {
	return &ServerAPIStatus{Server: server, Error: &APIError{Code: APIErrBadRequest, Description: err.Error()}}
}
