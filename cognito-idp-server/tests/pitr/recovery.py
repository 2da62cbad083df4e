"""Point-in-time recovery through boto3 (a botocore that models it: requirements-pitr.txt).

Usage: recovery.py SCENARIO ENDPOINT REGION ACCESS_KEY SECRET_KEY

Moves the server's clock through /_local/clock, and prints what it observed as JSON for the
Rust test to check. SCENARIO is `restore` (a recovery that brings back a deleted user, undoes
an attribute change and deletes a user created since, with writes refused during the pause)
or `lifecycle` (the states, cancel, expiry, refusals, listing).
"""

import json
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

scenario, endpoint, region, key, secret = sys.argv[1:6]
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=key, aws_secret_access_key=secret)
PASSWORD = "Passw0rd!x"


def local(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + "/_local/" + path, data=data,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def advance(seconds):
    return local("clock", {"advanceSeconds": seconds})["nowMs"]


def now_ms():
    return local("clock")["nowMs"]


def error(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
    return None


def user(pool, name, email, given):
    idp.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": email}, {"Name": "given_name", "Value": given}])
    idp.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)


def attrs(pool, name):
    got = idp.admin_get_user(UserPoolId=pool, Username=name)
    return {a["Name"]: a["Value"] for a in got["UserAttributes"]}


def sign_in(pool, client, name):
    try:
        got = idp.admin_initiate_auth(UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
        return "tokens" if "AuthenticationResult" in got else got.get("ChallengeName")
    except ClientError as e:
        return e.response["Error"]["Code"]


def pool_and_client(name, tier="ESSENTIALS"):
    pool = idp.create_user_pool(PoolName=name, UserPoolTier=tier)["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                         ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                            "ALLOW_REFRESH_TOKEN_AUTH"])
    return pool, client["UserPoolClient"]["ClientId"]


def preview(restoration):
    return {p["Entity"]: [p["CreateCount"], p["UpdateCount"], p["DeleteCount"]]
            for p in restoration.get("RestorePreview", [])}


def describe(pool, restore_id):
    return idp.describe_point_in_time_recovery(UserPoolId=pool, RestoreId=restore_id)["Restoration"]


def restore():
    out = {}
    pool, client = pool_and_client("restored")
    idp.create_group(UserPoolId=pool, GroupName="admins")
    user(pool, "alice", "alice@example.com", "Alice")
    user(pool, "bob", "bob@example.com", "Bob")
    user(pool, "carol", "carol@example.com", "Carol")
    idp.admin_add_user_to_group(UserPoolId=pool, Username="alice", GroupName="admins")
    alice_sub = attrs(pool, "alice")["sub"]
    advance(60)
    point = now_ms()
    advance(60)
    # The mistakes to undo: a user deleted, an attribute changed, a user created.
    idp.admin_delete_user(UserPoolId=pool, Username="alice")
    idp.admin_update_user_attributes(UserPoolId=pool, Username="bob",
                                     UserAttributes=[{"Name": "given_name", "Value": "Robert"}])
    user(pool, "dave", "dave@example.com", "Dave")
    advance(20 * 60)

    started = idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=point / 1000)["Restoration"]
    out["initiated"] = {"status": started["RestoreStatus"], "has_preview": "RestorePreview" in started,
                        "restore_ms": int(started["RestoreTimestamp"].timestamp() * 1000),
                        "trigger_after_point": started["TriggerTimestamp"].timestamp() * 1000 > point}
    out["point_ms"] = point
    rid = started["RestoreId"]
    # The write pause: writes of user data refused, reads and password sign-ins go on.
    out["paused_create"] = error(idp.admin_create_user, UserPoolId=pool, Username="erin", MessageAction="SUPPRESS")
    out["paused_update"] = error(idp.admin_update_user_attributes, UserPoolId=pool, Username="bob",
                                 UserAttributes=[{"Name": "given_name", "Value": "Bobby"}])
    out["paused_group"] = error(idp.create_group, UserPoolId=pool, GroupName="late")
    out["paused_import"] = error(idp.create_user_import_job, UserPoolId=pool, JobName="j",
                                 CloudWatchLogsRoleArn="arn:aws:iam::000000000000:role/logs")
    out["read_during_pause"] = attrs(pool, "bob")["given_name"]
    out["sign_in_during_pause"] = sign_in(pool, client, "carol")

    described = describe(pool, rid)
    out["described"] = {"status": described["RestoreStatus"], "preview": preview(described)}
    applied = idp.start_point_in_time_recovery(UserPoolId=pool, RestoreId=rid)["Restoration"]
    out["start_status"] = applied["RestoreStatus"]
    out["after_start"] = describe(pool, rid)["RestoreStatus"]

    alice = attrs(pool, "alice")
    out["alice"] = {"sub_kept": alice["sub"] == alice_sub, "email": alice["email"], "given_name": alice["given_name"],
                    "groups": [g["GroupName"] for g in
                               idp.admin_list_groups_for_user(UserPoolId=pool, Username="alice")["Groups"]],
                    "status": idp.admin_get_user(UserPoolId=pool, Username="alice")["UserStatus"],
                    "sign_in": sign_in(pool, client, "alice")}
    out["bob_given_name"] = attrs(pool, "bob")["given_name"]
    out["dave"] = error(idp.admin_get_user, UserPoolId=pool, Username="dave")
    idp.admin_create_user(UserPoolId=pool, Username="erin", MessageAction="SUPPRESS")
    out["write_after"] = "ok"
    listed = idp.list_point_in_time_recoveries(UserPoolId=pool)["Restorations"]
    out["listed"] = [[r["RestoreId"] == rid, r["RestoreStatus"], "RestorePreview" in r] for r in listed]
    out["again_today"] = error(idp.initiate_point_in_time_recovery, UserPoolId=pool,
                               RestoreTimestamp=(now_ms() - 16 * 60 * 1000) / 1000)
    return out


def lifecycle():
    out = {}
    pool, _ = pool_and_client("lifecycle")
    user(pool, "alice", "alice@example.com", "Alice")
    advance(30 * 60)
    recent = (now_ms() - 5 * 60 * 1000) / 1000
    out["too_recent"] = error(idp.initiate_point_in_time_recovery, UserPoolId=pool, RestoreTimestamp=recent)
    out["before_pool"] = error(idp.initiate_point_in_time_recovery, UserPoolId=pool,
                               RestoreTimestamp=(now_ms() - 2 * 3600 * 1000) / 1000)
    point = (now_ms() - 20 * 60 * 1000) / 1000
    first = idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=point)["Restoration"]
    out["second_active"] = error(idp.initiate_point_in_time_recovery, UserPoolId=pool, RestoreTimestamp=point)
    out["first_described"] = describe(pool, first["RestoreId"])["RestoreStatus"]
    out["paused_write"] = error(idp.admin_update_user_attributes, UserPoolId=pool, Username="alice",
                                UserAttributes=[{"Name": "given_name", "Value": "Al"}])
    cancelled = idp.cancel_point_in_time_recovery(UserPoolId=pool, RestoreId=first["RestoreId"])["Restoration"]
    out["cancelled"] = cancelled["RestoreStatus"]
    out["start_cancelled"] = error(idp.start_point_in_time_recovery, UserPoolId=pool, RestoreId=first["RestoreId"])
    out["cancel_again"] = error(idp.cancel_point_in_time_recovery, UserPoolId=pool, RestoreId=first["RestoreId"])
    idp.admin_update_user_attributes(UserPoolId=pool, Username="alice",
                                     UserAttributes=[{"Name": "given_name", "Value": "Al"}])
    out["write_after_cancel"] = attrs(pool, "alice")["given_name"]

    second = idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=point)["Restoration"]
    advance(25 * 3600)
    out["expired"] = describe(pool, second["RestoreId"])["RestoreStatus"]
    idp.admin_update_user_attributes(UserPoolId=pool, Username="alice",
                                     UserAttributes=[{"Name": "given_name", "Value": "Alicia"}])
    out["write_after_expiry"] = attrs(pool, "alice")["given_name"]
    out["too_old"] = error(idp.initiate_point_in_time_recovery, UserPoolId=pool, RestoreTimestamp=point)

    page = idp.list_point_in_time_recoveries(UserPoolId=pool, MaxResults=1)
    rest = idp.list_point_in_time_recoveries(UserPoolId=pool, MaxResults=1, NextToken=page["NextToken"])
    out["pages"] = [[r["RestoreId"] for r in p["Restorations"]] for p in (page, rest)]
    out["ids_newest_first"] = [second["RestoreId"], first["RestoreId"]]
    out["last_page_token"] = "NextToken" in rest
    out["unknown"] = error(idp.describe_point_in_time_recovery, UserPoolId=pool,
                           RestoreId="00000000-0000-4000-8000-000000000000")
    unchecked = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region, aws_access_key_id=key,
                             aws_secret_access_key=secret, config=Config(parameter_validation=False))
    out["bad_id"] = error(unchecked.describe_point_in_time_recovery, UserPoolId=pool, RestoreId="nope")
    out["no_pool"] = error(idp.list_point_in_time_recoveries, UserPoolId=region + "_Nope")

    lite, _ = pool_and_client("lite", tier="LITE")
    advance(3600)
    out["lite"] = error(idp.initiate_point_in_time_recovery, UserPoolId=lite,
                        RestoreTimestamp=(now_ms() - 20 * 60 * 1000) / 1000)
    return out


print(json.dumps({"restore": restore, "lifecycle": lifecycle}[scenario](), default=str))
