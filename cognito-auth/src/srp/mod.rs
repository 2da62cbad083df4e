//! `USER_SRP_AUTH`: signing in to a Cognito user pool with SRP-6a, so the password never leaves
//! the device.
//!
//! The exchange, client side:
//!
//! 1. [`SrpClient::new`] picks a random ephemeral secret `a`; send
//!    [`SrpClient::auth_parameters`] (`USERNAME`, `SRP_A`, and `SECRET_HASH` when the app client
//!    has a secret) as the `AuthParameters` of `InitiateAuth` with `AuthFlow = USER_SRP_AUTH`.
//! 2. Cognito answers with the `PASSWORD_VERIFIER` challenge; read its `ChallengeParameters` with
//!    [`PasswordVerifierChallenge::from_parameters`].
//! 3. Send [`SrpClient::respond`]'s map as the `ChallengeResponses` of `RespondToAuthChallenge`
//!    (with `ChallengeName = PASSWORD_VERIFIER` and the `Session`, if one was returned).
//!
//! ```
//! use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient};
//! # use cognito_auth::srp::{verifier, SrpServer};
//!
//! let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "correct horse battery staple")?
//!     .with_client_secret("3n4b5urk1ft4fl3mg5e62d9ado", "client-secret");
//! let auth_parameters = client.auth_parameters(); // InitiateAuth(USER_SRP_AUTH, ...)
//! # let stored = verifier("us-east-1_AbCdEf123", "diego", "correct horse battery staple", b"0123456789abcdef")?;
//! # let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, &auth_parameters["SRP_A"])?;
//! # let challenge_parameters = server.challenge_parameters();
//!
//! // ... the PASSWORD_VERIFIER challenge comes back ...
//! let challenge = PasswordVerifierChallenge::from_parameters(&challenge_parameters)?;
//! let responses = client.respond(&challenge)?; // RespondToAuthChallenge(PASSWORD_VERIFIER, ...)
//! assert!(responses.contains_key("PASSWORD_CLAIM_SIGNATURE"));
//! # server.verify(&cognito_auth::srp::PasswordClaim::from_responses(&responses)?)?;
//! # Ok::<(), cognito_auth::srp::SrpError>(())
//! ```
//!
//! The server side ([`verifier`], [`SrpServer`]) is what a server emulating Cognito needs.
//!
//! Both sides follow the service: the 3072-bit group of RFC 5054 with g = 2, SHA-256,
//! k = H(N | g), u = H(A | B), x = H(salt | H(poolName | userId | ":" | password)), integers hashed
//! in their minimal two's-complement big-endian form, and a 16-byte HKDF-SHA256 key (salt u,
//! info "Caldera Derived Key") that signs poolName | userId | secretBlock | timestamp.
//! `poolName` is the part of the pool id after the `_`.

// The crate's only FFI: AWS-LC's BIGNUM behind a safe interface. Each unsafe block says why it
// is sound.
#[allow(unsafe_code)]
#[deny(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]
mod bn;
mod error;
mod group;
mod params;
mod server;
mod timestamp;

use std::collections::BTreeMap;
use std::fmt;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

pub use error::SrpError;
pub use server::{PasswordClaim, PasswordVerifier, SrpServer, verifier};
pub use timestamp::{format_timestamp, parse_timestamp};

use crate::secret_hash::{hmac_sha256, secret_hash};
use bn::{BigNum, Ctx};
use group::{
    canonical, claim_key, ephemeral_secret, g_pow, group, parse_hex, private_key, random_bytes, scrambler, to_hex,
};
use params::{decode_base64, pool_name};

