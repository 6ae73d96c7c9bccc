package server

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseCommandLineActions(t *testing.T) {
	tests := []struct {
		args    []string
		action  Action
		signal  string
		wantErr string
		usage   bool // a *UsageError
	}{
		{args: []string{"-h"}, action: ActionHelp},
		{args: []string{"--help"}, action: ActionHelp},
		{args: []string{"help"}, action: ActionHelp},
		{args: []string{"-v"}, action: ActionVersion},
		{args: []string{"--version"}, action: ActionVersion},
		{args: []string{"version"}, action: ActionVersion},
		{args: []string{"--help_tls"}, action: ActionHelpTLS},
		{args: []string{"--signal", "reload=12"}, action: ActionSignal, signal: "reload=12"},
		{args: []string{"-sl", "quit"}, action: ActionSignal, signal: "quit"},
		{args: []string{"-p", "-1"}, action: ActionRun},
		{args: []string{"foo"}, wantErr: `unrecognized command: "foo"`},
		{args: []string{"-p", "1", "extra", "-D"}, wantErr: `unrecognized command: "extra"`},
		{args: []string{"-t"}, wantErr: "must specify [-c, --config] option to check configuration file syntax"},
		{args: []string{"--bogus"}, wantErr: "flag provided but not defined: -bogus", usage: true},
		{args: []string{"-p", "abc"}, wantErr: `invalid value "abc" for flag -p: parse error`, usage: true},
		{args: []string{"-D=maybe"}, wantErr: `invalid boolean value "maybe" for -D: parse error`, usage: true},
		{args: []string{"--signal"}, wantErr: "flag needs an argument: -signal", usage: true},
		{args: []string{"-js"}, wantErr: "flag -js is not supported yet"},
		{args: []string{"--routes", "nats://a:1"}, wantErr: "flag -routes is not supported yet"},
		{args: []string{"-c", filepath.Join(os.TempDir(), "natsys-nothere.conf")}, wantErr: "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cmd, err := ParseCommandLine(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				var ue *UsageError
				if errors.As(err, &ue) != tc.usage {
					t.Fatalf("usage error = %v, want %v", !tc.usage, tc.usage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Action != tc.action || cmd.Signal != tc.signal {
				t.Fatalf("got %+v", cmd)
			}
		})
	}
}

// TestFlagsOverrideFile checks each option flag against a file that sets
// the same option differently.
func TestFlagsOverrideFile(t *testing.T) {
	path := writeConf(t, "c.conf", map[string]string{"c.conf": `port: 15140
host: 0.0.0.0
server_name: file
pid_file: file.pid
http_port: 1
https_port: 2
client_advertise: file:1
ports_file_dir: /file
log_file: file.log
logtime: true
debug: false
trace: false
log_size_limit: 5
max_traced_msg_len: 5
authorization { user: a, password: b }
`})
	cmd, err := parseCommandLine([]string{"-c", path, "-p", "15141", "--addr", "127.0.0.1", "--name", "flag",
		"-P", "flag.pid", "-m", "8222", "-ms", "8443", "--client_advertise", "flag:2", "--ports_file_dir", "/flag",
		"-l", "flag.log", "-T=false", "--logtime_utc", "-DVV", "--log_size_limit", "100", "--max_traced_msg_len", "7",
		"--user", "u", "--pass", "p", "--auth", "tok"}, false)
	if err != nil {
		t.Fatal(err)
	}
	o := cmd.Options
	expect(t, "network", []any{o.Port, o.Host, o.ServerName, o.ClientAdvertise}, []any{15141, "127.0.0.1", "flag", "flag:2"})
	expect(t, "files", []any{o.PidFile, o.PortsFileDir, o.LogFile}, []any{"flag.pid", "/flag", "flag.log"})
	expect(t, "monitoring", []int{o.HTTPPort, o.HTTPSPort}, []int{8222, 8443})
	expect(t, "logging", []bool{o.Logtime, o.LogtimeUTC, o.Debug, o.Trace, o.TraceVerbose}, []bool{false, true, true, true, true})
	expect(t, "sizes", []any{o.LogSizeLimit, o.MaxTracedMsgLen}, []any{int64(100), 7})
	expect(t, "auth", []string{o.Username, o.Password, o.Authorization}, []string{"u", "p", "tok"})
	expect(t, "config file", o.ConfigFile, path)
	for _, f := range []string{"Port", "Host", "ServerName", "Debug", "Trace", "TraceVerbose", "Username", "Logtime"} {
		if !o.inCmdLine[f] {
			t.Errorf("inCmdLine[%s] not set", f)
		}
	}
	if o.inCmdLine["MaxPayload"] {
		t.Error("inCmdLine has MaxPayload")
	}
	expect(t, "cmdline", o.Cmdline[len(o.Cmdline)-6:], []string{"--user", Redacted, "--pass", Redacted, "--auth", Redacted})
}

func TestFlagsKeepFileValues(t *testing.T) {
	path := writeConf(t, "c.conf", map[string]string{"c.conf": "port: 15140\ndebug: true\nlogtime: false\nmax_payload: 2MB\n"})
	cmd, err := parseCommandLine([]string{"-c", path, "-V"}, false)
	if err != nil {
		t.Fatal(err)
	}
	o := cmd.Options
	expect(t, "file values", []any{o.Port, o.Debug, o.Logtime, o.MaxPayload, o.Trace}, []any{15140, true, false, int32(2097152), true})
	cmd, err = parseCommandLine([]string{"-c", path, "-D=false"}, false)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "-D=false", cmd.Options.Debug, false)
	cmd, err = parseCommandLine(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "no file: logtime default", cmd.Options.Logtime, true)
}

