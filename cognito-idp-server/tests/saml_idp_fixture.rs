//! The SAML identity provider fixture (`common::saml_idp`, pysaml2's `Server` in
//! `tests/saml_idp/idp.py`) proved on its own, with no Cognito server: a pysaml2 service
//! provider (`tests/saml_idp/sp_check.py`, with a key of its own) makes signed requests, the test
//! signs in over HTTP (and in Chromium when it is there), and the SP validates what the provider
//! answers as pysaml2 does: signatures against the provider's metadata, audience, InResponseTo,
//! Recipient, times. Each spoil must make a Response that SP refuses (or, with one signature
//! left, accepts), and single logout must go round.

mod common;

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use axum::Form;
use axum::extract::State;
use axum::routing::post;
use common::chromium::{browser_available, drive};
use common::saml_idp::{EMAIL_FORMAT, PERSISTENT_FORMAT, RSA_SHA256, SPOILS, SamlIdp, first_form, sp_metadata};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};

const SP_ENTITY_ID: &str = "urn:amazon:cognito:sp:us-east-1_SamlFixture";
/// Never contacted by the HTTP tests: the form that would post there is read instead.
const ACS: &str = "http://127.0.0.1:9/saml2/idpresponse";
const SLO: &str = "http://127.0.0.1:9/saml2/logout";
const EMAIL_CLAIM: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const URI_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
const PASSWORD: &str = "Correct-Horse-1";

/// The pysaml2 service provider of `sp_check.py` (one process, a command a line): its key (in
/// `dir`) and endpoints, and the provider's metadata once it runs.
struct Sp {
    dir: tempfile::TempDir,
    acs: String,
    cert_b64: String,
    idp_metadata: String,
    process: tokio::sync::Mutex<(ChildStdin, BufReader<ChildStdout>)>,
    _child: Child,
}

impl Sp {
    async fn new(acs: &str) -> Sp {
        let dir = tempfile::tempdir().unwrap();
        let mut child = tokio::process::Command::new("python3")
            .arg(common::saml_idp::script("sp_check.py"))
            .env("PYTHONWARNINGS", "ignore")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs");
        let process = (child.stdin.take().unwrap(), BufReader::new(child.stdout.take().unwrap()));
        let mut sp = Sp {
            dir,
            acs: acs.to_owned(),
            cert_b64: String::new(),
            idp_metadata: String::new(),
            process: tokio::sync::Mutex::new(process),
            _child: child,
        };
        sp.cert_b64 = sp.run(json!({"cmd": "init"})).await["cert_b64"].as_str().unwrap().to_owned();
        sp
    }

    fn metadata(&self, authn_requests_signed: bool) -> String {
        sp_metadata(SP_ENTITY_ID, &self.acs, SLO, &self.cert_b64, authn_requests_signed)
    }

    /// Runs one `sp_check.py` command; its JSON answer.
    async fn run(&self, mut cmd: Value) -> Value {
        cmd["dir"] = json!(self.dir.path());
        cmd["entity_id"] = json!(SP_ENTITY_ID);
        cmd["acs"] = json!(self.acs);
        cmd["slo"] = json!(SLO);
        cmd["idp_metadata"] = json!(self.idp_metadata);
        let mut process = self.process.lock().await;
        let (stdin, stdout) = &mut *process;
        stdin.write_all(format!("{cmd}\n").as_bytes()).await.unwrap();
        stdin.flush().await.unwrap();
        let mut line = String::new();
        tokio::time::timeout(std::time::Duration::from_secs(120), stdout.read_line(&mut line))
            .await
            .expect("sp_check.py answers")
            .unwrap();
        let answer: Value = serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        assert!(answer.get("exception").is_none(), "sp_check.py {}: {}", cmd["cmd"], answer["exception"]);
        answer
    }

    /// A signed AuthnRequest in the Redirect binding: (its ID, the URL to open).
    async fn authn_request(&self, relay_state: &str, sign: bool) -> (String, String) {
        let out = self.run(json!({"cmd": "authn_request", "relay_state": relay_state, "sign": sign})).await;
        (out["id"].as_str().unwrap().to_owned(), out["url"].as_str().unwrap().to_owned())
    }

    /// pysaml2's verdict on a base64 Response answering `request_id` (`None`: unsolicited).
    async fn parse(&self, saml_response: &str, request_id: Option<&str>) -> Value {
        self.run(json!({"cmd": "parse_response", "saml_response": saml_response, "request_id": request_id})).await
    }
}

