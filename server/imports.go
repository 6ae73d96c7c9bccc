package server

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Stream and service imports (config.md §2.10).
//
// An import is a subscription without a connection (subscription.imp set)
// placed in the index of the account where its messages start:
//
//   - a stream import sits in the exporting account's index on the imported
//     subject; a message published there is mapped (prefix or to) and handed
//     to the matching subscriptions of the importing account. That delivery
//     is one hop: it reaches connections only, never further imports (the
//     reference's shadow subscriptions behave the same way).
//   - a service import sits in the importing account's index on its local
//     subject; a request published there is mapped to the exported subject
//     and delivered in the exporting account as if published there, with its
//     reply subject replaced by a "_R_." subject. The exporting account
//     remembers where that subject leads (importState.resps) and sends the
//     responder's reply back to the requester's reply subject, once for a
//     singleton service, until the response threshold for stream and chunked
//     ones.
//
// Messages that touch no import pay one nil check per matched subscription
// and one prefix test of the subject.

// importKind tells stream and service imports apart.
type importKind uint8

const (
	streamImportKind importKind = iota + 1
	serviceImportKind
)

// respKind is the response type of a service export.
type respKind uint8

const (
	respSingleton respKind = iota
	respStream
	respChunked
)

// importSub is the behaviour of one import subscription.
type importSub struct {
	kind     importKind
	importer *Account
	exporter *Account
	// mapping maps a stream subject of the exporter to the importer's, or a
	// service's local subject to the exported one.
	mapping   *subjectMapping
	resp      respKind
	threshold time.Duration // lifetime of a response route
}

// respRoute is where the response to a service-import request goes.
type respRoute struct {
	acc     *Account // the requester's account
	reply   string   // the requester's reply subject
	single  bool     // remove after the first response
	expires time.Time
}

// importState is an account's import machinery. mu is a leaf lock.
type importState struct {
	mu   sync.Mutex
	subs []*subscription // import subscriptions declared by this account
	// resps maps the "_R_." reply subjects of requests this account received
	// through service imports to their requesters.
	resps     map[string]*respRoute
	nextSweep int
	// prefix is "_R_.<6 chars>.", the start of the reply subjects of
	// requests this account sends through its service imports.
	prefix   string
	hasResps atomic.Bool
}

// replyPrefix returns the account's response subject prefix.
func (st *importState) replyPrefix() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.prefix == "" {
		st.prefix = serviceReplyPre + randomReplyToken(respTokenLen) + "."
	}
	return st.prefix
}

// addRoute registers reply (unique) as leading to r, pruning expired routes
// when the map has grown.
func (st *importState) addRoute(reply string, r *respRoute) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.resps == nil {
		st.resps = make(map[string]*respRoute)
		st.nextSweep = respSweepSize
	}
	if _, dup := st.resps[reply]; dup {
		return false
	}
	if len(st.resps) >= st.nextSweep {
		now := time.Now()
		for k, v := range st.resps {
			if now.After(v.expires) {
				delete(st.resps, k)
			}
		}
		st.nextSweep = max(respSweepSize, 2*len(st.resps))
	}
	st.resps[reply] = r
	st.hasResps.Store(true)
	return true
}

// takeRoute returns the live route of reply, removing it when it is used up
// or expired.
func (st *importState) takeRoute(reply []byte) *respRoute {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.resps[string(reply)]
	if r == nil {
		return nil
	}
	if time.Now().After(r.expires) {
		delete(st.resps, string(reply))
		return nil
	}
	if r.single {
		delete(st.resps, string(reply))
	}
	return r
}

// dropRoute removes reply's route (a request nobody received).
func (st *importState) dropRoute(reply string) {
	st.mu.Lock()
	delete(st.resps, reply)
	st.mu.Unlock()
}

// NumResponseRoutes returns the number of pending service-import response
// routes of the account (requests it received whose responses are still
// expected).
func (a *Account) NumResponseRoutes() int {
	a.imp.mu.Lock()
	defer a.imp.mu.Unlock()
	return len(a.imp.resps)
}

// wireImports replaces the import subscriptions of every account of prev
// and as by those the options declare. Imports the configuration checks
// refused (importErrors) are skipped.
func (as *accountSet) wireImports(o *Options, prev *accountSet) {
	done := map[*Account]bool{}
	for _, set := range []*accountSet{prev, as} {
		if set == nil {
			continue
		}
		for _, a := range set.byName {
			if !done[a] {
				done[a] = true
				a.clearImports()
			}
		}
	}
	byName := make(map[string]*AccountConfig, len(o.Accounts))
	for _, ac := range o.Accounts {
		byName[ac.Name] = ac
	}
	bad := importErrors(o.Accounts)
	for _, ac := range o.Accounts {
		importer := as.byName[ac.Name]
		for i, imp := range ac.Imports {
			exporter := as.byName[imp.Account]
			if _, refused := bad[imp]; refused || importer == nil || exporter == nil {
				continue
			}
			ex := findExport(byName[imp.Account], ac.Name, imp)
			if ex == nil {
				continue
			}
			importer.addImport(exporter, imp, ex, i)
		}
	}
}

