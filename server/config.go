package server

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"
)

// Limits of the configuration values (config.md §2).
const (
	// maxInt32Value is the largest max_payload and max_control_line.
	maxInt32Value = math.MaxInt32
	// maxSubTokensLimit is the largest max_sub_tokens.
	maxSubTokensLimit = 255
	// authTimeoutWarn is the authorization timeout above which a warning
	// is given.
	authTimeoutWarn = 60 * time.Second
	// defaultResponseMaxMsgs and defaultResponseExpires are what
	// allow_responses: true (or a 0 value) means.
	defaultResponseMaxMsgs = 1
	defaultResponseExpires = 2 * time.Minute
)

// ProcessConfigFile reads the configuration file at path and returns the
// options it sets (config.md §1, §2). Every problem is collected: the error
// is then a *ConfigErrors listing them, warnings first. When the file has
// only warnings the options are returned too, with the *ConfigErrors (whose
// HasErrors is false); a caller that accepts warnings prints them and goes
// on. Syntax errors of the file are returned as they come from the parser.
//
// Start-up checks that involve several keys (max_payload against
// max_pending, no_auth_user, lame duck periods) are not made here: New
// makes them, so that -t accepts such a file like the reference.
func ProcessConfigFile(path string) (*Options, error) {
	return processConfigFile(path, true)
}

// processConfigFile is ProcessConfigFile; refuseAwaiting false accepts the
// keys of awaitingRuntime (for tests of their parsing).
func processConfigFile(path string, refuseAwaiting bool) (*Options, error) {
	tree, err := parseConfigTree(path)
	if err != nil {
		return nil, err
	}
	o := &Options{Logtime: true, ConfigFile: path, ConfigDigest: tree.digest}
	p := &configProcessor{o: o, errs: &ConfigErrors{}, refuseAwaiting: refuseAwaiting}
	if len(tree.root.items) == 0 {
		p.errs.Warnings = append(p.errs.Warnings, &ConfigError{File: path, Msg: "config has no values or is empty", Warning: true})
	}
	p.process(tree.root)
	if len(p.errs.Errors) > 0 {
		p.errs.sort()
		return nil, p.errs
	}
	if len(p.errs.Warnings) > 0 {
		p.errs.sort()
		return o, p.errs
	}
	return o, nil
}

// configProcessor walks the parsed tree into Options, collecting problems.
type configProcessor struct {
	o    *Options
	errs *ConfigErrors
	// refuseAwaiting refuses the keys of awaitingRuntime.
	refuseAwaiting bool

	// Users and nkeys seen so far (duplicates are refused).
	users map[string]bool
	nkeys map[string]bool
	// accountsItem is the top-level accounts key, where import and export
	// problems are reported.
	accountsItem *cfgItem
	// accountUsers is the users key of the first account that has users.
	accountUsers *cfgItem
	// imports and exports keep their items for the checks made once every
	// account is known.
	pending []*pendingImport
}

// errorf records an error at it's position (no position when it is nil).
func (p *configProcessor) errorf(it *cfgItem, format string, args ...any) {
	p.errs.Errors = append(p.errs.Errors, it.problem(fmt.Sprintf(format, args...)))
}

// warnf records `invalid use of field "<field>": <reason>` at it's position.
func (p *configProcessor) warnf(it *cfgItem, field, format string, args ...any) {
	w := it.problem(fmt.Sprintf("invalid use of field %q: ", field) + fmt.Sprintf(format, args...))
	w.Warning = true
	p.errs.Warnings = append(p.errs.Warnings, w)
}

// typeError records the reference's type error: `interface conversion:
// interface {} is <got>, not <want>`.
func (p *configProcessor) typeError(it *cfgItem, want string) {
	p.errorf(it, "interface conversion: interface {} is %s, not %s", it.typeName(), want)
}

// Typed accessors: each records the type error and reports false when the
// value has another type.

