package client

// Status is the state of a connection.
type Status int

// Connection states.
const (
	// StatusConnecting: Connect has not finished yet.
	StatusConnecting Status = iota
	// StatusConnected: a server connection is up.
	StatusConnected
	// StatusReconnecting: the connection was lost and the client is trying
	// the server pool; publishes are buffered.
	StatusReconnecting
	// StatusDraining: Drain is in progress.
	StatusDraining
	// StatusClosed: the connection is closed for good.
	StatusClosed
)

// String returns the lower-case name of the state.
func (s Status) String() string {
	switch s {
	case StatusConnecting:
		return "connecting"
	case StatusConnected:
		return "connected"
	case StatusReconnecting:
		return "reconnecting"
	case StatusDraining:
		return "draining"
	case StatusClosed:
		return "closed"
	}
	return "unknown"
}
