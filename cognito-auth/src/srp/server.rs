//! The server side of Cognito's SRP: what a user pool stores for a password, and the
//! `PASSWORD_VERIFIER` challenge it issues and checks. A server emulating Cognito uses this; an
//! application signing in does not.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac;
use zeroize::Zeroizing;

use super::bn::{BigNum, Ctx};
use super::error::SrpError;
use super::group::{
    canonical, claim_key, ephemeral_secret, g_pow, group, parse_hex, private_key, random_bytes, scrambler, to_hex,
};
use super::params::{decode_base64, pool_name};
use super::timestamp::parse_timestamp;
use crate::secret_hash::new_hmac;

/// What a user pool keeps instead of a password: a salt and the verifier v = g^x mod N.
///
/// ```
/// use cognito_auth::srp::PasswordVerifier;
/// let stored = PasswordVerifier::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
/// let restored = PasswordVerifier::from_parts(stored.salt().to_vec(), &stored.verifier_bytes());
/// assert_eq!(stored, restored);
/// # Ok::<(), cognito_auth::srp::SrpError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordVerifier {
    salt: Vec<u8>,
    /// v, big-endian without leading zeros (one zero byte for zero).
    verifier: Vec<u8>,
}

/// Computes the password verifier of `username` in the pool `user_pool_id` for a given salt
/// (big-endian bytes; Cognito's own salts are 16 random bytes). Deterministic: use
/// [`PasswordVerifier::new`] for a random salt.
///
/// `username` is the `USER_ID_FOR_SRP` the server will send in the challenge.
///
/// ```
/// use cognito_auth::srp::verifier;
/// let one = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"0123456789abcdef")?;
/// let two = verifier("us-east-1_AbCdEf123", "diego", "hunter3", b"0123456789abcdef")?;
/// assert_ne!(one.verifier_bytes(), two.verifier_bytes());
/// # Ok::<(), cognito_auth::srp::SrpError>(())
/// ```
pub fn verifier(user_pool_id: &str, username: &str, password: &str, salt: &[u8]) -> Result<PasswordVerifier, SrpError> {
    let pool_name = pool_name(user_pool_id)?;
    let x = private_key(salt, pool_name, username, password)?;
    let v = g_pow(&x, &mut Ctx::new()?)?;
    Ok(PasswordVerifier { salt: salt.to_vec(), verifier: canonical(&v.to_be_bytes()) })
}

impl PasswordVerifier {
    /// The verifier for `password` with a fresh random 16-byte salt.
    ///
    /// ```
    /// use cognito_auth::srp::PasswordVerifier;
    /// let one = PasswordVerifier::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
    /// let two = PasswordVerifier::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
    /// assert_ne!(one.salt(), two.salt());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn new(user_pool_id: &str, username: &str, password: &str) -> Result<Self, SrpError> {
        verifier(user_pool_id, username, password, &random_bytes::<16>()?)
    }

    /// Rebuilds a stored verifier from [`PasswordVerifier::salt`] and
    /// [`PasswordVerifier::verifier_bytes`].
    ///
    /// ```
    /// use cognito_auth::srp::PasswordVerifier;
    /// let v = PasswordVerifier::from_parts(b"salt".to_vec(), &[0x01, 0x02]);
    /// assert_eq!(v.verifier_bytes(), [0x01, 0x02]);
    /// ```
    pub fn from_parts(salt: Vec<u8>, verifier: &[u8]) -> Self {
        Self { salt, verifier: canonical(verifier) }
    }

    /// The salt, as given or generated.
    ///
    /// ```
    /// let v = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// assert_eq!(v.salt(), b"salt");
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The salt as the challenge's `SALT`: the salt's bytes read as one big-endian integer, in
    /// lower-case hexadecimal without leading zeros (leading zero bytes of a salt are therefore
    /// not significant).
    ///
    /// ```
    /// let v = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", &[0x00, 0x0a, 0xbc])?;
    /// assert_eq!(v.salt_hex(), "abc");
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn salt_hex(&self) -> String {
        to_hex(&self.salt)
    }

    /// The verifier v = g^x mod N, big-endian without leading zeros.
    ///
    /// ```
    /// let v = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// assert!(v.verifier_bytes().len() <= 384);
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn verifier_bytes(&self) -> Vec<u8> {
        self.verifier.clone()
    }
}

