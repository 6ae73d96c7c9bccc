package monitor

import (
	"cmp"
	"math"
	"math/bits"
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

	var page []*ConnSnapshot
	var subs map[uint64][]sysapi.SubDetail // fetched by the subject filter
	if l, ok := src.(ConnLister); ok && sortInfoSuffices(&o) {
		cz.Total, page = pageBySortInfo(src, l, &o, offset, limit, now)
	} else {
		conns := gatherConns(src, &o)
		cz.Total = len(conns)
		subs = make(map[uint64][]sysapi.SubDetail)
		conns = filterConns(src, conns, &o, subs)
		sortConns(conns, o.Sort, now)
		if offset < len(conns) {
			page = conns[offset:pageEnd(offset, limit, len(conns))]
		}
	}

	cz.Conns = []*sysapi.ConnInfo{}
	if len(page) == 0 {
		return cz, nil
	}
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

// sortInfoSuffices reports whether CONNZ with o can select its page from
// ConnSortInfos: open connections are involved, no filter needs more than
// the connection id, and the order is not by reason.
func sortInfoSuffices(o *sysapi.ConnzOptions) bool {
	return (o.State == sysapi.ConnOpen || o.State == sysapi.ConnAll) &&
		o.User == "" && o.MQTTClient == "" && (o.FilterSubject == "" || o.FilterSubject == ">") &&
		o.Sort != sysapi.ByReason
}

// pageBySortInfo selects the page of CONNZ from the sort fields of the open
// connections (and the remembered closed ones for ConnAll) and snapshots
// only the open connections on the page. It returns the size of the
// connection set (before the CID filter) and the page. The counters shown
// are those the order was decided on.
func pageBySortInfo(src Source, l ConnLister, o *sysapi.ConnzOptions, offset, limit int, now time.Time) (int, []*ConnSnapshot) {
	infos := l.ConnSortInfos(o.Account, o.Sort, nil)
	if o.State == sysapi.ConnAll {
		for _, c := range src.ClosedConns() {
			if o.Account == "" || c.Account == o.Account {
				in := sortInfoOf(c)
				in.closed = c
				infos = append(infos, in)
			}
		}
	}
	total := len(infos)
	if o.CID != 0 {
		infos = slices.DeleteFunc(infos, func(in ConnSortInfo) bool { return in.CID != o.CID })
	}
	if offset >= len(infos) {
		return total, nil
	}
	keys := sortKeys(infos, o.Sort, now, pageEnd(offset, limit, len(infos)))
	keys = keys[offset:]
	page := make([]*ConnSnapshot, len(keys))
	snaps := make([]ConnSnapshot, len(keys))
	for i, k := range keys {
		in := &infos[k.i]
		if in.closed != nil {
			page[i] = in.closed
			continue
		}
		snaps[i] = l.ConnSnapshotOf(in.Ref)
		setSortField(&snaps[i], in, o.Sort)
		page[i] = &snaps[i]
	}
	return total, page
}

// setSortField sets the field of c that the order by sorts on to the value
// in, so that the page shows the values its order was decided on.
func setSortField(c *ConnSnapshot, in *ConnSortInfo, by sysapi.SortOpt) {
	switch by {
	case sysapi.BySubs:
		c.NumSubs = in.NumSubs
	case sysapi.ByPending:
		c.PendingBytes = in.PendingBytes
	case sysapi.ByOutMsgs:
		c.OutMsgs = in.OutMsgs
	case sysapi.ByInMsgs:
		c.InMsgs = in.InMsgs
	case sysapi.ByOutBytes:
		c.OutBytes = in.OutBytes
	case sysapi.ByInBytes:
		c.InBytes = in.InBytes
	case sysapi.ByLast, sysapi.ByIdle:
		if in.LastActivity != UnixNano(c.LastActivity) {
			c.LastActivity = time.Unix(0, in.LastActivity).In(c.LastActivity.Location())
		}
	case sysapi.ByRTT:
		c.RTT = in.RTT
	}
}

// sortInfoOf returns the sort fields of c.
func sortInfoOf(c *ConnSnapshot) ConnSortInfo {
	return ConnSortInfo{
		CID: c.CID, Start: UnixNano(c.Start), LastActivity: UnixNano(c.LastActivity), Stop: UnixNano(c.Stop),
		RTT: c.RTT, PendingBytes: c.PendingBytes, InMsgs: c.InMsgs, OutMsgs: c.OutMsgs,
		InBytes: c.InBytes, OutBytes: c.OutBytes, NumSubs: c.NumSubs,
	}
}

// sortConns sorts conns by a CONNZ sort option; ties are broken by
// ascending connection id so that every order is total. Numeric and time
// orders sort a compact array of keys (no pointer chasing in the
// comparisons); the reason order compares strings directly.
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
	keyer := newSortKeyer(by, now)
	keys := make([]connKey, len(conns))
	for i, c := range conns {
		in := sortInfoOf(c)
		keys[i] = connKey{key: keyer.key(&in), cid: c.CID, i: i}
	}
	slices.SortFunc(keys, compareKeys)
	sorted := make([]*ConnSnapshot, len(conns))
	for i, k := range keys {
		sorted[i] = conns[k.i]
	}
	copy(conns, sorted)
}

