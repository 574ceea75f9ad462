#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME each, default 20000 inputs): CI's short fuzz pass.
# A count, not a duration: a timed run can end with a spurious "context deadline exceeded"
# from the fuzz coordinator; such a run (no failing input written) is retried once.
# Each new interesting input is minimised in 100 runs, not the default 60 s: a target whose
# run writes a store (FuzzStoreDecodes) spent 15 minutes minimising 26 finds, a whole CI's worth.
# Run one longer by hand: go test -run '^$' -fuzz '^FuzzImport$' -fuzztime 5m ./profile/
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-20000x}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg=./$(dirname "${file#./}")
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "fuzz $pkg $target ($fuzztime)"
    for try in 1 2; do
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x "$pkg" > "$log" 2>&1; then break; fi
      if [ "$try" = 1 ] && ! grep -q 'Failing input written' "$log" && grep -q 'context deadline exceeded' "$log"; then
        echo "  (the fuzz coordinator timed out without a finding; once more)"
        continue
      fi
      cat "$log"; exit 1
    done
  done
done
echo "fuzz: every target ran for $fuzztime without a failure"
