package wire

import (
	"strconv"

	"github.com/natsys/natsys/client/sysapi"
)

// Error is a protocol error found by the Parser.
//
// Text is the exact -ERR text, without the "-ERR '" prefix and the "'" suffix (for example
// ErrUnknownProtocolOperation); Text == "" means the reference closes the connection silently,
// without sending anything. Close reports whether the connection must be closed after Text (if
// any) has been flushed; every error the Parser returns closes. Reason is the close reason as
// CONNZ and the DISCONNECT event report it (protocol.md §6.3). Detail describes what was wrong,
// for the server's log; it is never sent to the client.
type Error struct {
	Text   string
	Close  bool
	Reason string
	Detail string
}

// Error implements the error interface.
func (e *Error) Error() string {
	switch {
	case e.Detail != "" && e.Text != "":
		return "wire: " + e.Text + ": " + e.Detail
	case e.Detail != "":
		return "wire: " + e.Detail
	case e.Text != "":
		return "wire: " + e.Text
	}
	return "wire: protocol error (" + e.Reason + ")"
}

// The text of every -ERR a client can receive on the client port (protocol.md §6.1), byte for
// byte. Send them with AppendErr. Texts that embed a subject, reply or queue are built by the
// Permissions* functions below.
const (
	// ErrUnknownProtocolOperation: unknown op, bad op spelling, bad payload terminator, client
	// MSG/HMSG, route/leaf ops. Closes, ReasonProtocolViolation.
	ErrUnknownProtocolOperation = "Unknown Protocol Operation"
	// ErrAuthorizationViolation: bad or missing credentials, non-CONNECT first op when auth is
	// required, account/new_account in CONNECT. Closes, ReasonAuthenticationFailure.
	ErrAuthorizationViolation = "Authorization Violation"
	// ErrAuthenticationTimeout: no CONNECT within the auth timeout. Closes,
	// ReasonAuthenticationTimeout.
	ErrAuthenticationTimeout = "Authentication Timeout"
	// ErrUserAuthenticationExpired: user JWT/credentials expired. Closes,
	// ReasonAuthenticationExpired.
	ErrUserAuthenticationExpired = "User Authentication Expired"
	// ErrAccountAuthenticationExpired: account JWT expired. Closes, ReasonAuthenticationExpired.
	ErrAccountAuthenticationExpired = "Account Authentication Expired"
	// ErrUserAuthenticationRevoked: user revoked. Closes, ReasonCredentialsRevoked.
	ErrUserAuthenticationRevoked = "User Authentication Revoked"
	// ErrMaxPayloadViolation: PUB/HPUB size field > max_payload. Closes, ReasonMaxPayload.
	ErrMaxPayloadViolation = "Maximum Payload Violation"
	// ErrMaxControlLineExceeded: control-line arguments > max_control_line. Closes,
	// ReasonMaxControlLine.
	ErrMaxControlLineExceeded = "maximum control line exceeded"
	// ErrMaxConnectionsExceeded: server max_connections reached (sent right after INFO). Closes,
	// ReasonMaxConnections.
	ErrMaxConnectionsExceeded = "maximum connections exceeded"
	// ErrMaxAccountConnectionsExceeded: account connection limit. Closes,
	// ReasonMaxAccountConnections.
	ErrMaxAccountConnectionsExceeded = "maximum account active connections exceeded"
	// ErrMaxSubscriptionsExceeded: max_subscriptions reached. Does not close.
	ErrMaxSubscriptionsExceeded = "maximum subscriptions exceeded"
	// ErrInvalidSubject: SUB with an invalid subject. Does not close.
	ErrInvalidSubject = "Invalid Subject"
	// ErrInvalidPublishSubject: pedantic PUB/HPUB with a non-literal or malformed subject. Does
	// not close; the message is still delivered.
	ErrInvalidPublishSubject = "Invalid Publish Subject"
	// ErrInvalidClientProtocol: CONNECT protocol < 0 or > 1. Closes, ReasonBadClientProtocol.
	ErrInvalidClientProtocol = "invalid client protocol"
	// ErrNoRespondersRequiresHeaders: no_responders without effective headers. Closes,
	// ReasonNoRespondersRequiresHeaders.
	ErrNoRespondersRequiresHeaders = "no responders requires headers support"
	// ErrStaleConnection: too many unanswered server PINGs. Closes, ReasonStaleConnection.
	ErrStaleConnection = "Stale Connection"
	// ErrSecureConnectionTLSRequired: TLS handshake did not complete in time. Closes,
	// ReasonTLSHandshakeFailure.
	ErrSecureConnectionTLSRequired = "Secure Connection - TLS Required"
	// ErrConnectionThrottling: TLS connection rate limit. Closes, ReasonMaxConnections.
	ErrConnectionThrottling = "Connection throttling is active. Please try again later."
	// ErrFailedAccountRegistration: the account could not be registered. Does not close by itself.
	ErrFailedAccountRegistration = "Failed Account Registration"
)

// Prefixes and suffixes of the parameterised -ERR texts; the parameters are quoted as Go's %q
// does (strconv.Quote).
const (
	permPublishTo          = "Permissions Violation for Publish to "
	permPublishReply       = "Permissions Violation for Publish with Reply of "
	permSubscriptionTo     = "Permissions Violation for Subscription to "
	permUsingQueue         = " using queue "
	permTooManyTokens      = ", too many tokens"
	permSidOpen, permClose = " (sid ", ")"
)

// PermissionsPublish returns `Permissions Violation for Publish to "<subject>"` (publish denied,
// or a reserved _GR_./$NRG. subject). Does not close.
func PermissionsPublish(subject string) string {
	return permPublishTo + strconv.Quote(subject)
}

