"""Registers a passkey and signs in with it in Chromium, through its virtual authenticator.

Reads a JSON scenario on standard input: {"api": "http://127.0.0.1:PORT", "client_id": ...,
"username": ..., "access_token": ..., "attestation": "none" | "direct"}. Steps:

1. serve a small page on http://localhost:<free port>/ (a secure context: browsers treat
   localhost as secure, so WebAuthn works there over plain HTTP);
2. add a virtual authenticator through the DevTools protocol (WebAuthn.enable, then
   WebAuthn.addVirtualAuthenticator: ctap2, internal, resident keys, user verification);
3. in the page, with fetch against the API (CORS): StartWebAuthnRegistration with the access
   token, navigator.credentials.create with the options (the attestation preference of the
   scenario), CompleteWebAuthnRegistration with the credential as JSON;
4. InitiateAuth with USER_AUTH preferring WEB_AUTHN, navigator.credentials.get with
   CREDENTIAL_REQUEST_OPTIONS, RespondToAuthChallenge with CREDENTIAL; then the same once more
   without sending the answer (printed for the test to send itself);
5. with "login": {"url": ..., "callback": ...} in the scenario, the managed login pages: the
   authorization URL, "Sign in with a passkey", the username, "Use your passkey", until the
   browser is sent to the callback, whose URL is printed.

Prints one JSON object: what each call answered, the attestation format the authenticator
used, and the virtual authenticator's credentials (their sign counts).
"""

import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>passkeys</title></head>
<body><p>passkey test page</p><script>
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), c => c.charCodeAt(0));
async function call(api, operation, body) {
  const response = await fetch(api, {
    method: "POST",
    headers: {"Content-Type": "application/x-amz-json-1.1",
              "X-Amz-Target": "AWSCognitoIdentityProviderService." + operation},
    body: JSON.stringify(body)});
  return {status: response.status, body: await response.json()};
}
async function register(api, token, attestation) {
  const started = await call(api, "StartWebAuthnRegistration", {AccessToken: token});
  if (started.status !== 200) return {started};
  const o = started.body.CredentialCreationOptions;
  const publicKey = {
    rp: o.rp, challenge: unb64(o.challenge),
    user: {id: unb64(o.user.id), name: o.user.name, displayName: o.user.displayName},
    pubKeyCredParams: o.pubKeyCredParams, timeout: o.timeout,
    excludeCredentials: o.excludeCredentials.map(c => ({type: c.type, id: unb64(c.id)})),
    authenticatorSelection: o.authenticatorSelection, attestation};
  const created = await navigator.credentials.create({publicKey});
  const credential = {
    id: created.id, rawId: b64(created.rawId), type: created.type,
    authenticatorAttachment: created.authenticatorAttachment,
    clientExtensionResults: created.getClientExtensionResults(),
    response: {clientDataJSON: b64(created.response.clientDataJSON),
               attestationObject: b64(created.response.attestationObject),
               transports: created.response.getTransports()}};
  const completed = await call(api, "CompleteWebAuthnRegistration", {AccessToken: token, Credential: credential});
  return {started, credential, completed};
}
async function signIn(api, clientId, username, send) {
  const initiated = await call(api, "InitiateAuth", {AuthFlow: "USER_AUTH", ClientId: clientId,
    AuthParameters: {USERNAME: username, PREFERRED_CHALLENGE: "WEB_AUTHN"}});
  if (initiated.status !== 200) return {initiated};
  const o = JSON.parse(initiated.body.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS);
  const publicKey = {challenge: unb64(o.challenge), rpId: o.rpId, timeout: o.timeout,
    userVerification: o.userVerification,
    allowCredentials: o.allowCredentials.map(c => ({type: c.type, id: unb64(c.id)}))};
  const got = await navigator.credentials.get({publicKey});
  const credential = JSON.stringify({
    id: got.id, rawId: b64(got.rawId), type: got.type,
    authenticatorAttachment: got.authenticatorAttachment,
    clientExtensionResults: got.getClientExtensionResults(),
    response: {clientDataJSON: b64(got.response.clientDataJSON),
               authenticatorData: b64(got.response.authenticatorData),
               signature: b64(got.response.signature),
               userHandle: got.response.userHandle ? b64(got.response.userHandle) : null}});
  if (!send) return {initiated, session: initiated.body.Session, credential};
  const answered = await call(api, "RespondToAuthChallenge", {ChallengeName: "WEB_AUTHN", ClientId: clientId,
    Session: initiated.body.Session, ChallengeResponses: {USERNAME: username, CREDENTIAL: credential}});
  return {initiated, answered};
}
</script></body></html>"""


class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def attestation_format(credential):
    """The `fmt` of a base64url attestation object (its first text value)."""
    raw = base64.urlsafe_b64decode(credential["response"]["attestationObject"] + "==")
    for fmt in ("none", "packed", "fido-u2f", "tpm", "apple"):
        encoded = bytes([0x60 + len(fmt)]) + fmt.encode()
        if raw.startswith(b"\xa3\x63fmt" + encoded):
            return fmt
    return "unknown"


def main():
    scenario = json.load(sys.stdin)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = "http://localhost:%d" % server.server_address[1]
    out = {"origin": origin}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        page = browser.new_context().new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(origin + "/")
            devtools = page.context.new_cdp_session(page)
            devtools.send("WebAuthn.enable")
            authenticator = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
                "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
            }})["authenticatorId"]
            api, token = scenario["api"], scenario["access_token"]
            out["register"] = page.evaluate(
                "([api, token, attestation]) => register(api, token, attestation)",
                [api, token, scenario["attestation"]],
            )
            if "credential" in out["register"]:
                out["format"] = attestation_format(out["register"]["credential"])
            args = [api, scenario["client_id"], scenario["username"]]
            out["sign_in"] = page.evaluate("([api, c, u]) => signIn(api, c, u, true)", args)
            out["unsent"] = page.evaluate("([api, c, u]) => signIn(api, c, u, false)", args)
            login = scenario.get("login")
            if login:
                page.goto(login["url"])
                page.get_by_role("link", name="Sign in with a passkey", exact=True).click()
                page.get_by_label("Username", exact=True).fill(scenario["username"])
                page.get_by_role("button", name="Continue with a passkey", exact=True).click()
                page.get_by_role("button", name="Use your passkey", exact=True).click()
                page.wait_for_url(lambda url: url.startswith(login["callback"]), timeout=30_000)
                out["login_url"] = page.url
            credentials = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
            out["sign_counts"] = [c["signCount"] for c in credentials["credentials"]]
        except Exception as error:
            out["error"] = str(error)
        browser.close()
    server.shutdown()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