impl fmt::Debug for PasswordVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The verifier allows an offline guessing attack on the password: keep it out of logs.
        f.debug_struct("PasswordVerifier").field("salt", &self.salt_hex()).finish_non_exhaustive()
    }
}

/// The server side of one `USER_SRP_AUTH` sign-in: built from the client's `SRP_A` when
/// `InitiateAuth` arrives, it issues the `PASSWORD_VERIFIER` challenge and then checks the
/// client's claim.
///
/// A server keeps it between the two calls (or keeps [`SrpServer::ephemeral_secret`] and the
/// secret block, and rebuilds it with [`SrpServer::with_ephemeral`]).
///
/// ```
/// use cognito_auth::srp::{verifier, PasswordClaim, PasswordVerifierChallenge, SrpClient, SrpServer};
/// let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"0123456789abcdef")?;
///
/// let client = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter2")?;
/// let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, &client.srp_a())?;
/// let challenge = PasswordVerifierChallenge::from_parameters(&server.challenge_parameters())?;
/// let claim = PasswordClaim::from_responses(&client.respond(&challenge)?)?;
/// server.verify(&claim)?;
///
/// let impostor = SrpClient::new("us-east-1_AbCdEf123", "diego", "hunter3")?;
/// let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, &impostor.srp_a())?;
/// let challenge = PasswordVerifierChallenge::from_parameters(&server.challenge_parameters())?;
/// let claim = PasswordClaim::from_responses(&impostor.respond(&challenge)?)?;
/// assert!(server.verify(&claim).is_err());
/// # Ok::<(), cognito_auth::srp::SrpError>(())
/// ```
#[derive(Clone)]
pub struct SrpServer {
    pool_name: String,
    user_id_for_srp: String,
    salt_hex: String,
    /// v, big-endian (as in [`PasswordVerifier`]).
    verifier: Vec<u8>,
    /// The client's A, big-endian without leading zeros.
    big_a: Vec<u8>,
    /// The ephemeral secret b (reduced modulo N), big-endian; erased on drop.
    b: Zeroizing<Vec<u8>>,
    /// B = k * v + g^b mod N, big-endian without leading zeros.
    big_b: Vec<u8>,
    secret_block: Vec<u8>,
}

