#!/usr/bin/env bash
# Builds fedlab's images with no registry: compiles the three binaries on the host, stages them
# with their own glibc libraries into dist/rootfs, and builds each stage of docker/Dockerfile
# FROM scratch with dist/ as the (small) context: the generic image (all three binaries) and one
# per service (entrypoint, configuration and HEALTHCHECK). Idempotent: re-running re-stages from
# scratch and rebuilds the images.
#
# Environment:
#   IMAGE                generic image tag                  [fedlab:local]
#   FEDLAB_GITLAB_IMAGE  mock-gitlab's image                [IMAGE's name + -gitlab, fedlab-gitlab:local]
#   FEDLAB_STS_IMAGE     mock-sts's image                   [IMAGE's name + -sts, fedlab-sts:local]
#   BASE_IMAGE           base image (must exist locally)    [scratch]
#                        With any other base the host's glibc is not staged (the base brings its
#                        own, which must be at least as new as the build host's).
#   STRIP=1              strip debug info from the staged binaries (smaller image, no line numbers)
#   FIXED_PKI=1          run mock-gitlab once here, for https://gitlab.example.com:8443, so every
#                        image carries its state in /state (CA, chain and keys, the CA's private
#                        key included): each container then serves that CA, and others trust it
#                        without sharing a volume (GitLab CI services, docs/gitlab-ci.md)
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
source docker/common.sh

BASE_IMAGE="${BASE_IMAGE:-scratch}"
STRIP="${STRIP:-0}"
FIXED_PKI="${FIXED_PKI:-0}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
DIST=dist
ROOTFS="$DIST/rootfs"
BINS=(mock-gitlab mock-sts fedlab)

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
    bins=()
    for bin in "${BINS[@]}"; do bins+=("$ROOTFS/usr/local/bin/$bin"); done
    stage_libraries "$ROOTFS" "${bins[@]}"
fi
write_nsswitch "$ROOTFS"
if [[ "$FIXED_PKI" == 1 ]]; then
    step "mock-gitlab's state for https://gitlab.example.com:8443 in $DIST/state (FIXED_PKI=1)"
    # Written before the ready line; the server is stopped once that line is read. Its leaf
    # names 127.0.0.1 and the issuer's host, which is what a container listening on 0.0.0.0
    # needs, so the container reuses the chain rather than making a new one.
    coproc GITLAB { exec env -i "$TARGET_DIR/release/mock-gitlab" --listen 127.0.0.1:0 \
        --external-url https://gitlab.example.com:8443 --state-dir "$DIST/state" 2>/dev/null; }
    read -r -t 120 ready <&"${GITLAB[0]}" || { echo "mock-gitlab did not start" >&2; exit 1; }
    kill "$GITLAB_PID"
    wait "$GITLAB_PID" || true
    [[ -s "$DIST/state/ca.pem" ]] || { echo "no ca.pem in $DIST/state: $ready" >&2; exit 1; }
fi
# /state is copied by the Dockerfile with --chown=65532:65532, so a named volume initialised
# from the image is writable by the non-root user. Chown here too when we can (harmless if not).
chown 65532:65532 "$DIST/state" 2>/dev/null || true

# Only rootfs/ and state/ go to the daemon, whatever else lands in dist/.
printf '*\n!rootfs\n!state\n' >"$DIST/.dockerignore"

# One build per stage; the legacy builder reuses the shared layers from its cache.
for target in fedlab:"$IMAGE" gitlab:"$FEDLAB_GITLAB_IMAGE" sts:"$FEDLAB_STS_IMAGE"; do
    tag="${target#*:}"
    step "docker build --target ${target%%:*} -t $tag (BASE_IMAGE=$BASE_IMAGE)"
    docker build --target "${target%%:*}" -t "$tag" --build-arg "BASE_IMAGE=$BASE_IMAGE" \
        -f docker/Dockerfile "$DIST"
    docker image inspect "$tag" --format "$tag {{.Id}} {{.Size}} bytes" >&2
done
