#!/bin/sh
# The entrypoint of fedlab-client:local (docker-compose.yml's `client` service): GitLab's tutorial
# job "assume role" (GitLab docs, "Configure OpenID Connect in AWS to retrieve temporary
# credentials", https://docs.gitlab.com/ci/cloud_services/aws/) with the aws CLI, inside the
# compose network, against mock-gitlab (https://gitlab.example.com:8443) and mock-sts
# (http://sts:8080). Before the job's script, it does what GitLab and an AWS administrator would
# have done: mint the job's ID token, and create the OIDC provider and the role if missing.
# Exits non-zero if any step fails; the output ends with get-caller-identity's JSON.
set -eu

ISSUER="${ISSUER:-https://gitlab.example.com:8443}"
AUDIENCE="${AUDIENCE:-https://gitlab.example.com}" # the tutorial's id_tokens aud
ACCOUNT="${ACCOUNT:-123456789012}"
ROLE_NAME="${ROLE_NAME:-gitlab-tutorial}"
CA_FILE="${CA_FILE:-/gitlab-state/ca.pem}"
# mock-sts's default admin keys, the example keys of AWS's documentation.
ADMIN_ACCESS_KEY_ID="${ADMIN_ACCESS_KEY_ID:-AKIAIOSFODNN7EXAMPLE}"
ADMIN_SECRET_ACCESS_KEY="${ADMIN_SECRET_ACCESS_KEY:-wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}"
# The job's predefined variables.
CI_PROJECT_ID="${CI_PROJECT_ID:-42}"
CI_PIPELINE_ID="${CI_PIPELINE_ID:-1001}"
ROLE_ARN="arn:aws:iam::$ACCOUNT:role/$ROLE_NAME"
issuer_host=${ISSUER#https://}

echo "== GitLab: the job's id_tokens: GITLAB_OIDC_TOKEN (aud $AUDIENCE), minted by mock-gitlab"
GITLAB_OIDC_TOKEN=$(python3 - "$ISSUER" "$AUDIENCE" "$CA_FILE" <<'EOF'
import json, ssl, sys, urllib.request
issuer, audience, ca_file = sys.argv[1:]
request = urllib.request.Request(
    issuer + "/-/mock/id_tokens",
    data=json.dumps({"aud": audience}).encode(),
    headers={"content-type": "application/json"},
)
# No proxy: the issuer is a container of this network.
opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),
    urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file)),
)
with opener.open(request, timeout=10) as response:
    print(json.load(response)["token"])
EOF
)
echo "token: ${#GITLAB_OIDC_TOKEN} bytes"

echo "== AWS administrator: OIDC provider $issuer_host and role $ROLE_NAME (if missing)"
admin() {
    AWS_ACCESS_KEY_ID="$ADMIN_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$ADMIN_SECRET_ACCESS_KEY" aws "$@"
}
provider_arn="arn:aws:iam::$ACCOUNT:oidc-provider/$issuer_host"
if admin iam get-open-id-connect-provider --open-id-connect-provider-arn "$provider_arn" \
    >/dev/null 2>&1; then
    # Idempotent in IAM: adding a client ID the provider has is no error.
    admin iam add-client-id-to-open-id-connect-provider \
        --open-id-connect-provider-arn "$provider_arn" --client-id "$AUDIENCE"
else
    admin iam create-open-id-connect-provider --url "$ISSUER" --client-id-list "$AUDIENCE" \
        --output text
fi
if ! admin iam get-role --role-name "$ROLE_NAME" >/dev/null 2>&1; then
    admin iam create-role --role-name "$ROLE_NAME" --query Role.Arn --output text \
        --assume-role-policy-document "{
  \"Version\": \"2012-10-17\",
  \"Statement\": [{
    \"Effect\": \"Allow\",
    \"Principal\": {\"Federated\": \"$provider_arn\"},
    \"Action\": \"sts:AssumeRoleWithWebIdentity\",
    \"Condition\": {\"StringEquals\": {
      \"$issuer_host:sub\": \"project_path:mygroup/myproject:ref_type:branch:ref:main\"
    }}
  }]
}"
fi

echo "== the tutorial job's script"
# As written in the tutorial; the backslashes stand for the line breaks YAML's `>` folds.
export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" \
    $(aws sts assume-role-with-web-identity \
    --role-arn ${ROLE_ARN} \
    --role-session-name "GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}" \
    --web-identity-token ${GITLAB_OIDC_TOKEN} \
    --duration-seconds 3600 \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' \
    --output text))
aws sts get-caller-identity