func TestFlagCombinations(t *testing.T) {
	tests := []struct {
		flag                string
		debug, trace, verbo bool
	}{
		{"-D", true, false, false},
		{"--debug", true, false, false},
		{"-V", false, true, false},
		{"--trace", false, true, false},
		{"-VV", false, true, true},
		{"-DV", true, true, false},
		{"-DVV", true, true, true},
	}
	for _, tc := range tests {
		cmd, err := parseCommandLine([]string{tc.flag}, false)
		if err != nil {
			t.Fatal(err)
		}
		o := cmd.Options
		if o.Debug != tc.debug || o.Trace != tc.trace || o.TraceVerbose != tc.verbo {
			t.Errorf("%s: debug=%v trace=%v verbose=%v", tc.flag, o.Debug, o.Trace, o.TraceVerbose)
		}
	}
	for _, args := range [][]string{{"-a", "h"}, {"--addr", "h"}, {"--net", "h"}} {
		cmd, err := parseCommandLine(args, false)
		if err != nil || cmd.Options.Host != "h" {
			t.Errorf("%v: %v %+v", args, err, cmd)
		}
	}
	for _, args := range [][]string{{"-n", "x"}, {"--name", "x"}, {"--server_name", "x"}} {
		cmd, err := parseCommandLine(args, false)
		if err != nil || cmd.Options.ServerName != "x" {
			t.Errorf("%v: %v %+v", args, err, cmd)
		}
	}
}

