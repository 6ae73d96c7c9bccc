package connflags

import "time"

const (
	// DefaultURL is used when no server is given anywhere (natscli's default).
	DefaultURL = "nats://127.0.0.1:4222"
	// DefaultPort is added to URLs without a port.
	DefaultPort = "4222"
	// DefaultTimeout is natscli's --timeout default.
	DefaultTimeout = 5 * time.Second
	// Mask replaces a secret in printed text.
	Mask = "****"
	// minRedactLen is the shortest secret replaced by value in free text
	// (shorter ones would mangle unrelated words; URLs are always redacted).
	minRedactLen = 3
)
