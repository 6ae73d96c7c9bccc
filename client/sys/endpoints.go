package sys

import (
	"context"
	"fmt"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// Ping asks every server for its statistics on "$SYS.REQ.SERVER.PING", the
// request natscli's "server ping" and "server list" send. Without Expect it
// waits for the active_servers count of the first reply (or the quiet gap
// when a Filter is set or the count is absent). Reply.RTT is each server's
// round trip.
func Ping(ctx context.Context, nc *client.Conn, opts ...Option) (*Result[sysapi.ServerStats], error) {
	if nc == nil {
		return nil, fmt.Errorf("%w: nil connection", ErrBadTarget)
	}
	return callSubject[sysapi.ServerStats](ctx, nc, sysapi.ServerStatsPingReqSubj, epStatsz, nil, opts)
}

// Statsz asks the target servers for their statistics (STATSZ, the payload
// of Ping).
func Statsz(ctx context.Context, nc *client.Conn, target Target, opts ...Option) (*Result[sysapi.ServerStats], error) {
	return callServers[sysapi.ServerStats](ctx, nc, target, epStatsz, nil, opts)
}

// Idz asks the target servers for their identity (IDZ: name, host, ID).
func Idz(ctx context.Context, nc *client.Conn, target Target, opts ...Option) (*Result[sysapi.ServerID], error) {
	return callServers[sysapi.ServerID](ctx, nc, target, epIdz, nil, opts)
}

// Varz asks the target servers for their general information and counters
// (VARZ).
func Varz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.VarzOptions, o ...Option) (*Result[sysapi.Varz], error) {
	return callServers[sysapi.Varz](ctx, nc, target, envelopeEndpoint(sysapi.EndpointVarz, true), opts, o)
}

// Connz asks the target servers for their client and leafnode connections
// (CONNZ). opts selects, sorts and pages them (State is open, closed or all;
// CID forces a limit of 1).
//
// From a non-system account Connz on All servers still works: the request
// is imported into the system account as "$SYS.REQ.ACCOUNT.<own>.CONNZ" and
// lists the user's own account only.
func Connz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.ConnzOptions, o ...Option) (*Result[sysapi.Connz], error) {
	return callServers[sysapi.Connz](ctx, nc, target, envelopeEndpoint(sysapi.EndpointConnz, true), opts, o)
}

// Routez asks the target servers for their routes (ROUTEZ).
func Routez(ctx context.Context, nc *client.Conn, target Target, opts sysapi.RoutezOptions, o ...Option) (*Result[sysapi.Routez], error) {
	return callServers[sysapi.Routez](ctx, nc, target, envelopeEndpoint(sysapi.EndpointRoutez, true), opts, o)
}

// Gatewayz asks the target servers for their gateways (GATEWAYZ).
func Gatewayz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.GatewayzOptions, o ...Option) (*Result[sysapi.Gatewayz], error) {
	return callServers[sysapi.Gatewayz](ctx, nc, target, envelopeEndpoint(sysapi.EndpointGatewayz, true), opts, o)
}

// Leafz asks the target servers for their leafnode connections (LEAFZ).
func Leafz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.LeafzOptions, o ...Option) (*Result[sysapi.Leafz], error) {
	return callServers[sysapi.Leafz](ctx, nc, target, envelopeEndpoint(sysapi.EndpointLeafz, true), opts, o)
}

// Subsz asks the target servers for their subscription statistics and,
// with Subscriptions, the list (SUBSZ). Test, a literal subject, keeps only
// the subscriptions a message on it would reach.
func Subsz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.SubszOptions, o ...Option) (*Result[sysapi.Subsz], error) {
	return callServers[sysapi.Subsz](ctx, nc, target, envelopeEndpoint(sysapi.EndpointSubsz, true), opts, o)
}

// Jsz asks the target servers for their JetStream state (JSZ). A server
// without JetStream answers successfully with Disabled set. With LeaderOnly
// only the meta leader answers, so the call waits for the quiet gap instead
// of a discovered server count.
func Jsz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.JSzOptions, o ...Option) (*Result[sysapi.JSInfo], error) {
	return callServers[sysapi.JSInfo](ctx, nc, target, envelopeEndpoint(sysapi.EndpointJsz, !opts.LeaderOnly), opts, o)
}

// Accountz asks the target servers for their accounts (ACCOUNTZ): the list
// of names, or with Account set that account's details.
func Accountz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.AccountzOptions, o ...Option) (*Result[sysapi.Accountz], error) {
	return callServers[sysapi.Accountz](ctx, nc, target, envelopeEndpoint(sysapi.EndpointAccountz, true), opts, o)
}

