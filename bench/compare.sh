#!/usr/bin/env bash
# mock-sts side by side with moto's server: the same OIDC provider and role in both (created
# through their IAM APIs with boto3), one token minted by mock-gitlab, then
# `fedlab bench assume --endpoint ...` against each in alternating rounds, and the ratio of their
# request rates. Everything listens on 127.0.0.1 and is stopped on exit; moto's server is
# installed into a temporary venv (pip, from PyPI) that is removed again.
#
# moto verifies nothing (any token assumes any role), so its side does less work per request.
#
# Build first:  cargo build --release -j2 -p fedlab -p mock-gitlab -p mock-sts
# Environment:
#   ROUNDS        rounds, each one run against each server     [3]
#   DURATION      measured time of one run                     [10s]
#   WARMUP        unmeasured warm-up of one run                [2s]
#   CONNECTIONS   keep-alive connections                       [32]
#   BIN           where fedlab, mock-gitlab and mock-sts are   [target/release]
#   MOTO_SPEC     what pip installs                            ['moto[server]']
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-32}"
BIN="${BIN:-target/release}"
MOTO_SPEC="${MOTO_SPEC:-moto[server]}"
ADMIN_AK=AKIAIOSFODNN7EXAMPLE
ADMIN_SK=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
# Loopback only, never through a proxy, never the user's AWS configuration.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE

step() { printf '== %s\n' "$*" >&2; }
fail() { printf 'compare.sh: %s\n' "$*" >&2; exit 1; }

for tool in fedlab mock-gitlab mock-sts; do
    [[ -x "$BIN/$tool" ]] || fail "$BIN/$tool not found; run: cargo build --release -j2 -p fedlab -p mock-gitlab -p mock-sts"
done

tmp=$(mktemp -d)
pids=()
cleanup() {
    local rc=$?
    trap - EXIT
    # Only the servers this script started, by their process ids.
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The first line a server prints on stdout (its ready line), waited for up to 60 s.
ready_line() {
    local file=$1 pid=$2 deadline=$((SECONDS + 60))
    until [[ -s "$file" ]]; do
        kill -0 "$pid" 2>/dev/null || fail "server $pid exited: $(cat "$file.log" 2>/dev/null)"
        ((SECONDS < deadline)) || fail "no ready line in $file after 60 s"
        sleep 0.05
    done
    head -n1 "$file"
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

step "installing $MOTO_SPEC into a temporary venv"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "$MOTO_SPEC"
moto_version=$("$tmp/venv/bin/python" -c 'import moto; print(moto.__version__)')

step "starting mock-gitlab and mock-sts"
"$BIN/mock-gitlab" --listen 127.0.0.1:0 --state-dir "$tmp/gitlab" >"$tmp/gitlab.ready" 2>"$tmp/gitlab.ready.log" &
pids+=($!)
gitlab=$(ready_line "$tmp/gitlab.ready" "${pids[-1]}")
issuer=$(field "$gitlab" issuer)
ca=$(field "$gitlab" ca_pem)
thumbprint=$(field "$gitlab" thumbprint)
admin_url=$(field "$gitlab" admin_url)
"$BIN/mock-sts" --listen 127.0.0.1:0 --trust-ca "$ca" >"$tmp/sts.ready" 2>"$tmp/sts.ready.log" &
pids+=($!)
sts=$(field "$(ready_line "$tmp/sts.ready" "${pids[-1]}")" endpoint)

step "starting moto_server $moto_version"
moto_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto="http://127.0.0.1:$moto_port"
"$tmp/venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$tmp/moto.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 60))
until curl -s -o /dev/null --max-time 2 "$moto/moto-api/"; do
    kill -0 "${pids[-1]}" 2>/dev/null || fail "moto_server exited: $(cat "$tmp/moto.log")"
    ((SECONDS < deadline)) || fail "moto_server not answering at $moto after 60 s"
    sleep 0.2
done

step "minting one ID token (valid 1 h) from mock-gitlab"
curl -fsS --max-time 10 --cacert "$ca" -X POST "$admin_url/-/mock/id_tokens" \
    -H 'content-type: application/json' \
    -d '{"aud": "sts.amazonaws.com", "project_path": "mygroup/myproject", "expires_in": 3600}' \
    >"$tmp/mint.json"
python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["token"])' "$tmp/mint.json" >"$tmp/token"

# GitLab's tutorial account, created the same way in both through the IAM API.
cat >"$tmp/setup.py" <<'PY'
import json, sys
import boto3
endpoint, issuer, thumbprint, key, secret = sys.argv[1:]
host = issuer.split("://", 1)[1]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
provider = iam.create_open_id_connect_provider(
    Url=issuer, ClientIDList=["sts.amazonaws.com"], ThumbprintList=[thumbprint])
policy = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": provider["OpenIDConnectProviderArn"]},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
        "StringEquals": {f"{host}:aud": "sts.amazonaws.com"},
        "StringLike": {f"{host}:sub": "project_path:mygroup/*:ref_type:branch:ref:main"},
    },
}]}
role = iam.create_role(RoleName="gitlab-ci", AssumeRolePolicyDocument=json.dumps(policy))
print(role["Role"]["Arn"])
PY
step "creating the provider and role in mock-sts and in moto"
sts_role=$("$tmp/venv/bin/python" "$tmp/setup.py" "$sts" "$issuer" "$thumbprint" "$ADMIN_AK" "$ADMIN_SK")
moto_role=$("$tmp/venv/bin/python" "$tmp/setup.py" "$moto" "$issuer" "$thumbprint" "$ADMIN_AK" "$ADMIN_SK")

