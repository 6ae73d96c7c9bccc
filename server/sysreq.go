package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/events"
	"github.com/natsys/natsys/server/internal/monitor"
)

// sysReq is one service request waiting for the worker.
type sysReq struct {
	subj    string   // service subject (the mapped one for an import)
	sub     string   // subject of the subscription that received it
	reply   string   // "" when the request had none
	hdr     []byte   // NATS header block, nil when none
	body    []byte   // payload
	acc     *Account // account the reply is published in; nil = system account
	pub     *client  // the requesting connection
	handler func(st *sysState, r *sysReq)
}

// errSilent makes an endpoint send no reply at all (§5.1 step 4).
var errSilent = errors.New("server: no reply")

// requestCallback returns the callback of a service subscription: the
// request is copied and queued for handler. mapped, when set, replaces the
// subject (service imports), and replies go to replyAcc (nil = the system
// account).
func (st *sysState) requestCallback(sub, mapped string, replyAcc *Account, handler func(*sysState, *sysReq)) sysCallback {
	return func(pub *client, subj, reply []byte, hdrLen int, msg []byte) {
		if st.closed.Load() {
			return
		}
		hdrLen = min(max(hdrLen, 0), len(msg))
		r := &sysReq{subj: mapped, sub: sub, reply: string(reply), acc: replyAcc, pub: pub, handler: handler}
		if r.subj == "" {
			r.subj = string(subj)
		}
		if hdrLen > 0 {
			r.hdr = bytes.Clone(msg[:hdrLen])
		}
		r.body = bytes.Clone(msg[hdrLen:])
		if !st.recvq.Push(r) {
			st.s.log.Warnf("System request queue full, dropping request on %q", r.subj)
		}
	}
}

// workLoop is the service worker goroutine.
func (st *sysState) workLoop() {
	defer close(st.workerDone)
	var batch []*sysReq
	for {
		select {
		case <-st.recvq.Ready():
		case <-st.quit:
			return
		}
		batch = st.recvq.PopAll(batch[:0])
		for i, r := range batch {
			if !st.closed.Load() {
				r.handler(st, r)
			}
			batch[i] = nil
		}
	}
}

// subscribeServices creates the system account's service subscriptions.
func (st *sysState) subscribeServices() error {
	id := st.s.id
	type svc struct {
		subj    string
		handler func(*sysState, *sysReq)
	}
	list := []svc{
		{sysapi.ServerStatsPingReqSubj, (*sysState).handleService},
	}
	for _, ep := range serverEndpoints {
		list = append(list, svc{sysapi.ServerPingSubject(ep), (*sysState).handleService})
	}
	for _, ep := range append(serverEndpoints, directOnlyEndpoints...) {
		list = append(list, svc{sysapi.ServerDirectSubject(id, ep), (*sysState).handleService})
	}
	for _, ep := range accountEndpoints {
		list = append(list, svc{sysapi.AccountSubject("*", ep), (*sysState).handleService})
	}
	list = append(list,
		svc{fmt.Sprintf(sysapi.AccPingReqSubj, sysapi.EndpointStatz), (*sysState).handleService},
		svc{fmt.Sprintf(sysapi.UserDirectReqSubj, "*"), (*sysState).handleService},
		svc{sysapi.AccSubsSubj, (*sysState).handleDebugSubscribers},
		svc{sysapi.AccNumSubsReqSubj, (*sysState).handleNumSubs},
		svc{fmt.Sprintf(sysapi.AccUpdateEventSubjOld, "*"), (*sysState).handleClaimsUpdate},
		svc{fmt.Sprintf(sysapi.AccUpdateEventSubjNew, "*"), (*sysState).handleClaimsUpdate},
	)
	for _, sv := range list {
		if _, err := subscribeInternal(st.ic, sv.subj, st.requestCallback(sv.subj, "", nil, sv.handler)); err != nil {
			return err
		}
	}
	return nil
}

