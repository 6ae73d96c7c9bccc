package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// usageText is the text printed by -h/--help/help (config.md §3.3). Its
// layout and wording are the reference's: it is the command's interface.
const usageText = `
Usage: nats-server [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222)
    -n, --name
        --server_name <server_name>  Server name (default: auto)
    -P, --pid <file>                 File to store PID
    -m, --http_port <port>           Use port for http monitoring
    -ms,--https_port <port>          Use port for https monitoring
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit
    -sl,--signal <signal>[=<pid>]    Send signal to nats-server process (ldm, stop, quit, term, reopen, reload)
                                     <pid> can be either a PID (e.g. 1) or the path to a PID file (e.g. /var/run/nats-server.pid)
        --client_advertise <string>  Client URL to advertise to other servers
        --ports_file_dir <dir>       Creates a ports file in the specified directory (<executable_name>_<pid>.ports).

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
        --logtime_utc                Timestamps in UTC instead of local timezone (default: false)
    -s, --syslog                     Log to syslog or windows event log
    -r, --remote_syslog <addr>       Syslog server addr (udp://localhost:514)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -VV                              Verbose trace (traces system account as well)
    -DV                              Debug and trace
    -DVV                             Debug and verbose trace (traces system account as well)
        --log_size_limit <limit>     Logfile size limit (default: auto)
        --max_traced_msg_len <len>   Maximum printable length for traced messages (default: unlimited)

JetStream Options:
    -js, --jetstream                 Enable JetStream functionality
    -sd, --store_dir <dir>           Set the storage directory

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

TLS Options:
        --tls                        Enable TLS, do not verify clients (default: false)
        --tlscert <file>             Server certificate file
        --tlskey <file>              Private key for server certificate
        --tlsverify                  Enable TLS, verify client certificates
        --tlscacert <file>           Client certificate CA for verification

Cluster Options:
        --routes <rurl-1, rurl-2>    Routes to solicit and connect
        --cluster <cluster-url>      Cluster URL for solicited routes
        --cluster_name <string>      Cluster Name, if not set one will be dynamically generated
        --no_advertise <bool>        Do not advertise known cluster information to clients
        --cluster_advertise <string> Cluster URL to advertise to other servers
        --connect_retries <number>   For implicit routes, number of connect retries
        --cluster_listen <url>       Cluster url from which members can solicit routes

Profiling Options:
        --profile <port>             Profiling HTTP port

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version
        --help_tls                   TLS help

`

// tlsHelpText is printed by --help_tls.
const tlsHelpText = `
TLS for client connections is configured in the tls block of the
configuration file, for example:

    tls {
        cert_file:      "./certs/server-cert.pem"
        key_file:       "./certs/server-key.pem"
        ca_file:        "./certs/ca.pem"
        verify:         true
        timeout:        2
    }

cert_file and key_file hold the server's certificate and private key (PEM).
ca_file holds the CAs used to verify client certificates; verify: true
requires a client certificate, verify_and_map: true also uses the
certificate's identity as the user name. The same settings are available on
the command line as --tls, --tlscert, --tlskey, --tlscacert and --tlsverify.

`

// Usage returns the usage text printed by -h.
func Usage() string { return usageText }

// TLSHelp returns the text printed by --help_tls.
func TLSHelp() string { return tlsHelpText }

// Action is what a command line asks the program to do.
type Action int

// The actions of a command line.
const (
	// ActionRun starts a server.
	ActionRun Action = iota
	// ActionCheckConfig is -t: check the configuration file and exit.
	ActionCheckConfig
	// ActionHelp prints the usage text.
	ActionHelp
	// ActionVersion prints the version.
	ActionVersion
	// ActionHelpTLS prints the TLS help text.
	ActionHelpTLS
	// ActionSignal is --signal: signal a running server and exit.
	ActionSignal
)

// Command is a parsed command line.
type Command struct {
	// Action is what to do.
	Action Action
	// Options are the configuration file's options with the flags applied on
	// top, for ActionRun and ActionCheckConfig (nil otherwise).
	Options *Options
	// Warnings holds the configuration warnings (nil when there are none).
	// ParseCommandLine returns an error instead when there are errors.
	Warnings *ConfigErrors
	// Signal is the argument of --signal ("reload", "quit=1234", ...).
	Signal string
}