bench() { # NAME ENDPOINT ROLE ROUND
    # Exit 1 means some answers failed their check; the JSON says which, and the summary shows it.
    "$BIN/fedlab" bench assume --endpoint "$2" --role-arn "$3" --token-file "$tmp/token" \
        --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --json \
        >"$tmp/$1-$4.json" || [[ $? == 1 ]]
}
for round in $(seq 1 "$ROUNDS"); do
    step "round $round/$ROUNDS: mock-sts, then moto ($DURATION each, $CONNECTIONS connections)"
    bench mock-sts "$sts" "$sts_role" "$round"
    bench moto "$moto" "$moto_role" "$round"
done

python3 - "$tmp" "$ROUNDS" "$moto_version" <<'PY'
import json, sys
tmp, rounds, moto_version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(name, r):
    return json.load(open(f"{tmp}/{name}-{r}.json"))
totals = {"mock-sts": [0, 0.0, 0], "moto": [0, 0.0, 0]}
print(f"{'round':>5}  {'server':<9} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
for r in range(1, rounds + 1):
    for name in ("mock-sts", "moto"):
        rep = load(name, r)
        errors = sum(rep["errors"].values())
        t = totals[name]
        t[0] += rep["requests"]; t[1] += rep["seconds"]; t[2] += errors
        lat = rep["latency_ms"]
        print(f"{r:>5}  {name:<9} {rep['requests_per_second']:>10.1f} {lat['p50']:>8.2f} "
              f"{lat['p99']:>8.2f} {lat['max']:>8.2f} {errors:>7}")
        for cause, count in rep["errors"].items():
            print(f"{'':>17}{count} x {cause}")
rate = {name: t[0] / t[1] if t[1] else 0.0 for name, t in totals.items()}
print(f"mock-sts {rate['mock-sts']:.1f} req/s, moto {moto_version} {rate['moto']:.1f} req/s "
      f"(all rounds); errors: mock-sts {totals['mock-sts'][2]}, moto {totals['moto'][2]}")
if rate["moto"] > 0:
    print(f"ratio mock-sts/moto: {rate['mock-sts'] / rate['moto']:.1f}x")
else:
    print("ratio mock-sts/moto: moto answered nothing")
PY
