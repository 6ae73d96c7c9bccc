package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// jszOptions are the flags of nats-sys jsz.
type jszOptions struct {
	g    *globalOptions
	w    watchFlags
	opts sysapi.JSzOptions
}

// newJszCmd builds "nats-sys jsz"; runF replaces runJsz in flag tests.
func newJszCmd(g *globalOptions, runF func(context.Context, *jszOptions) error) *cobra.Command {
	o := &jszOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:     "jsz",
		aliases: []string{"jetstream", "js"},
		short:   "JetStream state of every server (JSZ)",
		long: `Ask every server for JSZ and print one row per server. A server without
JetStream gets the row "JetStream is not enabled on <server>" (exit 0). With
--accounts or --streams, a second table lists the streams.`,
	}, &o.w, nil, func(ctx context.Context, _ []string) error {
		if runF != nil {
			return runF(ctx, o)
		}
		return runJsz(ctx, o)
	})
	fs := cmd.Flags()
	fs.StringVar(&o.opts.Account, "account", "", "only this account's details")
	fs.BoolVar(&o.opts.Accounts, "accounts", false, "include account details")
	fs.BoolVar(&o.opts.Streams, "streams", false, "include stream details")
	fs.BoolVar(&o.opts.Consumer, "consumer", false, "include consumer details")
	fs.BoolVar(&o.opts.Config, "config", false, "include stream and consumer configuration")
	fs.BoolVar(&o.opts.RaftGroups, "raft", false, "include raft group names")
	fs.BoolVar(&o.opts.LeaderOnly, "leader", false, "only the meta leader answers")
	fs.BoolVar(&o.opts.StreamLeaderOnly, "stream-leader", false, "only stream leaders report their streams")
	return cmd
}

func runJsz(ctx context.Context, o *jszOptions) error {
	return o.g.runRead(ctx, o.w, func(ctx context.Context, s *session) (*frame, error) {
		res, err := sys.Jsz(ctx, s.nc, s.target(), o.opts, s.opts()...)
		if err != nil {
			return nil, err
		}
		sortReplies(res)
		v := (&systable.View{}).Add("JetStream", jszTable(okReplies(res)))
		if o.opts.Streams || o.opts.Accounts || o.opts.Account != "" {
			v.Add("Streams", streamsTable(okReplies(res)))
		}
		return endpointFrame(res, v, nil), nil
	})
}

// jsDisabled is the status text of a server without JetStream.
func jsDisabled(server string) string { return fmt.Sprintf("JetStream is not enabled on %s", server) }

// jszTable is one row per server; servers without JetStream say so in the
// Status column and leave the counters empty.
func jszTable(replies []*sys.Reply[sysapi.JSInfo]) *output.Table {
	t := &output.Table{Columns: []output.Column{
		col("server", "Server"), col("status", "Status"), col("domain", "Domain"), col("meta_leader", "Meta Leader"),
		num("streams", "Streams"), num("consumers", "Consumers"), num("messages", "Messages"), num("bytes", "Bytes"),
		num("memory", "Memory"), num("storage", "File"), num("reserved_memory", "Reserved Mem"),
		num("reserved_storage", "Reserved File"), num("accounts", "Accounts"), num("ha_assets", "HA Assets"),
		num("api_total", "API Req"), num("api_errors", "API Err"),
	}}
	for _, r := range replies {
		j := r.Data
		name := serverLabel(r.Server)
		if j.Disabled {
			row := make([]output.Cell, len(t.Columns))
			row[0], row[1] = text(name), text(jsDisabled(name))
			t.Rows = append(t.Rows, row)
			continue
		}
		leader := ""
		if j.Meta != nil {
			leader = j.Meta.Leader
		}
		t.Rows = append(t.Rows, []output.Cell{
			text(name), text("enabled"), text(j.Config.Domain), text(leader),
			count(j.Streams), count(j.Consumers), count(j.Messages), usize(j.Bytes),
			usize(j.Memory), usize(j.Store), usize(j.ReservedMemory),
			usize(j.ReservedStore), count(j.Accounts), count(j.HAAssets),
			count(j.API.Total), count(j.API.Errors),
		})
	}
	return t
}

// streamsTable lists the streams of the account details in JSZ replies.
func streamsTable(replies []*sys.Reply[sysapi.JSInfo]) *output.Table {
	t := streamsColumns()
	for _, r := range replies {
		for _, a := range r.Data.AccountDetails {
			addStreams(t, serverLabel(r.Server), a)
		}
	}
	return t
}

func streamsColumns() *output.Table {
	return &output.Table{Columns: []output.Column{
		col("server", "Server"), col("account", "Account"), col("stream", "Stream"), num("messages", "Messages"),
		num("bytes", "Bytes"), num("first_seq", "First Seq"), num("last_seq", "Last Seq"), num("consumers", "Consumers"),
		col("leader", "Leader"),
	}}
}

func addStreams(t *output.Table, server string, a *sysapi.AccountDetail) {
	for _, st := range a.Streams {
		leader := ""
		if st.Cluster != nil {
			leader = st.Cluster.Leader
		}
		t.Rows = append(t.Rows, []output.Cell{
			text(server), text(a.Name), text(st.Name), count(st.State.Msgs),
			usize(st.State.Bytes), count(st.State.FirstSeq), count(st.State.LastSeq), count(st.State.Consumers),
			text(leader),
		})
	}
}
