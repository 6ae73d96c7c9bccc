package client

import (
	"errors"
	"strings"
)

// Errors returned by the client. Match them with errors.Is.
var (
	ErrConnectionClosed     = errors.New("client: connection closed")
	ErrConnectionDraining   = errors.New("client: connection draining")
	ErrNoServers            = errors.New("client: no servers available for connection")
	ErrNoResponders         = errors.New("client: no responders available for request")
	ErrBadSubject           = errors.New("client: invalid subject")
	ErrBadQueueName         = errors.New("client: invalid queue name")
	ErrBadHeader            = errors.New("client: invalid header")
	ErrHeadersNotSupported  = errors.New("client: headers not supported by this server")
	ErrMaxPayload           = errors.New("client: maximum payload exceeded")
	ErrReconnectBufExceeded = errors.New("client: outbound buffer limit exceeded")
	ErrSlowConsumer         = errors.New("client: slow consumer, messages dropped")
	ErrSubscriptionClosed   = errors.New("client: subscription closed")
	ErrMaxMessages          = errors.New("client: maximum messages delivered")
	ErrBadSubscription      = errors.New("client: invalid subscription")
	ErrSecureConnWanted     = errors.New("client: secure connection not available")
	ErrStaleConnection      = errors.New("client: stale connection")
	ErrInvalidOption        = errors.New("client: invalid option")
	ErrProtocol             = errors.New("client: protocol error")

	// The following match a *ServerError whose text says so.
	ErrPermissionViolation    = errors.New("client: permissions violation")
	ErrAuthorization          = errors.New("client: authorization violation")
	ErrAuthExpired            = errors.New("client: authentication expired")
	ErrAuthRevoked            = errors.New("client: authentication revoked")
	ErrMaxConnectionsExceeded = errors.New("client: server maximum connections exceeded")
	ErrMaxSubscriptions       = errors.New("client: server maximum subscriptions exceeded")
)

// ServerError is an -ERR the server sent. Its Text is the message without the
// surrounding quotes, e.g. `Permissions Violation for Publish to "foo"`.
type ServerError struct {
	Text string
}

// Error implements error.
func (e *ServerError) Error() string { return "client: server error: " + e.Text }

// Is lets errors.Is match a ServerError against the sentinel errors above.
func (e *ServerError) Is(target error) bool {
	t := strings.ToLower(e.Text)
	switch target {
	case ErrPermissionViolation:
		return strings.HasPrefix(t, "permissions violation")
	case ErrAuthorization:
		return strings.HasPrefix(t, "authorization violation")
	case ErrAuthExpired:
		return strings.HasPrefix(t, "user authentication expired") ||
			strings.HasPrefix(t, "account authentication expired")
	case ErrAuthRevoked:
		return strings.HasPrefix(t, "user authentication revoked")
	case ErrStaleConnection:
		return t == "stale connection"
	case ErrMaxConnectionsExceeded:
		return strings.HasPrefix(t, "maximum connections exceeded") ||
			strings.HasPrefix(t, "maximum account active connections exceeded")
	case ErrMaxPayload:
		return strings.HasPrefix(t, "maximum payload violation")
	case ErrMaxSubscriptions:
		return strings.HasPrefix(t, "maximum subscriptions exceeded")
	}
	return false
}

// fatal reports whether the server closes the connection after this error.
// Permission, subject and subscription-limit errors leave it open.
func (e *ServerError) fatal() bool {
	t := strings.ToLower(e.Text)
	switch {
	case strings.HasPrefix(t, "permissions violation"),
		strings.HasPrefix(t, "invalid subject"),
		strings.HasPrefix(t, "invalid publish subject"),
		strings.HasPrefix(t, "maximum subscriptions exceeded"),
		strings.HasPrefix(t, "failed account registration"):
		return false
	}
	return true
}

// authError reports whether err is a credential problem, which makes
// retrying the same server pointless during the initial connect.
func authError(err error) bool {
	return errors.Is(err, ErrAuthorization) || errors.Is(err, ErrAuthExpired) ||
		errors.Is(err, ErrAuthRevoked)
}
