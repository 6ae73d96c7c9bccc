package sys

import "time"

// Collection defaults. DefaultGap matches natscli's 300 ms quiet period and
// DefaultTimeout its default --timeout.
const (
	// DefaultGap is how long a fan-out waits after the last reply when it
	// does not know how many servers will answer.
	DefaultGap = 300 * time.Millisecond

	// DefaultTimeout caps a call whose context has no deadline.
	DefaultTimeout = 5 * time.Second

	// DefaultMaxReplySize caps the size of one decompressed reply. A CONNZ
	// listing the 10,000 remembered closed connections with subscriptions
	// stays well below it.
	DefaultMaxReplySize = 64 << 20

	// MaxReplies stops a collection after this many replies, whatever the
	// stop rule says, so a runaway fan-out cannot exhaust memory.
	MaxReplies = 100_000
)
