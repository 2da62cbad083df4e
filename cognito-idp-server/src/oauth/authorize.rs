//! The authorization endpoint, `GET /oauth2/authorize`, and what ends a sign-in through the
//! managed login pages: an authorization code, or (implicit grant) tokens, sent to the app.
//!
//! The request is checked in AWS's order: the client and redirect URI first (while either is
//! unknown, the browser goes to the domain's error page: nothing may be sent to an unverified
//! URI), then everything else, whose failures go back to the app's redirect URI with `error`
//! and `state`. A browser with a valid session (the `cognito` cookie) gets its code at once;
//! any other goes to the sign-in page with the same parameters.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::{Deserialize, Serialize};

use super::browser;
use super::codes::{self, Grant};
use super::errors::{found, redirect_with, to_error_page};
use super::host::HostMode;
use super::site::Site;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::app::App;
use crate::handlers::identity_providers::{self, IdentityProvider};
use crate::handlers::resource_servers;
use crate::handlers::sessions::tracking::Seen;
use crate::handlers::triggered::pre_token_generation::Source;
use crate::state::Cognito;
use crate::store::{Store, UserRecord};
use crate::tokens;

/// The parameters of an authorization request (AWS's developer guide, "Authorize endpoint"),
/// carried unchanged from page to page until the sign-in ends.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthorizeParams {
    /// `code` or `token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<String>,
    /// The app client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// One of the client's `CallbackURLs`, exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// Echoed to the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Space-separated scopes (the client's allowed scopes when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// PKCE (RFC 7636).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    /// `S256`, the only method Cognito takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_method: Option<String>,
    /// Copied into the id token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// `COGNITO`, or a provider of the client's `SupportedIdentityProviders`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// A provider identifier (federation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_identifier: Option<String>,
    /// The pages' language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// `login` (ask again even with a session), `none` (never ask), `select_account`,
    /// `consent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
}