func (p *configProcessor) str(it *cfgItem) (string, bool) {
	s, ok := it.val.(string)
	if !ok {
		p.typeError(it, typeString)
	}
	return s, ok
}

func (p *configProcessor) integer(it *cfgItem) (int64, bool) {
	v, ok := it.val.(int64)
	if !ok {
		p.typeError(it, typeInt)
	}
	return v, ok
}

func (p *configProcessor) boolean(it *cfgItem) (bool, bool) {
	v, ok := it.val.(bool)
	if !ok {
		p.typeError(it, typeBool)
	}
	return v, ok
}

func (p *configProcessor) mapping(it *cfgItem) (*cfgMap, bool) {
	v, ok := it.val.(*cfgMap)
	if !ok {
		p.typeError(it, typeMap)
	}
	return v, ok
}

// process handles the top-level keys in file order, then the checks that
// need the whole file.
func (p *configProcessor) process(root *cfgMap) {
	for _, it := range root.items {
		errs := len(p.errs.Errors)
		p.topLevel(it)
		if p.refuseAwaiting && len(p.errs.Errors) == errs && awaitingRuntime[strings.ToLower(it.key)] {
			p.notSupported(it)
		}
	}
	p.checkImports()
	p.checkAuthConflicts()
}

// notSupported records that a recognised key cannot be honoured yet.
func (p *configProcessor) notSupported(it *cfgItem) {
	p.errorf(it, "%q is not supported yet", it.key)
}

// unknown records an unknown key (keys used as variables are exempt).
func (p *configProcessor) unknown(it *cfgItem) {
	if it.used {
		return
	}
	p.errorf(it, "unknown field %q", it.key)
}

