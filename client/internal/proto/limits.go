package proto

// Limits of the client-side parser. The server decides the real limits; these
// only stop a broken or hostile peer from making the parser buffer without end.
const (
	// MaxArgLen is the longest control line (arguments of MSG/HMSG/INFO/-ERR,
	// without the op name) the parser accepts. The reference server's default
	// max_control_line is 4096; INFO lines with long connect_urls lists can be
	// larger, so the client allows far more.
	MaxArgLen = 1 << 20

	// MaxPayload is the largest MSG/HMSG size the parser accepts. The
	// reference server refuses max_payload above 2^31-1 and warns above 8 MiB;
	// 64 MiB matches its default max_pending, the most a server could queue.
	MaxPayload = 64 << 20

	// maxSizeDigits is the most digits a size field may have (the server
	// parses at most 9 digits too).
	maxSizeDigits = 9

	// keepPayloadBuf is the largest split-payload buffer the parser keeps for
	// reuse after a message; larger ones are released.
	keepPayloadBuf = 64 << 10
)
