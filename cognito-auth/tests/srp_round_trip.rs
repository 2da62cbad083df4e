//! The client and server sides of SRP talking to each other, as Cognito and an app would: every
//! step goes through the public API with fresh random ephemerals.

#![cfg(feature = "srp")]

use std::collections::BTreeMap;

use cognito_auth::srp::{
    PasswordClaim, PasswordVerifier, PasswordVerifierChallenge, SrpClient, SrpError, SrpServer, parse_timestamp,
};

const POOL: &str = "us-east-1_AbCdEf123";

/// Signs `username` in with `password` against a user registered with `registered_password`;
/// returns the server's verdict and the client's responses.
fn sign_in(
    registered_password: &str,
    username: &str,
    password: &str,
) -> (Result<(), SrpError>, BTreeMap<String, String>, SrpServer) {
    let stored = PasswordVerifier::new(POOL, "diego", registered_password).unwrap();
    let client = SrpClient::new(POOL, username, password).unwrap();
    let server = SrpServer::new(POOL, "diego", &stored, &client.auth_parameters()["SRP_A"]).unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(server.challenge_parameters()).unwrap();
    let responses = client.respond(&challenge).unwrap();
    let verdict = PasswordClaim::from_responses(&responses).and_then(|claim| server.verify(&claim));
    (verdict, responses, server)
}

#[test]
fn the_right_password_signs_in() {
    for _ in 0..2 {
        let (verdict, responses, _) = sign_in("Correct-Horse-9", "diego", "Correct-Horse-9");
        assert_eq!(verdict, Ok(()));
        assert_eq!(responses["USERNAME"], "diego");
        assert!(parse_timestamp(&responses["TIMESTAMP"]).is_ok());
    }
}

#[test]
fn a_wrong_password_is_rejected() {
    for wrong in ["Correct-Horse-8", "correct-horse-9", "", "Correct-Horse-9 "] {
        let (verdict, _, _) = sign_in("Correct-Horse-9", "diego", wrong);
        assert_eq!(verdict, Err(SrpError::SignatureMismatch), "{wrong:?}");
    }
}

#[test]
fn the_password_is_bound_to_the_pool() {
    let stored = PasswordVerifier::new("us-east-1_OtherPool", "diego", "pw").unwrap();
    let client = SrpClient::new(POOL, "diego", "pw").unwrap();
    let server = SrpServer::new(POOL, "diego", &stored, &client.srp_a()).unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(server.challenge_parameters()).unwrap();
    let claim = PasswordClaim::from_responses(client.respond(&challenge).unwrap()).unwrap();
    assert_eq!(server.verify(&claim), Err(SrpError::SignatureMismatch));
}

#[test]
fn an_app_client_secret_adds_secret_hash_for_the_challenge_username() {
    let stored = PasswordVerifier::new(POOL, "internal-id-42", "pw").unwrap();
    let client = SrpClient::new(POOL, "diego@example.com", "pw").unwrap().with_client_secret("client", "secret");
    assert_eq!(
        client.auth_parameters()["SECRET_HASH"],
        cognito_auth::secret_hash("diego@example.com", "client", "secret")
    );
    let server = SrpServer::new(POOL, "internal-id-42", &stored, &client.srp_a()).unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(server.challenge_parameters()).unwrap();
    let responses = client.respond(&challenge).unwrap();
    // After the challenge, Cognito knows the user by its internal name; SECRET_HASH must follow.
    assert_eq!(responses["USERNAME"], "internal-id-42");
    assert_eq!(responses["SECRET_HASH"], cognito_auth::secret_hash("internal-id-42", "client", "secret"));
    assert_eq!(server.verify(&PasswordClaim::from_responses(&responses).unwrap()), Ok(()));
}

