package monitor

import (
	"math"
	"runtime"
	"runtime/debug"

	"github.com/natsys/natsys/client/sysapi"
)

// Varz builds the VARZ payload. opts has no fields and may be nil; the error
// is always nil (the signature matches the other builders).
func Varz(src Source, _ *sysapi.VarzOptions) (*sysapi.Varz, error) {
	s := src.Server()
	st := src.Stats()
	now := s.now()
	v := &sysapi.Varz{
		ID:                  s.ID,
		Name:                s.Name,
		Version:             s.Version,
		Proto:               ProtoVersion,
		GitCommit:           s.GitCommit,
		GoVersion:           runtime.Version(),
		Host:                s.Host,
		Port:                s.Port,
		AuthRequired:        s.AuthRequired,
		TLSRequired:         s.TLSRequired,
		TLSVerify:           s.TLSVerify,
		TLSOCSPPeerVerify:   s.TLSOCSPPeerVerify,
		IP:                  s.IP,
		ClientConnectURLs:   s.ConnectURLs,
		WSConnectURLs:       s.WSConnectURLs,
		MaxConn:             s.MaxConn,
		MaxSubs:             s.MaxSubs,
		PingInterval:        s.PingInterval,
		MaxPingsOut:         s.MaxPingsOut,
		HTTPHost:            s.HTTPHost,
		HTTPPort:            s.HTTPPort,
		HTTPBasePath:        s.HTTPBasePath,
		HTTPSPort:           s.HTTPSPort,
		AuthTimeout:         s.AuthTimeout,
		MaxControlLine:      s.MaxControlLine,
		MaxPayload:          s.MaxPayload,
		MaxPending:          s.MaxPending,
		Cluster:             s.Cluster,
		Gateway:             s.Gateway,
		LeafNode:            s.LeafNode,
		MQTT:                s.MQTT,
		Websocket:           s.Websocket,
		JetStream:           s.JetStream,
		TLSTimeout:          s.TLSTimeout,
		WriteDeadline:       s.WriteDeadline,
		WriteTimeout:        s.WriteTimeout,
		Start:               s.Start,
		Now:                 now,
		Uptime:              sysapi.FormatUptime(now.Sub(s.Start)),
		Cores:               runtime.NumCPU(),
		MaxProcs:            runtime.GOMAXPROCS(0),
		MemLimit:            memLimit(),
		ConfigLoadTime:      s.ConfigLoadTime,
		ConfigDigest:        s.ConfigDigest,
		Tags:                s.Tags,
		Metadata:            s.Metadata,
		FeatureFlags:        s.FeatureFlags,
		TrustedOperatorsJWT: s.TrustedOperatorsJWT,
		SystemAccount:       s.SystemAccount,
		TLSCertNotAfter:     s.TLSCertNotAfter,
	}
	fillVarzStats(v, &st)
	return v, nil
}

// fillVarzStats copies the counters of st into v.
func fillVarzStats(v *sysapi.Varz, st *StatsSnapshot) {
	v.Mem = st.Mem
	v.CPU = st.CPU
	v.Connections = st.Connections
	v.TotalConnections = st.TotalConnections
	v.Routes = st.Routes
	v.Remotes = st.Remotes
	v.Leafs = st.Leafnodes
	v.InMsgs, v.InBytes = st.InMsgs, st.InBytes
	v.OutMsgs, v.OutBytes = st.OutMsgs, st.OutBytes
	v.InClientMsgs, v.InClientBytes = st.InClientMsgs, st.InClientBytes
	v.OutClientMsgs, v.OutClientBytes = st.OutClientMsgs, st.OutClientBytes
	v.SlowConsumers = st.SlowConsumers
	v.SlowConsumersStats = st.SlowConsumersStats
	v.StaleConnections = st.StaleConnections
	stale := st.StaleConnectionStats
	v.StaleConnectionStats = &stale
	v.StalledClients = st.StalledClients
	v.Subscriptions = st.Subscriptions
	v.HTTPReqStats = make(map[string]uint64, len(st.HTTPReqStats))
	for k, n := range st.HTTPReqStats {
		v.HTTPReqStats[k] = n
	}
}

// memLimit returns the Go memory limit when one is set, else 0.
func memLimit() int64 {
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		return l
	}
	return 0
}
