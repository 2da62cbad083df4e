"""An independent OpenID Connect client (authlib) signs in against the reference server using
nothing but the discovery document: authorization code with PKCE and a nonce, the sign-in done
in Chromium (Playwright), the code exchanged by authlib, the id token validated against
`jwks_uri` (signature, iss, aud, nonce, exp), and userInfo read with the access token.

Arguments (JSON on standard input): issuer, client_id, client_secret (or null), redirect_uri,
username, password. Prints the id token's claims and userInfo as JSON.
"""

import json
import sys

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from playwright.sync_api import sync_playwright

args = json.load(sys.stdin)
discovery = requests.get(args["issuer"] + "/.well-known/openid-configuration", timeout=10).json()
jwks = JsonWebKey.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())

session = OAuth2Session(
    args["client_id"],
    args.get("client_secret"),
    scope="openid email profile",
    redirect_uri=args["redirect_uri"],
    code_challenge_method="S256",
    token_endpoint_auth_method="client_secret_basic" if args.get("client_secret") else "none",
)
verifier = generate_token(64)
nonce = generate_token(20)
url, state = session.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce)

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
    )
    page = browser.new_context().new_page()
    page.goto(url)
    page.get_by_label("Username", exact=True).fill(args["username"])
    page.get_by_label("Password", exact=True).fill(args["password"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda u: u.startswith(args["redirect_uri"]), timeout=15_000)
    callback = page.url
    browser.close()

token = session.fetch_token(discovery["token_endpoint"], authorization_response=callback, code_verifier=verifier)
claims = jwt.decode(
    token["id_token"],
    jwks,
    claims_options={
        "iss": {"essential": True, "value": discovery["issuer"]},
        "aud": {"essential": True, "value": args["client_id"]},
        "nonce": {"essential": True, "value": nonce},
    },
)
claims.validate()
userinfo = session.get(discovery["userinfo_endpoint"], timeout=10).json()
print(json.dumps({"claims": dict(claims), "userinfo": userinfo, "state_matched": state in callback}))
