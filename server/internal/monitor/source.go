package monitor

import (
	"time"

	"github.com/natsys/natsys/client/sysapi"
	"github.com/natsys/natsys/server/internal/subject"
)

// Source is the server as the builders see it. Every method returns a
// snapshot that the builder owns (or, for slices shared with the server,
// only reads): no method may return data the server keeps mutating, and no
// lock may be held after a method returns. All methods must be safe for
// concurrent use.
type Source interface {
	// Server returns the server's identity and configuration. It is
	// called once per request by every builder, so it should be cheap (no
	// counters, no /proc reads).
	Server() ServerSnapshot

	// Stats returns the server-wide counters and resource usage; only
	// VARZ calls it.
	Stats() StatsSnapshot

	// Conns returns the open client and leafnode connections (never
	// routes, gateways or internal clients), only those bound to account
	// when account is not "". Order does not matter. Subs is left nil:
	// the builders ask ConnSubs for the connections they show.
	Conns(account string) []ConnSnapshot

	// ConnSubs returns the subscriptions of the open connection cid (Cid
	// set, Account/AccountTag empty), or nil when it has none or is gone.
	ConnSubs(cid uint64) []sysapi.SubDetail

	// ClosedConns returns the remembered closed connections, oldest first,
	// with their final counters, Stop, Reason and Subs: normally
	// ClosedRing.Snapshot.
	ClosedConns() []*ConnSnapshot

	// Accounts returns every account the server knows, in a stable order.
	Accounts() []AccountSnapshot

	// AccountSubs returns the local subscriptions of account's
	// subscription index: those of clients and leafnodes and those of the
	// server's internal clients (service imports, system services). Cid
	// is set, Account/AccountTag are left empty. Nil when the account is
	// unknown.
	AccountSubs(account string) []sysapi.SubDetail

	// Ready returns nil when the server accepts client connections, else
	// an error whose text HEALTHZ reports (status 500).
	Ready() error
}

// ConnLister is an optional extension of Source for servers with many
// connections. Connz uses it, when the source implements it and no filter
// needs more than the sort fields, instead of Conns: it lists the open
// connections with only the fields CONNZ sorts by, sorts them, and then
// snapshots just the connections of the requested page.
type ConnLister interface {
	// ConnSortInfos appends to dst the sort fields of every open client
	// and leafnode connection (as Conns would return them), only those
	// bound to account when account is not "", and returns the result.
	// CID, Ref and the fields that order by sorts on must be set; the
	// others may be left zero.
	ConnSortInfos(account string, by sysapi.SortOpt, dst []ConnSortInfo) []ConnSortInfo

	// ConnSnapshotOf returns the snapshot of the connection that
	// ConnSortInfos described with ref (ConnSortInfo.Ref), like Conns
	// would have; it is called even if the connection closed meanwhile.
	ConnSnapshotOf(ref any) ConnSnapshot
}

// ConnSortInfo is a connection as far as CONNZ sorts by it. Times are Unix
// nanoseconds, 0 for the zero time.
type ConnSortInfo struct {
	CID          uint64
	Start        int64
	LastActivity int64
	Stop         int64
	RTT          time.Duration
	PendingBytes int
	InMsgs       int64
	OutMsgs      int64
	InBytes      int64
	OutBytes     int64
	NumSubs      uint32

	// Ref is the source's handle of an open connection, passed back to
	// ConnLister.ConnSnapshotOf.
	Ref any
	// closed is set by Connz for a remembered closed connection.
	closed *ConnSnapshot
}

// UnixNano returns t as ConnSortInfo stores times: 0 for the zero time.
func UnixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// ServerSnapshot is the identity and configuration of the server, the
// static part of VARZ. Zero values are reported as such.
type ServerSnapshot struct {
	// Now is the moment the snapshot stands for; uptime and idle times are
	// computed from it. The zero value means time.Now().
	Now time.Time

	ID        string // server ID (56 upper-case characters)
	Name      string // server_name, the ID when not configured
	Version   string // e.g. "2.15.2"
	GitCommit string // build commit, "" when unknown
	Host      string // client listen host as configured
	Port      int    // client listen port (the real one when -1 was given)
	IP        string // INFO "ip" advertisement, normally ""

	Start          time.Time // server start
	ConfigLoadTime time.Time // last (re)load of the configuration
	ConfigDigest   string    // "sha256:<hex>", "" without a config file

	Tags          []string          // server_tags, lower-cased
	Metadata      map[string]string // server_metadata
	FeatureFlags  map[string]bool   // reported as is; nil omits the key
	SystemAccount string            // "" when there is no system account

	AuthRequired      bool
	TLSRequired       bool
	TLSVerify         bool
	TLSOCSPPeerVerify bool
	TLSTimeout        float64 // seconds
	TLSCertNotAfter   time.Time
	AuthTimeout       float64 // seconds

	ConnectURLs   []string // client URLs advertised (cluster)
	WSConnectURLs []string // websocket URLs advertised

	MaxConn        int
	MaxSubs        int
	MaxControlLine int32
	MaxPayload     int
	MaxPending     int64
	PingInterval   time.Duration
	MaxPingsOut    int
	WriteDeadline  time.Duration
	WriteTimeout   string // write-timeout policy name, "" when default

	HTTPHost     string
	HTTPPort     int
	HTTPSPort    int
	HTTPBasePath string // as configured, "" when not set

	// Option blocks of VARZ, reported as given (zero values print {}).
	Cluster   sysapi.ClusterOptsVarz
	Gateway   sysapi.GatewayOptsVarz
	LeafNode  sysapi.LeafNodeOptsVarz
	MQTT      sysapi.MQTTOptsVarz
	Websocket sysapi.WebsocketOptsVarz
	JetStream sysapi.JetStreamVarz

	TrustedOperatorsJWT []string
}