impl AuthorizeParams {
    /// The parameters as a query string (without `?`), for the pages' links and forms.
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// A checked authorization request.
pub struct Authorization {
    /// The client (for the pages: [`App::browser`]).
    pub app: App,
    /// The request as given.
    pub params: AuthorizeParams,
    /// The verified redirect URI.
    pub redirect_uri: String,
    /// `response_type=token`.
    pub implicit: bool,
    /// The scopes to grant.
    pub scopes: Vec<String>,
    /// The provider the request names (`identity_provider`, or the one holding its
    /// `idp_identifier`), when it is not the pool's own users.
    pub provider: Option<IdentityProvider>,
}

impl Authorization {
    /// A refusal sent back to the app's (verified) redirect URI with `error` and
    /// `description`, and the request's `state`.
    pub fn refusal(&self, error: String, description: String) -> AppRefusal {
        AppRefusal {
            redirect_uri: self.redirect_uri.clone(),
            error,
            description,
            state: self.params.state.clone(),
            fragment: self.implicit,
        }
    }
}

/// An error for the app, with a code of any name (a provider's own `error` is passed on).
pub struct AppRefusal {
    redirect_uri: String,
    error: String,
    description: String,
    state: Option<String>,
    fragment: bool,
}

impl AppRefusal {
    /// The redirect.
    pub fn into_response(self, _site: &Site) -> Response {
        let mut pairs = vec![("error_description", self.description.as_str()), ("error", self.error.as_str())];
        if let Some(state) = &self.state {
            pairs.push(("state", state));
        }
        redirect_with(&self.redirect_uri, &pairs, self.fragment)
    }
}

/// Why an authorization request is refused.
#[derive(Debug)]
pub enum Refusal {
    /// To the domain's error page: the client or redirect URI could not be verified.
    ErrorPage {
        /// `redirect_mismatch`, `invalid_request`, ...
        error: &'static str,
        /// The client named, if any.
        client_id: Option<String>,
    },
    /// Back to the app's verified redirect URI.
    ToApp {
        /// Where.
        redirect_uri: String,
        /// The OAuth error code.
        error: &'static str,
        /// Why, in words.
        description: String,
        /// The request's `state`.
        state: Option<String>,
        /// In the fragment (implicit grant).
        fragment: bool,
    },
}

impl Refusal {
    /// The redirect.
    pub fn into_response(self, site: &Site) -> Response {
        match self {
            Refusal::ErrorPage { error, client_id } => to_error_page(&site.base, error, client_id.as_deref()),
            Refusal::ToApp { redirect_uri, error, description, state, fragment } => {
                let mut pairs = vec![("error_description", description.as_str()), ("error", error)];
                if let Some(state) = &state {
                    pairs.push(("state", state));
                }
                redirect_with(&redirect_uri, &pairs, fragment)
            }
        }
    }
}

/// The scopes that are not custom scopes (`resource-server/scope`).
pub const STANDARD_SCOPES: [&str; 5] = ["openid", "email", "phone", "profile", tokens::claims::ADMIN_SCOPE];

/// Checks an authorization request (see the module's documentation for the order).
pub async fn validate<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    params: AuthorizeParams,
) -> ApiResult<Result<Authorization, Refusal>> {
    let Some(client_id) = params.client_id.clone().filter(|c| !c.is_empty()) else {
        return Ok(Err(Refusal::ErrorPage { error: "invalid_request", client_id: None }));
    };
    let app = match App::browser(svc, site.pool.id(), &client_id).await {
        Ok(app) => app,
        Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => {
            return Ok(Err(Refusal::ErrorPage { error: "invalid_request", client_id: Some(client_id) }));
        }
        Err(e) => return Err(e),
    };
    let callbacks = app.client.callback_ur_ls.clone().unwrap_or_default();
    let Some(redirect_uri) = params.redirect_uri.clone().filter(|uri| callbacks.contains(uri)) else {
        return Ok(Err(Refusal::ErrorPage { error: "redirect_mismatch", client_id: Some(client_id) }));
    };
    let implicit = params.response_type.as_deref() == Some("token");
    let refuse = |error: &'static str, description: &str| {
        Ok(Err(Refusal::ToApp {
            redirect_uri: redirect_uri.clone(),
            error,
            description: description.to_owned(),
            state: params.state.clone(),
            fragment: implicit,
        }))
    };
    if app.client.allowed_o_auth_flows_user_pool_client != Some(true) {
        return refuse("unauthorized_client", "Client is not enabled for OAuth2.0 flows.");
    }
    let flow = match params.response_type.as_deref() {
        None | Some("") => return refuse("invalid_request", "response_type is required"),
        Some("code") => "code",
        Some("token") => "implicit",
        Some(_) => return refuse("unsupported_response_type", "response_type must be code or token"),
    };
    let flows = app.client.allowed_o_auth_flows.clone().unwrap_or_default();
    if !flows.iter().any(|f| f.as_str() == flow) {
        return refuse("unauthorized_client", "Client is not allowed this response_type.");
    }
    let allowed = app.client.allowed_o_auth_scopes.clone().unwrap_or_default();
    let scopes: Vec<String> = match params.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) => {
            let mut scopes: Vec<String> = Vec::new();
            for scope in asked.split([' ', '+']).filter(|s| !s.is_empty()) {
                if !allowed.iter().any(|a| a == scope) {
                    return refuse("invalid_scope", &format!("{scope} is not an allowed scope for this client"));
                }
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
            scopes
        }
        None => allowed,
    };
    // A custom scope whose resource server was deleted since the client was set up.
    let custom: Vec<&String> = scopes.iter().filter(|s| !STANDARD_SCOPES.contains(&s.as_str())).collect();
    if !custom.is_empty() {
        let known = resource_servers::custom_scopes(svc, site.pool.id()).await?;
        if let Some(unknown) = custom.iter().find(|s| !known.contains(s)) {
            return refuse("invalid_scope", &format!("{unknown} does not exist"));
        }
    }
    if !implicit && let Some(challenge) = params.code_challenge.as_deref() {
        match params.code_challenge_method.as_deref() {
            Some("S256") => {}
            None => return refuse("invalid_request", "code_challenge_method is required with code_challenge"),
            Some(_) => return refuse("invalid_request", "code_challenge_method must be S256"),
        }
        let well_formed = (43..=128).contains(&challenge.len())
            && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return refuse("invalid_request", "code_challenge is malformed");
        }
    }
    let providers = app.client.supported_identity_providers.clone().unwrap_or_default();
    let unavailable = "Login option is not available. Please try another one";
    let mut provider = None;
    match (params.identity_provider.as_deref().filter(|p| !p.is_empty()), params.idp_identifier.as_deref()) {
        (Some("COGNITO"), _) if providers.iter().any(|p| p == "COGNITO") => {}
        (Some(name), _) if name != "COGNITO" && providers.iter().any(|p| p == name) => {
            match identity_providers::get(svc, site.pool.id(), name).await {
                Ok(found) => provider = Some(found.value),
                Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => {
                    return refuse("invalid_request", unavailable);
                }
                Err(e) => return Err(e),
            }
        }
        (Some(_), _) => return refuse("invalid_request", unavailable),
        (None, Some(identifier)) if !identifier.is_empty() => {
            match identity_providers::by_identifier(svc, site.pool.id(), identifier).await? {
                Some(found) if providers.iter().any(|p| p == found.name()) => provider = Some(found),
                _ => return refuse("invalid_request", unavailable),
            }
        }
        // The sign-in page offers the password form (COGNITO) and the client's providers.
        _ if !providers.is_empty() => {}
        _ => return refuse("invalid_request", unavailable),
    }
    if let Some(prompt) = params.prompt.as_deref()
        && !["login", "none", "select_account", "consent"].contains(&prompt)
    {
        return refuse("invalid_request", "prompt must be login, none, select_account or consent");
    }
    Ok(Ok(Authorization { app, params, redirect_uri, implicit, scopes, provider }))
}

