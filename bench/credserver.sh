#!/bin/sh
# Token responses per second from the `azc exec` credential server over
# loopback HTTP with keep-alive (budget: >= 5,000/s, docs/benchmarks.md).
# Client and server share the machine's cores, as they do under azc exec.
set -eu
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench 'BenchmarkTokenResponses' -benchtime "${BENCHTIME:-2s}" -count "${COUNT:-3}" ./credserver/
