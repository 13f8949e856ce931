#!/usr/bin/env bash
# Exec-to-ready-line time of both binaries: once cold (mock-gitlab generates its keys and CA into
# a fresh --state-dir), then ROUNDS times warm (the same --state-dir: keys and chain reused).
# The ready line is the first line on stdout; the time is from just before exec to reading it.
#
#   bash bench/startup.sh [TARGET_DIR] [ROUNDS]     (default target/release, 10)
set -euo pipefail
bin="${1:-target/release}"
rounds="${2:-10}"
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT

# Starts a binary, waits for its first stdout line, prints the milliseconds it took, stops it.
ready_ms() {
  local start end pid line
  start=$(date +%s%N)
  exec 3< <("$@" 2>/dev/null & echo "PID $!"; wait)
  read -r line <&3
  pid=${line#PID }
  read -r line <&3
  end=$(date +%s%N)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  exec 3<&-
  echo $(( (end - start) / 1000000 ))
}

summary() {
  sort -n | awk '{a[NR]=$1} END {printf "min %d ms, median %d ms, max %d ms (%d runs)\n", a[1], a[int((NR+1)/2)], a[NR], NR}'
}

echo "mock-gitlab cold (keys generated): $(ready_ms "$bin/mock-gitlab" --state-dir "$state") ms"
echo -n "mock-gitlab warm (--state-dir reused): "
for _ in $(seq "$rounds"); do ready_ms "$bin/mock-gitlab" --state-dir "$state"; done | summary
echo -n "mock-sts: "
for _ in $(seq "$rounds"); do ready_ms "$bin/mock-sts"; done | summary
