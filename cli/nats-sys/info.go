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

// infoOptions are the flags of nats-sys info.
type infoOptions struct {
	g      *globalOptions
	w      watchFlags
	server string
}

// newInfoCmd builds "nats-sys info [SERVER]"; runF replaces runInfo in flag tests.
func newInfoCmd(g *globalOptions, runF func(context.Context, *infoOptions) error) *cobra.Command {
	o := &infoOptions{g: g}
	return newCommand(cmdSpec{
		use:     "info [SERVER]",
		aliases: []string{"i"},
		short:   "Overview of one server (name or ID; default: the connected server)",
		long: `Ask one server for VARZ and print it in sections: Process Details,
Connection Details, JetStream, Limits, Statistics, Cluster. SERVER is a
server name or ID; without it, the server nats-sys is connected to. An unknown
name exits 3 ("server not found"). With --json, print the reply as sent.`,
		args: cobra.MaximumNArgs(1),
	}, &o.w, nil, func(ctx context.Context, args []string) error {
		if len(args) == 1 {
			o.server = args[0]
		}
		if runF != nil {
			return runF(ctx, o)
		}
		return runInfo(ctx, o)
	})
}

func runInfo(ctx context.Context, o *infoOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		target := o.server
		if target == "" {
			target = s.nc.ServerInfo().ServerID
		}
		res, err := sys.Varz(ctx, s.nc, sys.Server(target), sysapi.VarzOptions{})
		if err != nil {
			return nil, err
		}
		var view *systable.View
		if r := okReplies(res); len(r) > 0 {
			view = infoView(r[0].Data)
		}
		return endpointFrame(res, view, nil), nil
	})
}

// infoView renders VARZ as natscli's information sections.
func infoView(v *sysapi.Varz) *systable.View {
	view := &systable.View{Heading: fmt.Sprintf("Server information for %s (%s)", v.Name, v.ID)}
	proc := &systable.KV{}
	proc.Text("Version", v.Version).Text("Git Commit", v.GitCommit).Text("Go Version", v.GoVersion).
		Add("Start Time", when(v.Start)).Add("Configuration Load Time", when(v.ConfigLoadTime)).
		Text("Configuration Digest", v.ConfigDigest).Add("Uptime", serverDur(v.Uptime))
	view.AddKV("Process Details", proc)

	conn := &systable.KV{}
	conn.Add("Auth Required", yesNo(v.AuthRequired)).Add("TLS Required", yesNo(v.TLSRequired)).
		Text("Host", hostPort(v.Host, v.Port))
	if len(v.ClientConnectURLs) > 0 {
		conn.Add("Client URLs", list(v.ClientConnectURLs))
	}
	if v.HTTPPort != 0 {
		conn.Text("Monitoring", hostPort(v.HTTPHost, v.HTTPPort))
	}
	view.AddKV("Connection Details", conn)

	if v.JetStream.Config != nil {
		js := &systable.KV{}
		c := v.JetStream.Config
		js.Text("Domain", c.Domain).Text("Storage Directory", c.StoreDir).
			Add("Maximum Memory", size(c.MaxMemory)).Add("Maximum File Storage", size(c.MaxStore))
		if st := v.JetStream.Stats; st != nil {
			js.Add("API Support Level", count(st.API.Level)).Add("Active Accounts", count(st.Accounts)).
				Add("Memory In Use", size(st.Memory)).Add("File In Use", size(st.Store)).
				Add("API Requests", count(st.API.Total)).Add("API Errors", count(st.API.Errors)).
				Add("HA Assets", count(st.HAAssets))
		}
		view.AddKV("JetStream", js)
	} else {
		view.AddKV("JetStream", (&systable.KV{}).Text("Status", jsDisabled(v.Name)))
	}

	lim := &systable.KV{}
	lim.Add("Maximum Connections", count(v.MaxConn)).Add("Maximum Subscriptions", count(v.MaxSubs)).
		Add("Maximum Payload", size(v.MaxPayload)).Add("Maximum Pending", size(v.MaxPending)).
		Add("TLS Timeout", seconds(v.TLSTimeout)).Add("Write Deadline", dur(v.WriteDeadline)).
		Add("Ping Interval", dur(v.PingInterval)).Add("Maximum Pings Out", count(v.MaxPingsOut))
	view.AddKV("Limits", lim)

	stats := &systable.KV{}
	stats.Add("CPU Cores", count(v.Cores)).Add("CPU %", percent(v.CPU)).Add("GOMAXPROCS", count(v.MaxProcs)).
		Add("Memory", size(v.Mem)).Add("Connections", count(v.Connections)).
		Add("Total Connections", count(v.TotalConnections)).Add("Subscriptions", count(v.Subscriptions)).
		Add("Messages In", count(v.InMsgs)).Add("Messages Out", count(v.OutMsgs)).
		Add("Bytes In", size(v.InBytes)).Add("Bytes Out", size(v.OutBytes)).
		Add("Slow Consumers", count(v.SlowConsumers))
	view.AddKV("Statistics", stats)

	if v.Cluster.Name != "" || v.Cluster.Port != 0 {
		cl := &systable.KV{}
		cl.Text("Name", v.Cluster.Name).Text("Tags", strings.Join(v.Tags, ", ")).
			Text("Host", hostPort(v.Cluster.Host, v.Cluster.Port)).Add("URLs", list(v.Cluster.URLs)).
			Add("Routes", count(v.Routes))
		view.AddKV("Cluster", cl)
	}
	return view
}

// seconds is a cell for a float number of seconds (TLS and auth timeouts).
func seconds(f float64) output.Cell {
	d := time.Duration(f * float64(time.Second))
	return output.Cell{Value: d.Nanoseconds(), Text: fmt.Sprintf("%.2fs", f)}
}
