"""Calls DescribeUserPool CALLS times, eight at a time, through a boto3 client of the server at ENDPOINT
with the standard retry mode (10 attempts), and prints what boto3's retry handler saw: the
retries it made (ResponseMetadata.RetryAttempts) and, from a hook on its `needs-retry` event,
the error of every response it was asked to judge.

Usage: throttled.py ENDPOINT REGION ACCESS_KEY SECRET_KEY CALLS"""

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, region, key, secret, calls = sys.argv[1:6]
calls = int(calls)


def client(attempts):
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(retries={"mode": "standard", "max_attempts": attempts}))


retrying = client(10)
pool = retrying.create_user_pool(PoolName="throttled")["UserPool"]["Id"]

errors = {}
example = None
lock = threading.Lock()


def judged(response=None, **_):
    """Sees each response before the retry handler decides on it; decides nothing itself."""
    global example
    if response is None:
        return None
    http, parsed = response
    code = parsed.get("Error", {}).get("Code")
    if code:
        with lock:
            errors[code] = errors.get(code, 0) + 1
        example = {"code": code, "message": parsed["Error"].get("Message"), "status": http.status_code}
    return None


retrying.meta.events.register_first("needs-retry.cognito-idp.DescribeUserPool", judged)

# Eight calls at a time, so that they come faster than the category's rate on a busy machine.
with ThreadPoolExecutor(8) as workers:
    answers = list(workers.map(lambda _: retrying.describe_user_pool(UserPoolId=pool), range(calls)))
succeeded = len(answers)
retries = sum(answer["ResponseMetadata"]["RetryAttempts"] for answer in answers)

print(json.dumps({"succeeded": succeeded, "retries": retries, "errors": errors, "example": example}))
