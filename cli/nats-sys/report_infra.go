package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// Schema names of the infrastructure reports.
const (
	reportRoutesSchema    = "natsys.sys.report.routes/v1"
	reportGatewaysSchema  = "natsys.sys.report.gateways/v1"
	reportLeafnodesSchema = "natsys.sys.report.leafnodes/v1"
	reportHealthSchema    = "natsys.sys.report.health/v1"
	reportCPUSchema       = "natsys.sys.report.cpu/v1"
	reportMemSchema       = "natsys.sys.report.mem/v1"
)

// infraOptions are the flags shared by the routes, gateways, leafnodes,
// health, cpu and mem reports.
type infraOptions struct {
	g       *globalOptions
	w       watchFlags
	sort    string
	sortCol string
	reverse bool
	account string
	name    string
	health  sysapi.HealthzOptions
}

// infraSpec describes one infrastructure report.
type infraSpec struct {
	use     string
	aliases []string
	short   string
	schema  string
	// sorts maps --sort keys to column keys; empty means no --sort flag.
	sorts map[string]string
	def   string
	// flags adds the report's own flags.
	flags func(cmd *cobra.Command, o *infraOptions)
	run   func(ctx context.Context, o *infraOptions) error
}

// newInfraReportCmd builds one "nats-sys report X [EXPECT]" command.
func newInfraReportCmd(g *globalOptions, spec infraSpec) *cobra.Command {
	o := &infraOptions{g: g}
	keys := slices.Sorted(maps.Keys(spec.sorts))
	cmd := newCommand(cmdSpec{
		use:     spec.use + " [EXPECT]",
		aliases: spec.aliases,
		short:   spec.short,
		long:    spec.short + ".\nEXPECT (or --expect) is the number of servers to wait for. JSON: schema " + spec.schema + ".",
		args:    cobra.MaximumNArgs(1),
	}, &o.w, func(args []string) error {
		if spec.sorts != nil {
			c, ok := spec.sorts[o.sort]
			if !ok {
				return fmt.Errorf("--sort: unknown key %q (have %s)", o.sort, strings.Join(keys, ","))
			}
			o.sortCol = c
		}
		return expectArg(g, args)
	}, func(ctx context.Context, _ []string) error { return spec.run(ctx, o) })
	if spec.sorts != nil {
		cmd.Flags().StringVar(&o.sort, "sort", spec.def, "sort by "+strings.Join(keys, "|"))
		cmd.Flags().BoolVarP(&o.reverse, "reverse", "R", false, "reverse the sort order")
	}
	if spec.flags != nil {
		spec.flags(cmd, o)
	}
	return cmd
}

// newInfraReportCmds builds the routes, gateways, leafnodes, health, cpu
// and mem reports.
func newInfraReportCmds(g *globalOptions) []*cobra.Command {
	return []*cobra.Command{
		newInfraReportCmd(g, infraSpec{
			use: "routes", aliases: []string{"route"}, schema: reportRoutesSchema,
			short: "Route connections of every server (ROUTEZ), natscli's Cluster Report",
			sorts: map[string]string{
				"server": "server", "cluster": "cluster", "name": "name", "account": "account",
				"subs": "subscriptions", "in-bytes": "in_bytes", "out-bytes": "out_bytes",
			},
			def: "server", run: runReportRoutes,
		}),
		newInfraReportCmd(g, infraSpec{
			use: "gateways", aliases: []string{"gateway", "super"}, schema: reportGatewaysSchema,
			short: "Gateway connections of every server (GATEWAYZ), natscli's Super Cluster Report",
			sorts: map[string]string{"server": "server", "cluster": "name"},
			def:   "server", run: runReportGateways,
			flags: func(cmd *cobra.Command, o *infraOptions) {
				cmd.Flags().StringVar(&o.name, "filter-name", "", "only gateways to this remote cluster")
			},
		}),
		newInfraReportCmd(g, infraSpec{
			use: "leafnodes", aliases: []string{"leaf", "leafs"}, schema: reportLeafnodesSchema,
			short: "Leafnode connections of every server (LEAFZ), natscli's Leafnode Report",
			sorts: map[string]string{
				"server": "server", "name": "name", "account": "account", "subs": "subscriptions",
				"in-bytes": "in_bytes", "out-bytes": "out_bytes", "in-msgs": "in_msgs", "out-msgs": "out_msgs",
			},
			def: "server", run: runReportLeafnodes,
			flags: func(cmd *cobra.Command, o *infraOptions) {
				cmd.Flags().StringVar(&o.account, "account", "", "only leafnodes of this account")
			},
		}),
		newInfraReportCmd(g, infraSpec{
			use: "health", aliases: []string{"healthz"}, schema: reportHealthSchema,
			short: "Health of every server (HEALTHZ); exit 1 when one is not ok", run: runReportHealth,
			flags: func(cmd *cobra.Command, o *infraOptions) {
				fs := cmd.Flags()
				fs.BoolVarP(&o.health.JSEnabledOnly, "js-enabled", "J", false, "only check that JetStream is enabled")
				fs.BoolVarP(&o.health.JSServerOnly, "server-only", "S", false, "only check the server, not its JetStream assets")
				fs.StringVar(&o.health.Account, "account", "", "check this account's JetStream assets")
				fs.StringVar(&o.health.Stream, "stream", "", "check this stream (with --account)")
				fs.StringVar(&o.health.Consumer, "consumer", "", "check this consumer (with --account and --stream)")
			},
		}),
		newInfraReportCmd(g, infraSpec{
			use: "cpu", schema: reportCPUSchema, run: func(ctx context.Context, o *infraOptions) error { return runReportLoad(ctx, o, false) },
			short: "CPU use of every server (STATSZ) as bars scaled from zero",
		}),
		newInfraReportCmd(g, infraSpec{
			use: "mem", aliases: []string{"memory"}, schema: reportMemSchema, run: func(ctx context.Context, o *infraOptions) error { return runReportLoad(ctx, o, true) },
			short: "Memory use of every server (STATSZ) as bars scaled from zero",
		}),
	}
}

