//! A real SAML 2.0 identity provider for the tests: pysaml2's `Server` in
//! `tests/saml_idp/idp.py` (its docstring lists the endpoints), run as a child process on
//! 127.0.0.1. It needs `python3` with pysaml2 (`pip install -r tests/requirements.txt`) and
//! Debian's `xmlsec1` (pysaml2 signs and verifies XML with it); `.ci/run` installs both. Without
//! them [`SamlIdp::start`] prints SKIPPED and returns `None`, except in CI (`CI` set), where it
//! fails.
//!
//! ```ignore
//! let sp = sp_metadata(&format!("urn:amazon:cognito:sp:{pool}"), &acs, &slo, &cert_b64, true);
//! let Some(idp) = SamlIdp::start(json!({
//!     "sp_metadata": sp,
//!     "users": {"alice": {"password": "Secret-1", "name_id": "alice@example.com",
//!         "attributes": {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": ["alice@example.com"]}}},
//! })).await else { return };
//! let metadata = idp.metadata_xml().await;   // for CreateIdentityProvider's MetadataFile
//! idp.spoil(Some("audience")).await;          // the next Responses name another Audience
//! let log = idp.log().await;                  // the AuthnRequests it received, the Responses it made
//! ```

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The NameID format the provider uses unless its config names another.
pub const EMAIL_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
/// The persistent NameID format.
pub const PERSISTENT_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
/// The Redirect binding's rsa-sha256 `SigAlg`.
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// The values `POST /_control` takes for `spoil` (besides `null`).
pub const SPOILS: [&str; 10] = [
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
];

/// How long the provider may take to print `READY` (pysaml2's imports, two RSA keys).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A script of `tests/saml_idp/`.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/saml_idp").join(name)
}

/// Whether python3 with pysaml2 and the `xmlsec1` binary are here. Missing: fails in CI (where
/// `.ci/run` installs them), prints SKIPPED and returns `false` elsewhere.
pub fn saml_idp_available() -> bool {
    let quiet = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let pysaml2 = quiet("python3", &["-c", "import saml2.server, saml2.client"]);
    let xmlsec1 = quiet("xmlsec1", &["--version"]);
    if !(pysaml2 && xmlsec1) {
        assert!(
            std::env::var_os("CI").is_none(),
            "pysaml2 ({pysaml2}) or xmlsec1 ({xmlsec1}) is missing in CI (.ci/run installs them)"
        );
        eprintln!(
            "SKIPPED: needs pysaml2 (pip install -r tests/requirements.txt) and xmlsec1 (apt install xmlsec1); \
             pysaml2: {pysaml2}, xmlsec1: {xmlsec1}"
        );
    }
    pysaml2 && xmlsec1
}

