#!/usr/bin/env bash
# Scale check of the commands bench/contexts.sh does not measure, offline, in a temporary
# directory: each runs once on a fresh copy of a generated state, under `azc --debug` and
# /usr/bin/time, and prints its CPU time, peak RSS and every profile.lock hold (wall / CPU).
# Merging and resolving must be linear (docs/benchmarks.md, "Scale"): compare a line at
# 10,000 with its line at 1,000 (10× the input should cost about 10× the CPU, not 100×).
#   - context remove of every other context by name, and by subscription id, in one call;
#   - logout of one of two accounts (half the contexts); context export of every other name;
#   - import of the profile's own export (every context named, each updated);
#   - import of az's azureProfile.json and Azure PowerShell's AzureRmContext.json whose
#     subscriptions each have an account of their own, then subscription list, logout of one
#     account and context list -o json over those accounts;
#   - use of a subscription id (the lock must not be held while the profile is decoded);
#   - completion of context names;
#   - in a shell's session holding as many contexts as the profile: context list -o json,
#     completion, prompt, context remove --scope process of every other session context,
#     autosave enable (which moves the session's contexts into the profile), an import into
#     the session of the profile's names for other subscriptions (each renamed apart).
# Usage: bench/scale.sh [SIZE...]   (default: 1000 10000)
set -euo pipefail
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/azc-bench-scale.XXXXXX")
owner_pid=""
cleanup() {
  if [ -n "$owner_pid" ]; then kill "$owner_pid" 2>/dev/null || true; wait "$owner_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
unset AZC_CONTEXT AZC_SESSION AZC_AUTOSAVE || true
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
echo "== load before: $(uptime)"
(cd "$root" && CGO_ENABLED=0 go build -o "$work/bin/" ./cmd/azc ./cmd/azc-full)
azc=$work/bin/azc

# gen DIR N NACCTS PREFIX: profile.json with N contexts named PREFIX00000 … over NACCTS
# accounts. genimp KIND N OUT: az's or Azure PowerShell's file, one account per subscription.
gen() {
  python3 - "$@" <<'PY'
import json, os, sys
d, n, na, pfx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.makedirs(d, mode=0o700, exist_ok=True)
accts = [{"id": f"user{a}@contoso.com", "type": "user", "environment": "AzureCloud",
          "homeTenantId": f"{a:08d}-0000-0000-0000-000000000000"} for a in range(na)]
cs = []
for i in range(n):
    a = accts[i % na]
    t = a["homeTenantId"]
    cs.append({"name": f"{pfx}{i:05d}", "account": f"azurecloud|{t}|{a['id']}", "environment": "AzureCloud",
               "tenant": {"id": t, "defaultDomain": f"tenant{i % na}.onmicrosoft.com"},
               "subscription": {"id": f"{i:08d}-1111-2222-3333-444444444444", "name": f"{pfx}{i:05d}",
                                "state": "Enabled", "tenantId": t}})
p = {"version": 1, "generation": 1, "defaultContext": f"{pfx}00000", "settings": {}, "accounts": accts, "contexts": cs}
path = os.path.join(d, "profile.json")
with open(path, "w") as f:
    json.dump(p, f)
os.chmod(path, 0o600)
PY
  # azc's own layout: one full rewrite, content unchanged
  AZC_CONFIG_DIR=$1 "$azc" context rename "${4}00001" scale-tmp -o none
  AZC_CONFIG_DIR=$1 "$azc" context rename scale-tmp "${4}00001" -o none
}
genimp() {
  python3 - "$@" <<'PY'
import json, sys
kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tid = lambda i: f"{i % 100:08d}-0000-4000-8000-000000000000"
sid = lambda i: f"{i:08d}-1111-4222-8333-444444444444"
if kind == "az":
    subs = [{"id": sid(i), "name": f"sub-{i:05d}", "state": "Enabled", "user": {"name": f"user{i}@contoso.com", "type": "user"},
             "isDefault": i == 0, "tenantId": tid(i), "environmentName": "AzureCloud", "homeTenantId": tid(i)} for i in range(n)]
    json.dump({"subscriptions": subs}, open(out, "w"))
else:
    ctx = {f"sub-{i:05d} ({sid(i)}) - {tid(i)} - user{i}@contoso.com": {
        "Account": {"Id": f"user{i}@contoso.com", "Type": "User"}, "Tenant": {"Id": tid(i)},
        "Subscription": {"Id": sid(i), "Name": f"sub-{i:05d}", "State": "Enabled"},
        "Environment": {"Name": "AzureCloud"}} for i in range(n)}
    json.dump({"Contexts": ctx}, open(out, "w"))
PY
}

# run NAME SRC CMD…: CMD on a fresh copy of the state directory SRC (and of the session's
# runtime directory, when $rt is set).
run() {
  local name=$1 src=$2; shift 2
  local d r=""
  d=$(mktemp -d "$work/run.XXXXXX")
  cp -a "$src/." "$d/"
  if [ -n "${rt:-}" ]; then r=$(mktemp -d "$work/rt.XXXXXX"); cp -a "$rt/." "$r/"; fi
  AZC_CONFIG_DIR=$d XDG_RUNTIME_DIR=${r:-${XDG_RUNTIME_DIR:-}} /usr/bin/time -f '%U %S %M' -o "$d/time" \
    "$azc" --debug "$@" >/dev/null 2>"$d/err" </dev/null || { echo "$name failed:"; tail -3 "$d/err"; exit 1; }
  python3 - "$name" "$d/time" "$d/err" <<'PY'
import re, sys
units = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1, "s": 1000, "m": 60000}
ms = lambda t: sum(float(v) * units[u] for v, u in re.findall(r"([0-9.]+)(ns|µs|us|ms|s|m)", t))
user, sys_, rss = open(sys.argv[2]).read().split()[-3:]
held = ["%.0f/%.0f" % (ms(m.group(1)), ms(m.group(2))) for m in
        (re.search(r"profile lock released.* held=(\S+) heldCPU=(\S+)", l) for l in open(sys.argv[3], errors="replace")) if m]
print("%-58s %7.2f s CPU %5d MiB  held %s" % (sys.argv[1], float(user) + float(sys_), int(rss) // 1024, ", ".join(held) or "-"))
PY
  rm -rf "$d" ${r:+"$r"}
}

sleep 86400 &
owner_pid=$!
for n in "${sizes[@]}"; do
  echo "== $n contexts"
  s=$work/s$n
  gen "$s" "$n" 2 sub-
  names=() ids=()
  for ((i = 0; i < n; i += 2)); do names+=("$(printf 'sub-%05d' "$i")"); ids+=("$(printf '%08d-1111-2222-3333-444444444444' "$i")"); done
  run "context remove --force, $((n / 2)) names" "$s" context remove --force "${names[@]}"
  run "context remove --force, $((n / 2)) subscription ids" "$s" context remove --force "${ids[@]}"
  run "logout of one account ($((n / 2)) contexts)" "$s" logout user0@contoso.com
  run "context export, $((n / 2)) names" "$s" context export --file "$work/export.json" --force "${names[@]}"
  AZC_CONFIG_DIR=$s "$azc" context export --file "$work/all.json" --force 2>/dev/null
  run "context import of its own export, $n contexts" "$s" context import "$work/all.json"
  run "use <subscription id>" "$s" use 00000007-1111-2222-3333-444444444444
  run "__complete use sub-0000" "$s" __complete use sub-0000
  for kind in az ps; do
    genimp "$kind" "$n" "$work/$kind.json"
    mkdir -m 700 "$work/i$kind$n"
    run "context import, $kind, $n accounts" "$work/i$kind$n" context import "$work/$kind.json"
  done
  AZC_CONFIG_DIR=$work/iaz$n "$azc" context import "$work/az.json" -o none
  run "subscription list, $n accounts" "$work/iaz$n" subscription list
  run "context list -o json, $n accounts" "$work/iaz$n" context list -o json
  run "logout of one of $n accounts" "$work/iaz$n" logout user5@contoso.com

  # a shell's session holding n contexts of other names over the profile's n
  gen "$work/t$n" "$n" 2 s-
  AZC_CONFIG_DIR=$work/t$n "$azc" context export --file "$work/session$n.json" -o none
  rt=$work/rt$n
  mkdir -m 700 "$rt"
  AZC_SESSION=$(AZC_CONFIG_DIR=$s XDG_RUNTIME_DIR=$rt "$azc" session start --pid "$owner_pid")
  export AZC_SESSION
  AZC_CONFIG_DIR=$s XDG_RUNTIME_DIR=$rt "$azc" context import --scope process "$work/session$n.json" -o none
  snames=()
  for ((i = 0; i < n; i += 2)); do snames+=("$(printf 's-%05d' "$i")"); done
  run "session: context list -o json" "$s" context list -o json
  run "session: __complete use s-0000" "$s" __complete use s-0000
  run "session: prompt" "$s" prompt
  run "session: context remove --scope process, $((n / 2)) names" "$s" context remove --force --scope process "${snames[@]}"
  run "session: autosave enable --scope process" "$s" autosave enable --scope process
  # the profile's own names for other subscriptions: each is renamed apart in the session
  sed 's/-444444444444"/-555555555555"/g' "$work/all.json" >"$work/other.json"
  run "session: import --scope process of the profile's names" "$s" context import --scope process "$work/other.json"
  unset AZC_SESSION rt
done
echo "== load after: $(uptime)"