// infraFrame turns a raw endpoint frame into a report: the schema
// document (with the coverage), the sorted view, and a note on stderr when
// the table is empty.
func infraFrame[T any](s *session, res *sys.Result[T], title, schema string, t *output.Table, keys []string, empty string) *frame {
	doc := *t
	doc.Schema = schema
	doc.Extra = map[string]any{"generated": s.now().UTC().Format(time.RFC3339), "servers": coverageOf(res).json()}
	fr := endpointFrame(res, (&systable.View{}).Add(title, t), nil)
	fr.doc, fr.keys = &doc, keys
	if len(t.Rows) == 0 && empty != "" {
		fr.warnings = append([]string{fmt.Sprintf("%s (%s replied)", empty, plural(len(okReplies(res)), "server"))}, fr.warnings...)
	}
	return fr
}

// sortTable sorts the rows of t (and keys with them) by the column key:
// numbers largest first, text in ascending order; ties keep their order.
func sortTable(t *output.Table, keys []string, key string, reverse bool) {
	idx := slices.IndexFunc(t.Columns, func(c output.Column) bool { return c.Key == key })
	if idx < 0 {
		return
	}
	order := make([]int, len(t.Rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		c := compareCells(t.Rows[a][idx], t.Rows[b][idx])
		if reverse {
			return -c
		}
		return c
	})
	rows, ks := make([][]output.Cell, len(order)), make([]string, len(order))
	for i, o := range order {
		rows[i], ks[i] = t.Rows[o], keys[o]
	}
	t.Rows = rows
	copy(keys, ks)
}

// compareCells orders two cells: numbers descending, anything else by text.
func compareCells(a, b output.Cell) int {
	x, okx := cellNumber(a.Value)
	y, oky := cellNumber(b.Value)
	if okx && oky {
		return cmp.Compare(y, x)
	}
	return cmp.Compare(fmt.Sprint(a.Value), fmt.Sprint(b.Value))
}