// UsageError is a command line the flag package refused (undefined flag, bad
// value). The reference prints it to stderr, prints the usage to stdout and
// exits 0.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// errNoConfigForCheck is -t without -c.
var errNoConfigForCheck = errors.New("must specify [-c, --config] option to check configuration file syntax")

// cmdState holds the flags that select an action rather than set an option.
type cmdState struct {
	configFile string
	check      bool
	help       bool
	version    bool
	helpTLS    bool
	signal     string
	notYet     []string // flags given that natsys does not support yet
}

// ParseCommandLine parses args (without the program name) like the
// reference: the flags are parsed, the configuration file (-c) is read, then
// the flags are applied again on top of it (config.md §3.1). Help, version
// and --signal do not read the file. A positional "help" or "version" is
// the same as the flag; any other positional argument is an error.
//
// The error is a *UsageError for a refused flag, a *ConfigErrors when the
// file has errors, or another error whose text is printed after
// "nats-server: ".
func ParseCommandLine(args []string) (*Command, error) {
	return parseCommandLine(args, true)
}

// parseCommandLine is ParseCommandLine; refuseAwaiting false accepts the
// options of awaitingRuntime (for tests of their parsing).
func parseCommandLine(args []string, refuseAwaiting bool) (*Command, error) {
	var st cmdState
	scratch := &Options{}
	fs := newFlagSet(scratch, &st)
	if err := fs.Parse(args); err != nil {
		return nil, &UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		switch fs.Arg(0) {
		case "help":
			st.help = true
		case "version":
			st.version = true
		default:
			return nil, fmt.Errorf("unrecognized command: %q", fs.Arg(0))
		}
	}
	switch {
	case st.help:
		return &Command{Action: ActionHelp}, nil
	case st.version:
		return &Command{Action: ActionVersion}, nil
	case st.helpTLS:
		return &Command{Action: ActionHelpTLS}, nil
	case st.signal != "":
		return &Command{Action: ActionSignal, Signal: st.signal}, nil
	case st.check && st.configFile == "":
		return nil, errNoConfigForCheck
	}
	if len(st.notYet) > 0 {
		return nil, fmt.Errorf("flag -%s is not supported yet", st.notYet[0])
	}
	cmd := &Command{Action: ActionRun}
	if st.check {
		cmd.Action = ActionCheckConfig
	}
	opts := &Options{Logtime: true}
	if st.configFile != "" {
		fileOpts, err := processConfigFile(st.configFile, refuseAwaiting)
		if err != nil {
			var ce *ConfigErrors
			if !errors.As(err, &ce) || ce.HasErrors() {
				return nil, err
			}
			cmd.Warnings = ce
		}
		opts = fileOpts
	}
	if err := opts.applyFlags(args, !st.check); err != nil {
		return nil, err
	}
	if !st.check && refuseAwaiting {
		if name := awaitingFlag(args); name != "" {
			return nil, fmt.Errorf("flag -%s is not supported yet", name)
		}
	}
	cmd.Options = opts
	return cmd, nil
}

// applyFlags applies the command-line flags in args on top of o, records
// which options they set, and keeps args so a reload can apply them again.
// With tls false the TLS flags are not turned into a TLS configuration (-t
// does not look at them, like the reference).
func (o *Options) applyFlags(args []string, tls bool) error {
	var st cmdState
	fs := newFlagSet(o, &st)
	if err := fs.Parse(args); err != nil {
		return &UsageError{Err: err}
	}
	o.inCmdLine = make(map[string]bool)
	fs.Visit(func(f *flag.Flag) {
		for _, field := range flagFields[f.Name] {
			o.inCmdLine[field] = true
		}
	})
	o.cmdArgs = append([]string(nil), args...)
	o.Cmdline = RedactArgs(args)
	if st.configFile != "" {
		o.ConfigFile = st.configFile
	}
	if !tls {
		return nil
	}
	tlsFlags := false
	for _, f := range []string{"TLSCert", "TLSKey", "TLSCaCert", "TLSVerify"} {
		tlsFlags = tlsFlags || o.inCmdLine[f]
	}
	switch {
	case tlsFlags || (o.inCmdLine["TLS"] && o.TLS):
		o.TLS = true
		return o.tlsFromFlags()
	case o.inCmdLine["TLS"]:
		// --tls=false turns off TLS configured in the file.
		o.TLS, o.TLSVerify, o.TLSMap, o.TLSConfig = false, false, false, nil
	}
	return nil
}

