#!/usr/bin/env bash
# Smoke test of the containers: build the images, start docker-compose.yml, wait until Docker
# reports both mocks healthy (their own `healthcheck` subcommands), check both from the host, then
# prove the in-network path: mock-sts (in its container) fetches discovery and JWKS from
# https://gitlab.example.com:8443 (a network alias) trusting the CA mock-gitlab wrote into the
# shared volume, and issues credentials for a token minted by mock-gitlab. With the client image
# (docker/build-client.sh), GitLab's tutorial job also runs with the aws CLI inside the network.
# Always tears the stack down (containers, network, volume; the images stay). Exits non-zero on
# any failure. Project, images and host ports come from the environment, so it can run beside
# another stack.
#
# Environment:
#   SKIP_BUILD=1           use the existing images instead of running docker/build.sh
#   IMAGE                  generic image; the service images are named after it   [fedlab:local]
#   FEDLAB_GITLAB_IMAGE, FEDLAB_STS_IMAGE, FEDLAB_CLIENT_IMAGE   see docker/common.sh
#   COMPOSE_PROJECT_NAME   compose project for this run                          [fedlab-smoke]
#   FEDLAB_GITLAB_PORT, FEDLAB_STS_PORT, FEDLAB_S3_PORT   host ports             [8443, 8080, 9000]
#   FEDLAB_AWS_CLI         aws CLI to use on the host                            [aws on PATH]
#   SMOKE_CLIENT           aws | curl | auto (aws if found, else curl --aws-sigv4)   [auto]
#   SMOKE_CLIENT_JOB       auto (if the client image exists) | 1 (required) | 0   [auto]
#   WAIT_SECONDS           how long to wait for both mocks to be healthy         [90]
set -euo pipefail
cd "$(dirname "$0")/.."
source docker/common.sh

PROJECT="${COMPOSE_PROJECT_NAME:-fedlab-smoke}"
export FEDLAB_GITLAB_PORT="${FEDLAB_GITLAB_PORT:-8443}"
export FEDLAB_STS_PORT="${FEDLAB_STS_PORT:-8080}"
export FEDLAB_S3_PORT="${FEDLAB_S3_PORT:-9000}"
WAIT_SECONDS="${WAIT_SECONDS:-90}"
SMOKE_CLIENT="${SMOKE_CLIENT:-auto}"
SMOKE_CLIENT_JOB="${SMOKE_CLIENT_JOB:-auto}"
# The issuer as tokens and policies name it, and the same name on the published port.
ISSUER=https://gitlab.example.com:8443
GITLAB="https://gitlab.example.com:$FEDLAB_GITLAB_PORT"
STS="http://127.0.0.1:$FEDLAB_STS_PORT"
S3="http://127.0.0.1:$FEDLAB_S3_PORT"
ACCOUNT=123456789012
ADMIN_AK=AKIAIOSFODNN7EXAMPLE
ADMIN_SK=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
ROLE_ARN="arn:aws:iam::$ACCOUNT:role/gitlab-ci"
WANT_ARN="arn:aws:sts::$ACCOUNT:assumed-role/gitlab-ci/smoke"
# Never a DNS lookup and never a proxy: everything below goes to 127.0.0.1.
RESOLVE=(--resolve "gitlab.example.com:$FEDLAB_GITLAB_PORT:127.0.0.1")
export NO_PROXY=127.0.0.1,localhost,gitlab.example.com no_proxy=127.0.0.1,localhost,gitlab.example.com
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy

source docker/stack.sh

