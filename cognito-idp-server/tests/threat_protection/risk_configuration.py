"""Risk configurations through boto3 against the server at ENDPOINT: a pool-level and a
client-level configuration set and described, a client without one described (the pool's
applies), the client's deleted, then the pool's, and the validation errors. Prints one JSON
object of what it saw, for the Rust test to compare.

Usage: risk_configuration.py ENDPOINT REGION ACCESS_KEY SECRET_KEY"""

import json
import sys

import boto3
from botocore.exceptions import ClientError

endpoint, region, key, secret = sys.argv[1:5]
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=key, aws_secret_access_key=secret)

# A pool created with nothing but a name, as terraform-provider-aws's acceptance tests do.
pool = idp.create_user_pool(PoolName="risky")["UserPool"]["Id"]
web = idp.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
mobile = idp.create_user_pool_client(UserPoolId=pool, ClientName="mobile")["UserPoolClient"]["ClientId"]
out = {}


def error(call, **kwargs):
    try:
        call(**kwargs)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]


def describe(**kwargs):
    try:
        config = idp.describe_risk_configuration(UserPoolId=pool, **kwargs)["RiskConfiguration"]
        config.pop("LastModifiedDate", None)
        return config
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]


out["nothing_set"] = describe()
pool_level = idp.set_risk_configuration(
    UserPoolId=pool,
    CompromisedCredentialsRiskConfiguration={"EventFilter": ["SIGN_UP"], "Actions": {"EventAction": "NO_ACTION"}},
    RiskExceptionConfiguration={"BlockedIPRangeList": ["10.10.10.10/32"]},
)["RiskConfiguration"]
out["set_has_date"] = "LastModifiedDate" in pool_level
out["pool"] = describe()
idp.set_risk_configuration(
    UserPoolId=pool, ClientId=web,
    AccountTakeoverRiskConfiguration={"Actions": {
        "MediumAction": {"Notify": False, "EventAction": "MFA_REQUIRED"},
        "HighAction": {"Notify": False, "EventAction": "BLOCK"},
    }},
)
out["web"] = describe(ClientId=web)
out["mobile"] = describe(ClientId=mobile)
idp.set_risk_configuration(UserPoolId=pool, ClientId=web)
out["web_deleted"] = describe(ClientId=web)
idp.set_risk_configuration(UserPoolId=pool)
out["pool_deleted"] = describe()
out["unknown_client"] = error(idp.describe_risk_configuration, UserPoolId=pool, ClientId="nosuchclient")

takeover = {"Actions": {"LowAction": {"Notify": True, "EventAction": "NO_ACTION"}}}
out["notify_without_configuration"] = error(
    idp.set_risk_configuration, UserPoolId=pool, AccountTakeoverRiskConfiguration=takeover)
takeover["NotifyConfiguration"] = {"SourceArn": "arn:aws:sns:us-east-1:000000000000:topic"}
out["source_not_ses"] = error(idp.set_risk_configuration, UserPoolId=pool, AccountTakeoverRiskConfiguration=takeover)
out["no_actions"] = error(idp.set_risk_configuration, UserPoolId=pool,
                          AccountTakeoverRiskConfiguration={"Actions": {}})
out["bad_cidr"] = error(idp.set_risk_configuration, UserPoolId=pool,
                        RiskExceptionConfiguration={"SkippedIPRangeList": ["10.0.0.0/33"]})
out["bad_event_action"] = error(
    idp.set_risk_configuration, UserPoolId=pool,
    CompromisedCredentialsRiskConfiguration={"Actions": {"EventAction": "SHRUG"}})
out["after_errors"] = describe()
print(json.dumps(out))
