package monitor

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// globalAccount is the name of the default account; CONNZ omits it from
// ConnInfo.Account.
const globalAccount = "$G"

// Connz builds the CONNZ payload; opts may be nil (all defaults).
//
// The connection set is the open connections (State ConnOpen), the closed
// ones (ConnClosed) or both (ConnAll), restricted to Account when given; an
// unknown State selects nothing. Total is the size of that set. The CID,
// User, MQTTClient and FilterSubject filters then narrow it without changing
// Total (closed connections are not subject to FilterSubject, like the
// reference), the result is sorted and Offset/Limit select the page.
//
// Errors (code 500): an unknown sort order, "stop" or "reason" without
// State ConnClosed, FilterSubject without Account. An unknown Account is not
// an error: the reply is the reference's quirk (server_id "", connections
// null).
func Connz(src Source, opts *sysapi.ConnzOptions) (*sysapi.Connz, error) {
	var o sysapi.ConnzOptions
	if opts != nil {
		o = *opts
	}
	if o.Sort == "" {
		o.Sort = sysapi.ByCid
	}
	if err := checkConnzOptions(&o); err != nil {
		return nil, err
	}
	offset, limit := max(o.Offset, 0), o.Limit
	if limit <= 0 {
		limit = DefaultConnzLimit
	}
	if o.CID > 0 {
		limit = 1
	}
	srv := src.Server()
	now := srv.now()
	cz := &sysapi.Connz{ID: srv.ID, Now: now, Offset: offset, Limit: limit}
	if o.Account != "" && findAccount(src.Accounts(), o.Account) == nil {
		cz.ID = ""
		return cz, nil
	}

	conns := gatherConns(src, &o)
	cz.Total = len(conns)
	subs := make(map[uint64][]sysapi.SubDetail)
	conns = filterConns(src, conns, &o, subs)
	sortConns(conns, o.Sort, now)

	cz.Conns = []*sysapi.ConnInfo{}
	if offset >= len(conns) {
		return cz, nil
	}
	page := conns[offset:pageEnd(offset, limit, len(conns))]
	infos := make([]sysapi.ConnInfo, len(page))
	cz.Conns = make([]*sysapi.ConnInfo, len(page))
	for i, c := range page {
		fillConnInfo(&infos[i], c, now, o.Auth)
		if o.Subscriptions || o.SubscriptionsDetail {
			list, ok := subs[c.CID]
			if !ok {
				list = connSubs(src, c)
			}
			fillConnSubs(&infos[i], list, o.SubscriptionsDetail)
		}
		cz.Conns[i] = &infos[i]
	}
	cz.NumConns = len(page)
	return cz, nil
}

// pageEnd returns the end of the page that starts at offset (< n) and holds
// at most limit (> 0) of n items, without overflowing.
func pageEnd(offset, limit, n int) int {
	if limit < n-offset {
		return offset + limit
	}
	return n
}

// checkConnzOptions validates the options that can make CONNZ fail, in the
// reference's order.
func checkConnzOptions(o *sysapi.ConnzOptions) error {
	if !o.Sort.IsValid() {
		return internalErr(errTextBadSortFmt, o.Sort)
	}
	if (o.Sort == sysapi.ByStop || o.Sort == sysapi.ByReason) && o.State != sysapi.ConnClosed {
		return internalErr(errTextClosedSortFmt, o.Sort)
	}
	if o.FilterSubject != "" && o.Account == "" {
		return internalErr(errTextFilterSubject)
	}
	return nil
}

// gatherConns returns the connection set selected by State and Account.
func gatherConns(src Source, o *sysapi.ConnzOptions) []*ConnSnapshot {
	var open []ConnSnapshot
	var closed []*ConnSnapshot
	switch o.State {
	case sysapi.ConnOpen:
		open = src.Conns(o.Account)
	case sysapi.ConnClosed:
		closed = src.ClosedConns()
	case sysapi.ConnAll:
		open = src.Conns(o.Account)
		closed = src.ClosedConns()
	default:
		return nil
	}
	conns := make([]*ConnSnapshot, 0, len(open)+len(closed))
	for i := range open {
		conns = append(conns, &open[i])
	}
	for _, c := range closed {
		if o.Account == "" || c.Account == o.Account {
			conns = append(conns, c)
		}
	}
	return conns
}

