#!/usr/bin/env python3
"""A SAML 2.0 identity provider for the tests, made with pysaml2 (saml2.server.Server).

    python3 idp.py --config FILE.json

It binds 127.0.0.1 on a free port, writes its own RSA key and self-signed certificate into a
temporary directory, and prints one line `READY http://127.0.0.1:PORT` on stdout when it serves.
Everything else (errors, tracebacks) goes to stderr.

The config file (JSON):

    {
      "sp_metadata": "<EntityDescriptor ...>",          # the one SP it serves
      "users": {"alice": {"password": "...", "name_id": "alice@example.com",
                          "attributes": {"email": ["alice@example.com"], ...}}},
      "name_id_format": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",   # default
      "attribute_name_format": "uri"                     # or "basic", "unspecified"
    }

Endpoints:

    GET  /metadata        its metadata; its entityID is this URL
    GET  /sso/redirect    an AuthnRequest, HTTP-Redirect binding (SAMLRequest, RelayState,
                          SigAlg, Signature); POST /sso/post: the same, HTTP-POST binding
    POST /login           the login page's form (username, password, pending)
    GET  /idp-init        ?relay_state=..: an unsolicited Response after login
    GET  /slo/redirect    a signed LogoutRequest, HTTP-Redirect binding
    POST /_control        {"spoil": "audience"|"expired"|...|null}: spoils the next responses
    GET  /_log            a JSON list, oldest first: what it received ({"kind": "AuthnRequest" or
                          "LogoutRequest", "binding", "signed", "signature_valid" (null when
                          unsigned), "pysaml2_signature_valid" (pysaml2's re-encoding check, Redirect
                          only), "xml", "relay_state", "query"}) and what it sent ({"kind":
                          "Response", "xml", "relay_state", "spoil"}, {"kind": "LogoutResponse", ...})

Every message it signs is signed by pysaml2 through xmlsec1 (rsa-sha256, sha256 digests,
exclusive c14n). Redirect-binding signatures are verified here over the query string exactly as
it was received (SAML bindings 3.4.4.1) against the SP's signing certificates in its metadata.
"""

import argparse
import base64
import datetime
import functools
import html
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import traceback
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

import saml2
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, samlp
from saml2.attribute_converter import AttributeConverter
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import error_status_factory
from saml2.saml import NAME_FORMAT_BASIC, NAME_FORMAT_UNSPECIFIED, NAME_FORMAT_URI, NameID
from saml2.server import Server
from saml2.sigver import pre_signature_part, security_context, signed_instance_factory, verify_redirect_signature
from saml2.authn_context import PASSWORDPROTECTEDTRANSPORT
import saml2.entity
import saml2.sigver

# pysaml2 encrypts assertions with 3DES-CBC unless told otherwise; identity providers in use
# today (AD FS, Okta, Entra ID, Shibboleth) use AES, so the fixture does: AES-256-CBC with the
# key sent by RSA-OAEP.
AES256_CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
saml2.entity.pre_encryption_part = functools.partial(saml2.sigver.pre_encryption_part, msg_enc=AES256_CBC)

RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
PERSISTENT_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
COOKIE = "pysaml2_idp_session"

# SigAlg URI -> hash, for the redirect binding's signatures.
SIG_HASHES = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1,
    RSA_SHA256: hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}

SPOILS = {
    "audience",
    "expired",
    "not_yet_valid",
    "unsigned",
    "response_only",
    "assertion_only",
    "recipient",
    "tampered",
    "other_key",
    "status_denied",
}
OTHER_AUDIENCE = "urn:example:another-service-provider"
OTHER_RECIPIENT = "https://another-sp.example.com/saml2/idpresponse"
TAMPERED_VALUE = "tampered@evil.example"

NAME_FORMATS = {"uri": NAME_FORMAT_URI, "basic": NAME_FORMAT_BASIC, "unspecified": NAME_FORMAT_UNSPECIFIED}


class BadRequest(Exception):
    """Answered with 400 and the message."""


def write_key_pair(directory, name, common_name):
    """A new RSA key and a self-signed certificate for it, as PEM files; their paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
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
    key_path = os.path.join(directory, f"{name}.key")
    cert_path = os.path.join(directory, f"{name}.crt")
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
            )
        )
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def saml_time(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def text_of(xml):
    return xml if isinstance(xml, str) else xml.decode("utf-8")


def form_page(action, fields, title):
    """An HTML page whose form posts `fields` to `action` at once (and on "Continue")."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items() if v is not None
    )
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
        + html.escape(title)
        + '</title></head><body onload="document.forms[0].submit()">'
        + f'<form method="post" action="{html.escape(action)}">{inputs}'
        + "<p>Sending you back to the service.</p>"
        + '<button type="submit">Continue</button></form></body></html>'
    )


