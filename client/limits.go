package client

import "time"

// Version is the client library version sent in CONNECT.
const Version = "0.1.0"

// lang is the client language sent in CONNECT.
const lang = "go"

// Defaults. Where nats.go v1.55.0 has the same knob the value matches it.
const (
	// DefaultURL is used when Connect gets an empty URL list.
	DefaultURL = "nats://127.0.0.1:4222"
	// DefaultPort is used for URLs without a port.
	DefaultPort = "4222"
	// DefaultTimeout bounds dialing plus the INFO/CONNECT/PONG handshake.
	DefaultTimeout = 2 * time.Second
	// DefaultPingInterval is how often the client PINGs an idle server.
	DefaultPingInterval = 2 * time.Minute
	// DefaultMaxPingsOut is how many PINGs may go unanswered before the
	// connection counts as stale.
	DefaultMaxPingsOut = 2
	// DefaultMaxReconnects is how many failed attempts in a row one server
	// gets before it is dropped from the pool.
	DefaultMaxReconnects = 60
	// DefaultReconnectWait is the pause before trying the same server again.
	DefaultReconnectWait = 2 * time.Second
	// DefaultReconnectJitter is the random extra added to ReconnectWait.
	DefaultReconnectJitter = 100 * time.Millisecond
	// DefaultReconnectJitterTLS is the random extra for TLS connections.
	DefaultReconnectJitterTLS = time.Second
	// DefaultReconnectBufSize bounds the bytes published while disconnected.
	DefaultReconnectBufSize = 8 << 20
	// DefaultWriteTimeout bounds one socket write of the flusher.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultSubPendingMsgs is a subscription's default pending-message limit.
	DefaultSubPendingMsgs = 512 * 1024
	// DefaultSubPendingBytes is a subscription's default pending-byte limit.
	DefaultSubPendingBytes = 64 << 20
	// DefaultInboxPrefix starts every inbox subject.
	DefaultInboxPrefix = "_INBOX"
	// DefaultDrainTimeout bounds Drain when its context has no deadline.
	DefaultDrainTimeout = 30 * time.Second
)

// Internal sizes of the message path.
const (
	// readBufSize is the reusable buffer of the read loop.
	readBufSize = 64 << 10
	// handshakeBufSize is the bufio buffer used during the handshake; the
	// read loop reads through it, directly into its own buffer once empty.
	handshakeBufSize = 32 << 10
	// maxOutBuf is how many bytes publishers may queue ahead of the flusher
	// before they wait for it (back-pressure while connected).
	maxOutBuf = 1 << 20
	// keepOutBuf is the largest drained buffer kept for reuse.
	keepOutBuf = 4 << 20
	// inboxTokenLen is the length of the random token in NewInbox.
	inboxTokenLen = 22
)