#[test]
fn tampered_claims_are_rejected() {
    let (verdict, responses, server) = sign_in("pw", "diego", "pw");
    assert_eq!(verdict, Ok(()));
    let claim = PasswordClaim::from_responses(&responses).unwrap();

    let mut other_block = claim.clone();
    other_block.secret_block = "c29tZXRoaW5nIGVsc2U=".into();
    assert_eq!(server.verify(&other_block), Err(SrpError::SecretBlockMismatch));

    let mut other_time = claim.clone();
    other_time.timestamp = "Mon Jan 2 03:04:05 UTC 2006".into();
    assert_eq!(server.verify(&other_time), Err(SrpError::SignatureMismatch));

    let mut bad_time = claim.clone();
    bad_time.timestamp = "yesterday".into();
    assert!(matches!(server.verify(&bad_time), Err(SrpError::InvalidTimestamp(_))));

    let mut bad_signature = claim.clone();
    bad_signature.signature = "%%%".into();
    assert_eq!(server.verify(&bad_signature), Err(SrpError::InvalidBase64("PASSWORD_CLAIM_SIGNATURE")));

    let mut short_signature = claim;
    short_signature.signature = "AAAA".into();
    assert_eq!(server.verify(&short_signature), Err(SrpError::SignatureMismatch));
}

#[test]
fn a_server_rebuilt_from_its_state_still_verifies() {
    let stored = PasswordVerifier::new(POOL, "diego", "pw").unwrap();
    let stored = PasswordVerifier::from_parts(stored.salt().to_vec(), &stored.verifier_bytes());
    let client = SrpClient::new(POOL, "diego", "pw").unwrap();
    let first = SrpServer::new(POOL, "diego", &stored, &client.srp_a()).unwrap();
    let challenge = PasswordVerifierChallenge::from_parameters(first.challenge_parameters()).unwrap();
    let claim = PasswordClaim::from_responses(client.respond(&challenge).unwrap()).unwrap();

    let rebuilt = SrpServer::with_ephemeral(
        POOL,
        "diego",
        &stored,
        &client.srp_a(),
        &first.ephemeral_secret(),
        first.secret_block(),
    )
    .unwrap();
    assert_eq!(rebuilt.challenge_parameters(), first.challenge_parameters());
    assert_eq!(rebuilt.verify(&claim), Ok(()));
}

#[test]
fn degenerate_public_values_are_refused_on_both_sides() {
    let stored = PasswordVerifier::new(POOL, "diego", "pw").unwrap();
    let n_hex = concat!(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
        "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
        "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
        "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
        "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
        "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
        "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
        "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
        "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    );
    // A client sending A ≡ 0 could sign in without the password: the server refuses it.
    for bad_a in ["0", "00", n_hex] {
        assert_eq!(SrpServer::new(POOL, "diego", &stored, bad_a).unwrap_err(), SrpError::InvalidClientA, "{bad_a}");
    }
    assert_eq!(SrpServer::new(POOL, "diego", &stored, "not hex").unwrap_err(), SrpError::InvalidHex("SRP_A"));

    // A server sending B ≡ 0 would learn the key without the password: the client refuses it.
    let client = SrpClient::new(POOL, "diego", "pw").unwrap();
    let mut params = SrpServer::new(POOL, "diego", &stored, &client.srp_a()).unwrap().challenge_parameters();
    params.insert("SRP_B".into(), n_hex.into());
    let challenge = PasswordVerifierChallenge::from_parameters(&params).unwrap();
    assert_eq!(client.respond(&challenge), Err(SrpError::InvalidServerB));
}

#[test]
fn missing_parameters_are_named() {
    let err = PasswordVerifierChallenge::from_parameters([("SALT", "ab"), ("SRP_B", "cd"), ("SECRET_BLOCK", "AA==")]);
    assert_eq!(err, Err(SrpError::MissingParameter("USER_ID_FOR_SRP")));
    assert_eq!(err.unwrap_err().to_string(), "USER_ID_FOR_SRP is missing");
    let err = PasswordClaim::from_responses([("TIMESTAMP", "x"), ("PASSWORD_CLAIM_SIGNATURE", "AA==")]);
    assert_eq!(err, Err(SrpError::MissingParameter("PASSWORD_CLAIM_SECRET_BLOCK")));
}
