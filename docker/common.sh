# Sourced by docker/build.sh, build-client.sh and smoke.sh.
#
# The image tags, each overridable, the service images named after IMAGE (fedlab:local ->
# fedlab-gitlab:local, fedlab-sts:local, fedlab-client:local). The FEDLAB_*_IMAGE names are the
# ones docker-compose.yml reads.
IMAGE="${IMAGE:-fedlab:local}"
image_repo="${IMAGE%:*}"
image_tag="${IMAGE##*:}"
# No tag (the last colon, if any, belongs to a registry port): Docker's default tag.
if [[ "$image_repo" == "$IMAGE" || "$image_tag" == */* ]]; then
    image_repo="$IMAGE"
    image_tag=latest
fi
export FEDLAB_GITLAB_IMAGE="${FEDLAB_GITLAB_IMAGE:-$image_repo-gitlab:$image_tag}"
export FEDLAB_STS_IMAGE="${FEDLAB_STS_IMAGE:-$image_repo-sts:$image_tag}"
export FEDLAB_CLIENT_IMAGE="${FEDLAB_CLIENT_IMAGE:-$image_repo-client:$image_tag}"

# Without buildx, DOCKER_BUILDKIT=1 is an error: use the legacy builder.
if ! docker buildx version >/dev/null 2>&1; then
    export DOCKER_BUILDKIT=0
fi

step() { printf '== %s\n' "$*" >&2; }

# stage_libraries ROOTFS FILE...: every absolute path ldd names for the FILEs (libraries and the
# dynamic loader) copied into ROOTFS at the same path, symlinks resolved, so the files run in a
# FROM scratch image. linux-vdso has no path and is skipped.
stage_libraries() {
    local rootfs=$1 libs lib
    shift
    libs=$(for file in "$@"; do
        ldd "$file" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
    done | sort -u)
    [[ -n "$libs" ]] || { echo "ldd found no libraries (static binaries?)" >&2; return 1; }
    for lib in $libs; do
        mkdir -p "$rootfs$(dirname "$lib")"
        cp -L "$lib" "$rootfs$lib"
        chmod 0755 "$rootfs$lib"
        echo "  $lib" >&2
    done
    if ! grep -q 'ld-linux' <<<"$libs"; then
        echo "ldd did not report the dynamic loader" >&2
        return 1
    fi
}

# write_nsswitch ROOTFS: glibc's resolver reads this; without it, service names and network
# aliases (gitlab.example.com) may not resolve.
write_nsswitch() {
    mkdir -p "$1/etc"
    printf 'hosts: files dns\n' >"$1/etc/nsswitch.conf"
}
