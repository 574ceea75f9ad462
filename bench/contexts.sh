#!/usr/bin/env bash
# Benchmark (DESIGN section 8, issue 3): whole-process time of `azc context show`,
# `azc context list` and `azc use` with 1,000 and 10,000 contexts, beside a Go "hello
# world" binary in the same run; peak RSS of `context list` on 10,000 contexts; and, where
# az is installed, `az account show` / `az account set` on a generated 50-subscription
# azureProfile.json (no network). Prints the ratios. Offline, in a temporary directory.
# Usage: bench/contexts.sh [RUNS]   (runs are interleaved: bench/interleave.py)
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
# Two floors of a switch (bench/floor): a program that only replaces a file durably, as DESIGN
# section 2 asks of every write, and one that only calls profile.Store.SetDefault.
(cd "$root" && CGO_ENABLED=0 go build -o "$work/bin/" ./bench/floor/replace ./bench/floor/setdefault)
mkdir -p "$work/replace"

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
# azc's own layout (one context per line): one full rewrite by azc, content unchanged.
for n in 1000 10000; do
  AZC_CONFIG_DIR="$work/p$n" "$azc" context rename sub-00999 bench-tmp 2>/dev/null
  AZC_CONFIG_DIR="$work/p$n" "$azc" context rename bench-tmp sub-00999 2>/dev/null
done

cp "$work/p1000/profile.json" "$work/replace/profile.json"
cp -a "$work/p1000" "$work/p1000b"

# Every command runs once per round, side by side with hello world (bench/interleave.py), so a
# machine that speeds up or slows down moves every figure alike. The reads and the writes run
# apart, each group beside its own hello world: a write's fsync and writeback would slow the
# reads next to it (and a second write right after a first is slowed the same way). `use` switches back and forth between two contexts, so that every run
# writes profile.json (write, fsync, rename); "use, no change" names the context that is
# already the default.
p1=$work/p1000 p10=$work/p10000
python3 "$root/bench/interleave.py" "$runs" "$work/reads.json" \
  "hello world (Go)" "$hello" \
  "azc context show (1000)" "AZC_CONFIG_DIR=$p1 $azc context show" \
  "azc context list (1000)" "AZC_CONFIG_DIR=$p1 $azc context list" \
  "azc context list -o json (1000)" "AZC_CONFIG_DIR=$p1 $azc context list -o json" \
  "azc context show (10000)" "AZC_CONFIG_DIR=$p10 $azc context show" \
  "azc context list (10000)" "AZC_CONFIG_DIR=$p10 $azc context list"
python3 "$root/bench/interleave.py" "$runs" "$work/writes.json" \
  "hello world (Go), writes" "$hello" \
  "azc use (1000)" "AZC_CONFIG_DIR=$p1 $azc use sub-00042 || AZC_CONFIG_DIR=$p1 $azc use sub-00043" \
  "azc use, no change (1000)" "AZC_CONFIG_DIR=$p1 $azc use sub-00042 || AZC_CONFIG_DIR=$p1 $azc use sub-00043"
# the floors, each in a group of its own beside hello world
python3 "$root/bench/interleave.py" "$runs" "$work/floor1.json" \
  "hello world (Go), floor 1" "$hello" \
  "durable replace only (1000)" "$work/bin/replace $work/replace/profile.json"
python3 "$root/bench/interleave.py" "$runs" "$work/floor2.json" \
  "hello world (Go), floor 2" "$hello" \
  "SetDefault only (1000)" "AZC_CONFIG_DIR=$work/p1000b $work/bin/setdefault sub-00042 || AZC_CONFIG_DIR=$work/p1000b $work/bin/setdefault sub-00043"
# apart: the writeback of a 10,000-context switch would slow the next round's writes
python3 "$root/bench/interleave.py" "$(( runs < 30 ? runs : 30 ))" "$work/writes10.json" \
  "azc use (10000)" "AZC_CONFIG_DIR=$p10 $azc use sub-00042 || AZC_CONFIG_DIR=$p10 $azc use sub-00043"
declare -A mean
# load FILE: adds interleave.py's means in FILE to mean[] (spaces in names become _)
load() {
  while read -r name ms; do mean[$name]=$ms; done < <(python3 -c '
import json, sys
for k, v in json.load(open(sys.argv[1])).items(): print(k.replace(" ", "_"), "%.2f" % v["mean"])' "$1")
}
load "$work/reads.json"
load "$work/writes.json"
load "$work/writes10.json"
load "$work/floor1.json"
load "$work/floor2.json"
# show NAME: prints the mean of NAME
show() { printf '%-34s %8s ms\n' "$1" "${mean[${1// /_}]}"; }
ratio() { python3 -c "print('%.2f' % (${mean[${1// /_}]}/${mean[${2// /_}]}))"; }

echo "== whole-process time, mean of $runs interleaved runs ($(nproc) CPUs)"
for name in "hello world (Go)" "azc context show (1000)" "azc context list (1000)" \
  "azc context list -o json (1000)" "azc context show (10000)" "azc context list (10000)" \
  "hello world (Go), writes" "azc use (1000)" "azc use, no change (1000)" \
  "hello world (Go), floor 1" "durable replace only (1000)" "hello world (Go), floor 2" \
  "SetDefault only (1000)" "azc use (10000)"; do
  show "$name"
done

if command -v /usr/bin/time >/dev/null; then
  export AZC_CONFIG_DIR="$work/p10000"
  rss=$( { /usr/bin/time -v "$azc" context list >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
  echo "== peak RSS, azc context list (10000): $((rss / 1024)) MiB (budget 40 MiB)"
fi

echo "== ratios to hello world (budget: 1000 contexts within 2x)"
for c in "azc context show (1000)" "azc context list (1000)"; do
  printf '%-34s %6sx\n' "$c" "$(ratio "$c" "hello world (Go)")"
done
for c in "azc use (1000)" "azc use, no change (1000)"; do
  printf '%-34s %6sx\n' "$c" "$(ratio "$c" "hello world (Go), writes")"
done
echo "== floors of a switch (no budget): what a write costs before azc does anything"
printf '%-34s %6sx\n' "durable replace only (1000)" "$(ratio "durable replace only (1000)" "hello world (Go), floor 1")"
printf '%-34s %6sx\n' "SetDefault only (1000)" "$(ratio "SetDefault only (1000)" "hello world (Go), floor 2")"

if command -v az >/dev/null; then
  export AZURE_CONFIG_DIR="$work/az" AZURE_CORE_COLLECT_TELEMETRY=no AZURE_CORE_NO_COLOR=1
  runs_az=$(( runs < 10 ? runs : 10 ))
  python3 "$root/bench/interleave.py" "$runs_az" "$work/az.json" \
    "az account show (50 subs)" "$(command -v az) account show" \
    "az account set (50 subs)" "$(command -v az) account set --subscription sub-07"
  load "$work/az.json"
  show "az account show (50 subs)"
  show "az account set (50 subs)"
  echo "== az / azc (budget: >= 30x)"
  printf '%-34s %6sx\n' "az account show / azc context show" "$(ratio "az account show (50 subs)" "azc context show (1000)")"
  printf '%-34s %6sx\n' "az account set / azc use" "$(ratio "az account set (50 subs)" "azc use (1000)")"
fi
