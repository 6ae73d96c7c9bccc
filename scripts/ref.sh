#!/usr/bin/env bash
# Installs the reference nats-server and natscli (exact versions) into a cache
# folder outside the work tree, once, and prints the folder. Tests find the
# binaries through NATSYS_REF_SERVER and NATSYS_REF_NATS (set by the Makefile).
set -euo pipefail
NATS_SERVER_VERSION=v2.15.2
NATSCLI_VERSION=v0.5.0
cache="${NATSYS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/natsys}/ref"
mkdir -p "$cache"
install() { # module@version binary
	local dir="$cache/$2-$3"
	if [ ! -x "$dir/$2" ]; then
		echo "ref: installing $1@$3 into $dir" >&2
		GOWORK=off GOFLAGS=-mod=mod GOBIN="$dir" go install "$1@$3" >&2
	fi
	ln -sf "$dir/$2" "$cache/$2"
}
install github.com/nats-io/nats-server/v2 nats-server "$NATS_SERVER_VERSION"
install github.com/nats-io/natscli/nats nats "$NATSCLI_VERSION"
echo "$cache"