// PermissionsPublishReply returns `Permissions Violation for Publish with Reply of "<reply>"`
// (reserved reply prefix _GR_., $JS.ACK., _R_.). Does not close.
func PermissionsPublishReply(reply string) string {
	return permPublishReply + strconv.Quote(reply)
}

// PermissionsSubscribe returns `Permissions Violation for Subscription to "<subject>"`, or with a
// non-empty queue `... using queue "<queue>"`. Does not close.
func PermissionsSubscribe(subject, queue string) string {
	s := permSubscriptionTo + strconv.Quote(subject)
	if queue != "" {
		s += permUsingQueue + strconv.Quote(queue)
	}
	return s
}

// PermissionsSubscribeSid returns the variant of PermissionsSubscribe used when a config reload
// removes an existing subscription: `... (sid "<sid>")`.
func PermissionsSubscribeSid(subject, queue, sid string) string {
	return PermissionsSubscribe(subject, queue) + permSidOpen + strconv.Quote(sid) + permClose
}

// PermissionsSubscribeTooManyTokens returns
// `Permissions Violation for Subscription to "<subject>", too many tokens` (max_sub_tokens).
// Does not close.
func PermissionsSubscribeTooManyTokens(subject string) string {
	return permSubscriptionTo + strconv.Quote(subject) + permTooManyTokens
}

// Close reasons as CONNZ `reason` and the DISCONNECT event show them (protocol.md §6.3).
// The strings are defined once, in client/sysapi, the JSON contract.
const (
	ReasonClientClosed                  = sysapi.ReasonClientClosed
	ReasonAuthenticationTimeout         = sysapi.ReasonAuthenticationTimeout
	ReasonAuthenticationFailure         = sysapi.ReasonAuthenticationViolation
	ReasonTLSHandshakeFailure           = sysapi.ReasonTLSHandshakeError
	ReasonSlowConsumerPendingBytes      = sysapi.ReasonSlowConsumerPendingBytes
	ReasonSlowConsumerWriteDeadline     = sysapi.ReasonSlowConsumerWriteDeadline
	ReasonWriteError                    = sysapi.ReasonWriteError
	ReasonReadError                     = sysapi.ReasonReadError
	ReasonParseError                    = sysapi.ReasonParseError
	ReasonStaleConnection               = sysapi.ReasonStaleConnection
	ReasonProtocolViolation             = sysapi.ReasonProtocolViolation
	ReasonBadClientProtocol             = sysapi.ReasonBadClientProtocolVersion
	ReasonIncorrectPort                 = sysapi.ReasonWrongPort
	ReasonMaxConnections                = sysapi.ReasonMaxConnectionsExceeded
	ReasonMaxAccountConnections         = sysapi.ReasonMaxAccountConnectionsExceeded
	ReasonMaxPayload                    = sysapi.ReasonMaxPayloadExceeded
	ReasonMaxControlLine                = sysapi.ReasonMaxControlLineExceeded
	ReasonMaxSubscriptions              = sysapi.ReasonMaxSubscriptionsExceeded
	ReasonDuplicateRoute                = sysapi.ReasonDuplicateRoute
	ReasonRouteRemoved                  = sysapi.ReasonRouteRemoved
	ReasonServerShutdown                = sysapi.ReasonServerShutdown
	ReasonAuthenticationExpired         = sysapi.ReasonAuthenticationExpired
	ReasonWrongGateway                  = sysapi.ReasonWrongGateway
	ReasonMissingAccount                = sysapi.ReasonMissingAccount
	ReasonCredentialsRevoked            = sysapi.ReasonRevocation
	ReasonInternalClient                = sysapi.ReasonInternalClient
	ReasonMessageHeaderViolation        = sysapi.ReasonMsgHeaderViolation
	ReasonNoRespondersRequiresHeaders   = sysapi.ReasonNoRespondersRequiresHeaders
	ReasonClusterNameConflict           = sysapi.ReasonClusterNameConflict
	ReasonDuplicateRemoteLeafConnection = sysapi.ReasonDuplicateRemoteLeafnodeConnection
	ReasonDuplicateClientID             = sysapi.ReasonDuplicateClientID
	ReasonDuplicateServerName           = sysapi.ReasonDuplicateServerName
	ReasonMinimumVersionRequired        = sysapi.ReasonMinimumVersionRequired
	ReasonClusterNamesIdentical         = sysapi.ReasonClusterNamesIdentical
	ReasonKicked                        = sysapi.ReasonKicked
	ReasonProxyNotTrusted               = sysapi.ReasonProxyNotTrusted
	ReasonProxyRequired                 = sysapi.ReasonProxyRequired
	ReasonUnknownState                  = sysapi.ReasonUnknownState
)

// Constructors of the errors the Parser returns.

func errUnknownOp(detail string) *Error {
	return &Error{Text: ErrUnknownProtocolOperation, Close: true, Reason: ReasonProtocolViolation, Detail: detail}
}

func errSilent(detail string) *Error {
	return &Error{Close: true, Reason: ReasonProtocolViolation, Detail: detail}
}

func errMaxPayload(detail string) *Error {
	return &Error{Text: ErrMaxPayloadViolation, Close: true, Reason: ReasonMaxPayload, Detail: detail}
}

func errMaxControlLine(detail string) *Error {
	return &Error{Text: ErrMaxControlLineExceeded, Close: true, Reason: ReasonMaxControlLine, Detail: detail}
}

func errAuthorization(detail string) *Error {
	return &Error{Text: ErrAuthorizationViolation, Close: true, Reason: ReasonAuthenticationFailure, Detail: detail}
}
