package server_test

import (
	"bufio"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/natsys/natsys/server/natstest"
)

// The randomized matrices: users (in one or several accounts, with random
// publish/subscribe permissions) subscribe to random subjects, plain and in
// queue groups, and publish N numbered messages on random subjects. A model
// written from the documented semantics (not from the server's code) says
// which subscriptions are accepted, which publishes are refused and exactly
// who gets each message; every delivery is checked as it arrives, every
// message is accounted for at the end.

// relTokens is the subject alphabet: small, so random patterns overlap.
var relTokens = []string{"a", "b", "c", "d"}

// relPatMatch reports whether pattern (with * and >) matches subj, whose tokens
// are all taken literally (so "*" in subj only matches a "*" or wildcard).
func relPatMatch(pattern, subj string) bool {
	pt := strings.Split(pattern, ".")
	st := strings.Split(subj, ".")
	for i, p := range pt {
		if p == ">" {
			return len(st) > i
		}
		if i >= len(st) || (p != "*" && p != st[i]) {
			return false
		}
	}
	return len(pt) == len(st)
}

func relMatchAny(patterns []string, subj string) bool {
	for _, p := range patterns {
		if relPatMatch(p, subj) {
			return true
		}
	}
	return false
}

// relUser is one user of the matrix; nil lists mean "no restriction".
type relUser struct {
	name, account                        string
	pubAllow, pubDeny, subAllow, subDeny []string
	subConn, pubConn                     *relConn
	pubRefused                           atomic.Int64
}

// canPublish is the model of publish permissions.
func (u *relUser) canPublish(subj string) bool {
	if u.pubAllow != nil && !relMatchAny(u.pubAllow, subj) {
		return false
	}
	return !relMatchAny(u.pubDeny, subj)
}

// canSubscribe is the model of subscribe permissions: the subscription
// subject is checked token by token against the entries, its wildcards taken
// literally (that is the reference's rule; see docs/reliability.md).
func (u *relUser) canSubscribe(subj string) bool {
	if u.subAllow != nil && !relMatchAny(u.subAllow, subj) {
		return false
	}
	return !relMatchAny(u.subDeny, subj)
}

// denied is the delivery filter: a subscribe deny entry matching the message
// subject stops it, whatever subscription matched.
func (u *relUser) denied(subj string) bool { return relMatchAny(u.subDeny, subj) }

// relSub is an accepted subscription.
type relSub struct {
	user       *relUser
	subject    string
	queue      string
	bit        uint64
	groupIndex int // index in relMatrix.groups, -1 for plain
}

type relMatrix struct {
	t      *testing.T
	rng    *rand.Rand
	users  []*relUser
	subs   []*relSub // index = sid-1 across all users; at most 64
	groups []string
	// per message: subject, publisher, and the bitmask of subscriptions
	// that got it.
	msgSubj []string
	msgPub  []*relUser
	seen    []atomic.Uint64
	bad     atomic.Int64
	badMsg  atomic.Pointer[string]
}

func (m *relMatrix) fail(format string, args ...any) {
	if m.bad.Add(1) == 1 {
		s := fmt.Sprintf(format, args...)
		m.badMsg.Store(&s)
	}
}

func (m *relMatrix) randPattern(wild bool) string {
	n := 1 + m.rng.IntN(3)
	toks := make([]string, n)
	for i := range toks {
		toks[i] = relTokens[m.rng.IntN(len(relTokens))]
		if wild && m.rng.IntN(4) == 0 {
			toks[i] = "*"
		}
	}
	if wild && m.rng.IntN(5) == 0 {
		toks[n-1] = ">"
	}
	return strings.Join(toks, ".")
}

func (m *relMatrix) randList(max int) []string {
	if max == 0 || m.rng.IntN(2) == 0 {
		return nil
	}
	out := make([]string, 1+m.rng.IntN(max))
	for i := range out {
		out[i] = m.randPattern(true)
	}
	return out
}

func relQuoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// userConf renders one user entry of the config.
func (u *relUser) userConf() string {
	var perms []string
	side := func(name string, allow, deny []string) {
		var p []string
		if allow != nil {
			p = append(p, "allow: "+relQuoteList(allow))
		}
		if deny != nil {
			p = append(p, "deny: "+relQuoteList(deny))
		}
		if len(p) > 0 {
			perms = append(perms, name+": {"+strings.Join(p, ", ")+"}")
		}
	}
	side("publish", u.pubAllow, u.pubDeny)
	side("subscribe", u.subAllow, u.subDeny)
	s := fmt.Sprintf("{user: %s, password: p", u.name)
	if len(perms) > 0 {
		s += ", permissions: {" + strings.Join(perms, ", ") + "}"
	}
	return s + "}"
}