// cellNumber reads a numeric cell value.
func cellNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func runReportRoutes(ctx context.Context, o *infraOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Routez(ctx, s.nc, s.target(), sysapi.RoutezOptions{}, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t := &output.Table{Columns: []output.Column{
			col("server", "Server"), col("cluster", "Cluster"), col("name", "Name"), col("account", "Account"),
			col("addr", "Address"), col("id", "ID"), col("uptime_ns", "Uptime"), col("rtt_ns", "RTT"),
			num("subscriptions", "Subs"), num("in_bytes", "Bytes In"), num("out_bytes", "Bytes Out"),
		}}
		var keys []string
		for _, r := range okReplies(res) {
			routes := slices.Clone(r.Data.Routes)
			slices.SortStableFunc(routes, func(a, b *sysapi.RouteInfo) int {
				return cmp.Or(cmp.Compare(a.RemoteName, b.RemoteName), cmp.Compare(a.Account, b.Account), cmp.Compare(a.RID, b.RID))
			})
			for _, rt := range routes {
				t.Rows = append(t.Rows, []output.Cell{
					text(serverLabel(r.Server)), text(r.Server.Cluster), text(rt.RemoteName), text(rt.Account),
					text(hostPort(rt.IP, rt.Port)), {Value: int64(rt.RID), Text: "rid:" + strconv.FormatUint(rt.RID, 10)},
					serverDur(rt.Uptime), serverDur(rt.RTT), count(rt.NumSubs), size(rt.InBytes), size(rt.OutBytes),
				})
				keys = append(keys, r.Server.ID+"/route/"+strconv.FormatUint(rt.RID, 10))
			}
		}
		sortTable(t, keys, o.sortCol, o.reverse)
		fr := infraFrame(s, res, "Cluster Report", reportRoutesSchema, t, keys, "no route connections")
		fr.rates = []systable.RateSpec{{Col: "in_bytes", Title: "Bytes/s In", Bytes: true}, {Col: "out_bytes", Title: "Bytes/s Out", Bytes: true}}
		return fr, nil
	})
}

func runReportGateways(ctx context.Context, o *infraOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Gatewayz(ctx, s.nc, s.target(), sysapi.GatewayzOptions{Name: o.name, Accounts: true}, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t := &output.Table{Columns: []output.Column{
			col("server", "Server"), col("name", "Name"), num("port", "Port"), col("kind", "Kind"), col("connection", "Connection"),
			num("cid", "ID"), col("uptime_ns", "Uptime"), col("rtt_ns", "RTT"), num("in_bytes", "Bytes In"),
			num("out_bytes", "Bytes Out"), num("accounts", "Accounts"),
		}}
		var keys []string
		add := func(r *sys.Reply[sysapi.Gatewayz], remote, kind string, g *sysapi.RemoteGatewayz) {
			row := []output.Cell{text(serverLabel(r.Server)), text(r.Data.Name), count(r.Data.Port), text(kind), text(remote)}
			key := r.Server.ID + "/" + kind + "/" + remote
			if c := g.Connection; c != nil {
				row = append(row, count(c.CID), serverDur(c.Uptime), serverDur(c.RTT), size(c.InBytes), size(c.OutBytes))
				key += "/" + strconv.FormatUint(c.CID, 10)
			} else {
				row = append(row, make([]output.Cell, 5)...)
			}
			t.Rows = append(t.Rows, append(row, count(len(g.Accounts))))
			keys = append(keys, key)
		}
		for _, r := range okReplies(res) {
			for _, name := range slices.Sorted(maps.Keys(r.Data.OutboundGateways)) {
				add(r, name, "Outbound", r.Data.OutboundGateways[name])
			}
			for _, name := range slices.Sorted(maps.Keys(r.Data.InboundGateways)) {
				for _, g := range r.Data.InboundGateways[name] {
					add(r, name, "Inbound", g)
				}
			}
		}
		sortTable(t, keys, o.sortCol, o.reverse)
		fr := infraFrame(s, res, "Super Cluster Report", reportGatewaysSchema, t, keys, "no gateway connections")
		fr.rates = []systable.RateSpec{{Col: "in_bytes", Title: "Bytes/s In", Bytes: true}, {Col: "out_bytes", Title: "Bytes/s Out", Bytes: true}}
		return fr, nil
	})
}

func runReportLeafnodes(ctx context.Context, o *infraOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Leafz(ctx, s.nc, s.target(), sysapi.LeafzOptions{Account: o.account}, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t := &output.Table{Columns: []output.Column{
			col("server", "Server"), col("name", "Name"), col("account", "Account"), col("addr", "Address"),
			col("rtt_ns", "RTT"), num("in_msgs", "Msgs In"), num("out_msgs", "Msgs Out"), num("in_bytes", "Bytes In"),
			num("out_bytes", "Bytes Out"), num("subscriptions", "Subs"), col("compression", "Compressed"), col("spoke", "Spoke"),
		}}
		var keys []string
		for _, r := range okReplies(res) {
			leafs := slices.Clone(r.Data.Leafs)
			slices.SortStableFunc(leafs, func(a, b *sysapi.LeafInfo) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
			for _, l := range leafs {
				t.Rows = append(t.Rows, []output.Cell{
					text(serverLabel(r.Server)), text(l.Name), text(l.Account), text(hostPort(l.IP, l.Port)),
					serverDur(l.RTT), count(l.InMsgs), count(l.OutMsgs), size(l.InBytes),
					size(l.OutBytes), count(l.NumSubs), text(l.Compression), yesNo(l.IsSpoke),
				})
				keys = append(keys, r.Server.ID+"/"+strconv.FormatUint(l.ID, 10))
			}
		}
		sortTable(t, keys, o.sortCol, o.reverse)
		fr := infraFrame(s, res, "Leafnode Report", reportLeafnodesSchema, t, keys, "no leafnode connections")
		fr.rates = trafficRates()
		return fr, nil
	})
}

