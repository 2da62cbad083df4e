#!/usr/bin/env python3
"""A pysaml2 service provider (saml2.client.Saml2Client) that checks the test IdP (idp.py).

Reads JSON commands on stdin, one a line, and answers each with one JSON line on stdout (an
exception: {"exception": traceback}), until stdin closes:

    {"cmd": "init", "dir": D}
        writes D/sp.key and D/sp.crt; prints {"cert_b64": "..."} (the certificate's base64 DER)
    common fields of the other commands: "dir", "entity_id", "acs", "slo", "idp_metadata"
    {"cmd": "authn_request", "relay_state": "...", "binding": "redirect"|"post", "sign": true}
        prints {"id": ..., "url": ...} (redirect) or {"id": ..., "action": ..., "fields": {...}} (post)
    {"cmd": "parse_response", "saml_response": B64, "request_id": ID|null}
        validates the Response as pysaml2's SP does (signatures against the IdP's metadata,
        audience, InResponseTo, Recipient/Destination, times); prints {"ok": true, "name_id":
        ..., "session_index": ..., "attributes": [{"name", "name_format", "values"}], ...} or
        {"ok": false, "error": "..."}
    {"cmd": "logout_request", "name_id": ..., "name_id_format": ..., "session_index": ...,
     "relay_state": ..., "sign": true}
        prints {"id": ..., "url": ...}: a LogoutRequest in the HTTP-Redirect binding
    {"cmd": "parse_logout_response", "saml_response": B64}
        prints {"ok": true, "status": ..., "in_response_to": ..., "signed": bool} or
        {"ok": false, "error": ...}
"""

import base64
import datetime
import json
import logging
import os
import shutil
import sys
import traceback

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NameID

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

# pysaml2 logs some refusals (a wrong Destination) and returns nothing: keep them for the error.
LOGGED = []


class Keep(logging.Handler):
    def emit(self, record):
        LOGGED.append(record.getMessage())


logging.getLogger("saml2").addHandler(Keep(logging.WARNING))
logging.getLogger("saml2").propagate = False


def init(cmd):
    directory = cmd["dir"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pysaml2 test SP")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    with open(os.path.join(directory, "sp.key"), "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
            )
        )
    with open(os.path.join(directory, "sp.crt"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return {"cert_b64": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")}


CLIENTS = {}


def client(cmd):
    """pysaml2's SP for these settings (made once: loading the config takes a while)."""
    key = json.dumps([cmd["dir"], cmd["entity_id"], cmd["acs"], cmd["slo"], cmd["idp_metadata"], allow_unsolicited(cmd)])
    if key not in CLIENTS:
        CLIENTS[key] = new_client(cmd)
    return CLIENTS[key]


def allow_unsolicited(cmd):
    # Only a Response checked without a request ID may be unsolicited: otherwise pysaml2 would
    # take any InResponseTo.
    return cmd.get("cmd") == "parse_response" and not cmd.get("request_id")


def new_client(cmd):
    directory = cmd["dir"]
    settings = {
        "entityid": cmd["entity_id"],
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(cmd["acs"], BINDING_HTTP_POST)],
                    "single_logout_service": [(cmd["slo"], BINDING_HTTP_POST)],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                # One signature, on the Response or on the Assertion, is enough (as AWS accepts).
                "want_response_signed": False,
                "want_assertions_signed": False,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": allow_unsolicited(cmd),
            }
        },
        "key_file": os.path.join(directory, "sp.key"),
        "cert_file": os.path.join(directory, "sp.crt"),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "metadata": {"inline": [cmd["idp_metadata"]]},
        "signing_algorithm": RSA_SHA256,
        "digest_algorithm": SHA256,
        "accepted_time_diff": 60,
        "allow_unknown_attributes": True,
    }
    return Saml2Client(config=SPConfig().load(settings))


def idp_entity_id(sp):
    return next(iter(sp.metadata.identity_providers()))


