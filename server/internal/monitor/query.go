package monitor

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/natsys/natsys/client/sysapi"
)

// The HTTP endpoints take their options from query parameters. Only the
// first value of a parameter counts, an empty value is the same as an
// absent one, and parameters are decoded in the reference's order so that
// the first bad one is the one reported (400, reference text).

// query decodes typed query parameters, keeping the first error.
type query struct {
	v   url.Values
	err error
}

// str returns the parameter's first value.
func (q *query) str(name string) string { return q.v.Get(name) }

// boolean decodes a strconv.ParseBool parameter (false when absent).
func (q *query) boolean(name string) bool {
	s := q.v.Get(name)
	if s == "" || q.err != nil {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		q.err = badRequest("Error decoding boolean for '%s': %v", name, err)
	}
	return b
}

// integer decodes a strconv.Atoi parameter (0 when absent).
func (q *query) integer(name string) int {
	s := q.v.Get(name)
	if s == "" || q.err != nil {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.err = badRequest("Error decoding int for '%s': %v", name, err)
	}
	return n
}

// unsigned decodes a decimal uint64 parameter (0 when absent).
func (q *query) unsigned(name string) uint64 {
	s := q.v.Get(name)
	if s == "" || q.err != nil {
		return 0
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		q.err = badRequest("Error decoding uint64 for '%s': %v", name, err)
	}
	return n
}

// subs decodes a parameter that is a boolean or the word "detail" (any
// case), which asks for subscription details.
func (q *query) subs(name string) (list, detail bool) {
	if strings.EqualFold(q.v.Get(name), "detail") {
		return false, true
	}
	return q.boolean(name), false
}

// result returns opts, or the first decoding error.
func result[T any](q *query, opts *T) (*T, error) {
	if q.err != nil {
		return nil, q.err
	}
	return opts, nil
}

// connzQuery decodes the /connz parameters. There is no filter_subject over
// HTTP.
func connzQuery(v url.Values) (*sysapi.ConnzOptions, error) {
	q := &query{v: v}
	o := &sysapi.ConnzOptions{Sort: sysapi.SortOpt(q.str("sort"))}
	o.Auth = q.boolean("auth")
	o.Subscriptions, o.SubscriptionsDetail = q.subs("subs")
	o.Offset = q.integer("offset")
	o.Limit = q.integer("limit")
	o.CID = q.unsigned("cid")
	o.MQTTClient = q.str("mqtt_client")
	if q.err == nil {
		state, err := sysapi.ParseConnState(q.str("state"))
		if err != nil {
			q.err = badRequest("%s", err.Error())
		}
		o.State = state
	}
	o.User = q.str("user")
	o.Account = q.str("acc")
	return result(q, o)
}

// routezQuery decodes the /routez parameters.
func routezQuery(v url.Values) (*sysapi.RoutezOptions, error) {
	q := &query{v: v}
	o := &sysapi.RoutezOptions{}
	o.Subscriptions, o.SubscriptionsDetail = q.subs("subs")
	return result(q, o)
}

// gatewayzQuery decodes the /gatewayz parameters; acc_name implies accs.
func gatewayzQuery(v url.Values) (*sysapi.GatewayzOptions, error) {
	q := &query{v: v}
	o := &sysapi.GatewayzOptions{}
	o.AccountSubscriptions, o.AccountSubscriptionsDetail = q.subs("subs")
	o.Accounts = q.boolean("accs")
	o.Name = q.str("gw_name")
	o.AccountName = q.str("acc_name")
	if o.AccountName != "" {
		o.Accounts = true
	}
	return result(q, o)
}

// leafzQuery decodes the /leafz parameters.
func leafzQuery(v url.Values) (*sysapi.LeafzOptions, error) {
	q := &query{v: v}
	o := &sysapi.LeafzOptions{Subscriptions: q.boolean("subs"), Account: q.str("acc")}
	return result(q, o)
}

// subszQuery decodes the /subsz parameters.
func subszQuery(v url.Values) (*sysapi.SubszOptions, error) {
	q := &query{v: v}
	o := &sysapi.SubszOptions{}
	o.Subscriptions = q.boolean("subs")
	o.Offset = q.integer("offset")
	o.Limit = q.integer("limit")
	o.Test = q.str("test")
	o.Account = q.str("acc")
	return result(q, o)
}

// accountzQuery decodes the /accountz parameters.
func accountzQuery(v url.Values) (*sysapi.AccountzOptions, error) {
	return &sysapi.AccountzOptions{Account: v.Get("acc")}, nil
}

// accstatzQuery decodes the /accstatz parameters.
func accstatzQuery(v url.Values) (*sysapi.AccountStatzOptions, error) {
	q := &query{v: v}
	o := &sysapi.AccountStatzOptions{IncludeUnused: q.boolean("unused")}
	return result(q, o)
}

// jszQuery decodes the /jsz parameters (note the hyphenated names and
// "consumers" for JSzOptions.Consumer).
func jszQuery(v url.Values) (*sysapi.JSzOptions, error) {
	q := &query{v: v}
	o := &sysapi.JSzOptions{Account: q.str("acc")}
	o.Accounts = q.boolean("accounts")
	o.Streams = q.boolean("streams")
	o.Consumer = q.boolean("consumers")
	o.DirectConsumer = q.boolean("direct-consumers")
	o.Config = q.boolean("config")
	o.Offset = q.integer("offset")
	o.Limit = q.integer("limit")
	o.LeaderOnly = q.boolean("leader-only")
	o.RaftGroups = q.boolean("raft")
	o.StreamLeaderOnly = q.boolean("stream-leader-only")
	return result(q, o)
}

// healthzQuery decodes the /healthz parameters.
func healthzQuery(v url.Values) (*sysapi.HealthzOptions, error) {
	q := &query{v: v}
	o := &sysapi.HealthzOptions{}
	o.JSEnabled = q.boolean("js-enabled")
	o.JSEnabledOnly = q.boolean("js-enabled-only")
	o.JSServerOnly = q.boolean("js-server-only")
	o.JSMetaOnly = q.boolean("js-meta-only")
	o.Details = q.boolean("details")
	o.Account = q.str("account")
	o.Stream = q.str("stream")
	o.Consumer = q.str("consumer")
	return result(q, o)
}