/// `GET /oauth2/authorize`.
pub async fn authorize<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    let result: ApiResult<Response> = async {
        let Some(site) = Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let auth = match validate(&svc, &site, params).await? {
            Ok(auth) => auth,
            Err(refusal) => return Ok(refusal.into_response(&site)),
        };
        if let Some(provider) = &auth.provider {
            let started =
                super::idp_redirect::start(&svc, &site, &headers, provider, &auth.app.client_id, auth.params.query())
                    .await?;
            return Ok(match started {
                Ok(redirect) => redirect,
                Err(failure) => auth.refusal(failure.error, failure.description).into_response(&site),
            });
        }
        let prompt = auth.params.prompt.clone();
        if prompt.as_deref() != Some("login")
            && let Some(signed_in) = browser::current(&svc, &site, &jar).await?
            && browser::reusable(&svc, &site, &auth.app.client_id, &signed_in).await?
        {
            let sso = signed_in.sso_session_id.as_deref();
            return complete_from(&svc, &auth, &signed_in.user, signed_in.auth_time, sso).await;
        }
        if prompt.as_deref() == Some("none") {
            let refusal = Refusal::ToApp {
                redirect_uri: auth.redirect_uri.clone(),
                error: "login_required",
                description: "The user is not signed in.".into(),
                state: auth.params.state.clone(),
                fragment: auth.implicit,
            };
            return Ok(refusal.into_response(&site));
        }
        Ok(found(&format!("{}?{}", site.link("/login"), auth.params.query())))
    }
    .await;
    result.unwrap_or_else(server_error)
}

/// A failure of the store or the keys, as a page.
pub fn server_error(e: ApiError) -> Response {
    tracing::error!(code = e.code.as_str(), message = %e.message, "managed login failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "An error was encountered with the requested page.").into_response()
}

/// Ends a fresh sign-in of `user` in a browser `seen` as it is, however the user proved who
/// they are (a password and its challenges on the managed login pages, an identity provider's
/// answer): starts the browser's managed login session, an SSO session too in a pool that
/// tracks user sessions, and sends the app its code or tokens, whose token session names that
/// SSO session as its origin. The one way every browser sign-in ends, so each records the same
/// sessions. The cookie goes in `jar`, which comes back with the redirect; `kept` is what the
/// browser session keeps besides (a SAML provider's session, for single logout).
pub async fn signed_in<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    auth: &Authorization,
    user: &UserRecord,
    seen: &Seen,
    jar: CookieJar,
    kept: serde_json::Map<String, serde_json::Value>,
) -> ApiResult<Response> {
    let now = svc.clock.now_ms() / 1000;
    let (cookie, sso) = browser::start(svc, site, &auth.app.client_id, user, now, seen, kept).await?;
    let redirect = complete_from(svc, auth, user, now, sso.as_deref()).await?;
    Ok((jar.add(cookie), redirect).into_response())
}

/// Ends a sign-in for `user` (authenticated at `auth_time`): the code, or the implicit grant's
/// tokens, to the app's redirect URI with the request's `state`. `sso_session` is the SSO
/// session it came through in a pool that tracks user sessions: the tokens' session names it
/// as its origin. A fresh sign-in goes through [`signed_in`]; this alone is for a browser
/// session reused.
pub async fn complete_from<S: Store>(
    svc: &Cognito<S>,
    auth: &Authorization,
    user: &UserRecord,
    auth_time: i64,
    sso_session: Option<&str>,
) -> ApiResult<Response> {
    let state = auth.params.state.as_deref();
    if auth.implicit {
        let grant = tokens::OAuthGrant {
            scopes: &auth.scopes,
            nonce: auth.params.nonce.as_deref(),
            auth_time_s: auth_time,
            with_refresh: false,
            source: Source::HostedAuth,
            seen: Seen::default(),
            origin_session_id: sso_session,
        };
        let result = tokens::issue_oauth(svc, &auth.app.pool, &auth.app.client, user, &grant).await?;
        let expires_in = result.expires_in.unwrap_or_default().to_string();
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(id) = result.id_token.as_deref() {
            pairs.push(("id_token", id));
        }
        pairs.push(("access_token", result.access_token.as_deref().unwrap_or_default()));
        pairs.push(("expires_in", &expires_in));
        pairs.push(("token_type", "Bearer"));
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        return Ok(redirect_with(&auth.redirect_uri, &pairs, true));
    }
    let grant = Grant {
        kind: String::new(),
        redirect_uri: auth.redirect_uri.clone(),
        scopes: auth.scopes.clone(),
        code_challenge: auth.params.code_challenge.clone(),
        nonce: auth.params.nonce.clone(),
        auth_time,
        sub: user.sub.clone(),
        sso_session: sso_session.map(str::to_owned),
    };
    let code = codes::issue(svc, auth.app.pool.id(), &auth.app.client_id, &user.username_key, grant).await?;
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    Ok(redirect_with(&auth.redirect_uri, &pairs, false))
}