impl SrpServer {
    /// Starts the server side for the user `user_id_for_srp` with the stored `verifier`, on
    /// receiving the client's `SRP_A`; picks a random ephemeral secret b and a random 64-byte
    /// secret block. Fails if `SRP_A` is malformed or zero modulo N.
    ///
    /// ```
    /// use cognito_auth::srp::{verifier, SrpServer};
    /// let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// assert!(SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "0").is_err());
    /// assert!(SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2").is_ok());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn new(
        user_pool_id: &str,
        user_id_for_srp: &str,
        verifier: &PasswordVerifier,
        srp_a: &str,
    ) -> Result<Self, SrpError> {
        loop {
            let b = random_bytes::<128>()?;
            match Self::with_ephemeral(user_pool_id, user_id_for_srp, verifier, srp_a, &b, &random_bytes::<64>()?) {
                // A random b giving B ≡ 0 or u = 0 is astronomically unlikely; draw again rather
                // than fail a sign-in.
                Err(SrpError::InvalidServerB | SrpError::ZeroU | SrpError::InvalidEphemeral) => {
                    continue;
                }
                other => return other,
            }
        }
    }

    /// Like [`SrpServer::new`] with a fixed ephemeral secret `b` (big-endian bytes, reduced modulo
    /// N) and secret block: to rebuild a server kept between the two calls, or for tests.
    ///
    /// ```
    /// use cognito_auth::srp::{verifier, SrpServer};
    /// let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// let one = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2")?;
    /// let two = SrpServer::with_ephemeral("us-east-1_AbCdEf123", "diego", &stored, "2",
    ///     &one.ephemeral_secret(), one.secret_block())?;
    /// assert_eq!(one.srp_b(), two.srp_b());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn with_ephemeral(
        user_pool_id: &str,
        user_id_for_srp: &str,
        verifier: &PasswordVerifier,
        srp_a: &str,
        b: &[u8],
        secret_block: &[u8],
    ) -> Result<Self, SrpError> {
        let grp = group()?;
        let mut ctx = Ctx::new()?;
        let pool_name = pool_name(user_pool_id)?.to_owned();
        let big_a = parse_hex(srp_a, "SRP_A")?;
        if grp.n.reduce(&BigNum::from_be_bytes(&big_a)?, &mut ctx)?.is_zero() {
            return Err(SrpError::InvalidClientA);
        }
        let b = ephemeral_secret(b, &mut ctx)?;
        // B = k * v + g^b mod N.
        let v = BigNum::from_be_bytes(&verifier.verifier)?;
        let k_v = grp.n.mul(&grp.k, &v, &mut ctx)?;
        let big_b = grp.n.add(&k_v, &g_pow(&b, &mut ctx)?, &mut ctx)?;
        if big_b.is_zero() {
            return Err(SrpError::InvalidServerB);
        }
        let big_b = canonical(&big_b.to_be_bytes());
        scrambler(&big_a, &big_b)?;
        Ok(Self {
            pool_name,
            user_id_for_srp: user_id_for_srp.to_owned(),
            salt_hex: verifier.salt_hex(),
            verifier: verifier.verifier.clone(),
            big_a,
            b: Zeroizing::new(b.to_be_bytes()),
            big_b,
            secret_block: secret_block.to_vec(),
        })
    }

    /// The public value B as the challenge's `SRP_B`: lower-case hexadecimal without leading
    /// zeros.
    ///
    /// ```
    /// # let stored = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// let server = cognito_auth::srp::SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2")?;
    /// assert!(server.srp_b().bytes().all(|c| c.is_ascii_hexdigit()));
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn srp_b(&self) -> String {
        to_hex(&self.big_b)
    }

    /// The ephemeral secret b, big-endian. Secret: store it only where the password verifier
    /// itself could be stored.
    ///
    /// ```
    /// # let stored = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// let server = cognito_auth::srp::SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2")?;
    /// assert!(!server.ephemeral_secret().is_empty());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn ephemeral_secret(&self) -> Vec<u8> {
        self.b.to_vec()
    }

    /// The secret block the client must sign and echo back.
    ///
    /// ```
    /// # let stored = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// let server = cognito_auth::srp::SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2")?;
    /// assert_eq!(server.secret_block().len(), 64);
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn secret_block(&self) -> &[u8] {
        &self.secret_block
    }

    /// The `ChallengeParameters` of the `PASSWORD_VERIFIER` challenge: `SALT`, `SRP_B`,
    /// `SECRET_BLOCK`, `USER_ID_FOR_SRP` and `USERNAME` (both the user id given to
    /// [`SrpServer::new`]).
    ///
    /// ```
    /// # let stored = cognito_auth::srp::verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// let server = cognito_auth::srp::SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2")?;
    /// let params = server.challenge_parameters();
    /// assert_eq!(params.keys().collect::<Vec<_>>(), ["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"]);
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn challenge_parameters(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("SALT".to_owned(), self.salt_hex.clone()),
            ("SRP_B".to_owned(), self.srp_b()),
            ("SECRET_BLOCK".to_owned(), STANDARD.encode(&self.secret_block)),
            ("USER_ID_FOR_SRP".to_owned(), self.user_id_for_srp.clone()),
            ("USERNAME".to_owned(), self.user_id_for_srp.clone()),
        ])
    }

    /// Checks the client's password claim: the secret block is the one issued, the timestamp is
    /// in Cognito's format, and the signature was made with the key only the right password
    /// yields (compared in constant time). Whether the timestamp is recent enough is the
    /// caller's policy: see [`parse_timestamp`](super::parse_timestamp).
    ///
    /// ```
    /// use cognito_auth::srp::{verifier, PasswordClaim, SrpError, SrpServer};
    /// let stored = verifier("us-east-1_AbCdEf123", "diego", "hunter2", b"salt")?;
    /// let server = SrpServer::new("us-east-1_AbCdEf123", "diego", &stored, "2")?;
    /// let forged = PasswordClaim {
    ///     secret_block: server.challenge_parameters()["SECRET_BLOCK"].clone(),
    ///     timestamp: "Mon Jan 2 03:04:05 UTC 2006".into(),
    ///     signature: "AAAA".into(),
    /// };
    /// assert_eq!(server.verify(&forged), Err(SrpError::SignatureMismatch));
    /// # Ok::<(), SrpError>(())
    /// ```
    pub fn verify(&self, claim: &PasswordClaim) -> Result<(), SrpError> {
        let grp = group()?;
        let secret_block = decode_base64(&claim.secret_block, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        if secret_block != self.secret_block {
            return Err(SrpError::SecretBlockMismatch);
        }
        parse_timestamp(&claim.timestamp)?;
        let signature = decode_base64(&claim.signature, "PASSWORD_CLAIM_SIGNATURE")?;
        let u = scrambler(&self.big_a, &self.big_b)?;
        // S = (A * v^u) ^ b mod N: the same secret the client reaches from B, a and x. The
        // exponentiations need their bases reduced: v is whatever was stored, A whatever was sent.
        let mut ctx = Ctx::new()?;
        let v = grp.n.reduce(&BigNum::from_be_bytes(&self.verifier)?, &mut ctx)?;
        let v_u = grp.n.pow(&v, &u, &mut ctx)?;
        let base = grp.n.mul(&BigNum::from_be_bytes(&self.big_a)?, &v_u, &mut ctx)?;
        let shared_secret = grp.n.pow(&base, &BigNum::from_be_bytes(&self.b)?, &mut ctx)?;
        let key = claim_key(&shared_secret, &u);
        let mut mac = new_hmac(&key);
        for part in
            [self.pool_name.as_bytes(), self.user_id_for_srp.as_bytes(), &secret_block, claim.timestamp.as_bytes()]
        {
            mac.update(part);
        }
        mac.verify_slice(&signature).map_err(|_| SrpError::SignatureMismatch)
    }
}