// awaitingRuntimeFlags are the flags of the options in awaitingRuntime:
// they are refused with "flag -<name> is not supported yet" (after their
// value was checked) until the server implements them.
var awaitingRuntimeFlags = map[string]bool{
	"ms": true, "https_port": true, "client_advertise": true,
	"log_size_limit": true,
}

// awaitingFlag returns the first flag of args in awaitingRuntimeFlags, or "".
func awaitingFlag(args []string) string {
	var st cmdState
	fs := newFlagSet(&Options{}, &st)
	if fs.Parse(args) != nil {
		return ""
	}
	name := ""
	fs.Visit(func(f *flag.Flag) {
		if name == "" && awaitingRuntimeFlags[f.Name] {
			name = f.Name
		}
	})
	return name
}

// flagFields maps a flag name to the Options fields it sets (for
// Options.inCmdLine).
var flagFields = map[string][]string{
	"a": {"Host"}, "addr": {"Host"}, "net": {"Host"},
	"p": {"Port"}, "port": {"Port"},
	"n": {"ServerName"}, "name": {"ServerName"}, "server_name": {"ServerName"},
	"P": {"PidFile"}, "pid": {"PidFile"},
	"m": {"HTTPPort"}, "http_port": {"HTTPPort"},
	"ms": {"HTTPSPort"}, "https_port": {"HTTPSPort"},
	"client_advertise": {"ClientAdvertise"},
	"ports_file_dir":   {"PortsFileDir"},
	"l":                {"LogFile"}, "log": {"LogFile"},
	"T": {"Logtime"}, "logtime": {"Logtime"},
	"logtime_utc": {"LogtimeUTC"},
	"D":           {"Debug"}, "debug": {"Debug"},
	"V": {"Trace"}, "trace": {"Trace"},
	"VV":                 {"Trace", "TraceVerbose"},
	"DV":                 {"Debug", "Trace"},
	"DVV":                {"Debug", "Trace", "TraceVerbose"},
	"log_size_limit":     {"LogSizeLimit"},
	"max_traced_msg_len": {"MaxTracedMsgLen"},
	"user":               {"Username"},
	"pass":               {"Password"},
	"auth":               {"Authorization"},
	"tls":                {"TLS"},
	"tlscert":            {"TLSCert"},
	"tlskey":             {"TLSKey"},
	"tlsverify":          {"TLSVerify"},
	"tlscacert":          {"TLSCaCert"},
}

// newFlagSet defines every flag of the reference (config.md §3.2). Option
// flags write into o only when given, so parsing again on top of the file's
// options overrides exactly the flags present.
func newFlagSet(o *Options, st *cmdState) *flag.FlagSet {
	fs := flag.NewFlagSet("nats-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	str := func(p *string, names ...string) {
		for _, n := range names {
			fs.Var(stringFlag{p}, n, "")
		}
	}
	num := func(set func(int64), names ...string) {
		for _, n := range names {
			fs.Var(intFlag{set}, n, "")
		}
	}
	boolean := func(set func(bool), names ...string) {
		for _, n := range names {
			fs.Var(boolFlag{set}, n, "")
		}
	}
	later := func(isBool bool, names ...string) {
		for _, n := range names {
			name := n
			set := func(string) error { st.notYet = append(st.notYet, name); return nil }
			if isBool {
				fs.BoolFunc(name, "", set)
			} else {
				fs.Func(name, "", set)
			}
		}
	}

	// Server options.
	str(&o.Host, "a", "addr", "net")
	num(func(v int64) { o.Port = int(v) }, "p", "port")
	str(&o.ServerName, "n", "name", "server_name")
	str(&o.PidFile, "P", "pid")
	num(func(v int64) { o.HTTPPort = int(v) }, "m", "http_port")
	num(func(v int64) { o.HTTPSPort = int(v) }, "ms", "https_port")
	str(&st.configFile, "c", "config")
	boolean(func(v bool) { st.check = v }, "t")
	str(&st.signal, "sl", "signal")
	str(&o.ClientAdvertise, "client_advertise")
	str(&o.PortsFileDir, "ports_file_dir")

	// Logging options.
	str(&o.LogFile, "l", "log")
	boolean(func(v bool) { o.Logtime = v }, "T", "logtime")
	boolean(func(v bool) { o.LogtimeUTC = v }, "logtime_utc")
	later(true, "s", "syslog")
	later(false, "r", "remote_syslog")
	boolean(func(v bool) { o.Debug = v }, "D", "debug")
	boolean(func(v bool) { o.Trace = v }, "V", "trace")
	boolean(func(v bool) { o.Trace, o.TraceVerbose = v, v }, "VV")
	boolean(func(v bool) { o.Debug, o.Trace = v, v }, "DV")
	boolean(func(v bool) { o.Debug, o.Trace, o.TraceVerbose = v, v, v }, "DVV")
	num(func(v int64) { o.LogSizeLimit = v }, "log_size_limit")
	num(func(v int64) { o.MaxTracedMsgLen = int(v) }, "max_traced_msg_len")

	// JetStream, cluster and profiling options: not supported yet.
	later(true, "js", "jetstream")
	later(false, "sd", "store_dir")
	later(false, "routes", "cluster", "cluster_listen", "cluster_name", "cluster_advertise", "connect_retries", "profile")
	later(true, "no_advertise")

	// Authorization options.
	str(&o.Username, "user")
	str(&o.Password, "pass")
	str(&o.Authorization, "auth")

	// TLS options.
	boolean(func(v bool) { o.TLS = v }, "tls")
	str(&o.TLSCert, "tlscert")
	str(&o.TLSKey, "tlskey")
	boolean(func(v bool) { o.TLSVerify = v; o.TLS = o.TLS || v }, "tlsverify")
	str(&o.TLSCaCert, "tlscacert")

	// Common options.
	boolean(func(v bool) { st.help = v }, "h", "help")
	boolean(func(v bool) { st.version = v }, "v", "version")
	boolean(func(v bool) { st.helpTLS = v }, "help_tls")
	return fs
}

