package wire

// Limits of the client protocol. The defaults equal the reference server's (nats-server v2.15.2)
// compiled-in defaults; see protocol.md §1.4 and §1.5.
const (
	// DefaultMaxControlLine is the default limit, in bytes, on the argument part of a control
	// line: the bytes after the operation name and its separator, excluding the CR/LF.
	DefaultMaxControlLine = 4096

	// DefaultMaxPayload is the default limit on the size field of PUB (payload bytes) and HPUB
	// (header + payload bytes).
	DefaultMaxPayload = 1048576

	// MaxSizeDigits is the largest number of decimal digits a size field may have. Longer size
	// fields, even with leading zeros, are invalid (protocol.md §4).
	MaxSizeDigits = 9

	// RetainedPayloadBuffer is the largest payload buffer capacity the Parser keeps for reuse
	// after a payload that spanned reads has been delivered. Larger buffers are released so an
	// idle connection does not pin up to max_payload bytes.
	RetainedPayloadBuffer = 64 * 1024

	// initialScratch is the capacity first given to the control-line scratch buffer; it grows
	// (up to MaxControlLine+1) only when a longer partial line has to be held.
	initialScratch = DefaultMaxControlLine + 1
)
