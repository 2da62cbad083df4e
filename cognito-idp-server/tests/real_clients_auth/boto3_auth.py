"""An application's sign-up and sign-in through boto3, against the reference server.

Usage: python3 boto3_auth.py ENDPOINT_URL
Credentials and region come from the environment. Creates a pool that verifies emails and an
app client for password sign-in, then: SignUp, ConfirmSignUp with the code the server's outbox
holds, InitiateAuth (USER_PASSWORD_AUTH, and a wrong password), GetUser with the access token,
InitiateAuth (REFRESH_TOKEN_AUTH), AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH), GlobalSignOut,
then GetUser and REFRESH_TOKEN_AUTH again. Prints one JSON object of what boto3 parsed.
"""

import json
import sys
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

USERNAME = "diego"
PASSWORD = "Passw0rd!boto3"
EMAIL = "diego@example.com"


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


def outbox_code(endpoint, pool_id, username):
    query = urllib.parse.urlencode({"userPoolId": pool_id, "username": username})
    with urllib.request.urlopen(f"{endpoint}/_local/outbox?{query}", timeout=30) as response:
        messages = json.load(response)["messages"]
    return messages[-1]["code"]


def tokens_of(result):
    """The AuthenticationResult without the tokens themselves (which ones it has, and the rest)."""
    auth = result["AuthenticationResult"]
    return {
        "Has": sorted(k for k in ("AccessToken", "IdToken", "RefreshToken") if k in auth),
        "TokenType": auth.get("TokenType"),
        "ExpiresIn": auth.get("ExpiresIn"),
    }


def main():
    endpoint = sys.argv[1]
    client = boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    pool_id = client.create_user_pool(PoolName="boto3-auth", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    out = {"pool": pool_id, "client": client_id}

    signed_up = client.sign_up(
        ClientId=client_id,
        Username=USERNAME,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": EMAIL}],
    )
    out["sign_up"] = {
        "UserConfirmed": signed_up["UserConfirmed"],
        "UserSub": signed_up["UserSub"],
        "Delivery": signed_up["CodeDeliveryDetails"],
    }
    password_auth = {"USERNAME": USERNAME, "PASSWORD": PASSWORD}
    out["before_confirm"] = error_of(
        lambda: client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=password_auth)
    )
    code = outbox_code(endpoint, pool_id, USERNAME)
    out["confirm_status"] = client.confirm_sign_up(ClientId=client_id, Username=USERNAME, ConfirmationCode=code)[
        "ResponseMetadata"
    ]["HTTPStatusCode"]

    signed_in = client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=password_auth)
    out["sign_in"] = tokens_of(signed_in)
    out["wrong_password"] = error_of(
        lambda: client.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": USERNAME, "PASSWORD": "Wrong-Passw0rd!"},
        )
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    refresh = signed_in["AuthenticationResult"]["RefreshToken"]

    user = client.get_user(AccessToken=access)
    out["get_user"] = {
        "Username": user["Username"],
        "Attributes": {a["Name"]: a["Value"] for a in user["UserAttributes"]},
    }

    refreshed = client.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
    )
    out["refresh"] = tokens_of(refreshed)
    refreshed_access = refreshed["AuthenticationResult"]["AccessToken"]
    out["get_user_refreshed"] = client.get_user(AccessToken=refreshed_access)["Username"]

    admin = client.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters=password_auth
    )
    out["admin_sign_in"] = tokens_of(admin)
    admin_access = admin["AuthenticationResult"]["AccessToken"]
    out["get_user_admin"] = client.get_user(AccessToken=admin_access)["Username"]

    out["sign_out_status"] = client.global_sign_out(AccessToken=access)["ResponseMetadata"]["HTTPStatusCode"]
    out["after_sign_out"] = {
        "get_user": error_of(lambda: client.get_user(AccessToken=access)),
        "get_user_refreshed": error_of(lambda: client.get_user(AccessToken=refreshed_access)),
        "get_user_admin": error_of(lambda: client.get_user(AccessToken=admin_access)),
        "refresh": error_of(
            lambda: client.initiate_auth(
                ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
            )
        ),
    }
    # Signing in again after a global sign-out works, and its tokens are good.
    again = client.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=password_auth)
    out["get_user_again"] = client.get_user(AccessToken=again["AuthenticationResult"]["AccessToken"])["Username"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