// topLevel handles one top-level key (config.md §2).
func (p *configProcessor) topLevel(it *cfgItem) {
	o := p.o
	key := strings.ToLower(it.key)
	switch key {
	case "listen":
		if host, port, ok := p.hostPort(it); ok {
			o.Host, o.Port = host, port
		}
	case "port":
		p.setInt(it, func(v int64) { o.Port = int(v) })
	case "host", "net":
		p.setStr(it, &o.Host)
	case "server_name":
		if s, ok := p.str(it); ok {
			if strings.Contains(s, " ") {
				p.errorf(it, "server name cannot contain spaces")
			} else {
				o.ServerName = s
			}
		}
	case "client_advertise":
		p.setStr(it, &o.ClientAdvertise)
	case "max_payload":
		p.setInt32(it, key, &o.MaxPayload)
	case "max_control_line":
		p.setInt32(it, key, &o.MaxControlLine)
	case "max_pending":
		p.setInt(it, func(v int64) { o.MaxPending = v })
	case "max_connections", "max_conn":
		p.setInt(it, func(v int64) {
			// A configured 0 lets no client in (the reference stores -1).
			o.MaxConn = int(v)
			if v == 0 {
				o.MaxConn = -1
			}
		})
	case "max_subscriptions", "max_subs":
		p.setInt(it, func(v int64) { o.MaxSubs = int(v) })
	case "max_sub_tokens", "max_subscription_tokens":
		p.setInt(it, func(v int64) {
			switch {
			case v > maxSubTokensLimit:
				p.errorf(it, "%s value is too big", it.key)
			case v <= 0:
				p.errorf(it, "%s value can not be negative", it.key)
			default:
				o.MaxSubTokens = uint8(v)
			}
		})
	case "ping_interval":
		p.setIntervalDuration(it, key, &o.PingInterval)
	case "ping_max":
		p.setInt(it, func(v int64) { o.MaxPingsOut = int(v) })
	case "write_deadline":
		p.setIntervalDuration(it, key, &o.WriteDeadline)
	case "write_timeout":
		if s, ok := p.str(it); ok {
			switch strings.ToLower(s) {
			case "default", "close", "retry":
				o.WriteTimeout = strings.ToLower(s)
			default:
				p.errorf(it, "write_timeout must be 'default', 'close' or 'retry'")
			}
		}
	case "max_closed_clients":
		p.setInt(it, func(v int64) { o.MaxClosedClients = int(v) })
	case "no_header_support":
		p.setBool(it, &o.NoHeaderSupport)
	case "disable_sublist_cache", "no_sublist_cache":
		p.setBool(it, &o.NoSublistCache)
	case "max_traced_msg_len":
		p.setInt(it, func(v int64) { o.MaxTracedMsgLen = int(v) })
	case "http":
		if host, port, ok := p.hostPort(it); ok {
			o.HTTPHost, o.HTTPPort = host, port
		}
	case "https":
		if host, port, ok := p.hostPort(it); ok {
			o.HTTPHost, o.HTTPSPort = host, port
		}
	case "http_port", "monitor_port":
		p.setInt(it, func(v int64) { o.HTTPPort = int(v) })
	case "https_port":
		p.setInt(it, func(v int64) { o.HTTPSPort = int(v) })
	case "http_base_path":
		p.setStr(it, &o.HTTPBasePath)
	case "debug":
		p.setBool(it, &o.Debug)
	case "trace":
		p.setBool(it, &o.Trace)
	case "trace_verbose":
		if v, ok := p.boolean(it); ok {
			o.TraceVerbose = v
			if v {
				o.Trace = true
			}
		}
	case "logtime":
		p.setBool(it, &o.Logtime)
	case "logtime_utc":
		p.setBool(it, &o.LogtimeUTC)
	case "log_file", "logfile":
		p.setStr(it, &o.LogFile)
	case "logfile_size_limit", "log_size_limit":
		p.setInt(it, func(v int64) { o.LogSizeLimit = v })
	case "logfile_max_num", "log_max_num":
		p.setInt(it, func(v int64) { o.LogMaxFiles = v })
	case "pid_file", "pidfile":
		p.setStr(it, &o.PidFile)
	case "ports_file_dir":
		p.setStr(it, &o.PortsFileDir)
	case "lame_duck_duration":
		if d, ok := p.durationString(it, key); ok {
			if d < MinLameDuckDuration {
				p.errorf(it, "invalid lame_duck_duration of %v, minimum is 30 seconds", d)
			} else {
				o.LameDuckDuration = d
			}
		}
	case "lame_duck_grace_period":
		if d, ok := p.durationString(it, key); ok {
			if d < 0 {
				p.errorf(it, "invalid lame_duck_grace_period, needs to be positive")
			} else {
				o.LameDuckGracePeriod = d
			}
		}
	case "tls":
		p.tlsBlock(it)
	case "authorization":
		p.authorization(it)
	case "accounts":
		p.accounts(it)
	case "no_auth_user":
		p.setStr(it, &o.NoAuthUser)
	case "system_account", "system":
		if s, ok := it.val.(string); ok {
			o.SystemAccount = s
		} else {
			p.errorf(it, "system account name must be a string")
		}
	case "no_system_account", "no_system", "no_sys_acc":
		p.setBool(it, &o.NoSystemAccount)
	default:
		if deferredKeys[key] {
			p.notSupported(it)
			return
		}
		p.unknown(it)
	}
}

// deferredKeys are the top-level keys of the reference that natsys
// recognises but cannot honour yet (config.md §2.12 and the LATER keys of
// §2.1-§2.11): they are refused with `"<key>" is not supported yet`.
var deferredKeys = map[string]bool{
	// Clustering, gateways, leaf nodes.
	"cluster": true, "gateway": true, "leafnodes": true, "leaf": true,
	"connect_error_reports": true, "reconnect_error_reports": true,
	// JetStream.
	"jetstream": true, "store_dir": true, "storedir": true, "default_js_domain": true,
	// Operator mode and account resolvers.
	"operator": true, "operators": true, "root": true, "roots": true,
	"root_operator": true, "root_operators": true, "trusted": true, "trusted_keys": true,
	"resolver": true, "account_resolver": true, "accounts_resolver": true,
	"resolver_tls": true, "resolver_preload": true, "resolver_pinned_accounts": true,
	"default_sentinel": true,
	// Other listeners.
	"websocket": true, "ws": true, "mqtt": true,
	// OCSP.
	"ocsp": true, "ocsp_cache": true,
	// Logging to syslog, header tracing.
	"syslog": true, "remote_syslog": true, "trace_headers": true,
	// Profiling.
	"prof_port": true, "prof_block_rate": true,
	// Subject mappings of $G.
	"mappings": true, "maps": true,
	// Miscellaneous features.
	"no_fast_producer_stall": true, "proxy_protocol": true, "proxies": true,
	"server_tags": true, "server_metadata": true, "feature_flags": true,
	"allow_non_tls": true,
}