// filterConns applies the CID, User, MQTTClient and FilterSubject filters
// in place. Subscriptions fetched for FilterSubject are stored in subs.
func filterConns(src Source, conns []*ConnSnapshot, o *sysapi.ConnzOptions, subs map[uint64][]sysapi.SubDetail) []*ConnSnapshot {
	filter := o.FilterSubject
	if filter == ">" {
		filter = ""
	}
	if o.CID == 0 && o.User == "" && o.MQTTClient == "" && filter == "" {
		return conns
	}
	kept := conns[:0]
	for _, c := range conns {
		switch {
		case o.CID != 0 && c.CID != o.CID:
			continue
		case o.User != "" && c.AuthorizedUser != o.User:
			continue
		case o.MQTTClient != "" && c.MQTTClient != o.MQTTClient:
			continue
		}
		if filter != "" && c.Stop.IsZero() {
			list := src.ConnSubs(c.CID)
			subs[c.CID] = list
			if !anySubCollides(list, filter) {
				continue
			}
		}
		kept = append(kept, c)
	}
	clear(conns[len(kept):])
	return kept
}

// anySubCollides reports whether a subscription in list can match a subject
// that filter matches.
func anySubCollides(list []sysapi.SubDetail, filter string) bool {
	for i := range list {
		if subjectsCollide(list[i].Subject, filter) {
			return true
		}
	}
	return false
}

// subjectsCollide reports whether some subject matches both a and b, token
// by token: '*' matches one token, '>' the rest. Like the reference it does
// not validate the subjects (an empty token is an ordinary token).
func subjectsCollide(a, b string) bool {
	for {
		ta, ra, moreA := cutToken(a)
		tb, rb, moreB := cutToken(b)
		if ta == ">" || tb == ">" {
			return true
		}
		if ta != tb && ta != "*" && tb != "*" {
			return false
		}
		if !moreA || !moreB {
			return moreA == moreB
		}
		a, b = ra, rb
	}
}

// cutToken splits s at its first '.'.
func cutToken(s string) (tok, rest string, more bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// connSubs returns the subscriptions of c: kept in the snapshot for a closed
// connection, asked from the source for an open one.
func connSubs(src Source, c *ConnSnapshot) []sysapi.SubDetail {
	if !c.Stop.IsZero() {
		return c.Subs
	}
	return src.ConnSubs(c.CID)
}

// sortConns sorts conns by a CONNZ sort option; ties are broken by
// ascending connection id so that every order is total. Numeric and time
// orders sort a compact array of keys (one allocation, no pointer chasing
// in the comparisons); the reason order compares strings directly.
func sortConns(conns []*ConnSnapshot, by sysapi.SortOpt, now time.Time) {
	switch by {
	case sysapi.ByCid, sysapi.ByStart:
		slices.SortFunc(conns, func(a, b *ConnSnapshot) int { return cmp.Compare(a.CID, b.CID) })
		return
	case sysapi.ByReason:
		slices.SortFunc(conns, func(a, b *ConnSnapshot) int {
			if r := cmp.Compare(a.Reason, b.Reason); r != 0 {
				return r
			}
			return cmp.Compare(a.CID, b.CID)
		})
		return
	}
	key := connSortKey(by, now)
	keys := make([]connKey, len(conns))
	for i, c := range conns {
		keys[i] = connKey{key: key(c), cid: c.CID, c: c}
	}
	slices.SortFunc(keys, func(a, b connKey) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.cid, b.cid)
	})
	for i := range keys {
		conns[i] = keys[i].c
	}
}

// connKey is a connection with its sort key.
type connKey struct {
	key int64
	cid uint64
	c   *ConnSnapshot
}

