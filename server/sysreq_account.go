package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/jwt/v2"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/monitor"
	"github.com/natsys/natsys/server/internal/subject"
)

// Texts of the claim-update replies in config mode.
const (
	errTextJWTEmpty    = "jwt update error - request body is empty"
	errTextJWTFailed   = "jwt update resulted in error - %s"
	errTextJWTNoResolv = "account resolver not configured"
)

// autoImport is one automatic service import of a non-system account
// (§1.5): what a client publishes, and the account service it becomes.
type autoImport struct {
	local  string // subject in the importing account
	remote string // format with the importing account's name
	share  bool   // the requester's identity is shared (USER.INFO)
}

// accountImports are the automatic imports of every non-system account, in
// the order the reference lists them.
var accountImports = []autoImport{
	{"$SYS.REQ.ACCOUNT.PING.CONNZ", "$SYS.REQ.ACCOUNT.%s.CONNZ", false},
	{"$SYS.REQ.SERVER.PING.CONNZ", "$SYS.REQ.ACCOUNT.%s.CONNZ", false},
	{"$SYS.REQ.ACCOUNT.PING.STATZ", "$SYS.REQ.ACCOUNT.%s.STATZ", false},
	{sysapi.UserDirectInfoSubj, sysapi.UserDirectReqSubj, true},
}

// systemExports are the service exports of the system account.
func systemExports() []sysapi.ExtExport {
	svc := func(subj, rt string) sysapi.ExtExport {
		return sysapi.ExtExport{Subject: subj, Type: sysapi.ExportTypeService, ResponseType: rt}
	}
	return []sysapi.ExtExport{
		svc(fmt.Sprintf(sysapi.UserDirectReqSubj, "*"), sysapi.ResponseTypeSingleton),
		svc(sysapi.AccountSubject("*", sysapi.EndpointConnz), sysapi.ResponseTypeStream),
		svc(sysapi.AccountSubject("*", sysapi.EndpointStatz), sysapi.ResponseTypeStream),
		svc(sysapi.AccSubsSubj, sysapi.ResponseTypeSingleton),
	}
}

// sysAccountsChanged sets up the imports of accounts added by a reload.
func (s *Server) sysAccountsChanged() {
	st := s.sys
	if st == nil || !st.started.Load() {
		return
	}
	if err := st.addAccounts(); err != nil {
		s.log.Errorf("Error setting up system imports: %v", err)
	}
}

// addAccounts gives every account that has none yet its internal client
// and automatic imports: the system account first, then by name.
func (st *sysState) addAccounts() error {
	as := st.s.accts.Load()
	names := make([]string, 0, len(as.byName))
	for n := range as.byName {
		if as.byName[n] != st.acc {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	if err := st.addImports(st.acc, []autoImport{{sysapi.UserDirectInfoSubj, sysapi.UserDirectReqSubj, true}}); err != nil {
		return err
	}
	for _, n := range names {
		if err := st.addImports(as.byName[n], accountImports); err != nil {
			return err
		}
	}
	return nil
}

// addImports creates a's internal client and import subscriptions, unless
// it has them already.
func (st *sysState) addImports(a *Account, list []autoImport) error {
	as := st.accStateFor(a)
	st.mu.Lock()
	done := as.ic != nil
	if !done {
		as.ic = st.s.newInternalClient(a)
	}
	ic := as.ic
	st.mu.Unlock()
	if done {
		return nil
	}
	imports := make([]sysapi.ExtImport, 0, len(list))
	for _, im := range list {
		remote := fmt.Sprintf(im.remote, a.Name)
		if _, err := subscribeInternal(ic, im.local, st.requestCallback(im.local, remote, a, (*sysState).handleService)); err != nil {
			return err
		}
		imports = append(imports, sysapi.ExtImport{
			Subject: remote, Account: st.acc.Name, To: im.local, LocalSubject: im.local,
			Type: sysapi.ExportTypeService, Share: im.share,
		})
	}
	st.mu.Lock()
	as.imports = imports
	st.mu.Unlock()
	return nil
}

// accountEndpoint answers $SYS.REQ.ACCOUNT.<acc>.<EP>; the account of the
// subject overrides any account in the body.
func (st *sysState) accountEndpoint(r *sysReq, acc string, ep sysapi.Endpoint) {
	src := st.s.mon
	switch ep {
	case sysapi.EndpointConnz:
		serve(st, r, func(o *sysapi.ConnzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Connz, error)) {
			o.ConnzOptions.Account = acc
			return &o.EventFilterOptions, func() (*sysapi.Connz, error) { return monitor.Connz(src, &o.ConnzOptions) }
		})
	case sysapi.EndpointLeafz:
		serve(st, r, func(o *sysapi.LeafzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Leafz, error)) {
			o.LeafzOptions.Account = acc
			return &o.EventFilterOptions, func() (*sysapi.Leafz, error) { return monitor.Leafz(src, &o.LeafzOptions) }
		})
	case sysapi.EndpointSubsz:
		serve(st, r, func(o *sysapi.SubszEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.Subsz, error)) {
			o.SubszOptions.Account, o.Subscriptions = acc, true
			return &o.EventFilterOptions, func() (*sysapi.Subsz, error) { return monitor.Subsz(src, &o.SubszOptions) }
		})
	case sysapi.EndpointJsz:
		serve(st, r, func(o *sysapi.JszEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.AccountDetail, error)) {
			return &o.EventFilterOptions, func() (*sysapi.AccountDetail, error) { return monitor.AccountJsz(src, acc, &o.JSzOptions) }
		})
	case sysapi.EndpointInfo:
		serve(st, r, func(o *sysapi.AccInfoEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.AccountInfo, error)) {
			return &o.EventFilterOptions, func() (*sysapi.AccountInfo, error) { return monitor.AccountInfo(src, acc) }
		})
	case sysapi.EndpointStatz:
		st.accountStatz(r, acc)
	case sysapi.EndpointConns:
		st.accountConnsRequest(r, acc)
	}
}

