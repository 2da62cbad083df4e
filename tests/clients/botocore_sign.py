"""Signs one AWS JSON request with botocore's SigV4 signer and prints its headers as JSON.

Usage: python3 botocore_sign.py URL TARGET ACCESS_KEY_ID SECRET [SESSION_TOKEN] < BODY
The test sends the request itself (as signed, or tampered with) and checks the server's verdict.
"""

import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    url, target, access_key, secret = sys.argv[1:5]
    token = sys.argv[5] if len(sys.argv) > 5 else None
    body = sys.stdin.buffer.read()
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
    )
    SigV4Auth(Credentials(access_key, secret, token), "cognito-idp", "us-west-2").add_auth(request)
    print(json.dumps(dict(request.headers.items())))


if __name__ == "__main__":
    main()