// errFlagParse and errFlagRange are the flag package's own error texts for
// bad values ("invalid value "abc" for flag -p: parse error").
var (
	errFlagParse = errors.New("parse error")
	errFlagRange = errors.New("value out of range")
)

func numError(err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return errFlagRange
	}
	return errFlagParse
}

// stringFlag writes its value only when the flag is given.
type stringFlag struct{ p *string }

func (f stringFlag) String() string {
	if f.p == nil {
		return ""
	}
	return *f.p
}
func (f stringFlag) Set(s string) error { *f.p = s; return nil }

// intFlag parses a decimal integer (like the flag package's int flags).
type intFlag struct{ set func(int64) }

func (f intFlag) String() string { return "0" }
func (f intFlag) Set(s string) error {
	v, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return numError(err)
	}
	f.set(v)
	return nil
}

// boolFlag is a boolean flag that takes no argument (but accepts -D=false).
type boolFlag struct{ set func(bool) }

func (f boolFlag) String() string   { return "false" }
func (f boolFlag) IsBoolFlag() bool { return true }
func (f boolFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errFlagParse
	}
	f.set(v)
	return nil
}

// redactedFlags are the flags whose values never appear in a stored command
// line.
var redactedFlags = map[string]bool{"user": true, "pass": true, "auth": true}

// urlFlags are the flags whose values are URLs that may carry a password.
var urlFlags = map[string]bool{"routes": true, "cluster": true, "cluster_listen": true}

// Redacted is what replaces a secret in a stored command line or a log line.
const Redacted = "[REDACTED]"

// RedactArgs returns a copy of args with the values of --user, --pass and
// --auth replaced by [REDACTED], and passwords in --routes/--cluster URLs
// redacted too, for the command line exposed by monitoring.
func RedactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		a := out[i]
		if !strings.HasPrefix(a, "-") || a == "--" {
			if a == "--" {
				break
			}
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, hasValue = name[:eq], name[eq+1:], true
		}
		if !redactedFlags[name] && !urlFlags[name] {
			continue
		}
		if !hasValue {
			if i+1 >= len(out) {
				break
			}
			i++
			value = out[i]
		}
		redacted := Redacted
		if urlFlags[name] {
			redacted = redactURLs(value)
		}
		if hasValue {
			out[i] = a[:strings.IndexByte(a, '=')+1] + redacted
		} else {
			out[i] = redacted
		}
	}
	return out
}

// redactURLs redacts the password of each URL of a comma-separated list.
func redactURLs(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil || u.User == nil {
			continue
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			parts[i] = strings.Replace(u.String(), "xxxxx", Redacted, 1)
		}
	}
	return strings.Join(parts, ",")
}
