package monitor

import (
	"runtime"

	"github.com/natsys/natsys/client/sysapi"
)

// Statsz builds the "statsz" block of STATSZ ($SYS.SERVER.<id>.STATSZ and
// the PING replies). ActiveServers is 1 (this server): the events package
// sets it from what it knows of the cluster. An account is active when it
// has a client or leafnode connection; the system account always is (its
// internal client counts as a connection in the reference).
func Statsz(src Source) *sysapi.ServerStats {
	srv := src.Server()
	st := src.Stats()
	active := 0
	accs := src.Accounts()
	for i := range accs {
		if accs[i].IsSystem || accs[i].ClientConns+accs[i].LeafConns > 0 {
			active++
		}
	}
	ss := &sysapi.ServerStats{
		Start:               srv.Start,
		Mem:                 st.Mem,
		Cores:               runtime.NumCPU(),
		CPU:                 st.CPU,
		Connections:         st.Connections,
		TotalConnections:    st.TotalConnections,
		ActiveAccounts:      active,
		NumSubs:             st.Subscriptions,
		Sent:                sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: st.OutMsgs, Bytes: st.OutBytes}},
		SentToClients:       sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: st.OutClientMsgs, Bytes: st.OutClientBytes}},
		Received:            sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: st.InMsgs, Bytes: st.InBytes}},
		ReceivedFromClients: sysapi.DataStats{MsgBytes: sysapi.MsgBytes{Msgs: st.InClientMsgs, Bytes: st.InClientBytes}},
		SlowConsumers:       st.SlowConsumers,
		StaleConnections:    st.StaleConnections,
		StalledClients:      st.StalledClients,
		ActiveServers:       1,
		MemLimit:            memLimit(),
		MaxProcs:            runtime.GOMAXPROCS(0),
	}
	if sc := st.SlowConsumersStats; sc != (sysapi.SlowConsumersStats{}) {
		ss.SlowConsumersStats = &sc
	}
	if sc := st.StaleConnectionStats; sc != (sysapi.StaleConnectionStats{}) {
		ss.StaleConnectionStats = &sc
	}
	return ss
}