impl fmt::Debug for SrpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpServer")
            .field("pool_name", &self.pool_name)
            .field("user_id_for_srp", &self.user_id_for_srp)
            .field("srp_b", &self.srp_b())
            .finish_non_exhaustive()
    }
}

/// The password claim of a `PASSWORD_VERIFIER` challenge response, as the server reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordClaim {
    /// `PASSWORD_CLAIM_SECRET_BLOCK`: the echoed secret block, Base64.
    pub secret_block: String,
    /// `TIMESTAMP`, in Cognito's format.
    pub timestamp: String,
    /// `PASSWORD_CLAIM_SIGNATURE`, Base64.
    pub signature: String,
}

impl PasswordClaim {
    /// Reads the claim from `ChallengeResponses` as any map of strings or list of pairs.
    ///
    /// ```
    /// use cognito_auth::srp::PasswordClaim;
    /// let claim = PasswordClaim::from_responses([
    ///     ("PASSWORD_CLAIM_SECRET_BLOCK", "c2VjcmV0"),
    ///     ("TIMESTAMP", "Mon Jan 2 03:04:05 UTC 2006"),
    ///     ("PASSWORD_CLAIM_SIGNATURE", "AAAA"),
    ///     ("USERNAME", "diego"),
    /// ])?;
    /// assert_eq!(claim.signature, "AAAA");
    /// assert!(PasswordClaim::from_responses([("TIMESTAMP", "x")]).is_err());
    /// # Ok::<(), cognito_auth::srp::SrpError>(())
    /// ```
    pub fn from_responses<I, K, V>(responses: I) -> Result<Self, SrpError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let (mut secret_block, mut timestamp, mut signature) = (None, None, None);
        for (key, value) in responses {
            let slot = match key.as_ref() {
                "PASSWORD_CLAIM_SECRET_BLOCK" => &mut secret_block,
                "TIMESTAMP" => &mut timestamp,
                "PASSWORD_CLAIM_SIGNATURE" => &mut signature,
                _ => continue,
            };
            *slot = Some(value.as_ref().to_owned());
        }
        Ok(Self {
            secret_block: secret_block.ok_or(SrpError::MissingParameter("PASSWORD_CLAIM_SECRET_BLOCK"))?,
            timestamp: timestamp.ok_or(SrpError::MissingParameter("TIMESTAMP"))?,
            signature: signature.ok_or(SrpError::MissingParameter("PASSWORD_CLAIM_SIGNATURE"))?,
        })
    }
}
