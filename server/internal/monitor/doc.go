// Package monitor builds the monitoring payloads of the server (VARZ, CONNZ,
// SUBSZ, ACCOUNTZ, account STATZ, JSZ, HEALTHZ, ROUTEZ, GATEWAYZ, LEAFZ) and
// serves them over HTTP.
//
// There is one builder function per endpoint. The HTTP handler (NewHandler)
// and the $SYS.REQ.SERVER.<id>.<EP> services both call the same builder, so
// every field is defined in exactly one place. The payload types are those
// of github.com/natsys/natsys/client/sysapi.
//
// The server's state reaches the builders through Source, a small interface
// that returns plain snapshot structs: a builder never holds a server lock
// and never reaches into server internals. A builder failure is an *Error
// carrying the code a $SYS service reply uses (400 or 500) and the
// reference's description text; the HTTP handler turns every failure into
// status 400 with that text.
//
// The package is a leaf: it imports sysapi and internal/subject only.
package monitor
