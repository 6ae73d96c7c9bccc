package sysapi

// Limits and defaults that are part of the monitoring contract. Values match
// nats-server v2.15.2.
const (
	// ServerIDLen is the length of a server ID (an nkeys server public key).
	ServerIDLen = 56

	// DefaultConnzLimit is the CONNZ page size used when the request gives
	// none or a value <= 0.
	DefaultConnzLimit = 1024

	// DefaultSubszLimit is the SUBSZ page size used when the request gives
	// none or a value <= 0.
	DefaultSubszLimit = 1024

	// DefaultJszLimit is the JSZ account_details page size used when the
	// request gives none (0).
	DefaultJszLimit = 1024

	// MaxClosedConnections is how many closed client and leafnode
	// connections a server remembers for CONNZ with state closed or all.
	MaxClosedConnections = 10000
)