/// The client side of `USER_SRP_AUTH` for one sign-in attempt.
///
/// Holds the password and the ephemeral secret `a`; its `Debug` output shows neither. Use a new
/// client for every attempt: reusing `a` across sign-ins weakens SRP.
///
/// ```
/// use cognito_auth::srp::SrpClient;
/// let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
/// assert_eq!(client.auth_parameters()["USERNAME"], "diego");
/// assert!(!format!("{client:?}").contains("hunter2"));
/// # Ok::<(), cognito_auth::srp::SrpError>(())
/// ```
#[derive(Clone)]
pub struct SrpClient {
    pool_name: String,
    username: String,
    password: String,
    client: Option<(String, String)>,
    /// The ephemeral secret a (reduced modulo N), big-endian; erased on drop.
    a: Zeroizing<Vec<u8>>,
    /// A = g^a mod N, big-endian without leading zeros.
    big_a: Vec<u8>,
}

impl SrpClient {
    /// Starts a sign-in of `username` to the pool `user_pool_id` (`REGION_NAME`), with an
    /// ephemeral secret from the operating system's CSPRNG.
    ///
    /// ```
    /// use cognito_auth::srp::SrpClient;
    /// let client = SrpClient::new("eu-west-1_AbCdEf123", "diego", "hunter2")?;
    /// assert!(!client.srp_a().is_empty());
    /// assert!(SrpClient::new("no-underscore", "diego", "hunter2").is_err());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn new(user_pool_id: &str, username: &str, password: &str) -> Result<Self, SrpError> {
        Self::with_ephemeral(user_pool_id, username, password, &random_bytes::<128>()?)
    }

    /// Like [`SrpClient::new`] with a fixed ephemeral secret `a` (big-endian bytes, reduced
    /// modulo N). For tests and interoperability vectors only: a real sign-in must use a fresh
    /// random `a`.
    ///
    /// ```
    /// use cognito_auth::srp::SrpClient;
    /// let a = [7u8; 32];
    /// let one = SrpClient::with_ephemeral("us-east-1_AbCdEf123", "diego", "hunter2", &a)?;
    /// let two = SrpClient::with_ephemeral("us-east-1_AbCdEf123", "diego", "hunter2", &a)?;
    /// assert_eq!(one.srp_a(), two.srp_a());
    /// assert!(SrpClient::with_ephemeral("us-east-1_AbCdEf123", "diego", "hunter2", &[0]).is_err());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn with_ephemeral(user_pool_id: &str, username: &str, password: &str, a: &[u8]) -> Result<Self, SrpError> {
        let pool_name = pool_name(user_pool_id)?.to_owned();
        let mut ctx = Ctx::new()?;
        let a = ephemeral_secret(a, &mut ctx)?;
        let big_a = g_pow(&a, &mut ctx)?;
        // Unreachable for 0 < a < N as g generates the group, but cheap to state.
        if big_a.is_zero() {
            return Err(SrpError::InvalidClientA);
        }
        Ok(Self {
            pool_name,
            username: username.to_owned(),
            password: password.to_owned(),
            client: None,
            a: Zeroizing::new(a.to_be_bytes()),
            big_a: canonical(&big_a.to_be_bytes()),
        })
    }

    /// Adds `SECRET_HASH` to the parameters and responses, for an app client that has a secret.
    ///
    /// ```
    /// use cognito_auth::srp::SrpClient;
    /// let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?
    ///     .with_client_secret("3n4b5urk1ft4fl3mg5e62d9ado", "client-secret");
    /// assert_eq!(
    ///     client.auth_parameters()["SECRET_HASH"],
    ///     cognito_auth::secret_hash("diego", "3n4b5urk1ft4fl3mg5e62d9ado", "client-secret"),
    /// );
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    #[must_use]
    pub fn with_client_secret(mut self, client_id: &str, client_secret: &str) -> Self {
        self.client = Some((client_id.to_owned(), client_secret.to_owned()));
        self
    }

    /// The public value A = g^a mod N as Cognito expects it in `SRP_A`: lower-case hexadecimal
    /// without leading zeros.
    ///
    /// ```
    /// use cognito_auth::srp::SrpClient;
    /// let client = SrpClient::with_ephemeral("us-east-1_AbCdEf123", "diego", "hunter2", &[1])?;
    /// assert_eq!(client.srp_a(), "2"); // g^1
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn srp_a(&self) -> String {
        to_hex(&self.big_a)
    }

    /// The `AuthParameters` of `InitiateAuth` with `AuthFlow = USER_SRP_AUTH`: `USERNAME`,
    /// `SRP_A`, and `SECRET_HASH` when a client secret was given.
    ///
    /// ```
    /// use cognito_auth::srp::SrpClient;
    /// let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
    /// let params = client.auth_parameters();
    /// assert_eq!(params.keys().collect::<Vec<_>>(), ["SRP_A", "USERNAME"]);
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn auth_parameters(&self) -> BTreeMap<String, String> {
        let mut params = BTreeMap::new();
        params.insert("USERNAME".to_owned(), self.username.clone());
        params.insert("SRP_A".to_owned(), self.srp_a());
        self.add_secret_hash(&mut params, &self.username);
        params
    }

    /// Answers the `PASSWORD_VERIFIER` challenge, timestamped now: the `ChallengeResponses` of
    /// `RespondToAuthChallenge` (`USERNAME`, `PASSWORD_CLAIM_SECRET_BLOCK`, `TIMESTAMP`,
    /// `PASSWORD_CLAIM_SIGNATURE`, and `SECRET_HASH` when a client secret was given).
    ///
    /// `USERNAME` (and the name `SECRET_HASH` is computed over) is the challenge's `USERNAME`
    /// when it has one, which is the pool's internal user name when the user signed in with an
    /// alias; otherwise the name this client was created with.
    ///
    /// Fails if the server's values are malformed or unsafe (B ≡ 0 mod N, u = 0); a wrong
    /// password is only detected by Cognito, which answers `NotAuthorizedException`.
    ///
    /// ```
    /// # use cognito_auth::srp::*;
    /// # let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// # let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
    /// # let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, &client.srp_a())?;
    /// # let challenge_parameters = server.challenge_parameters();
    /// let challenge = PasswordVerifierChallenge::from_parameters(&challenge_parameters)?;
    /// let responses = client.respond(&challenge)?;
    /// assert_eq!(responses["USERNAME"], "diego");
    /// assert_eq!(responses.len(), 4);
    /// # Ok::<(), SrpError>(())
    /// ```
    pub fn respond(&self, challenge: &PasswordVerifierChallenge) -> Result<BTreeMap<String, String>, SrpError> {
        self.respond_at(challenge, SystemTime::now())
    }

    /// [`SrpClient::respond`] with the claim timestamped `at` instead of now. Cognito rejects
    /// claims whose time is far from its own clock; this exists for tests and vectors.
    ///
    /// ```
    /// # use cognito_auth::srp::*;
    /// use std::time::{Duration, UNIX_EPOCH};
    /// # let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// # let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
    /// # let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, &client.srp_a())?;
    /// # let challenge = PasswordVerifierChallenge::from_parameters(&server.challenge_parameters())?;
    /// let responses = client.respond_at(&challenge, UNIX_EPOCH + Duration::from_secs(1_136_171_045))?;
    /// assert_eq!(responses["TIMESTAMP"], "Mon Jan 2 03:04:05 UTC 2006");
    /// # Ok::<(), SrpError>(())
    /// ```
    pub fn respond_at(
        &self,
        challenge: &PasswordVerifierChallenge,
        at: SystemTime,
    ) -> Result<BTreeMap<String, String>, SrpError> {
        let key = self.session_key(challenge)?;
        let secret_block = decode_base64(&challenge.secret_block, "SECRET_BLOCK")?;
        let timestamp = format_timestamp(at)?;
        let signature = hmac_sha256(
            &key,
            &[self.pool_name.as_bytes(), challenge.user_id_for_srp.as_bytes(), &secret_block, timestamp.as_bytes()],
        );
        let username = challenge.username.as_deref().unwrap_or(&self.username);
        let mut responses = BTreeMap::new();
        responses.insert("USERNAME".to_owned(), username.to_owned());
        responses.insert("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), challenge.secret_block.clone());
        responses.insert("TIMESTAMP".to_owned(), timestamp);
        responses.insert("PASSWORD_CLAIM_SIGNATURE".to_owned(), STANDARD.encode(signature));
        self.add_secret_hash(&mut responses, username);
        Ok(responses)
    }

    /// The 16-byte key that signs the password claim, derived from the challenge. Exposed for
    /// debugging and interoperability tests; [`SrpClient::respond`] is what a sign-in needs.
    ///
    /// ```
    /// # use cognito_auth::srp::*;
    /// # let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// # let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
    /// # let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, &client.srp_a())?;
    /// # let challenge = PasswordVerifierChallenge::from_parameters(&server.challenge_parameters())?;
    /// let key: [u8; 16] = client.session_key(&challenge)?;
    /// # Ok::<(), SrpError>(())
    /// ```
    pub fn session_key(&self, challenge: &PasswordVerifierChallenge) -> Result<[u8; 16], SrpError> {
        let grp = group()?;
        let mut ctx = Ctx::new()?;
        let big_b_bytes = parse_hex(&challenge.srp_b, "SRP_B")?;
        let big_b = grp.n.reduce(&BigNum::from_be_bytes(&big_b_bytes)?, &mut ctx)?;
        if big_b.is_zero() {
            return Err(SrpError::InvalidServerB);
        }
        let salt = parse_hex(&challenge.salt, "SALT")?;
        let u = scrambler(&self.big_a, &big_b_bytes)?;
        let x = private_key(&salt, &self.pool_name, &challenge.user_id_for_srp, &self.password)?;
        // S = (B - k * g^x) ^ (a + u * x) mod N; the subtraction is taken modulo N (non-negative).
        let k_g_x = grp.n.mul(&grp.k, &g_pow(&x, &mut ctx)?, &mut ctx)?;
        let base = grp.n.sub(&big_b, &k_g_x, &mut ctx)?;
        let exponent = u.mul(&x, &mut ctx)?.add(&BigNum::from_be_bytes(&self.a)?)?;
        let shared_secret = grp.n.pow(&base, &exponent, &mut ctx)?;
        Ok(claim_key(&shared_secret, &u))
    }

    fn add_secret_hash(&self, params: &mut BTreeMap<String, String>, username: &str) {
        if let Some((client_id, client_secret)) = &self.client {
            params.insert("SECRET_HASH".to_owned(), secret_hash(username, client_id, client_secret));
        }
    }
}

