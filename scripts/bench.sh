#!/usr/bin/env bash
# Side-by-side benchmark: our bin/nats-server against the reference nats-server
# v2.15.2, driven by natscli v0.5.0 `nats bench`, in alternating rounds on this
# machine. Prints, per scenario, the median msgs/s of each server and the ratio
# ours/reference, and writes bench/results.json.
#
#   ROUNDS=3 MSGS_SCALE=1 scripts/bench.sh [scenario...]
#
# Every server listens on 127.0.0.1 on a free port and is stopped before the
# next round starts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SCALE=${MSGS_SCALE:-1}
REF_DIR=$(./scripts/ref.sh)
REF_SERVER=${NATSYS_REF_SERVER:-$REF_DIR/nats-server}
NATS=${NATSYS_REF_NATS:-$REF_DIR/nats}
OURS=${NATSYS_SERVER:-$PWD/bin/nats-server}
[ -x "$OURS" ] || { echo "bench: $OURS not built (make build)" >&2; exit 1; }
mkdir -p bench
work=$(mktemp -d)
srv_pid=""
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# scenario name -> "subs pub_clients size msgs"
declare -A SCEN=(
	[pub-only-16B]="0 1 16 2000000"
	[pubsub-1x1-16B]="1 1 16 1000000"
	[pubsub-1x1-1KB]="1 1 1024 300000"
	[fanout-1x4-16B]="4 1 16 400000"
)
ORDER=(pub-only-16B pubsub-1x1-16B pubsub-1x1-1KB fanout-1x4-16B)
[ $# -gt 0 ] && ORDER=("$@")

free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
	done
}

start_server() { # binary -> sets srv_pid, port
	port=$(free_port)
	"$1" -a 127.0.0.1 -p "$port" >"$work/server.log" 2>&1 &
	srv_pid=$!
	for _ in $(seq 1 100); do
		(echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0
		sleep 0.05
	done
	echo "bench: server $1 did not start" >&2
	cat "$work/server.log" >&2
	exit 1
}

stop_server() {
	kill "$srv_pid" 2>/dev/null || true
	wait "$srv_pid" 2>/dev/null || true
	srv_pid=""
}

rate() { # extract the msgs/sec figure from a "stats:" line of nats bench output
	grep -E "$1" "$2" | tail -1 | sed -E 's/.*stats: ([0-9,]+) msgs\/sec.*/\1/' | tr -d ,
}

run_scenario() { # name url -> prints msgs/s
	read -r subs pubs size msgs <<<"${SCEN[$1]}"
	msgs=$((msgs * SCALE))
	local url=$2
	if [ "$subs" = 0 ]; then
		"$NATS" bench pub bench.subj -s "$url" --clients "$pubs" --msgs "$msgs" --size "$size" --no-progress >"$work/pub.out" 2>&1
		rate 'publisher (aggregated )?stats' "$work/pub.out"
		return
	fi
	"$NATS" bench sub bench.subj -s "$url" --clients "$subs" --msgs "$msgs" --no-progress >"$work/sub.out" 2>&1 &
	local sub_pid=$!
	sleep 0.5
	"$NATS" bench pub bench.subj -s "$url" --clients "$pubs" --msgs "$msgs" --size "$size" --no-progress >"$work/pub.out" 2>&1
	if ! timeout 120 tail --pid="$sub_pid" -f /dev/null; then
		kill "$sub_pid" 2>/dev/null
		echo 0
		return
	fi
	if [ "$subs" -gt 1 ]; then
		rate 'subscriber aggregated stats' "$work/sub.out"
	else
		rate 'subscriber stats' "$work/sub.out"
	fi
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2) }'; }

json="{\"machine\":{\"cores\":$(nproc),\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //;s/"//g')\"},\"rounds\":$ROUNDS,\"scenarios\":["
printf '%-18s %14s %14s %7s\n' scenario ours reference ratio
first=1
for name in "${ORDER[@]}"; do
	ours=() refs=()
	for r in $(seq 1 "$ROUNDS"); do
		for which in ours ref; do
			if [ "$which" = ours ]; then bin=$OURS; else bin=$REF_SERVER; fi
			start_server "$bin"
			v=$(run_scenario "$name" "nats://127.0.0.1:$port")
			stop_server
			if [ "$which" = ours ]; then ours+=("${v:-0}"); else refs+=("${v:-0}"); fi
		done
	done
	mo=$(echo "${ours[*]}" | median)
	mr=$(echo "${refs[*]}" | median)
	ratio=$(awk -v a="$mo" -v b="$mr" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "0" }')
	printf '%-18s %14s %14s %7s\n' "$name" "$mo" "$mr" "$ratio"
	[ $first = 1 ] || json+=","
	first=0
	json+="{\"name\":\"$name\",\"ours_msgs_per_sec\":$mo,\"reference_msgs_per_sec\":$mr,\"ratio\":$ratio,\"ours_rounds\":[$(IFS=,; echo "${ours[*]}")],\"reference_rounds\":[$(IFS=,; echo "${refs[*]}")]}"
done
json+="]}"
echo "$json" >bench/results.json
echo "wrote bench/results.json"
