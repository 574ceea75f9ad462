#!/usr/bin/env bash
# Benchmarks of package auth (DESIGN section 8), side by side in one run:
#   - login populating 10,000 subscriptions in 100 tenants (emulator), with and without
#     50 ms injected latency on every call (budgets 3 s and 6 s);
#   - library GetToken warm vs azidentity's cached GetToken (>= 10x faster, <= 2 allocs).
# Usage: bench/login.sh [RUNS]   (RUNS login measurements of each kind, 3 logins each; default 3)
set -euo pipefail
runs=${1:-3}
cd "$(dirname "$0")/.."
bin=$(mktemp -d "${TMPDIR:-/tmp}/azc-bench-login.XXXXXX")
trap 'rm -rf "$bin"' EXIT
go test -c -o "$bin/auth.test" ./auth/
(cd auth && "$bin/auth.test" -test.run '^$' -test.bench 'GetTokenWarm' -test.benchtime 2s)
echo "load average before the login runs: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
(cd auth && "$bin/auth.test" -test.run '^$' -test.bench 'LoginPopulation' -test.benchtime 3x -test.count "$runs") |
	tee "$bin/login.out"
awk '
	/^BenchmarkLoginPopulation\/.*latency=0s/ { zero = zero sprintf(" %.2f", $3 / 1e9) }
	/^BenchmarkLoginPopulation\/.*latency=50ms/ { slow = slow sprintf(" %.2f", $3 / 1e9) }
	END {
		print "login, 10,000 subscriptions in 100 tenants (s per login, each run):"
		print "  no latency:       " zero "   (budget 3 s)"
		print "  50 ms every call: " slow "   (budget 6 s)"
	}' "$bin/login.out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
