#!/usr/bin/env bash
# Benchmark (docs/benchmarks.md): whole-process time of a warm `azc token` (budget 15 ms),
# beside a Go "hello world" binary and `azc prompt` (azc's start-up with a read of the
# profile) in the same run (bench/interleave.py), the same token where a session bus is set
# (handed to azc-full), and `azc-full token` (what a warm token costs in the binary that
# links cobra and MSAL). azc serves a warm token itself (internal/cli/tokens); sign-in
# runs in azc-full, built beside it. Offline: the emulator on loopback, a temporary AZC_CONFIG_DIR.
# Usage: bench/token.sh [RUNS]
set -euo pipefail
runs=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/azc-bench-token.XXXXXX")
emu_pid=""
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
export AZC_CONFIG_DIR="$work/config" GOFLAGS="${GOFLAGS:-} -buildvcs=false"
unset AZC_CONTEXT AZC_SESSION || true

# azc and azc-full are built as README.md and the release build them: static (CGO_ENABLED=0),
# which spares them the dynamic loader.
(cd "$root" && CGO_ENABLED=0 go build -o "$work/bin/" ./cmd/azc ./cmd/azc-full && go build -o "$work/bin/" ./cmd/azc-emulator)
mkdir -p "$work/hello"
cat >"$work/hello/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello") }
GO
(cd "$work/hello" && GOFLAGS= GO111MODULE=off go build -o "$work/bin/hello" main.go)

mkfifo "$work/emu.out"
"$work/bin/azc-emulator" serve --ca-out "$work/ca.pem" >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
read -r info <"$work/emu.out"
field() { printf '%s' "$info" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
azc="$work/bin/azc"
"$azc" environment add emulator --authority-host "$(field authorityHost)" --arm-endpoint "$(field armEndpoint)" \
	--arm-audience "$(field armAudience)" --ca-file "$work/ca.pem" -o none
AZURE_CLIENT_SECRET=emulator-sp-secret "$azc" login --environment emulator --service-principal \
	--client-id 33333333-3333-4333-8333-333333333333 --tenant 11111111-1111-4111-8111-111111111111 -o none
"$azc" token -o none # warm the cache
if ! AZC_FULL="$work/no-azc-full" "$azc" token -o none 2>/dev/null; then
	echo "bench/token.sh: note: azc does not serve the warm token itself (it hands it to azc-full)" >&2
fi

# A desktop's session bus puts the data key in the Secret Service, whose client only azc-full
# links: there azc hands a token to azc-full (docs/credentials.md). The bus here is a socket that
# does not exist, so azc-full falls back to the kernel keyring, as the sign-in above did.
python3 "$root/bench/interleave.py" "$runs" "$work/token.json" \
	hello "$work/bin/hello" \
	'azc prompt' "$azc prompt" \
	'azc token (warm)' "$azc token -o json" \
	'azc token (warm), session bus set' "DBUS_SESSION_BUS_ADDRESS=unix:path=$work/no-bus $azc token -o json" \
	'azc-full token (warm)' "$work/bin/azc-full token -o json"
python3 - "$work/token.json" <<'PY'
import json, sys
for name, v in json.load(open(sys.argv[1])).items():
    print("%-36s mean %6.2f ms  median %6.2f ms  [token <= 15 ms]" % (name, v["mean"], v["median"]))
PY
