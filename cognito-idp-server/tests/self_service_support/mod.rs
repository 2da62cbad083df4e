//! What tests/self_service.rs and tests/recovery.rs share: a [`Setup`] of the pool and its app
//! client (which signs in with `USER_PASSWORD_AUTH`), made into a [`common::Env`](Env).

#![allow(dead_code)]

use crate::common::{ClientBuilder, PoolBuilder};

pub use crate::common::{Env, PASSWORD, wrong_code as wrong};

/// A second password that meets the default policy.
pub const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// How the pool and its app client are made.
#[derive(Default, Clone)]
pub struct Setup {
    /// `PreventUserExistenceErrors: ENABLED` on the client.
    pub hide_users: bool,
    /// A client secret.
    pub secret: bool,
    /// `AutoVerifiedAttributes` (none: `email`; `["none"]`: none).
    pub verify: Vec<&'static str>,
    /// `AttributesRequireVerificationBeforeUpdate`.
    pub verify_before_update: Vec<&'static str>,
    /// The client's `WriteAttributes` (none: every attribute).
    pub write: Vec<&'static str>,
    /// The client's `ReadAttributes` (none: every attribute).
    pub read: Vec<&'static str>,
}

/// A server, a pool that auto-verifies email (unless `setup.verify` says otherwise) and a
/// client that allows `USER_PASSWORD_AUTH`.
pub async fn start(setup: Setup) -> Env {
    let verify = if setup.verify.is_empty() { vec!["email"] } else { setup.verify.clone() };
    let verify: Vec<&str> = verify.into_iter().filter(|a| *a != "none").collect();
    let mut pool = PoolBuilder::new("self-service").auto_verify(&verify);
    if !setup.verify_before_update.is_empty() {
        pool = pool.verify_before_update(&setup.verify_before_update);
    }
    let app = ClientBuilder::new("web")
        .secret_if(setup.secret)
        .flows(&["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        .hide_users_if(setup.hide_users)
        .write(&setup.write)
        .read(&setup.read);
    Env::start(pool, app).await
}
