package server

import "time"

// Defaults and limits; values equal nats-server v2.15.2's defaults (config.md §2,
// protocol.md §7.4).
const (
	// DefaultHost is the client listen host.
	DefaultHost = "0.0.0.0"
	// DefaultPort is the client port.
	DefaultPort = 4222
	// RandomPort asks the OS for a free port.
	RandomPort = -1
	// DefaultMaxConnections is the default max_connections.
	DefaultMaxConnections = 65536
	// DefaultMaxPayload is the default max_payload (1 MiB).
	DefaultMaxPayload = 1024 * 1024
	// MaxPayloadWarnSize is the max_payload above which a warning is logged (8 MiB).
	MaxPayloadWarnSize = 8 * 1024 * 1024
	// DefaultMaxControlLine is the default max_control_line.
	DefaultMaxControlLine = 4096
	// DefaultMaxPending is the default max_pending (64 MiB).
	DefaultMaxPending = 64 * 1024 * 1024
	// DefaultPingInterval is the default ping_interval.
	DefaultPingInterval = 2 * time.Minute
	// DefaultMaxPingsOut is the default ping_max.
	DefaultMaxPingsOut = 2
	// DefaultWriteDeadline is the default write_deadline.
	DefaultWriteDeadline = 10 * time.Second
	// DefaultAuthTimeout is the default authorization timeout in seconds.
	DefaultAuthTimeout = 2.0
	// DefaultTLSTimeout is the default TLS handshake timeout in seconds.
	DefaultTLSTimeout = 2.0
	// DefaultMaxClosedClients is the size of the closed-connections ring.
	DefaultMaxClosedClients = 10000
	// DefaultLameDuckDuration is the default lame_duck_duration.
	DefaultLameDuckDuration = 2 * time.Minute
	// DefaultLameDuckGracePeriod is the default lame_duck_grace_period.
	DefaultLameDuckGracePeriod = 10 * time.Second
	// MinLameDuckDuration is the shortest lame_duck_duration accepted.
	MinLameDuckDuration = 30 * time.Second
	// FirstPingInterval caps the delay of the first server PING after CONNECT.
	FirstPingInterval = 2 * time.Second
	// DefaultSystemAccount is the name of the system account when none is configured.
	DefaultSystemAccount = "$SYS"
	// GlobalAccount is the name of the global account.
	GlobalAccount = "$G"
	// nonceRawLen is the number of random bytes in an INFO nonce.
	nonceRawLen = 11
	// startReadBufSize is the initial size of a connection's read buffer.
	startReadBufSize = 512
	// maxReadBufSize is the largest a read buffer grows to.
	maxReadBufSize = 64 * 1024
	// shrinkAfterShortReads is how many consecutive reads filling less than a
	// quarter of the read buffer halve it (down to startReadBufSize).
	shrinkAfterShortReads = 16
	// permCacheSize bounds the per-connection publish permission cache.
	permCacheSize = 128
	// bcryptCacheSize bounds the cache of verified bcrypt passwords.
	bcryptCacheSize = 1024
	// lameDuckMinInterval is the longest pause between two lame duck closes.
	lameDuckMinInterval = time.Second
	// defaultRespMaxMsgs and defaultRespExpires are what allow_responses: true
	// (or a zero value) means.
	defaultRespMaxMsgs = 1
	defaultRespExpires = 2 * time.Minute
	// replyPermPruneSize is the number of tracked reply subjects above which
	// expired ones are pruned.
	replyPermPruneSize = 1024
	// stallMax is the longest a publisher waits for a slow receiver to drain
	// (flow control above 3/4 of max_pending).
	stallMax = 5 * time.Millisecond
	// sysQueueGroup is the queue name clients may never use.
	sysQueueGroup = "_sys_"
)

// System account events and services (system-events.md).
const (
	// sysFlushWait is how long SHUTDOWN/LAMEDUCK wait for the sender to
	// publish them.
	sysFlushWait = time.Second
	// sysTokenUser is ClientInfo.user for a client that used token auth.
	sysTokenUser = "[REDACTED]"
)

// Imports, exports and TLS (imports.go, tls.go).
const (
	// maxImportDepth bounds how many imports one message may cross (service
	// imports chain; the configuration refuses cycles).
	maxImportDepth = 8
	// respTokenLen is the length of each random token of a "_R_." reply
	// subject.
	respTokenLen = 6
	// respSweepSize is the number of response routes of an account above
	// which expired ones are pruned.
	respSweepSize = 1024
	// defaultResponseThreshold is how long a service-import response route
	// lives when the export sets no response_threshold.
	defaultResponseThreshold = 2 * time.Minute
)

// Logging.
const (
	// maxConnErrLogInterval is the shortest time between two logged
	// "maximum connections exceeded" errors (the reference suppresses
	// repeats for 1 to 2 seconds).
	maxConnErrLogInterval = time.Second
)
