package sys

import "errors"

// Errors returned by the calls of this package. Match them with errors.Is.
var (
	// ErrNotSystemAccount means the connected user is not in the system
	// account, so the server had nobody to route the request to. The error
	// also matches client.ErrNoResponders.
	ErrNotSystemAccount = errors.New("sys: the connection's account is not the system account; " +
		"ensure the user has system privileges and appropriate permissions")

	// ErrServerNotFound means a server given by ID got no-responders, or a
	// server name matched no server that answered the STATSZ ping.
	ErrServerNotFound = errors.New("sys: server not found")

	// ErrNoReplies means the request reached at least one subscriber but no
	// reply came back before the deadline (for example because a filter
	// matched no server). The call still returns its Result.
	ErrNoReplies = errors.New("sys: no server replied")

	// ErrReplyTooLarge means a reply decompressed to more than MaxReplySize
	// bytes. It is reported per reply in Reply.Invalid.
	ErrReplyTooLarge = errors.New("sys: reply exceeds the size limit")

	// ErrBadReply means a reply could not be decompressed or decoded. It is
	// reported per reply in Reply.Invalid.
	ErrBadReply = errors.New("sys: malformed reply")

	// ErrBadTarget means a Target or argument was empty or invalid.
	ErrBadTarget = errors.New("sys: invalid target")
)