def login_page(pending, error=None, username=""):
    message = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>'
        "<h1>Sign in to the test identity provider</h1>"
        + message
        + '<form method="post" action="/login">'
        + f'<input type="hidden" name="pending" value="{html.escape(pending)}">'
        + '<p><label for="username">Username</label> '
        + f'<input id="username" name="username" type="text" autocomplete="username" value="{html.escape(username)}"></p>'
        + '<p><label for="password">Password</label> '
        + '<input id="password" name="password" type="password" autocomplete="current-password"></p>'
        + '<p><button type="submit">Sign in</button></p>'
        + "</form></body></html>"
    )


class Idp:
    """The provider's state: pysaml2's Server, the users, sessions, pending requests, the log."""

    def __init__(self, config, base, directory):
        self.base = base
        self.entity_id = f"{base}/metadata"
        self.users = config.get("users", {})
        self.name_id_format = config.get("name_id_format") or EMAIL_FORMAT
        name_format = NAME_FORMATS.get(config.get("attribute_name_format", "uri"))
        if name_format is None:
            raise ValueError("attribute_name_format: uri, basic or unspecified")
        self.sp_metadata = config["sp_metadata"]

        key_file, cert_file = write_key_pair(directory, "idp", "pysaml2 test IdP")
        other_key, other_cert = write_key_pair(directory, "other", "pysaml2 test IdP")
        xmlsec = shutil.which("xmlsec1")
        if not xmlsec:
            raise RuntimeError("xmlsec1 is missing (apt install xmlsec1)")
        settings = {
            "entityid": self.entity_id,
            "name": "pysaml2 test IdP",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{base}/sso/redirect", BINDING_HTTP_REDIRECT),
                            (f"{base}/sso/post", BINDING_HTTP_POST),
                        ],
                        "single_logout_service": [(f"{base}/slo/redirect", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [self.name_id_format],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": name_format,
                        }
                    },
                    # Redirect-binding signatures are checked here, over the query as received.
                    "want_authn_requests_signed": False,
                    "sign_response": True,
                    "sign_assertion": True,
                }
            },
            "key_file": key_file,
            "cert_file": cert_file,
            "xmlsec_binary": xmlsec,
            "metadata": {"inline": [self.sp_metadata]},
            "signing_algorithm": RSA_SHA256,
            "digest_algorithm": SHA256,
            "accepted_time_diff": 60,
            "allow_unknown_attributes": True,
        }
        conf = IdPConfig().load(settings)
        self.server = Server(config=conf)
        # The session key to match (pysaml2 asks xmlsec1 for a 3DES key otherwise).
        encrypt = self.server.sec.encrypt_assertion
        self.server.sec.encrypt_assertion = lambda statement, key, template, key_type=None, node_xpath=None: encrypt(
            statement, key, template, "aes-256", node_xpath
        )
        self.name_format = name_format

        other_conf = IdPConfig().load(dict(settings, key_file=other_key, cert_file=other_cert))
        self.other_sec = security_context(other_conf)
        with open(other_cert) as f:
            self.other_cert_b64 = "".join(line for line in f.read().splitlines() if "-----" not in line)

        # The SP: its entity id, ACS (HTTP-POST), SLO (HTTP-POST), AuthnRequestsSigned.
        root = ET.fromstring(self.sp_metadata)
        self.sp_entity_id = root.get("entityID")
        sp = root.find(f"{{{MD_NS}}}SPSSODescriptor")
        if sp is None:
            raise ValueError("sp_metadata has no SPSSODescriptor")
        self.authn_requests_signed = sp.get("AuthnRequestsSigned", "false").strip() in ("true", "1")
        self.acs_url = next(
            (e.get("Location") for e in sp.findall(f"{{{MD_NS}}}AssertionConsumerService") if e.get("Binding") == BINDING_HTTP_POST),
            None,
        )
        if not self.acs_url:
            raise ValueError("sp_metadata has no HTTP-POST AssertionConsumerService")

        self.lock = threading.RLock()
        self.sessions = {}  # cookie value -> {"user", "session_indexes"}
        self.pending = {}  # key -> {"in_response_to", "relay_state", "acs"}
        self.log = []
        self.spoil = None

    # -- metadata ---------------------------------------------------------------------------

    def metadata(self):
        # WantAuthnRequestsSigned says what the SP's metadata asks for; the check itself is ours.
        config = self.server.config
        config.setattr("idp", "want_authn_requests_signed", self.authn_requests_signed)
        try:
            return text_of(str(entity_descriptor(config)))
        finally:
            config.setattr("idp", "want_authn_requests_signed", False)

    def sp_certs(self):
        return [cert for _name, cert in self.server.metadata.certs(self.sp_entity_id, "any", "signing")]

    # -- the redirect binding's signature ----------------------------------------------------

    def verify_redirect(self, raw_query, message_key):
        """(signed, signature_valid, pysaml2_signature_valid) of an HTTP-Redirect message."""
        raw = {}
        for part in raw_query.split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            raw.setdefault(urllib.parse.unquote_plus(key), value)
        if "Signature" not in raw and "SigAlg" not in raw:
            return False, None, None
        if "Signature" not in raw or "SigAlg" not in raw:
            return True, False, False
        sig_alg = urllib.parse.unquote_plus(raw["SigAlg"])
        signed_part = "&".join(f"{k}={raw[k]}" for k in (message_key, "RelayState", "SigAlg") if k in raw)
        try:
            signature = base64.b64decode(urllib.parse.unquote_plus(raw["Signature"]), validate=False)
        except Exception:
            return True, False, False
        hash_class = SIG_HASHES.get(sig_alg)
        valid = False
        if hash_class is not None:
            for cert_b64 in self.sp_certs():
                cert = x509.load_der_x509_certificate(base64.b64decode(cert_b64))
                try:
                    cert.public_key().verify(signature, signed_part.encode("ascii"), padding.PKCS1v15(), hash_class())
                    valid = True
                    break
                except InvalidSignature:
                    pass
        # pysaml2's own check re-encodes the decoded values (urllib's quote_plus): it agrees only
        # when the sender encoded them the same way.
        decoded = {k: urllib.parse.unquote_plus(v) for k, v in raw.items()}
        pysaml2_valid = False
        try:
            msg = {k: decoded[k] for k in (message_key, "RelayState", "SigAlg", "Signature") if k in decoded}
            pysaml2_valid = any(
                verify_redirect_signature(msg, self.server.sec.sec_backend, cert) for cert in self.sp_certs()
            )
        except Exception:
            pysaml2_valid = False
        return True, valid, bool(pysaml2_valid)

    # -- requests -----------------------------------------------------------------------------

    def unravel(self, saml_request, binding):
        """The XML of a SAMLRequest: inflated and base64-decoded (Redirect) or base64-decoded (POST)."""
        try:
            return text_of(self.server.unravel(saml_request, binding, "request"))
        except Exception as error:
            raise BadRequest(f"SAMLRequest does not decode in the {binding} binding: {error}")

    def authn_request(self, params, raw_query, binding):
        """Checks and records an AuthnRequest; the pending sign-in it starts."""
        saml_request = params.get("SAMLRequest")
        if not saml_request:
            raise BadRequest("SAMLRequest is missing")
        relay_state = params.get("RelayState")
        if binding == BINDING_HTTP_REDIRECT:
            xml = self.unravel(saml_request, binding)
            signed, valid, pysaml2_valid = self.verify_redirect(raw_query, "SAMLRequest")
        else:
            xml = self.unravel(saml_request, binding)
            signed = re.search(r"<(\w+:)?Signature[\s>]", xml) is not None
            valid, pysaml2_valid = None, None
        entry = {
            "kind": "AuthnRequest",
            "binding": binding,
            "signed": signed,
            "signature_valid": valid,
            "xml": xml,
            "relay_state": relay_state,
            "query": params,
        }
        if binding == BINDING_HTTP_REDIRECT:
            entry["pysaml2_signature_valid"] = pysaml2_valid
        self.log.append(entry)
        if signed and valid is False:
            raise BadRequest("the AuthnRequest's signature does not verify with the SP's certificate")
        if self.authn_requests_signed and not signed:
            raise BadRequest("the SP's metadata says AuthnRequestsSigned, and this AuthnRequest is not signed")
        try:
            # In the POST binding, pysaml2 checks an enveloped signature when there is one.
            request = self.server.parse_authn_request(saml_request, binding)
        except Exception as error:
            if binding == BINDING_HTTP_POST and signed:
                entry["signature_valid"] = False
            raise BadRequest(f"pysaml2 refused the AuthnRequest: {type(error).__name__}: {error}")
        if binding == BINDING_HTTP_POST and signed:
            entry["signature_valid"] = True
        message = request.message
        issuer = message.issuer.text if message.issuer is not None else None
        if issuer != self.sp_entity_id:
            raise BadRequest(f"the AuthnRequest's Issuer {issuer!r} is not the SP of the metadata ({self.sp_entity_id})")
        acs = message.assertion_consumer_service_url
        if acs and acs != self.acs_url:
            raise BadRequest(f"AssertionConsumerServiceURL {acs} is not the SP's HTTP-POST ACS {self.acs_url}")
        return {"in_response_to": message.id, "relay_state": relay_state}

    def logout_request(self, params, raw_query):
        """Checks a LogoutRequest; (parsed request, relay state)."""
        saml_request = params.get("SAMLRequest")
        if not saml_request:
            raise BadRequest("SAMLRequest is missing")
        relay_state = params.get("RelayState")
        xml = self.unravel(saml_request, BINDING_HTTP_REDIRECT)
        signed, valid, pysaml2_valid = self.verify_redirect(raw_query, "SAMLRequest")
        self.log.append(
            {
                "kind": "LogoutRequest",
                "binding": BINDING_HTTP_REDIRECT,
                "signed": signed,
                "signature_valid": valid,
                "pysaml2_signature_valid": pysaml2_valid,
                "xml": xml,
                "relay_state": relay_state,
                "query": params,
            }
        )
        if not signed:
            raise BadRequest("the LogoutRequest is not signed")
        if not valid:
            raise BadRequest("the LogoutRequest's signature does not verify with the SP's certificate")
        try:
            request = self.server.parse_logout_request(saml_request, BINDING_HTTP_REDIRECT)
        except Exception as error:
            raise BadRequest(f"pysaml2 refused the LogoutRequest: {type(error).__name__}: {error}")
        return request, relay_state

    # -- responses ----------------------------------------------------------------------------

    def name_id(self, username):
        user = self.users[username]
        text = user.get("name_id") or username
        if self.name_id_format == PERSISTENT_FORMAT:
            return NameID(
                format=self.name_id_format,
                text=text,
                name_qualifier=self.entity_id,
                sp_name_qualifier=self.sp_entity_id,
            )
        return NameID(format=self.name_id_format, text=text)

    def sign(self, response, assertion, sign_response, sign_assertion, sec=None, cert=None):
        """Signs the assertion and then the response, as pysaml2 does (Entity.sign)."""
        sec = sec or self.server.sec
        cert = cert or self.server.sec.my_cert
        to_sign = []
        if sign_assertion and assertion is not None:
            assertion.signature = pre_signature_part(assertion.id, cert, 2, sign_alg=RSA_SHA256, digest_alg=SHA256)
            to_sign.append((saml2.class_name(assertion), assertion.id))
        if sign_response:
            response.signature = pre_signature_part(response.id, cert, 1, sign_alg=RSA_SHA256, digest_alg=SHA256)
            to_sign.append((saml2.class_name(response), response.id))
        if not to_sign:
            return text_of(str(response))
        return text_of(signed_instance_factory(response, sec, to_sign))

    def encrypts(self):
        """Whether the SP's metadata names a certificate to encrypt assertions for."""
        return bool(self.server.metadata.certs(self.sp_entity_id, "spsso", use="encryption"))

    def authn_response(self, username, session, pending):
        """The signed samlp:Response for `pending` (None in_response_to: IdP-initiated), as XML."""
        spoil = self.spoil
        in_response_to = pending.get("in_response_to")
        if spoil == "status_denied":
            response = self.server.create_error_response(
                in_response_to,
                destination=self.acs_url,
                info=(samlp.STATUS_AUTHN_FAILED, "The identity provider denied the sign-in."),
                sign=False,
            )
            return self.sign(response, None, True, False)

        user = self.users[username]
        identity = {name: list(values) if isinstance(values, list) else [values] for name, values in user.get("attributes", {}).items()}
        # Attribute names exactly as configured: a converter that maps each name to itself.
        converter = AttributeConverter(self.name_format)
        converter._to = {name.lower(): name for name in identity}
        converter._fro = {name: name for name in identity}
        self.server.config.attribute_converters = [converter]

        if spoil is None and self.encrypts():
            # The SP's metadata has an encryption certificate: pysaml2 signs the assertion,
            # encrypts it for that certificate (xmlsec1, self-contained EncryptedAssertion) and
            # signs the response, all itself.
            signed = self.server.create_authn_response(
                identity,
                in_response_to,
                self.acs_url,
                self.sp_entity_id,
                name_id=self.name_id(username),
                authn={"class_ref": PASSWORDPROTECTEDTRANSPORT, "authn_auth": self.entity_id},
                sign_response=True,
                sign_assertion=True,
                encrypt_assertion=True,
                encrypt_assertion_self_contained=True,
                sign_alg=RSA_SHA256,
                digest_alg=SHA256,
            )
            return text_of(str(signed))
        response = self.server.create_authn_response(
            identity,
            in_response_to,
            self.acs_url,
            self.sp_entity_id,
            name_id=self.name_id(username),
            authn={"class_ref": PASSWORDPROTECTEDTRANSPORT, "authn_auth": self.entity_id},
            sign_response=False,
            sign_assertion=False,
        )
        if isinstance(response, (str, bytes, list)):
            raise RuntimeError(f"pysaml2 did not make a Response: {response}")
        assertion = response.assertion
        if isinstance(assertion, list):
            assertion = assertion[0]
        session["session_indexes"].append(assertion.authn_statement[0].session_index)

        now = datetime.datetime.now(datetime.timezone.utc)
        confirmation = assertion.subject.subject_confirmation[0].subject_confirmation_data
        if spoil == "audience":
            assertion.conditions.audience_restriction[0].audience[0].text = OTHER_AUDIENCE
        elif spoil == "expired":
            past = now - datetime.timedelta(hours=1)
            response.issue_instant = assertion.issue_instant = saml_time(past)
            assertion.authn_statement[0].authn_instant = saml_time(past)
            assertion.conditions.not_before = saml_time(past)
            assertion.conditions.not_on_or_after = saml_time(past + datetime.timedelta(minutes=5))
            confirmation.not_on_or_after = saml_time(past + datetime.timedelta(minutes=5))
        elif spoil == "not_yet_valid":
            future = now + datetime.timedelta(hours=1)
            assertion.conditions.not_before = saml_time(future)
            assertion.conditions.not_on_or_after = saml_time(future + datetime.timedelta(minutes=15))
            confirmation.not_on_or_after = saml_time(future + datetime.timedelta(minutes=15))
        elif spoil == "recipient":
            response.destination = OTHER_RECIPIENT
            confirmation.recipient = OTHER_RECIPIENT

        if spoil == "unsigned":
            return self.sign(response, assertion, False, False)
        if spoil == "response_only":
            return self.sign(response, assertion, True, False)
        if spoil == "assertion_only":
            return self.sign(response, assertion, False, True)
        if spoil == "other_key":
            return self.sign(response, assertion, True, True, sec=self.other_sec, cert=self.other_cert_b64)
        xml = self.sign(response, assertion, True, True)
        if spoil == "tampered":
            xml, count = re.subn(
                r"(<(?:\w+:)?AttributeValue\b[^>]*>)[^<]*(</)", lambda m: m.group(1) + TAMPERED_VALUE + m.group(2), xml, count=1
            )
            if count != 1:
                raise RuntimeError("no AttributeValue to tamper with")
        return xml

    def answer(self, username, session, pending):
        """The auto-submitting form that posts the Response to the ACS."""
        xml = self.authn_response(username, session, pending)
        self.log.append({"kind": "Response", "xml": xml, "relay_state": pending.get("relay_state"), "spoil": self.spoil})
        encoded = base64.b64encode(xml.encode("utf-8")).decode("ascii")
        return form_page(self.acs_url, {"SAMLResponse": encoded, "RelayState": pending.get("relay_state")}, "Signing in")