def authn_request(cmd):
    sp = client(cmd)
    binding = BINDING_HTTP_POST if cmd.get("binding") == "post" else BINDING_HTTP_REDIRECT
    request_id, info = sp.prepare_for_authenticate(
        entityid=idp_entity_id(sp),
        relay_state=cmd.get("relay_state", ""),
        binding=binding,
        sign=cmd.get("sign", True),
        sigalg=RSA_SHA256,
        digest_alg=SHA256,
    )
    if binding == BINDING_HTTP_REDIRECT:
        location = dict(info["headers"])["Location"]
        return {"id": request_id, "url": location}
    # The POST binding: pysaml2 gives an auto-submitting page (its form posts SAMLRequest).
    return {"id": request_id, "html": info["data"]}


def parse_response(cmd):
    sp = client(cmd)
    outstanding = {cmd["request_id"]: "/"} if cmd.get("request_id") else {}
    try:
        response = sp.parse_authn_request_response(cmd["saml_response"], BINDING_HTTP_POST, outstanding=outstanding)
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    if response is None or response.assertion is None:
        return {"ok": False, "error": "pysaml2 accepted no assertion: " + " | ".join(LOGGED)}
    assertion = response.assertion
    attributes = []
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            attributes.append(
                {
                    "name": attribute.name,
                    "name_format": attribute.name_format,
                    "friendly_name": attribute.friendly_name,
                    "values": [value.text for value in attribute.attribute_value],
                }
            )
    name_id = response.name_id
    return {
        "ok": True,
        "status": response.response.status.status_code.value,
        "in_response_to": response.in_response_to,
        "issuer": response.issuer(),
        "name_id": name_id.text if name_id is not None else None,
        "name_id_format": name_id.format if name_id is not None else None,
        "session_index": assertion.authn_statement[0].session_index if assertion.authn_statement else None,
        "audience": [a.text for r in assertion.conditions.audience_restriction for a in r.audience],
        "response_signed": response.response.signature is not None,
        "assertion_signed": assertion.signature is not None,
        "attributes": attributes,
        "ava": response.ava,
    }


def logout_request(cmd):
    sp = client(cmd)
    idp = idp_entity_id(sp)
    destination = sp.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")[0]["location"]
    name_id = NameID(format=cmd.get("name_id_format"), text=cmd["name_id"])
    request_id, request = sp.create_logout_request(
        destination,
        idp,
        name_id=name_id,
        session_indexes=[cmd["session_index"]] if cmd.get("session_index") else None,
        sign=False,
    )
    info = sp.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(request),
        destination,
        cmd.get("relay_state", ""),
        sign=cmd.get("sign", True),
        sigalg=RSA_SHA256,
    )
    return {"id": request_id, "url": dict(info["headers"])["Location"]}


def parse_logout_response(cmd):
    sp = client(cmd)
    xml = base64.b64decode(cmd["saml_response"]).decode("utf-8")
    try:
        response = sp.parse_logout_request_response(cmd["saml_response"], BINDING_HTTP_POST)
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    if response is None:
        return {"ok": False, "error": "pysaml2 accepted no response: " + " | ".join(LOGGED)}
    message = response.response
    return {
        "ok": True,
        "status": message.status.status_code.value,
        "in_response_to": message.in_response_to,
        "destination": message.destination,
        "signed": message.signature is not None,
        "xml": xml,
    }


COMMANDS = {
    "init": init,
    "authn_request": authn_request,
    "parse_response": parse_response,
    "logout_request": logout_request,
    "parse_logout_response": parse_logout_response,
}


def main():
    # One command a line, one answer a line, until stdin closes (pysaml2 takes seconds to import).
    for line in sys.stdin:
        if not line.strip():
            continue
        LOGGED.clear()
        try:
            cmd = json.loads(line)
            result = COMMANDS[cmd["cmd"]](cmd)
        except Exception:
            text = traceback.format_exc()
            sys.stderr.write(text)
            result = {"exception": text}
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
