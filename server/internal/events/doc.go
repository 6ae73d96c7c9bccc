// Package events holds the parts of the system account's event machinery
// that do not need the server: the bounded queues between producers and the
// single sender, the server filters of $SYS.REQ services, the parsing of
// service subjects, the Accept-Encoding negotiation and compression of
// replies, event ids and the STATSZ broadcast schedule.
//
// The server package wires these together with its internal clients
// (server/events.go, server/sysreq.go). This package imports only
// client/sysapi and the standard library plus the compressor.
package events