func TestTLSFlags(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeTestCert(t, dir)
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--tls"}, "TLS Server certificate must be present and valid"},
		{[]string{"--tls", "--tlscert", "x"}, "TLS Server private key must be present and valid"},
		{[]string{"--tlscert", "x"}, "TLS Server private key must be present and valid"},
		{[]string{"--tlsverify"}, "TLS Server certificate must be present and valid"},
		{[]string{"--tlskey", "y"}, "TLS Server certificate must be present and valid"},
		{[]string{"--tls", "--tlscert", "nonexist.pem", "--tlskey", "nonexist.pem"},
			"error parsing X509 certificate/key pair: open nonexist.pem: no such file or directory"},
		{[]string{"--tls", "--tlscert", cert, "--tlskey", key}, ""},
		{[]string{"--tlsverify", "--tlscert", cert, "--tlskey", key, "--tlscacert", cert}, ""},
	}
	for _, tc := range tests {
		cmd, err := parseCommandLine(tc.args, false)
		switch {
		case tc.wantErr != "":
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%v: err = %v, want %q", tc.args, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case !cmd.Options.TLS || cmd.Options.TLSConfig == nil:
			t.Errorf("%v: TLS not configured", tc.args)
		}
	}
	// -t does not look at the TLS flags (like the reference).
	path := writeConf(t, "c.conf", map[string]string{"c.conf": "port: 1\n"})
	if _, err := parseCommandLine([]string{"-t", "-c", path, "--tls"}, false); err != nil {
		t.Errorf("-t with --tls: %v", err)
	}
	// --tls=false turns off the file's TLS.
	path = writeConf(t, "c.conf", map[string]string{"c.conf": "tls { cert_file: \"" + cert + "\", key_file: \"" + key + "\" }\n"})
	cmd, err := parseCommandLine([]string{"-c", path, "--tls=false"}, false)
	if err != nil || cmd.Options.TLS || cmd.Options.TLSConfig != nil {
		t.Errorf("--tls=false: %v %+v", err, cmd)
	}
}

// TestAwaitingRuntimeFlags: flags of options the server cannot honour yet
// are refused (after their values were checked), except by -t.
func TestAwaitingRuntimeFlags(t *testing.T) {
	for _, args := range [][]string{{"-ms", "1"}, {"--client_advertise", "x"},
		{"--log_size_limit", "5"}} {
		_, err := ParseCommandLine(args)
		want := "flag -" + strings.TrimLeft(args[0], "-") + " is not supported yet"
		if err == nil || err.Error() != want {
			t.Errorf("%v: err = %v, want %q", args, err, want)
		}
	}
	if _, err := ParseCommandLine([]string{"--tls"}); err == nil || err.Error() != "TLS Server certificate must be present and valid" {
		t.Errorf("--tls: %v", err)
	}
	cert, key := writeTestCert(t, t.TempDir())
	if cmd, err := ParseCommandLine([]string{"--tls", "--tlscert", cert, "--tlskey", key}); err != nil || !cmd.Options.TLS || cmd.Options.TLSConfig == nil {
		t.Errorf("--tls with files: %v", err)
	}
	path := writeConf(t, "c.conf", map[string]string{"c.conf": "port: 1\n"})
	if _, err := ParseCommandLine([]string{"-t", "-c", path, "-m", "8222"}); err != nil {
		t.Errorf("-t -m: %v", err)
	}
}

func TestUsageText(t *testing.T) {
	u := Usage()
	lines := strings.Split(u, "\n")
	if lines[0] != "" || lines[1] != "Usage: nats-server [options]" {
		t.Fatalf("usage starts %q", lines[:2])
	}
	if !strings.HasSuffix(u, "\n\n") {
		t.Error("usage does not end with two newlines")
	}
	flags := []string{"-a, --addr, --net", "-p, --port", "-n, --name", "--server_name", "-P, --pid", "-m, --http_port",
		"-ms,--https_port", "-c, --config", "-t ", "-sl,--signal", "--client_advertise", "--ports_file_dir",
		"-l, --log", "-T, --logtime", "--logtime_utc", "-s, --syslog", "-r, --remote_syslog", "-D, --debug",
		"-V, --trace", "-VV ", "-DV ", "-DVV ", "--log_size_limit", "--max_traced_msg_len", "-js, --jetstream",
		"-sd, --store_dir", "--user", "--pass", "--auth", "--tls ", "--tlscert", "--tlskey", "--tlsverify",
		"--tlscacert", "--routes", "--cluster ", "--cluster_name", "--no_advertise", "--cluster_advertise",
		"--connect_retries", "--cluster_listen", "--profile", "-h, --help", "-v, --version", "--help_tls"}
	for _, f := range flags {
		if !strings.Contains(u, f) {
			t.Errorf("usage lacks %q", f)
		}
	}
	for _, s := range []string{"Server Options:", "Logging Options:", "JetStream Options:", "Authorization Options:",
		"TLS Options:", "Cluster Options:", "Profiling Options:", "Common Options:"} {
		if !strings.Contains(u, "\n"+s+"\n") {
			t.Errorf("usage lacks section %q", s)
		}
	}
	// Every flag the usage names is defined.
	fs := newFlagSet(&Options{}, &cmdState{})
	for _, l := range lines {
		for _, w := range strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == ',' }) {
			if strings.HasPrefix(w, "-") && len(w) > 1 && !strings.ContainsAny(w, "<(") {
				if fs.Lookup(strings.TrimLeft(w, "-")) == nil {
					t.Errorf("usage names undefined flag %q", w)
				}
			}
		}
	}
}

