#!/usr/bin/env python3
"""Writes secret_hash_vectors.json: SECRET_HASH computed with Python's standard library only.

SECRET_HASH = Base64(HMAC-SHA256(key = client secret, message = username + client id)), both
UTF-8. A dev script, run by hand (CI only reads the JSON it wrote):

    python3 cognito-auth/tests/vectors/secret_hash_vectors.py > cognito-auth/tests/vectors/secret_hash_vectors.json
"""

import base64
import hashlib
import hmac
import json
import platform

CASES = [
    ("diego", "3n4b5urk1ft4fl3mg5e62d9ado", "1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0z1x2c3v4b5n6m"),
    ("diego@example.com", "6u2nf9sd3ba8k1m0q7r5t4y3xj", "s3cr3t"),
    ("Zoë Ångström", "abcdefghijklmnopqrstuvwxyz", "clé secrète ✓"),
    ("a-user-with-a-rather-long-name-" + "x" * 100, "client", "k" * 200),
    ("", "client", ""),
]


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    mac = hmac.new(client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def main() -> None:
    vectors = {
        "generator": f"secret_hash_vectors.py, Python {platform.python_version()} hmac/hashlib",
        "cases": [
            {"username": u, "client_id": c, "client_secret": s, "secret_hash": secret_hash(u, c, s)}
            for (u, c, s) in CASES
        ],
    }
    print(json.dumps(vectors, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
