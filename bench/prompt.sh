#!/usr/bin/env bash
# Benchmark (figures in docs/benchmarks.md): whole-process time of the prompt helper
# `azc prompt`, which `azc init` runs on every prompt, beside `azc context show` and a Go
# "hello world" binary in the same run, with 1,000 contexts in the profile; with and
# without a session (AZC_SESSION, whose state is decrypted on every call).
# Offline, in a temporary AZC_CONFIG_DIR and TMPDIR. Usage: bench/prompt.sh [RUNS]
set -euo pipefail
runs=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/azc-bench-prompt.XXXXXX")
trap 'rm -rf "$work"' EXIT
export AZC_CONFIG_DIR="$work/config" TMPDIR="$work/tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false"
unset AZC_CONTEXT AZC_SESSION AZC_AUTOSAVE XDG_RUNTIME_DIR || true
mkdir -p -m 700 "$AZC_CONFIG_DIR" "$TMPDIR"

# azc and azc-full are built as README.md and the release build them: static (CGO_ENABLED=0),
# which spares them the dynamic loader.
(cd "$root" && CGO_ENABLED=0 go build -o "$work/bin/" ./cmd/azc ./cmd/azc-full)
mkdir -p "$work/hello"
cat >"$work/hello/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello") }
GO
(cd "$work/hello" && GOFLAGS= GO111MODULE=off go build -o "$work/bin/hello" main.go)
azc="$work/bin/azc"

# A profile of 1,000 contexts over 10 accounts.
python3 - "$AZC_CONFIG_DIR/profile.json" <<'PY'
import json, sys
accounts, contexts = [], []
for a in range(10):
    t = "%08x-0000-4000-8000-000000000000" % a
    accounts.append({"id": "user%d@contoso.com" % a, "type": "user", "environment": "AzureCloud", "homeTenantId": t, "tenants": [t]})
    for s in range(100):
        sid = "%08x-%04x-4000-8000-000000000000" % (a, s)
        contexts.append({"name": "sub-%d-%d" % (a, s), "account": ("azurecloud|%s|user%d@contoso.com" % (t, a)),
                         "environment": "AzureCloud", "tenant": {"id": t},
                         "subscription": {"id": sid, "name": "sub-%d-%d" % (a, s), "state": "Enabled", "tenantId": t}})
p = {"version": 1, "generation": 1, "defaultContext": "sub-5-50", "settings": {}, "accounts": accounts, "contexts": contexts}
json.dump(p, open(sys.argv[1], "w"), indent=2)
PY
chmod 600 "$AZC_CONFIG_DIR/profile.json"
# In azc's layout (one context per line), as every profile.json azc writes is: one full
# rewrite by azc, content unchanged. (A file in another layout, say one pretty-printed by
# hand, is read through encoding/json until azc next writes it: about 8 ms more here.)
"$azc" context rename sub-9-99 bench-tmp -o none
"$azc" context rename bench-tmp sub-9-99 -o none

# A session owned by this script, with its own default context.
session=$("$azc" session start --pid $$)
AZC_SESSION=$session "$azc" use sub-7-70 --scope process -o none 2>/dev/null
echo "prompt without a session: $("$azc" prompt); with one: $(AZC_SESSION=$session "$azc" prompt)"

# Interleaved rounds beside hello world (bench/interleave.py); the session is set in the
# environment azc starts with, without an env(1) process in between.
python3 "$root/bench/interleave.py" "$runs" "$work/r.json" \
	"hello world (Go)" "$work/bin/hello" \
	"azc prompt" "$azc prompt" \
	"azc prompt (session)" "AZC_SESSION=$session $azc prompt" \
	"azc context show" "$azc context show -o none" \
	"azc context show (session)" "AZC_SESSION=$session $azc context show -o none"
python3 - "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
hello = r["hello world (Go)"]["mean"]
for name, v in r.items():
    print("%-28s %7.2f ms  %5.2fx hello" % (name, v["mean"], v["mean"] / hello))
PY
