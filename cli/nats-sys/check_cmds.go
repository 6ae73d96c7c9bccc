package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/exit"
)

// checkServerOptions are the flags of nats-sys check server.
type checkServerOptions struct {
	g                   *globalOptions
	c                   checkFlags
	server              string
	cpuWarn, cpuCrit    float64
	memWarn, memCrit    int64
	connWarn, connCrit  int
	subsWarn, subsCrit  int
	upWarn, upCrit      time.Duration
	authReq, tlsReq, js bool
}

func newCheckServerCmd(g *globalOptions) *cobra.Command {
	o := &checkServerOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "server [SERVER]",
		short: "Check one server's VARZ against thresholds (default: the connected server)",
		example: `  nats-sys check server n1 --conn-warn 1000 --conn-critical 2000
  nats-sys check server n1 --uptime-critical 5m --format prometheus`,
		args: cobra.MaximumNArgs(1),
	}, nil, func(args []string) error {
		if len(args) == 1 {
			o.server = args[0]
		} else if g.name != "" {
			o.server = g.name
		}
		return o.c.validate()
	}, func(ctx context.Context, _ []string) error { return runCheckServer(ctx, o) })
	fs := cmd.Flags()
	fs.Float64Var(&o.cpuWarn, "cpu-warn", 0, "warn at this CPU %")
	fs.Float64Var(&o.cpuCrit, "cpu-critical", 0, "critical at this CPU %")
	fs.Int64Var(&o.memWarn, "mem-warn", 0, "warn at this many bytes of memory")
	fs.Int64Var(&o.memCrit, "mem-critical", 0, "critical at this many bytes of memory")
	fs.IntVar(&o.connWarn, "conn-warn", 0, "warn at this many connections")
	fs.IntVar(&o.connCrit, "conn-critical", 0, "critical at this many connections")
	fs.IntVar(&o.subsWarn, "subs-warn", 0, "warn at this many subscriptions")
	fs.IntVar(&o.subsCrit, "subs-critical", 0, "critical at this many subscriptions")
	fs.DurationVar(&o.upWarn, "uptime-warn", 0, "warn when the uptime is below this")
	fs.DurationVar(&o.upCrit, "uptime-critical", 0, "critical when the uptime is below this")
	fs.BoolVar(&o.authReq, "auth-required", false, "critical when authentication is not required")
	fs.BoolVar(&o.tlsReq, "tls-required", false, "critical when TLS is not required")
	fs.BoolVar(&o.js, "js-required", false, "critical when JetStream is not enabled")
	o.c.register(cmd)
	return cmd
}

func runCheckServer(ctx context.Context, o *checkServerOptions) error {
	name := o.server
	r := newCheckResult("server", name)
	s, err := o.g.open(ctx)
	if err != nil {
		if exit.Code(err) == exit.Usage {
			return err
		}
		return o.c.emit(o.g, unknown(r, o.g.f.Redact(err.Error()), stateUnknown))
	}
	defer s.close()
	target := name
	if target == "" {
		target = s.nc.ServerInfo().ServerID
		r.Name = s.nc.ServerInfo().ServerName
	}
	rctx, cancel := s.timeout(ctx)
	defer cancel()
	res, err := sys.Varz(rctx, s.nc, sys.Server(target), sysapi.VarzOptions{})
	if err == nil && len(res.Replies) > 0 && !res.Replies[0].OK() {
		err = res.Replies[0].Error()
	}
	if err != nil {
		return o.c.emit(o.g, unknown(r, s.callError(rctx, err).Error(), stateUnknown))
	}
	v := res.Replies[0].Data
	r.Name = v.Name
	o.evaluate(r, v)
	return o.c.emit(o.g, r)
}