tmp=$(mktemp -d)
started=0
cleanup() {
    local rc=$?
    trap - EXIT
    if [[ $started == 1 ]]; then
        if [[ $rc != 0 ]]; then
            echo "---- docker-compose ps / logs / health (failure) ----" >&2
            dc ps >&2 || true
            dc logs --no-color --tail=40 >&2 || true
            for id in $(dc ps -q); do
                docker inspect --format '{{.Name}} {{json .State.Health}}' "$id" >&2 || true
            done
            echo "---- mock-sts request log ----" >&2
            curl -sS --max-time 2 "$STS/-/mock/requests" >&2 || true
            echo >&2
        fi
        teardown_clean || rc=1
    fi
    rm -rf "$tmp"
    if [[ $rc == 0 ]]; then echo "SMOKE PASSED"; else echo "SMOKE FAILED (exit $rc)" >&2; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    step "docker/build.sh"
    bash docker/build.sh
fi
# Fail here rather than let docker-compose try to pull a missing image from a registry.
for image in "$FEDLAB_GITLAB_IMAGE" "$FEDLAB_STS_IMAGE"; do
    docker image inspect "$image" >/dev/null 2>&1 || fail "image $image not found; run docker/build.sh"
done

step "docker-compose up -d (project $PROJECT, ports $FEDLAB_GITLAB_PORT $FEDLAB_STS_PORT $FEDLAB_S3_PORT)"
started=1
teardown >/dev/null 2>&1 || true # leftovers of an interrupted run of this project
# Returns once gitlab is healthy and sts is started (sts depends on gitlab being healthy).
dc up -d

step "waiting up to ${WAIT_SECONDS}s for Docker to report both mocks healthy"
wait_healthy "$WAIT_SECONDS" gitlab sts
gitlab_id=$(dc ps -q gitlab)

step "both mocks answer on 127.0.0.1"
echo "mock-sts: $(curl -fsS --max-time 2 "$STS/-/mock/health")"
docker cp "$gitlab_id:/state/ca.pem" "$tmp/ca.pem"
grep -q 'BEGIN CERTIFICATE' "$tmp/ca.pem" || fail "ca.pem copied from the gitlab container has no certificate"
gl() { curl -fsS --max-time 5 --cacert "$tmp/ca.pem" "${RESOLVE[@]}" "$@"; }
echo "mock-gitlab: $(gl "$GITLAB/-/health")"
# Any HTTP answer will do (an anonymous ListBuckets is refused); 000 means no answer at all.
s3_code=$(curl -sS --max-time 2 -o /dev/null -w '%{http_code}' "$S3/" || true)
[[ "$s3_code" != 000 && -n "$s3_code" ]] || fail "mock-sts's S3 listener does not answer at $S3"
echo "mock-sts S3: HTTP $s3_code"

step "discovery over HTTPS from the host (CA from the container, --resolve to 127.0.0.1)"
gl "$GITLAB/.well-known/openid-configuration" >"$tmp/discovery.json"
grep -Eq '"issuer"[[:space:]]*:[[:space:]]*"https://gitlab\.example\.com:8443"' "$tmp/discovery.json" ||
    fail "discovery does not show issuer $ISSUER: $(cat "$tmp/discovery.json")"
echo "issuer: $ISSUER"

step "minting an ID token (aud sts.amazonaws.com)"
gl -X POST "$GITLAB/-/mock/id_tokens" -H 'content-type: application/json' \
    -d '{"aud":"sts.amazonaws.com"}' >"$tmp/mint.json"
token=$(sed -nE 's/.*"token"[[:space:]]*:[[:space:]]*"([^"]+)".*/\1/p' "$tmp/mint.json")
[[ "$token" == *.*.* ]] || fail "no token in the mint response"
printf '%s' "$token" >"$tmp/token" # no trailing newline: the CLI sends the file as is
echo "token: ${#token} bytes"

cat >"$tmp/trust-policy.json" <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::$ACCOUNT:oidc-provider/gitlab.example.com:8443"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "gitlab.example.com:8443:aud": "sts.amazonaws.com",
          "gitlab.example.com:8443:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"
        }
      }
    }
  ]
}
EOF

aws_bin="${FEDLAB_AWS_CLI:-$(command -v aws || true)}"
case "$SMOKE_CLIENT" in
auto) if [[ -n "$aws_bin" ]]; then SMOKE_CLIENT=aws; else SMOKE_CLIENT=curl; fi ;;
aws) [[ -n "$aws_bin" ]] || fail "SMOKE_CLIENT=aws but no aws CLI found" ;;
curl) ;;
*) fail "SMOKE_CLIENT must be aws, curl or auto" ;;
esac

if [[ "$SMOKE_CLIENT" == aws ]]; then
    mkdir -p "$tmp/home"
    printf '[default]\nregion = us-east-1\ncli_follow_urlparam = false\n' >"$tmp/aws-config"
    # A pyenv shim finds its root through HOME unless PYENV_ROOT is set.
    if [[ -z "${PYENV_ROOT:-}" && -d "$HOME/.pyenv" ]]; then export PYENV_ROOT="$HOME/.pyenv"; fi
    awsx() {
        env -u AWS_CA_BUNDLE -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN \
            -u AWS_ROLE_ARN -u AWS_WEB_IDENTITY_TOKEN_FILE -u AWS_ROLE_SESSION_NAME \
            -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_STS -u AWS_ENDPOINT_URL_IAM \
            HOME="$tmp/home" AWS_CONFIG_FILE="$tmp/aws-config" \
            AWS_SHARED_CREDENTIALS_FILE="$tmp/home/credentials" \
            AWS_ACCESS_KEY_ID="$ADMIN_AK" AWS_SECRET_ACCESS_KEY="$ADMIN_SK" \
            AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER= \
            "$aws_bin" --endpoint-url "$STS" "$@"
    }
    step "aws CLI: $("$aws_bin" --version 2>&1)"
    step "aws iam create-open-id-connect-provider"
    awsx iam create-open-id-connect-provider --url "$ISSUER" --client-id-list sts.amazonaws.com \
        --output text
    step "aws iam create-role gitlab-ci"
    awsx iam create-role --role-name gitlab-ci \
        --assume-role-policy-document "file://$tmp/trust-policy.json" \
        --query Role.Arn --output text
    step "aws sts assume-role-with-web-identity (mock-sts fetches keys from gitlab.example.com)"
    read -r arn ak sk st < <(awsx sts assume-role-with-web-identity --role-arn "$ROLE_ARN" \
        --role-session-name smoke --web-identity-token "file://$tmp/token" \
        --query '[AssumedRoleUser.Arn, Credentials.AccessKeyId, Credentials.SecretAccessKey, Credentials.SessionToken]' \
        --output text)
    echo "AssumedRoleUser.Arn: $arn"
    [[ "$arn" == "$WANT_ARN" ]] || fail "expected $WANT_ARN"
    [[ "$ak" == ASIA* ]] || fail "expected ASIA... credentials"
    step "aws sts get-caller-identity with the issued credentials"
    caller=$(AWS_ACCESS_KEY_ID="$ak" AWS_SECRET_ACCESS_KEY="$sk" AWS_SESSION_TOKEN="$st" \
        env -u AWS_CA_BUNDLE -u AWS_PROFILE HOME="$tmp/home" AWS_CONFIG_FILE="$tmp/aws-config" \
        AWS_SHARED_CREDENTIALS_FILE="$tmp/home/credentials" AWS_DEFAULT_REGION=us-east-1 \
        AWS_EC2_METADATA_DISABLED=true \
        "$aws_bin" --endpoint-url "$STS" sts get-caller-identity --query Arn --output text)
    echo "GetCallerIdentity.Arn: $caller"
    [[ "$caller" == "$WANT_ARN" ]] || fail "expected $WANT_ARN"
