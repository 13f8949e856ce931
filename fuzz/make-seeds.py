#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: small, real inputs for each fuzz target, from the project's own test
data (policy tables, scenarios, SigV4 test headers) and hand-made tokens and requests in the
shapes the clients send. Run from the repository root; the output is committed, so this only needs
re-running when the seeds should change. Seeds are starting points for `fuzz/run.sh`; the inputs
the regression tests replay are in mock-sts/tests/fuzz_corpus and harness/tests/fuzz_corpus."""
import base64, glob, hashlib, json, os, re, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
NOW = 1_700_000_000  # the clock of mock_sts::fuzz_api (2023-11-14T22:13:20Z)
AMZ_DATE = "20231114T221320Z"
ADMIN = "AKIAIOSFODNN7EXAMPLE"
SIG = "0" * 64  # any 64 hex digits: the S3 target re-signs the admin key's requests


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def b64(obj):
    text = obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def jwt_seeds():
    claims = {
        "namespace_id": "1", "namespace_path": "mygroup", "project_id": "22",
        "project_path": "mygroup/myproject", "user_id": "42", "user_login": "alice",
        "pipeline_id": "1212", "pipeline_source": "push", "job_id": "1212",
        "ref": "main", "ref_type": "branch", "ref_protected": "true",
        "jti": "235b3a54-b797-45c7-ae9a-f72d7bc6ef5b", "iss": "https://gitlab.example.com",
        "iat": NOW - 60, "nbf": NOW - 65, "exp": NOW + 3540,
        "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main",
        "aud": "https://gitlab.example.com",
    }
    sig = b64("not a real signature, the target stops before any key")
    header = {"alg": "RS256", "kid": "abc123", "typ": "JWT"}
    variants = {
        "gitlab-id-token": (header, claims),
        "aud-list": (header, {**claims, "aud": ["sts.amazonaws.com", "https://gitlab.example.com"]}),
        "session-tags-and-source-identity": (header, {
            **claims,
            "https://aws.amazon.com/tags": {
                "principal_tags": {"Project": ["myproject"], "Team": ["ci"]},
                "transitive_tag_keys": ["Project"],
            },
            "https://aws.amazon.com/source_identity": "alice@example.com",
        }),
        "es256": ({"alg": "ES256", "kid": "k"}, claims),
        "alg-none": ({"alg": "none"}, claims),
        "crit-header": ({"alg": "RS256", "crit": ["exp"]}, claims),
        "expired": (header, {**claims, "exp": NOW - 3600}),
        "not-yet-valid": (header, {**claims, "nbf": NOW + 3600}),
        "missing-sub": (header, {k: v for k, v in claims.items() if k != "sub"}),
        "float-exp": (header, {**claims, "exp": 1.7e9}),
        "iss-number": (header, {**claims, "iss": 12}),
        "legacy-ci-job-jwt": ({"alg": "RS256", "kid": "x", "typ": "JWT"},
                              {k: v for k, v in claims.items() if k != "aud"}),
    }
    for name, (h, c) in variants.items():
        write("jwt", name, f"{b64(h)}.{b64(c)}.{sig}")
    write("jwt", "two-parts", f"{b64(header)}.{b64(claims)}")
    write("jwt", "padded-base64", f"{b64(header)}=.{b64(claims)}.{sig}")


def trust_policy_seeds():
    n = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "mock-sts/tests/policy/*.json"))):
        stem = os.path.basename(path)[:-5]
        for i, group in enumerate(json.load(open(path))):
            policy = group["policy"]
            text = policy if isinstance(policy, str) else json.dumps(policy, indent=1)
            data = text.encode()
            tests = group.get("tests") or []
            keys = (tests[0].get("context") or {}).get("keys") or {} if tests else {}
            sub = next((v for k, v in keys.items() if k.endswith(":sub")), None)
            aud = next((v for k, v in keys.items() if k.endswith(":aud")), None)
            if sub is not None or aud is not None:
                fields = ["gitlab.example.com",
                          sub if isinstance(sub, str) else "",
                          "\n".join(aud) if isinstance(aud, list) else (aud or "")]
                data += b"\0" + "\0".join(fields).encode()
            write("trust_policy", f"{stem}-{i:02}", data)
            n += 1
    tagged = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com"},
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"],
            "Condition": {
                "StringEquals": {"aws:RequestTag/Project": "myproject"},
                "ForAllValues:StringEquals": {"sts:TransitiveTagKeys": ["Project"]},
                "StringLike": {"sts:SourceIdentity": "*@example.com"},
                "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
            },
        }],
    })
    fields = ["gitlab.example.com", "project_path:mygroup/myproject:ref_type:branch:ref:main",
              "https://gitlab.example.com", "GitLabRunner-1-1", str(NOW), "eu-west-1",
              "Project=myproject\nTeam=ci", "Project", "alice@example.com"]
    write("trust_policy", "session-tags-source-identity", tagged.encode() + b"\0" + "\0".join(fields).encode())


def query_seeds():
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
    base = ("Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgitlab-ci"
            "&RoleSessionName=GitLabRunner-22-1212&WebIdentityToken=" + token)
    policy = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"
    seeds = {
        "assume-role-with-web-identity": base,
        "duration": base + "&DurationSeconds=3600",
        "duration-not-a-number": base + "&DurationSeconds=abc",
        "session-policy": base + "&Policy=" + policy,
        "policy-arns": base + "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
                              "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp",
        "role-path": base.replace("role%2Fgitlab-ci", "role%2Fci%2Fdeploy%2Fgitlab-ci"),
        "session-name-slash": base.replace("GitLabRunner-22-1212", "a%2Fb"),
        "provider-id": base + "&ProviderId=www.amazon.com",
        "get-caller-identity": "Action=GetCallerIdentity&Version=2011-06-15",
        "create-role-tags": "Action=CreateRole&Version=2010-05-08&RoleName=r&Tags.member.1.Key=k&Tags.member.1.Value=v",
        "plus-and-percent": base + "&RoleSessionName=a+b%20c%zz",
    }
    for name, text in seeds.items():
        write("query", name, text)


def sigv4_seeds():
    sts_body = "Action=GetCallerIdentity&Version=2011-06-15"
    write("sigv4_auth", "botocore-sts-header",
          "POST / HTTP/1.1\nhost: sts.amazonaws.com\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\n"
          "x-amz-date: 20150830T123600Z\n"
          "authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date, Signature=6fb20d31f734d876c5682fdd2678d194cf68b862755f83b7ba1373c0874be25c\n\n"
          + sts_body)
    write("sigv4_auth", "botocore-sts-token-header",
          "POST / HTTP/1.1\nhost: sts.amazonaws.com\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\n"
          "x-amz-date: 20150830T123600Z\nx-amz-security-token: FQoGZXIvYXdzEXAMPLE\n"
          "authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=1130994eed1688cbf7e9a77f639f45324b59c386948401657f763515d636da56\n\n"
          + sts_body)
    write("sigv4_auth", "iam-get-dot-segments",
          "GET /a/./b/../c//d?Action=ListRoles&Version=2010-05-08&Marker=x+y%2Fz HTTP/1.1\nhost: iam.amazonaws.com\n"
          "x-amz-date: 20150830T123600Z\n"
          "authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=eb428bb8de6d79c78b30c89269a304f53f54f7aefeb0feea10d18fccaf7e3145\n\n")
    write("sigv4_auth", "presigned-query",
          "GET /bucket/key%20with%20space?X-Amz-Algorithm=AWS4-HMAC-SHA256"
          "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20231114%2Fus-east-1%2Fs3%2Faws4_request"
          f"&X-Amz-Date={AMZ_DATE}&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
          f"&X-Amz-Signature={'a' * 64} HTTP/1.1\nhost: 127.0.0.1:9000\n\n")
    write("sigv4_auth", "s3-chunked-header",
          "PUT /examplebucket/chunkObject.txt HTTP/1.1\nhost: s3.amazonaws.com\ncontent-encoding: aws-chunked\n"
          "content-length: 66824\nx-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n"
          "x-amz-date: 20130524T000000Z\nx-amz-decoded-content-length: 66560\nx-amz-storage-class: REDUCED_REDUNDANCY\n"
          "authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
          "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n\n")
    write("sigv4_auth", "sigv4a-unsupported",
          "GET / HTTP/1.1\nhost: sts.amazonaws.com\nx-amz-date: 20150830T123600Z\n"
          "authorization: AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request, SignedHeaders=host, Signature=00\n\n")


def s3_request(method, target, headers=(), body=b"", host="127.0.0.1:9000", content_sha=None):
    body = body if isinstance(body, bytes) else body.encode()
    sha = content_sha or hashlib.sha256(body).hexdigest()
    names = {"host": host, "x-amz-content-sha256": sha, "x-amz-date": AMZ_DATE}
    for k, v in headers:
        names[k] = v
    signed = ";".join(sorted(names))
    lines = [f"{method} {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in names.items()]
    lines.append(f"authorization: AWS4-HMAC-SHA256 Credential={ADMIN}/20231114/us-east-1/s3/aws4_request, "
                 f"SignedHeaders={signed}, Signature={SIG}")
    return "\n".join(lines).encode() + b"\n\n" + body


def chunked(data, trailer=None, signed=False):
    out = b""
    for piece in ([data] if data else []) + [b""]:
        ext = f";chunk-signature={'0' * 64}" if signed else ""
        out += f"{len(piece):x}{ext}\r\n".encode() + piece + (b"\r\n" if piece else b"")
    if trailer:
        out += b"\r\n" + trailer.encode() + b"\r\n\r\n"
    else:
        out += b"\r\n"
    return out


def s3_seeds():
    sep = b"\n%%%\n"
    data = b"hello fuzz"
    crc32 = base64.b64encode(b"\x00\x00\x00\x00").decode()
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    create = s3_request("PUT", "/fuzz-bucket")
    flows = {
        "put-get-list-delete": [
            create,
            s3_request("PUT", "/fuzz-bucket/dir/a%20b.txt", [("content-md5", md5)], data),
            s3_request("GET", "/fuzz-bucket/dir/a%20b.txt", [("range", "bytes=1-4")]),
            s3_request("HEAD", "/fuzz-bucket/dir/a%20b.txt"),
            s3_request("GET", "/fuzz-bucket?list-type=2&prefix=dir%2F&delimiter=%2F&max-keys=5"),
            s3_request("GET", "/fuzz-bucket?location"),
            s3_request("DELETE", "/fuzz-bucket/dir/a%20b.txt"),
            s3_request("DELETE", "/fuzz-bucket"),
        ],
        "unsigned-trailer-checksum": [
            create,
            s3_request("PUT", "/fuzz-bucket/k", [("content-encoding", "aws-chunked"),
                                                ("x-amz-decoded-content-length", str(len(data))),
                                                ("x-amz-trailer", "x-amz-checksum-crc32")],
                       chunked(data, f"x-amz-checksum-crc32:{crc32}"),
                       content_sha="STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        ],
        "signed-chunks": [
            create,
            s3_request("PUT", "/fuzz-bucket/k", [("content-encoding", "aws-chunked"),
                                                ("x-amz-decoded-content-length", str(len(data)))],
                       chunked(data, signed=True), content_sha="STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ],
        "signed-chunks-trailer": [
            create,
            s3_request("PUT", "/fuzz-bucket/k", [("content-encoding", "aws-chunked"),
                                                ("x-amz-decoded-content-length", str(len(data))),
                                                ("x-amz-trailer", "x-amz-checksum-crc64nvme")],
                       chunked(data, "x-amz-checksum-crc64nvme:AAAAAAAAAAA=\r\nx-amz-trailer-signature:" + "0" * 64,
                               signed=True),
                       content_sha="STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
        ],
        "unsigned-payload-checksum-header": [
            create,
            s3_request("PUT", "/fuzz-bucket/k", [("x-amz-checksum-sha256",
                                                  base64.b64encode(hashlib.sha256(data).digest()).decode())],
                       data, content_sha="UNSIGNED-PAYLOAD"),
        ],
        "virtual-host-style": [
            s3_request("PUT", "/", host="fuzz-bucket.s3.us-east-1.amazonaws.com"),
            s3_request("PUT", "/k", body=data, host="fuzz-bucket.s3.us-east-1.amazonaws.com"),
            s3_request("GET", "/?list-type=2", host="fuzz-bucket.s3-us-east-1.amazonaws.com"),
        ],
        "list-buckets": [create, s3_request("GET", "/?max-buckets=1")],
        "create-bucket-location": [
            s3_request("PUT", "/fuzz-bucket-eu", body=
                       "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                       "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"),
        ],
        "presigned-get": [
            create,
            ("GET /fuzz-bucket/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
             f"&X-Amz-Credential={ADMIN}%2F20231114%2Fus-east-1%2Fs3%2Faws4_request"
             f"&X-Amz-Date={AMZ_DATE}&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature={SIG}"
             " HTTP/1.1\nhost: 127.0.0.1:9000\n\n").encode(),
        ],
        "multipart-not-implemented": [create, s3_request("POST", "/fuzz-bucket/k?uploads")],
    }
    for name, requests in flows.items():
        write("s3_request", name, sep.join(requests))


def scenario_seeds():
    files = sorted(glob.glob(os.path.join(ROOT, "scenarios/**/*.yaml"), recursive=True))
    # A spread of the catalogue: every file is small, but 100 of them would mostly repeat.
    for path in files[::3]:
        rel = os.path.relpath(path, os.path.join(ROOT, "scenarios")).replace(os.sep, "-")
        shutil.copy(path, os.path.join(SEEDS, "scenario", rel))


if __name__ == "__main__":
    shutil.rmtree(SEEDS, ignore_errors=True)
    os.makedirs(os.path.join(SEEDS, "scenario"))
    jwt_seeds()
    trust_policy_seeds()
    query_seeds()
    sigv4_seeds()
    s3_seeds()
    scenario_seeds()
    for target in sorted(os.listdir(SEEDS)):
        files = os.listdir(os.path.join(SEEDS, target))
        size = sum(os.path.getsize(os.path.join(SEEDS, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")
