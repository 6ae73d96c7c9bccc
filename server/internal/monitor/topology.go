package monitor

import "github.com/natsys/natsys/client/sysapi"

// Routez builds the ROUTEZ payload; opts may be nil. Routes are not built,
// so the list is always empty ([]).
func Routez(src Source, _ *sysapi.RoutezOptions) (*sysapi.Routez, error) {
	srv := src.Server()
	return &sysapi.Routez{ID: srv.ID, Name: srv.Name, Now: srv.now(), Routes: []*sysapi.RouteInfo{}}, nil
}

// Gatewayz builds the GATEWAYZ payload; opts may be nil. Gateways are not
// built: the gateway name, host and port come from the configured gateway
// block (normally empty) and both connection maps are empty ({}).
func Gatewayz(src Source, _ *sysapi.GatewayzOptions) (*sysapi.Gatewayz, error) {
	srv := src.Server()
	return &sysapi.Gatewayz{
		ID:               srv.ID,
		Now:              srv.now(),
		Name:             srv.Gateway.Name,
		Host:             srv.Gateway.Host,
		Port:             srv.Gateway.Port,
		OutboundGateways: map[string]*sysapi.RemoteGatewayz{},
		InboundGateways:  map[string][]*sysapi.RemoteGatewayz{},
	}, nil
}

// Leafz builds the LEAFZ payload from the open leafnode connections (of
// opts.Account when given); opts may be nil. With opts.Subscriptions each
// entry lists the subjects the leafnode has interest in.
func Leafz(src Source, opts *sysapi.LeafzOptions) (*sysapi.Leafz, error) {
	var o sysapi.LeafzOptions
	if opts != nil {
		o = *opts
	}
	srv := src.Server()
	lz := &sysapi.Leafz{ID: srv.ID, Now: srv.now(), Leafs: []*sysapi.LeafInfo{}}
	conns := src.Conns(o.Account)
	for i := range conns {
		c := &conns[i]
		if c.Kind != sysapi.KindLeafnode {
			continue
		}
		li := &sysapi.LeafInfo{
			ID:          c.CID,
			Name:        c.Name,
			IsSpoke:     c.IsSpoke,
			Account:     c.Account,
			IP:          c.IP,
			Port:        c.Port,
			RTT:         sysapi.FormatRTT(c.RTT),
			InMsgs:      c.InMsgs,
			OutMsgs:     c.OutMsgs,
			InBytes:     c.InBytes,
			OutBytes:    c.OutBytes,
			NumSubs:     c.NumSubs,
			Compression: c.Compression,
		}
		if o.Subscriptions {
			for _, sd := range src.ConnSubs(c.CID) {
				li.Subs = append(li.Subs, sd.Subject)
			}
		}
		lz.Leafs = append(lz.Leafs, li)
	}
	lz.NumLeafs = len(lz.Leafs)
	return lz, nil
}
