package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// listSchema is the JSON schema name of nats-sys list.
const listSchema = "natsys.sys.list/v1"

// listOptions are the flags of nats-sys list.
type listOptions struct {
	g       *globalOptions
	w       watchFlags
	sort    string
	reverse bool
}

// listSorts returns the --sort keys of list.
func listSorts() []string {
	return []string{"name", "cluster", "conns", "subs", "routes", "gw", "mem", "cpu", "slow", "uptime", "rtt"}
}

// newListCmd builds "nats-sys list [N]"; runF replaces runList in flag tests.
func newListCmd(g *globalOptions, runF func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "list [EXPECT]",
		aliases: []string{"ls"},
		short:   "Server overview: one row per server, totals, and a cluster overview",
		long: `Ping every server ($SYS.REQ.SERVER.PING) and print the Server Overview
(Name, Cluster, Host, Version, JS, Conns, Subs, Routes, GWs, Mem, CPU %, Cores,
Slow, Uptime, RTT) with a totals row, then the Cluster Overview. EXPECT is the
number of servers to wait for (same as --expect). JSON: schema ` + listSchema + `.`,
		args: cobra.MaximumNArgs(1),
	}, &o.w, func(args []string) error {
		if !slices.Contains(listSorts(), o.sort) {
			return fmt.Errorf("--sort: unknown key %q (have %s)", o.sort, strings.Join(listSorts(), ","))
		}
		return expectArg(g, args)
	}, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runList(ctx, o)
	})
	cmd.Flags().StringVar(&o.sort, "sort", "name", "sort by "+strings.Join(listSorts(), "|"))
	cmd.Flags().BoolVarP(&o.reverse, "reverse", "R", false, "reverse the sort order")
	return cmd
}

// expectArg reads natscli's optional positional server count into --expect.
func expectArg(g *globalOptions, args []string) error {
	if len(args) == 0 {
		return nil
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 {
		return fmt.Errorf("EXPECT must be a number of servers, not %q", args[0])
	}
	if g.expect != 0 && g.expect != n {
		return errors.New("EXPECT and --expect disagree")
	}
	g.expect = n
	return nil
}

func runList(ctx context.Context, o *listOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Ping(ctx, s.nc, s.opts()...)
		if err != nil {
			return nil, err
		}
		restrict(res, s.g.servers)
		sortReplies(res)
		replies := okReplies(res)
		sortServers(replies, o.sort, o.reverse)
		main, keys, totals := listTable(replies)
		clusters := clusterTable(replies)
		cov := coverageOf(res)
		doc := *main
		doc.Schema = listSchema
		doc.Extra = map[string]any{
			"generated": s.now().UTC().Format(time.RFC3339), "servers": cov.json(),
			"totals": totals, "clusters": clusterDocs(clusters),
		}
		view := &systable.View{}
		shown := main
		if s.out.Format == output.FormatTable || s.out.Format == output.FormatMarkdown {
			shown = withTotals(main, totals)
		}
		view.Add("Server Overview", shown).Add("Cluster Overview", clusters)
		fr := endpointFrame(res, view, nil)
		fr.doc, fr.keys = &doc, keys
		return fr, nil
	})
}

// sortServers orders STATSZ replies by a list --sort key (then by name).
func sortServers(rs []*sys.Reply[sysapi.ServerStats], by string, reverse bool) {
	key := func(r *sys.Reply[sysapi.ServerStats]) float64 {
		st := r.Data
		switch by {
		case "conns":
			return float64(st.Connections)
		case "subs":
			return float64(st.NumSubs)
		case "routes":
			return float64(len(st.Routes))
		case "gw":
			return float64(len(st.Gateways))
		case "mem":
			return float64(st.Mem)
		case "cpu":
			return st.CPU
		case "slow":
			return float64(st.SlowConsumers)
		case "uptime":
			return float64(r.Server.Time.Sub(st.Start))
		case "rtt":
			return -float64(r.RTT) // ascending
		}
		return 0
	}
	slices.SortStableFunc(rs, func(a, b *sys.Reply[sysapi.ServerStats]) int {
		var c int
		switch by {
		case "name":
			c = cmp.Compare(a.Server.Name, b.Server.Name)
		case "cluster":
			c = cmp.Compare(a.Server.Cluster, b.Server.Cluster)
		default:
			c = cmp.Compare(key(b), key(a)) // largest first
		}
		if reverse {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.Server.Name, b.Server.Name))
	})
}

