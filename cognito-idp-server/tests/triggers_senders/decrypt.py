"""Decrypts a custom sender trigger's code as a function does: the AWS Encryption SDK with a
KMS master key provider for the pool's key (KMS reached through AWS_ENDPOINT_URL_KMS) and the
commitment policy AWS's examples use. Prints {"plaintext", "context"} as JSON.

Usage: decrypt.py CODE_BASE64 KEY_ARN
"""

import base64
import json
import sys

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import CommitmentPolicy


def main():
    code, key_arn = sys.argv[1], sys.argv[2]
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
    )
    provider = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[key_arn])
    plaintext, header = client.decrypt(source=base64.b64decode(code), key_provider=provider)
    print(json.dumps({
        "plaintext": plaintext.decode("utf-8"),
        "context": header.encryption_context,
        "algorithm": header.algorithm.algorithm_id,
        "frameLength": header.frame_length,
    }))


if __name__ == "__main__":
    main()