func TestRedactArgs(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"-c", "x.conf", "--user", "u", "--pass", "p", "--auth", "t"},
			[]string{"-c", "x.conf", "--user", Redacted, "--pass", Redacted, "--auth", Redacted}},
		{[]string{"-user=u", "--pass=p", "-auth", "t", "-p", "4222"},
			[]string{"-user=" + Redacted, "--pass=" + Redacted, "-auth", Redacted, "-p", "4222"}},
		{[]string{"--routes", "nats://a:secret@h1:6222,nats://h2:6222"},
			[]string{"--routes", "nats://a:" + Redacted + "@h1:6222,nats://h2:6222"}},
		{[]string{"--pass"}, []string{"--pass"}},
		{[]string{"--", "--pass", "p"}, []string{"--", "--pass", "p"}},
	}
	for _, tc := range tests {
		if got := RedactArgs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("RedactArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// runMain runs Main in dir and returns its exit code, stdout and stderr.
func runMain(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errOut strings.Builder
	code := Main(append([]string{"nats-server"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMainOutputs(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"ok.conf":    "port = 15010\n",
		"warn.conf":  "port: 15111\nping_interval: 60\n",
		"multi.conf": "port: 15010\nfoo: 1\nbar: 2\nmax_payload: 3GB\n",
		"parse.conf": "port: 15010 debug: true\n",
		"ex12.conf":  "port: 15112\nmax_payload: 2MB\nmax_pending: 1MB\n",
		"ex13.conf":  "port: 15113\nno_auth_user: ghost\nauthorization { users: [{user: a, password: b}] }\n",
		"o38.conf":   "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"30s\"\n",
		"o55.conf":   "no_auth_user: bob\n",
		"empty.conf": "",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{args: []string{"-v"}, stdout: "nats-server: v" + Version + "\n"},
		{args: []string{"version"}, stdout: "nats-server: v" + Version + "\n"},
		{args: []string{"-h"}, stdout: usageText},
		{args: []string{"--help_tls"}, stdout: tlsHelpText},
		{args: []string{"foo"}, code: 1, stderr: "nats-server: unrecognized command: \"foo\"\n"},
		{args: []string{"--bogus"}, stdout: usageText, stderr: "flag provided but not defined: -bogus\n"},
		{args: []string{"-t"}, code: 1, stderr: "nats-server: must specify [-c, --config] option to check configuration file syntax\n"},
		{args: []string{"-t", "-c", "ok.conf"},
			stderr: "nats-server: configuration file ok.conf is valid (sha256:20af8a39f5eaeea774762b2f436da717a8654acd0b645b4fb5b2338510bffa59)\n"},
		{args: []string{"-t", "-c", "warn.conf"}, code: 1,
			stderr: "nats-server: warn.conf:2:1: invalid use of field \"ping_interval\": ping_interval should be converted to a duration\n\n"},
		{args: []string{"-t", "-c", "multi.conf"}, code: 1,
			stderr: "nats-server: multi.conf:2:1: unknown field \"foo\"\nmulti.conf:3:1: unknown field \"bar\"\nmulti.conf:4:1: max_payload value is too big\n\n"},
		{args: []string{"-c", "multi.conf"}, code: 1,
			stderr: "nats-server: multi.conf:2:1: unknown field \"foo\"\nmulti.conf:3:1: unknown field \"bar\"\nmulti.conf:4:1: max_payload value is too big\n\n"},
		{args: []string{"-t", "-c", "parse.conf"}, code: 1,
			stderr: "nats-server: Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'd' instead.'\n"},
		{args: []string{"-t", "-c", "empty.conf"}, code: 1, stderr: "nats-server: empty.conf: config has no values or is empty\n\n"},
		{args: []string{"-t", "-c", "nothere.conf"}, code: 1, stderr: "nats-server: open nothere.conf: no such file or directory\n"},
		{args: []string{"-c", "nothere.conf"}, code: 1, stderr: "nats-server: open nothere.conf: no such file or directory\n"},
		// -t does not run the start-up checks; starting does.
		{args: []string{"-t", "-c", "ex12.conf"}, stderr: "nats-server: configuration file ex12.conf is valid ("},
		{args: []string{"-c", "ex12.conf"}, code: 1, stderr: "nats-server: max_payload (2097152) cannot be higher than max_pending (1048576)\n"},
		{args: []string{"-c", "ex13.conf"}, code: 1,
			stderr: "nats-server: no_auth_user: \"ghost\" not present as user or nkey in authorization block or account configuration\n"},
		{args: []string{"-c", "o38.conf"}, code: 1,
			stderr: "nats-server: lame duck grace period (30s) should be strictly lower than lame duck duration (30s)\n"},
		{args: []string{"-c", "o55.conf"}, code: 1, stderr: "nats-server: no_auth_user: \"bob\" present, but users/nkeys are not defined\n"},
		{args: []string{"-n", "a b"}, code: 1, stderr: "nats-server: server name cannot contain spaces\n"},
		{args: []string{"-sl", "bogus=1"}, code: 1, stderr: "nats-server: unknown signal \"bogus\"\n"},
		{args: []string{"-sl", "quit=abc"}, code: 1, stderr: "nats-server: invalid pid: abc\n"},
		{args: []string{"-sl", "quit=1=2"}, code: 1, stderr: "nats-server: invalid signal parameters: [2]\n"},
		{args: []string{"-sl", "quit=99999999"}, code: 1, stderr: "nats-server: \nsignal \"quit\" 99999999: no such process\n"},
	}
	for _, tc := range tests {
		code, stdout, stderr := runMain(t, dir, tc.args...)
		if code != tc.code || stdout != tc.stdout || !strings.HasPrefix(stderr, tc.stderr) ||
			(!strings.HasSuffix(tc.stderr, "(") && stderr != tc.stderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr %q",
				tc.args, code, shorten(stdout), stderr, tc.code, shorten(tc.stdout), tc.stderr)
		}
	}
}

func shorten(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// TestMainWarningsThenStart: warnings are printed without prefix and the
// server starts.
func TestMainWarningsThenStart(t *testing.T) {
	dir := t.TempDir()
	conf := "port: -1\nhost: 127.0.0.1\nping_interval: 60\nlame_duck_duration: \"30s\"\nlame_duck_grace_period: \"1s\"\n"
	if err := os.WriteFile(filepath.Join(dir, "w.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var out strings.Builder
	errOut := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"nats-server", "-c", "w.conf", "-l", "s.log", "-P", "s.pid"}, &out, errOut)
	}()
	waitFor(t, func() bool { b, _ := os.ReadFile("s.log"); return strings.Contains(string(b), "Server is ready") })
	want := "w.conf:3:1: invalid use of field \"ping_interval\": ping_interval should be converted to a duration\n"
	if errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
	pid, err := os.ReadFile("s.pid")
	if err != nil || string(pid) != strconv.Itoa(os.Getpid()) {
		t.Errorf("pid file %q (%v)", pid, err)
	}
	// Shut it down through the signal path: lame duck on a server without
	// clients shuts down at once.
	if err := SendSignal("ldm=" + strconv.Itoa(os.Getpid())); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop after SIGUSR2")
	}
}
