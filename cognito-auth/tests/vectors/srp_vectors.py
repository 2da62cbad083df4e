#!/usr/bin/env python3
"""Writes srp_vectors.json: Cognito USER_SRP_AUTH values computed by pycognito, an independent
implementation, for fixed inputs. The Rust tests (tests/srp_vectors.rs) must reproduce them all.

A dev script, run by hand (CI only reads the JSON it wrote):

    python3 -m venv /tmp/srp-venv && /tmp/srp-venv/bin/pip install pycognito==2024.5.1
    /tmp/srp-venv/bin/python cognito-auth/tests/vectors/srp_vectors.py > cognito-auth/tests/vectors/srp_vectors.json

The client side (SRP_A, session key, challenge responses) is entirely pycognito's, with its two
sources of variation pinned: the random ephemeral `a` and the clock. pycognito has no server
side, so the server values (password verifier, SRP_B) come from the short textbook SRP-6a server
below, written with Python integers; the JSON also records pycognito's k and u so a mismatch can
be traced to one step.
"""

import base64
import datetime
import hashlib
import hmac
import json
import platform
import types
from importlib.metadata import version

import pycognito.aws_srp as aws_srp


def seeded(label: str, length: int) -> bytes:
    """Deterministic 'random' bytes, so the vectors can be regenerated identically."""
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:length]


# --- A plain SRP-6a server over Cognito's group and encodings, independent of pycognito. ---

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2


def signed_be(n: int) -> bytes:
    """A non-negative integer as minimal big-endian two's complement (a 0x00 byte before a set top bit)."""
    return n.to_bytes(n.bit_length() // 8 + 1, "big")


def h(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha256(b"".join(parts)).digest(), "big")


K = h(signed_be(N), signed_be(G))


def server_values(pool_name: str, user_id: str, password: str, salt: bytes, b: int):
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).digest()
    x = h(signed_be(int.from_bytes(salt, "big")), inner)
    v = pow(G, x, N)
    big_b = (K * v + pow(G, b, N)) % N
    return v, big_b


