#!/usr/bin/env bash
# Runs every fuzz target of every module for a fixed time each.
#   scripts/fuzz.sh [DURATION]     (default 30s; FUZZTIME=10m make fuzz)
# New corpus entries that found a failure are written by `go test` into the
# package's testdata/fuzz/<Target>/ folder: commit them with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-30s}
status=0
for mod in server client cli; do
	[ -f "$mod/go.mod" ] || continue
	while IFS= read -r file; do
		dir=$(dirname "$file")
		for target in $(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
			echo "== fuzz $mod/${dir#$mod/} $target ($dur)"
			(cd "$mod" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" "./${dir#$mod/}") || status=1
		done
	done < <(grep -rl --include='*_test.go' -E '^func Fuzz' "$mod" || true)
done
exit $status
