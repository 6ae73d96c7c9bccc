package server

import "github.com/natsys/natsys/server/internal/wire"

// closeReason is why a connection was closed (protocol.md §6.3). Its String
// is the exact text CONNZ and the disconnect event show.
type closeReason int

const (
	reasonUnknown closeReason = iota
	reasonClientClosed
	reasonAuthTimeout
	reasonAuthViolation
	reasonTLSHandshake
	reasonSlowConsumerPendingBytes
	reasonSlowConsumerWriteDeadline
	reasonWriteError
	reasonReadError
	reasonParseError
	reasonStaleConnection
	reasonProtocolViolation
	reasonBadClientProtocol
	reasonMaxConnectionsExceeded
	reasonMaxAccountConnectionsExceeded
	reasonMaxPayloadExceeded
	reasonMaxControlLineExceeded
	reasonServerShutdown
	reasonAuthExpired
	reasonMissingAccount
	reasonRevoked
	reasonNoRespondersRequiresHeaders
	reasonKicked
)

var closeReasonText = [...]string{
	reasonUnknown:                       wire.ReasonUnknownState,
	reasonClientClosed:                  wire.ReasonClientClosed,
	reasonAuthTimeout:                   wire.ReasonAuthenticationTimeout,
	reasonAuthViolation:                 wire.ReasonAuthenticationFailure,
	reasonTLSHandshake:                  wire.ReasonTLSHandshakeFailure,
	reasonSlowConsumerPendingBytes:      wire.ReasonSlowConsumerPendingBytes,
	reasonSlowConsumerWriteDeadline:     wire.ReasonSlowConsumerWriteDeadline,
	reasonWriteError:                    wire.ReasonWriteError,
	reasonReadError:                     wire.ReasonReadError,
	reasonParseError:                    wire.ReasonParseError,
	reasonStaleConnection:               wire.ReasonStaleConnection,
	reasonProtocolViolation:             wire.ReasonProtocolViolation,
	reasonBadClientProtocol:             wire.ReasonBadClientProtocol,
	reasonMaxConnectionsExceeded:        wire.ReasonMaxConnections,
	reasonMaxAccountConnectionsExceeded: wire.ReasonMaxAccountConnections,
	reasonMaxPayloadExceeded:            wire.ReasonMaxPayload,
	reasonMaxControlLineExceeded:        wire.ReasonMaxControlLine,
	reasonServerShutdown:                wire.ReasonServerShutdown,
	reasonAuthExpired:                   wire.ReasonAuthenticationExpired,
	reasonMissingAccount:                wire.ReasonMissingAccount,
	reasonRevoked:                       wire.ReasonCredentialsRevoked,
	reasonNoRespondersRequiresHeaders:   wire.ReasonNoRespondersRequiresHeaders,
	reasonKicked:                        wire.ReasonKicked,
}

// String returns the reference's text for the reason.
func (r closeReason) String() string {
	if r < 0 || int(r) >= len(closeReasonText) {
		return closeReasonText[reasonUnknown]
	}
	return closeReasonText[r]
}

// reasonFromText maps a close-reason text (as the wire parser reports it) to a
// closeReason; unknown texts map to Protocol Violation.
func reasonFromText(s string) closeReason {
	for i, t := range closeReasonText {
		if t == s {
			return closeReason(i)
		}
	}
	return reasonProtocolViolation
}
