//! What sign-ins keep between requests: the outbox of codes sent, one-time codes, challenge
//! and browser sessions, refresh tokens and the token families tracked as user sessions, and
//! failed sign-ins counted for the lockout.

use serde::{Deserialize, Serialize};

/// A message the server "sent": a code or temporary password, kept for tests to read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutboxMessage {
    /// Store order.
    #[serde(skip_deserializing)]
    pub seq: i64,
    /// The pool.
    #[serde(rename = "userPoolId")]
    pub pool_id: String,
    /// The username the message is about.
    pub username: String,
    /// What it is: `SIGN_UP`, `ADMIN_CREATE_USER`, `RESEND_CODE`, `FORGOT_PASSWORD`, ...
    pub kind: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    /// The address or number it went to.
    pub destination: String,
    /// The code or temporary password.
    pub code: String,
    /// The text delivered, code (and username) in it: the pool's template or what the
    /// CustomMessage trigger answered (`handlers::messages`). `None` for a message that
    /// carries no text of its own.
    #[serde(default)]
    pub message: Option<String>,
    /// The subject of an email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(rename = "timeMs")]
    pub time_ms: i64,
}

/// A one-time code (confirmation, password reset, attribute verification), hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRecord {
    /// The hash of the code (see `domain::codes`).
    pub hash: String,
    /// When it stops working (milliseconds since the epoch).
    pub expires_ms: i64,
    /// Wrong guesses so far.
    pub attempts: i64,
}

/// A challenge session of a sign-in in progress (the API's `Session`), kept by the hash of the
/// opaque value the client holds. Single use: [`Store::take_session`] removes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    /// The hash of the `Session` string handed to the client (never the string itself).
    pub id_hash: String,
    /// The pool.
    pub pool_id: String,
    /// The app client the sign-in started with.
    pub client_id: String,
    /// The user's username key.
    pub user_key: String,
    /// When it stops working (milliseconds since the epoch).
    pub expires_ms: i64,
    /// What the flow keeps between steps (challenge name, SRP state, attempts...), owned by
    /// the auth handlers.
    pub doc: serde_json::Value,
}

/// A refresh token, kept by its hash. Tokens issued from one sign-in form a family named by
/// `origin_jti` (the `origin_jti` claim of every access and id token of that sign-in): revoking
/// the family ends the refresh token and every access token issued from it.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshRecord {
    /// The hash of the opaque refresh token (never the token itself).
    pub hash: String,
    /// The pool.
    pub pool_id: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The user's username key.
    pub user_key: String,
    /// The family: the `origin_jti` of the sign-in it came from.
    pub origin_jti: String,
    /// When it stops working (milliseconds since the epoch).
    pub expires_ms: i64,
    /// What the token handlers keep with it (`auth_time`, device key...).
    pub doc: serde_json::Value,
}

/// A token family tracked as a user session: a sign-in that happened while its pool tracked
/// sessions (`SetUserPoolSessionConfiguration`). The family's own state (revoked, expiry) says
/// whether the session is active; these are what `ListUserSessions` shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedFamily {
    /// The family (`origin_jti`): revoking it ends the session.
    pub origin_jti: String,
    /// The app client it was issued to.
    pub client_id: String,
    /// The session's id (`tkn` and 25 characters).
    pub session_id: String,
    /// When the sign-in happened (milliseconds since the epoch).
    pub created_ms: i64,
    /// The last sign-in or refresh of it.
    pub last_active_ms: i64,
    /// What the session handlers keep with it (device type, last address, the SSO session it
    /// came through).
    pub doc: serde_json::Value,
}

/// Failed sign-ins of a user since the last success, counted for the temporary lockout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInFailures {
    /// Failures in a row.
    pub count: i64,
    /// When the last one happened (milliseconds since the epoch; 0 when `count` is 0).
    pub last_ms: i64,
}
