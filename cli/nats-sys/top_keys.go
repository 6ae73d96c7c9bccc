package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/natsys/natsys/cli/internal/output"
)

// topHelp is what "?" shows under the table of top.
var topHelp = []string{
	"keys: o next sort order   n next connection limit   s subscriptions column",
	"      d host names   b raw byte counts   ? this help   q quit (Ctrl-C too)",
}

// topLimits are the connection limits "n" steps through.
func topLimits() []int { return []int{10, 25, 50, 100, defaultTopConns} }

// topState is what the keys of top change while it runs; the fetcher reads
// it once per snapshot.
type topState struct {
	mu       sync.Mutex
	sort     string
	conns    int
	subs     bool
	dns      bool
	rawBytes bool
	help     bool
}

// topView is one consistent copy of the state.
type topView struct {
	sort     string
	conns    int
	subs     bool
	dns      bool
	rawBytes bool
	help     bool
}

func (st *topState) view() topView {
	st.mu.Lock()
	defer st.mu.Unlock()
	return topView{sort: st.sort, conns: st.conns, subs: st.subs, dns: st.dns, rawBytes: st.rawBytes, help: st.help}
}

// key applies one keypress and reports whether it asks to quit.
func (st *topState) key(b byte) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch b {
	case 'q', 'Q':
		return true
	case 'o':
		sorts := topSorts()
		st.sort = sorts[(slices.Index(sorts, st.sort)+1)%len(sorts)]
	case 'n':
		limits := topLimits()
		next := limits[0]
		for _, l := range limits {
			if l > st.conns {
				next = l
				break
			}
		}
		st.conns = next
	case 's':
		st.subs = !st.subs
	case 'd':
		st.dns = !st.dns
	case 'b':
		st.rawBytes = !st.rawBytes
	case '?', 'h':
		st.help = !st.help
	}
	return false
}

// readKeys applies the keys read from in until it ends or asks to quit,
// then calls quit when asked to.
func (st *topState) readKeys(ctx context.Context, in io.Reader, quit context.CancelFunc) {
	buf := make([]byte, 1)
	for ctx.Err() == nil {
		n, err := in.Read(buf)
		if n == 1 && st.key(buf[0]) {
			quit()
			return
		}
		if err != nil {
			return
		}
	}
}

// lookupHosts shows the Host cells of t as host names ("d" in top),
// remembering answers in cache; addresses without a name stay as they are.
func lookupHosts(ctx context.Context, t *output.Table, cache map[string]string) {
	i := slices.IndexFunc(t.Columns, func(c output.Column) bool { return c.Key == "addr" })
	if i < 0 {
		return
	}
	for _, row := range t.Rows {
		host, port, err := net.SplitHostPort(fmt.Sprint(row[i].Value))
		if err != nil {
			continue
		}
		name, ok := cache[host]
		if !ok {
			if names, err := net.DefaultResolver.LookupAddr(ctx, host); err == nil && len(names) > 0 {
				name = strings.TrimSuffix(names[0], ".")
			}
			cache[host] = name
		}
		if name != "" {
			row[i].Text = net.JoinHostPort(name, port)
		}
	}
}
