package monitor

import (
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// Limits and defaults of the monitoring endpoints. Values match nats-server
// v2.15.2.
const (
	// DefaultMaxClosedClients is the size of the closed-connections ring
	// when max_closed_clients is not configured.
	DefaultMaxClosedClients = sysapi.MaxClosedConnections

	// DefaultConnzLimit is the CONNZ page size for a limit <= 0.
	DefaultConnzLimit = sysapi.DefaultConnzLimit

	// DefaultSubszLimit is the SUBSZ page size for a limit <= 0.
	DefaultSubszLimit = sysapi.DefaultSubszLimit

	// DefaultJszLimit is the JSZ account page size for a limit of 0.
	DefaultJszLimit = sysapi.DefaultJszLimit

	// ProtoVersion is the client protocol version reported in VARZ "proto".
	ProtoVersion = 1

	// CPUSampleInterval is the shortest interval over which ProcUsage
	// computes a new CPU percentage; calls closer together return the last
	// value.
	CPUSampleInterval = time.Second

	// clockTicks is the kernel's USER_HZ: /proc/self/stat reports CPU
	// times in these units. It is 100 on every Linux architecture Go
	// supports.
	clockTicks = 100

	// selectSortCutoff is the size under which selecting the first
	// connections of a CONNZ page sorts the remaining range instead of
	// partitioning it further.
	selectSortCutoff = 12

	// jsonIndent is the indentation of HTTP JSON bodies (all but /healthz).
	jsonIndent = "  "
)
