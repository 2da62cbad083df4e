"""Produces SigV4 test vectors with botocore's own signer, for tests/client_signing.rs.

Run by hand after a change of cases (`python3 tests/sigv4/make_vectors.py > tests/sigv4/vectors.json`);
the output is committed. Each case is a request as our client sends it (POST, the JSON body,
Content-Type and X-Amz-Target headers), fixed credentials and a fixed time; botocore adds
X-Amz-Date (and X-Amz-Security-Token) and computes Authorization.
"""
import datetime
import json
import sys
from unittest import mock

import botocore
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CASES = [
    {"name": "admin-create-user", "region": "us-west-2", "url": "https://cognito-idp.us-west-2.amazonaws.com/",
     "target": "AWSCognitoIdentityProviderService.AdminCreateUser",
     "body": '{"UserPoolId":"us-west-2_aaaaaaaaa","Username":"diego"}',
     "time": "2019-01-21T19:38:15Z", "token": None},
    {"name": "session-token", "region": "eu-central-1", "url": "https://cognito-idp.eu-central-1.amazonaws.com/",
     "target": "AWSCognitoIdentityProviderService.ListUsers",
     "body": '{"UserPoolId":"eu-central-1_abc","Limit":10}',
     "time": "2024-02-29T23:59:59Z", "token": "FQoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN"},
    {"name": "empty-body-custom-endpoint", "region": "us-east-1", "url": "http://127.0.0.1:9229/",
     "target": "AWSCognitoIdentityProviderService.ListUserPools",
     "body": "{}", "time": "2026-11-22T12:00:00Z", "token": None},
    {"name": "unicode-body", "region": "ap-southeast-2", "url": "https://cognito-idp.ap-southeast-2.amazonaws.com/",
     "target": "AWSCognitoIdentityProviderService.AdminGetUser",
     "body": '{"UserPoolId":"ap-southeast-2_x","Username":"Zo\u00eb"}',
     "time": "2025-06-01T00:00:00Z", "token": None},
]

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def sign(case):
    creds = Credentials(ACCESS_KEY, SECRET_KEY, case["token"])
    request = AWSRequest(method="POST", url=case["url"], data=case["body"].encode("utf-8"), headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": case["target"],
    })
    when = datetime.datetime.strptime(case["time"], "%Y-%m-%dT%H:%M:%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        SigV4Auth(creds, "cognito-idp", case["region"]).add_auth(request)
    out = dict(case)
    out["access_key"] = ACCESS_KEY
    out["secret_key"] = SECRET_KEY
    out["authorization"] = request.headers["Authorization"]
    out["x_amz_date"] = request.headers["X-Amz-Date"]
    return out


if __name__ == "__main__":
    json.dump({"botocore": botocore.__version__, "cases": [sign(c) for c in CASES]}, sys.stdout, indent=2, ensure_ascii=False)
    print()
