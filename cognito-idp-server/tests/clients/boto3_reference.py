"""Drives the reference server with boto3, as an application would, and prints what boto3 parsed.

Usage: python3 boto3_reference.py ENDPOINT_URL
Credentials and region come from the environment. Creates a pool, runs the admin-create-user
reference example in it, reads the user back, and provokes the errors an application handles.
Prints one JSON object.
"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def error_of(call):
    try:
        call()
    except ClientError as e:
        return {
            "Class": type(e).__name__,
            "Code": e.response["Error"]["Code"],
            "Message": e.response["Error"]["Message"],
            "HTTPStatusCode": e.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    return None


def user_of(user, attributes_key):
    return {
        "Username": user["Username"],
        "UserStatus": user["UserStatus"],
        "Enabled": user["Enabled"],
        "Attributes": {a["Name"]: a["Value"] for a in user[attributes_key]},
        "UserCreateDateType": type(user["UserCreateDate"]).__name__,
        "UserLastModifiedDateType": type(user["UserLastModifiedDate"]).__name__,
    }


def main():
    client = boto3.client(
        "cognito-idp",
        endpoint_url=sys.argv[1],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    pool = client.create_user_pool(PoolName="boto3-pool")["UserPool"]
    pool_id = pool["Id"]
    # The reference example: AdminCreateUser with an email, nothing sent.
    created = client.admin_create_user(
        UserPoolId=pool_id,
        Username="diego",
        UserAttributes=[{"Name": "email", "Value": "diego@example.com"}],
        MessageAction="SUPPRESS",
    )
    got = client.admin_get_user(UserPoolId=pool_id, Username="diego")
    listed = client.list_users(UserPoolId=pool_id, Filter='email = "diego@example.com"')
    out = {
        "pool": {"Id": pool_id, "Name": pool["Name"], "CreationDateType": type(pool["CreationDate"]).__name__},
        "create": dict(user_of(created["User"], "Attributes"), HTTPStatusCode=created["ResponseMetadata"]["HTTPStatusCode"]),
        "get": user_of(got, "UserAttributes"),
        "listed": [u["Username"] for u in listed["Users"]],
        "duplicate": error_of(
            lambda: client.admin_create_user(UserPoolId=pool_id, Username="diego", MessageAction="SUPPRESS")
        ),
        "unknown_user": error_of(lambda: client.admin_get_user(UserPoolId=pool_id, Username="nobody")),
        "unknown_pool": error_of(lambda: client.admin_get_user(UserPoolId="us-east-1_nothere00", Username="diego")),
        "bad_username": error_of(lambda: client.admin_create_user(UserPoolId=pool_id, Username="a b")),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
