// Package sys makes typed requests to the system services of NATS servers
// (the "$SYS.REQ." subjects of the system account) and collects the replies
// of every server that answers.
//
// # Calls
//
// Every monitoring endpoint has a function that takes the endpoint's options
// from package sysapi and returns a Result with one Reply per server:
//
//	res, err := sys.Connz(ctx, nc, sys.All(), sysapi.ConnzOptions{Sort: sysapi.ByInMsgs, Limit: 10})
//	for _, r := range res.Replies {
//		if err := r.Error(); err != nil { ... } // an error object, or a reply that did not decode
//		fmt.Println(r.Server.Name, r.Data.NumConns)
//	}
//
// The Target says who is asked: All servers (one request on
// "$SYS.REQ.SERVER.PING.<EP>", answered by each server), or given servers by
// ID or by name ("$SYS.REQ.SERVER.<id>.<EP>"; names are resolved to IDs
// through a STATSZ ping first). Account calls (AccountInfo, AccountConnz, ...)
// go to "$SYS.REQ.ACCOUNT.<acc>.<EP>", answered by every server.
//
// # Collecting replies
//
// A fan-out request cannot know how many servers will answer, because servers
// that a filter excludes stay silent. Like natscli, the collection stops at
// the first of:
//
//   - the expected number of replies: Expect(n), or, when not given, the
//     "active_servers" count of a first STATSZ ping (only when no Filter is
//     set and the endpoint is one every server answers);
//   - a quiet gap after the last reply (Gap, 300 ms by default) when no count
//     is known;
//   - the end of the context, or of Timeout (5 s by default when the context
//     has no deadline).
//
// Result.Missing and Result.MissingCount tell which expected servers did not
// reply; Reply.Err holds a server's error object.
//
// # Compression
//
// Requests other than STATSZ/PING carry the header "Accept-Encoding: snappy",
// as natscli sends it; replies with "Content-Encoding: snappy" (framed
// snappy) or "gzip" are decompressed, up to MaxReplySize bytes.
//
// # Errors
//
// A request nobody subscribes to gets the server's no-responders status at
// once. When the connected user is not in the system account the calls fail
// with ErrNotSystemAccount (non-system accounts only see the few services
// imported into every account: Connz on All servers and AccountStatz with an
// empty account show the user's own account, and UserInfo works for
// everyone). A direct request to an unknown server ID fails with
// ErrServerNotFound; a publish or subscribe permission violation is returned
// as the server's error (errors.Is(err, client.ErrPermissionViolation)); and
// a request that got no reply at all before the deadline returns ErrNoReplies
// together with the (empty) Result.
package sys
