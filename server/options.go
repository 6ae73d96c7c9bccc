package server

import (
	"crypto/tls"
	"time"
)

// Options is the complete configuration of one server. It is filled from a
// config file (see ProcessConfigFile), from command-line flags, or directly by
// an embedding program. Field names follow the reference nats-server because
// reload errors print them ("config reload not supported for MaxSubs: ...").
//
// A zero Options is valid: DefaultOptions fills every unset field with the
// reference's defaults.
type Options struct {
	// ConfigFile is the path the options were read from ("" when built in code).
	ConfigFile string
	// ConfigDigest is "sha256:<hex>" of the config file, when read from a
	// file: the SHA-256 of the JSON encoding of the parsed tree (config.md
	// §1.13), as printed by -t and in the start-up banner.
	ConfigDigest string
	// Cmdline is the command line (program name first) with secrets
	// replaced by [REDACTED], as monitoring shows it.
	Cmdline []string

	// Network.
	ServerName      string
	Host            string
	Port            int
	ClientAdvertise string

	// Limits.
	MaxConn          int
	MaxSubs          int
	MaxSubTokens     uint8
	MaxPayload       int32
	MaxControlLine   int32
	MaxPending       int64
	MaxClosedClients int
	MaxTracedMsgLen  int
	PingInterval     time.Duration
	MaxPingsOut      int
	WriteDeadline    time.Duration
	NoHeaderSupport  bool
	NoSublistCache   bool

	// Monitoring.
	HTTPHost     string
	HTTPPort     int
	HTTPSPort    int
	HTTPBasePath string

	// Logging.
	Debug        bool
	Trace        bool
	TraceVerbose bool
	Logtime      bool
	LogtimeUTC   bool
	LogFile      string
	LogSizeLimit int64
	LogMaxFiles  int64

	// Files.
	PidFile      string
	PortsFileDir string

	// Lame duck mode.
	LameDuckDuration    time.Duration
	LameDuckGracePeriod time.Duration

	// Authorization block (single user, token, users in $G).
	Username      string
	Password      string
	Authorization string // token
	AuthTimeout   float64
	Users         []*User
	Nkeys         []*NkeyUser
	NoAuthUser    string

	// Accounts.
	Accounts        []*AccountConfig
	SystemAccount   string
	NoSystemAccount bool

	// TLS for the client port (config.md §2.6). TLS is set by a tls block
	// or --tls; TLSConfig holds the loaded certificates (nil for an empty
	// tls block, which still requires TLS like the reference).
	TLS               bool
	TLSVerify         bool
	TLSMap            bool
	TLSCert           string
	TLSKey            string
	TLSCaCert         string
	TLSTimeout        float64
	TLSHandshakeFirst bool
	// TLSHandshakeFirstFallback is the delay after which a handshake-first
	// server falls back to sending INFO first (0 = no fallback).
	TLSHandshakeFirstFallback time.Duration
	TLSConfig                 *tls.Config

	// Misc.
	ProxyProtocol bool
	ProfPort      int
	AllowNonTLS   bool
	WriteTimeout  string

	// Set by the command line: which fields a flag set (by field name), and
	// the flag arguments themselves so a reload applies them again.
	inCmdLine map[string]bool
	cmdArgs   []string

	// authBlockDefined is set when the config file has an authorization
	// block, even one without credentials: it turns off the
	// system-account-only exception (CVE-2023-47090, config.md §5.6).
	authBlockDefined bool
}

// User is a user with a name and password (plain or bcrypt).
type User struct {
	Username    string
	Password    string
	Permissions *Permissions
	// Account is the account name the user belongs to ("" = global account $G).
	Account string
	// AllowedConnectionTypes restricts how the user may connect (nil = any).
	AllowedConnectionTypes map[string]struct{}
}

// NkeyUser is a user identified by a public nkey (U...).
type NkeyUser struct {
	Nkey                   string
	Permissions            *Permissions
	Account                string
	AllowedConnectionTypes map[string]struct{}
}

// SubjectPermission is an allow list and a deny list of subjects.
type SubjectPermission struct {
	Allow []string
	Deny  []string
}

// ResponsePermission lets a user reply to requests it received.
type ResponsePermission struct {
	MaxMsgs int
	Expires time.Duration
}

// Permissions are the publish and subscribe rights of a user.
type Permissions struct {
	Publish   *SubjectPermission
	Subscribe *SubjectPermission
	Response  *ResponsePermission
}

// AccountConfig is one entry of the accounts block.
type AccountConfig struct {
	Name               string
	Nkey               string
	DefaultPermissions *Permissions
	MaxConnections     int
	MaxSubscriptions   int
	MaxPayload         int
	MaxLeafNodes       int
	Exports            []*ExportConfig
	Imports            []*ImportConfig
}

// ExportConfig is a stream or service export of an account.
type ExportConfig struct {
	Stream       string
	Service      string
	Accounts     []string
	ResponseType string
	Threshold    time.Duration
}

// ImportConfig is a stream or service import of an account.
type ImportConfig struct {
	Account string
	Stream  string
	Service string
	Prefix  string
	To      string
	// Share shares the requester's latency tracking data (service imports).
	Share bool
}