// awaitingRuntime are keys of config.md §2 that are parsed and validated
// completely but that the server cannot honour yet (TLS and monitoring
// listeners, INFO advertising, log rotation): a valid value is refused with
// `"<key>" is not supported yet` instead of being silently ignored. Remove a
// key (and its flags from awaitingRuntimeFlags) once the server implements
// it.
var awaitingRuntime = map[string]bool{
	"https": true, "https_port": true,
	"client_advertise":   true,
	"write_timeout":      true,
	"logfile_size_limit": true, "log_size_limit": true, "logfile_max_num": true, "log_max_num": true,
}

func (p *configProcessor) setStr(it *cfgItem, dst *string) {
	if s, ok := p.str(it); ok {
		*dst = s
	}
}

func (p *configProcessor) setBool(it *cfgItem, dst *bool) {
	if v, ok := p.boolean(it); ok {
		*dst = v
	}
}

func (p *configProcessor) setInt(it *cfgItem, set func(int64)) {
	if v, ok := p.integer(it); ok {
		set(v)
	}
}

// setInt32 stores an int32 size, refusing values above 2^31-1.
func (p *configProcessor) setInt32(it *cfgItem, key string, dst *int32) {
	if v, ok := p.integer(it); ok {
		if v > maxInt32Value {
			p.errorf(it, "%s value is too big", key)
			return
		}
		*dst = int32(v)
	}
}

// hostPort parses listen/http/https: a port, or "host:port".
func (p *configProcessor) hostPort(it *cfgItem) (string, int, bool) {
	switch v := it.val.(type) {
	case int64:
		return "", int(v), true
	case string:
		host, port, err := net.SplitHostPort(v)
		if err != nil {
			p.errorf(it, "could not parse address string %q", v)
			return "", 0, false
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			p.errorf(it, "could not parse port %q", port)
			return "", 0, false
		}
		return host, n, true
	}
	p.errorf(it, "expected port or host:port, got %s", it.typeName())
	return "", 0, false
}

// setIntervalDuration parses ping_interval and write_deadline: a duration
// string, or (with a warning) a number of seconds.
func (p *configProcessor) setIntervalDuration(it *cfgItem, key string, dst *time.Duration) {
	if s, ok := it.val.(string); ok {
		d, err := time.ParseDuration(s)
		if err != nil {
			p.errorf(it, "error parsing %s: %v", key, err)
			return
		}
		*dst = d
		return
	}
	p.warnf(it, key, "%s should be converted to a duration", key)
	if v, ok := p.integer(it); ok {
		*dst = time.Duration(v) * time.Second
	}
}

// durationString parses a key that only takes a duration string.
func (p *configProcessor) durationString(it *cfgItem, key string) (time.Duration, bool) {
	s, ok := p.str(it)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.errorf(it, "error parsing %s: %v", key, err)
		return 0, false
	}
	return d, true
}

