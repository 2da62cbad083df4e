//! The user pool domain: the OAuth 2.0 and OpenID Connect endpoints Cognito serves on
//! `{prefix}.auth.{region}.amazoncognito.com` or a custom domain, beside the JSON API.
//!
//! Every endpoint lives under `/domain/{domain}/` on the server's own address (`{domain}` is
//! a prefix or a custom domain name), so a browser or library on this machine reaches it with
//! no DNS change. A request whose `Host` is the domain itself (`{prefix}.auth.localhost`,
//! which browsers resolve to the loopback, `{prefix}.auth.{region}.amazoncognito.com` or a
//! custom domain, presented by a proxy) reaches the same endpoints at AWS's paths
//! ([`host::route`] rewrites it).
//!
//! - [`site`]: which domain, pool and link base a request is for.
//! - [`authorize`]: the authorization endpoint and what ends a sign-in (a code or tokens).
//! - [`token`], [`client_auth`]: the token endpoint and its client authentication.
//! - [`userinfo`], [`revoke`], [`logout`]: the other endpoints.
//! - [`codes`], [`browser`]: authorization codes, browser sessions and CSRF tokens, in the
//!   store (so a login started on one instance finishes on another).
//! - [`errors`]: OAuth error bodies and redirects.
//! - [`idp_redirect`], [`idp_response`]: sign-in through the pool's identity providers (the
//!   redirect to the provider, and its answer at `/oauth2/idpresponse`).
//!
//! The managed login pages themselves are [`crate::pages`].

pub mod authorize;
pub mod browser;
pub mod client_auth;
pub mod codes;
pub mod errors;
pub mod host;
pub mod idp_redirect;
pub mod idp_response;
pub mod logout;
pub mod revoke;
pub mod saml_acs;
pub mod saml_logout;
pub mod saml_redirect;
pub mod site;
pub mod token;
pub mod token_exchange;
pub mod userinfo;

use axum::Router;
use axum::routing::{get, post};

use crate::state::Cognito;
use crate::store::Store;

/// Where the endpoints of domain `{domain}` are on the server's address.
pub const PATH_PREFIX: &str = "/domain";

/// The endpoints (the pages are [`crate::pages::routes`]).
pub fn routes<S: Store + Clone>(svc: Cognito<S>) -> Router {
    Router::new()
        .route("/domain/{domain}/oauth2/authorize", get(authorize::authorize::<S>))
        .route("/domain/{domain}/oauth2/token", post(token::token::<S>))
        .route("/domain/{domain}/oauth2/userInfo", get(userinfo::user_info::<S>).post(userinfo::user_info::<S>))
        .route("/domain/{domain}/oauth2/revoke", post(revoke::revoke::<S>))
        .route("/domain/{domain}/logout", get(logout::logout::<S>))
        .route("/domain/{domain}/oauth2/idpresponse", get(idp_response::idp_response::<S>))
        .route("/domain/{domain}/saml2/idpresponse", post(saml_acs::idp_response::<S>))
        .route("/domain/{domain}/saml2/logout", post(saml_logout::logout_response::<S>))
        .with_state(svc)
}
