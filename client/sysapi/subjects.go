package sysapi

import "fmt"

// Subject templates of the system account. "%s" stands for an account name,
// a server ID, a server-name hash or an endpoint name as documented on each.
const (
	// ConnectEventSubj (account) carries ConnectEventMsg.
	ConnectEventSubj = "$SYS.ACCOUNT.%s.CONNECT"
	// DisconnectEventSubj (account) carries DisconnectEventMsg.
	DisconnectEventSubj = "$SYS.ACCOUNT.%s.DISCONNECT"
	// AccConnsEventSubjOld (account) carries AccountNumConns; published first.
	AccConnsEventSubjOld = "$SYS.SERVER.ACCOUNT.%s.CONNS"
	// AccConnsEventSubjNew (account) carries AccountNumConns; published second.
	AccConnsEventSubjNew = "$SYS.ACCOUNT.%s.SERVER.CONNS"
	// AuthErrorEventSubj (server ID) carries DisconnectEventMsg on auth failure.
	AuthErrorEventSubj = "$SYS.SERVER.%s.CLIENT.AUTH.ERR"
	// AuthErrorAccountEventSubj is published inside the failing client's
	// account and carries DisconnectEventMsg.
	AuthErrorAccountEventSubj = "$SYS.ACCOUNT.CLIENT.AUTH.ERR"
	// LeafNodeConnectEventSubj (account) carries AccountNumConnsReq.
	LeafNodeConnectEventSubj = "$SYS.ACCOUNT.%s.LEAFNODE.CONNECT"
	// ServerStatsSubj (server ID) carries ServerStatsMsg.
	ServerStatsSubj = "$SYS.SERVER.%s.STATSZ"
	// ShutdownEventSubj (server ID) carries a bare ServerInfo.
	ShutdownEventSubj = "$SYS.SERVER.%s.SHUTDOWN"
	// LameDuckEventSubj (server ID) carries a bare ServerInfo.
	LameDuckEventSubj = "$SYS.SERVER.%s.LAMEDUCK"
	// OCSPPeerRejectEventSubj (server ID) carries OCSPPeerRejectEventMsg.
	OCSPPeerRejectEventSubj = "$SYS.SERVER.%s.OCSP.PEER.CONN.REJECT"
	// OCSPPeerChainlinkInvalidEventSubj (server ID) carries
	// OCSPPeerChainlinkInvalidEventMsg.
	OCSPPeerChainlinkInvalidEventSubj = "$SYS.SERVER.%s.OCSP.PEER.LINK.INVALID"
	// AccUpdateEventSubjOld (account) receives account JWT updates.
	AccUpdateEventSubjOld = "$SYS.ACCOUNT.%s.CLAIMS.UPDATE"
	// AccUpdateEventSubjNew (account) receives account JWT updates.
	AccUpdateEventSubjNew = "$SYS.REQ.ACCOUNT.%s.CLAIMS.UPDATE"

	// ServerStatsPingReqSubj is the legacy name of the STATSZ ping.
	ServerStatsPingReqSubj = "$SYS.REQ.SERVER.PING"
	// ServerPingReqSubj (endpoint) is answered by every server.
	ServerPingReqSubj = "$SYS.REQ.SERVER.PING.%s"
	// ServerDirectReqSubj (server ID, endpoint) is answered by one server.
	ServerDirectReqSubj = "$SYS.REQ.SERVER.%s.%s"
	// AccDirectReqSubj (account, endpoint) is answered by every server.
	AccDirectReqSubj = "$SYS.REQ.ACCOUNT.%s.%s"
	// AccPingReqSubj (endpoint: STATZ or CONNZ).
	AccPingReqSubj = "$SYS.REQ.ACCOUNT.PING.%s"
	// UserDirectInfoSubj is what any client publishes to learn who it is.
	UserDirectInfoSubj = "$SYS.REQ.USER.INFO"
	// UserDirectReqSubj (account) is where UserDirectInfoSubj is imported to.
	UserDirectReqSubj = "$SYS.REQ.USER.%s.INFO"
	// AccNumSubsReqSubj carries AccountNumSubsReq between servers.
	AccNumSubsReqSubj = "$SYS.REQ.ACCOUNT.NSUBS"
	// AccSubsSubj answers with the number of matching subscribers.
	AccSubsSubj = "$SYS.DEBUG.SUBSCRIBERS"
	// ConnsRespSubj (server ID) receives AccountNumConns replies.
	ConnsRespSubj = "$SYS._INBOX_.%s"
	// InboxRespSubj (server-name hash, token) is a server's own reply inbox.
	InboxRespSubj = "$SYS._INBOX.%s.%s"
	// RemoteLatencyEventSubj (server-name hash) carries latency tracking.
	RemoteLatencyEventSubj = "$SYS.LATENCY.M2.%s"
	// ClientKickReqSubj (server ID) takes KickClientReq.
	ClientKickReqSubj = "$SYS.REQ.SERVER.%s.KICK"
	// ClientLDMReqSubj (server ID) takes LDMClientReq.
	ClientLDMReqSubj = "$SYS.REQ.SERVER.%s.LDM"
	// ServerReloadReqSubj (server ID) reloads the configuration.
	ServerReloadReqSubj = "$SYS.REQ.SERVER.%s.RELOAD"
	// AccClaimsReqSubj and the following are resolver services (JWT mode).
	AccClaimsReqSubj = "$SYS.REQ.CLAIMS.UPDATE"
	// AccListReqSubj lists account JWTs (resolver).
	AccListReqSubj = "$SYS.REQ.CLAIMS.LIST"
	// AccDeleteReqSubj deletes account JWTs (resolver).
	AccDeleteReqSubj = "$SYS.REQ.CLAIMS.DELETE"
	// AccPackReqSubj packs account JWTs (resolver).
	AccPackReqSubj = "$SYS.REQ.CLAIMS.PACK"
	// AccLookupReqSubj (account) looks up an account JWT (resolver).
	AccLookupReqSubj = "$SYS.REQ.ACCOUNT.%s.CLAIMS.LOOKUP"
)

