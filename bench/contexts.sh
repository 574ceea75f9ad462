#!/usr/bin/env bash
# Benchmark (DESIGN section 8, issue 3): whole-process time of `azc context show`,
# `azc context list` and `azc use` with 1,000 and 10,000 contexts, beside a Go "hello
# world" binary in the same run; peak RSS of `context list` on 10,000 contexts; and, where
# az is installed, `az account show` / `az account set` on a generated 50-subscription
# azureProfile.json (no network). Prints the ratios. Offline, in a temporary directory.
# Usage: bench/contexts.sh [RUNS]   (hyperfine when installed, else a date +%s%N loop)
set -euo pipefail
runs=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/azc-bench-contexts.XXXXXX")
trap 'rm -rf "$work"' EXIT
unset AZC_CONTEXT AZC_SESSION AZC_AUTOSAVE || true
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# azc is built as README.md says: static (CGO_ENABLED=0), which spares it the dynamic loader.
(cd "$root" && CGO_ENABLED=0 go build -o "$work/bin/" ./cmd/azc && go build -o "$work/bin/" ./cmd/azc-full)
mkdir -p "$work/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$work/hello/main.go"
(cd "$work/hello" && GOFLAGS= GO111MODULE=off go build -o "$work/bin/hello" main.go)
azc="$work/bin/azc" hello="$work/bin/hello"

# profile.json with N contexts over 10 accounts, and az's azureProfile.json with 50 subscriptions.
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
for n in (1000, 10000):
    d = os.path.join(work, f"p{n}")
    os.makedirs(d, mode=0o700)
    accts = [{"id": f"user{a}@contoso.com", "type": "user", "environment": "AzureCloud",
              "homeTenantId": f"{a:08d}-0000-0000-0000-000000000000"} for a in range(10)]
    ctxs = []
    for i in range(n):
        a = accts[i % 10]
        sid = f"{i:08d}-1111-2222-3333-444444444444"
        ctxs.append({"name": f"sub-{i:05d}", "account": f"azurecloud|{a['homeTenantId']}|{a['id']}",
                     "environment": "AzureCloud",
                     "tenant": {"id": a["homeTenantId"], "defaultDomain": f"tenant{i%10}.onmicrosoft.com"},
                     "subscription": {"id": sid, "name": f"sub-{i:05d}", "state": "Enabled", "tenantId": a["homeTenantId"]}})
    p = {"version": 1, "generation": 1, "defaultContext": "sub-00000", "settings": {}, "accounts": accts, "contexts": ctxs}
    with open(os.path.join(d, "profile.json"), "w") as f:
        json.dump(p, f, indent=2)
    os.chmod(os.path.join(d, "profile.json"), 0o600)
az = os.path.join(work, "az")
os.makedirs(az)
subs = [{"id": f"{i:08d}-aaaa-bbbb-cccc-dddddddddddd", "name": f"sub-{i:02d}", "state": "Enabled",
         "user": {"name": "user@contoso.com", "type": "user"}, "isDefault": i == 0,
         "tenantId": "00000000-0000-0000-0000-000000000001", "environmentName": "AzureCloud",
         "homeTenantId": "00000000-0000-0000-0000-000000000001", "managedByTenants": []} for i in range(50)]
with open(os.path.join(az, "azureProfile.json"), "w") as f:
    json.dump({"installationId": "bench", "subscriptions": subs}, f)
PY

declare -A mean
# measure NAME CMD... : mean wall time in ms of the whole process
measure() {
  local name=$1; shift
  local ms
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" "$*" >/dev/null 2>&1
    ms=$(python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["mean"]*1000))' "$work/h.json")
  else
    local t0 t1
    for _ in 1 2 3; do "$@" >/dev/null 2>&1 || true; done
    t0=$(date +%s%N)
    for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
    t1=$(date +%s%N)
    ms=$(python3 -c "print('%.2f' % (($t1-$t0)/1e6/$runs))")
  fi
  mean[$name]=$ms
  printf '%-34s %8s ms\n' "$name" "$ms"
}
ratio() { python3 -c "print('%.2f' % (${mean[$1]}/${mean[$2]}))"; }

echo "== whole-process time, mean of $runs runs ($(nproc) CPUs)"
measure "hello world (Go)" "$hello"
for n in 1000 10000; do
  export AZC_CONFIG_DIR="$work/p$n"
  measure "azc context show ($n)" "$azc" context show
  measure "azc context list ($n)" "$azc" context list
  measure "azc context list -o json ($n)" "$azc" context list -o json
  measure "azc use ($n)" "$azc" use sub-00042
done

if command -v /usr/bin/time >/dev/null; then
  export AZC_CONFIG_DIR="$work/p10000"
  rss=$( { /usr/bin/time -v "$azc" context list >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
  echo "== peak RSS, azc context list (10000): $((rss / 1024)) MiB (budget 40 MiB)"
fi

echo "== ratios to hello world (budget: 1000 contexts within 2x)"
for c in "azc context show (1000)" "azc context list (1000)" "azc use (1000)"; do
  printf '%-34s %6sx\n' "$c" "$(ratio "$c" "hello world (Go)")"
done

if command -v az >/dev/null; then
  export AZURE_CONFIG_DIR="$work/az" AZURE_CORE_COLLECT_TELEMETRY=no AZURE_CORE_NO_COLOR=1
  runs_az=$(( runs < 10 ? runs : 10 ))
  saved=$runs; runs=$runs_az
  measure "az account show (50 subs)" az account show
  measure "az account set (50 subs)" az account set --subscription sub-07
  runs=$saved
  echo "== az / azc (budget: >= 30x)"
  printf '%-34s %6sx\n' "az account show / azc context show" "$(ratio "az account show (50 subs)" "azc context show (1000)")"
  printf '%-34s %6sx\n' "az account set / azc use" "$(ratio "az account set (50 subs)" "azc use (1000)")"
fi