// tlsBlock parses the client tls block (config.md §2.6). The first problem
// ends the block, like the reference.
func (p *configProcessor) tlsBlock(it *cfgItem) {
	m, ok := p.mapping(it)
	if !ok {
		return
	}
	var ts tlsSettings
	o := p.o
	var timeout float64
	var hsFirst bool
	var hsFallback time.Duration
	fail := func(at *cfgItem, format string, args ...any) { p.errorf(at, format, args...) }
	for _, e := range m.items {
		k := strings.ToLower(e.key)
		switch k {
		case "cert_file", "key_file", "ca_file":
			s, ok := e.val.(string)
			if !ok {
				fail(e, "error parsing tls config, expected '%s' to be filename", k)
				return
			}
			switch k {
			case "cert_file":
				ts.certFile = s
			case "key_file":
				ts.keyFile = s
			default:
				ts.caFile = s
			}
		case "verify", "verify_and_map":
			b, ok := e.val.(bool)
			if !ok {
				fail(e, "error parsing tls config, expected '%s' to be a boolean", k)
				return
			}
			if k == "verify" {
				ts.verify = b
			} else {
				ts.verifyAndMap = b
			}
		case "verify_cert_and_check_known_urls":
			fail(e, "verify_cert_and_check_known_urls not supported in this context")
			return
		case "timeout":
			t, ok := tlsTimeout(e.val)
			if !ok {
				if s, isStr := e.val.(string); isStr {
					_, err := time.ParseDuration(s)
					fail(e, "error parsing tls config, 'timeout' %v", err)
				} else {
					fail(e, "error parsing tls config, 'timeout' wrong type")
				}
				return
			}
			timeout = t
		case "handshake_first", "first", "immediate":
			first, fallback, err := handshakeFirst(e)
			if err != "" {
				fail(e, "%s", err)
				return
			}
			hsFirst, hsFallback = first, fallback
		case "cipher_suites", "curve_preferences", "min_version", "insecure",
			"allow_insecure_cipher_suites", "pinned_certs", "connection_rate_limit",
			"cert_store", "cert_match_by", "cert_match", "ca_certs_match",
			"cert_match_skip_invalid", "ocsp_peer", "certs", "certificates":
			p.notSupported(e)
			return
		default:
			fail(e, "error parsing tls config, unknown field %q", e.key)
			return
		}
	}
	cfg, err := buildTLSConfig(ts)
	if err != nil {
		p.errorf(it, "%v", err)
		return
	}
	if len(cfg.Certificates) == 0 {
		// An empty tls block requires TLS without a certificate, like the
		// reference; the listener cannot complete a handshake.
		cfg = nil
	}
	o.TLS, o.TLSConfig = true, cfg
	o.TLSCert, o.TLSKey, o.TLSCaCert = ts.certFile, ts.keyFile, ts.caFile
	o.TLSVerify, o.TLSMap = ts.verify || ts.verifyAndMap, ts.verifyAndMap
	o.TLSTimeout = timeout
	o.TLSHandshakeFirst, o.TLSHandshakeFirstFallback = hsFirst, hsFallback
}

// tlsTimeout converts a tls/authorization timeout (seconds or a duration
// string) to seconds.
func tlsTimeout(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case string:
		d, err := time.ParseDuration(t)
		if err != nil {
			return 0, false
		}
		return d.Seconds(), true
	}
	return 0, false
}

// handshakeFirstFallbackDelay is the fallback delay of handshake_first:
// "auto".
const handshakeFirstFallbackDelay = 50 * time.Millisecond

// handshakeFirst parses tls.handshake_first: a bool, "on"/"off", "auto" or
// "auto_fallback" (fallback after 50ms), or a fallback duration string. It
// returns the error text ("" when valid).
func handshakeFirst(e *cfgItem) (bool, time.Duration, string) {
	switch v := e.val.(type) {
	case bool:
		return v, 0, ""
	case string:
		switch strings.ToLower(v) {
		case "true", "on":
			return true, 0, ""
		case "false", "off":
			return false, 0, ""
		case "auto", "auto_fallback":
			return true, handshakeFirstFallbackDelay, ""
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return false, 0, fmt.Sprintf("field %q's value %q is invalid", e.key, v)
		}
		return true, d, ""
	}
	return false, 0, fmt.Sprintf("field %q should be a boolean or a string, got %s", e.key, e.typeName())
}
