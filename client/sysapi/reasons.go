package sysapi

// Close reasons as they appear in DisconnectEventMsg.Reason and
// ConnInfo.Reason. The strings are part of the contract and must match
// byte for byte.
const (
	ReasonClientClosed                      = "Client Closed"
	ReasonAuthenticationTimeout             = "Authentication Timeout"
	ReasonAuthenticationViolation           = "Authentication Failure"
	ReasonTLSHandshakeError                 = "TLS Handshake Failure"
	ReasonSlowConsumerPendingBytes          = "Slow Consumer (Pending Bytes)"
	ReasonSlowConsumerWriteDeadline         = "Slow Consumer (Write Deadline)"
	ReasonWriteError                        = "Write Error"
	ReasonReadError                         = "Read Error"
	ReasonParseError                        = "Parse Error"
	ReasonStaleConnection                   = "Stale Connection"
	ReasonProtocolViolation                 = "Protocol Violation"
	ReasonBadClientProtocolVersion          = "Bad Client Protocol Version"
	ReasonWrongPort                         = "Incorrect Port"
	ReasonMaxConnectionsExceeded            = "Maximum Connections Exceeded"
	ReasonMaxAccountConnectionsExceeded     = "Maximum Account Connections Exceeded"
	ReasonMaxPayloadExceeded                = "Maximum Message Payload Exceeded"
	ReasonMaxControlLineExceeded            = "Maximum Control Line Exceeded"
	ReasonMaxSubscriptionsExceeded          = "Maximum Subscriptions Exceeded"
	ReasonDuplicateRoute                    = "Duplicate Route"
	ReasonRouteRemoved                      = "Route Removed"
	ReasonServerShutdown                    = "Server Shutdown"
	ReasonAuthenticationExpired             = "Authentication Expired"
	ReasonWrongGateway                      = "Wrong Gateway"
	ReasonMissingAccount                    = "Missing Account"
	ReasonRevocation                        = "Credentials Revoked"
	ReasonInternalClient                    = "Internal Client"
	ReasonMsgHeaderViolation                = "Message Header Violation"
	ReasonNoRespondersRequiresHeaders       = "No Responders Requires Headers"
	ReasonClusterNameConflict               = "Cluster Name Conflict"
	ReasonDuplicateRemoteLeafnodeConnection = "Duplicate Remote LeafNode Connection"
	ReasonDuplicateClientID                 = "Duplicate Client ID"
	ReasonDuplicateServerName               = "Duplicate Server Name"
	ReasonMinimumVersionRequired            = "Minimum Version Required"
	ReasonClusterNamesIdentical             = "Cluster Names Identical"
	ReasonKicked                            = "Kicked"
	ReasonProxyNotTrusted                   = "Proxy Not Trusted"
	ReasonProxyRequired                     = "Proxy Required"
	ReasonUnknownState                      = "Unknown State"
)

// CloseReasons lists every close reason string, in the reference's order.
func CloseReasons() []string {
	return []string{
		ReasonClientClosed, ReasonAuthenticationTimeout, ReasonAuthenticationViolation,
		ReasonTLSHandshakeError, ReasonSlowConsumerPendingBytes, ReasonSlowConsumerWriteDeadline,
		ReasonWriteError, ReasonReadError, ReasonParseError, ReasonStaleConnection,
		ReasonProtocolViolation, ReasonBadClientProtocolVersion, ReasonWrongPort,
		ReasonMaxConnectionsExceeded, ReasonMaxAccountConnectionsExceeded, ReasonMaxPayloadExceeded,
		ReasonMaxControlLineExceeded, ReasonMaxSubscriptionsExceeded, ReasonDuplicateRoute,
		ReasonRouteRemoved, ReasonServerShutdown, ReasonAuthenticationExpired, ReasonWrongGateway,
		ReasonMissingAccount, ReasonRevocation, ReasonInternalClient, ReasonMsgHeaderViolation,
		ReasonNoRespondersRequiresHeaders, ReasonClusterNameConflict,
		ReasonDuplicateRemoteLeafnodeConnection, ReasonDuplicateClientID, ReasonDuplicateServerName,
		ReasonMinimumVersionRequired, ReasonClusterNamesIdentical, ReasonKicked,
		ReasonProxyNotTrusted, ReasonProxyRequired, ReasonUnknownState,
	}
}
