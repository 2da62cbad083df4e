//! What every page starts from: the site the request reached, the authorization request it
//! carries (checked as the authorization endpoint checks it), and the browser's CSRF token.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use crate::errors::ApiResult;
use crate::oauth::authorize::{self, Authorization, AuthorizeParams};
use crate::oauth::browser;
use crate::oauth::site::Site;
use crate::state::Cognito;
use crate::store::Store;

/// A page's request, checked.
pub struct Page {
    /// The domain.
    pub site: Site,
    /// The authorization request the sign-in is for.
    pub auth: Authorization,
    /// The CSRF token for the page's forms.
    pub csrf: String,
    /// The browser's cookies, with any the page sets.
    pub jar: CookieJar,
}

impl Page {
    /// The page's own path with the authorization request's query (where its forms post).
    pub fn action(&self, path: &str) -> String {
        format!("{}?{}", self.site.link(path), self.auth.params.query())
    }
}

/// Resolves a page's site and authorization request: `Err(response)` for an unknown domain
/// (404) or a request the authorization endpoint would refuse (the same redirect).
pub async fn open<S: Store>(
    svc: &Cognito<S>,
    domain: &str,
    host_mode: bool,
    headers: &HeaderMap,
    jar: CookieJar,
    params: AuthorizeParams,
) -> ApiResult<Result<Page, Response>> {
    let Some(site) = Site::resolve(svc, domain, host_mode, headers).await? else {
        return Ok(Err(StatusCode::NOT_FOUND.into_response()));
    };
    let auth = match authorize::validate(svc, &site, params).await? {
        Ok(auth) => auth,
        Err(refusal) => return Ok(Err(refusal.into_response(&site))),
    };
    let (csrf, jar) = browser::csrf_token(svc, &site, jar).await?;
    Ok(Ok(Page { site, auth, csrf, jar }))
}

/// Checks a form's CSRF field: `false` when it is missing, not the browser's, or expired.
pub async fn csrf_ok<S: Store>(svc: &Cognito<S>, page: &Page, field: Option<&str>) -> ApiResult<bool> {
    browser::check_csrf(svc, &page.site, &page.jar, field).await
}
