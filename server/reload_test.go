package server

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReloadDiff changes one option at a time (defaults applied to both
// sides) and checks that the non-reloadable ones are refused with the
// reference's text and the reloadable ones logged.
func TestReloadDiff(t *testing.T) {
	always := []string{"Reloaded: authorization users", "Reloaded: accounts"}
	tests := []struct {
		name    string
		change  func(o *Options)
		wantErr string
		want    []string // lines besides the two always logged
	}{
		{"nothing", func(*Options) {}, "", nil},
		{"server name", func(o *Options) { o.ServerName = "zz" }, "config reload not supported for ServerName: old=, new=zz", nil},
		{"host", func(o *Options) { o.Host = "127.0.0.1" }, "config reload not supported for Host: old=0.0.0.0, new=127.0.0.1", nil},
		{"port", func(o *Options) { o.Port = 15051 }, "config reload not supported for Port: old=15050, new=15051", nil},
		{"max subs", func(o *Options) { o.MaxSubs = 10 }, "config reload not supported for MaxSubs: old=0, new=10", nil},
		{"max sub tokens", func(o *Options) { o.MaxSubTokens = 4 }, "config reload not supported for MaxSubTokens: old=0, new=4", nil},
		{"max pending", func(o *Options) { o.MaxPending = 10485760 }, "config reload not supported for MaxPending: old=67108864, new=10485760", nil},
		{"http host", func(o *Options) { o.HTTPHost = "h" }, "config reload not supported for HTTPHost: old=, new=h", nil},
		{"http port", func(o *Options) { o.HTTPPort = 15053 }, "config reload not supported for HTTPPort: old=0, new=15053", nil},
		{"https port", func(o *Options) { o.HTTPSPort = 1 }, "config reload not supported for HTTPSPort: old=0, new=1", nil},
		{"base path", func(o *Options) { o.HTTPBasePath = "/x" }, "config reload not supported for HTTPBasePath: old=, new=/x", nil},
		{"headers", func(o *Options) { o.NoHeaderSupport = true }, "config reload not supported for NoHeaderSupport: old=false, new=true", nil},
		{"sublist cache", func(o *Options) { o.NoSublistCache = true }, "config reload not supported for NoSublistCache: old=false, new=true", nil},
		{"ldm duration", func(o *Options) { o.LameDuckDuration = time.Minute }, "config reload not supported for LameDuckDuration: old=2m0s, new=1m0s", nil},
		{"ldm grace", func(o *Options) { o.LameDuckGracePeriod = 5 * time.Second }, "config reload not supported for LameDuckGracePeriod: old=10s, new=5s", nil},
		{"system account", func(o *Options) { o.SystemAccount = "SYS" }, "config reload not supported for SystemAccount: old=, new=SYS", nil},
		{"no system account", func(o *Options) { o.NoSystemAccount = true }, "config reload not supported for NoSystemAccount: old=false, new=true", nil},
		{"no auth user", func(o *Options) { o.NoAuthUser = "a" }, "config reload not supported for NoAuthUser: old=, new=a", nil},
		{"log size", func(o *Options) { o.LogSizeLimit = 1048576 }, "config reload not supported for LogSizeLimit: old=0, new=1048576", nil},
		{"log files", func(o *Options) { o.LogMaxFiles = 3 }, "config reload not supported for LogMaxFiles: old=0, new=3", nil},
		{"closed clients", func(o *Options) { o.MaxClosedClients = 5 }, "config reload not supported for MaxClosedClients: old=10000, new=5", nil},
		{"write timeout", func(o *Options) { o.WriteTimeout = "close" }, "config reload not supported for WriteTimeout: old=, new=close", nil},
		{"first refused field is named", func(o *Options) { o.MaxPending = 1; o.MaxSubs = 1 }, "config reload not supported for MaxSubs: old=0, new=1", nil},
		{"debug", func(o *Options) { o.Debug = true }, "", []string{"Reloaded: debug = true"}},
		{"trace", func(o *Options) { o.Trace = true }, "", []string{"Reloaded: trace = true"}},
		{"trace verbose", func(o *Options) { o.Trace, o.TraceVerbose = true, true }, "",
			[]string{"Reloaded: trace = true", "Reloaded: trace_verbose = true"}},
		{"logtime", func(o *Options) { o.Logtime = false }, "", []string{"Reloaded: logtime = false"}},
		{"logtime utc", func(o *Options) { o.LogtimeUTC = true }, "", []string{"Reloaded: logtime_utc = true"}},
		{"log file", func(o *Options) { o.LogFile = "/tmp/x.log" }, "", []string{"Reloaded: log_file = /tmp/x.log"}},
		{"max connections", func(o *Options) { o.MaxConn = 5 }, "", []string{"Reloaded: max_connections = 5"}},
		{"username", func(o *Options) { o.Username, o.Password = "a", "b" }, "",
			[]string{"Reloaded: authorization username", "Reloaded: authorization password"}},
		{"token", func(o *Options) { o.Authorization = "t" }, "", []string{"Reloaded: authorization token"}},
		{"auth timeout", func(o *Options) { o.AuthTimeout = 3 }, "", []string{"Reloaded: authorization timeout = 3"}},
		{"nkeys", func(o *Options) { o.Nkeys = []*NkeyUser{{Nkey: "U"}} }, "", []string{"Reloaded: authorization nkey users"}},
		{"ping", func(o *Options) { o.PingInterval = 30 * time.Second; o.MaxPingsOut = 5 }, "",
			[]string{"Reloaded: ping_interval = 30s", "Reloaded: ping_max = 5"}},
		{"limits", func(o *Options) { o.MaxControlLine = 8192; o.MaxPayload = 2097152 }, "",
			[]string{"Reloaded: max_control_line = 8192", "Reloaded: max_payload = 2097152"}},
		{"files", func(o *Options) { o.PidFile = "p.pid"; o.PortsFileDir = "/tmp" }, "",
			[]string{"Reloaded: pid_file = p.pid", "Reloaded: ports_file_dir = /tmp"}},
		{"tls", func(o *Options) { o.TLS = true; o.TLSTimeout = 3 }, "",
			[]string{"Reloaded: tls timeout = 3", "Reloaded: tls = enabled"}},
		{"write deadline", func(o *Options) { o.WriteDeadline = 5 * time.Second }, "", []string{"Reloaded: write_deadline = 5s"}},
		{"advertise", func(o *Options) { o.ClientAdvertise = "x:4222" }, "", []string{"Reload: client_advertise = x:4222"}},
		{"traced len", func(o *Options) { o.MaxTracedMsgLen = 10 }, "", []string{"Reloaded: max_traced_msg_len = 10"}},
		{"order", func(o *Options) { o.MaxPayload = 2097152; o.Debug = true; o.ClientAdvertise = "a:1" }, "",
			[]string{"Reload: client_advertise = a:1", "Reloaded: debug = true", "Reloaded: max_payload = 2097152"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cur := &Options{Port: 15050, Logtime: true}
			applyDefaults(cur)
			n := *cur
			tc.change(&n)
			lines, err := diffOptions(cur, &n)
			if tc.wantErr != "" {
				var re *ReloadError
				if !errors.As(err, &re) || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rest []string
			for _, l := range lines {
				if !slices.Contains(always, l) {
					rest = append(rest, l)
				}
			}
			for _, a := range always {
				if !slices.Contains(lines, a) {
					t.Errorf("%q not logged", a)
				}
			}
			if !slices.Equal(rest, tc.want) {
				t.Errorf("lines %q, want %q", rest, tc.want)
			}
		})
	}
}

func TestReloadNoAuthUserRemoval(t *testing.T) {
	cur := &Options{NoAuthUser: "a", Users: []*User{{Username: "a"}}}
	gone := &Options{Users: []*User{{Username: "b"}}}
	if _, err := diffOptions(cur, gone); err != nil {
		t.Errorf("removing no_auth_user with its user gone: %v", err)
	}
	kept := &Options{Users: []*User{{Username: "a"}}}
	if _, err := diffOptions(cur, kept); err == nil || err.Error() != "config reload not supported for NoAuthUser: old=a, new=" {
		t.Errorf("removing no_auth_user, user kept: %v", err)
	}
}

// startReloadServer starts a server from the command line args (in
// process) with its log captured.
func startReloadServer(t *testing.T, args ...string) (*Server, *syncBuffer) {
	t.Helper()
	cmd, err := ParseCommandLine(args)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cmd.Options)
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	s.Logger().SetOutput(log)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s, log
}

func TestServerReload(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "r.conf")
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("port: -1\nhost: 127.0.0.1\n")
	s, log := startReloadServer(t, "-c", conf, "-V")

	// Unchanged file: users and accounts are always logged.
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "Reloaded: authorization users\n") || !strings.Contains(log.String(), "Reloaded server configuration (sha256:") {
		t.Fatalf("log:\n%s", log.String())
	}

	tests := []struct {
		name, conf, wantErr string
	}{
		{"unknown key", "port: -1\nhost: 127.0.0.1\n\nbogus: 1\n", conf + `:4:1: unknown field "bogus"`},
		{"parse error", "port: -1 host: x\n", "Parse error on line 1"},
		{"server name", "port: -1\nhost: 127.0.0.1\nserver_name: zz\n", "config reload not supported for ServerName: old=, new=zz"},
		{"host", "port: -1\nhost: 127.0.0.2\n", "config reload not supported for Host: old=127.0.0.1, new=127.0.0.2"},
		{"max subs", "port: -1\nhost: 127.0.0.1\nmax_subscriptions: 10\n", "config reload not supported for MaxSubs: old=0, new=10"},
		{"start-up check", "port: -1\nhost: 127.0.0.1\nmax_payload: 2MB\nmax_pending: 1MB\n", "max_payload (2097152) cannot be higher than max_pending (1048576)"},
	}
	for _, tc := range tests {
		write(tc.conf)
		err := s.Reload()
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
		}
	}

	// A valid change, with -V kept from the command line and a warning
	// that does not stop the reload.
	write("port: -1\nhost: 127.0.0.1\ndebug: true\ntrace: false\nping_interval: 30\nmax_payload: 2MB\n")
	before := len(log.String())
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	got := log.String()[before:]
	for _, want := range []string{"[INF] Reloaded: debug = true", "[INF] Reloaded: ping_interval = 30s", "[INF] Reloaded: max_payload = 2097152",
		"[INF] Reloaded server configuration (sha256:"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Reloaded: trace") {
		t.Errorf("the -V flag was not re-applied:\n%s", got)
	}
	o := s.getOpts()
	if !o.Debug || !o.Trace || o.MaxPayload != 2097152 || o.PingInterval != 30*time.Second {
		t.Errorf("options after reload: debug=%v trace=%v max_payload=%d ping=%v", o.Debug, o.Trace, o.MaxPayload, o.PingInterval)
	}
	if o.ServerName != s.ID() {
		t.Errorf("server name %q after reload, want the ID", o.ServerName)
	}
}

