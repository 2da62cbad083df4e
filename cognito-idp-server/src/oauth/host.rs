//! Requests addressed to a domain by `Host`: `{prefix}.auth.localhost`,
//! `{prefix}.auth.{region}.amazoncognito.com`, or a custom domain. They are rewritten to the
//! same endpoints under [`PATH_PREFIX`](super::PATH_PREFIX) before routing, and marked
//! [`HostMode`] so that pages link to AWS's paths.

use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::Response;

/// Marks a request that came in on a domain's own host name (links are then root-relative).
#[derive(Debug, Clone, Copy)]
pub struct HostMode;

/// The first path segments of the domain's endpoints and pages.
const DOMAIN_PATHS: [&str; 13] = [
    "oauth2",
    "saml2",
    "login",
    "logout",
    "signup",
    "confirm",
    "resendcode",
    "forgotPassword",
    "confirmForgotPassword",
    "challenge",
    "error",
    "passwordless",
    "passkey",
];

/// The domain a request's host names, if it names one: never for an IP address, `localhost`
/// or the API's own host names.
pub fn domain_of(host: &str) -> Option<&str> {
    if host.starts_with('[') {
        return None; // an IPv6 address
    }
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    if host.is_empty()
        || host.parse::<std::net::IpAddr>().is_ok()
        || host.eq_ignore_ascii_case("localhost")
        || !host.contains('.')
        || host.starts_with("cognito-idp.")
    {
        return None;
    }
    Some(host)
}

/// The middleware: rewrites `/oauth2/token` on host `x.auth.localhost` to
/// `/domain/x.auth.localhost/oauth2/token` (the site resolves the name).
pub async fn route(mut request: Request, next: Next) -> Response {
    let host = request.headers().get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let path = request.uri().path();
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    if let Some(domain) = host.as_deref().and_then(domain_of)
        && DOMAIN_PATHS.contains(&first)
    {
        let rewritten = match request.uri().query() {
            Some(query) => format!("{}/{domain}{path}?{query}", super::PATH_PREFIX),
            None => format!("{}/{domain}{path}", super::PATH_PREFIX),
        };
        if let Ok(uri) = rewritten.parse::<Uri>() {
            *request.uri_mut() = uri;
            request.extensions_mut().insert(HostMode);
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_domain_names_are_domains() {
        assert_eq!(domain_of("app.auth.localhost:9229"), Some("app.auth.localhost"));
        assert_eq!(domain_of("app.auth.us-east-1.amazoncognito.com"), Some("app.auth.us-east-1.amazoncognito.com"));
        assert_eq!(domain_of("auth.example.com"), Some("auth.example.com"));
        for api in [
            "127.0.0.1:9229",
            "localhost:9229",
            "localhost",
            "[::1]:9229",
            "cognito-idp.us-east-1.amazonaws.com",
            "cognito:9229",
            "",
        ] {
            assert_eq!(domain_of(api), None, "{api}");
        }
    }
}