// Endpoints with both a PING and a direct form, direct-only endpoints, and
// account endpoints (spec §2.2).
var (
	serverEndpoints = []sysapi.Endpoint{
		sysapi.EndpointStatsz, sysapi.EndpointIdz, sysapi.EndpointVarz, sysapi.EndpointConnz,
		sysapi.EndpointRoutez, sysapi.EndpointGatewayz, sysapi.EndpointLeafz, sysapi.EndpointSubsz,
		sysapi.EndpointJsz, sysapi.EndpointAccountz, sysapi.EndpointHealthz, sysapi.EndpointExpvarz,
		sysapi.EndpointProfilez, sysapi.EndpointIpqueuesz, sysapi.EndpointRaftz,
	}
	directOnlyEndpoints = []sysapi.Endpoint{sysapi.EndpointKick, sysapi.EndpointLDM, sysapi.EndpointReload}
	accountEndpoints    = []sysapi.Endpoint{
		sysapi.EndpointConnz, sysapi.EndpointLeafz, sysapi.EndpointSubsz, sysapi.EndpointJsz,
		sysapi.EndpointInfo, sysapi.EndpointStatz, sysapi.EndpointConns,
	}
)

// handleService dispatches a request by its (mapped) subject.
func (st *sysState) handleService(r *sysReq) {
	req, ok := events.ParseRequest(r.subj)
	if !ok {
		return
	}
	switch req.Kind {
	case events.KindServerPing:
		st.serverEndpoint(r, sysapi.Endpoint(req.Endpoint))
	case events.KindServerDirect:
		if req.Target == st.s.id {
			st.serverEndpoint(r, sysapi.Endpoint(req.Endpoint))
		}
	case events.KindAccount:
		st.accountEndpoint(r, req.Target, sysapi.Endpoint(req.Endpoint))
	case events.KindAccountPing:
		// The account wildcard subscription also matches: for it the
		// account is literally "PING", which has no statistics (§5.7).
		if !strings.Contains(r.sub, "*") {
			st.accountStatz(r, "")
		}
	case events.KindUser:
		st.userInfo(r)
	}
}

// serverEndpoint answers $SYS.REQ.SERVER.PING[.<EP>] and
// $SYS.REQ.SERVER.<id>.<EP>.
func (st *sysState) serverEndpoint(r *sysReq, ep sysapi.Endpoint) {
	src := st.s.mon
	switch ep {
	case sysapi.EndpointStatsz:
		st.statszRequest(r)
	case sysapi.EndpointIdz:
		st.idzRequest(r)
	case sysapi.EndpointVarz:
		serve(st, r, func(o *sysapi.VarzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Varz, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Varz, error) { return monitor.Varz(src, &o.VarzOptions) }
		})
	case sysapi.EndpointConnz:
		serve(st, r, func(o *sysapi.ConnzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Connz, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Connz, error) { return monitor.Connz(src, &o.ConnzOptions) }
		})
	case sysapi.EndpointRoutez:
		serve(st, r, func(o *sysapi.RoutezEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Routez, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Routez, error) { return monitor.Routez(src, &o.RoutezOptions) }
		})
	case sysapi.EndpointGatewayz:
		serve(st, r, func(o *sysapi.GatewayzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Gatewayz, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Gatewayz, error) { return monitor.Gatewayz(src, &o.GatewayzOptions) }
		})
	case sysapi.EndpointLeafz:
		serve(st, r, func(o *sysapi.LeafzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Leafz, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Leafz, error) { return monitor.Leafz(src, &o.LeafzOptions) }
		})
	case sysapi.EndpointSubsz:
		serve(st, r, func(o *sysapi.SubszEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Subsz, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Subsz, error) { return monitor.Subsz(src, &o.SubszOptions) }
		})
	default:
		st.serverEndpointMore(r, ep)
	}
}

