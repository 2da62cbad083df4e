#!/usr/bin/env bash
# The whole wire harness of issue 23: every service of codegen/fixtures/services (DynamoDB, SQS,
# KMS, Secrets Manager, SSM, CloudWatch Logs, Kinesis, Step Functions, Cognito Identity) runs
# its scenario through its generated client against moto's server, and again through boto3,
# and every response is compared member by member. Prints a table of services, requests and
# differences, then each difference; the exit status is non-zero when there is any.
#
#   bench/moto.sh [--only svc1,svc2,...]     # feature names: dynamodb, sqs, kms, cognito-identity, ...
#
# Needs a Python with moto[server] and boto3 (pip install -r tests/requirements.txt):
# AWSJSON_MOTO_PYTHON, or python3. CI runs the crate's default features only (its fast part,
# in `cargo test --workspace`); this compiles every service, a few minutes on 2 cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
features="all"
while [ $# -gt 0 ]; do
    case "$1" in
        --only) features="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--only svc1,svc2]" >&2; exit 2 ;;
    esac
done

# The table is tests/moto.rs's own output (--nocapture); its failure message lists the
# differences. The crate's other tests run too where their services are in the set: DynamoDB's
# generated server against boto3 and the AWS CLI, Kinesis's event stream frames against botocore.
cargo test --manifest-path "$root/Cargo.toml" -q -p fixture-services --no-default-features \
    --features "client,server,$features" -- --nocapture
