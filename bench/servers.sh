# Sourced by the bench scripts that start the mocks as processes: a temporary directory and the
# started processes, both cleaned up on exit, and helpers to read a ready line.
# The caller sets `set -euo pipefail` and BIN.

tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

ready_line() { # FILE: the server's first stdout line, waited for up to 60 s
    local deadline=$((SECONDS + 60))
    until [[ -s "$1" ]]; do
        ((SECONDS < deadline)) || { echo "$(basename "$0"): no ready line in $1" >&2; exit 1; }
        sleep 0.05
    done
    head -n1 "$1"
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
