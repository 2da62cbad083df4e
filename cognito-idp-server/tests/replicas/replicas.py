"""Multi-Region replicas through boto3 (a botocore that models them: requirements-pitr.txt).

Usage: replicas.py ENDPOINT PRIMARY_REGION ACCESS_KEY SECRET_KEY

A client configured for eu-west-1 signs its requests for that region; an unsigned InitiateAuth
is addressed to eu-west-1's endpoint by its Host header. Prints what it observed as JSON for
the Rust test to check.
"""

import base64
import json
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

endpoint, primary_region, key, secret = sys.argv[1:5]
REPLICA = "eu-west-1"
PASSWORD = "Passw0rd!x"
MRK = "arn:aws:kms:us-east-1:000000000000:key/mrk-1234abcd12ab34cd56ef1234567890ab"


def client(region):
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret)


primary, replica = client(primary_region), client(REPLICA)


def addressed_to_replica(request, **kwargs):
    # What a client of eu-west-1's endpoint sends: its Host names the region.
    request.headers["Host"] = f"cognito-idp.{REPLICA}.amazonaws.com"


unsigned = client(REPLICA)
unsigned.meta.events.register("before-send.cognito-idp.InitiateAuth", addressed_to_replica)


def error(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
    return None


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def header(token):
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


def replica_view(r):
    return [r["RegionName"], r["Status"], r["Role"], r["UserPoolArn"]]


out = {}
pool = primary.create_user_pool(PoolName="replicated", UserPoolTier="ESSENTIALS",
                                KeyConfiguration={"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": MRK},
                                IssuerConfiguration={"Type": "UPDATED"})["UserPool"]["Id"]
app = primary.create_user_pool_client(UserPoolId=pool, ClientName="app", ExplicitAuthFlows=[
    "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
primary.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "alice@example.com"}])
primary.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
out["pool"] = pool

# Never replicated: the pool answers in any region, as it always has on this server.
out["before_replica"] = replica.admin_get_user(UserPoolId=pool, Username="alice")["Username"]
created = primary.create_user_pool_replica(UserPoolId=pool, RegionName=REPLICA,
                                           UserPoolTags={"team": "auth"})["UserPoolReplica"]
out["created"] = replica_view(created)
out["listed"] = [replica_view(r) for r in primary.list_user_pool_replicas(UserPoolId=pool)["UserPoolReplicas"]]
out["replica_tags"] = primary.list_tags_for_resource(ResourceArn=created["UserPoolArn"]).get("Tags")
out["listed_pool_regions"] = [p.get("ReplicaRegions") for p in primary.list_user_pools(MaxResults=60)["UserPools"]
                              if p["Id"] == pool]
out["second_replica"] = error(primary.create_user_pool_replica, UserPoolId=pool, RegionName="ap-south-1")
out["primary_region_replica"] = error(primary.create_user_pool_replica, UserPoolId=pool, RegionName=primary_region)

auth = {"USERNAME": "alice", "PASSWORD": PASSWORD}
out["inactive_sign_in"] = error(unsigned.initiate_auth, ClientId=app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters=auth)
out["third_region"] = error(client("ap-south-1").admin_get_user, UserPoolId=pool, Username="alice")
out["inactive_admin_read"] = replica.admin_get_user(UserPoolId=pool, Username="alice")["Username"]
updated = replica.update_user_pool_replica(UserPoolId=pool, RegionName=REPLICA, Status="ACTIVE")["UserPoolReplica"]
out["activated"] = replica_view(updated)

# Sign-ins through the replica region: signed for it (AdminInitiateAuth) and addressed to it.
home = primary.admin_initiate_auth(UserPoolId=pool, ClientId=app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                   AuthParameters=auth)["AuthenticationResult"]
there = replica.admin_initiate_auth(UserPoolId=pool, ClientId=app["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                    AuthParameters=auth)["AuthenticationResult"]
hosted = unsigned.initiate_auth(ClientId=app["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters=auth)["AuthenticationResult"]
jwks_url = claims(home["IdToken"])["iss"] + "/.well-known/jwks.json"
with urllib.request.urlopen(jwks_url) as answer:
    kids = sorted(k["kid"] for k in json.load(answer)["keys"])
out["tokens"] = {
    "same_issuer": claims(there["IdToken"])["iss"] == claims(home["IdToken"])["iss"] == claims(hosted["IdToken"])["iss"],
    "same_sub": claims(there["IdToken"])["sub"] == claims(home["IdToken"])["sub"],
    "kids_in_jwks": all(header(t)[("kid")] in kids for t in
                        [there["IdToken"], there["AccessToken"], hosted["AccessToken"]]),
    "pool_in_issuer": claims(there["IdToken"])["iss"].endswith("/" + pool),
}
out["user_via_replica"] = replica.get_user(AccessToken=there["AccessToken"])["Username"]
out["create_in_secondary"] = error(replica.admin_create_user, UserPoolId=pool, Username="bob",
                                   MessageAction="SUPPRESS")
out["update_in_secondary"] = error(replica.admin_update_user_attributes, UserPoolId=pool, Username="alice",
                                   UserAttributes=[{"Name": "email", "Value": "a2@example.com"}])
out["delete_from_secondary"] = error(replica.delete_user_pool_replica, UserPoolId=pool, RegionName=REPLICA)
out["delete_active"] = error(primary.delete_user_pool_replica, UserPoolId=pool, RegionName=REPLICA)
replica.update_user_pool_replica(UserPoolId=pool, RegionName=REPLICA, Status="INACTIVE")
deleted = primary.delete_user_pool_replica(UserPoolId=pool, RegionName=REPLICA)["UserPoolReplica"]
out["deleted"] = replica_view(deleted)
out["after_delete"] = [replica_view(r) for r in primary.list_user_pool_replicas(UserPoolId=pool)["UserPoolReplicas"]]
out["unknown_replica"] = error(primary.update_user_pool_replica, UserPoolId=pool, RegionName=REPLICA, Status="ACTIVE")

lite = primary.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
out["lite"] = error(primary.create_user_pool_replica, UserPoolId=lite, RegionName=REPLICA)
plain = primary.create_user_pool(PoolName="plain", UserPoolTier="ESSENTIALS")["UserPool"]["Id"]
out["no_multi_region_key"] = error(primary.create_user_pool_replica, UserPoolId=plain, RegionName=REPLICA)
print(json.dumps(out))
