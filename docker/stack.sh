# Sourced by docker/smoke.sh and docker/catalogue.sh (after common.sh): one compose project's
# stack, started, waited for and torn down. Needs PROJECT set.

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
dc() { docker-compose -p "$PROJECT" -f docker-compose.yml "$@"; }
# The profile makes `down` see the client service's containers too.
teardown() { dc --profile client down -v --remove-orphans; }
# What this project left behind (compose labels everything it creates with the project name).
leftovers() {
    local label="label=com.docker.compose.project=$PROJECT"
    docker ps -aq --filter "$label"
    docker network ls -q --filter "$label"
    docker volume ls -q --filter "$label"
}

# Down with volumes; fails if anything of the project is left behind.
teardown_clean() {
    local rc=0
    step "docker-compose down -v"
    teardown || rc=1
    if [[ -n "$(leftovers)" ]]; then
        echo "left behind by project $PROJECT:" $(leftovers) >&2
        rc=1
    fi
    return "$rc"
}

# wait_healthy SECONDS SERVICE...: until Docker reports each service's container healthy (its
# image's `healthcheck` subcommand); fails at once on unhealthy or exited.
wait_healthy() {
    local limit=$1 deadline=$((SECONDS + $1)) service id status
    shift
    for service in "$@"; do
        id=$(dc ps -q "$service")
        [[ -n "$id" ]] || fail "no $service container"
        until [[ "$(docker inspect --format '{{.State.Health.Status}}' "$id")" == healthy ]]; do
            status=$(docker inspect --format '{{.State.Status}} {{.State.Health.Status}}' "$id")
            [[ "$status" != *unhealthy && "$status" != exited* ]] || fail "$service is $status"
            ((SECONDS < deadline)) || fail "$service not healthy after ${limit}s ($status)"
            sleep 1
        done
        echo "$service: healthy"
    done
}
