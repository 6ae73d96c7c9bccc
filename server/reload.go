package server

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// errReloadNoConfig is a reload of a server started without -c.
var errReloadNoConfig = errors.New("can only reload config when a file is provided using -c or --config")

// reloadField is one option in the reload comparison: the Options field name
// (printed in the "not supported" error) and, for a reloadable field, the
// line logged when it changes.
type reloadField struct {
	name string
	// log returns the "Reloaded: ..." lines for the new options; nil means
	// the field cannot be reloaded.
	log func(n *Options) []string
	// changed compares old and new (nil = compare the field with
	// reflect.DeepEqual).
	changed func(o, n *Options) bool
}

// reloadFields lists the compared options in the reference's order (its
// Options field order): a reload names the first non-reloadable field that
// changed, and logs the reloadable ones in this order (config.md §4.3).
var reloadFields = []reloadField{
	{name: "ServerName"},
	{name: "Host"},
	{name: "Port"},
	{name: "ClientAdvertise", log: line("Reload: client_advertise = %v", func(n *Options) any { return n.ClientAdvertise })},
	{name: "Trace", log: reloaded("trace", func(n *Options) any { return n.Trace })},
	{name: "Debug", log: reloaded("debug", func(n *Options) any { return n.Debug })},
	{name: "TraceVerbose", log: reloaded("trace_verbose", func(n *Options) any { return n.TraceVerbose })},
	{name: "NoSublistCache"},
	{name: "NoHeaderSupport"},
	{name: "Logtime", log: reloaded("logtime", func(n *Options) any { return n.Logtime })},
	{name: "LogtimeUTC", log: reloaded("logtime_utc", func(n *Options) any { return n.LogtimeUTC })},
	{name: "MaxConn", log: reloaded("max_connections", func(n *Options) any { return n.MaxConn })},
	{name: "MaxSubs"},
	{name: "MaxSubTokens"},
	{name: "Nkeys", log: fixed("Reloaded: authorization nkey users")},
	// The reference logs users and accounts on every reload.
	{name: "Users", log: fixed("Reloaded: authorization users"), changed: always},
	{name: "Accounts", log: fixed("Reloaded: accounts"), changed: always},
	{name: "NoAuthUser", changed: noAuthUserChanged},
	{name: "SystemAccount"},
	{name: "NoSystemAccount"},
	{name: "Username", log: fixed("Reloaded: authorization username")},
	{name: "Password", log: fixed("Reloaded: authorization password")},
	{name: "Authorization", log: fixed("Reloaded: authorization token")},
	{name: "PingInterval", log: reloaded("ping_interval", func(n *Options) any { return n.PingInterval })},
	{name: "MaxPingsOut", log: reloaded("ping_max", func(n *Options) any { return n.MaxPingsOut })},
	{name: "HTTPHost"},
	{name: "HTTPPort"},
	{name: "HTTPBasePath"},
	{name: "HTTPSPort"},
	{name: "AuthTimeout", log: reloaded("authorization timeout", func(n *Options) any { return n.AuthTimeout })},
	{name: "MaxControlLine", log: reloaded("max_control_line", func(n *Options) any { return n.MaxControlLine })},
	{name: "MaxPayload", log: reloaded("max_payload", func(n *Options) any { return n.MaxPayload })},
	{name: "MaxPending"},
	{name: "ProfPort"},
	{name: "PidFile", log: reloaded("pid_file", func(n *Options) any { return n.PidFile })},
	{name: "PortsFileDir", log: reloaded("ports_file_dir", func(n *Options) any { return n.PortsFileDir })},
	{name: "LogFile", log: reloaded("log_file", func(n *Options) any { return n.LogFile })},
	{name: "LogSizeLimit"},
	{name: "LogMaxFiles"},
	{name: "TLSTimeout", log: reloaded("tls timeout", func(n *Options) any { return n.TLSTimeout })},
	{name: "TLS", log: tlsLine, changed: tlsChanged},
	{name: "AllowNonTLS"},
	{name: "WriteDeadline", log: reloaded("write_deadline", func(n *Options) any { return n.WriteDeadline })},
	{name: "MaxClosedClients"},
	{name: "LameDuckDuration"},
	{name: "LameDuckGracePeriod"},
	{name: "MaxTracedMsgLen", log: reloaded("max_traced_msg_len", func(n *Options) any { return n.MaxTracedMsgLen })},
	{name: "ProxyProtocol"},
	{name: "WriteTimeout"},
}

func line(format string, v func(*Options) any) func(*Options) []string {
	return func(n *Options) []string { return []string{fmt.Sprintf(format, v(n))} }
}

func reloaded(key string, v func(*Options) any) func(*Options) []string {
	return line("Reloaded: "+key+" = %v", v)
}

func fixed(msg string) func(*Options) []string {
	return func(*Options) []string { return []string{msg} }
}

func always(_, _ *Options) bool { return true }

