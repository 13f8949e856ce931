#!/usr/bin/env bash
# Builds fedlab-client:local, the image of docker-compose.yml's `client` service: the aws CLI v1
# (from PyPI, through pip) on the host's own Python, a POSIX shell, and docker/client-job.sh,
# FROM scratch like the other images, since no registry is used. The Python install is copied to
# the same path it has on the host (the interpreter finds its standard library from there), with
# the glibc libraries its extension modules load. The result is a few hundred MB.
#
# Environment:
#   IMAGE / FEDLAB_CLIENT_IMAGE  tag, as in docker/common.sh   [fedlab-client:local]
#   PYTHON                       the Python to copy, with pip; a venv's is fine (its base
#                                interpreter is copied)                   [python3]
#   AWSCLI                       pip requirement for the aws CLI          [awscli]
#   Offline, point pip at a wheelhouse as usual (PIP_NO_INDEX=1 PIP_FIND_LINKS=DIR).
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
source docker/common.sh

PYTHON="${PYTHON:-python3}"
AWSCLI="${AWSCLI:-awscli}"
DIST=dist/client
ROOTFS="$DIST/rootfs"

# The real interpreter (not a pyenv shim or a venv's link), and the directories of its standard
# library; site-packages are left out: the aws CLI and its dependencies go to /opt/awscli.
read -r python stdlib platstdlib < <("$PYTHON" -c '
import os, sys, sysconfig
print(os.path.realpath(sys.executable), sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib"))')
step "staging $ROOTFS from $python"
rm -rf "$DIST"
mkdir -p "$ROOTFS/bin" "$ROOTFS/usr/local/bin" "$ROOTFS/opt/awscli" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"
mkdir -p "$ROOTFS$(dirname "$python")"
cp -L "$python" "$ROOTFS$python"
# The name client-job.sh calls, next to the interpreter, which finds its library from there.
[[ "$(basename "$python")" == python3 ]] || ln -s "$(basename "$python")" "$ROOTFS$(dirname "$python")/python3"
for dir in $(printf '%s\n' "$stdlib" "$platstdlib" | sort -u); do
    mkdir -p "$ROOTFS$dir"
    # Tests, GUI and packaging tools are not needed to run the CLI; _tkinter would pull in X11.
    tar -C "$dir" -cf - --exclude=./site-packages --exclude=./dist-packages --exclude=./test \
        --exclude=./idlelib --exclude=./tkinter --exclude=./turtledemo --exclude=./ensurepip \
        --exclude=./lib2to3 --exclude='./config-*' --exclude='./lib-dynload/_tkinter*' . |
        tar -C "$ROOTFS$dir" -xf -
done

step "pip install --target /opt/awscli $AWSCLI"
# Through PYTHON as given, whose pip may be a venv's; the packages suit the base interpreter.
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$ROOTFS/opt/awscli" "$AWSCLI"
# pip's own launcher names the interpreter pip ran under, which may be a venv's: not in the image.
rm -rf "$ROOTFS/opt/awscli/bin"
printf '#!/bin/sh\nexec python3 -m awscli "$@"\n' >"$ROOTFS/usr/local/bin/aws"
chmod 0755 "$ROOTFS/usr/local/bin/aws"

step "libraries"
cp -L "$(command -v dash || command -v sh)" "$ROOTFS/bin/sh"
mapfile -t elves < <(find "$ROOTFS" -type f \( -name '*.so' -o -name '*.so.*' \) -print)
stage_libraries "$ROOTFS" "$ROOTFS$python" "$ROOTFS/bin/sh" "${elves[@]}"
write_nsswitch "$ROOTFS"
install -m 0755 docker/client-job.sh "$ROOTFS/usr/local/bin/gitlab-job"
printf '[default]\nregion = us-east-1\ncli_follow_urlparam = false\n' >"$ROOTFS/etc/aws-config"
printf '*\n!rootfs\n' >"$DIST/.dockerignore"

step "docker build -t $FEDLAB_CLIENT_IMAGE"
docker build -t "$FEDLAB_CLIENT_IMAGE" --build-arg "PYTHON_BIN=$(dirname "$python")" \
    -f docker/client.Dockerfile "$DIST"
docker image inspect "$FEDLAB_CLIENT_IMAGE" --format "$FEDLAB_CLIENT_IMAGE {{.Id}} {{.Size}} bytes" >&2
