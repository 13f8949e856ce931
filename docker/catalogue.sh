#!/usr/bin/env bash
# The scenario catalogue against docker-compose.yml's containers: start the stack, wait until
# Docker reports both mocks healthy, copy mock-gitlab's CA out of its container, and run
# `fedlab run --target compose` with the given clients. Both mocks are reset before each case
# (POST /-/mock/reset); the scenarios that cut the issuer off (gitlab.outage) disconnect, pause
# and stop the gitlab container for real. Always tears the stack down (containers, network,
# volume), and fails if anything of the project is left.
#
# Usage: docker/catalogue.sh [fedlab run options...]     e.g. --client aws-cli --client boto3
# Environment:
#   FEDLAB                 the fedlab binary                              [target/release/fedlab]
#   IMAGE, FEDLAB_*_IMAGE  images, see docker/common.sh (build them with docker/build.sh)
#   COMPOSE_PROJECT_NAME   compose project for this run                   [fedlab-catalogue]
#   FEDLAB_GITLAB_PORT, FEDLAB_STS_PORT, FEDLAB_S3_PORT   host ports      [8443, 8080, 9000]
#   WAIT_SECONDS           how long to wait for both mocks to be healthy  [90]
set -euo pipefail
cd "$(dirname "$0")/.."
source docker/common.sh

PROJECT="${COMPOSE_PROJECT_NAME:-fedlab-catalogue}"
FEDLAB="${FEDLAB:-target/release/fedlab}"
export FEDLAB_GITLAB_PORT="${FEDLAB_GITLAB_PORT:-8443}"
export FEDLAB_STS_PORT="${FEDLAB_STS_PORT:-8080}"
export FEDLAB_S3_PORT="${FEDLAB_S3_PORT:-9000}"
WAIT_SECONDS="${WAIT_SECONDS:-90}"
source docker/stack.sh

[[ -x "$FEDLAB" ]] || fail "$FEDLAB not found: cargo build --release -p fedlab"
for image in "$FEDLAB_GITLAB_IMAGE" "$FEDLAB_STS_IMAGE"; do
    docker image inspect "$image" >/dev/null 2>&1 || fail "image $image not found; run docker/build.sh"
done

tmp=$(mktemp -d)
cleanup() {
    local rc=$?
    trap - EXIT
    if [[ $rc != 0 ]]; then
        dc ps >&2 || true
        dc logs --no-color --tail=20 >&2 || true
    fi
    teardown_clean || rc=1
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "docker-compose up -d (project $PROJECT)"
teardown >/dev/null 2>&1 || true # leftovers of an interrupted run of this project
dc up -d
wait_healthy "$WAIT_SECONDS" gitlab sts
gitlab_id=$(dc ps -q gitlab)
docker cp "$gitlab_id:/state/ca.pem" "$tmp/ca.pem"

step "fedlab run --target compose $*"
"$FEDLAB" run --target compose \
    --sts-endpoint "http://127.0.0.1:$FEDLAB_STS_PORT" \
    --s3-endpoint "http://127.0.0.1:$FEDLAB_S3_PORT" \
    --gitlab-address "127.0.0.1:$FEDLAB_GITLAB_PORT" \
    --gitlab-ca "$tmp/ca.pem" --gitlab-container "$gitlab_id" "$@"
