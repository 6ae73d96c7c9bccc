// Package wire is the server side of the NATS client protocol's framing: a Parser for what
// clients send and encoders for what the server sends (MSG, HMSG, -ERR, PING, PONG, +OK, INFO),
// plus the exact text of every -ERR and every close reason. The contract is
// /work/shared/spec/protocol.md (§1, §4, §6), checked against nats-server v2.15.2.
//
// # Parser
//
// The Parser is a byte state machine that keeps its state across Parse calls, so an operation may
// be split across reads at any byte and the callbacks are the same as for one read. It does not
// allocate on the message path: slices handed to the Handler alias the read buffer; only when an
// operation spans reads is its control line copied into a scratch buffer (at most
// MaxControlLine+1 bytes) and its payload into a reusable buffer.
//
// Framing rules, as the reference behaves:
//   - Operation names are matched case-insensitively (ASCII letters only).
//   - PUB, HPUB, SUB, UNSUB and -ERR need at least one space or tab after the name; CONNECT and
//     INFO do not. Spaces and tabs before the arguments are skipped.
//   - A control line ends at LF; a CR directly before the LF is dropped. The first argument byte
//     is always taken as an argument byte, even CR or LF (so "CONNECT\n{}\r\n" is a CONNECT with
//     "\n{}", and a bare "CONNECT\r\n" hands "\r" to ProcessConnect).
//   - PUB and HPUB split their arguments on spaces and tabs; SUB and UNSUB also on CR and LF.
//   - PING, PONG and +OK ignore everything after the name up to LF, without any limit.
//   - A payload is exactly size bytes (any bytes) followed by CR LF.
//   - max_control_line counts the argument bytes: after the name and the skipped spaces/tabs, up
//     to the LF, without a CR that ends the line. It is checked when the line is complete and at
//     the end of every Parse call that leaves a line incomplete.
//   - max_payload is checked on the size field (HPUB: total size) when the control line is
//     complete, before any payload byte.
//
// # Errors the Parser returns (*Error, always with Close = true)
//
//	Text                          Reason                            When
//	Unknown Protocol Operation    Protocol Violation                unknown first byte (also M, R, L, A, CR, LF,
//	                                                                space), a name byte that does not fit, no
//	                                                                space/tab after PUB/HPUB/SUB/UNSUB/-ERR,
//	                                                                payload not followed by CR LF, client HMSG
//	"" (silent close)             Protocol Violation                wrong number of arguments to PUB (2-3), HPUB
//	                                                                (3-4), SUB (2-3), UNSUB (1-2); bad size (not
//	                                                                1-9 digits); HPUB header size > total size;
//	                                                                HPUB while Headers is false (checked first)
//	Maximum Payload Violation     Maximum Message Payload Exceeded  PUB size / HPUB total size > MaxPayload
//	maximum control line exceeded Maximum Control Line Exceeded     arguments > MaxControlLine (checked before
//	                                                                anything else on the line)
//	Authorization Violation       Authentication Failure            RequireConnect and an operation starts with
//	                                                                a byte other than 'C'/'c'
//
// The server sends "-ERR '" + Text + "'\r\n" (AppendErr) when Text is not empty, flushes, and
// closes with Reason. Errors returned by a Handler method are returned unchanged.
//
// # What the server must do itself
//
// The Parser delivers well-formed operations; these checks belong to the server (texts are the
// Err* constants and Permissions* functions of this package):
//
//	CONNECT arg not decodable as JSON (includes "" and "\r")  silent close, ReasonProtocolViolation
//	CONNECT auth failure, account/new_account                  ErrAuthorizationViolation, close, ReasonAuthenticationFailure
//	CONNECT protocol < 0 or > 1                                ErrInvalidClientProtocol, close, ReasonBadClientProtocol
//	CONNECT no_responders without effective headers            ErrNoRespondersRequiresHeaders, close, ReasonNoRespondersRequiresHeaders
//	after CONNECT: set Parser.Headers; clear RequireConnect
//	client INFO whose arg is not JSON (includes "" and "\r")   silent close, ReasonProtocolViolation; otherwise ignore
//	client +OK                                                 ignore
//	client -ERR                                                log "Client Error <arg>", silent close, ReasonParseError
//	PUB/HPUB pedantic, subject not a valid literal             ErrInvalidPublishSubject, no close, still deliver
//	PUB/HPUB publish denied, reserved subject (_GR_., $NRG.)   PermissionsPublish(subject), no close, drop
//	PUB/HPUB reply _GR_., $JS.ACK., _R_.                       PermissionsPublishReply(reply), no close, drop
//	HPUB with hdrLen 0                                         deliver as a plain MSG
//	SUB invalid subject                                        ErrInvalidSubject, no close
//	SUB denied                                                 PermissionsSubscribe(subject, queue), no close
//	SUB over max_subscriptions                                 ErrMaxSubscriptionsExceeded, no close
//	SUB over max_sub_tokens                                    PermissionsSubscribeTooManyTokens(subject), no close
//	UNSUB max <= 0 (absent or invalid gives -1) or <= delivered   remove now; else auto-unsubscribe at max
//	verbose                                                    OK after accepted CONNECT, SUB, UNSUB, PUB/HPUB
//	auth timeout, stale connection, max connections, TLS       ErrAuthenticationTimeout, ErrStaleConnection,
//	                                                           ErrMaxConnectionsExceeded, ErrSecureConnectionTLSRequired, ...
//
// # Deliberate differences from the reference
//
//   - A client HMSG is answered with Unknown Protocol Operation at its 'M' (protocol.md §1.6; the
//     reference swallows some HMSG lines).
//   - A CR that is not directly before the LF is an ordinary argument byte. The reference's
//     handling of such a CR depends on how the line was split across reads.
package wire