// evaluate applies the thresholds to one VARZ.
func (o *checkServerOptions) evaluate(r *checkResult, v *sysapi.Varz) {
	up := v.Now.Sub(v.Start)
	// a low uptime is bad: a restart happened
	r.Perf = append(r.Perf, perfData{Name: "uptime", Value: secs(up), Warning: secs(o.upWarn), Critical: secs(o.upCrit), Unit: "s", Help: "Server uptime in seconds"})
	switch {
	case o.upCrit != 0 && up < o.upCrit:
		r.critical("Uptime %s", up.Round(time.Second))
	case o.upWarn != 0 && up < o.upWarn:
		r.warning("Uptime %s", up.Round(time.Second))
	}
	r.threshold("CPU", v.CPU, o.cpuWarn, o.cpuCrit, "%", "Server CPU use in percent")
	r.threshold("Mem", float64(v.Mem), float64(o.memWarn), float64(o.memCrit), "", "Server memory in bytes")
	r.threshold("Connections", float64(v.Connections), float64(o.connWarn), float64(o.connCrit), "", "Active connections")
	r.threshold("Subscriptions", float64(v.Subscriptions), float64(o.subsWarn), float64(o.subsCrit), "", "Active subscriptions")
	for _, req := range []struct {
		on   bool
		have bool
		what string
	}{{o.authReq, v.AuthRequired, "Authentication"}, {o.tlsReq, v.TLSRequired, "TLS"}, {o.js, v.JetStream.Config != nil, "JetStream"}} {
		switch {
		case req.on && !req.have:
			r.critical("%s not required", req.what)
			if req.what == "JetStream" {
				r.Criticals[len(r.Criticals)-1] = jsDisabled(v.Name)
			}
		case req.on:
			r.ok("%s required", req.what)
		}
	}
}

// checkConnectionOptions are the flags of nats-sys check connection.
type checkConnectionOptions struct {
	g                  *globalOptions
	c                  checkFlags
	connWarn, connCrit time.Duration
	rttWarn, rttCrit   time.Duration
	reqWarn, reqCrit   time.Duration
}

func newCheckConnectionCmd(g *globalOptions) *cobra.Command {
	o := &checkConnectionOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "connection",
		short: "Check connecting, the round trip and a request/reply (never prints credentials)",
	}, nil, func([]string) error { return o.c.validate() }, func(ctx context.Context, _ []string) error {
		return runCheckConnection(ctx, o)
	})
	fs := cmd.Flags()
	fs.DurationVar(&o.connWarn, "connect-warn", 500*time.Millisecond, "warn when connecting takes this long")
	fs.DurationVar(&o.connCrit, "connect-critical", time.Second, "critical when connecting takes this long")
	fs.DurationVar(&o.rttWarn, "rtt-warn", 500*time.Millisecond, "warn at this round-trip time")
	fs.DurationVar(&o.rttCrit, "rtt-critical", time.Second, "critical at this round-trip time")
	fs.DurationVar(&o.reqWarn, "req-warn", 500*time.Millisecond, "warn when a request/reply takes this long")
	fs.DurationVar(&o.reqCrit, "req-critical", time.Second, "critical when a request/reply takes this long")
	o.c.register(cmd)
	return cmd
}

func runCheckConnection(ctx context.Context, o *checkConnectionOptions) error {
	start := time.Now()
	s, err := o.g.open(ctx)
	if err != nil {
		if exit.Code(err) == exit.Usage {
			return err
		}
		r := newCheckResult("connection", "connection")
		return o.c.emit(o.g, unknown(r, o.g.f.Redact(err.Error()), stateCritical))
	}
	defer s.close()
	connect := time.Since(start)
	r := newCheckResult("connection", s.s.ServerList())
	r.threshold("Connect time", secs(connect), secs(o.connWarn), secs(o.connCrit), "s", "Time taken to connect")
	if len(r.Criticals)+len(r.Warnings) == 0 {
		r.ok("connected to %s in %s", s.s.ServerList(), connect.Round(time.Microsecond))
	}
	rctx, cancel := s.timeout(ctx)
	defer cancel()
	rtt, err := s.nc.RTT(rctx)
	if err != nil {
		return o.c.emit(o.g, unknown(r, "rtt: "+err.Error(), stateCritical))
	}
	r.threshold("RTT", secs(rtt), secs(o.rttWarn), secs(o.rttCrit), "s", "Round trip time to the server")
	req, err := echoRequest(rctx, s)
	if err != nil {
		return o.c.emit(o.g, unknown(r, "request: "+err.Error(), stateCritical))
	}
	r.threshold("Request time", secs(req), secs(o.reqWarn), secs(o.reqCrit), "s", "Time of a request/reply round trip")
	return o.c.emit(o.g, r)
}

