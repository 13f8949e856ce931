"""fedlab's boto3 client: get credentials through web identity as a GitLab job's boto3 does, then
call GetCallerIdentity with them, and print exactly one JSON line saying what happened:

  {"result": "credentials", "caller_arn": "arn:aws:sts::…"}
  {"result": "error", "code": "AccessDenied", "message": "…" or null}
  {"result": "broken", "reason": "…"}

Without arguments the default session's own web-identity provider does the work (it reads
AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE and calls AWS_ENDPOINT_URL_STS). With
--duration-seconds N the job calls assume_role_with_web_identity itself, as GitLab's tutorial does
with the aws CLI, since the provider never sends DurationSeconds. Nothing secret is printed.
"""

import json
import os
import sys


def report(**fields):
    print(json.dumps(fields), flush=True)


def via_provider(boto3):
    return boto3.client("sts").get_caller_identity()["Arn"]


def via_direct_call(boto3, duration):
    role_arn = os.environ.get("AWS_ROLE_ARN", "")
    token_file = os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE", "")
    session_name = os.environ.get("AWS_ROLE_SESSION_NAME", "")
    # The tutorial passes everything explicitly, so the session must not also find a
    # web-identity setup of its own.
    for name in ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        os.environ.pop(name, None)
    # Verbatim, as the aws CLI's file:// reads it.
    with open(token_file, encoding="utf-8") as f:
        token = f.read()
    from botocore import UNSIGNED
    from botocore.config import Config

    anonymous = boto3.client("sts", config=Config(signature_version=UNSIGNED))
    answer = anonymous.assume_role_with_web_identity(
        RoleArn=role_arn,
        RoleSessionName=session_name,
        WebIdentityToken=token,
        DurationSeconds=duration,
    )
    credentials = answer["Credentials"]
    signed = boto3.client(
        "sts",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    return signed.get_caller_identity()["Arn"]


def main(argv):
    duration = None
    if len(argv) == 2 and argv[0] == "--duration-seconds":
        duration = int(argv[1])
    elif argv:
        report(result="broken", reason="usage: boto3_client.py [--duration-seconds N]")
        return 2
    try:
        import boto3
        from botocore.exceptions import ClientError
    except ImportError as err:
        report(result="broken", reason=f"boto3 is not installed: {err}")
        return 2
    try:
        arn = via_provider(boto3) if duration is None else via_direct_call(boto3, duration)
    except ClientError as err:
        error = err.response.get("Error", {})
        report(result="error", code=error.get("Code", ""), message=error.get("Message"))
        return 1
    except Exception as err:  # noqa: BLE001 - every other failure is the client's own
        report(result="broken", reason=f"{type(err).__name__}: {err}")
        return 1
    report(result="credentials", caller_arn=arn)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