impl fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpClient")
            .field("pool_name", &self.pool_name)
            .field("username", &self.username)
            .field("client_id", &self.client.as_ref().map(|(id, _)| id))
            .field("srp_a", &self.srp_a())
            .finish_non_exhaustive()
    }
}

/// The `ChallengeParameters` of Cognito's `PASSWORD_VERIFIER` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordVerifierChallenge {
    /// `SALT`: the user's salt, hexadecimal.
    pub salt: String,
    /// `SRP_B`: the server's public value B, hexadecimal.
    pub srp_b: String,
    /// `SECRET_BLOCK`: an opaque Base64 blob to sign and echo back.
    pub secret_block: String,
    /// `USER_ID_FOR_SRP`: the user name the password verifier was made with.
    pub user_id_for_srp: String,
    /// `USERNAME`: the pool's name for the user, to answer with, when present.
    pub username: Option<String>,
}

impl PasswordVerifierChallenge {
    /// Reads the challenge from `ChallengeParameters` as any map of strings (`BTreeMap`,
    /// `HashMap`, by reference or by value) or list of pairs. Unknown keys are ignored.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use cognito_auth::srp::PasswordVerifierChallenge;
    /// let params = HashMap::from([
    ///     ("SALT".to_string(), "a1b2".to_string()),
    ///     ("SRP_B".to_string(), "c3d4".to_string()),
    ///     ("SECRET_BLOCK".to_string(), "c2VjcmV0".to_string()),
    ///     ("USER_ID_FOR_SRP".to_string(), "diego".to_string()),
    /// ]);
    /// let challenge = PasswordVerifierChallenge::from_parameters(&params)?;
    /// assert_eq!(challenge.username, None);
    /// assert!(PasswordVerifierChallenge::from_parameters([("SALT", "a1b2")]).is_err());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn from_parameters<I, K, V>(params: I) -> Result<Self, SrpError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut found: [Option<String>; 5] = Default::default();
        const KEYS: [&str; 5] = ["SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"];
        for (key, value) in params {
            if let Some(i) = KEYS.iter().position(|k| *k == key.as_ref()) {
                found[i] = Some(value.as_ref().to_owned());
            }
        }
        let [salt, srp_b, secret_block, user_id_for_srp, username] = found;
        Ok(Self {
            salt: salt.ok_or(SrpError::MissingParameter("SALT"))?,
            srp_b: srp_b.ok_or(SrpError::MissingParameter("SRP_B"))?,
            secret_block: secret_block.ok_or(SrpError::MissingParameter("SECRET_BLOCK"))?,
            user_id_for_srp: user_id_for_srp.ok_or(SrpError::MissingParameter("USER_ID_FOR_SRP"))?,
            username,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(srp_b: &str) -> PasswordVerifierChallenge {
        PasswordVerifierChallenge {
            salt: "abcdef".into(),
            srp_b: srp_b.into(),
            secret_block: "c2VjcmV0".into(),
            user_id_for_srp: "diego".into(),
            username: None,
        }
    }

    #[test]
    fn a_server_b_of_zero_mod_n_is_refused() {
        let client = SrpClient::with_ephemeral("us-east-1_pool", "diego", "pw", &[5]).unwrap();
        let n = group().unwrap().n.value();
        let n_hex = to_hex(&n.to_be_bytes());
        let two_n_hex = to_hex(&n.add(n).unwrap().to_be_bytes());
        assert_eq!(client.respond(&challenge("0")), Err(SrpError::InvalidServerB));
        assert_eq!(client.respond(&challenge(&n_hex)), Err(SrpError::InvalidServerB));
        assert_eq!(client.respond(&challenge(&two_n_hex)), Err(SrpError::InvalidServerB));
    }

    #[test]
    fn malformed_challenges_are_errors() {
        let client = SrpClient::with_ephemeral("us-east-1_pool", "diego", "pw", &[5]).unwrap();
        assert_eq!(client.respond(&challenge("zz")), Err(SrpError::InvalidHex("SRP_B")));
        let mut bad_salt = challenge("1234");
        bad_salt.salt = String::new();
        assert_eq!(client.respond(&bad_salt), Err(SrpError::InvalidHex("SALT")));
        let mut bad_block = challenge("1234");
        bad_block.secret_block = "not base64!".into();
        assert_eq!(client.respond(&bad_block), Err(SrpError::InvalidBase64("SECRET_BLOCK")));
    }

    #[test]
    fn pool_ids_need_a_region_and_a_name() {
        assert_eq!(pool_name("us-east-1_AbC").unwrap(), "AbC");
        for bad in ["", "_", "us-east-1_", "_AbC", "AbC"] {
            assert!(pool_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ephemeral_secrets_equal_to_zero_mod_n_are_refused() {
        let n = group().unwrap().n.value().to_be_bytes();
        assert_eq!(SrpClient::with_ephemeral("r_p", "u", "p", &n).unwrap_err(), SrpError::InvalidEphemeral);
        assert_eq!(SrpClient::with_ephemeral("r_p", "u", "p", &[]).unwrap_err(), SrpError::InvalidEphemeral);
    }
}
