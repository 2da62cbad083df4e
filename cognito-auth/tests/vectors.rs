//! Known-answer tests against values computed by independent implementations: Python's standard
//! library for SECRET_HASH and pycognito for SRP (see tests/vectors/README.md).

#![cfg(feature = "srp")]

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use cognito_auth::srp::{PasswordClaim, PasswordVerifierChallenge, SrpClient, SrpServer, verifier};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors<T> {
    generator: String,
    cases: Vec<T>,
}

#[derive(Deserialize)]
struct SecretHashCase {
    username: String,
    client_id: String,
    client_secret: String,
    secret_hash: String,
}

#[derive(Deserialize)]
struct SrpCase {
    name: String,
    inputs: SrpInputs,
    verifier: String,
    auth_parameters: BTreeMap<String, String>,
    challenge_parameters: BTreeMap<String, String>,
    session_key: String,
    challenge_responses: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct SrpInputs {
    pool_id: String,
    username: String,
    password: String,
    client_id: Option<String>,
    client_secret: Option<String>,
    a: String,
    b: String,
    salt: String,
    unix_time: u64,
}

fn load<T: for<'de> Deserialize<'de>>(json: &str) -> Vectors<T> {
    let vectors: Vectors<T> = serde_json::from_str(json).expect("vector file parses");
    assert!(!vectors.cases.is_empty(), "no cases in vectors from {}", vectors.generator);
    vectors
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    let padded = if hex.len() % 2 == 1 { format!("0{hex}") } else { hex.to_owned() };
    (0..padded.len()).step_by(2).map(|i| u8::from_str_radix(&padded[i..i + 2], 16).expect("hex")).collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn secret_hash_matches_python_hmac() {
    let vectors: Vectors<SecretHashCase> = load(include_str!("vectors/secret_hash_vectors.json"));
    for case in vectors.cases {
        assert_eq!(
            cognito_auth::secret_hash(&case.username, &case.client_id, &case.client_secret),
            case.secret_hash,
            "{:?}",
            case.username
        );
    }
}

fn srp_cases() -> Vec<SrpCase> {
    load(include_str!("vectors/srp_vectors.json")).cases
}

fn client_for(inputs: &SrpInputs) -> SrpClient {
    let client = SrpClient::with_ephemeral(&inputs.pool_id, &inputs.username, &inputs.password, &hex_bytes(&inputs.a))
        .expect("valid fixed a");
    match (&inputs.client_id, &inputs.client_secret) {
        (Some(id), Some(secret)) => client.with_client_secret(id, secret),
        _ => client,
    }
}

#[test]
fn srp_client_reproduces_pycognito_exactly() {
    for case in srp_cases() {
        let client = client_for(&case.inputs);
        assert_eq!(client.auth_parameters(), case.auth_parameters, "{}: auth parameters", case.name);

        let challenge = PasswordVerifierChallenge::from_parameters(&case.challenge_parameters).unwrap();
        let key = client.session_key(&challenge).unwrap();
        assert_eq!(to_hex(&key), case.session_key, "{}: session key", case.name);

        let at = UNIX_EPOCH + Duration::from_secs(case.inputs.unix_time);
        let responses = client.respond_at(&challenge, at).unwrap();
        assert_eq!(responses, case.challenge_responses, "{}: challenge responses", case.name);
    }
}

#[test]
fn srp_server_matches_the_reference_and_accepts_pycognito_claims() {
    for case in srp_cases() {
        let i = &case.inputs;
        let user_id = &case.challenge_parameters["USER_ID_FOR_SRP"];
        let stored = verifier(&i.pool_id, user_id, &i.password, &hex_bytes(&i.salt)).unwrap();
        assert_eq!(to_hex(&stored.verifier_bytes()), pad_even(&case.verifier), "{}: verifier", case.name);
        assert_eq!(stored.salt_hex(), case.challenge_parameters["SALT"], "{}: SALT", case.name);

        let secret_block = base64_decode(&case.challenge_parameters["SECRET_BLOCK"]);
        let server = SrpServer::with_ephemeral(
            &i.pool_id,
            user_id,
            &stored,
            &case.auth_parameters["SRP_A"],
            &hex_bytes(&i.b),
            &secret_block,
        )
        .unwrap();
        assert_eq!(server.srp_b(), case.challenge_parameters["SRP_B"], "{}: SRP_B", case.name);

        let claim = PasswordClaim::from_responses(&case.challenge_responses).unwrap();
        assert_eq!(server.verify(&claim), Ok(()), "{}: pycognito's claim", case.name);
    }
}

fn pad_even(hex: &str) -> String {
    if hex.len() % 2 == 1 { format!("0{hex}") } else { hex.to_owned() }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).expect("base64")
}