else
    # No aws CLI: the same calls with curl (SigV4 for IAM via --aws-sigv4, STS unsigned).
    query() { # query OUTFILE [curl args…]: POST to mock-sts, fail with the body on non-2xx
        local out=$1 code
        shift
        code=$(curl -sS --max-time 20 -o "$out" -w '%{http_code}' -X POST "$STS/" "$@")
        [[ "$code" == 2* ]] || fail "HTTP $code from mock-sts: $(cat "$out")"
    }
    iam() { query "$@" --aws-sigv4 "aws:amz:us-east-1:iam" --user "$ADMIN_AK:$ADMIN_SK" \
        --data-urlencode Version=2010-05-08; }
    step "curl: IAM CreateOpenIDConnectProvider"
    iam "$tmp/provider.xml" --data-urlencode Action=CreateOpenIDConnectProvider \
        --data-urlencode "Url=$ISSUER" --data-urlencode ClientIDList.member.1=sts.amazonaws.com
    grep -o '<OpenIDConnectProviderArn>[^<]*' "$tmp/provider.xml" | sed 's/<[^>]*>//'
    step "curl: IAM CreateRole gitlab-ci"
    iam "$tmp/role.xml" --data-urlencode Action=CreateRole --data-urlencode RoleName=gitlab-ci \
        --data-urlencode "AssumeRolePolicyDocument@$tmp/trust-policy.json"
    step "curl: STS AssumeRoleWithWebIdentity (mock-sts fetches keys from gitlab.example.com)"
    query "$tmp/assume.xml" --data-urlencode Action=AssumeRoleWithWebIdentity \
        --data-urlencode Version=2011-06-15 --data-urlencode "RoleArn=$ROLE_ARN" \
        --data-urlencode RoleSessionName=smoke --data-urlencode "WebIdentityToken@$tmp/token"
    arn=$(sed -nE 's/.*<AssumedRoleUser>.*<Arn>([^<]*)<\/Arn>.*/\1/p' <(tr -d '\n' <"$tmp/assume.xml"))
    echo "AssumedRoleUser.Arn: $arn"
    [[ "$arn" == "$WANT_ARN" ]] || fail "expected $WANT_ARN"
fi

case "$SMOKE_CLIENT_JOB" in
auto) if docker image inspect "$FEDLAB_CLIENT_IMAGE" >/dev/null 2>&1; then SMOKE_CLIENT_JOB=1; else
    echo "(no image $FEDLAB_CLIENT_IMAGE: GitLab's tutorial job in the network skipped; docker/build-client.sh builds it)"
    SMOKE_CLIENT_JOB=0
fi ;;
1) docker image inspect "$FEDLAB_CLIENT_IMAGE" >/dev/null 2>&1 ||
    fail "SMOKE_CLIENT_JOB=1 but no image $FEDLAB_CLIENT_IMAGE; run docker/build-client.sh" ;;
0) ;;
*) fail "SMOKE_CLIENT_JOB must be auto, 1 or 0" ;;
esac
if [[ "$SMOKE_CLIENT_JOB" == 1 ]]; then
    step "GitLab's tutorial job with the aws CLI inside the network (compose service client)"
    dc --profile client run --rm -T client | tee "$tmp/job.log"
    want='"Arn": "arn:aws:sts::123456789012:assumed-role/gitlab-tutorial/GitLabRunner-42-1001"'
    grep -qF "$want" "$tmp/job.log" || fail "the job's get-caller-identity does not show $want"
fi