// Endpoint is the last token of a service subject ("VARZ", "CONNZ", ...).
type Endpoint string

// Server endpoints, used with ServerPingReqSubj and ServerDirectReqSubj.
const (
	EndpointStatsz    Endpoint = "STATSZ"
	EndpointIdz       Endpoint = "IDZ"
	EndpointVarz      Endpoint = "VARZ"
	EndpointConnz     Endpoint = "CONNZ"
	EndpointRoutez    Endpoint = "ROUTEZ"
	EndpointGatewayz  Endpoint = "GATEWAYZ"
	EndpointLeafz     Endpoint = "LEAFZ"
	EndpointSubsz     Endpoint = "SUBSZ"
	EndpointJsz       Endpoint = "JSZ"
	EndpointAccountz  Endpoint = "ACCOUNTZ"
	EndpointHealthz   Endpoint = "HEALTHZ"
	EndpointExpvarz   Endpoint = "EXPVARZ"
	EndpointProfilez  Endpoint = "PROFILEZ"
	EndpointIpqueuesz Endpoint = "IPQUEUESZ"
	EndpointRaftz     Endpoint = "RAFTZ"
	// EndpointKick, EndpointLDM and EndpointReload exist only in the direct
	// (server ID) form.
	EndpointKick   Endpoint = "KICK"
	EndpointLDM    Endpoint = "LDM"
	EndpointReload Endpoint = "RELOAD"
)

// Account endpoints, used with AccDirectReqSubj (CONNZ, LEAFZ, SUBSZ and JSZ
// are shared with the server endpoints above).
const (
	EndpointInfo  Endpoint = "INFO"
	EndpointStatz Endpoint = "STATZ"
	EndpointConns Endpoint = "CONNS"
)

// ServerPingSubject returns the subject every server answers for ep.
func ServerPingSubject(ep Endpoint) string {
	return fmt.Sprintf(ServerPingReqSubj, ep)
}

// ServerDirectSubject returns the subject only server serverID answers for ep.
func ServerDirectSubject(serverID string, ep Endpoint) string {
	return fmt.Sprintf(ServerDirectReqSubj, serverID, ep)
}

// AccountSubject returns the account-scoped service subject for account acc.
func AccountSubject(acc string, ep Endpoint) string {
	return fmt.Sprintf(AccDirectReqSubj, acc, ep)
}

// HTTP monitoring paths (relative to http_base_path).
const (
	RootPath          = "/"
	VarzPath          = "/varz"
	ConnzPath         = "/connz"
	RoutezPath        = "/routez"
	GatewayzPath      = "/gatewayz"
	LeafzPath         = "/leafz"
	SubszPath         = "/subsz"
	SubscriptionsPath = "/subscriptionsz"
	AccountzPath      = "/accountz"
	AccountStatzPath  = "/accstatz"
	JszPath           = "/jsz"
	HealthzPath       = "/healthz"
	IPQueuesPath      = "/ipqueuesz"
	RaftzPath         = "/raftz"
	StackszPath       = "/stacksz"
	ExpvarzPath       = "/debug/vars"
)
