#!/usr/bin/env bash
# Soak test (docs/reliability.md): runs bin/nats-server on 127.0.0.1 (random
# port, max_pending 8 MiB, a system account user) and drives it for DURATION
# with server/cmd/natsys-soak: ordered pub/sub, a queue group, request/reply,
# connection churn, $SYS.REQ polling and slow consumers. natsys-soak checks
# delivery (numbered sequences), the server's fd count and RSS drift; this
# script then counts the server's goroutines from a SIGQUIT dump (no client
# connected) and greps its log for panics and data races.
#
#   scripts/soak.sh [DURATION]      (default 2m; make soak SOAKTIME=10m)
#
# Then it runs the long variants of the reliability tests (NATSYS_LONG=1 go
# test -run TestReliability ./server: 20,000 idle connections, a 10,000
# connection flood, 1 GiB to a slow consumer, 1,000,000-message isolation and
# permission matrices); SOAK_LONG_TESTS=0 skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-2m}
max_goroutines=${SOAK_MAX_GOROUTINES:-100}
bin=${NATSYS_SERVER_BIN:-$PWD/bin/nats-server}
[ -x "$bin" ] || { echo "soak: $bin not built (make build)" >&2; exit 2; }

work=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

(cd server && go build -o "$work/natsys-soak" ./cmd/natsys-soak)

syspass=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat >"$work/soak.conf" <<EOF
max_pending: 8MB
write_deadline: "2s"
accounts {
  \$SYS { users = [{user: sys, password: "$syspass"}] }
}
EOF

# Job control on while starting it: a background job of a non-interactive
# shell otherwise starts with SIGQUIT ignored, and the dump below needs it.
set -m
GOTRACEBACK=all "$bin" -c "$work/soak.conf" -a 127.0.0.1 -p -1 2>"$work/server.log" &
pid=$!
set +m
for _ in $(seq 100); do
	grep -q "Server is ready" "$work/server.log" && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; echo "soak: server exited" >&2; exit 1; }
	sleep 0.1
done
addr=$(sed -n 's/.*Listening for client connections on \([0-9.]*:[0-9]*\).*/\1/p' "$work/server.log" | head -1)
[ -n "$addr" ] || { cat "$work/server.log"; echo "soak: no listen address" >&2; exit 1; }
echo "soak: server pid $pid on $addr, duration $dur"

status=0
"$work/natsys-soak" -url "nats://$addr" -pid "$pid" -duration "$dur" -sys-user sys -sys-pass "$syspass" || status=1

# Goroutines with no client connected: a leak of per-connection goroutines
# over the churn would show here. SIGQUIT makes the Go runtime dump every
# goroutine and exit.
sleep 1
kill -QUIT "$pid"
wait "$pid" 2>/dev/null || true
pid=""
goroutines=$(grep -cE '^goroutine [0-9]+ ' "$work/server.log" || true)
echo "soak: server goroutines with no client connected: $goroutines (limit $max_goroutines)"
if [ "$goroutines" -eq 0 ] || [ "$goroutines" -gt "$max_goroutines" ]; then
	echo "soak: check FAIL goroutine count"
	status=1
fi
if grep -qE '^panic:|DATA RACE|fatal error:' "$work/server.log"; then
	grep -nE -m5 '^panic:|DATA RACE|fatal error:' "$work/server.log"
	echo "soak: check FAIL server log has a panic or race"
	status=1
fi

if [ "${SOAK_LONG_TESTS:-1}" = 1 ]; then
	echo "soak: long reliability tests (NATSYS_LONG=1)"
	(cd server && NATSYS_LONG=1 go test -count=1 -timeout 30m -run 'TestReliability' -v . 2>&1 |
		grep -E '^(--- |ok|FAIL|PASS)|reliability_.*\.go:[0-9]+:') || status=1
fi

if [ $status -eq 0 ]; then echo "soak: PASS"; else echo "soak: FAIL"; fi
exit $status