// accountStatz answers account STATZ for acc, or for the accounts in the
// body when acc is "" ($SYS.REQ.ACCOUNT.PING.STATZ); with nothing to report
// the server stays silent.
func (st *sysState) accountStatz(r *sysReq, acc string) {
	serve(st, r, func(o *sysapi.AccountStatzEventOptions) (*sysapi.EventFilterOptions, func() (*sysapi.AccountStatz, error)) {
		if acc != "" {
			o.Accounts = []string{acc}
		}
		return &o.EventFilterOptions, func() (*sysapi.AccountStatz, error) {
			as, err := monitor.Accstatz(st.s.mon, &o.AccountStatzOptions)
			if err == nil && len(as.Accounts) == 0 {
				return nil, errSilent
			}
			return as, err
		}
	})
}

// accountConnsRequest answers $SYS.REQ.ACCOUNT.<acc>.CONNS with the bare
// AccountNumConns event when this server has connections in acc.
func (st *sysState) accountConnsRequest(r *sysReq, acc string) {
	if r.reply == "" {
		return
	}
	if len(r.body) > 0 {
		var req sysapi.AccountNumConnsReq
		if err := json.Unmarshal(r.body, &req); err != nil || (req.Account != "" && req.Account != acc) {
			return
		}
	}
	a := st.s.LookupAccount(acc)
	if a == nil || a.NumClients() == 0 {
		return
	}
	st.sendConns(a, r.reply)
}

// userInfo answers $SYS.REQ.USER.<acc>.INFO (reached through the USER.INFO
// import) with the requester's identity.
func (st *sysState) userInfo(r *sysReq) {
	pub := r.pub
	if r.reply == "" || pub == nil || pub.nc == nil {
		return
	}
	ui := pub.userInfo()
	st.reply(r, false, func(si *sysapi.ServerInfo) any {
		return &sysapi.ServerAPIResponse[sysapi.UserInfo]{Server: *si, Data: ui}
	})
}

// userInfo describes who c is for $SYS.REQ.USER.INFO.
func (c *client) userInfo() *sysapi.UserInfo {
	c.mu.Lock()
	id := c.identityLocked()
	c.mu.Unlock()
	ui := &sysapi.UserInfo{UserID: id}
	if a := c.acc.Load(); a != nil {
		ui.Account, ui.AccountName = a.Name, a.Name
	}
	if p := c.perms.Load(); p != nil {
		ui.Permissions = p.export()
	}
	return ui
}