def server_claim_key(big_a: int, big_b: int, v: int, b: int) -> bytes:
    """The server's view of the 16-byte claim key: HKDF-SHA256(salt u, ikm S, info, 16 bytes)."""
    u = h(signed_be(big_a), signed_be(big_b))
    s = pow(big_a * pow(v, u, N) % N, b, N)
    prk = hmac.new(signed_be(u), signed_be(s), hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key" + b"\x01", hashlib.sha256).digest()[:16]


# --- pycognito's client, with `a` and the clock pinned. ---


def pycognito_client(case, a: int, now: datetime.datetime):
    aws_srp.AWSSRP.generate_random_small_a = lambda self: a

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return now

    aws_srp.datetime = types.SimpleNamespace(datetime=FrozenDatetime)
    # Any non-None client stops pycognito from building a boto3 client; no call is made.
    return aws_srp.AWSSRP(
        username=case["username"],
        password=case["password"],
        pool_id=case["pool_id"],
        client_id=case.get("client_id") or "unused-client-id",
        client=object(),
        client_secret=case.get("client_secret"),
    )


CASES = [
    {
        "name": "plain user, single-digit day",
        "pool_id": "us-east-1_AbCdEf123",
        "username": "diego",
        "user_id_for_srp": "diego",
        "password": "Correct-Horse-9",
        "time": (2006, 1, 2, 3, 4, 5),
        "secret_block_len": 1024,
    },
    {
        "name": "email alias, app client with a secret",
        "pool_id": "eu-west-2_Zx9Yw8Vu7",
        "username": "diego@example.com",
        "user_id_for_srp": "7f1c2a9e-5d3b-4c8a-9e0f-1a2b3c4d5e6f",
        "challenge_username": "7f1c2a9e-5d3b-4c8a-9e0f-1a2b3c4d5e6f",
        "password": "p@ss w0rd with spaces",
        "client_id": "6u2nf9sd3ba8k1m0q7r5t4y3xj",
        "client_secret": "1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0z1x2c3v4b5n6m",
        "time": (2024, 2, 29, 9, 5, 7),
        "secret_block_len": 1500,
    },
    {
        "name": "non-ASCII user and password, salt with the top bit set",
        "pool_id": "ap-southeast-2_Q1w2E3r4T",
        "username": "Zoë",
        "user_id_for_srp": "Zoë",
        "challenge_username": "Zoë",
        "password": "pässwörd ✓ 🔑",
        "salt": bytes.fromhex("8f") + seeded("case3/salt", 15),
        "time": (2023, 12, 31, 23, 59, 59),
        "secret_block_len": 48,
    },
    {
        "name": "salt whose hex has an odd number of digits, client secret",
        "pool_id": "us-west-2_aaaaaaaaa",
        "username": "0123456789",
        "user_id_for_srp": "0123456789",
        "challenge_username": "0123456789",
        "password": "short",
        "client_id": "abcdefghijklmnopqrstuvwxyz",
        "client_secret": "another secret",
        "salt": bytes.fromhex("0a") + seeded("case4/salt", 15),
        "time": (2031, 7, 14, 12, 0, 0),
        "secret_block_len": 700,
    },
]


def main() -> None:
    out_cases = []
    for index, case in enumerate(CASES):
        label = f"case{index + 1}"
        a = int.from_bytes(seeded(f"{label}/a", 128), "big") % N
        b = int.from_bytes(seeded(f"{label}/b", 128), "big") % N
        salt = case.get("salt") or seeded(f"{label}/salt", 16)
        secret_block = base64.b64encode(seeded(f"{label}/secret_block", case["secret_block_len"])).decode()
        pool_name = case["pool_id"].split("_")[1]
        v, big_b = server_values(pool_name, case["user_id_for_srp"], case["password"], salt, b)
        now = datetime.datetime(*case["time"])

        srp = pycognito_client(case, a, now)
        assert srp.val_k == K, "pycognito's k differs from H(N | g)"
        auth_parameters = srp.get_auth_params()

        challenge_parameters = {
            "SALT": f"{int.from_bytes(salt, 'big'):x}",
            "SRP_B": f"{big_b:x}",
            "SECRET_BLOCK": secret_block,
            "USER_ID_FOR_SRP": case["user_id_for_srp"],
        }
        if "challenge_username" in case:
            challenge_parameters["USERNAME"] = case["challenge_username"]
        session_key = srp.get_password_authentication_key(
            case["user_id_for_srp"], case["password"], big_b, challenge_parameters["SALT"]
        )
        responses = srp.process_challenge(challenge_parameters, auth_parameters)
        # The two independent sides must agree before their values are worth recording.
        assert server_claim_key(srp.large_a_value, big_b, v, b) == session_key, case["name"]

        out_cases.append(
            {
                "name": case["name"],
                "inputs": {
                    "pool_id": case["pool_id"],
                    "username": case["username"],
                    "password": case["password"],
                    "client_id": case.get("client_id"),
                    "client_secret": case.get("client_secret"),
                    "a": f"{a:x}",
                    "b": f"{b:x}",
                    "salt": salt.hex(),
                    "unix_time": int(now.replace(tzinfo=datetime.timezone.utc).timestamp()),
                },
                "verifier": f"{v:x}",
                "k": f"{srp.val_k:x}",
                "u": f"{aws_srp.calculate_u(srp.large_a_value, big_b):x}",
                "auth_parameters": auth_parameters,
                "challenge_parameters": challenge_parameters,
                "session_key": session_key.hex(),
                "challenge_responses": responses,
            }
        )

    vectors = {
        "generator": (
            f"srp_vectors.py with pycognito {version('pycognito')}, Python {platform.python_version()}"
        ),
        "cases": out_cases,
    }
    print(json.dumps(vectors, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
