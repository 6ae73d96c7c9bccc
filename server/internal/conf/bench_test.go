package conf

import (
	"strings"
	"testing"
)

// typicalConfig is a 50-line configuration of the kind operators write.
const typicalConfig = `# natsys server
server_name: "edge-1"
listen: 0.0.0.0:4222
http: 8222
max_payload: 2MB
max_pending: 64MB
max_connections: 10000
ping_interval: "2m"
ping_max: 3
write_deadline: "10s"
debug: false
trace: false
logtime: true
log_file: "/var/log/nats/nats.log"
pid_file: "/var/run/nats.pid"
lame_duck_duration: "2m"
max_control_line: 4KB
connect_error_reports: 3

ADMIN_PASS = "$2a$11$W2zkXbnGQ4nX6m5HqAkb4.e5sLyWcYbCVDtZyYhlbNwR2B5zE/2u"

tls {
  cert_file: "/etc/nats/server.pem"
  key_file: "/etc/nats/server-key.pem"
  ca_file: "/etc/nats/ca.pem"
  verify: true
  timeout: 2
}

accounts {
  APP: {
    users: [
      {user: app, password: $ADMIN_PASS, permissions: {publish: ["app.>"], subscribe: ["app.>", "_INBOX.>"]}}
      {user: monitor, password: "s3cret"}
    ]
    exports: [
      {stream: "app.events.>"}
      {service: "app.api.>", response_type: stream}
    ]
  }
  SYS: {
    users: [ {user: admin, password: $ADMIN_PASS} ]
  }
}
system_account: SYS
no_auth_user: monitor

authorization {
  timeout: 1.5
}
`

func BenchmarkParse(b *testing.B) {
	if n := strings.Count(typicalConfig, "\n"); n != 50 {
		b.Fatalf("config has %d lines, want 50", n)
	}
	p := Parser{LookupEnv: noEnv}
	b.SetBytes(int64(len(typicalConfig)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(typicalConfig, "nats.conf"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDigest(b *testing.B) {
	m, err := (&Parser{LookupEnv: noEnv}).Parse(typicalConfig, "nats.conf")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Digest(); err != nil {
			b.Fatal(err)
		}
	}
}
