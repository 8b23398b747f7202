#!/bin/sh
# release.sh builds Zhiyin's release binaries: static, cgo-free, -trimpath,
# for linux/amd64, linux/arm64 and linux/loong64, with version, commit and
# build time stamped in (`zhiyin version` prints them), and a SHA256SUMS file.
#
#   scripts/release.sh              # version from `git describe`, output in dist/
#   VERSION=v1.0.0 scripts/release.sh
#   PLATFORMS="linux/amd64" scripts/release.sh
#
# Verify a download with: cd dist && sha256sum -c SHA256SUMS
set -eu

cd "$(dirname "$0")/.."

PLATFORMS=${PLATFORMS:-"linux/amd64 linux/arm64 linux/loong64"}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
	COMMIT="$COMMIT-dirty"
fi
# SOURCE_DATE_EPOCH makes the stamp reproducible when it is set.
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	BUILD_TIME=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
else
	BUILD_TIME=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fi
DIST=${DIST:-dist}

mkdir -p "$DIST"
LDFLAGS="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.buildTime=$BUILD_TIME"

files=""
for p in $PLATFORMS; do
	os=${p%/*}
	arch=${p#*/}
	out="zhiyin-$VERSION-$os-$arch"
	echo "building $out" >&2
	# CGO_ENABLED=0: one static binary with no libc dependency; the corpus
	# and the dictionary are embedded, so the file is all a server needs.
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "$LDFLAGS" \
		-o "$DIST/$out" ./cmd/zhiyin
	files="$files $out"
done

# shellcheck disable=SC2086 # the names contain no spaces
(cd "$DIST" && sha256sum $files > SHA256SUMS)
cat "$DIST/SHA256SUMS"