// relConn is a raw connection read by one goroutine.
type relConn struct {
	nc    net.Conn
	br    *bufio.Reader
	wmu   sync.Mutex
	bw    *bufio.Writer
	pongs chan struct{}
}

func (c *relConn) write(s string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.bw.WriteString(s); err != nil {
		return err
	}
	return c.bw.Flush()
}

// relSeed returns NATSYS_SEED or a fresh seed.
func relSeed(t *testing.T) uint64 {
	if s := os.Getenv("NATSYS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("NATSYS_SEED: %v", err)
		}
		return v
	}
	return uint64(time.Now().UnixNano())
}

// newRelMatrix builds users in accounts (nil = the global account) with random
// permissions when perms is set.
func newRelMatrix(t *testing.T, seed uint64, accounts []string, usersPer int, perms bool) (*relMatrix, string) {
	m := &relMatrix{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	if accounts == nil {
		accounts = []string{""}
	}
	byAcc := map[string][]string{}
	for _, acc := range accounts {
		for i := range usersPer {
			u := &relUser{name: fmt.Sprintf("u%d", len(m.users)), account: acc}
			if perms && i > 0 { // user 0 of each account is unrestricted
				u.pubAllow, u.pubDeny = m.randList(3), m.randList(2)
				u.subAllow, u.subDeny = m.randList(3), m.randList(2)
			}
			m.users = append(m.users, u)
			byAcc[acc] = append(byAcc[acc], u.userConf())
		}
	}
	var conf strings.Builder
	if len(accounts) == 1 && accounts[0] == "" {
		fmt.Fprintf(&conf, "authorization { users = [\n  %s\n] }\n", strings.Join(byAcc[""], "\n  "))
	} else {
		conf.WriteString("accounts {\n")
		for _, acc := range accounts {
			fmt.Fprintf(&conf, "  %s { users = [\n    %s\n  ] }\n", acc, strings.Join(byAcc[acc], "\n    "))
		}
		conf.WriteString("}\n")
	}
	return m, conf.String()
}

// connect logs every user in twice (subscriber and publisher connection).
func (m *relMatrix) connect(url string) {
	addr := natstest.HostPort(url)
	for _, u := range m.users {
		for _, dst := range []**relConn{&u.subConn, &u.pubConn} {
			nc, err := relRawClient(addr, fmt.Sprintf("CONNECT {\"verbose\":false,\"user\":%q,\"pass\":\"p\"}\r\n", u.name), 5*time.Second)
			if err != nil {
				m.t.Fatalf("login %s: %v", u.name, err)
			}
			m.t.Cleanup(func() { _ = nc.Close() })
			*dst = &relConn{nc: nc, br: bufio.NewReaderSize(nc, 64*1024), bw: bufio.NewWriterSize(nc, 64*1024),
				pongs: make(chan struct{}, 16)}
		}
	}
}

// subscribe makes perUser random subscription attempts per user and checks
// each verdict against the model.
func (m *relMatrix) subscribe(perUser int) {
	groupIdx := map[string]int{}
	sid := 0
	for _, u := range m.users {
		for range perUser {
			subj := m.randPattern(true)
			queue := ""
			if m.rng.IntN(3) == 0 {
				queue = []string{"g1", "g2"}[m.rng.IntN(2)]
			}
			want := u.canSubscribe(subj)
			sid++
			line := fmt.Sprintf("SUB %s %d\r\n", subj, sid)
			if queue != "" {
				line = fmt.Sprintf("SUB %s %s %d\r\n", subj, queue, sid)
			}
			got := m.verdict(u.subConn, line)
			if got != want {
				m.t.Fatalf("%s %q: server accepted=%v, model %v (user %s)", u.name, strings.TrimSpace(line), got, want, u.userConf())
			}
			if !got {
				sid--
				continue
			}
			s := &relSub{user: u, subject: subj, queue: queue, bit: 1 << uint(len(m.subs)), groupIndex: -1}
			if queue != "" {
				key := u.account + "/" + queue
				gi, ok := groupIdx[key]
				if !ok {
					gi = len(m.groups)
					groupIdx[key] = gi
					m.groups = append(m.groups, key)
				}
				s.groupIndex = gi
			}
			m.subs = append(m.subs, s)
			if len(m.subs) == 64 {
				return
			}
		}
	}
}

// verdict sends a SUB and reports whether it was accepted (PONG without -ERR).
func (m *relMatrix) verdict(c *relConn, line string) bool {
	_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer c.nc.SetReadDeadline(time.Time{})
	if err := c.write(line + "PING\r\n"); err != nil {
		m.t.Fatalf("send: %v", err)
	}
	ok := true
	for {
		l, err := c.br.ReadString('\n')
		if err != nil {
			m.t.Fatalf("%q: %v", line, err)
		}
		switch {
		case l == "PONG\r\n":
			return ok
		case l == "PING\r\n":
			_ = c.write("PONG\r\n")
		case strings.HasPrefix(l, "-ERR 'Permissions Violation for Subscription"):
			ok = false
		default:
			m.t.Fatalf("%q: unexpected %q", line, l)
		}
	}
}

// readLoop consumes a connection during the publish phase: MSGs are checked
// against the model, publish violations counted, PINGs answered.
func (m *relMatrix) readLoop(u *relUser, c *relConn, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			return
		}
		switch {
		case len(line) > 4 && string(line[:4]) == "MSG ":
			m.onMsg(u, c, line)
		case string(line) == "PING\r\n":
			_ = c.write("PONG\r\n")
		case string(line) == "PONG\r\n":
			c.pongs <- struct{}{}
		case strings.HasPrefix(string(line), "-ERR 'Permissions Violation for Publish"):
			u.pubRefused.Add(1)
		default:
			m.fail("%s: unexpected %q", u.name, line)
		}
	}
}