class Handler(BaseHTTPRequestHandler):
    idp = None  # set in main
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("idp: " + (fmt % args) + "\n")

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status, value):
        self.send(status, json.dumps(value), "application/json")

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def form(self):
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.body().decode("utf-8"), keep_blank_values=True).items()}

    def session(self):
        header = self.headers.get("Cookie", "")
        for part in header.split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and value in self.idp.sessions:
                return value, self.idp.sessions[value]
        return None, None

    def do_GET(self):
        self.handle_safely("GET")

    def do_POST(self):
        self.handle_safely("POST")

    def handle_safely(self, method):
        try:
            with self.idp.lock:
                self.route(method)
        except BadRequest as error:
            sys.stderr.write(f"idp: 400 {error}\n")
            self.send(400, f"Bad SAML request: {error}\n", "text/plain; charset=utf-8")
        except Exception:
            text = traceback.format_exc()
            sys.stderr.write(text)
            try:
                self.send(500, text, "text/plain; charset=utf-8")
            except Exception:
                pass

    def route(self, method):
        idp = self.idp
        url = urllib.parse.urlsplit(self.path)
        raw_query = url.query
        query = {k: v[0] for k, v in urllib.parse.parse_qs(raw_query, keep_blank_values=True).items()}
        path = url.path
        if method == "GET" and path == "/metadata":
            return self.send(200, idp.metadata(), "application/samlmetadata+xml")
        if method == "GET" and path == "/sso/redirect":
            return self.start_sign_in(idp.authn_request(query, raw_query, BINDING_HTTP_REDIRECT))
        if method == "POST" and path == "/sso/post":
            return self.start_sign_in(idp.authn_request(self.form(), None, BINDING_HTTP_POST))
        if method == "GET" and path == "/idp-init":
            return self.start_sign_in({"in_response_to": None, "relay_state": query.get("relay_state")})
        if method == "POST" and path == "/login":
            return self.login(self.form())
        if method == "GET" and path == "/slo/redirect":
            return self.logout(query, raw_query)
        if method == "POST" and path == "/_control":
            command = json.loads(self.body() or b"{}")
            spoil = command.get("spoil")
            if spoil is not None and spoil not in SPOILS:
                raise BadRequest(f"spoil: one of {sorted(SPOILS)} or null")
            idp.spoil = spoil
            return self.send_json(200, {"spoil": spoil})
        if method == "GET" and path == "/_log":
            return self.send_json(200, idp.log)
        self.send(404, "Not found\n", "text/plain; charset=utf-8")

    def start_sign_in(self, pending):
        cookie, session = self.session()
        if session is not None:
            return self.send(200, self.idp.answer(session["user"], session, pending))
        key = secrets.token_urlsafe(16)
        self.idp.pending[key] = pending
        self.send(200, login_page(key))

    def login(self, form):
        idp = self.idp
        key = form.get("pending", "")
        pending = idp.pending.get(key)
        if pending is None:
            raise BadRequest("no sign-in is pending (start from the service provider or /idp-init)")
        username = form.get("username", "")
        user = idp.users.get(username)
        if user is None or not secrets.compare_digest(str(user.get("password", "")), form.get("password", "")):
            return self.send(200, login_page(key, "Incorrect username or password.", username))
        del idp.pending[key]
        cookie = secrets.token_urlsafe(24)
        session = {"user": username, "session_indexes": []}
        idp.sessions[cookie] = session
        page = idp.answer(username, session, pending)
        self.send(200, page, headers=[("Set-Cookie", f"{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax")])

    def logout(self, query, raw_query):
        idp = self.idp
        request, relay_state = idp.logout_request(query, raw_query)
        cookie, _session = self.session()
        if cookie is not None:
            del idp.sessions[cookie]
        response = idp.server.create_logout_response(
            request.message, bindings=[BINDING_HTTP_POST], sign=True, sign_alg=RSA_SHA256, digest_alg=SHA256
        )
        xml = text_of(response if isinstance(response, (str, bytes)) else str(response))
        idp.log.append({"kind": "LogoutResponse", "xml": xml, "relay_state": relay_state})
        destination = re.search(r'Destination="([^"]*)"', xml)
        if destination is None:
            raise RuntimeError("pysaml2's LogoutResponse has no Destination (no HTTP-POST SingleLogoutService?)")
        encoded = base64.b64encode(xml.encode("utf-8")).decode("ascii")
        page = form_page(html.unescape(destination.group(1)), {"SAMLResponse": encoded, "RelayState": relay_state}, "Signing out")
        self.send(
            200,
            page,
            headers=[("Set-Cookie", f"{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")],
        )


def stop(_signum, _frame):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = json.load(f)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    # SIGTERM ends it like Ctrl-C, so that its keys' directory goes. SAML_IDP_TMPDIR: where to
    # make that directory (the Rust fixture gives one it removes itself, after SIGKILL too).
    signal.signal(signal.SIGTERM, stop)
    with tempfile.TemporaryDirectory(prefix="saml-idp-", dir=os.environ.get("SAML_IDP_TMPDIR")) as directory:
        Handler.idp = Idp(config, base, directory)
        print(f"READY {base}", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