func runReportHealth(ctx context.Context, o *infraOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Healthz(ctx, s.nc, s.target(), o.health, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		t := &output.Table{Columns: []output.Column{
			col("server", "Server"), col("cluster", "Cluster"), col("domain", "Domain"), col("status", "Status"),
			num("status_code", "Code"), col("type", "Type"), col("error", "Error"),
		}}
		var keys, bad []string
		for _, r := range okReplies(res) {
			h := r.Data
			status := output.Cell{Value: h.Status, Text: fmt.Sprintf("%s (%d)", h.Status, h.StatusCode)}
			first := []output.Cell{text(serverLabel(r.Server)), text(r.Server.Cluster), text(r.Server.Domain), status, count(h.StatusCode)}
			if h.Status != sysapi.HealthStatusOK {
				bad = append(bad, serverLabel(r.Server))
			}
			if len(h.Errors) == 0 {
				t.Rows = append(t.Rows, append(first, text(""), text(h.Error)))
				keys = append(keys, r.Server.ID)
			}
			for i, e := range h.Errors {
				t.Rows = append(t.Rows, append(slices.Clone(first), text(string(e.Type)), text(e.Error)))
				keys = append(keys, r.Server.ID+"/"+strconv.Itoa(i))
			}
		}
		okN := len(okReplies(res)) - len(bad)
		fr := infraFrame(s, res, "Health Report", reportHealthSchema, t, keys, "")
		fr.doc.Extra["ok"], fr.doc.Extra["err"] = okN, len(bad)
		fr.view.Notes = append(fr.view.Notes, fmt.Sprintf("ok: %d / err: %d", okN, len(bad)))
		if fr.err == nil && len(bad) > 0 {
			fr.err = exit.FailedErrorf("not healthy: %s", strings.Join(bad, ", "))
		}
		return fr, nil
	})
}

// runReportLoad is report cpu (mem false) and report mem: one bar per
// server, the longest bar being the largest value, zero being no bar.
func runReportLoad(ctx context.Context, o *infraOptions, mem bool) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Statsz(ctx, s.nc, s.target(), s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		replies := okReplies(res)
		title, schema, key, head := "CPU Report", reportCPUSchema, "cpu", "CPU %"
		if mem {
			title, schema, key, head = "Memory Report", reportMemSchema, "mem", "Memory"
		}
		t := &output.Table{Columns: []output.Column{col("server", "Server"), col("cluster", "Cluster"), num(key, head), num("cores", "Cores")}}
		var keys []string
		var vals []float64
		for _, r := range replies {
			v, cell := r.Data.CPU, percent(r.Data.CPU)
			if mem {
				v, cell = float64(r.Data.Mem), size(r.Data.Mem)
			}
			vals = append(vals, v)
			t.Rows = append(t.Rows, []output.Cell{text(serverLabel(r.Server)), text(r.Server.Cluster), cell, count(r.Data.Cores)})
			keys = append(keys, r.Server.ID)
		}
		fr := infraFrame(s, res, title, schema, t, keys, "")
		shown := *t
		shown.Columns = append(slices.Clone(t.Columns), col("bar", ""))
		shown.Rows = nil
		top := slices.Max(append(vals, 0))
		for i, row := range t.Rows {
			shown.Rows = append(shown.Rows, append(slices.Clone(row), text(loadBar(vals[i], top, s.out.Terminal))))
		}
		fr.view.Sections[0].Table = &shown
		return fr, nil
	})
}

// loadBar draws v as a bar of up to loadBarWidth cells, scaled from zero to
// top: block characters on a terminal, '#' otherwise.
func loadBar(v, top float64, terminal bool) string {
	if top <= 0 || v <= 0 {
		return ""
	}
	n := int(math.Round(v / top * loadBarWidth))
	n = max(n, 1)
	if terminal {
		return strings.Repeat("█", n)
	}
	return strings.Repeat("#", n)
}