// onMsg checks one delivery: "MSG <subject> <sid> <len>" + "<msgIndex>".
func (m *relMatrix) onMsg(u *relUser, c *relConn, line []byte) {
	f := strings.Fields(string(line))
	if len(f) != 4 {
		m.fail("bad MSG line %q", line)
		return
	}
	n, _ := strconv.Atoi(f[3])
	body := make([]byte, n+2)
	if _, err := io.ReadFull(c.br, body); err != nil {
		return
	}
	idx, err := strconv.Atoi(string(body[:n]))
	sid, err2 := strconv.Atoi(f[2])
	if err != nil || err2 != nil || idx < 0 || idx >= len(m.msgSubj) || sid < 1 || sid > len(m.subs) {
		m.fail("bad MSG %q %q", line, body)
		return
	}
	s := m.subs[sid-1]
	subj := m.msgSubj[idx]
	switch {
	case s.user != u:
		m.fail("sid %d of %s delivered on %s's connection", sid, s.user.name, u.name)
	case f[1] != subj:
		m.fail("message %d published on %s delivered as %s", idx, subj, f[1])
	case m.msgPub[idx].account != u.account:
		m.fail("cross-account delivery: %s (account %q) got message %d of %s (account %q) on %s",
			u.name, u.account, idx, m.msgPub[idx].name, m.msgPub[idx].account, subj)
	case !m.msgPub[idx].canPublish(subj):
		m.fail("publish bypass: %s may not publish %s but %s relReceived it", m.msgPub[idx].name, subj, u.name)
	case u.denied(subj):
		m.fail("subscribe bypass: %s is denied %s but got it on sid %d (%s %s)", u.name, subj, sid, s.subject, s.queue)
	case !relPatMatch(s.subject, subj):
		m.fail("sid %d (%s) got %s which it does not match", sid, s.subject, subj)
	}
	if prev := m.seen[idx].Or(s.bit); prev&s.bit != 0 {
		m.fail("duplicate delivery of message %d to sid %d", idx, sid)
	}
}

// publish sends n messages from random users on random literal subjects and
// returns how many publishes the model refuses per user.
func (m *relMatrix) publish(n int) {
	m.msgSubj = make([]string, n)
	m.msgPub = make([]*relUser, n)
	m.seen = make([]atomic.Uint64, n)
	for i := range n {
		m.msgSubj[i] = m.randPattern(false)
		m.msgPub[i] = m.users[m.rng.IntN(len(m.users))]
	}
	var rwg sync.WaitGroup
	for _, u := range m.users {
		rwg.Add(2)
		go m.readLoop(u, u.subConn, &rwg)
		go m.readLoop(u, u.pubConn, &rwg)
	}
	var pwg sync.WaitGroup
	for _, u := range m.users {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			var b strings.Builder
			flush := func() {
				if b.Len() > 0 {
					if err := u.pubConn.write(b.String()); err != nil {
						m.fail("%s publish: %v", u.name, err)
					}
					b.Reset()
				}
			}
			for i := range n {
				if m.msgPub[i] != u {
					continue
				}
				p := strconv.Itoa(i)
				fmt.Fprintf(&b, "PUB %s %d\r\n%s\r\n", m.msgSubj[i], len(p), p)
				if b.Len() > 32*1024 {
					flush()
				}
			}
			flush()
		}()
	}
	pwg.Wait()
	// Publishers' PONGs mean every message was routed; subscribers'
	// PONGs then mean every delivery was read.
	for _, side := range []func(u *relUser) *relConn{
		func(u *relUser) *relConn { return u.pubConn },
		func(u *relUser) *relConn { return u.subConn },
	} {
		for _, u := range m.users {
			c := side(u)
			if err := c.write("PING\r\n"); err != nil {
				m.t.Fatalf("ping: %v", err)
			}
			select {
			case <-c.pongs:
			case <-time.After(30 * time.Second):
				m.t.Fatalf("%s: no PONG after publishing", u.name)
			}
		}
	}
	for _, u := range m.users {
		_ = u.subConn.nc.Close()
		_ = u.pubConn.nc.Close()
	}
	rwg.Wait()
}

