package monitor

import (
	"fmt"

	"github.com/natsys/natsys/client/sysapi"
)

// Error is a monitoring failure. Code is what a $SYS service reply carries in
// its "error" object: sysapi.APIErrBadRequest (400) for a request that could
// not be decoded (the HTTP query parsers return these) and
// sysapi.APIErrInternal (500) for a builder that refused the request.
// Description is the reference's text, byte for byte. Over HTTP every Error
// is answered with status 400 and Description as a text/plain body.
type Error struct {
	Code        int
	Description string
}

// Error returns the description.
func (e *Error) Error() string { return e.Description }

// APIError returns the error object of a $SYS service reply.
func (e *Error) APIError() *sysapi.APIError {
	return &sysapi.APIError{Code: e.Code, Description: e.Description}
}

// ErrNotLeader is returned by Jsz for JSzOptions.LeaderOnly on a server that
// is not the JetStream meta leader (always, as JetStream is not built). The
// $SYS JSZ service must send no reply at all for it (errors.Is); over HTTP it
// is a 400 with the reference's text.
var ErrNotLeader = &Error{Code: sysapi.APIErrInternal, Description: "filtered response: not leader"}

// Builder error texts of the reference.
const (
	errTextFilterSubject  = "filter by subject only valid with account filtering"
	errTextBadSortFmt     = "invalid sorting option: %s"
	errTextClosedSortFmt  = "sort by %s only valid on closed connections"
	errTextBadTestFmt     = "invalid test subject, must be valid publish subject: %s"
	errTextNoAccountFmt   = "Account %s does not exist"
	errTextJSNotEnabled   = "jetstream not enabled"
	errTextStreamNoAcc    = `"account" must not be empty when checking stream health`
	errTextConsumerNoStrm = `"stream" must not be empty when checking consumer health`
)

// internalErr returns a 500 Error with a formatted description.
func internalErr(format string, args ...any) *Error {
	return &Error{Code: sysapi.APIErrInternal, Description: fmt.Sprintf(format, args...)}
}

// badRequest returns a 400 Error with a formatted description.
func badRequest(format string, args ...any) *Error {
	return &Error{Code: sysapi.APIErrBadRequest, Description: fmt.Sprintf(format, args...)}
}
