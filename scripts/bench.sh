#!/usr/bin/env bash
# Side-by-side benchmark: our bin/nats-server against the reference nats-server
# v2.15.2, in alternating rounds on this machine (ours, reference, ours, ...;
# a fresh server per round). Throughput of plain pub/sub is driven by natscli
# v0.5.0 `nats bench`; everything natscli cannot measure by our load driver
# server/cmd/natsys-bench (raw NATS protocol over TCP). Prints the table
# scenario / ours / reference / ratio / target / met? of the medians and
# writes bench/results.json. See docs/performance.md.
#
#   scripts/bench.sh [scenario...]        (make bench runs them all)
#
# Knobs (environment):
#   ROUNDS=3            rounds per scenario and server (median of these)
#   MSGS_SCALE=1        multiplies every message/operation count
#   IDLE_CONNS=5000     connections in idle-conns
#   CONNZ_CONNS=10000   connections in connz
#   SUBS=100000         subscriptions in subs-100k
#   BENCH_NOTE=...      free text stored in results.json (machine notes)
#   NATSYS_SERVER, NATSYS_REF_SERVER, NATSYS_REF_NATS   binaries to use
#
# Every server listens on 127.0.0.1 on a free port and is stopped before the
# next round starts; every driver run is bounded in count and in time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SCALE=${MSGS_SCALE:-1}
IDLE_CONNS=${IDLE_CONNS:-5000}
CONNZ_CONNS=${CONNZ_CONNS:-10000}
SUBS=${SUBS:-100000}
SLOW_MAX_PENDING_MB=16 # max_pending of the slow-consumer run
RUN_TIMEOUT=${RUN_TIMEOUT:-120} # seconds, one driver or natscli run
REF_DIR=$(./scripts/ref.sh)
REF_SERVER=${NATSYS_REF_SERVER:-$REF_DIR/nats-server}
NATS=${NATSYS_REF_NATS:-$REF_DIR/nats}
OURS=${NATSYS_SERVER:-$PWD/bin/nats-server}
[ -x "$OURS" ] || { echo "bench: $OURS not built (make build)" >&2; exit 1; }
[ -x "$REF_SERVER" ] || { echo "bench: reference $REF_SERVER missing (make ref)" >&2; exit 1; }
mkdir -p bench
work=$(mktemp -d)
srv_pid=""
cleanup() {
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null || true
		wait "$srv_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

DRIVER=$work/natsys-bench
(cd server && go build -o "$DRIVER" ./cmd/natsys-bench) || { echo "bench: cannot build natsys-bench" >&2; exit 1; }

# Open-file limit: the server and the driver each hold one descriptor per
# connection, plus some.
need=$(( (IDLE_CONNS > CONNZ_CONNS ? IDLE_CONNS : CONNZ_CONNS) + 512 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
	hard=$(ulimit -Hn)
	if [ "$hard" = unlimited ] || [ "$hard" -ge "$need" ]; then
		ulimit -n "$need"
	else
		ulimit -n "$hard"
	fi
fi
limit=$(ulimit -n)
if [ "$limit" != unlimited ] && [ "$limit" -lt "$need" ]; then
	cap=$((limit - 512))
	echo "bench: ulimit -n is $limit (hard limit); connection counts capped at $cap" >&2
	[ "$IDLE_CONNS" -gt "$cap" ] && IDLE_CONNS=$cap
	[ "$CONNZ_CONNS" -gt "$cap" ] && CONNZ_CONNS=$cap
fi

# Server configurations (flags -a/-p/-m are added on the command line).
printf 'max_pending: %dMB\nwrite_deadline: "2s"\n' "$SLOW_MAX_PENDING_MB" >"$work/slow.conf"
cat >"$work/sys.conf" <<'EOF'
accounts: {
  USERS: { users: [ {user: a, password: a} ] },
  SYS:   { users: [ {user: admin, password: changeit} ] },
}
system_account: SYS
EOF

# natscli scenarios: name -> "subs pub_clients size msgs"
declare -A NATSCLI=(
	[pub-only-16B]="0 1 16 4000000"
	[pubsub-1x1-16B]="1 1 16 2000000"
	[pubsub-1x1-1KB]="1 1 1024 500000"
	[fanout-1x4-16B]="4 1 16 800000"
)
# driver scenarios: name -> "server-setup driver-flags"
declare -A DRIVEN=(
	[pubsub-4x4]="plain"
	[queue-4]="plain"
	[reqrep]="plain"
	[subs-100k]="plain -count $SUBS"
	[idle-conns]="plain -count $IDLE_CONNS"
	[slow-consumer]="slow"
	[conn-churn]="sys -user a -pass a"
	[connz]="monitor -count $CONNZ_CONNS"
)
ORDER=(pub-only-16B pubsub-1x1-16B pubsub-1x1-1KB fanout-1x4-16B
	pubsub-4x4 reqrep queue-4 subs-100k idle-conns slow-consumer conn-churn connz)
[ $# -gt 0 ] && ORDER=("$@")
for name in "${ORDER[@]}"; do
	[ -n "${NATSCLI[$name]:-}" ] || [ -n "${DRIVEN[$name]:-}" ] ||
		{ echo "bench: unknown scenario $name (known: ${!NATSCLI[*]} ${!DRIVEN[*]})" >&2; exit 2; }
done

# free_port prints a port that nothing listens on, below the ephemeral range
# (so that the driver's own outgoing connections cannot take it).
read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range
free_port() {
	local p top=$(( eph_lo > 12000 ? eph_lo : 32768 ))
	while :; do
		p=$((10000 + RANDOM % (top - 10000)))
		(echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
	done
}

wait_port() { # port -> 0 once something accepts on it (5 s at most)
	for _ in $(seq 1 100); do
		(echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
		kill -0 "$srv_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# start_server binary setup -> sets srv_pid, port, mport; returns 1 (with the
# reason in $work/why) if the server does not come up.
start_server() {
	local args=(-a 127.0.0.1)
	port=$(free_port)
	mport=""
	args+=(-p "$port")
	case $2 in
	slow) args+=(-c "$work/slow.conf") ;;
	sys) args+=(-c "$work/sys.conf") ;;
	monitor) mport=$(free_port); while [ "$mport" = "$port" ]; do mport=$(free_port); done; args+=(-m "$mport") ;;
	esac
	"$1" "${args[@]}" >"$work/server.log" 2>&1 &
	srv_pid=$!
	if wait_port "$port" && { [ -z "$mport" ] || wait_port "$mport"; }; then
		return 0
	fi
	if grep -q "not supported" "$work/server.log"; then
		echo "monitoring not built" >"$work/why"
	else
		echo "server did not start: $(tail -1 "$work/server.log" | tr '\t' ' ')" >"$work/why"
	fi
	stop_server
	return 1
}

stop_server() {
	kill "$srv_pid" 2>/dev/null || true
	wait "$srv_pid" 2>/dev/null || true
	srv_pid=""
}

rate() { # extract the msgs/sec figure from a "stats:" line of nats bench output
	grep -E "$1" "$2" | tail -1 | sed -E 's/.*stats: ([0-9,]+) msgs\/sec.*/\1/' | tr -d , || true
}

run_natscli() { # name url -> prints msgs/s (nothing on failure)
	local subs pubs size msgs sub_pid url=$2
	read -r subs pubs size msgs <<<"${NATSCLI[$1]}"
	msgs=$(awk -v m="$msgs" -v s="$SCALE" 'BEGIN{ printf "%d", m*s }')
	if [ "$subs" = 0 ]; then
		timeout "$RUN_TIMEOUT" "$NATS" bench pub bench.subj -s "$url" --clients "$pubs" --msgs "$msgs" --size "$size" --no-progress >"$work/pub.out" 2>&1 || return 0
		rate 'publisher (aggregated )?stats' "$work/pub.out"
		return
	fi
	timeout "$RUN_TIMEOUT" "$NATS" bench sub bench.subj -s "$url" --clients "$subs" --msgs "$msgs" --no-progress >"$work/sub.out" 2>&1 &
	sub_pid=$!
	sleep 0.5
	timeout "$RUN_TIMEOUT" "$NATS" bench pub bench.subj -s "$url" --clients "$pubs" --msgs "$msgs" --size "$size" --no-progress >"$work/pub.out" 2>&1 || true
	wait "$sub_pid" || return 0
	if [ "$subs" -gt 1 ]; then
		rate 'subscriber aggregated stats' "$work/sub.out"
	else
		rate 'subscriber stats' "$work/sub.out"
	fi
}

record() { # scenario metric server round value [reason]
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:-}" >>"$work/raw.tsv"
}

run_round() { # name which(ours|ref) round
	local name=$1 which=$2 r=$3 bin=$OURS setup=plain flags=() flags_s="" v
	[ "$which" = ref ] && bin=$REF_SERVER
	if [ -n "${DRIVEN[$name]:-}" ]; then
		read -r setup flags_s <<<"${DRIVEN[$name]}" || true
		read -r -a flags <<<"${flags_s:-}" || true
	fi
	if ! start_server "$bin" "$setup"; then
		record "$name" '*' "$which" "$r" na "$(cat "$work/why")"
		return
	fi
	if [ -n "${NATSCLI[$name]:-}" ]; then
		v=$(run_natscli "$name" "nats://127.0.0.1:$port")
		if [ -n "$v" ]; then record "$name" msgs_per_sec "$which" "$r" "$v"; else record "$name" '*' "$which" "$r" na "nats bench failed"; fi
	else
		[ -n "$mport" ] && flags+=(-monitor "http://127.0.0.1:$mport")
		if timeout "$RUN_TIMEOUT" "$DRIVER" "$name" -s "127.0.0.1:$port" -pid "$srv_pid" -scale "$SCALE" \
			-timeout "$((RUN_TIMEOUT - 10))s" "${flags[@]}" >"$work/drv.out" 2>"$work/drv.err"; then
			while read -r metric value; do record "$name" "$metric" "$which" "$r" "$value"; done <"$work/drv.out"
		else
			# keep what was measured (e.g. how much was delivered), mark the round failed
			while read -r metric value; do [ "$metric" = delivered ] && record "$name" "$metric" "$which" "$r" "$value"; done <"$work/drv.out"
			record "$name" '*' "$which" "$r" na "$(tail -1 "$work/drv.err" | tr '\t' ' ' | cut -c1-120)"
		fi
	fi
	stop_server
}

: >"$work/raw.tsv"
started=$SECONDS
for name in "${ORDER[@]}"; do
	for r in $(seq 1 "$ROUNDS"); do
		for which in ours ref; do
			echo "bench: $name round $r/$ROUNDS $which ($((SECONDS - started))s)" >&2
			run_round "$name" "$which" "$r"
		done
	done
done
echo "bench: done in $((SECONDS - started))s" >&2
"$DRIVER" report -in "$work/raw.tsv" -json bench/results.json -rounds "$ROUNDS" \
	-max-pending-mb "$SLOW_MAX_PENDING_MB" -note "${BENCH_NOTE:-}" \
	-settings "rounds=$ROUNDS msgs_scale=$SCALE subs=$SUBS idle_conns=$IDLE_CONNS connz_conns=$CONNZ_CONNS slow_max_pending=${SLOW_MAX_PENDING_MB}MB"
echo "wrote bench/results.json"