func TestServerReloadWithoutConfigFile(t *testing.T) {
	s, _ := startReloadServer(t, "-p", "-1", "-a", "127.0.0.1")
	if err := s.Reload(); !errors.Is(err, errReloadNoConfig) ||
		err.Error() != "can only reload config when a file is provided using -c or --config" {
		t.Fatalf("err = %v", err)
	}
}

func TestServerReloadFiles(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "r.conf")
	if err := os.WriteFile(conf, []byte("port: -1\nhost: 127.0.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, log := startReloadServer(t, "-c", conf)
	pidFile := filepath.Join(dir, "new.pid")
	portsDir := filepath.Join(dir, "ports")
	if err := os.Mkdir(portsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	content := "port: -1\nhost: 127.0.0.1\npid_file: \"" + pidFile + "\"\nports_file_dir: \"" + portsDir + "\"\n"
	if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pidFile); err != nil {
		t.Errorf("pid file not written: %v", err)
	}
	if _, err := os.Stat(portsFilePath(portsDir)); err != nil {
		t.Errorf("ports file not written: %v", err)
	}
	for _, want := range []string{"Reloaded: pid_file = " + pidFile, "Reloaded: ports_file_dir = " + portsDir} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if err := RemovePortsFile(portsDir); err != nil {
		t.Error(err)
	}
}
