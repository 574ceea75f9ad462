#!/usr/bin/env bash
# Benchmarks of package auth (DESIGN section 8), side by side in one run:
#   - login populating 10,000 subscriptions in 100 tenants (emulator), with and without
#     50 ms injected latency on every call (budgets 3 s and 6 s);
#   - library GetToken warm vs azidentity's cached GetToken (>= 10x faster, <= 2 allocs).
# Usage: bench/login.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'GetTokenWarm' -benchtime 2s ./auth/
go test -run '^$' -bench 'LoginPopulation' -benchtime 3x ./auth/