// tlsChanged compares every TLS setting of the client port.
func tlsChanged(o, n *Options) bool {
	return o.TLS != n.TLS || o.TLSVerify != n.TLSVerify || o.TLSMap != n.TLSMap ||
		o.TLSCert != n.TLSCert || o.TLSKey != n.TLSKey || o.TLSCaCert != n.TLSCaCert ||
		o.TLSHandshakeFirst != n.TLSHandshakeFirst || o.TLSHandshakeFirstFallback != n.TLSHandshakeFirstFallback
}

func tlsLine(n *Options) []string {
	if n.TLS {
		return []string{"Reloaded: tls = enabled"}
	}
	return []string{"Reloaded: tls = disabled"}
}

// noAuthUserChanged allows removing no_auth_user only when the old user no
// longer exists in the new configuration.
func noAuthUserChanged(o, n *Options) bool {
	if o.NoAuthUser == n.NoAuthUser {
		return false
	}
	if n.NoAuthUser == "" && !hasUser(n, o.NoAuthUser) {
		return false
	}
	return true
}

func hasUser(o *Options, name string) bool {
	for _, u := range o.Users {
		if u.Username == name {
			return true
		}
	}
	for _, u := range o.Nkeys {
		if u.Nkey == name {
			return true
		}
	}
	return false
}

// ReloadError is a reload refused because an option that cannot change at
// run time changed.
type ReloadError struct {
	Field    string
	Old, New any
}

func (e *ReloadError) Error() string {
	return fmt.Sprintf("config reload not supported for %s: old=%v, new=%v", e.Field, e.Old, e.New)
}

// diffOptions compares the running options cur with the reloaded options n
// (defaults applied to both) and returns the lines to log for the changes,
// or a *ReloadError naming the first non-reloadable option that changed.
func diffOptions(cur, n *Options) ([]string, error) {
	ov := reflect.ValueOf(cur).Elem()
	nv := reflect.ValueOf(n).Elem()
	var lines []string
	for _, f := range reloadFields {
		var changed bool
		if f.changed != nil {
			changed = f.changed(cur, n)
		} else {
			changed = !reflect.DeepEqual(ov.FieldByName(f.name).Interface(), nv.FieldByName(f.name).Interface())
		}
		if !changed {
			continue
		}
		if f.log == nil {
			return nil, &ReloadError{Field: f.name, Old: ov.FieldByName(f.name).Interface(), New: nv.FieldByName(f.name).Interface()}
		}
		lines = append(lines, f.log(n)...)
	}
	return lines, nil
}

// Reload re-reads the configuration file the server was started with,
// applies the command-line flags again, and applies the result if every
// changed option can change at run time (config.md §4.3). Each change is
// logged as "Reloaded: ...", then "Reloaded server configuration
// (sha256:...)". On error nothing is applied; the caller logs
// "Failed to reload server configuration: <err>".
func (s *Server) Reload() error {
	cur := s.runningOptions()
	if cur.ConfigFile == "" {
		return errReloadNoConfig
	}
	n, err := ProcessConfigFile(cur.ConfigFile)
	if err != nil {
		var ce *ConfigErrors
		if !errors.As(err, &ce) || ce.HasErrors() {
			return err
		}
	}
	if err := n.applyFlags(cur.cmdArgs, true); err != nil {
		return err
	}
	n.Cmdline = cur.Cmdline
	keepRandomPorts(cur, n)
	applyDefaults(n)
	if err := validateOptions(n); err != nil {
		return err
	}
	lines, err := diffOptions(cur, n)
	if err != nil {
		return err
	}
	log := s.Logger()
	for _, l := range lines {
		log.Noticef("%s", l)
	}
	if err := s.ApplyReload(n); err != nil {
		return err
	}
	if n.PidFile != cur.PidFile && n.PidFile != "" {
		if err := WritePIDFile(n.PidFile); err != nil {
			log.Errorf("%v", err)
		}
	}
	if n.PortsFileDir != cur.PortsFileDir {
		s.movePortsFile(cur.PortsFileDir, n.PortsFileDir)
	}
	log.Noticef("Reloaded server configuration (%s)", n.ConfigDigest)
	return nil
}

// runningOptions returns a copy of the running options as the reload
// compares them: a server name that New set to the server ID counts as
// unset, like in the reference.
func (s *Server) runningOptions() *Options {
	o := *s.getOpts()
	if o.ServerName == s.ID() {
		o.ServerName = ""
	}
	return &o
}

// keepRandomPorts keeps the running ports when the file asks for a random
// one (-1): such a port is not compared.
func keepRandomPorts(cur, n *Options) {
	if n.Port == RandomPort {
		n.Port = cur.Port
	}
	if n.HTTPPort == RandomPort {
		n.HTTPPort = cur.HTTPPort
	}
	if n.HTTPSPort == RandomPort {
		n.HTTPSPort = cur.HTTPSPort
	}
}

// reloadErrorText is err as the "Failed to reload" log line shows it (a
// multi-line config error list without its final newline).
func reloadErrorText(err error) string {
	return strings.TrimRight(err.Error(), "\n")
}
