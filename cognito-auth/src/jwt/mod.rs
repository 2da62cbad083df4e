//! Verification of Cognito ID and access tokens against the user pool's JWKS.
//!
//! A [`JwtVerifier`] checks, in this order: the token's shape and size, that `alg` is RS256, the
//! signature with the pool key named by `kid`, `iss` (the pool), `exp` and `nbf` (with a small
//! leeway), `token_use` (`id` or `access`, as asked), and the app client (`aud` of an ID token,
//! `client_id` of an access token) against the allowed ones. The pool's keys are fetched once
//! and cached; see [`JwtVerifierBuilder::min_refetch_interval`] for when they are refetched.
//!
//! ```no_run
//! use cognito_auth::jwt::JwtVerifier;
//!
//! # async fn handler(token: &str) -> Result<(), cognito_auth::jwt::JwtError> {
//! // Build once and share (it is cheap to clone): the key cache lives inside.
//! let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
//!     .client_id("3n4b5urk1ft4fl3mg5e62d9ado")
//!     .build()?;
//!
//! let claims = verifier.verify_access_token(token).await?;
//! println!("{} ({:?}) in groups {:?}", claims.sub, claims.username, claims.groups);
//! # Ok(())
//! # }
//! ```
//!
//! Crypto comes from `jsonwebtoken` with its pure-Rust RustCrypto backend. If another crate in
//! the same program turns on `jsonwebtoken`'s `aws_lc_rs` feature too, `jsonwebtoken` cannot pick
//! a backend by itself: install one at start-up with
//! `jsonwebtoken::crypto::CryptoProvider::install_default`.

mod claims;
mod error;
mod keys;
mod token_use;

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};

pub use claims::CognitoClaims;
pub use error::JwtError;
use keys::KeyCache;
pub use token_use::TokenUse;

/// Tokens longer than this are refused before any parsing. Cognito's are a few KiB even for
/// users in many groups.
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// The largest leeway accepted; more would make expiry meaningless.
const MAX_LEEWAY: Duration = Duration::from_secs(600);

/// Verifies the tokens of one Cognito user pool. Cheap to clone; clones share the key cache.
///
/// ```
/// use cognito_auth::jwt::JwtVerifier;
/// let verifier = JwtVerifier::builder("eu-west-1", "eu-west-1_AbCdEf123").client_id("my-app-client").build()?;
/// assert_eq!(verifier.issuer(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123");
/// assert_eq!(verifier.jwks_url(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json");
/// # Ok::<(), cognito_auth::jwt::JwtError>(())
/// ```
#[derive(Clone)]
pub struct JwtVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    /// `None` when any app client of the pool is accepted.
    client_ids: Option<BTreeSet<String>>,
    leeway: Duration,
    keys: KeyCache,
}

impl JwtVerifier {
    /// Starts configuring a verifier for the pool `user_pool_id` in `region`: issuer
    /// `https://cognito-idp.{region}.amazonaws.com/{user_pool_id}`, keys from
    /// `{issuer}/.well-known/jwks.json`.
    ///
    /// ```
    /// let builder = cognito_auth::jwt::JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123");
    /// ```
    pub fn builder(region: &str, user_pool_id: &str) -> JwtVerifierBuilder {
        JwtVerifierBuilder {
            issuer: format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"),
            jwks_url: None,
            client_ids: BTreeSet::new(),
            any_client: false,
            leeway: Duration::from_secs(5),
            min_refetch_interval: Duration::from_secs(30),
            http: None,
        }
    }

    /// The issuer (`iss`) tokens must carry.
    ///
    /// ```
    /// # let verifier = cognito_auth::jwt::JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").any_client_id().build()?;
    /// assert!(verifier.issuer().ends_with("/us-east-1_AbCdEf123"));
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// Where the keys are fetched from.
    ///
    /// ```
    /// # let verifier = cognito_auth::jwt::JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").any_client_id().build()?;
    /// assert!(verifier.jwks_url().ends_with("/.well-known/jwks.json"));
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn jwks_url(&self) -> &str {
        self.inner.keys.url()
    }

    /// Verifies an ID token (`token_use` = `id`, app client in `aud`).
    ///
    /// ```no_run
    /// # async fn f(verifier: cognito_auth::jwt::JwtVerifier, id_token: &str) -> Result<(), cognito_auth::jwt::JwtError> {
    /// let claims = verifier.verify_id_token(id_token).await?;
    /// let email = claims.raw.get("email").and_then(|v| v.as_str());
    /// # Ok(()) }
    /// ```
    pub async fn verify_id_token(&self, token: &str) -> Result<CognitoClaims, JwtError> {
        self.verify(token, TokenUse::Id).await
    }

