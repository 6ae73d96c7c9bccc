package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeConf writes files (name -> content) into a new temporary directory
// and returns the path of the first name given as main.
func writeConf(t *testing.T, main string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, main)
}

// problemLines returns the lines of a *ConfigErrors (warnings and errors)
// with the file path replaced by "F", sorted.
func problemLines(t *testing.T, err error, path string) []string {
	t.Helper()
	var ce *ConfigErrors
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *ConfigErrors", err, err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(ce.Error(), "\n"), "\n") {
		lines = append(lines, strings.ReplaceAll(l, path, "F"))
	}
	slices.Sort(lines)
	return lines
}

func TestConfigInvalid(t *testing.T) {
	const nkeyU = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"
	tests := []struct {
		name string
		conf string
		want []string // any order; F is the file path
	}{
		{"unknown key", "port: 15107\nfoo: bar\n", []string{`F:2:1: unknown field "foo"`}},
		{"several errors", "port: 15010\nfoo: 1\nbar: 2\nmax_payload: 3GB\n", []string{
			`F:2:1: unknown field "foo"`, `F:3:1: unknown field "bar"`, `F:4:1: max_payload value is too big`}},
		{"unknown in authorization", "authorization {\n  user: a\n  password: b\n\n  bogus: 1\n}\n",
			[]string{`F:5:3: unknown field "bogus"`}},
		{"unused variable", "A = 1\n", []string{`F:1:0: unknown field "A"`}},
		{"include key", "include: x.conf\n", []string{`F:1:0: unknown field "include"`}},
		{"quoted int", `port: "4222"` + "\n", []string{`F:1:0: interface conversion: interface {} is string, not int64`}},
		{"quoted bool", "port: 15116\ndebug: \"true\"\n", []string{`F:2:1: interface conversion: interface {} is string, not bool`}},
		{"type names", "port: 1.5\nserver_name: [a]\nhost: {a: 1}\n", []string{
			`F:1:0: interface conversion: interface {} is float64, not int64`,
			`F:2:1: interface conversion: interface {} is []interface {}, not string`,
			`F:3:1: interface conversion: interface {} is map[string]interface {}, not string`}},
		{"server name space", `server_name: "my server"` + "\n", []string{`F:1:0: server name cannot contain spaces`}},
		{"listen no port", "listen: localhost\n", []string{`F:1:0: could not parse address string "localhost"`}},
		{"listen errors", "listen: nohostport\nhttp: \"1.2.3.4:x\"\nhttps: true\n", []string{
			`F:1:0: could not parse address string "nohostport"`, `F:2:1: could not parse port "x"`,
			`F:3:1: expected port or host:port, got bool`}},
		{"sizes too big", "max_payload: 3GB\nmax_control_line: 3GB\nmax_pending: 3GB\n", []string{
			`F:1:0: max_payload value is too big`, `F:2:1: max_control_line value is too big`}},
		{"sub tokens", "max_sub_tokens: 300\nmax_subscription_tokens: 0\n", []string{
			`F:1:0: max_sub_tokens value is too big`, `F:2:1: max_subscription_tokens value can not be negative`}},
		{"write_timeout", "write_timeout: foo\n", []string{`F:1:0: write_timeout must be 'default', 'close' or 'retry'`}},
		{"durations", "ping_interval: \"abc\"\nwrite_deadline: \"5x\"\nping_max: \"a\"\n", []string{
			`F:1:0: error parsing ping_interval: time: invalid duration "abc"`,
			`F:2:1: error parsing write_deadline: time: unknown unit "x" in duration "5x"`,
			`F:3:1: interface conversion: interface {} is string, not int64`}},
		{"integer duration warning", "port: 15111\nping_interval: 60\n", []string{
			`F:2:1: invalid use of field "ping_interval": ping_interval should be converted to a duration`}},
		{"bool duration", "ping_interval: true\n", []string{
			`F:1:0: interface conversion: interface {} is bool, not int64`,
			`F:1:0: invalid use of field "ping_interval": ping_interval should be converted to a duration`}},
		{"lame duck", "lame_duck_duration: \"10s\"\nlame_duck_grace_period: \"-1s\"\n", []string{
			`F:1:0: invalid lame_duck_duration of 10s, minimum is 30 seconds`,
			`F:2:1: invalid lame_duck_grace_period, needs to be positive`}},
		{"lame duck int", "lame_duck_duration: 60\n", []string{`F:1:0: interface conversion: interface {} is int64, not string`}},
		{"lame duck bad", "lame_duck_duration: \"x\"\n", []string{`F:1:0: error parsing lame_duck_duration: time: invalid duration "x"`}},
		{"system account type", "system_account: 1\n", []string{`F:1:0: system account name must be a string`}},
		{"user and token", "port: 15108\nauthorization {\n  user: a\n  password: b\n  token: c\n}\n",
			[]string{`F:2:1: Cannot have a user/pass and token`}},
		{"user and users", "authorization { user: a, password: b, users: [{user: c, password: d}] }\n",
			[]string{`F:1:0: Can not have a single user/pass and a users array`}},
		{"token and users", "authorization { token: a, users: [{user: c, password: d}] }\n",
			[]string{`F:1:0: Can not have a token and a users array`}},
		{"user without name", "authorization { users: [{password: b}] }\n", []string{`F:1:25: User entry requires a user`}},
		{"bad nkey", "authorization { users: [{nkey: UABC}] }\n", []string{`F:1:25: Not a valid public nkey for a user`}},
		{"nkey with user", "authorization { users: [{nkey: " + nkeyU + ", user: x}] }\n",
			[]string{`F:1:89: Nkey users do not take usernames or passwords`}},
		{"users not array", "authorization { users: 1 }\n", []string{`F:1:16: Expected users field to be an array, got 1`}},
		{"user not map", "authorization { users: [1, \"x\"] }\n", []string{
			`F:1:24: Expected user entry to be a map/struct, got 1`, `F:1:28: Expected user entry to be a map/struct, got x`}},
		{"auth timeout", "authorization { timeout: \"x\" }\n",
			[]string{`F:1:16: error parsing authorization config, 'timeout' time: invalid duration "x"`}},
		{"auth timeout type", "authorization { timeout: true }\n",
			[]string{`F:1:16: error parsing authorization config, 'timeout' wrong type`}},
		{"auth timeout high", "authorization { timeout: \"2m\" }\n", []string{
			`F:1:16: invalid use of field "timeout": timeout of 2m (120.000000 seconds) is high, consider keeping it under 60 seconds. possibly caused by unquoted duration; use '1m' instead of 1m, for example`}},
		{"authorization type", "authorization: 1\n",
			[]string{`F:1:0: interface conversion: interface {} is int64, not map[string]interface {}`}},
		{"single user and accounts", "authorization { user: a, password: b }\naccounts { A: { users: [{user: x}] } }\n",
			[]string{`F:2:17: Can not have a single user/pass and accounts`}},
		{"duplicate user", "authorization { users: [{user: a}] }\naccounts { A: { users: [{user: a}] } }\n",
			[]string{`F:2:17: Duplicate user "a" detected`}},
		{"duplicate in block", "authorization {\n users: [{user: a}, {user: a}]\n}\n",
			[]string{`F:1:0: Duplicate user "a" detected`}},
		{"duplicate nkey", "accounts {\n A: { users: [{nkey: " + nkeyU + "}] }\n B: { users: [{nkey: " + nkeyU + "}] }\n}\n",
			[]string{`F:3:7: Duplicate nkey "` + nkeyU + `" detected`}},
		{"connection types", "authorization { users: [{user: a, foo: 1, clients: [BOGUS]}] }\n", []string{
			`F:1:34: unknown field "foo"`, `F:1:42: invalid connection types ["BOGUS"]`}},
		{"connection types type", "authorization { users: [{user: a, allowed_connection_types: 1}] }\n",
			[]string{`F:1:34: error parsing allowed connection types: unsupported type int64`}},
		{"permissions type", "authorization { default_permissions: 1 }\n",
			[]string{`F:1:16: Expected permissions to be a map/struct, got 1`}},
		{"allow deny key", "port: 15120\nauthorization { users: [{user: a, password: b, permissions: {publish: {allow: \"x\", maybe: \"y\"}}}] }\n",
			[]string{`F:2:84: Unknown field name "maybe" parsing subject permissions, only 'allow' or 'deny' are permitted`}},
		{"permissions key", "authorization { users: [{user: a, permissions: {pub: \"foo\", xx: 1}}] }\n",
			[]string{`F:1:60: Unknown field "xx" parsing permissions`}},
		{"bad subject", "authorization { users: [{user: a, permissions: {publish: \"foo..bar\"}}] }\n",
			[]string{`subject "foo..bar" is not a valid subject`}},
		{"bad subject in map", "authorization { users: [{user: a, permissions: {publish: {deny: \"a..b\"}}}] }\n",
			[]string{`F:1:58: subject "a..b" is not a valid subject`}},
		{"bad queue", "authorization { users: [{user: a, permissions: {subscribe: {allow: \"foo b..x\"}}}] }\n",
			[]string{`F:1:60: queue "b..x" is not a valid queue`}},
		{"three fields", "authorization { users: [{user: a, permissions: {subscribe: [\"foo bar baz\"]}}] }\n",
			[]string{`subject "foo bar baz" is not a valid subject`}},
		{"subject type", "authorization { users: [{user: a, permissions: {subscribe: [1 ]}}] }\n",
			[]string{`F:1:60: Subject in permissions array cannot be cast to string`}},
		{"permission value type", "authorization { users: [{user: a, permissions: {publish: true}}] }\n",
			[]string{`Expected subject permissions to be a subject, or array of subjects, got bool`}},
		{"allow and deny errors", "authorization { users: [{user: a, permissions: {publish: {allow: 1 , deny: [2 ]}}}] }\n", []string{
			`F:1:58: Expected subject permissions to be a subject, or array of subjects, got int64`,
			`F:1:76: Subject in permissions array cannot be cast to string`}},
		{"responses type", "authorization { users: [{user: a, permissions: {allow_responses: 1}}] }\n",
			[]string{`F:1:48: error parsing response permissions, expected a boolean or a map`}},
		{"responses expires int", "authorization { users: [{user: a, permissions: {allow_responses: {max: 5, expires: 60}}}] }\n",
			[]string{`F:1:74: error parsing expires, not a duration string`}},
		{"responses collect", "authorization { users: [{user: a, permissions: {allow_responses: {foo: 1, expires: \"x\"}}}] }\n", []string{
			`F:1:66: Unknown field "foo" parsing permissions`, `F:1:74: error parsing expires: time: invalid duration "x"`}},
		{"reserved account", "accounts { \"$G\": {} }\n", []string{`F:1:12: "$G" is a Reserved Account`}},
		{"duplicate account", "accounts: [A, B, A]\n", []string{`F:1:17: Duplicate Account Entry: A`}},
		{"account not map", "accounts { A: 1 }\n", []string{`F:1:11: Expected map entries for accounts`}},
		{"account keys", "accounts { A: { nkey: foo, bogus: 1 } }\n", []string{
			`F:1:16: Not a valid public nkey for an account: "foo"`, `F:1:27: unknown field "bogus"`}},
		{"limits", "accounts { A: { limits: { max_conn: 1, max_subs: 2, max_payload: 3, max_leafs: 4, foo: 5 } } }\n",
			[]string{`F:1:82: Unknown field "foo" parsing account limits`}},
		{"exports imports type", "accounts { A: { exports: 1, imports: 2 } }\n", []string{
			`F:1:16: Exports should be an array, got int64`, `F:1:28: Imports should be an array, got int64`}},
		{"stream and service", "accounts { A: { exports: [{stream: \"a\", service: \"b\"}] } }\n",
			[]string{`F:1:40: Detected service "b" but already saw a stream`}},
		{"response type", "accounts { A: { exports: [{service: \"b\", response_type: bogus}, {stream: x, response_type: stream}] } }\n", []string{
			`F:1:41: Unknown response type: "bogus"`, `F:1:76: Detected response directive on non-service`}},
		{"export items", "accounts { A: { exports: [1 , {foo: 1}, {}, {stream: 1}, {service: a, threshold: x}, {service: b, accounts: x}] } }\n", []string{
			`F:1:26: Export Items should be a map with type entry, got int64`, `F:1:31: unknown field "foo"`,
			`F:1:45: Expected stream name to be string, got int64`,
			`F:1:70: Expected response threshold to be a parseable time duration, got "x"`,
			`F:1:98: interface conversion: interface {} is string, not []interface {}`}},
		{"import items", "accounts { A: { imports: [1 , {foo: 1}, {}, {stream: 1}, {stream: {account: A, subject: x, foo: 1}}, {service: {account: A, subject: y}, share: 1, prefix: p}] } }\n", []string{
			`F:1:26: Import Items should be a map with type entry, got int64`, `F:1:31: unknown field "foo"`,
			`F:1:45: Stream entry should be an account map, got int64`, `F:1:91: unknown field "foo"`,
			`F:1:137: interface conversion: interface {} is int64, not bool`}},
		{"undefined import account", "port: 15118\naccounts { A: { imports: [{stream: {account: X, subject: foo}}] } }\n",
			[]string{`F:2:1: "X" account not defined for stream import`}},
		{"undefined accounts", "accounts { A: { imports: [{service: {account: Y, subject: foo}}], exports: [{stream: a, accounts: [Z]}] } }\n", []string{
			`F:1:0: "Y" account not defined for service import`, `F:1:0: "Z" account not defined for stream export`}},
		{"prefix and to", "accounts { A: { exports: [{stream: \"a.>\"}] }, B: { imports: [{stream: {account: A, subject: \"a.>\"}, prefix: p, to: x}] } }\n",
			[]string{`F:1:111: Stream import can not have a 'prefix' and a 'to' property`}},
		{"not authorized", "accounts { A: { exports: [{stream: \"a.>\"}, {service: s, accounts: [C]}] }, B: { imports: [{stream: {account: A, subject: \"b\"}}, {service: {account: A, subject: \"s\"}}] }, C: {} }\n", []string{
			`F:1:0: Error adding service import "s": service import not authorized`,
			`F:1:0: Error adding stream import "b": stream import not authorized`}},
		{"import without subject", "accounts { A: { imports: [{stream: {subject: foo}}] } }\n",
			[]string{`F:1:27: Expect an account name and a subject`}},
		{"duplicate service import", "accounts { A: { exports: [{service: \"a\"}] }, B: { imports: [{service: {account: A, subject: \"a\"}, to: x}, {service: {account: A, subject: \"a\"}, to: x}] } }\n",
			[]string{`F:1:144: Duplicate service import subject "x", previously used in import for account "A", subject "a"`}},
		{"tls unknown", "tls { cert_file: a, foo: 1 }\n", []string{`F:1:20: error parsing tls config, unknown field "foo"`}},
		{"tls no key", "tls { cert_file: \"nonexist.pem\" }\n", []string{`F:1:0: missing 'key_file' in TLS configuration`}},
		{"tls no cert", "tls { key_file: \"k.pem\" }\n", []string{`F:1:0: missing 'cert_file' in TLS configuration`}},
		{"tls missing files", "tls { cert_file: \"nonexist.pem\", key_file: \"nonexist.pem\" }\n",
			[]string{`F:1:0: error parsing X509 certificate/key pair: open nonexist.pem: no such file or directory`}},
		{"tls types", "tls { cert_file: 1 }\n", []string{`F:1:6: error parsing tls config, expected 'cert_file' to be filename`}},
		{"tls verify type", "tls { verify: \"x\" }\n", []string{`F:1:6: error parsing tls config, expected 'verify' to be a boolean`}},
		{"tls timeout type", "tls {\n  timeout: true\n}\n", []string{`F:2:3: error parsing tls config, 'timeout' wrong type`}},
		{"handshake first", "tls { handshake_first: \"x\" }\n", []string{`F:1:6: field "handshake_first"'s value "x" is invalid`}},
		{"handshake first type", "tls { handshake_first: 1 }\n",
			[]string{`F:1:6: field "handshake_first" should be a boolean or a string, got int64`}},
		{"known urls", "tls { verify_cert_and_check_known_urls: true }\n",
			[]string{`F:1:6: verify_cert_and_check_known_urls not supported in this context`}},
		{"tls type", "tls: 1\n", []string{`F:1:0: interface conversion: interface {} is int64, not map[string]interface {}`}},
		{"not supported", "port: 1\ncluster {\n  port: 6222\n}\njetstream: enabled\n", []string{
			`F:2:1: "cluster" is not supported yet`, `F:5:1: "jetstream" is not supported yet`}},
		{"not supported in account", "accounts { A: { mappings: {a: b} } }\n", []string{`F:1:16: "mappings" is not supported yet`}},
		{"empty", "", []string{`F: config has no values or is empty`}},
		{"only comments", "# nothing\n", []string{`F: config has no values or is empty`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConf(t, "c.conf", map[string]string{"c.conf": tc.conf})
			_, err := ProcessConfigFile(path)
			if err == nil {
				t.Fatalf("no error for %q", tc.conf)
			}
			want := slices.Sorted(slices.Values(tc.want))
			if got := problemLines(t, err, path); !slices.Equal(got, want) {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestConfigAwaitingRuntime: valid values of keys the server cannot honour
// yet are refused; invalid ones get their own error only.
func TestConfigAwaitingRuntime(t *testing.T) {
	conf := "port: 1\nhttp_port: 8222\nmonitor_port: 1\nhttp: 8222\nhttps: 8443\nhttps_port: 1\nhttp_base_path: /x\n" +
		"client_advertise: \"h:1\"\nwrite_timeout: close\nlog_size_limit: 1MB\nlogfile_size_limit: 1\nlog_max_num: 1\n" +
		"logfile_max_num: 1\ntls {}\nlisten: nohostport\n"
	path := writeConf(t, "c.conf", map[string]string{"c.conf": conf})
	_, err := ProcessConfigFile(path)
	want := []string{}
	for i, k := range []string{"http_port", "monitor_port", "http", "https", "https_port", "http_base_path", "client_advertise",
		"write_timeout", "log_size_limit", "logfile_size_limit", "log_max_num", "logfile_max_num"} {
		switch k {
		case "http_port", "monitor_port", "http", "http_base_path": // the monitoring listener exists
			continue
		}
		want = append(want, fmt.Sprintf("F:%d:1: %q is not supported yet", i+2, k))
	}
	want = append(want, `F:15:1: could not parse address string "nohostport"`)
	slices.Sort(want)
	if got := problemLines(t, err, path); !slices.Equal(got, want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestConfigIncludedFileErrors(t *testing.T) {
	path := writeConf(t, "main.conf", map[string]string{
		"main.conf":    "include ./sub/unk.conf\n",
		"sub/unk.conf": "debug: true\ntrace: true\nzzz: 1\n",
	})
	_, err := ProcessConfigFile(path)
	inc := filepath.Join(filepath.Dir(path), "sub", "unk.conf")
	want := []string{inc + `:3:1: unknown field "zzz"`}
	var ce *ConfigErrors
	if !errors.As(err, &ce) || len(ce.Errors) != 1 || ce.Errors[0].Error() != want[0] {
		t.Fatalf("got %v, want %v", err, want)
	}
}

func TestConfigParseErrorsPassThrough(t *testing.T) {
	tests := []struct{ conf, want string }{
		{"port: 15010 debug: true\n", `Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'd' instead.'`},
		{"port: 15110\nauthorization {\n  users: [\n    {user: a, password: b\n  ]\n}\n", `Parse error on line 5: 'Unexpected array end ']' processing map.'`},
		{"port: $UNDEFINED_VAR_XYZ\n", `variable reference for 'UNDEFINED_VAR_XYZ' on line 1 can not be found`},
	}
	for _, tc := range tests {
		path := writeConf(t, "c.conf", map[string]string{"c.conf": tc.conf})
		_, err := ProcessConfigFile(path)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %q", tc.conf, err, tc.want)
		}
		var ce *ConfigErrors
		if errors.As(err, &ce) {
			t.Errorf("%q: parse error returned as *ConfigErrors", tc.conf)
		}
	}
	if _, err := ProcessConfigFile(filepath.Join(t.TempDir(), "nothere.conf")); err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

// TestConfigWarningsOnly: a file with only warnings yields the options and
// a *ConfigErrors without errors.
func TestConfigWarningsOnly(t *testing.T) {
	path := writeConf(t, "c.conf", map[string]string{"c.conf": "port: 15111\nping_interval: 60\nwrite_deadline: 5\n"})
	o, err := ProcessConfigFile(path)
	var ce *ConfigErrors
	if !errors.As(err, &ce) || ce.HasErrors() || len(ce.Warnings) != 2 {
		t.Fatalf("err = %v", err)
	}
	if o == nil || o.PingInterval != 60*time.Second || o.WriteDeadline != 5*time.Second || o.Port != 15111 {
		t.Fatalf("options = %+v", o)
	}
}

func TestConfigValid(t *testing.T) {
	const nkeyU = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"
	t.Setenv("NATSYS_TEST_DEBUG_FLAG", "true")
	tests := []struct {
		name  string
		files map[string]string // "c.conf" is the main file
		check func(t *testing.T, o *Options)
	}{
		{"minimal", map[string]string{"c.conf": "# minimal server\nlisten: 127.0.0.1:15101\nserver_name: ex01\n"},
			func(t *testing.T, o *Options) {
				expect(t, "host", o.Host, "127.0.0.1")
				expect(t, "port", o.Port, 15101)
				expect(t, "name", o.ServerName, "ex01")
				expect(t, "digest", o.ConfigDigest, "sha256:1c10d3473f3b9f2713619ef66730b93cf07aa62ea67db18d8d3a455f3637cf48")
				expect(t, "logtime", o.Logtime, true)
			}},
		{"separators sizes durations", map[string]string{"c.conf": "port = 15102\nhost = \"127.0.0.1\"\nmax_payload = 2MB\nmax_pending = 64MB\nping_interval = \"30s\"\nping_max = 3\nwrite_deadline: 5s\n"},
			func(t *testing.T, o *Options) {
				expect(t, "max_payload", o.MaxPayload, int32(2097152))
				expect(t, "max_pending", o.MaxPending, int64(67108864))
				expect(t, "ping", o.PingInterval, 30*time.Second)
				expect(t, "ping_max", o.MaxPingsOut, 3)
				expect(t, "write_deadline", o.WriteDeadline, 5*time.Second)
			}},
		{"variables", map[string]string{"c.conf": "PORT_NUM = 15103\nport: $PORT_NUM\ndebug: $NATSYS_TEST_DEBUG_FLAG\n"},
			func(t *testing.T, o *Options) {
				expect(t, "port", o.Port, 15103)
				expect(t, "debug", o.Debug, true)
			}},
		{"include bcrypt", map[string]string{
			"c.conf":        "port: 15104\ninclude ./inc/auth.conf\n",
			"inc/auth.conf": "authorization {\n  user: admin\n  password: $2a$11$A0W.5hg.hZ6hvUKtB..jk.Na.eLwnQkmTjvzH1SMDLXAGnz9dnUA.\n}\n"},
			func(t *testing.T, o *Options) {
				expect(t, "user", o.Username, "admin")
				expect(t, "password", o.Password, "$2a$11$A0W.5hg.hZ6hvUKtB..jk.Na.eLwnQkmTjvzH1SMDLXAGnz9dnUA.")
			}},
		{"users and default permissions", map[string]string{"c.conf": `port: 15105
authorization {
  users: [
    {user: alice, password: pw, permissions: {publish: "orders.>", subscribe: ["replies.>"]}}
    {user: bob,   password: pw}
  ]
  default_permissions: { publish: { deny: "admin.>" } }
}
`}, func(t *testing.T, o *Options) {
			if len(o.Users) != 2 {
				t.Fatalf("users = %+v", o.Users)
			}
			alice, bob := o.Users[0], o.Users[1]
			expect(t, "alice pub", alice.Permissions.Publish, &SubjectPermission{Allow: []string{"orders.>"}})
			expect(t, "alice sub", alice.Permissions.Subscribe, &SubjectPermission{Allow: []string{"replies.>"}})
			expect(t, "bob perms", bob.Permissions, &Permissions{Publish: &SubjectPermission{Deny: []string{"admin.>"}}})
			expect(t, "account", alice.Account, "")
		}},
		{"accounts", map[string]string{"c.conf": `port: 15106
accounts {
  A: { users: [{user: a, password: a}, {nkey: ` + nkeyU + `}], exports: [{stream: "ev.>"}, {service: "svc.echo", response_type: stream, threshold: "1s", accounts: [B]}] }
  B: { users: [{user: b, password: b}], imports: [{stream: {account: A, subject: "ev.>"}, prefix: "a"}, {service: {account: A, subject: "svc.echo"}, to: "echo", share: true}],
       limits: {max_conn: 10, max_subs: 100, max_payload: 64KB, max_leafnodes: 0}, default_permissions: {subscribe: {deny: "x"}} }
}
no_auth_user: b
system_account: A
`}, func(t *testing.T, o *Options) {
			if len(o.Accounts) != 2 {
				t.Fatalf("accounts = %+v", o.Accounts)
			}
			a, b := o.Accounts[0], o.Accounts[1]
			expect(t, "A exports", a.Exports, []*ExportConfig{{Stream: "ev.>"},
				{Service: "svc.echo", ResponseType: "Stream", Threshold: time.Second, Accounts: []string{"B"}}})
			expect(t, "B imports", b.Imports, []*ImportConfig{{Account: "A", Stream: "ev.>", Prefix: "a"},
				{Account: "A", Service: "svc.echo", To: "echo", Share: true}})
			expect(t, "B limits", []int{b.MaxConnections, b.MaxSubscriptions, b.MaxPayload}, []int{10, 100, 65536})
			expect(t, "users", []string{o.Users[0].Username + "/" + o.Users[0].Account, o.Users[1].Username + "/" + o.Users[1].Account},
				[]string{"a/A", "b/B"})
			expect(t, "b perms", o.Users[1].Permissions, &Permissions{Subscribe: &SubjectPermission{Deny: []string{"x"}}})
			expect(t, "nkeys", len(o.Nkeys), 1)
			expect(t, "nkey account", o.Nkeys[0].Account, "A")
			expect(t, "no_auth_user", o.NoAuthUser, "b")
			expect(t, "system", o.SystemAccount, "A")
		}},
		{"accounts array", map[string]string{"c.conf": "accounts: [A, B]\n"}, func(t *testing.T, o *Options) {
			expect(t, "accounts", []string{o.Accounts[0].Name, o.Accounts[1].Name}, []string{"A", "B"})
		}},
		{"json syntax", map[string]string{"c.conf": "{\n  \"port\": 15122,\n  \"debug\": true,\n  \"authorization\": { \"token\": \"s3cr3t\" }\n}\n"},
			func(t *testing.T, o *Options) {
				expect(t, "token", o.Authorization, "s3cr3t")
				expect(t, "debug", o.Debug, true)
			}},
		{"case insensitive", map[string]string{"c.conf": "PORT: 15010\nDebug: true\nauthorization { USER: a, Password: b }\nNo_Auth_User: a\n"},
			func(t *testing.T, o *Options) {
				expect(t, "port", o.Port, 15010)
				expect(t, "user", o.Username, "a")
				expect(t, "password", o.Password, "b")
			}},
		{"aliases and misc", map[string]string{"c.conf": `net: 127.0.0.2
max_conn: 0
max_subs: 5
monitor_port: 8222
https: "0.0.0.0:8443"
http_base_path: "/mon"
logfile: "/tmp/x.log"
log_size_limit: 1MB
log_max_num: 3
pidfile: p.pid
ports_file_dir: /tmp
trace_verbose: true
logtime: off
logtime_utc: yes
max_traced_msg_len: 10
no_header_support: true
no_sublist_cache: true
write_timeout: retry
max_closed_clients: 5
max_subscription_tokens: 8
lame_duck_duration: "1m"
lame_duck_grace_period: "5s"
no_sys_acc: true
client_advertise: "x:4222"
`}, func(t *testing.T, o *Options) {
			expect(t, "host", o.Host, "127.0.0.2")
			expect(t, "max_conn 0 means none", o.MaxConn, -1)
			expect(t, "max_subs", o.MaxSubs, 5)
			expect(t, "http port", o.HTTPPort, 8222)
			expect(t, "https", []any{o.HTTPHost, o.HTTPSPort}, []any{"0.0.0.0", 8443})
			expect(t, "base path", o.HTTPBasePath, "/mon")
			expect(t, "log", []any{o.LogFile, o.LogSizeLimit, o.LogMaxFiles}, []any{"/tmp/x.log", int64(1048576), int64(3)})
			expect(t, "files", []string{o.PidFile, o.PortsFileDir}, []string{"p.pid", "/tmp"})
			expect(t, "trace", []bool{o.Trace, o.TraceVerbose, o.Logtime, o.LogtimeUTC}, []bool{true, true, false, true})
			expect(t, "misc", []any{o.MaxTracedMsgLen, o.NoHeaderSupport, o.NoSublistCache, o.WriteTimeout, o.MaxClosedClients, o.MaxSubTokens},
				[]any{10, true, true, "retry", 5, uint8(8)})
			expect(t, "lame duck", []time.Duration{o.LameDuckDuration, o.LameDuckGracePeriod}, []time.Duration{time.Minute, 5 * time.Second})
			expect(t, "no system", o.NoSystemAccount, true)
			expect(t, "advertise", o.ClientAdvertise, "x:4222")
		}},
		{"permission forms", map[string]string{"c.conf": `authorization {
  users: [
    {user: a, permissions: {pub: {allow: ["a.>", "b"], deny: "a.x"}, sub: "q.* workers", allow_responses: true}}
    {user: b, permissions: {allow_responses: {max: 5, expires: "1m"}}, clients: [standard, "websocket"]}
    {user: c, permissions: {publish: {}, allow_responses: {ttl: "-1s", max_responses: -1}}}
  ]
  timeout: 1.5
}
`}, func(t *testing.T, o *Options) {
			a, b, c := o.Users[0].Permissions, o.Users[1].Permissions, o.Users[2].Permissions
			expect(t, "a pub", a.Publish, &SubjectPermission{Allow: []string{"a.>", "b"}, Deny: []string{"a.x"}})
			expect(t, "a sub", a.Subscribe, &SubjectPermission{Allow: []string{"q.* workers"}})
			expect(t, "a resp", a.Response, &ResponsePermission{MaxMsgs: 1, Expires: 2 * time.Minute})
			expect(t, "b resp", b.Response, &ResponsePermission{MaxMsgs: 5, Expires: time.Minute})
			expect(t, "b conns", o.Users[1].AllowedConnectionTypes, map[string]struct{}{"STANDARD": {}, "WEBSOCKET": {}})
			expect(t, "c pub", c.Publish, &SubjectPermission{})
			expect(t, "c resp", c.Response, &ResponsePermission{MaxMsgs: -1, Expires: -time.Second})
			expect(t, "timeout", o.AuthTimeout, 1.5)
		}},
		{"max_payload above max_pending passes parsing", map[string]string{"c.conf": "max_payload: 2MB\nmax_pending: 1MB\nno_auth_user: ghost\n"},
			func(t *testing.T, o *Options) {
				expect(t, "max_payload", o.MaxPayload, int32(2097152))
			}},
		{"empty tls block", map[string]string{"c.conf": "tls {}\n"}, func(t *testing.T, o *Options) {
			expect(t, "tls", o.TLS, true)
			expect(t, "config", o.TLSConfig == nil, true)
		}},
		{"tls settings", map[string]string{"c.conf": "tls { timeout: \"3s\", handshake_first: auto, verify: true }\n"}, func(t *testing.T, o *Options) {
			expect(t, "timeout", o.TLSTimeout, 3.0)
			expect(t, "handshake", []any{o.TLSHandshakeFirst, o.TLSHandshakeFirstFallback}, []any{true, 50 * time.Millisecond})
			expect(t, "verify", o.TLSVerify, true)
		}},
		{"same digest for separators", map[string]string{"c.conf": "port 15010\n"}, func(t *testing.T, o *Options) {
			expect(t, "digest", o.ConfigDigest, "sha256:20af8a39f5eaeea774762b2f436da717a8654acd0b645b4fb5b2338510bffa59")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConf(t, "c.conf", tc.files)
			o, err := processConfigFile(path, false)
			if err != nil {
				t.Fatalf("ProcessConfigFile: %v", err)
			}
			expect(t, "config file", o.ConfigFile, path)
			tc.check(t, o)
		})
	}
}

func expect[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// TestConfigTLSFiles loads a real certificate and key.
func TestConfigTLSFiles(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeTestCert(t, dir)
	path := writeConf(t, "c.conf", map[string]string{"c.conf": "tls {\n  cert_file: \"" + cert + "\"\n  key_file: \"" + key +
		"\"\n  ca_file: \"" + cert + "\"\n  verify_and_map: true\n}\n"})
	o, err := processConfigFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if o.TLSConfig == nil || len(o.TLSConfig.Certificates) != 1 || o.TLSConfig.ClientCAs == nil || !o.TLSMap || !o.TLSVerify {
		t.Fatalf("tls config %+v", o.TLSConfig)
	}
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("not a pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	path = writeConf(t, "c.conf", map[string]string{"c.conf": "tls {\n  cert_file: \"" + cert + "\"\n  key_file: \"" + key +
		"\"\n  ca_file: \"" + bad + "\"\n}\n"})
	_, err = processConfigFile(path, false)
	if got := problemLines(t, err, path); !slices.Equal(got, []string{"F:1:0: failed to parse root ca certificate"}) {
		t.Fatalf("got %v", got)
	}
}

// refServer returns the reference nats-server binary, skipping the test
// (with the reason logged) when it is missing.
func refServer(t *testing.T) string {
	t.Helper()
	p := os.Getenv("NATSYS_REF_SERVER")
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".cache/natsys/ref/nats-server")
	}
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		t.Skipf("reference nats-server not found at %q (set NATSYS_REF_SERVER or run make ref)", p)
	}
	return p
}

// TestConfigCheckMatchesReference runs -t on the reference and natsys's
// Main for the same files and compares stderr as sets of lines and the exit
// codes. The reference reports problems in map order, hence sets.
func TestConfigCheckMatchesReference(t *testing.T) {
	ref := refServer(t)
	files := []string{
		"port: 15010\n",
		"port: 15010\nfoo: 1\nbar: 2\nmax_payload: 3GB\n",
		"port: 15111\nping_interval: 60\n",
		"authorization {\n  user: a\n  password: b\n  token: c\n}\n",
		"authorization { users: [{user: a, password: b, permissions: {publish: {allow: \"x\", maybe: \"y\"}}}] }\n",
		"accounts { A: { imports: [{stream: {account: X, subject: foo}}] } }\n",
		"lame_duck_duration: \"10s\"\nlisten: localhost\nport: \"4222\"\n",
		"port: 15010 debug: true\n",
		"port⏎",
		"",
		"A = 1\nB = 2\nport: $B\n",
		"authorization { users: [{user: a, permissions: {publish: \"foo..bar\"}}] }\n",
		"max_payload: 2MB\nmax_pending: 1MB\n",
		"{\n  \"port\": 15122,\n  \"debug\": true,\n  \"authorization\": { \"token\": \"s3cr3t\" }\n}\n",
	}
	for i, content := range files {
		content = strings.ReplaceAll(content, "⏎", "\n")
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "t.conf"), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(ref, "-t", "-c", "t.conf")
		cmd.Dir = dir
		var refErr strings.Builder
		cmd.Stderr = &refErr
		refCode := 0
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("run reference: %v", err)
			}
			refCode = ee.ExitCode()
		}
		t.Chdir(dir)
		var ourOut, ourErr strings.Builder
		ourCode := Main([]string{"nats-server", "-t", "-c", "t.conf"}, &ourOut, &ourErr)
		if ourCode != refCode || !sameLines(ourErr.String(), refErr.String()) {
			t.Errorf("file %d %q:\nreference (exit %d):\n%s\nnatsys (exit %d):\n%s", i, content, refCode, refErr.String(), ourCode, ourErr.String())
		}
	}
}

// sameLines compares two outputs as multisets of lines, ignoring the
// "nats-server: " prefix of the first line.
func sameLines(a, b string) bool {
	norm := func(s string) []string {
		lines := strings.Split(strings.TrimPrefix(s, "nats-server: "), "\n")
		slices.Sort(lines)
		return lines
	}
	return slices.Equal(norm(a), norm(b))
}

// writeTestCert writes a self-signed certificate and its key (PEM) into dir.
func writeTestCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// FuzzConfigFile feeds arbitrary files to the option layer: it must never
// panic, and a file it accepts must report a digest. Seeds are in
// testdata/fuzz/FuzzConfigFile.
func FuzzConfigFile(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "f.conf")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		o, err := processConfigFile(path, false)
		if err == nil && (o == nil || !strings.HasPrefix(o.ConfigDigest, "sha256:")) {
			t.Fatalf("accepted without options or digest: %+v", o)
		}
		var ce *ConfigErrors
		if errors.As(err, &ce) && !ce.HasErrors() && o == nil {
			t.Fatal("warnings only but no options")
		}
	})
}