// export returns the permissions in their JSON form.
func (p *permissions) export() *sysapi.Permissions {
	entries := func(list []permEntry) []string {
		var out []string
		for _, e := range list {
			if e.queue != "" {
				out = append(out, e.subject+" "+e.queue)
			} else {
				out = append(out, e.subject)
			}
		}
		return out
	}
	out := &sysapi.Permissions{}
	if len(p.pubAllow) > 0 || len(p.pubDeny) > 0 {
		out.Publish = &sysapi.SubjectPermission{Allow: p.pubAllow, Deny: p.pubDeny}
	}
	if len(p.subAllow) > 0 || len(p.subDeny) > 0 {
		out.Subscribe = &sysapi.SubjectPermission{Allow: entries(p.subAllow), Deny: entries(p.subDeny)}
	}
	if p.resp != nil {
		out.Response = &sysapi.ResponsePermission{MaxMsgs: p.resp.MaxMsgs, Expires: p.resp.Expires}
	}
	return out
}

// countClientSubs returns how many client (not internal) subscriptions of
// a match the literal subject subj, only those of queue group queue when
// it is not "".
func countClientSubs(a *Account, subj, queue string) int {
	if !subject.ValidLiteralSubject(subj) {
		return 0
	}
	res := a.index.Match(subj)
	n := 0
	if queue == "" {
		for _, sub := range res.Plain {
			if sub.client != nil && sub.client.nc != nil {
				n++
			}
		}
	}
	for _, group := range res.Queues {
		for _, sub := range group {
			if sub.client != nil && sub.client.nc != nil && (queue == "" || sub.queue == queue) {
				n++
			}
		}
	}
	return n
}

// handleDebugSubscribers answers $SYS.DEBUG.SUBSCRIBERS ("<subject>
// [<queue>]") with the number of matching subscriptions in the requester's
// account, a bare JSON integer.
func (st *sysState) handleDebugSubscribers(r *sysReq) {
	if r.reply == "" {
		return
	}
	f := strings.Fields(string(r.body))
	if len(f) == 0 {
		return
	}
	queue := ""
	if len(f) > 1 {
		queue = f[1]
	}
	acc := st.acc
	if r.pub != nil {
		if a := r.pub.acc.Load(); a != nil {
			acc = a
		}
	}
	st.enqueue(&sysMsg{acc: r.acc, subj: r.reply, body: []byte(fmt.Sprint(countClientSubs(acc, f[0], queue)))})
}

// handleNumSubs answers $SYS.REQ.ACCOUNT.NSUBS when this server has
// connections in the account asked for.
func (st *sysState) handleNumSubs(r *sysReq) {
	if r.reply == "" {
		return
	}
	var req sysapi.AccountNumSubsReq
	if err := json.Unmarshal(r.body, &req); err != nil {
		return
	}
	a := st.s.LookupAccount(req.Account)
	if a == nil || a.NumClients() == 0 {
		return
	}
	st.enqueue(&sysMsg{subj: r.reply, body: []byte(fmt.Sprint(countClientSubs(a, req.Subject, string(req.Queue))))})
}

// handleClaimsUpdate answers account JWT updates in config mode: there is
// no account resolver, so every update is an error.
func (st *sysState) handleClaimsUpdate(r *sysReq) {
	if r.reply == "" {
		return
	}
	tokens := strings.Split(r.subj, ".")
	acc := ""
	switch {
	case len(tokens) == 5 && tokens[1] == "ACCOUNT":
		acc = tokens[2]
	case len(tokens) == 6:
		acc = tokens[3]
	}
	desc := errTextJWTEmpty
	if len(r.body) > 0 {
		detail := errTextJWTNoResolv
		if _, err := jwt.DecodeAccountClaims(string(r.body)); err != nil {
			detail = err.Error()
		}
		desc = fmt.Sprintf(errTextJWTFailed, detail)
	}
	cerr := &sysapi.ClaimUpdateError{Account: acc, Code: sysapi.APIErrInternal, Description: desc}
	st.reply(r, false, func(si *sysapi.ServerInfo) any {
		return &sysapi.ServerAPIClaimUpdateResponse{Server: *si, Error: cerr}
	})
}