// connSortKey returns the ascending sort key of a numeric or time order.
// Descending orders use the complement of the value (^v), which reverses
// the order without overflow.
func connSortKey(by sysapi.SortOpt, now time.Time) func(c *ConnSnapshot) int64 {
	switch by {
	case sysapi.BySubs:
		return func(c *ConnSnapshot) int64 { return ^int64(c.NumSubs) }
	case sysapi.ByPending:
		return func(c *ConnSnapshot) int64 { return ^int64(c.PendingBytes) }
	case sysapi.ByOutMsgs:
		return func(c *ConnSnapshot) int64 { return ^c.OutMsgs }
	case sysapi.ByInMsgs:
		return func(c *ConnSnapshot) int64 { return ^c.InMsgs }
	case sysapi.ByOutBytes:
		return func(c *ConnSnapshot) int64 { return ^c.OutBytes }
	case sysapi.ByInBytes:
		return func(c *ConnSnapshot) int64 { return ^c.InBytes }
	case sysapi.ByLast:
		return func(c *ConnSnapshot) int64 { return ^timeKey(c.LastActivity) }
	case sysapi.ByIdle:
		// Longest idle first, measured from now for closed ones too.
		return func(c *ConnSnapshot) int64 { return timeKey(c.LastActivity) }
	case sysapi.ByUptime:
		return func(c *ConnSnapshot) int64 { return int64(connUptime(c, now)) }
	case sysapi.ByStop:
		return func(c *ConnSnapshot) int64 { return ^timeKey(c.Stop) }
	default: // sysapi.ByRTT
		return func(c *ConnSnapshot) int64 { return ^int64(c.RTT) }
	}
}

// timeKey maps t to an int64 that orders like t; the zero time is the
// smallest.
func timeKey(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// connEnd returns when c's uptime and idle time end: its stop time when
// closed, now otherwise.
func connEnd(c *ConnSnapshot, now time.Time) time.Time {
	if c.Stop.IsZero() {
		return now
	}
	return c.Stop
}

// connUptime returns how long c was (or is) connected.
func connUptime(c *ConnSnapshot, now time.Time) time.Duration {
	return connEnd(c, now).Sub(c.Start)
}

// fillConnInfo fills ci from c; auth adds the identity fields.
func fillConnInfo(ci *sysapi.ConnInfo, c *ConnSnapshot, now time.Time, auth bool) {
	end := connEnd(c, now)
	*ci = sysapi.ConnInfo{
		CID:          c.CID,
		Kind:         c.Kind,
		Type:         c.Type,
		IP:           c.IP,
		Port:         c.Port,
		Start:        c.Start,
		LastActivity: c.LastActivity,
		Stop:         c.Stop,
		Reason:       c.Reason,
		RTT:          sysapi.FormatRTT(c.RTT),
		Uptime:       sysapi.FormatUptime(end.Sub(c.Start)),
		Idle:         sysapi.FormatUptime(end.Sub(c.LastActivity)),
		Pending:      c.PendingBytes,
		InMsgs:       c.InMsgs,
		OutMsgs:      c.OutMsgs,
		InBytes:      c.InBytes,
		OutBytes:     c.OutBytes,
		Stalls:       c.Stalls,
		NumSubs:      c.NumSubs,
		Name:         c.Name,
		Lang:         c.Lang,
		Version:      c.Version,
		TLSVersion:   c.TLSVersion,
		TLSCipher:    c.TLSCipher,
		TLSFirst:     c.TLSFirst,
		MQTTClient:   c.MQTTClient,
	}
	if !auth {
		return
	}
	ci.AuthorizedUser = c.AuthorizedUser
	if c.Account != globalAccount {
		ci.Account = c.Account
	}
	ci.NameTag = c.NameTag
	if ci.NameTag == "" {
		ci.NameTag = c.Account
	}
	ci.JWT = c.JWT
	ci.IssuerKey = c.IssuerKey
	ci.Tags = c.Tags
	ci.TLSPeerCerts = c.TLSPeerCerts
}

// fillConnSubs sets the subscription list of ci: subjects only, or details
// (without the SUBSZ-only account fields) when detail is set.
func fillConnSubs(ci *sysapi.ConnInfo, list []sysapi.SubDetail, detail bool) {
	if len(list) == 0 {
		return
	}
	if detail {
		ci.SubsDetail = make([]sysapi.SubDetail, len(list))
		for i, sd := range list {
			sd.Account, sd.AccountTag = "", ""
			ci.SubsDetail[i] = sd
		}
		return
	}
	ci.Subs = make([]string, len(list))
	for i := range list {
		ci.Subs[i] = list[i].Subject
	}
}