// StatsSnapshot are the server-wide counters reported by VARZ.
type StatsSnapshot struct {
	Mem int64   // resident set size in bytes (see ProcUsage)
	CPU float64 // CPU percent (see ProcUsage)

	Connections      int    // open client connections
	TotalConnections uint64 // client connections accepted since start
	Routes           int    // route connections
	Remotes          int    // configured route remotes connected
	Leafnodes        int    // leafnode connections
	Subscriptions    uint32 // subscriptions over all account indexes

	InMsgs, InBytes, OutMsgs, OutBytes int64 // all connection kinds
	InClientMsgs, InClientBytes        int64 // from client connections
	OutClientMsgs, OutClientBytes      int64 // to client connections

	SlowConsumers        int64
	SlowConsumersStats   sysapi.SlowConsumersStats
	StaleConnections     int64
	StaleConnectionStats sysapi.StaleConnectionStats
	StalledClients       int64

	// HTTPReqStats are the HTTP request counters (Handler.RequestStats);
	// nil reports {}. The HTTP handler overrides it with its own counts.
	HTTPReqStats map[string]uint64
}

// ConnSnapshot describes one client or leafnode connection, open or closed.
// Counters are from the server's point of view: In* is what the server
// received from the connection. The builders tell a closed connection by
// its non-zero Stop.
type ConnSnapshot struct {
	CID  uint64
	Kind string // sysapi.KindClient or sysapi.KindLeafnode
	Type string // sysapi.ClientType*, clients only ("" for leafnodes)

	IP   string
	Port int

	Start        time.Time
	LastActivity time.Time
	Stop         time.Time // when it closed; non-zero exactly for closed connections
	Reason       string    // close reason (sysapi.Reason*), closed only
	RTT          time.Duration

	PendingBytes int
	InMsgs       int64
	OutMsgs      int64
	InBytes      int64
	OutBytes     int64
	Stalls       int64
	NumSubs      uint32

	Name    string // CONNECT name; remote server name for a leafnode
	Lang    string
	Version string

	TLSVersion   string
	TLSCipher    string
	TLSFirst     bool
	TLSPeerCerts []sysapi.TLSPeerCert

	AuthorizedUser string   // as ClientInfo.user
	Account        string   // account name ("$G" for the global account)
	NameTag        string   // account display name ("" means Account)
	JWT            string   // user JWT, bearer JWTs already redacted
	IssuerKey      string   // JWT issuer / nkey account
	Tags           []string // user JWT tags
	MQTTClient     string   // MQTT client id

	// Leafnode connections only.
	IsSpoke     bool   // this server solicited the connection
	Compression string // leafnode compression mode

	// Subs are the connection's subscriptions at close time; set for
	// closed connections only (open ones are read through ConnSubs).
	Subs []sysapi.SubDetail
}

// AccountSnapshot describes one account.
type AccountSnapshot struct {
	Name       string
	NameTag    string // display name ("" means Name)
	IsSystem   bool
	UpdateTime time.Time // last (re)configuration
	JetStream  bool      // JetStream enabled for the account

	ClientConns   int // local client connections
	LeafConns     int // local leafnode connections
	SlowConsumers int64
	// Sent and Received are the account's traffic as in the CONNS event;
	// nil breakdowns are reported as zero.
	Sent     sysapi.DataStats
	Received sysapi.DataStats

	Sublist  subject.Stats // statistics of the account's index
	Exports  []sysapi.ExtExport
	Imports  []sysapi.ExtImport
	Mappings map[string][]*sysapi.MapDest
}

// nameTag returns the display name of a.
func (a *AccountSnapshot) nameTag() string {
	if a.NameTag != "" {
		return a.NameTag
	}
	return a.Name
}

// now returns the time the snapshot stands for.
func (s *ServerSnapshot) now() time.Time {
	if s.Now.IsZero() {
		return time.Now().UTC()
	}
	return s.Now
}

// findAccount returns the account named name in accs, or nil.
func findAccount(accs []AccountSnapshot, name string) *AccountSnapshot {
	for i := range accs {
		if accs[i].Name == name {
			return &accs[i]
		}
	}
	return nil
}
