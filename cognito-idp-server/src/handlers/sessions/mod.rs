//! User session management (AWS's developer guide, "Managing user sessions"): a pool that
//! tracks sessions (`SetUserPoolSessionConfiguration`, Essentials or Plus tier) records each
//! sign-in as a *token session* (its refresh token family) and each managed login sign-in as an
//! *SSO session* (its `cognito` cookie), lists them (`ListUserSessions`,
//! `AdminListUserSessions`) and revokes them (`RevokeUserSession`, `AdminRevokeUserSession`),
//! which stops their tokens on every instance, since revocation is the family's.
//!
//! - [`config`]: the pool's and the app clients' session configuration (pool-owned resources).
//! - [`tracking`]: what the sign-in, refresh and managed login paths call, the limit of token
//!   sessions per user (the least recently used one is evicted).
//! - [`user_sessions`]: the listing and revoking operations.

pub mod config;
pub mod tracking;
pub mod user_sessions;
