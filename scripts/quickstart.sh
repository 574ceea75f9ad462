#!/usr/bin/env bash
# azc's offline quick start: build azc and azc-emulator, start the emulator (a local
# Entra ID + ARM over TLS on 127.0.0.1) impersonating the public cloud behind an HTTPS
# proxy, sign in to azc's built-in AzureCloud through it with a device code (approved
# through the emulator's test hook, standing in for the user), list and switch contexts,
# print a token and, when this azc has `exec`, run a program that gets its token from
# azc's credential server; then add the emulator as a custom environment and sign in to
# that too. Everything lives in a temporary AZC_CONFIG_DIR and nothing leaves loopback.
#
#   scripts/quickstart.sh                       # builds the three binaries from this checkout
#   AZC_BIN_DIR=/usr/bin scripts/quickstart.sh  # uses installed ones (the release's .deb)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/azc-quickstart.XXXXXX")
emu_pid=""
cleanup() {
	if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# Each step's command in bold on a terminal; plain in a pipe or file, or with NO_COLOR, as azc's own output.
step() {
	if [ -t 2 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
		printf '\n\033[1m$ %s\033[0m\n' "$*" >&2
	else
		printf '\n$ %s\n' "$*" >&2
	fi
}

export AZC_CONFIG_DIR="$work/config"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
unset AZC_CONTEXT AZC_SESSION AZURE_CLIENT_SECRET IDENTITY_ENDPOINT IDENTITY_HEADER MSI_ENDPOINT || true

bin=${AZC_BIN_DIR:-}
if [ -z "$bin" ]; then
	bin=$work/bin
	step "CGO_ENABLED=0 go build -o $bin ./cmd/azc ./cmd/azc-full && go build -o $bin ./cmd/azc-emulator"
	(cd "$root" && CGO_ENABLED=0 go build -o "$bin/" ./cmd/azc ./cmd/azc-full && go build -o "$bin/" ./cmd/azc-emulator)
fi
azc="$bin/azc"

step "azc version"
"$azc" version

step "azc-emulator serve --impersonate --ca-out $work/ca.pem &"
mkfifo "$work/emu.out"
"$bin/azc-emulator" serve --impersonate --ca-out "$work/ca.pem" >"$work/emu.out" 2>"$work/emu.err" &
emu_pid=$!
read -r info <"$work/emu.out" || { cat "$work/emu.err" >&2; exit 1; }
json() { printf '%s' "$info" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
authority=$(json authorityHost)
arm=$(json armEndpoint)
audience=$(json armAudience)
hook=$(json hookURL)
proxy=$(json proxy)
echo "emulator at $(json url), impersonating the public cloud behind the proxy $proxy" >&2

# The user's part of the device code flow: approve the code as alice@contoso.test.
approve() {
	code=$(curl -fsS --cacert "$work/ca.pem" "$hook/devicecodes?wait=30s" |
		python3 -c 'import json,sys; p=json.load(sys.stdin)["pending"]; print(p[0] if p else "")')
	[ -n "$code" ] || return 1
	curl -fsS --cacert "$work/ca.pem" -X POST "$hook/devicecode/approve" \
		-d "{\"userCode\":\"$code\",\"upn\":\"alice@contoso.test\"}" >/dev/null
}

# azc trusts what the system trusts: the system's roots and the emulator's CA.
cat /etc/ssl/certs/ca-certificates.crt "$work/ca.pem" >"$work/bundle.pem" 2>/dev/null || cp "$work/ca.pem" "$work/bundle.pem"
step "export HTTPS_PROXY=$proxy SSL_CERT_FILE=$work/bundle.pem"
export HTTPS_PROXY="$proxy" SSL_CERT_FILE="$work/bundle.pem"

# What `eval "$(azc init bash)"` in ~/.bashrc does first: a session for this shell, so
# the messages below are those a shell set up as the README says shows.
step 'export AZC_SESSION=$(azc session start --pid $$)'
mkdir -m 700 "$work/run"
export XDG_RUNTIME_DIR="$work/run"
AZC_SESSION=$("$azc" session start --pid $$)
export AZC_SESSION

step "azc login --device-code"
approve &
approver=$!
"$azc" login --device-code
wait "$approver"

step "azc context list"
"$azc" context list

step "azc use 'Fabrikam Shared'"
"$azc" use 'Fabrikam Shared'

step "azc context show"
"$azc" context show

step "azc subscription list"
"$azc" subscription list

step "azc token -o json"
"$azc" token -o json | python3 -c '
import json, sys
t = json.load(sys.stdin)
t["accessToken"] = t["accessToken"][:12] + "…"   # the quick start never prints a whole token
print(json.dumps(t, indent=2, ensure_ascii=False))'

if "$azc" help 2>/dev/null | grep -qE '^ +exec '; then
	step "azc exec -- sh -c 'curl … \$IDENTITY_ENDPOINT'"
	# The secret goes to curl on its standard input (-K -), written by the shell's own
	# printf: in curl's arguments (-H) every user of the machine would read it (ps).
	"$azc" exec -- sh -c 'printf "header = \"X-IDENTITY-HEADER: %s\"\n" "$IDENTITY_HEADER" | curl -fsS -K - \
		"$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https://management.core.windows.net/" |
		python3 -c "import json,sys; t=json.load(sys.stdin); print(\"child got a token for\", t[\"resource\"], \"expiring\", t[\"expires_on\"])"'
fi

step "azc environment add emulator --authority-host $authority --arm-endpoint $arm --arm-audience $audience --ca-file $work/ca.pem"
"$azc" environment add emulator --authority-host "$authority" --arm-endpoint "$arm" \
	--arm-audience "$audience" --ca-file "$work/ca.pem" -o none

step "azc login --environment emulator --device-code --context-name emulator-dev"
approve &
approver=$!
"$azc" login --environment emulator --device-code --context-name emulator-dev
wait "$approver"

step "azc context list"
"$azc" context list

step "azc logout --all"
"$azc" logout --all
echo "quick start done" >&2
