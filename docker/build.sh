#!/usr/bin/env bash
# Builds the fedlab:local image with no registry: compiles the three binaries on the host, stages
# them with their own glibc libraries into dist/rootfs, and builds FROM scratch with dist/ as the
# (small) context. Idempotent: re-running re-stages from scratch and rebuilds the image.
#
# Environment:
#   IMAGE       image tag                         [fedlab:local]
#   BASE_IMAGE  base image (must exist locally)   [scratch]
#               With any other base the host's glibc is not staged (the base brings its own,
#               which must be at least as new as the build host's).
#   STRIP=1     strip debug info from the staged binaries (smaller image, no line numbers)
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-fedlab:local}"
BASE_IMAGE="${BASE_IMAGE:-scratch}"
STRIP="${STRIP:-0}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
DIST=dist
ROOTFS="$DIST/rootfs"
BINS=(mock-gitlab mock-sts fedlab)

step() { printf '== %s\n' "$*" >&2; }

step "cargo build --release (mock-gitlab, mock-sts, fedlab)"
cargo build --release --locked -p mock-gitlab -p mock-sts -p fedlab

step "staging $ROOTFS"
rm -rf "$ROOTFS" "$DIST/state"
mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/etc" "$DIST/state"

for bin in "${BINS[@]}"; do
    src="$TARGET_DIR/release/$bin"
    [[ -x "$src" ]] || { echo "missing $src" >&2; exit 1; }
    install -m 0755 "$src" "$ROOTFS/usr/local/bin/$bin"
    if [[ "$STRIP" == 1 ]]; then
        strip --strip-debug "$ROOTFS/usr/local/bin/$bin"
    fi
done

if [[ "$BASE_IMAGE" == scratch ]]; then
    # Every absolute path ldd names (libraries and the dynamic loader), copied to the same path,
    # symlinks resolved. linux-vdso has no path and is skipped.
    libs=$(for bin in "${BINS[@]}"; do
        ldd "$ROOTFS/usr/local/bin/$bin" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
    done | sort -u)
    [[ -n "$libs" ]] || { echo "ldd found no libraries (static binaries?)" >&2; exit 1; }
    for lib in $libs; do
        mkdir -p "$ROOTFS$(dirname "$lib")"
        cp -L "$lib" "$ROOTFS$lib"
        chmod 0755 "$ROOTFS$lib"
        echo "  $lib" >&2
    done
    if ! grep -q 'ld-linux' <<<"$libs"; then
        echo "ldd did not report the dynamic loader" >&2
        exit 1
    fi
fi

# glibc's resolver reads this; without it, service names and aliases may not resolve.
printf 'hosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"
# /state is copied by the Dockerfile with --chown=65532:65532, so a named volume initialised
# from the image is writable by the non-root user. Chown here too when we can (harmless if not).
chown 65532:65532 "$DIST/state" 2>/dev/null || true

# Only rootfs/ and state/ go to the daemon, whatever else lands in dist/.
printf '*\n!rootfs\n!state\n' >"$DIST/.dockerignore"

step "docker build -t $IMAGE (BASE_IMAGE=$BASE_IMAGE)"
# Without buildx, DOCKER_BUILDKIT=1 is an error: use the legacy builder.
if ! docker buildx version >/dev/null 2>&1; then
    export DOCKER_BUILDKIT=0
fi
docker build -t "$IMAGE" --build-arg "BASE_IMAGE=$BASE_IMAGE" -f docker/Dockerfile "$DIST"

docker image inspect "$IMAGE" --format "$IMAGE {{.Id}} {{.Size}} bytes" >&2
