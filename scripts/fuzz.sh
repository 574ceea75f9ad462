#!/usr/bin/env bash
# Runs every fuzz target briefly (FUZZTIME each, default 3s): CI's short fuzz pass.
# Run one longer by hand: go test -run '^$' -fuzz '^FuzzImport$' -fuzztime 5m ./profile/
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-3s}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg=./$(dirname "${file#./}")
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "fuzz $pkg $target ($fuzztime)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" > /tmp/azc-fuzz.log 2>&1 || { cat /tmp/azc-fuzz.log; exit 1; }
  done
done
echo "fuzz: every target ran for $fuzztime without a failure"
