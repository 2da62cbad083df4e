"""Calls the server under test with boto3, as an application would, and prints what boto3 parsed.

Usage: python3 boto3_admin_create_user.py ENDPOINT_URL
Credentials come from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Prints one
JSON object: the created user as boto3 decoded it, and the errors of a bad username, an operation
the backend does not implement (one that models UnsupportedOperationException, one that does not).
"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

POOL = "us-west-2_aaaaaaaaa"


def error_of(call):
    try:
        call()
    except ClientError as e:
        return {
            "Class": type(e).__name__,
            "Code": e.response["Error"]["Code"],
            "Message": e.response["Error"]["Message"],
            "HTTPStatusCode": e.response["ResponseMetadata"]["HTTPStatusCode"],
            "RequestId": e.response["ResponseMetadata"].get("RequestId"),
            "RetryAttempts": e.response["ResponseMetadata"].get("RetryAttempts"),
        }
    return None


def main():
    client = boto3.client(
        "cognito-idp",
        endpoint_url=sys.argv[1],
        region_name="us-west-2",
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )
    created = client.admin_create_user(
        UserPoolId=POOL,
        Username="diego",
        UserAttributes=[
            {"Name": "email", "Value": "diego@example.com"},
            {"Name": "phone_number", "Value": "+15555551212"},
        ],
        MessageAction="SUPPRESS",
    )
    user = created["User"]
    out = {
        "create": {
            "Username": user["Username"],
            "UserStatus": user["UserStatus"],
            "Enabled": user["Enabled"],
            "Attributes": {a["Name"]: a["Value"] for a in user["Attributes"]},
            "UserCreateDateType": type(user["UserCreateDate"]).__name__,
            "UserCreateDate": user["UserCreateDate"].isoformat(),
            "RequestId": created["ResponseMetadata"]["RequestId"],
            "HTTPStatusCode": created["ResponseMetadata"]["HTTPStatusCode"],
        },
        "bad_username": error_of(lambda: client.admin_create_user(UserPoolId=POOL, Username="a b")),
        "not_implemented": error_of(
            lambda: client.admin_delete_user_attributes(UserPoolId=POOL, Username="diego", UserAttributeNames=["email"])
        ),
        "not_implemented_modeled": error_of(
            lambda: client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="client1")
        ),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