    /// Verifies an access token (`token_use` = `access`, app client in `client_id`).
    ///
    /// ```no_run
    /// # async fn f(verifier: cognito_auth::jwt::JwtVerifier, access_token: &str) -> Result<(), cognito_auth::jwt::JwtError> {
    /// let claims = verifier.verify_access_token(access_token).await?;
    /// let is_admin = claims.groups.iter().any(|g| g == "admin");
    /// # Ok(()) }
    /// ```
    pub async fn verify_access_token(&self, token: &str) -> Result<CognitoClaims, JwtError> {
        self.verify(token, TokenUse::Access).await
    }

    /// Verifies a token of the given kind; see the [module documentation](self) for the checks.
    /// Fetches the pool's keys on first use, and again (rate-limited) for an unknown `kid`.
    ///
    /// ```no_run
    /// use cognito_auth::jwt::{JwtError, TokenUse};
    /// # async fn f(verifier: cognito_auth::jwt::JwtVerifier, token: &str) {
    /// match verifier.verify(token, TokenUse::Access).await {
    ///     Ok(claims) => println!("hello {}", claims.sub),
    ///     Err(JwtError::Expired) => println!("refresh your tokens"),
    ///     Err(other) => println!("rejected: {other}"),
    /// }
    /// # }
    /// ```
    pub async fn verify(&self, token: &str, token_use: TokenUse) -> Result<CognitoClaims, JwtError> {
        let kid = key_id(token)?;
        let key = self.inner.keys.key(&kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = self.inner.leeway.as_secs();
        validation.set_issuer(&[&self.inner.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.validate_nbf = true;
        // Cognito access tokens have no `aud`; the app client is checked per token kind below.
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation).map_err(map_error)?;

        let client_ids = &self.inner.client_ids;
        CognitoClaims::check(data.claims, token_use, |id| client_ids.as_ref().is_none_or(|ids| ids.contains(id)))
    }

    /// Fetches the pool's keys now rather than on the first verification (e.g. at start-up, to
    /// fail early on a wrong URL). Subject to the same rate limit as refetches.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), cognito_auth::jwt::JwtError> {
    /// let verifier = cognito_auth::jwt::JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
    ///     .client_id("my-app-client")
    ///     .build()?;
    /// verifier.prefetch_keys().await?;
    /// # Ok(()) }
    /// ```
    pub async fn prefetch_keys(&self) -> Result<(), JwtError> {
        self.inner.keys.prefetch().await
    }
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.inner.issuer)
            .field("jwks_url", &self.inner.keys.url())
            .field("client_ids", &self.inner.client_ids)
            .field("leeway", &self.inner.leeway)
            .finish_non_exhaustive()
    }
}

/// Configures a [`JwtVerifier`]; from [`JwtVerifier::builder`].
#[must_use]
#[derive(Debug)]
pub struct JwtVerifierBuilder {
    issuer: String,
    jwks_url: Option<String>,
    client_ids: BTreeSet<String>,
    any_client: bool,
    leeway: Duration,
    min_refetch_interval: Duration,
    http: Option<reqwest::Client>,
}

