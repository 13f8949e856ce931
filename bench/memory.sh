#!/usr/bin/env bash
# Resident memory of both mocks as processes: idle, then every second while `fedlab bench assume`
# sends REQUESTS AssumeRoleWithWebIdentity requests (32 keep-alive connections, full verification
# and the GitLab tutorial's trust policy), then 5 s after the load. Every request issues a session,
# so this also shows the session store's cap at work (docs/state-limits.md).
#
#   cargo build --release -j2 -p fedlab -p mock-gitlab -p mock-sts
#   bash bench/memory.sh [REQUESTS]          (default 1000000; BIN=target/release)
set -euo pipefail
BIN="${BIN:-target/release}"
REQUESTS="${1:-1000000}"
. "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

"$BIN/mock-gitlab" --state-dir "$tmp/gitlab" >"$tmp/gitlab.ready" 2>/dev/null &
gitlab_pid=$!
pids+=("$gitlab_pid")
gitlab=$(ready_line "$tmp/gitlab.ready")
issuer=$(field "$gitlab" issuer)
ca=$(field "$gitlab" ca_pem)
admin_url=$(field "$gitlab" admin_url)
host=${issuer#https://}

cat >"$tmp/seed.yaml" <<YAML
providers:
  - url: "$issuer"
    client_ids: [sts.amazonaws.com]
roles:
  - name: gitlab-ci
    trust_policy: |
      {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/$host"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"$host:aud": "sts.amazonaws.com"},
                      "StringLike": {"$host:sub": "project_path:mygroup/*:ref_type:branch:ref:main"}}}]}
YAML
"$BIN/mock-sts" --trust-ca "$ca" --seed "$tmp/seed.yaml" >"$tmp/sts.ready" 2>/dev/null &
sts_pid=$!
pids+=("$sts_pid")
sts=$(field "$(ready_line "$tmp/sts.ready")" endpoint)

curl -fsS --max-time 10 --cacert "$ca" -X POST "$admin_url/-/mock/id_tokens" \
    -H 'content-type: application/json' \
    -d '{"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject", "expires_in": 7200}' |
    python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["token"])' >"$tmp/token"

echo "idle: mock-gitlab $(rss_mb "$gitlab_pid") MB, mock-sts $(rss_mb "$sts_pid") MB"
"$BIN/fedlab" bench assume --endpoint "$sts" --role-arn arn:aws:iam::123456789012:role/gitlab-ci \
    --token-file "$tmp/token" --requests "$REQUESTS" --connections 32 --warmup 0s >"$tmp/bench.txt" 2>&1 &
bench_pid=$!
peak=0
second=0
while kill -0 "$bench_pid" 2>/dev/null; do
    sleep 1
    second=$((second + 1))
    now=$(rss_mb "$sts_pid")
    peak=$(python3 -c "print(max($peak, $now))")
    ((second % 10 == 0)) && echo "  ${second}s: mock-sts $now MB"
done
wait "$bench_pid" || true
cat "$tmp/bench.txt"
echo "during: mock-sts peak $peak MB"
sleep 5
echo "after (5 s): mock-gitlab $(rss_mb "$gitlab_pid") MB, mock-sts $(rss_mb "$sts_pid") MB"