// connKey is the position of a connection in a ConnSortInfo slice with its
// sort key.
type connKey struct {
	key int64
	cid uint64
	i   int
}

// sortKeys returns the positions of the first n (<= len(infos)) of infos
// in the order by (any but ByReason), ties broken by ascending connection
// id. Only those n are sorted: a page of 1,024 out of 10,000 connections
// costs a selection and a small sort, not a sort of everything.
func sortKeys(infos []ConnSortInfo, by sysapi.SortOpt, now time.Time, n int) []connKey {
	keyer := newSortKeyer(by, now)
	keys := make([]connKey, len(infos))
	for i := range infos {
		keys[i] = connKey{key: keyer.key(&infos[i]), cid: infos[i].CID, i: i}
	}
	if n < len(keys) {
		selectKeys(keys, n)
		keys = keys[:n]
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

// compareKeys orders connection keys by key, then connection id.
func compareKeys(a, b connKey) int {
	if a.key != b.key {
		return cmp.Compare(a.key, b.key)
	}
	return cmp.Compare(a.cid, b.cid)
}

// selectKeys reorders keys (distinct: connection ids are unique) so that
// keys[:k] are the k smallest, in no particular order: quickselect with a
// median-of-three pivot, finishing with a sort of what is left when the
// range gets small or the partitions keep coming out unbalanced.
func selectKeys(keys []connKey, k int) {
	lo, hi := 0, len(keys)
	for budget := 2 * bits.Len(uint(len(keys))); hi-lo > selectSortCutoff; budget-- {
		if budget == 0 {
			break
		}
		p := lo + partitionKeys(keys[lo:hi])
		switch {
		case p == k:
			return
		case p < k:
			lo = p + 1
		default:
			hi = p
		}
	}
	slices.SortFunc(keys[lo:hi], compareKeys)
}

// partitionKeys partitions a (len >= 3) around the median of its first,
// middle and last keys and returns the pivot's final position: smaller
// keys before it, larger after.
func partitionKeys(a []connKey) int {
	last, mid := len(a)-1, len(a)/2
	if compareKeys(a[mid], a[0]) < 0 {
		a[0], a[mid] = a[mid], a[0]
	}
	if compareKeys(a[last], a[0]) < 0 {
		a[0], a[last] = a[last], a[0]
	}
	if compareKeys(a[mid], a[last]) < 0 {
		a[mid], a[last] = a[last], a[mid]
	}
	pivot, i := a[last], 0
	for j := range last {
		if compareKeys(a[j], pivot) < 0 {
			a[i], a[j] = a[j], a[i]
			i++
		}
	}
	a[i], a[last] = a[last], a[i]
	return i
}

// sortKeyer computes the ascending sort keys of an order other than
// ByReason (0 for the connection-id orders). Descending orders use the
// complement of the value (^v), which reverses the order without overflow.
type sortKeyer struct {
	by  sysapi.SortOpt
	now int64 // Unix nanoseconds: the end of an open connection's uptime
}

// newSortKeyer returns the keyer of the order by at time now.
func newSortKeyer(by sysapi.SortOpt, now time.Time) sortKeyer {
	return sortKeyer{by: by, now: now.UnixNano()}
}

// key returns the sort key of c.
func (k sortKeyer) key(c *ConnSortInfo) int64 {
	switch k.by {
	case sysapi.BySubs:
		return ^int64(c.NumSubs)
	case sysapi.ByPending:
		return ^int64(c.PendingBytes)
	case sysapi.ByOutMsgs:
		return ^c.OutMsgs
	case sysapi.ByInMsgs:
		return ^c.InMsgs
	case sysapi.ByOutBytes:
		return ^c.OutBytes
	case sysapi.ByInBytes:
		return ^c.InBytes
	case sysapi.ByLast:
		return ^nanoKey(c.LastActivity)
	case sysapi.ByIdle:
		// Longest idle first, measured from now for closed ones too.
		return nanoKey(c.LastActivity)
	case sysapi.ByUptime:
		if c.Stop != 0 {
			return c.Stop - c.Start
		}
		return k.now - c.Start
	case sysapi.ByStop:
		return ^nanoKey(c.Stop)
	case sysapi.ByRTT:
		return ^int64(c.RTT)
	default: // sysapi.ByCid, sysapi.ByStart
		return 0
	}
}

// timeKey maps t to an int64 that orders like t; the zero time is the
// smallest.
func timeKey(t time.Time) int64 { return nanoKey(UnixNano(t)) }

// nanoKey maps a ConnSortInfo time to an int64 that orders like it; the
// zero time (0) is the smallest.
func nanoKey(n int64) int64 {
	if n == 0 {
		return math.MinInt64
	}
	return n
}

// connEnd returns when c's uptime and idle time end: its stop time when
// closed, now otherwise.
func connEnd(c *ConnSnapshot, now time.Time) time.Time {
	if c.Stop.IsZero() {
		return now
	}
	return c.Stop
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
