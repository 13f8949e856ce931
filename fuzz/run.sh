#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS: `bash fuzz/run.sh SECONDS [TARGET...]` (every
# target when none is named). Stable Rust: no sanitizer (`-s none`; ASan needs nightly), with debug
# assertions (`-a`) so an integer overflow is a crash as it is in a debug build of the server.
#
# Each run starts from the live corpus fuzz/corpus/TARGET (not committed; new inputs go there),
# the committed seeds fuzz/seeds/TARGET and the regression corpus the tests replay
# (mock-sts/tests/fuzz_corpus/TARGET, harness/tests/fuzz_corpus/scenario), and fails on:
#   a panic or abort                      (crash-*     in fuzz/artifacts/TARGET/)
#   one input running longer than 10 s   (-timeout=10;        timeout-*)
#   RSS over 2 GiB                        (-rss_limit_mb=2048; oom-*; libFuzzer samples the RSS
#                                          every second: without a sanitizer's allocator hooks
#                                          there is no per-allocation limit)
# Inputs are capped per target (-max_len, below) at a little over what the server accepts for
# that input, so the time goes to inputs a request could carry.
# Exits non-zero when any target found something; each target's libFuzzer log is in
# fuzz/logs/TARGET.log (its last lines hold the final stats).
set -euo pipefail
cd "$(dirname "$0")"

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: bash fuzz/run.sh SECONDS [TARGET...]" >&2
  exit 2
fi
seconds=$1
shift
all=(jwt trust_policy query sigv4_auth scenario s3_request)
targets=("${@:-${all[@]}}")

max_len() {
  case "$1" in
    jwt) echo 20480 ;;          # WebIdentityToken: at most 20000 characters
    query) echo 16384 ;;
    s3_request) echo 16384 ;;
    *) echo 8192 ;;
  esac
}

regression() {
  case "$1" in
    scenario) echo ../harness/tests/fuzz_corpus/scenario ;;
    *) echo "../mock-sts/tests/fuzz_corpus/$1" ;;
  esac
}

flags=(-s none -a)
export CARGO_INCREMENTAL=0
cargo fuzz build "${flags[@]}"

mkdir -p logs
failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target" "$(regression "$target")"
  echo "== fuzz $target for ${seconds}s"
  if cargo fuzz run "${flags[@]}" "$target" "corpus/$target" "seeds/$target" "$(regression "$target")" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len="$(max_len "$target")" -print_final_stats=1 >"logs/$target.log" 2>&1; then
    grep -E '^(#[0-9]+.*DONE|Done [0-9]+ runs)' "logs/$target.log" | tail -2 || true
  else
    echo "!! $target failed; the end of fuzz/logs/$target.log:"
    tail -40 "logs/$target.log"
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that found a crash, timeout or memory blow-up: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
echo "fuzz: ${targets[*]}: no crash, timeout or memory blow-up in ${seconds}s each"
