//! What every page starts from: the site the request reached, the authorization request it
//! carries (checked as the authorization endpoint checks it), and the browser's CSRF token;
//! [`serve`] opens a page's request and answers what the page's own handler does not.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;

use crate::errors::ApiResult;
use crate::handlers::sessions::tracking::Seen;
use crate::oauth::authorize::{self, Authorization, AuthorizeParams};
use crate::oauth::browser;
use crate::oauth::host::HostMode;
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
    /// Where the browser is (its `User-Agent`), for a tracked SSO session.
    pub seen: Seen,
}

impl Page {
    /// The page's own path with the authorization request's query (where its forms post).
    pub fn action(&self, path: &str) -> String {
        format!("{}?{}", self.site.link(path), self.auth.params.query())
    }
}

/// What every page's request carries before its form: the domain (path), whether it came in on
/// the domain's own host name, the headers, the cookies and the authorization request (query).
pub struct PageRequest {
    domain: String,
    host_mode: bool,
    headers: HeaderMap,
    jar: CookieJar,
    params: AuthorizeParams,
}

impl<T: Send + Sync> FromRequestParts<T> for PageRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &T) -> Result<Self, Self::Rejection> {
        let Path(domain) =
            Path::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Query(params) =
            Query::<AuthorizeParams>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let host_mode = parts.extensions.get::<HostMode>().is_some();
        let jar = CookieJar::from_headers(&parts.headers);
        Ok(PageRequest { domain, host_mode, headers: parts.headers.clone(), jar, params })
    }
}

/// Serves a page: `handler` runs on the opened page ([`open`]); an unknown domain or a refused
/// authorization request is answered as [`open`] says without it, and an internal error with the
/// server-error page ([`authorize::server_error`]), the same for every page.
pub async fn serve<S: Store>(
    svc: &Cognito<S>,
    request: PageRequest,
    handler: impl AsyncFnOnce(Page) -> ApiResult<Response>,
) -> Response {
    let result = match open(svc, request).await {
        Ok(Ok(page)) => handler(page).await,
        Ok(Err(response)) => Ok(response),
        Err(e) => Err(e),
    };
    result.unwrap_or_else(authorize::server_error)
}

/// Resolves a page's site and authorization request: `Err(response)` for an unknown domain
/// (404) or a request the authorization endpoint would refuse (the same redirect).
pub async fn open<S: Store>(svc: &Cognito<S>, request: PageRequest) -> ApiResult<Result<Page, Response>> {
    let PageRequest { domain, host_mode, headers, jar, params } = request;
    let Some(site) = Site::resolve(svc, &domain, host_mode, &headers).await? else {
        return Ok(Err(StatusCode::NOT_FOUND.into_response()));
    };
    let auth = match authorize::validate(svc, &site, params).await? {
        Ok(auth) => auth,
        Err(refusal) => return Ok(Err(refusal.into_response(&site))),
    };
    let (csrf, jar) = browser::csrf_token(svc, &site, jar).await?;
    let seen = Seen::from_parts(&headers, None);
    Ok(Ok(Page { site, auth, csrf, jar, seen }))
}

/// Checks a form's CSRF field: `false` when it is missing, not the browser's, or expired.
pub async fn csrf_ok<S: Store>(svc: &Cognito<S>, page: &Page, field: Option<&str>) -> ApiResult<bool> {
    browser::check_csrf(svc, &page.site, &page.jar, field).await
}
