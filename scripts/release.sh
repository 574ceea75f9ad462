#!/usr/bin/env bash
# The release build, for users without Go: for each target (default: linux, darwin and
# windows on amd64 and arm64) an archive (.tar.gz; .zip for windows) holding azc, azc-full
# and azc-emulator, shell completions and man pages, and for linux a .deb made by nfpm
# (pinned in release/go.mod). Everything goes to dist/, with SHA256SUMS.
#
#   scripts/release.sh [VERSION]                    # VERSION defaults to v0.0.0-DATE-COMMIT
#   RELEASE_TARGETS="linux/amd64" scripts/release.sh  # only some targets
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
version=${1:-v0.0.0-$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)-$commit}
case "$version" in v[0-9]*) ;; *) echo "release.sh: version $version: want vMAJOR.MINOR.PATCH[-PRE]" >&2; exit 2 ;; esac
targets=${RELEASE_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}
dist=$root/dist
rm -rf "$dist"
mkdir -p "$dist/share/completions" "$dist/share/man/man1" "$dist/tools"

export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath -buildvcs=false"
ldflags="-s -w -X main.version=$version"

# Completions and man pages, from this machine's azc-full of the same version.
go build -ldflags "$ldflags" -o "$dist/tools/" ./cmd/azc-full
for sh in bash zsh fish powershell; do
	case $sh in bash) f=azc.bash ;; zsh) f=_azc ;; fish) f=azc.fish ;; powershell) f=azc.ps1 ;; esac
	"$dist/tools/azc-full" completion "$sh" >"$dist/share/completions/$f"
done
"$dist/tools/azc-full" man "$dist/share/man/man1"
gzip -9n "$dist/share/man/man1/"*.1
(cd release && go build -o "$dist/tools/" github.com/goreleaser/nfpm/v2/cmd/nfpm)

for target in $targets; do
	goos=${target%/*} goarch=${target#*/}
	name=azc_${version#v}_${goos}_${goarch}
	dir=$dist/$name
	echo "release.sh: $target" >&2
	mkdir -p "$dir"
	GOOS=$goos GOARCH=$goarch go build -ldflags "$ldflags" -o "$dir/" ./cmd/azc ./cmd/azc-full ./cmd/azc-emulator
	cp -R "$dist/share/completions" "$dist/share/man" "$dir/"
	# README and docs/: the help and the errors point to docs/*.md
	cp -R README.md docs "$dir/"
	if [ "$goos" = windows ]; then
		(cd "$dist" && zip -qrX "$name.zip" "$name")
	else
		tar -C "$dist" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
			-czf "$dist/$name.tar.gz" "$name"
	fi
	if [ "$goos" = linux ]; then
		(cd "$dir" && PKG_ARCH=$goarch PKG_VERSION=$version \
			"$dist/tools/nfpm" package --config "$root/release/nfpm.yaml" --packager deb --target "$dist/" >/dev/null)
	fi
	rm -rf "$dir"
done
rm -rf "$dist/share" "$dist/tools"
shopt -s nullglob
(cd "$dist" && sha256sum -- *.tar.gz *.zip *.deb >SHA256SUMS)
ls -l "$dist" >&2
