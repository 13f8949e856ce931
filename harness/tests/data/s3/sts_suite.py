"""S3 through an assumed role, in the style of ceph's s3-tests STS suite (test_sts.py,
test_assume_role_with_web_identity_*): create the OIDC provider, the role and its permission
policy through the IAM API, assume the role with a web identity token, then use S3 with the
session, allowed and denied calls. Prints one JSON object of outcomes for the Rust test to judge.

argv: STS/IAM endpoint, S3 endpoint, issuer URL, thumbprint, token, admin key id, admin secret.
"""

import json
import sys

import boto3
from botocore.exceptions import ClientError

sts_endpoint, s3_endpoint, issuer, thumbprint, token, admin_id, admin_secret = sys.argv[1:8]
admin = dict(
    region_name="us-east-1",
    aws_access_key_id=admin_id,
    aws_secret_access_key=admin_secret,
)
iam = boto3.client("iam", endpoint_url=sts_endpoint, **admin)
host = issuer[len("https://"):]

provider_arn = iam.create_open_id_connect_provider(
    Url=issuer, ClientIDList=["sts.amazonaws.com"], ThumbprintList=[thumbprint]
)["OpenIDConnectProviderArn"]
trust = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": [provider_arn]},
        "Action": ["sts:AssumeRoleWithWebIdentity"],
        "Condition": {"StringEquals": {host + ":aud": "sts.amazonaws.com"}},
    }],
}
role = iam.create_role(
    RoleName="S3Access", Path="/", AssumeRolePolicyDocument=json.dumps(trust)
)["Role"]
permissions = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:CreateBucket", "s3:ListBucket"],
         "Resource": "arn:aws:s3:::tenant-bucket"},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
         "Resource": "arn:aws:s3:::tenant-bucket/*"},
        {"Effect": "Deny", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::tenant-bucket/secret/*"},
    ],
}
iam.put_role_policy(
    RoleName="S3Access", PolicyName="Policy1", PolicyDocument=json.dumps(permissions)
)

root_s3 = boto3.client("s3", endpoint_url=s3_endpoint, **admin)
root_s3.create_bucket(Bucket="other-bucket")

sts = boto3.client("sts", endpoint_url=sts_endpoint, **admin)
credentials = sts.assume_role_with_web_identity(
    RoleArn=role["Arn"], RoleSessionName="s3-tests", WebIdentityToken=token
)["Credentials"]
s3 = boto3.client(
    "s3",
    endpoint_url=s3_endpoint,
    region_name="us-east-1",
    aws_access_key_id=credentials["AccessKeyId"],
    aws_secret_access_key=credentials["SecretAccessKey"],
    aws_session_token=credentials["SessionToken"],
)

outcomes = {}


def attempt(name, call):
    try:
        result = call()
        outcomes[name] = {"ok": True, "result": result}
    except ClientError as err:
        outcomes[name] = {
            "ok": False,
            "code": err.response["Error"]["Code"],
            "message": err.response["Error"].get("Message", ""),
        }


attempt("create_bucket", lambda: s3.create_bucket(Bucket="tenant-bucket")["ResponseMetadata"]["HTTPStatusCode"])
attempt("put_object", lambda: s3.put_object(Bucket="tenant-bucket", Key="hello.txt", Body=b"hello s3-tests")["ETag"])
attempt("get_object", lambda: s3.get_object(Bucket="tenant-bucket", Key="hello.txt")["Body"].read().decode())
attempt("head_object", lambda: s3.head_object(Bucket="tenant-bucket", Key="hello.txt")["ContentLength"])
attempt("list_objects_v2", lambda: [o["Key"] for o in s3.list_objects_v2(Bucket="tenant-bucket")["Contents"]])
attempt("put_secret", lambda: s3.put_object(Bucket="tenant-bucket", Key="secret/a.txt", Body=b"x")["ETag"])
attempt("get_secret", lambda: s3.get_object(Bucket="tenant-bucket", Key="secret/a.txt")["Body"].read().decode())
attempt("get_missing", lambda: s3.get_object(Bucket="tenant-bucket", Key="missing.txt")["Body"].read().decode())
attempt("delete_object", lambda: s3.delete_object(Bucket="tenant-bucket", Key="hello.txt")["ResponseMetadata"]["HTTPStatusCode"])
attempt("list_other_bucket", lambda: s3.list_objects_v2(Bucket="other-bucket")["KeyCount"])
attempt("create_other_bucket", lambda: s3.create_bucket(Bucket="tenant-bucket-2")["ResponseMetadata"]["HTTPStatusCode"])
attempt("list_buckets", lambda: [b["Name"] for b in s3.list_buckets()["Buckets"]])
attempt("root_list_buckets", lambda: [b["Name"] for b in root_s3.list_buckets()["Buckets"]])
attempt("root_delete_object", lambda: root_s3.delete_object(Bucket="tenant-bucket", Key="hello.txt")["ResponseMetadata"]["HTTPStatusCode"])
attempt("root_get_deleted", lambda: root_s3.get_object(Bucket="tenant-bucket", Key="hello.txt")["Body"].read().decode())
print(json.dumps(outcomes))