// echoRequest answers its own request on a fresh inbox and times it.
func echoRequest(ctx context.Context, s *session) (time.Duration, error) {
	subj := s.nc.NewInbox()
	sub, err := s.nc.Subscribe(subj, func(m *client.Msg) { _ = m.Respond(m.Data) })
	if err != nil {
		return 0, err
	}
	defer func() { _ = sub.Unsubscribe() }()
	start := time.Now()
	if _, err := s.nc.Request(ctx, subj, []byte("ping")); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// checkHealthOptions are the flags of nats-sys check health.
type checkHealthOptions struct {
	g    *globalOptions
	c    checkFlags
	opts sysapi.HealthzOptions
}

func newCheckHealthCmd(g *globalOptions) *cobra.Command {
	o := &checkHealthOptions{g: g}
	cmd := newCommand(cmdSpec{
		use:   "health",
		short: "Check HEALTHZ on every server: critical when one is not ok or missing",
	}, nil, func([]string) error { return o.c.validate() }, func(ctx context.Context, _ []string) error {
		return runCheckHealth(ctx, o)
	})
	cmd.Flags().BoolVarP(&o.opts.JSEnabledOnly, "js-enabled", "J", false, "only check that JetStream is enabled")
	cmd.Flags().BoolVarP(&o.opts.JSServerOnly, "server-only", "S", false, "only check the servers, not JetStream assets")
	o.c.register(cmd)
	return cmd
}

func runCheckHealth(ctx context.Context, o *checkHealthOptions) error {
	r := newCheckResult("health", "servers")
	s, err := o.g.open(ctx)
	if err != nil {
		if exit.Code(err) == exit.Usage {
			return err
		}
		return o.c.emit(o.g, unknown(r, o.g.f.Redact(err.Error()), stateUnknown))
	}
	defer s.close()
	rctx, cancel := s.timeout(ctx)
	defer cancel()
	res, err := sys.Healthz(rctx, s.nc, s.target(), o.opts, s.opts()...)
	if err != nil {
		return o.c.emit(o.g, unknown(r, s.callError(rctx, err).Error(), stateUnknown))
	}
	sortReplies(res)
	okN, bad := 0, 0
	for _, rep := range res.Replies {
		name := serverLabel(rep.Server)
		switch {
		case !rep.OK():
			bad++
			r.critical("%s: %v", name, rep.Error())
		case rep.Data.Status != sysapi.HealthStatusOK:
			bad++
			msg := rep.Data.Error
			if msg == "" {
				msg = rep.Data.Status
			}
			r.critical("%s: %s", name, msg)
		default:
			okN++
			r.ok("%s", name)
		}
	}
	if err := coverageOf(res).err(); err != nil {
		r.critical("%s", err.Error())
	}
	r.Perf = append(r.Perf,
		perfData{Name: "servers_ok", Value: float64(okN), Help: "Servers reporting ok"},
		perfData{Name: "servers_error", Value: float64(bad), Help: "Servers reporting an error"},
		perfData{Name: "servers_missing", Value: float64(coverageOf(res).missingCount), Help: "Expected servers that did not reply"})
	return o.c.emit(o.g, r)
}