// check compares what arrived with the model, message by message.
func (m *relMatrix) check() (deliveries int) {
	t := m.t
	if m.bad.Load() > 0 {
		t.Fatalf("%d bad deliveries, first: %s", m.bad.Load(), *m.badMsg.Load())
	}
	refused := map[*relUser]int64{}
	for idx, subj := range m.msgSubj {
		pub := m.msgPub[idx]
		got := m.seen[idx].Load()
		deliveries += bits.OnesCount64(got)
		if !pub.canPublish(subj) {
			refused[pub]++
			if got != 0 {
				t.Fatalf("message %d (%s by %s, refused) delivered to %b", idx, subj, pub.name, got)
			}
			continue
		}
		var plain uint64
		groups := make([]uint64, len(m.groups))
		for _, s := range m.subs {
			if s.user.account != pub.account || !relPatMatch(s.subject, subj) || s.user.denied(subj) {
				continue
			}
			if s.groupIndex < 0 {
				plain |= s.bit
			} else {
				groups[s.groupIndex] |= s.bit
			}
		}
		if got&plain != plain {
			t.Fatalf("message %d (%s by %s) missed plain subscriptions %b", idx, subj, pub.name, plain&^got)
		}
		all := plain
		for gi, g := range groups {
			all |= g
			want := 0
			if g != 0 {
				want = 1
			}
			if k := bits.OnesCount64(got & g); k != want {
				t.Fatalf("message %d (%s) reached %d members of queue group %s, want %d", idx, subj, k, m.groups[gi], want)
			}
		}
		if extra := got &^ all; extra != 0 {
			t.Fatalf("message %d (%s) delivered to subscriptions outside the model: %b", idx, subj, extra)
		}
	}
	for _, u := range m.users {
		if got := u.pubRefused.Load(); got != refused[u] {
			t.Fatalf("%s: server refused %d publishes, model %d", u.name, got, refused[u])
		}
	}
	return deliveries
}

// TestReliabilityPermissionMatrix: random permissions × random plain, queue
// and wildcard subscriptions × N random publishes (50,000; 1,000,000 with
// NATSYS_LONG=1): zero permission bypasses, zero lost or extra deliveries
// (reliability.md test 30).
func TestReliabilityPermissionMatrix(t *testing.T) {
	n := relScaled(50000, 1000000)
	rounds := relScaled(5, 20) // a new random permission set per round
	seed := relSeed(t)
	t.Logf("seed %d (rerun with NATSYS_SEED=%d)", seed, seed)
	start := time.Now()
	subs, deliveries := 0, 0
	for r := range rounds {
		m, conf := newRelMatrix(t, seed+uint64(r), nil, 8, true)
		s := natstest.RunServer(t, conf)
		m.connect(s.ClientURL())
		m.subscribe(8)
		m.publish(n / rounds)
		deliveries += m.check()
		subs += len(m.subs)
		s.Shutdown()
	}
	t.Logf("%d rounds of 8 users: %d accepted subscriptions, %d messages, %d deliveries checked in %v",
		rounds, subs, n, deliveries, time.Since(start).Round(time.Millisecond))
}

// TestReliabilityAccountIsolation: three accounts with the same subjects
// (wildcards and queue groups included), N random publishes: zero
// cross-account deliveries, every in-account delivery made
// (reliability.md test 27).
func TestReliabilityAccountIsolation(t *testing.T) {
	n := relScaled(50000, 1000000)
	seed := relSeed(t)
	t.Logf("seed %d (rerun with NATSYS_SEED=%d)", seed, seed)
	m, conf := newRelMatrix(t, seed, []string{"A", "B", "C"}, 3, false)
	s := natstest.RunServer(t, conf)
	m.connect(s.ClientURL())
	m.subscribe(7)
	start := time.Now()
	m.publish(n)
	d := m.check()
	t.Logf("%d users in 3 accounts, %d subscriptions, %d messages, %d deliveries checked in %v",
		len(m.users), len(m.subs), n, d, time.Since(start).Round(time.Millisecond))
}
