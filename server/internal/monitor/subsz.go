package monitor

import (
	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/subject"
)

// Subsz builds the SUBSZ payload; opts may be nil (all defaults).
//
// The statistics are summed over the subscription indexes of every account,
// or of Account only (an unknown account gives all-zero statistics). With
// Subscriptions the local subscriptions of those accounts are listed (those
// matching the literal subject Test when given); Total counts them before
// Offset/Limit and is 0 without Subscriptions. A Test subject that is not a
// valid publish subject is an error (code 500).
func Subsz(src Source, opts *sysapi.SubszOptions) (*sysapi.Subsz, error) {
	var o sysapi.SubszOptions
	if opts != nil {
		o = *opts
	}
	if o.Test != "" && !subject.ValidLiteralSubject(o.Test) {
		return nil, internalErr(errTextBadTestFmt, o.Test)
	}
	offset, limit := max(o.Offset, 0), o.Limit
	if limit <= 0 {
		limit = DefaultSubszLimit
	}
	srv := src.Server()
	sz := &sysapi.Subsz{ID: srv.ID, Now: srv.now(), Offset: offset, Limit: limit}

	accs := src.Accounts()
	if o.Account != "" {
		a := findAccount(accs, o.Account)
		if a == nil {
			return sz, nil
		}
		accs = []AccountSnapshot{*a}
	}
	stats := make([]subject.Stats, len(accs))
	for i := range accs {
		stats[i] = accs[i].Sublist
	}
	sz.SublistStats = sumSublistStats(stats)
	if !o.Subscriptions {
		return sz, nil
	}

	var list []sysapi.SubDetail
	for i := range accs {
		acc := &accs[i]
		for _, sd := range src.AccountSubs(acc.Name) {
			if o.Test != "" && !subject.Match(sd.Subject, o.Test) {
				continue
			}
			sd.Account, sd.AccountTag = acc.Name, acc.nameTag()
			list = append(list, sd)
		}
	}
	sz.Total = len(list)
	if offset < len(list) {
		sz.Subs = list[offset:pageEnd(offset, limit, len(list))]
	}
	return sz, nil
}

// sublistStats converts the statistics of one index.
func sublistStats(st subject.Stats) sysapi.SublistStats {
	return sysapi.SublistStats{
		NumSubs:      uint32(st.Subscriptions),
		NumCache:     uint32(st.Cache),
		NumInserts:   st.Inserts,
		NumRemoves:   st.Removes,
		NumMatches:   st.Matches,
		CacheHitRate: st.CacheHitRate,
		MaxFanout:    uint32(st.MaxFanout),
		AvgFanout:    st.AvgFanout,
	}
}

// sumSublistStats adds up the statistics of several indexes: counts are
// summed, the hit rate is weighted by matches, the average fanout by cache
// entries and the maximum fanout is the largest.
func sumSublistStats(list []subject.Stats) sysapi.SublistStats {
	if len(list) == 1 {
		return sublistStats(list[0])
	}
	var sum sysapi.SublistStats
	var hits, fanout float64
	for _, st := range list {
		sum.NumSubs += uint32(st.Subscriptions)
		sum.NumCache += uint32(st.Cache)
		sum.NumInserts += st.Inserts
		sum.NumRemoves += st.Removes
		sum.NumMatches += st.Matches
		sum.MaxFanout = max(sum.MaxFanout, uint32(st.MaxFanout))
		hits += st.CacheHitRate * float64(st.Matches)
		fanout += st.AvgFanout * float64(st.Cache)
	}
	if sum.NumMatches > 0 {
		sum.CacheHitRate = hits / float64(sum.NumMatches)
	}
	if sum.NumCache > 0 {
		sum.AvgFanout = fanout / float64(sum.NumCache)
	}
	return sum
}