/// A browser without a browser: reqwest, keeping the provider's session cookie by hand.
struct Agent {
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

impl Agent {
    fn new() -> Agent {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Agent { http, cookies: HashMap::new() }
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for header in response.headers().get_all("set-cookie") {
            let header = header.to_str().unwrap();
            let (name, value) = header.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || header.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn get(&mut self, url: &str) -> (u16, String) {
        let response = self.http.get(url).header("cookie", self.cookie_header()).send().await.expect("GET");
        self.keep_cookies(&response);
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn post(&mut self, url: &str, fields: &[(String, String)]) -> (u16, String) {
        let response =
            self.http.post(url).header("cookie", self.cookie_header()).form(fields).send().await.expect("POST");
        self.keep_cookies(&response);
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Fills the provider's login page (its form's hidden `pending` kept) and submits it.
    async fn log_in(&mut self, idp: &SamlIdp, page: &str, username: &str, password: &str) -> (u16, String) {
        let (action, mut fields) = first_form(page).expect("the login page has a form");
        assert_eq!(action, "/login");
        for (name, value) in fields.iter_mut() {
            match name.as_str() {
                "username" => *value = username.to_owned(),
                "password" => *value = password.to_owned(),
                _ => {}
            }
        }
        self.post(&format!("{}{action}", idp.url()), &fields).await
    }
}

fn users() -> Value {
    json!({
        "alice": {
            "password": PASSWORD,
            "name_id": "alice@example.com",
            "attributes": {
                EMAIL_CLAIM: ["alice@example.com"],
                "given_name": ["Alice"],
                "groups": ["admins", "staff"],
            },
        },
    })
}

/// A provider for `sp` (whose metadata says `authn_requests_signed`), and `sp` told its metadata.
async fn start(sp: &mut Sp, authn_requests_signed: bool) -> Option<SamlIdp> {
    let idp = SamlIdp::start(json!({"sp_metadata": sp.metadata(authn_requests_signed), "users": users()})).await?;
    sp.idp_metadata = idp.metadata_xml().await;
    Some(idp)
}

/// The auto-submitting form's fields, after checking it posts to the ACS.
fn response_form(page: &str, acs: &str) -> HashMap<String, String> {
    let (action, fields) = first_form(page).unwrap_or_else(|| panic!("no form in:\n{page}"));
    assert_eq!(action, acs, "the Response goes to the SP's ACS");
    assert!(page.contains("document.forms[0].submit()"), "the form submits itself: {page}");
    assert!(page.contains(">Continue</button>"), "and has a Continue button: {page}");
    fields.into_iter().collect()
}

fn attribute<'a>(parsed: &'a Value, name: &str) -> &'a Value {
    parsed["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no attribute {name} in {parsed}"))
}

#[tokio::test]
async fn a_pysaml2_sp_signs_in_through_the_fixture() {
    let mut sp = Sp::new(ACS).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let metadata = &sp.idp_metadata;
    for expected in [
        r#"KeyDescriptor use="signing""#,
        &format!(r#"entityID="{}""#, idp.metadata_url()),
        &format!(r#"Location="{}/sso/redirect""#, idp.url()),
        &format!(r#"Location="{}/sso/post""#, idp.url()),
        &format!(r#"Location="{}/slo/redirect""#, idp.url()),
        r#"WantAuthnRequestsSigned="true""#,
    ] {
        assert!(metadata.contains(expected), "{expected} in the metadata:\n{metadata}");
    }

    let mut agent = Agent::new();
    let (request_id, url) = sp.authn_request("state-1 & more", true).await;
    let (status, page) = agent.get(&url).await;
    assert_eq!(status, 200, "{page}\n{}", idp.stderr());
    assert!(page.contains(r#"<label for="username">Username</label>"#), "{page}");
    assert!(page.contains(r#"<label for="password">Password</label>"#), "{page}");
    assert!(page.contains(">Sign in</button>"), "{page}");

    let (status, again) = agent.log_in(&idp, &page, "alice", "wrong").await;
    assert_eq!(status, 200);
    assert!(again.contains("Incorrect username or password."), "{again}");
    let (status, answer) = agent.log_in(&idp, &again, "alice", PASSWORD).await;
    assert_eq!(status, 200, "{answer}\n{}", idp.stderr());
    let form = response_form(&answer, ACS);
    assert_eq!(form["RelayState"], "state-1 & more");

    let parsed = sp.parse(&form["SAMLResponse"], Some(&request_id)).await;
    assert_eq!(parsed["ok"], true, "{parsed}");
    assert_eq!(parsed["in_response_to"], request_id.as_str());
    assert_eq!(parsed["issuer"], idp.entity_id().as_str());
    assert_eq!(parsed["name_id"], "alice@example.com");
    assert_eq!(parsed["name_id_format"], EMAIL_FORMAT);
    assert_eq!(parsed["audience"], json!([SP_ENTITY_ID]));
    assert_eq!(parsed["response_signed"], true);
    assert_eq!(parsed["assertion_signed"], true);
    assert!(parsed["session_index"].as_str().is_some_and(|s| !s.is_empty()), "{parsed}");
    let email = attribute(&parsed, EMAIL_CLAIM);
    assert_eq!(email["values"], json!(["alice@example.com"]));
    assert_eq!(email["name_format"], URI_FORMAT);
    assert_eq!(attribute(&parsed, "groups")["values"], json!(["admins", "staff"]));
    assert_eq!(attribute(&parsed, "given_name")["values"], json!(["Alice"]));

    // What the provider received and sent.
    let requests = idp.log_of("AuthnRequest").await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request["signed"], true);
    assert_eq!(request["signature_valid"], true);
    assert_eq!(request["pysaml2_signature_valid"], true);
    assert_eq!(request["query"]["SigAlg"], RSA_SHA256);
    assert_eq!(request["relay_state"], "state-1 & more");
    let xml = request["xml"].as_str().unwrap();
    assert!(xml.contains(&format!(r#"AssertionConsumerServiceURL="{ACS}""#)), "{xml}");
    assert!(xml.contains(&format!(">{SP_ENTITY_ID}</")), "{xml}");
    let response = idp.log_of("Response").await.pop().unwrap();
    let xml = response["xml"].as_str().unwrap();
    for expected in [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmlenc#sha256",
        r#"CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#""#,
        &format!(r#"InResponseTo="{request_id}""#),
        &format!(r#"Destination="{ACS}""#),
        &format!(r#"Recipient="{ACS}""#),
        "SessionIndex=",
    ] {
        assert!(xml.contains(expected), "{expected} in the Response:\n{xml}");
    }
    assert_eq!(xml.matches("SignatureValue>").count(), 4, "two signatures: {xml}");
    assert!(idp.last_response().await.is_some());

    // With the provider's session, the next request is answered at once.
    let (request_id, url) = sp.authn_request("state-2", true).await;
    let (status, answer) = agent.get(&url).await;
    assert_eq!(status, 200, "{answer}");
    let form = response_form(&answer, ACS);
    let parsed = sp.parse(&form["SAMLResponse"], Some(&request_id)).await;
    assert_eq!(parsed["ok"], true, "{parsed}");
    assert_eq!(parsed["in_response_to"], request_id.as_str());
    // A Response answers its own request only.
    let (other_id, _) = sp.authn_request("state-3", true).await;
    let parsed = sp.parse(&form["SAMLResponse"], Some(&other_id)).await;
    assert_eq!(parsed["ok"], false, "{parsed}");
}

#[tokio::test]
async fn each_spoil_makes_a_response_pysaml2_refuses_or_one_signature_it_accepts() {
    let mut sp = Sp::new(ACS).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let mut agent = Agent::new();
    // Sign in once: the session answers the requests after it at once.
    let (_, url) = sp.authn_request("", true).await;
    let (_, page) = agent.get(&url).await;
    agent.log_in(&idp, &page, "alice", PASSWORD).await;

    let mut verdicts = Vec::new();
    for spoil in SPOILS {
        idp.spoil(Some(spoil)).await;
        let (request_id, url) = sp.authn_request("spoiled", true).await;
        let (status, answer) = agent.get(&url).await;
        assert_eq!(status, 200, "{spoil}: {answer}\n{}", idp.stderr());
        let form = response_form(&answer, ACS);
        let parsed = sp.parse(&form["SAMLResponse"], Some(&request_id)).await;
        let xml = idp.log_of("Response").await.pop().unwrap()["xml"].as_str().unwrap().to_owned();
        match spoil {
            "response_only" | "assertion_only" => {
                assert_eq!(parsed["ok"], true, "{spoil}: {parsed}");
                assert_eq!(parsed["response_signed"], spoil == "response_only", "{parsed}");
                assert_eq!(parsed["assertion_signed"], spoil == "assertion_only", "{parsed}");
                assert_eq!(xml.matches("SignatureValue>").count(), 2, "{spoil}: one signature");
            }
            _ => assert_eq!(parsed["ok"], false, "{spoil} should be refused: {parsed}"),
        }
        match spoil {
            "audience" => assert!(!xml.contains(&format!(">{SP_ENTITY_ID}</")), "{xml}"),
            "unsigned" => assert!(!xml.contains("SignatureValue"), "{xml}"),
            "tampered" => assert!(xml.contains(">tampered@evil.example<"), "{xml}"),
            "status_denied" => {
                assert!(xml.contains("urn:oasis:names:tc:SAML:2.0:status:Responder"), "{xml}");
                assert!(xml.contains("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"), "{xml}");
                assert!(!xml.contains("Assertion"), "{xml}");
            }
            "recipient" => assert!(!xml.contains(&format!(r#"Recipient="{ACS}""#)), "{xml}"),
            _ => {}
        }
        verdicts.push(format!("{spoil}: {}", parsed["error"].as_str().unwrap_or("accepted")));
    }
    eprintln!("pysaml2's verdicts:\n{}", verdicts.join("\n"));

    idp.spoil(None).await;
    let (request_id, url) = sp.authn_request("", true).await;
    let (_, answer) = agent.get(&url).await;
    let parsed = sp.parse(&response_form(&answer, ACS)["SAMLResponse"], Some(&request_id)).await;
    assert_eq!(parsed["ok"], true, "after the reset: {parsed}");

    let refused = reqwest::Client::new()
        .post(format!("{}/_control", idp.url()))
        .json(&json!({"spoil": "rotten"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
}

#[tokio::test]
async fn an_idp_initiated_response_is_unsolicited() {
    let mut sp = Sp::new(ACS).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let mut agent = Agent::new();
    let (status, page) = agent.get(&idp.idp_initiated_url("deep/link?x=1")).await;
    assert_eq!(status, 200, "{page}");
    let (_, answer) = agent.log_in(&idp, &page, "alice", PASSWORD).await;
    let form = response_form(&answer, ACS);
    assert_eq!(form["RelayState"], "deep/link?x=1");
    let parsed = sp.parse(&form["SAMLResponse"], None).await;
    assert_eq!(parsed["ok"], true, "{parsed}");
    assert_eq!(parsed["in_response_to"], Value::Null);
    let xml = idp.log_of("Response").await.pop().unwrap()["xml"].as_str().unwrap().to_owned();
    assert!(!xml.contains("InResponseTo"), "{xml}");

    // With the session, at once.
    let (status, answer) = agent.get(&idp.idp_initiated_url("again")).await;
    assert_eq!(status, 200);
    assert_eq!(response_form(&answer, ACS)["RelayState"], "again");
}

#[tokio::test]
async fn requests_with_a_bad_or_missing_signature_are_refused() {
    let mut sp = Sp::new(ACS).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let mut agent = Agent::new();

    // A signature that does not verify.
    let (_, url) = sp.authn_request("x", true).await;
    let (head, signature) = url.split_once("&Signature=").unwrap();
    let mut spoiled = signature.to_owned();
    let flipped = if spoiled.starts_with('A') { "B" } else { "A" };
    spoiled.replace_range(0..1, flipped);
    let (status, body) = agent.get(&format!("{head}&Signature={spoiled}")).await;
    assert_eq!(status, 400, "{body}");
    // The RelayState changed after signing.
    let tampered = url.replace("RelayState=x", "RelayState=y");
    assert_ne!(tampered, url);
    let (status, body) = agent.get(&tampered).await;
    assert_eq!(status, 400, "{body}");
    // Unsigned, while the SP's metadata says AuthnRequestsSigned.
    let (_, url) = sp.authn_request("x", false).await;
    assert!(!url.contains("Signature="), "{url}");
    let (status, body) = agent.get(&url).await;
    assert_eq!(status, 400, "{body}");
    let log = idp.log_of("AuthnRequest").await;
    let verdicts: Vec<_> = log.iter().map(|e| (e["signed"].clone(), e["signature_valid"].clone())).collect();
    assert_eq!(verdicts, [(json!(true), json!(false)), (json!(true), json!(false)), (json!(false), Value::Null)]);

    // An unsigned or badly signed LogoutRequest.
    let out = sp
        .run(json!({"cmd": "logout_request", "name_id": "alice@example.com", "name_id_format": EMAIL_FORMAT,
            "session_index": "id-x", "relay_state": "r", "sign": false}))
        .await;
    let (status, body) = agent.get(out["url"].as_str().unwrap()).await;
    assert_eq!(status, 400, "{body}");
    let out = sp
        .run(json!({"cmd": "logout_request", "name_id": "alice@example.com", "name_id_format": EMAIL_FORMAT,
            "session_index": "id-x", "relay_state": "r", "sign": true}))
        .await;
    let (status, body) = agent.get(&out["url"].as_str().unwrap().replace("RelayState=r", "RelayState=s")).await;
    assert_eq!(status, 400, "{body}");

    // Without AuthnRequestsSigned, an unsigned request is welcome.
    let mut relaxed = Sp::new(ACS).await;
    let Some(_other) = start(&mut relaxed, false).await else { return };
    assert!(relaxed.idp_metadata.contains(r#"WantAuthnRequestsSigned="false""#));
    let (_, url) = relaxed.authn_request("x", false).await;
    let (status, page) = agent.get(&url).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(">Sign in</button>"), "{page}");
}

#[tokio::test]
async fn single_logout_ends_the_session_and_answers_the_sp() {
    let mut sp = Sp::new(ACS).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let mut agent = Agent::new();
    let (request_id, url) = sp.authn_request("", true).await;
    let (_, page) = agent.get(&url).await;
    let (_, answer) = agent.log_in(&idp, &page, "alice", PASSWORD).await;
    let parsed = sp.parse(&response_form(&answer, ACS)["SAMLResponse"], Some(&request_id)).await;
    assert_eq!(parsed["ok"], true, "{parsed}");
    let session_index = parsed["session_index"].as_str().unwrap();

    let out = sp
        .run(json!({"cmd": "logout_request", "name_id": "alice@example.com", "name_id_format": EMAIL_FORMAT,
            "session_index": session_index, "relay_state": "bye", "sign": true}))
        .await;
    let (status, page) = agent.get(out["url"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{page}\n{}", idp.stderr());
    let form = response_form(&page, SLO);
    assert_eq!(form["RelayState"], "bye");
    let logout = sp.run(json!({"cmd": "parse_logout_response", "saml_response": form["SAMLResponse"]})).await;
    assert_eq!(logout["ok"], true, "{logout}");
    assert_eq!(logout["status"], "urn:oasis:names:tc:SAML:2.0:status:Success");
    assert_eq!(logout["in_response_to"], out["id"]);
    assert_eq!(logout["destination"], SLO);
    assert_eq!(logout["signed"], true);
    let xml = logout["xml"].as_str().unwrap();
    assert!(xml.contains("xmldsig-more#rsa-sha256") && xml.contains("xml-exc-c14n#"), "{xml}");

    let request = idp.log_of("LogoutRequest").await.pop().unwrap();
    assert_eq!(request["signed"], true);
    assert_eq!(request["signature_valid"], true);
    assert_eq!(request["query"]["SigAlg"], RSA_SHA256);
    let xml = request["xml"].as_str().unwrap();
    assert!(xml.contains(">alice@example.com</"), "{xml}");
    assert!(xml.contains(&format!(">{session_index}</")), "{xml}");

    // The provider's session is over: the next request shows the login page.
    assert!(agent.cookies.is_empty(), "{:?}", agent.cookies);
    let (_, url) = sp.authn_request("", true).await;
    let (status, page) = agent.get(&url).await;
    assert_eq!(status, 200);
    assert!(page.contains(">Sign in</button>"), "{page}");
}

#[tokio::test]
async fn an_authn_request_in_the_post_binding_is_verified_by_pysaml2() {
    let mut sp = Sp::new(ACS).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let mut agent = Agent::new();
    let out = sp.run(json!({"cmd": "authn_request", "relay_state": "posted", "binding": "post", "sign": true})).await;
    let (action, fields) = first_form(out["html"].as_str().unwrap()).expect("pysaml2's page has a form");
    assert_eq!(action, format!("{}/sso/post", idp.url()));
    let (status, page) = agent.post(&action, &fields).await;
    assert_eq!(status, 200, "{page}\n{}", idp.stderr());
    let (_, answer) = agent.log_in(&idp, &page, "alice", PASSWORD).await;
    let form = response_form(&answer, ACS);
    assert_eq!(form["RelayState"], "posted");
    let parsed = sp.parse(&form["SAMLResponse"], out["id"].as_str()).await;
    assert_eq!(parsed["ok"], true, "{parsed}");
    let request = idp.log_of("AuthnRequest").await.pop().unwrap();
    assert_eq!(request["signed"], true);
    assert_eq!(request["signature_valid"], true);

    // The same request with its XML changed after signing.
    let mut spoiled = fields.clone();
    for (name, value) in spoiled.iter_mut() {
        if name == "SAMLRequest" {
            use base64::Engine;
            let engine = base64::engine::general_purpose::STANDARD;
            let xml = String::from_utf8(engine.decode(&*value).unwrap()).unwrap();
            *value = engine.encode(xml.replace("ProtocolBinding=", "ForceAuthn=\"true\" ProtocolBinding="));
        }
    }
    let (status, body) = agent.post(&action, &spoiled).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn persistent_name_ids_and_basic_attribute_names_when_configured() {
    let mut sp = Sp::new(ACS).await;
    let config = json!({
        "sp_metadata": sp.metadata(true),
        "users": {"bob": {"password": PASSWORD, "name_id": "bob-7f3a", "attributes": {"mail": "bob@example.com"}}},
        "name_id_format": PERSISTENT_FORMAT,
        "attribute_name_format": "basic",
    });
    let Some(idp) = SamlIdp::start(config).await else { return };
    sp.idp_metadata = idp.metadata_xml().await;
    assert!(sp.idp_metadata.contains(PERSISTENT_FORMAT), "{}", sp.idp_metadata);
    let mut agent = Agent::new();
    let (request_id, url) = sp.authn_request("", true).await;
    let (_, page) = agent.get(&url).await;
    let (_, answer) = agent.log_in(&idp, &page, "bob", PASSWORD).await;
    let parsed = sp.parse(&response_form(&answer, ACS)["SAMLResponse"], Some(&request_id)).await;
    assert_eq!(parsed["ok"], true, "{parsed}");
    assert_eq!(parsed["name_id"], "bob-7f3a");
    assert_eq!(parsed["name_id_format"], PERSISTENT_FORMAT);
    let mail = attribute(&parsed, "mail");
    assert_eq!(mail["values"], json!(["bob@example.com"]));
    assert_eq!(mail["name_format"], "urn:oasis:names:tc:SAML:2.0:attrname-format:basic");
}

/// The forms the browser test's ACS received.
type Posts = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// The ACS of the browser test: records the posted forms and says so.
async fn acs(State(posts): State<Posts>, Form(form): Form<HashMap<String, String>>) -> &'static str {
    posts.lock().unwrap().push(form);
    "SAML response received"
}

#[tokio::test]
async fn chromium_signs_in_at_the_login_page() {
    if !browser_available() {
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let acs_url = format!("http://{}/saml2/idpresponse", listener.local_addr().unwrap());
    let posts = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().route("/saml2/idpresponse", post(acs)).with_state(posts.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut sp = Sp::new(&acs_url).await;
    let Some(idp) = start(&mut sp, true).await else { return };
    let (request_id, url) = sp.authn_request("from-the-browser", true).await;
    let steps = json!([
        {"goto": url},
        {"fill": "Username", "value": "alice"},
        {"fill": "Password", "value": "not it"},
        {"click": "Sign in"},
        {"expect_text": "Incorrect username or password."},
        {"fill": "Username", "value": "alice"},
        {"fill": "Password", "value": PASSWORD},
        {"click": "Sign in"},
        {"wait_url": acs_url},
        {"expect_text": "SAML response received"},
    ]);
    drive(steps).await;
    let form = posts.lock().unwrap().pop().expect("the browser posted the Response to the ACS");
    assert_eq!(form["RelayState"], "from-the-browser");
    let parsed = sp.parse(&form["SAMLResponse"], Some(&request_id)).await;
    assert_eq!(parsed["ok"], true, "{parsed}\n{}", idp.stderr());
    assert_eq!(parsed["name_id"], "alice@example.com");
}