impl JwtVerifierBuilder {
    /// Allows tokens issued to this app client. At least one is required, unless
    /// [`any_client_id`](Self::any_client_id) is called.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").client_id("web").client_id("mobile").build()?;
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_ids.insert(client_id.into());
        self
    }

    /// Allows tokens issued to any of these app clients.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").client_ids(["web", "mobile"]).build()?;
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn client_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, client_ids: I) -> Self {
        self.client_ids.extend(client_ids.into_iter().map(Into::into));
        self
    }

    /// Accepts tokens of every app client of the pool. Without this or a client id,
    /// [`build`](Self::build) fails, so that skipping the audience check is a visible decision.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// assert!(JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").build().is_err());
    /// assert!(JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").any_client_id().build().is_ok());
    /// ```
    pub fn any_client_id(mut self) -> Self {
        self.any_client = true;
        self
    }

    /// How far past `exp` (or before `nbf`) a token is still accepted, for clock skew (default 5
    /// seconds, at most 10 minutes; whole seconds).
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// # use std::time::Duration;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
    ///     .any_client_id()
    ///     .leeway(Duration::from_secs(30))
    ///     .build()?;
    /// assert!(JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").any_client_id().leeway(Duration::from_secs(3600)).build().is_err());
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Replaces the issuer tokens must carry (for a server emulating Cognito, such as a local
    /// reference server); the JWKS URL becomes `{issuer}/.well-known/jwks.json` unless
    /// [`jwks_url`](Self::jwks_url) is set.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
    ///     .any_client_id()
    ///     .issuer("http://127.0.0.1:9229/us-east-1_AbCdEf123")
    ///     .build()?;
    /// assert_eq!(verifier.jwks_url(), "http://127.0.0.1:9229/us-east-1_AbCdEf123/.well-known/jwks.json");
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = issuer.into().trim_end_matches('/').to_owned();
        self
    }

    /// Replaces the URL the keys are fetched from.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
    ///     .any_client_id()
    ///     .jwks_url("http://127.0.0.1:8080/jwks.json")
    ///     .build()?;
    /// assert_eq!(verifier.jwks_url(), "http://127.0.0.1:8080/jwks.json");
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// The shortest time between two fetches of the JWKS (default 30 seconds). A token with an
    /// unknown `kid` triggers a refetch only when the last fetch is at least this old; otherwise
    /// it is rejected with [`JwtError::UnknownKeyId`]. This bounds what tokens with made-up
    /// `kid`s can make the verifier send to the JWKS endpoint, at the cost of rejecting, for at
    /// most this long, tokens signed with a key the pool added since the last fetch.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// # use std::time::Duration;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
    ///     .any_client_id()
    ///     .min_refetch_interval(Duration::from_secs(300))
    ///     .build()?;
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// The HTTP client that fetches the JWKS (default: rustls, 10-second timeout), e.g. to set
    /// a proxy or share a connection pool.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123")
    ///     .any_client_id()
    ///     .http_client(reqwest::Client::new())
    ///     .build()?;
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the verifier. Fails if no app client is allowed (see
    /// [`any_client_id`](Self::any_client_id)), the leeway is over 10 minutes, the JWKS URL is
    /// not an absolute `http(s)` URL, or the default HTTP client cannot be built. Fetches nothing.
    ///
    /// ```
    /// # use cognito_auth::jwt::JwtVerifier;
    /// let verifier = JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").client_id("web").build()?;
    /// assert!(JwtVerifier::builder("us-east-1", "us-east-1_AbCdEf123").client_id("web").jwks_url("ftp://x").build().is_err());
    /// # Ok::<(), cognito_auth::jwt::JwtError>(())
    /// ```
    pub fn build(self) -> Result<JwtVerifier, JwtError> {
        // jsonwebtoken picks its crypto backend from its crate features; a build that also
        // enables the `aws_lc_rs` one (another crate of the same program or workspace build)
        // leaves it unable to pick and panicking on first use. RustCrypto's, unless the program
        // installed one already (then that one is used; the error only says so).
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        if self.client_ids.is_empty() && !self.any_client {
            return Err(JwtError::Config("no app client id allowed: call client_id() or any_client_id()".into()));
        }
        if self.leeway > MAX_LEEWAY {
            return Err(JwtError::Config(format!("leeway over {MAX_LEEWAY:?}")));
        }
        let url = self.jwks_url.unwrap_or_else(|| format!("{}/.well-known/jwks.json", self.issuer));
        match reqwest::Url::parse(&url) {
            Ok(parsed) if matches!(parsed.scheme(), "https" | "http") => {}
            _ => {
                return Err(JwtError::Config(format!("JWKS URL {url:?} is not an http(s) URL")));
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| JwtError::Config(format!("HTTP client: {e}")))?,
        };
        Ok(JwtVerifier {
            inner: Arc::new(Inner {
                issuer: self.issuer,
                client_ids: if self.any_client { None } else { Some(self.client_ids) },
                leeway: self.leeway,
                keys: KeyCache::new(url, http, self.min_refetch_interval),
            }),
        })
    }
}

/// Reads the header ourselves before `jsonwebtoken` does, so that `alg: none` or an HMAC
/// algorithm is reported as such (jsonwebtoken cannot even represent `none`) and never reaches
/// a key lookup.
fn key_id(token: &str) -> Result<String, JwtError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(JwtError::Malformed(format!("longer than {MAX_TOKEN_BYTES} bytes")));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Malformed("not three dot-separated parts".into()));
    };
    let header = URL_SAFE_NO_PAD.decode(header).map_err(|_| JwtError::Malformed("header is not Base64url".into()))?;
    let header: Map<String, Value> =
        serde_json::from_slice(&header).map_err(|_| JwtError::Malformed("header is not a JSON object".into()))?;
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "RS256" => {}
        Some(Value::String(alg)) => return Err(JwtError::UnsupportedAlgorithm(alg.clone())),
        _ => return Err(JwtError::Malformed("header has no alg".into())),
    }
    match header.get("kid") {
        Some(Value::String(kid)) => Ok(kid.clone()),
        _ => Err(JwtError::MissingKeyId),
    }
}

fn map_error(error: jsonwebtoken::errors::Error) -> JwtError {
    match error.kind() {
        ErrorKind::InvalidSignature => JwtError::InvalidSignature,
        ErrorKind::ExpiredSignature => JwtError::Expired,
        ErrorKind::ImmatureSignature => JwtError::NotYetValid,
        ErrorKind::InvalidIssuer => JwtError::WrongIssuer,
        ErrorKind::InvalidAlgorithm | ErrorKind::UnsupportedAlgorithm => {
            JwtError::UnsupportedAlgorithm("key and token algorithms differ".into())
        }
        ErrorKind::MissingRequiredClaim(claim) => JwtError::InvalidClaims(format!("`{claim}` is missing")),
        ErrorKind::InvalidClaimFormat(claim) => JwtError::InvalidClaims(format!("`{claim}` has the wrong type")),
        _ => JwtError::Malformed(error.to_string()),
    }
}
