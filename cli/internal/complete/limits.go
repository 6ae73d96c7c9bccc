package complete

import "time"

const (
	// replyGap ends a query this long after the last reply (natscli's
	// automatic server count uses the same 300 ms).
	replyGap = 300 * time.Millisecond
	// maxReplies bounds the replies one query keeps.
	maxReplies = 256
	// subszLimit is how many subscriptions each server lists.
	subszLimit = 4096
)