// addImport places the subscription of one import of a.
func (a *Account) addImport(exporter *Account, imp *ImportConfig, ex *ExportConfig, n int) {
	is := &importSub{importer: a, exporter: exporter, threshold: defaultResponseThreshold}
	sub := &subscription{imp: is, sid: []byte("import-" + strconv.Itoa(n+1))}
	if imp.Stream != "" {
		local, err := streamImportTo(imp)
		if err != nil {
			return
		}
		is.kind = streamImportKind
		is.mapping = newSubjectMapping(imp.Stream, local)
		sub.acc, sub.subject = exporter, imp.Stream
	} else {
		local := serviceImportLocal(imp)
		is.kind = serviceImportKind
		is.mapping = newSubjectMapping(local, imp.Service)
		switch ex.ResponseType {
		case responseStream:
			is.resp = respStream
		case responseChunked:
			is.resp = respChunked
		}
		if ex.Threshold > 0 {
			is.threshold = ex.Threshold
		}
		sub.acc, sub.subject = a, local
	}
	if sub.acc.index.Insert(sub.subject, "", sub) != nil {
		return
	}
	a.imp.mu.Lock()
	a.imp.subs = append(a.imp.subs, sub)
	a.imp.mu.Unlock()
}

// clearImports removes the import subscriptions a declared.
func (a *Account) clearImports() {
	a.imp.mu.Lock()
	subs := a.imp.subs
	a.imp.subs = nil
	a.imp.mu.Unlock()
	for _, sub := range subs {
		_ = sub.acc.index.Remove(sub.subject, "", sub)
	}
}

// deliverImport carries a message matched by an import subscription into
// the other account; from is the service import that brought the message
// into the current account (nil for a publish). It reports whether anyone
// received it.
func (c *client) deliverImport(is *importSub, subj, reply []byte, hdrLen int, msg []byte, from *importSub, depth int) bool {
	if depth >= maxImportDepth {
		return false
	}
	if is.kind == streamImportKind {
		mapped := is.mapping.appendMapped(c.impScratch[:0], subj)
		c.impScratch = mapped
		r := is.importer.index.MatchBytes(mapped)
		return r != nil && c.deliverResult(r, mapped, reply, hdrLen, msg, nil, depth+1, true)
	}
	if is == from {
		return false
	}
	return c.deliverService(is, subj, reply, hdrLen, msg, depth)
}

// deliverService forwards a request matched by service import is into the
// exporting account.
func (c *client) deliverService(is *importSub, subj, reply []byte, hdrLen int, msg []byte, depth int) bool {
	remote := is.mapping.appendMapped(nil, subj)
	var newReply string
	if len(reply) > 0 {
		prefix := is.importer.imp.replyPrefix()
		route := &respRoute{
			acc: is.importer, reply: string(reply), single: is.resp == respSingleton,
			expires: time.Now().Add(is.threshold),
		}
		for {
			newReply = prefix + randomReplyToken(respTokenLen)
			if is.exporter.imp.addRoute(newReply, route) {
				break
			}
		}
	}
	hdrLen, msg = c.withRequestInfo(is.importer, hdrLen, msg)
	ok := c.deliverIn(is.exporter, remote, []byte(newReply), hdrLen, msg, is, depth+1)
	if !ok && newReply != "" {
		is.exporter.imp.dropRoute(newReply)
	}
	return ok
}

// deliverResponse sends a message published on a "_R_." subject of acc to
// the requester it leads to, if any.
func (c *client) deliverResponse(acc *Account, subj, reply []byte, hdrLen int, msg []byte, depth int) bool {
	if depth >= maxImportDepth {
		return false
	}
	r := acc.imp.takeRoute(subj)
	if r == nil {
		return false
	}
	return c.deliverIn(r.acc, []byte(r.reply), reply, hdrLen, msg, nil, depth+1)
}

// requestInfoHeader is the header the reference adds to requests that cross
// accounts through a service import.
const requestInfoHeader = "Nats-Request-Info"

// withRequestInfo returns the message with the Nats-Request-Info header
// naming the requesting account and the requester's round-trip time.
func (c *client) withRequestInfo(acc *Account, hdrLen int, msg []byte) (int, []byte) {
	c.mu.Lock()
	rtt := c.rtt
	c.mu.Unlock()
	if rtt == 0 {
		rtt = time.Since(c.start)
	}
	var b strings.Builder
	b.WriteString(requestInfoHeader)
	b.WriteString(`: {"acc":`)
	b.WriteString(strconv.Quote(acc.Name))
	b.WriteString(`,"rtt":`)
	b.WriteString(strconv.FormatInt(int64(rtt), 10))
	b.WriteString("}\r\n")
	line := b.String()
	var out []byte
	if hdrLen > 0 {
		// Insert before the blank line that ends the header block.
		out = make([]byte, 0, len(msg)+len(line))
		out = append(out, msg[:hdrLen-2]...)
		out = append(out, line...)
		out = append(out, "\r\n"...)
		out = append(out, msg[hdrLen:]...)
		return hdrLen + len(line), out
	}
	out = make([]byte, 0, len("NATS/1.0\r\n")+len(line)+2+len(msg))
	out = append(out, "NATS/1.0\r\n"...)
	out = append(out, line...)
	out = append(out, "\r\n"...)
	n := len(out)
	out = append(out, msg...)
	return n, out
}

// randomReplyToken returns n characters for reply subjects (not secret).
func randomReplyToken(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return string(b)
}
