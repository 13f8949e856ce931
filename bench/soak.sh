#!/usr/bin/env bash
# The hostile-load soak (docs/security.md, "Hostile load and soak"): both mocks as release
# binaries, then `fedlab bench mixed` (valid AssumeRoleWithWebIdentity calls, each echoing its own
# session name; tampered, wrong-audience and expired tokens; a bad DurationSeconds;
# GetCallerIdentity answering its own session's ARN) for REQUESTS requests on CONNECTIONS
# keep-alive connections. Meanwhile mock-sts's resident memory is sampled every SAMPLE seconds.
# At the end: the bench's counts (5xx, wrong answers, transport errors), mock-sts's own request
# counter (`x-mock-requests-total`) against what the bench sent, panics in mock-sts's log, and
# RSS at start, peak and end. Exits 1 if any check fails. Admin routes are loopback-only here,
# as on a shared host; fedlab comes from 127.0.0.1.
#
#   cargo build --release -j2 -p fedlab -p mock-gitlab -p mock-sts
#   bash bench/soak.sh     (REQUESTS=1000000 CONNECTIONS=64 SAMPLE=5 WARMUP=2s BIN=target/release)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-target/release}"
REQUESTS="${REQUESTS:-1000000}"
CONNECTIONS="${CONNECTIONS:-64}"
SAMPLE="${SAMPLE:-5}"
WARMUP="${WARMUP:-2s}"
# Loopback only, never through a proxy.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
# One event per request would be a million log lines; warnings and panics still reach the log.
export RUST_LOG=warn NO_COLOR=1

for tool in fedlab mock-gitlab mock-sts; do
    [[ -x "$BIN/$tool" ]] || { echo "soak.sh: $BIN/$tool not found; run: cargo build --release -j2 -p fedlab -p mock-gitlab -p mock-sts" >&2; exit 1; }
done
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
counted() { # mock-sts's running total of requests answered
    curl -fsS --max-time 10 -o /dev/null -D - "$1/-/mock/requests?since=18446744073709551615" |
        awk -F': *' 'tolower($1) == "x-mock-requests-total" {print $2 + 0}'
}

"$BIN/mock-gitlab" --state-dir "$tmp/gitlab" --admin loopback >"$tmp/gitlab.ready" 2>"$tmp/gitlab.log" &
pids+=("$!")
gitlab=$(ready_line "$tmp/gitlab.ready")
issuer=$(field "$gitlab" issuer)
listen=$(field "$gitlab" listen)
ca=$(field "$gitlab" ca_pem)

"$BIN/mock-sts" --trust-ca "$ca" --admin loopback >"$tmp/sts.ready" 2>"$tmp/sts.log" &
sts_pid=$!
pids+=("$sts_pid")
ready=$(ready_line "$tmp/sts.ready")
sts=$(field "$ready" endpoint)
s3=$(field "$ready" s3_endpoint)

rss_start=$(rss_kb "$sts_pid")
counted_start=$(counted "$sts")
echo "mock-sts $sts (pid $sts_pid), mock-gitlab $issuer at $listen; RSS at start $((rss_start / 1024)) MiB"

started=$SECONDS
"$BIN/fedlab" bench mixed --endpoint "$sts" --s3-endpoint "$s3" --gitlab-url "$issuer" \
    --gitlab-address "$listen" --gitlab-ca "$ca" --connections "$CONNECTIONS" \
    --requests "$REQUESTS" --warmup "$WARMUP" --json >"$tmp/report.json" 2>"$tmp/bench.log" &
bench_pid=$!
peak=$rss_start
: >"$tmp/rss.txt"
while kill -0 "$bench_pid" 2>/dev/null; do
    sleep "$SAMPLE"
    now=$(rss_kb "$sts_pid")
    ((now > peak)) && peak=$now
    echo "$((SECONDS - started)) $now" >>"$tmp/rss.txt"
    echo "  $((SECONDS - started)) s: mock-sts RSS $((now / 1024)) MiB"
done
bench_status=0
wait "$bench_pid" || bench_status=$?
elapsed=$((SECONDS - started))
rss_end=$(rss_kb "$sts_pid")
counted_end=$(counted "$sts")
panics=$(grep -c 'panicked' "$tmp/sts.log" || true)
if [[ ! -s "$tmp/report.json" ]]; then
    cat "$tmp/bench.log" >&2
    echo "soak.sh: fedlab bench failed (exit $bench_status)" >&2
    exit 1
fi

python3 - "$tmp/report.json" "$counted_start" "$counted_end" "$rss_start" "$peak" "$rss_end" "$panics" "$elapsed" "$tmp/rss.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
start, end, rss_start, peak, rss_end, panics, elapsed = map(int, sys.argv[2:9])
samples = [tuple(map(int, line.split())) for line in open(sys.argv[9]) if line.strip()]
sent = report["warmup_requests"] + report["requests"]
counted = report.get("mock_sts_counted")
outside = end - start
mib = lambda kb: kb / 1024
print(f"requests measured   {report['requests']} (+ {report['warmup_requests']} warm-up), {report['connections']} connections")
print(f"measured time       {report['seconds']:.1f} s ({elapsed} s with setup), {report['requests_per_second']:.0f} req/s")
print(f"latency             p50 {report['latency_ms']['p50']:.2f} ms, p99 {report['latency_ms']['p99']:.2f} ms, max {report['latency_ms']['max']:.1f} ms")
print(f"ok                  {report['ok']}")
print(f"5xx                 {report['server_errors']}")
print(f"wrong answers       {report['mismatches']}")
print(f"transport errors    {report['transport_errors']}")
for cause, count in sorted(report["errors"].items()):
    print(f"    {count:>9}  {cause}")
print(f"mock-sts counted    {counted} during the run, bench sent {sent}: {'equal' if counted == sent else 'DIFFERENT'}")
print(f"                    ({outside} over the whole soak, setup's IAM and session calls included)")
print(f"panics in the log   {panics}")
print(f"mock-sts RSS        start {mib(rss_start):.1f} MiB, peak {mib(peak):.1f} MiB, end {mib(rss_end):.1f} MiB ({len(samples)} samples)")
if len(samples) >= 4:
    half = len(samples) // 2
    first = max(kb for _, kb in samples[:half])
    second = max(kb for _, kb in samples[half:])
    print(f"                    peak of the first half {mib(first):.1f} MiB, of the second half {mib(second):.1f} MiB")
ok = (report["server_errors"] == 0 and report["mismatches"] == 0
      and report["transport_errors"] == 0 and counted == sent and panics == 0)
print("soak: " + ("passed" if ok else "FAILED"))
sys.exit(0 if ok else 1)
PY