/// The running provider (a `python3 idp.py` child), killed when dropped.
pub struct SamlIdp {
    url: String,
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl SamlIdp {
    /// Starts the provider with `config` (`sp_metadata`, `users`, optional `name_id_format` and
    /// `attribute_name_format`); `None` (after printing why) when pysaml2 or xmlsec1 is missing.
    pub async fn start(config: Value) -> Option<SamlIdp> {
        if !saml_idp_available() {
            return None;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let config_path = dir.path().join("idp.json");
        std::fs::File::create(&config_path)
            .and_then(|mut f| f.write_all(config.to_string().as_bytes()))
            .expect("write the IdP's config");
        let mut child = Command::new("python3")
            .arg(script("idp.py"))
            .arg("--config")
            .arg(&config_path)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONWARNINGS", "ignore")
            .env("SAML_IDP_TMPDIR", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("READY ") {
                    let _ = ready_tx.send(url.trim().to_owned());
                }
            }
        });
        let err = child.stderr.take().unwrap();
        let log = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                log.lock().unwrap().push(line);
            }
        });
        let started = Instant::now();
        let url = loop {
            if let Ok(url) = ready_rx.try_recv() {
                break url;
            }
            if let Some(status) = child.try_wait().ok().flatten() {
                std::thread::sleep(Duration::from_millis(100));
                panic!("the SAML IdP exited ({status}) before READY:\n{}", stderr.lock().unwrap().join("\n"));
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                panic!("the SAML IdP did not start in time:\n{}", stderr.lock().unwrap().join("\n"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        Some(SamlIdp { url, child, stderr, _dir: dir })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Its metadata's URL, which is also its entity ID.
    pub fn metadata_url(&self) -> String {
        format!("{}/metadata", self.url)
    }

    /// Its entity ID (the metadata URL).
    pub fn entity_id(&self) -> String {
        self.metadata_url()
    }

    /// `GET /sso/redirect`'s URL (the HTTP-Redirect SingleSignOnService).
    pub fn sso_url(&self) -> String {
        format!("{}/sso/redirect", self.url)
    }

    /// `GET /idp-init?relay_state=..`: an IdP-initiated sign-in.
    pub fn idp_initiated_url(&self, relay_state: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new()).append_pair("relay_state", relay_state).finish();
        format!("{}/idp-init?{query}", self.url)
    }

    /// Its metadata (EntityDescriptor with an IDPSSODescriptor).
    pub async fn metadata_xml(&self) -> String {
        let response = reqwest::get(self.metadata_url()).await.expect("GET /metadata");
        assert_eq!(response.status(), 200, "GET /metadata:\n{}", self.stderr());
        response.text().await.unwrap()
    }

    /// Spoils the next Responses so (one of [`SPOILS`]), until `spoil(None)`.
    pub async fn spoil(&self, spoil: Option<&str>) {
        let response = reqwest::Client::new()
            .post(format!("{}/_control", self.url))
            .json(&json!({ "spoil": spoil }))
            .send()
            .await
            .expect("POST /_control");
        let status = response.status();
        assert_eq!(status, 200, "POST /_control {spoil:?}: {}", response.text().await.unwrap_or_default());
    }

    /// What it received (`AuthnRequest`, `LogoutRequest`: `signed`, `signature_valid`, `xml`,
    /// `relay_state`, `query`) and what it sent (`Response`, `LogoutResponse`: `xml`), oldest
    /// first.
    pub async fn log(&self) -> Vec<Value> {
        let response = reqwest::get(format!("{}/_log", self.url)).await.expect("GET /_log");
        assert_eq!(response.status(), 200, "GET /_log");
        response.json::<Value>().await.unwrap().as_array().cloned().unwrap_or_default()
    }

    /// The entries of [`log`](Self::log) of `kind`.
    pub async fn log_of(&self, kind: &str) -> Vec<Value> {
        self.log().await.into_iter().filter(|e| e["kind"] == kind).collect()
    }

    /// The base64 `SAMLResponse` of the last Response it issued (to replay it).
    pub async fn last_response(&self) -> Option<String> {
        use base64::Engine;
        let responses = self.log_of("Response").await;
        let xml = responses.last()?["xml"].as_str()?.to_owned();
        Some(base64::engine::general_purpose::STANDARD.encode(xml))
    }

    /// What it printed on stderr so far (requests, refusals, tracebacks).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }
}

impl Drop for SamlIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn escape_attr(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// SP metadata as the test gives it to the provider: an EntityDescriptor whose SPSSODescriptor
/// has the signing certificate `cert_b64` (base64 DER), the HTTP-POST AssertionConsumerService
/// `acs_url` and the HTTP-POST SingleLogoutService `slo_url`.
pub fn sp_metadata(
    entity_id: &str,
    acs_url: &str,
    slo_url: &str,
    cert_b64: &str,
    authn_requests_signed: bool,
) -> String {
    let (entity_id, acs_url, slo_url) = (escape_attr(entity_id), escape_attr(acs_url), escape_attr(slo_url));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">
  <md:SPSSODescriptor AuthnRequestsSigned="{authn_requests_signed}" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{slo_url}"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{acs_url}" index="1" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>
"#
    )
}

/// The first form of an HTML page: its `action` and its inputs' (name, value), entities
/// decoded. The provider's answers are such forms (SAMLResponse and RelayState to the ACS).
pub fn first_form(html: &str) -> Option<(String, Vec<(String, String)>)> {
    let start = html.find("<form")?;
    let end = html[start..].find("</form>").map_or(html.len(), |e| start + e);
    let form = &html[start..end];
    let tag_end = form.find('>')?;
    let action = attribute(&form[..tag_end], "action").unwrap_or_default();
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find("<input") {
        rest = &rest[i..];
        let close = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..close];
        if let Some(name) = attribute(tag, "name") {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
        rest = &rest[close..];
    }
    Some((action, fields))
}

/// The value of attribute `name` in the start tag `tag` (double or single quotes).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut search = tag;
    loop {
        let i = search.find(name)?;
        let before = search[..i].chars().last();
        let after = &search[i + name.len()..];
        if before.is_some_and(char::is_whitespace)
            && let Some(after) = after.trim_start().strip_prefix('=')
        {
            let after = after.trim_start();
            let quote = after.chars().next()?;
            let (value, _) = if quote == '"' || quote == '\'' {
                after[1..].split_once(quote)?
            } else {
                (after.split(|c: char| c.is_whitespace() || c == '>').next()?, "")
            };
            return Some(decode_entities(value));
        }
        search = &search[i + name.len()..];
    }
}

/// Decodes the HTML entities Python's `html.escape` writes (and numeric ones).
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
