//! `SECRET_HASH`, which Cognito requires on every sign-in call of an app client that has a secret.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Computes `SECRET_HASH`: Base64(HMAC-SHA256(key = client secret, message = username + client id)).
///
/// Cognito checks it on `InitiateAuth`, `RespondToAuthChallenge`, `SignUp`, `ForgotPassword` and
/// the other calls made with an app client that has a secret. `username` must be the name the
/// call carries: after an SRP or custom challenge, that is the `USERNAME` the challenge returned
/// (the internal user name when the user signed in with an alias such as an email address).
///
/// ```
/// let hash = cognito_auth::secret_hash("diego", "3n4b5urk1ft4fl3mg5e62d9ado", "client-secret");
/// assert_eq!(hash, cognito_auth::secret_hash("diego", "3n4b5urk1ft4fl3mg5e62d9ado", "client-secret"));
/// assert_ne!(hash, cognito_auth::secret_hash("Diego", "3n4b5urk1ft4fl3mg5e62d9ado", "client-secret"));
/// ```
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    STANDARD.encode(hmac_sha256(client_secret.as_bytes(), &[username.as_bytes(), client_id.as_bytes()]))
}

/// HMAC-SHA256 over the concatenation of `parts`, so callers need not build the message first.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = new_hmac(key);
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

pub(crate) fn new_hmac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC hashes keys longer than a block and pads shorter ones, so every length is accepted;
    // the Result only exists because the trait is shared with fixed-key MACs.
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC-SHA256 accepts keys of any length")
}
