"""Imports a generated CSV of users into a new pool of the server at ENDPOINT with boto3, as
AWS's guide does it: GetCSVHeader, CreateUserImportJob, an HTTP PUT of the file to the job's
pre-signed URL (with requests), StartUserImportJob, DescribeUserImportJob until the job ends.

Usage: import_users.py ENDPOINT REGION ACCESS_KEY SECRET_KEY USERS
Prints one JSON object with what the test checks."""

import json
import sys
import time
import uuid

import boto3
import requests

endpoint, region, key, secret, count = sys.argv[1:6]
count = int(count)
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=key, aws_secret_access_key=secret)

pool = idp.create_user_pool(
    PoolName="import", AutoVerifiedAttributes=["email"],
    Schema=[{"Name": "plan", "AttributeDataType": "String", "Mutable": True}],
)["UserPool"]["Id"]
app = idp.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                  ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
idp.admin_create_user(UserPoolId=pool, Username="existing", MessageAction="SUPPRESS",
                      UserAttributes=[{"Name": "email", "Value": "existing@example.com"}])

header = idp.get_csv_header(UserPoolId=pool)["CSVHeader"]
columns = header + ["sub"]
subs = {}
lines = [",".join(columns)]


def line(values):
    return ",".join(values.get(column, "") for column in columns)


for i in range(count):
    username = f"user-{i:05d}"
    values = {
        "cognito:username": username,
        "email": f"{username}@example.com",
        "email_verified": "TRUE",
        "given_name": f"Given{i}",
        "custom:plan": "gold" if i % 2 else "silver",
        "cognito:mfa_enabled": "FALSE",
        "birthdate": "02/01/1985",
    }
    if i == 0:
        values["address"] = "1 Main Street\\, Springfield"
    if i % 2 == 0:
        subs[username] = values["sub"] = str(uuid.uuid4())
    lines.append(line(values))
# Skipped: the user exists. Failed: no auto-verified attribute is verified.
lines.append(line({"cognito:username": "existing", "email": "other@example.com", "email_verified": "true",
                   "cognito:mfa_enabled": "false"}))
lines.append(line({"cognito:username": "unverified", "email": "unverified@example.com",
                   "email_verified": "false", "cognito:mfa_enabled": "false"}))
body = ("\n".join(lines) + "\n").encode()

job = idp.create_user_import_job(JobName="generated", UserPoolId=pool,
                                 CloudWatchLogsRoleArn="arn:aws:iam::000000000000:role/CognitoImport")["UserImportJob"]
url = job["PreSignedUrl"]
refused = requests.put(url, data=body)  # without the signed encryption header
uploaded = requests.put(url, data=body, headers={"x-amz-server-side-encryption": "aws:kms"})
started = idp.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]

deadline = time.monotonic() + 900
while True:
    described = idp.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
    if described["Status"] in ("Succeeded", "Failed", "Stopped") or time.monotonic() > deadline:
        break
    time.sleep(0.2)

users = 0
for page in idp.get_paginator("list_users").paginate(UserPoolId=pool):
    users += len(page["Users"])
first = idp.admin_get_user(UserPoolId=pool, Username="user-00000")
second = idp.admin_get_user(UserPoolId=pool, Username="user-00001")
listed = idp.list_user_import_jobs(UserPoolId=pool, MaxResults=1)

print(json.dumps({
    "pool": pool,
    "client": app["UserPoolClient"]["ClientId"],
    "header": header,
    "created": {k: job.get(k) for k in ("Status", "JobName", "ImportedUsers", "CloudWatchLogsRoleArn")},
    "job_id": job["JobId"],
    "url": url,
    "refused": [refused.status_code, refused.text],
    "uploaded": uploaded.status_code,
    "started": started["Status"],
    "described": {k: described.get(k) for k in ("Status", "ImportedUsers", "SkippedUsers", "FailedUsers",
                                                 "CompletionMessage")},
    "has_dates": all(k in described for k in ("CreationDate", "StartDate", "CompletionDate")),
    "users": users,
    "first": {"status": first["UserStatus"], "attributes": {a["Name"]: a["Value"] for a in first["UserAttributes"]}},
    "second": {"status": second["UserStatus"], "attributes": {a["Name"]: a["Value"] for a in second["UserAttributes"]}},
    "expected_sub": subs["user-00000"],
    "listed": [j["JobId"] for j in listed["UserImportJobs"]],
}))