// listTable is natscli's Server Overview (plus the server ID, last); it
// returns the row keys and the totals.
func listTable(rs []*sys.Reply[sysapi.ServerStats]) (*output.Table, []string, map[string]any) {
	t := &output.Table{Columns: []output.Column{
		col("name", "Name"), col("cluster", "Cluster"), col("host", "Host"), col("version", "Version"), col("jetstream", "JS"),
		num("connections", "Conns"), num("subscriptions", "Subs"), num("routes", "Routes"), num("gateways", "GWs"),
		num("mem", "Mem"), num("cpu", "CPU %"), num("cores", "Cores"), num("slow_consumers", "Slow"),
		col("uptime_ns", "Uptime"), col("rtt_ns", "RTT"), col("id", "ID"),
	}}
	var keys []string
	var conns, subs, slow, mem int64
	clusters, hosts, js := map[string]bool{}, map[string]bool{}, 0
	for _, r := range rs {
		st := r.Data
		t.Rows = append(t.Rows, []output.Cell{
			text(r.Server.Name), text(r.Server.Cluster), text(r.Server.Host), text(r.Server.Version), yesNo(r.Server.JetStreamEnabled()),
			count(st.Connections), count(st.NumSubs), count(len(st.Routes)), count(len(st.Gateways)),
			size(st.Mem), percent(st.CPU), count(st.Cores), count(st.SlowConsumers),
			dur(r.Server.Time.Sub(st.Start)), dur(r.RTT), text(r.Server.ID),
		})
		keys = append(keys, r.Server.ID)
		conns, subs, slow, mem = conns+int64(st.Connections), subs+int64(st.NumSubs), slow+st.SlowConsumers, mem+st.Mem
		if r.Server.Cluster != "" {
			clusters[r.Server.Cluster] = true
		}
		hosts[r.Server.Host] = true
		if r.Server.JetStreamEnabled() {
			js++
		}
	}
	totals := map[string]any{
		"servers": len(rs), "clusters": len(clusters), "hosts": len(hosts), "jetstream": js,
		"connections": conns, "subscriptions": subs, "slow_consumers": slow, "mem": mem,
	}
	return t, keys, totals
}

// withTotals returns a copy of the overview with natscli's totals row.
func withTotals(t *output.Table, totals map[string]any) *output.Table {
	c := *t
	c.Rows = slices.Clone(t.Rows)
	row := make([]output.Cell, len(t.Columns))
	i64 := func(k string) int64 { n, _ := totals[k].(int64); return n }
	row[0] = text(plural(totals["servers"].(int), "server"))
	row[1] = count(totals["clusters"].(int))
	row[2] = count(totals["hosts"].(int))
	row[4] = count(totals["jetstream"].(int))
	row[5], row[6] = count(i64("connections")), count(i64("subscriptions"))
	row[9], row[12] = size(i64("mem")), count(i64("slow_consumers"))
	c.Rows = append(c.Rows, row)
	return &c
}

// clusterTable is natscli's Cluster Overview, sorted by cluster name.
func clusterTable(rs []*sys.Reply[sysapi.ServerStats]) *output.Table {
	type agg struct{ nodes, out, in, conns int }
	by := map[string]*agg{}
	for _, r := range rs {
		a := by[r.Server.Cluster]
		if a == nil {
			a = &agg{}
			by[r.Server.Cluster] = a
		}
		a.nodes++
		a.conns += r.Data.Connections
		a.out += len(r.Data.Gateways)
		for _, g := range r.Data.Gateways {
			a.in += g.NumInbound
		}
	}
	t := &output.Table{Columns: []output.Column{
		col("cluster", "Cluster"), num("node_count", "Node Count"), num("outgoing_gateways", "Outgoing Gateways"),
		num("incoming_gateways", "Incoming Gateways"), num("connections", "Connections"),
	}}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		a := by[n]
		t.Rows = append(t.Rows, []output.Cell{text(n), count(a.nodes), count(a.out), count(a.in), count(a.conns)})
	}
	return t
}

// clusterDocs turns the cluster overview into JSON objects.
func clusterDocs(t *output.Table) []map[string]any {
	out := make([]map[string]any, 0, len(t.Rows))
	for _, r := range t.Rows {
		m := map[string]any{}
		for i, c := range t.Columns {
			m[c.Key] = r[i].Value
		}
		out = append(out, m)
	}
	return out
}
