#!/usr/bin/env bash
# Writes cmd/azc/default.pgo and cmd/azc-full/default.pgo, the CPU profile `go build` uses for
# profile-guided optimisation of azc and azc-full (on by default since Go 1.21: a default.pgo
# beside a main package is used by `go build` and `go install` alike): the library benchmarks
# of what azc's fast commands spend their CPU on at 1,000 contexts, the profile's skim and
# streamed read (`context show`, `list`, `use`) and `context list`'s table. Run it again when
# those paths change; a stale profile costs only the gain (docs/benchmarks.md has the figures).
# Usage: bench/pgo.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/azc-pgo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"
bench() { # PACKAGE PATTERN
  go test -run '^$' -bench "$2" -benchtime 2s -o "$work/t.test" -cpuprofile "$work/$(basename "$1").prof" "$1" >/dev/null
}
bench ./profile 'ViewKeepingDefault1000|ViewColumns1000|NewView1000|SetDefault1000'
bench ./internal/cli/contexts 'ListTable1000'
bench ./internal/cli/cmdutil 'WriteTable1000'
go tool pprof -proto "$work"/*.prof >cmd/azc/default.pgo
# azc-full runs the same streamed read and skim to resolve exec's context at start-up, and the
# whole decoding from the skim for every command azc hands over: the same profile serves it.
cp cmd/azc/default.pgo cmd/azc-full/default.pgo
echo "wrote cmd/azc/default.pgo and cmd/azc-full/default.pgo"