// Healthz asks the target servers for their health (HEALTHZ). The outcome is
// in the payload (Status, StatusCode), not in Reply.Err.
func Healthz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.HealthzOptions, o ...Option) (*Result[sysapi.HealthStatus], error) {
	return callServers[sysapi.HealthStatus](ctx, nc, target, envelopeEndpoint(sysapi.EndpointHealthz, true), opts, o)
}

// Expvarz asks the target servers for Go runtime variables (EXPVARZ).
func Expvarz(ctx context.Context, nc *client.Conn, target Target, o ...Option) (*Result[sysapi.ExpvarzStatus], error) {
	return callServers[sysapi.ExpvarzStatus](ctx, nc, target, envelopeEndpoint(sysapi.EndpointExpvarz, true), nil, o)
}

// Ipqueuesz asks the target servers for their internal queues (IPQUEUESZ).
func Ipqueuesz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.IpqueueszOptions, o ...Option) (*Result[sysapi.IpqueueszStatus], error) {
	return callServers[sysapi.IpqueueszStatus](ctx, nc, target, envelopeEndpoint(sysapi.EndpointIpqueuesz, true), opts, o)
}

// Raftz asks the target servers for their raft groups (RAFTZ).
func Raftz(ctx context.Context, nc *client.Conn, target Target, opts sysapi.RaftzOptions, o ...Option) (*Result[sysapi.RaftzStatus], error) {
	return callServers[sysapi.RaftzStatus](ctx, nc, target, envelopeEndpoint(sysapi.EndpointRaftz, true), opts, o)
}

// Profilez asks the target servers for a pprof profile (PROFILEZ).
func Profilez(ctx context.Context, nc *client.Conn, target Target, opts sysapi.ProfilezOptions, o ...Option) (*Result[sysapi.ProfilezStatus], error) {
	return callServers[sysapi.ProfilezStatus](ctx, nc, target, envelopeEndpoint(sysapi.EndpointProfilez, true), opts, o)
}

// Call asks the target servers for any endpoint that answers with the data
// envelope ({"server":…,"data":…}), decoding data into T. opts is the
// endpoint's options value (nil for none); it must encode as a JSON object.
func Call[T any](ctx context.Context, nc *client.Conn, target Target, ep sysapi.Endpoint, opts any, o ...Option) (*Result[T], error) {
	return callServers[T](ctx, nc, target, envelopeEndpoint(ep, true), opts, o)
}

// Kick closes connection cid (a client or leafnode) on one server, given by
// ID or name. On an error object (e.g. "no such client or leafnode id") it
// returns the reply and an error wrapping the *sysapi.APIError.
func Kick(ctx context.Context, nc *client.Conn, server string, cid uint64, o ...Option) (*Reply[struct{}], error) {
	res, err := callServers[struct{}](ctx, nc, Server(server), serverAction(sysapi.EndpointKick), sysapi.KickClientReq{CID: cid}, o)
	return single(res, err, fmt.Sprintf("kick cid %d", cid))
}

// LDM sends connection cid on one server (by ID or name) an INFO asking it
// to move to another server (lame duck mode for one client). Errors as in
// Kick.
func LDM(ctx context.Context, nc *client.Conn, server string, cid uint64, o ...Option) (*Reply[struct{}], error) {
	res, err := callServers[struct{}](ctx, nc, Server(server), serverAction(sysapi.EndpointLDM), sysapi.LDMClientReq{CID: cid}, o)
	return single(res, err, fmt.Sprintf("ldm cid %d", cid))
}

// Reload makes one server (by ID or name) re-read its configuration file.
// Errors as in Kick.
func Reload(ctx context.Context, nc *client.Conn, server string, o ...Option) (*Reply[struct{}], error) {
	res, err := callServers[struct{}](ctx, nc, Server(server), serverAction(sysapi.EndpointReload), nil, o)
	return single(res, err, "reload")
}

// serverAction describes KICK, LDM and RELOAD: direct only, no payload.
func serverAction(ep sysapi.Endpoint) endpoint {
	return endpoint{ep: ep, shape: shapeStatus, everyServer: true}
}

// UserInfo asks who the connection's user is ("$SYS.REQ.USER.INFO"): user,
// account and permissions. Any account may ask; the connected server
// answers.
func UserInfo(ctx context.Context, nc *client.Conn, o ...Option) (*Reply[sysapi.UserInfo], error) {
	if nc == nil {
		return nil, fmt.Errorf("%w: nil connection", ErrBadTarget)
	}
	o = append(o, Expect(1))
	res, err := callSubject[sysapi.UserInfo](ctx, nc, sysapi.UserDirectInfoSubj, endpoint{shape: shapeEnvelope}, nil, o)
	return single(res, err, "user info")
}
