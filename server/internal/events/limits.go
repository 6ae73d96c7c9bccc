package events

import "time"

// Limits and timings of the event system; values follow nats-server v2.15.2
// where it has one.
const (
	// DefaultSendQueueLen is how many system messages may wait for the
	// sender before new ones are dropped (and counted).
	DefaultSendQueueLen = 64 * 1024

	// DefaultRecvQueueLen is how many service requests may wait for the
	// service worker before new ones are dropped (and counted).
	DefaultRecvQueueLen = 16 * 1024

	// StatszFirstDelay is the delay of the first STATSZ broadcast after the
	// event system starts.
	StatszFirstDelay = 250 * time.Millisecond

	// StatszFirstInterval is the interval after the first broadcast; it
	// doubles after each broadcast up to StatszMaxInterval.
	StatszFirstInterval = time.Second

	// StatszMaxInterval is the steady-state STATSZ period.
	StatszMaxInterval = 10 * time.Second

	// StatszMinSpacing is the shortest time between two broadcasts.
	StatszMinSpacing = time.Second

	// ConnsHeartbeat is the period of the account CONNS heartbeat while the
	// account has local connections.
	ConnsHeartbeat = 30 * time.Second

	// EventIDLen is the length of an event id (22 base-62 characters, the
	// shape of the reference's ids).
	EventIDLen = 22

	// ServerHashLen is the length of the server-name hash used in
	// $SYS._INBOX.<hash>.* and $SYS.LATENCY.M2.<hash>.
	ServerHashLen = 8

	// maxHeaderScan bounds how much of a header block is scanned for
	// Accept-Encoding.
	maxHeaderScan = 64 * 1024
)
