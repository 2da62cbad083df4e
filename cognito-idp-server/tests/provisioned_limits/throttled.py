"""Calls DescribeUserPool CALLS times in a row through two boto3 clients of the server at
ENDPOINT: one with the standard retry mode (10 attempts), one that does not retry. Prints what
boto3's retry handler saw: the retries it made (ResponseMetadata.RetryAttempts) and the errors
the client without retries raised.

Usage: throttled.py ENDPOINT REGION ACCESS_KEY SECRET_KEY CALLS"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, region, key, secret, calls = sys.argv[1:6]
calls = int(calls)


def client(attempts):
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"mode": "standard", "max_attempts": attempts}))


retrying, single = client(10), client(1)
pool = retrying.create_user_pool(PoolName="throttled")["UserPool"]["Id"]

retries = succeeded = 0
for _ in range(calls):
    answer = retrying.describe_user_pool(UserPoolId=pool)
    succeeded += 1
    retries += answer["ResponseMetadata"]["RetryAttempts"]

errors = {}
example = None
for _ in range(calls):
    try:
        single.describe_user_pool(UserPoolId=pool)
    except ClientError as e:
        code = e.response["Error"]["Code"]
        errors[code] = errors.get(code, 0) + 1
        example = {"code": code, "message": e.response["Error"]["Message"],
                   "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}

print(json.dumps({"succeeded": succeeded, "retries": retries, "errors": errors, "example": example}))
