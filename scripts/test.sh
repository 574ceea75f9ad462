#!/usr/bin/env bash
# The test command of the README: formatting, vet, and every test with the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
# internal/cli/sessions runs real shells for about 5 minutes on a 2-CPU machine with the race
# detector: past half of go test's default 10-minute limit, which a slower machine would reach.
go test -race -timeout 20m ./...
