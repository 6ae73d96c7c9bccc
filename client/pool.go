package client

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"
)

// server is one entry of the connection's server pool.
type server struct {
	url         *url.URL
	implicit    bool // learned from INFO connect_urls
	failed      int  // failed attempts in a row
	lastAttempt time.Time
	tlsName     string // name to verify when the URL host is an IP learned by gossip
}

// serverPool is the ordered list of servers to try. It is guarded by the
// connection's mutex.
type serverPool struct {
	servers   []*server
	randomize bool
}

// parseURL accepts "host", "host:port", "nats://[user[:pass]@]host[:port]"
// and the tls:// scheme.
func parseURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty URL", ErrInvalidOption)
	}
	if !strings.Contains(s, "://") {
		s = "nats://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: URL %q: %w", ErrInvalidOption, s, err)
	}
	switch u.Scheme {
	case "nats", "tls":
	default:
		return nil, fmt.Errorf("%w: URL %q: unsupported scheme %q", ErrInvalidOption, s, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%w: URL %q has no host", ErrInvalidOption, s)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), DefaultPort)
	}
	return u, nil
}

// newPool builds the pool from a comma-separated URL list.
func newPool(urls string, randomize bool) (*serverPool, error) {
	if strings.TrimSpace(urls) == "" {
		urls = DefaultURL
	}
	p := &serverPool{randomize: randomize}
	for part := range strings.SplitSeq(urls, ",") {
		u, err := parseURL(part)
		if err != nil {
			return nil, err
		}
		if p.find(u.Host) == nil {
			p.servers = append(p.servers, &server{url: u})
		}
	}
	if randomize {
		rand.Shuffle(len(p.servers), func(i, j int) {
			p.servers[i], p.servers[j] = p.servers[j], p.servers[i]
		})
	}
	return p, nil
}

func (p *serverPool) find(hostport string) *server {
	for _, s := range p.servers {
		if s.url.Host == hostport {
			return s
		}
	}
	return nil
}

// next returns the server to try now and moves it to the end of the list,
// so that the pool is walked round-robin. nil when the pool is empty.
func (p *serverPool) next() *server {
	if len(p.servers) == 0 {
		return nil
	}
	s := p.servers[0]
	copy(p.servers, p.servers[1:])
	p.servers[len(p.servers)-1] = s
	return s
}

func (p *serverPool) remove(s *server) {
	for i, x := range p.servers {
		if x == s {
			p.servers = append(p.servers[:i], p.servers[i+1:]...)
			return
		}
	}
}

// addDiscovered adds connect_urls (host:port) that are not in the pool yet.
// They inherit the scheme and credentials of from, the server that
// announced them, and tlsName as the name to verify. It reports whether
// anything was added.
func (p *serverPool) addDiscovered(hostports []string, from *server, tlsName string) bool {
	var added []*server
	for _, hp := range hostports {
		u, err := parseURL(from.url.Scheme + "://" + hp)
		if err != nil || p.find(u.Host) != nil {
			continue
		}
		u.User = from.url.User
		added = append(added, &server{url: u, implicit: true, tlsName: tlsName})
	}
	if p.randomize {
		rand.Shuffle(len(added), func(i, j int) { added[i], added[j] = added[j], added[i] })
	}
	p.servers = append(p.servers, added...)
	return len(added) > 0
}

// urls lists the pool as URL strings without userinfo.
func (p *serverPool) urls(implicitOnly bool) []string {
	var out []string
	for _, s := range p.servers {
		if implicitOnly && !s.implicit {
			continue
		}
		out = append(out, s.url.Scheme+"://"+s.url.Host)
	}
	return out
}