// serverEndpointMore is the second half of serverEndpoint.
func (st *sysState) serverEndpointMore(r *sysReq, ep sysapi.Endpoint) {
	src := st.s.mon
	switch ep {
	case sysapi.EndpointJsz:
		serve(st, r, func(o *sysapi.JszEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.JSInfo, error)) {
			return &o.EventFilterOptions, func() (*sysapi.JSInfo, error) { return monitor.Jsz(src, &o.JSzOptions) }
		})
	case sysapi.EndpointAccountz:
		serve(st, r, func(o *sysapi.AccountzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Accountz, error)) {
			return &o.EventFilterOptions, func() (*sysapi.Accountz, error) { return monitor.Accountz(src, &o.AccountzOptions) }
		})
	case sysapi.EndpointHealthz:
		serve(st, r, func(o *sysapi.HealthzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.HealthStatus, error)) {
			return &o.EventFilterOptions, func() (*sysapi.HealthStatus, error) { return monitor.Healthz(src, &o.HealthzOptions) }
		})
	case sysapi.EndpointExpvarz:
		serve(st, r, func(o *sysapi.ExpvarzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.ExpvarzStatus, error)) {
			return &o.EventFilterOptions, st.expvarz
		})
	case sysapi.EndpointProfilez:
		serve(st, r, func(o *sysapi.ProfilezEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.ProfilezStatus, error)) {
			return &o.EventFilterOptions, func() (*sysapi.ProfilezStatus, error) { return profilez(&o.ProfilezOptions), nil }
		})
	case sysapi.EndpointIpqueuesz:
		serve(st, r, func(o *sysapi.IpqueueszEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.IpqueueszStatus, error)) {
			return &o.EventFilterOptions, func() (*sysapi.IpqueueszStatus, error) { return st.ipqueuesz(&o.IpqueueszOptions), nil }
		})
	case sysapi.EndpointRaftz:
		serve(st, r, func(o *sysapi.RaftzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.RaftzStatus, error)) {
			return &o.EventFilterOptions, func() (*sysapi.RaftzStatus, error) { return &sysapi.RaftzStatus{}, nil }
		})
	case sysapi.EndpointKick:
		st.kickRequest(r)
	case sysapi.EndpointLDM:
		st.ldmRequest(r)
	case sysapi.EndpointReload:
		st.reloadRequest(r)
	}
}

// serve runs the pipeline of spec §5.1 for one endpoint: a reply subject is
// required; the body is decoded into O (400 on failure); bind returns the
// filter, and a non-matching server stays silent; run's error becomes a 500
// with "data":null (errSilent and monitor.ErrNotLeader: no reply); its
// result is sent in the success envelope, compressed when asked for.
func serve[O any, T any](st *sysState, r *sysReq, bind func(*O) (*sysapi.EventFilterOptions, func() (*T, error))) {
	if r.reply == "" {
		return
	}
	o := new(O)
	if err := sysapi.DecodeOptions(r.body, o); err != nil {
		st.replyBadRequest(r, err)
		return
	}
	filter, run := bind(o)
	if !events.Match(filter, st.identity()) {
		return
	}
	v, err := run()
	if errors.Is(err, errSilent) || errors.Is(err, monitor.ErrNotLeader) {
		return
	}
	if err != nil {
		apiErr := toAPIError(err)
		st.reply(r, false, func(si *sysapi.ServerInfo) any {
			return &sysapi.ServerAPIResponse[T]{Server: *si, Error: apiErr}
		})
		return
	}
	st.reply(r, true, func(si *sysapi.ServerInfo) any {
		return &sysapi.ServerAPIResponse[T]{Server: *si, Data: v}
	})
}

// toAPIError converts an endpoint failure into the error object (500
// unless the monitor says otherwise).
func toAPIError(err error) *sysapi.APIError {
	var me *monitor.Error
	if errors.As(err, &me) {
		return me.APIError()
	}
	return &sysapi.APIError{Code: sysapi.APIErrInternal, Description: err.Error()}
}

// reply enqueues the reply to r built by env (with the server block);
// compressible replies honour the request's Accept-Encoding.
func (st *sysState) reply(r *sysReq, compressible bool, env func(si *sysapi.ServerInfo) any) {
	m := &sysMsg{acc: r.acc, subj: r.reply, build: func(si *sysapi.ServerInfo) ([]byte, bool, error) {
		b, err := json.Marshal(env(si))
		return b, compressible, err
	}}
	if compressible {
		m.enc = events.NegotiateEncoding(r.hdr)
	}
	st.enqueue(m)
}

// replyBadRequest sends the 400 reply for a body that could not be decoded.
func (st *sysState) replyBadRequest(r *sysReq, err error) {
	st.reply(r, false, func(si *sysapi.ServerInfo) any { return sysapi.BadRequest(*si, err) })
}

// replyStatus sends {"server":…} with apiErr when not nil (KICK, LDM,
// RELOAD).
func (st *sysState) replyStatus(r *sysReq, apiErr *sysapi.APIError) {
	st.reply(r, false, func(si *sysapi.ServerInfo) any {
		return &sysapi.ServerAPIStatus{Server: *si, Error: apiErr}
	})
}
