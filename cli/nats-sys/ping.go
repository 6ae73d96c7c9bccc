package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// pingSchema is the JSON schema name of nats-sys ping.
const pingSchema = "natsys.sys.ping/v1"

// pingOptions are the flags of nats-sys ping.
type pingOptions struct {
	g     *globalOptions
	w     watchFlags
	id    bool
	graph bool
}

// newPingCmd builds "nats-sys ping [N]"; runF replaces runPing in flag tests.
func newPingCmd(g *globalOptions, runF func(context.Context, *pingOptions) error) *cobra.Command {
	o := &pingOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "ping [EXPECT]",
		short: "Ping every server and show the round-trip times; exit 3 when servers are missing",
		long: `Send one $SYS.REQ.SERVER.PING and print each server's round-trip time, then
the statistics. EXPECT (or --expect) is the number of servers to wait for;
fewer replies exit 3 with "2/3 servers replied" on stderr. The plain and
table formats print natscli's ping lines; the others a table. JSON: schema ` + pingSchema + `.`,
		example: `  nats-sys ping
  nats-sys ping 3 --id
  nats-sys ping --servers n1,n2 --json`,
		args: cobra.MaximumNArgs(1),
	}, &o.w, func(args []string) error { return expectArg(g, args) }, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runPing(ctx, o)
	})
	cmd.Flags().BoolVar(&o.id, "id", false, "show the server IDs")
	cmd.Flags().BoolVar(&o.graph, "graph", false, "show a histogram of reply times (25 ms buckets)")
	return cmd
}

func runPing(ctx context.Context, o *pingOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Ping(ctx, s.nc, s.opts()...)
		if err != nil {
			return nil, err
		}
		restrict(res, s.g.servers)
		sortReplies(res)
		t := pingTable(res.Replies)
		doc := *t
		doc.Schema = pingSchema
		doc.Extra = map[string]any{"generated": s.now().UTC().Format(time.RFC3339), "servers": coverageOf(res).json()}
		fr := &frame{doc: &doc, err: coverageOf(res).err()}
		switch s.out.Format {
		case output.FormatTable, output.FormatPlain:
			fr.text = pingLines(res.Replies, o.id)
			if o.graph {
				fr.text = append(fr.text, pingGraph(res.Replies)...)
			}
		default:
			fr.view = (&systable.View{}).Add("Ping", t)
		}
		return fr, nil
	})
}

// pingTable is one row per server: name, ID, cluster, RTT.
func pingTable(rs []sys.Reply[sysapi.ServerStats]) *output.Table {
	t := &output.Table{Columns: []output.Column{col("server", "Server"), col("id", "ID"), col("cluster", "Cluster"), col("rtt_ns", "RTT")}}
	for _, r := range rs {
		t.Rows = append(t.Rows, []output.Cell{text(r.Server.Name), text(r.Server.ID), text(r.Server.Cluster), dur(r.RTT)})
	}
	return t
}

// pingLines are natscli's ping lines and statistics.
func pingLines(rs []sys.Reply[sysapi.ServerStats], showID bool) []string {
	width := 0
	for _, r := range rs {
		width = max(width, len(pingName(r, showID)))
	}
	var lines []string
	var lo, hi, sum time.Duration
	for i, r := range rs {
		lines = append(lines, fmt.Sprintf("%-*s  rtt=%s", width, pingName(r, showID), r.RTT))
		if i == 0 || r.RTT < lo {
			lo = r.RTT
		}
		hi = max(hi, r.RTT)
		sum += r.RTT
	}
	lines = append(lines, "", "---- ping statistics ----")
	if len(rs) > 0 {
		avg := sum / time.Duration(len(rs))
		lines = append(lines, fmt.Sprintf("%s max: %s min: %s avg: %s", plural(len(rs), "reply"), ms(hi), ms(lo), ms(avg)))
	} else {
		lines = append(lines, "0 replies")
	}
	return lines
}

func pingName(r sys.Reply[sysapi.ServerStats], showID bool) string {
	if showID {
		return r.Server.ID + " " + r.Server.Name
	}
	return r.Server.Name
}

// ms prints a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// pingGraph is a histogram of reply times in pingGraphBucket buckets.
func pingGraph(rs []sys.Reply[sysapi.ServerStats]) []string {
	if len(rs) == 0 {
		return nil
	}
	buckets := map[int]int{}
	last, most := 0, 0
	for _, r := range rs {
		b := int(r.RTT / pingGraphBucket)
		buckets[b]++
		last, most = max(last, b), max(most, buckets[b])
	}
	lines := []string{"", "---- reply time histogram ----"}
	for b := 0; b <= last; b++ {
		bar := strings.Repeat("#", buckets[b]*pingGraphWidth/most)
		lines = append(lines, fmt.Sprintf("%4d-%-4d ms | %-*s %d", b*int(pingGraphBucket/time.Millisecond),
			(b+1)*int(pingGraphBucket/time.Millisecond), pingGraphWidth, bar, buckets[b]))
	}
	return lines
}
