"""fedlab's boto3 client: get credentials through web identity as a GitLab job's boto3 does, call
GetCallerIdentity with them, make the S3 calls it is asked for, and print exactly one JSON line
saying what happened:

  {"result": "credentials", "caller_arn": "arn:aws:sts::…", "s3": [null, "AccessDenied", …]}
  {"result": "error", "code": "AccessDenied", "message": "…" or null}
  {"result": "broken", "reason": "…"}

`s3` holds, per S3 call, null for success or the error code botocore reports.

Its one optional argument, `--plan JSON`, says what the job does besides: {"duration_seconds": N,
"policy": "…", "policy_arns": ["arn…"], "s3": [{"operation": "PutObject", "bucket": "…", "key":
"…", "body": "…"}]}. Without a duration or session policy, the default session's own web-identity
provider does the work (it reads AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE and calls
AWS_ENDPOINT_URL_STS). With one, the job calls assume_role_with_web_identity itself, as GitLab's
tutorial does with the aws CLI, since the provider never sends them. Nothing secret is printed.
"""

import json
import os
import sys


def report(**fields):
    print(json.dumps(fields), flush=True)


def via_provider(boto3):
    """The default session's provider; its S3 client shares the session's credentials."""
    arn = boto3.client("sts").get_caller_identity()["Arn"]
    return arn, boto3.client("s3")


def via_direct_call(boto3, plan):
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

    arguments = {
        "RoleArn": role_arn,
        "RoleSessionName": session_name,
        "WebIdentityToken": token,
    }
    if plan.get("duration_seconds") is not None:
        arguments["DurationSeconds"] = plan["duration_seconds"]
    if plan.get("policy") is not None:
        arguments["Policy"] = plan["policy"]
    if plan.get("policy_arns"):
        arguments["PolicyArns"] = [{"arn": arn} for arn in plan["policy_arns"]]
    anonymous = boto3.client("sts", config=Config(signature_version=UNSIGNED))
    credentials = anonymous.assume_role_with_web_identity(**arguments)["Credentials"]
    keys = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    arn = boto3.client("sts", **keys).get_caller_identity()["Arn"]
    return arn, boto3.client("s3", **keys)


def s3_call(s3, call, ClientError):
    """One S3 call; None when it succeeds, else the error code botocore reports."""
    operation, bucket, key = call["operation"], call["bucket"], call["key"]
    try:
        if operation == "CreateBucket":
            arguments = {"Bucket": bucket}
            region = s3.meta.region_name
            if region != "us-east-1":
                arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
            s3.create_bucket(**arguments)
        elif operation == "HeadBucket":
            s3.head_bucket(Bucket=bucket)
        elif operation == "ListBuckets":
            s3.list_buckets()
        elif operation == "DeleteBucket":
            s3.delete_bucket(Bucket=bucket)
        elif operation == "PutObject":
            s3.put_object(Bucket=bucket, Key=key, Body=call["body"].encode())
        elif operation == "GetObject":
            s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        elif operation == "HeadObject":
            s3.head_object(Bucket=bucket, Key=key)
        elif operation == "ListObjectsV2":
            s3.list_objects_v2(Bucket=bucket)
        elif operation == "DeleteObject":
            s3.delete_object(Bucket=bucket, Key=key)
        else:
            raise ValueError(f"unknown S3 operation {operation}")
    except ClientError as err:
        return err.response.get("Error", {}).get("Code", "")
    return None


def main(argv):
    plan = {}
    if len(argv) == 2 and argv[0] == "--plan":
        plan = json.loads(argv[1])
    elif argv:
        report(result="broken", reason="usage: boto3_client.py [--plan JSON]")
        return 2
    try:
        import boto3
        from botocore.exceptions import ClientError
    except ImportError as err:
        report(result="broken", reason=f"boto3 is not installed: {err}")
        return 2
    direct = any(plan.get(k) for k in ("duration_seconds", "policy", "policy_arns"))
    try:
        arn, s3 = via_direct_call(boto3, plan) if direct else via_provider(boto3)
    except ClientError as err:
        error = err.response.get("Error", {})
        report(result="error", code=error.get("Code", ""), message=error.get("Message"))
        return 1
    except Exception as err:  # noqa: BLE001 - every other failure is the client's own
        report(result="broken", reason=f"{type(err).__name__}: {err}")
        return 1
    try:
        replies = [s3_call(s3, call, ClientError) for call in plan.get("s3", [])]
    except Exception as err:  # noqa: BLE001 - an S3 call that got no answer
        report(result="broken", reason=f"{type(err).__name__}: {err}")
        return 1
    report(result="credentials", caller_arn=arn, s3=replies)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
