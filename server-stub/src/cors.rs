//! CORS: which pages may call ([`Cors`]), answering preflights, and marking responses readable
//! by the calling page.

use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::response::Response;

/// Cross-origin resource sharing, for browser SDKs (amazon-cognito-identity-js, Amplify) that
/// call the service from web pages.
///
/// ```
/// let cors = awsjson_server::Cors::default().allow_origins(["https://app.example.com"]);
/// assert!(cors.allows("https://app.example.com"));
/// assert!(!cors.allows("https://evil.example.com"));
/// assert!(awsjson_server::Cors::default().allows("https://anything.example"));
/// ```
#[derive(Clone, Debug)]
pub struct Cors {
    /// Origins allowed to call; `None` allows any (`Access-Control-Allow-Origin: *`).
    pub allowed_origins: Option<Vec<String>>,
    /// How long a browser may cache a preflight answer.
    pub max_age: Duration,
}

impl Default for Cors {
    fn default() -> Self {
        Cors { allowed_origins: None, max_age: Duration::from_secs(600) }
    }
}

impl Cors {
    /// Allows only these origins (exact match, e.g. `https://app.example.com`).
    pub fn allow_origins<I: IntoIterator<Item = S>, S: Into<String>>(mut self, origins: I) -> Self {
        self.allowed_origins = Some(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Whether a page from `origin` may call the service.
    pub fn allows(&self, origin: &str) -> bool {
        match &self.allowed_origins {
            None => true,
            Some(list) => list.iter().any(|o| o == origin),
        }
    }
}

/// Request headers a browser SDK sends when the preflight does not list its own.
const DEFAULT_ALLOWED_HEADERS: &str = "content-type, x-amz-target, x-amz-user-agent, x-amz-date, \
     x-amz-security-token, x-amz-content-sha256, authorization, amz-sdk-invocation-id, amz-sdk-request, cache-control";

/// Response headers a page may read (the SDKs read the request id and the error type).
const EXPOSED_HEADERS: &str = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date";

/// Whether a request is a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`).
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight: 200, empty, allowing `POST` with the headers asked for.
pub fn preflight(cors: &Cors, request_headers: &HeaderMap) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::OK;
    let origin = request_headers.get(header::ORIGIN);
    if !allow_origin(cors, origin, response.headers_mut()) {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST, OPTIONS"));
    let asked = request_headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        asked.unwrap_or_else(|| HeaderValue::from_static(DEFAULT_ALLOWED_HEADERS)),
    );
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(cors.max_age.as_secs()));
    response
}

/// Adds the headers that let the calling page read an actual (non-preflight) response.
pub fn decorate(cors: &Cors, origin: Option<&HeaderValue>, headers: &mut HeaderMap) {
    if allow_origin(cors, origin, headers) {
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
    }
}

/// Sets `Access-Control-Allow-Origin` when the origin may call; says whether it may.
fn allow_origin(cors: &Cors, origin: Option<&HeaderValue>, headers: &mut HeaderMap) -> bool {
    match (&cors.allowed_origins, origin) {
        (None, _) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            true
        }
        (Some(_), Some(origin)) if origin.to_str().is_ok_and(|o| cors.allows(o)) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preflight_headers(origin: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        h.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("POST"));
        h.insert(header::ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static("content-type,x-amz-target"));
        h
    }

    #[test]
    fn preflight_detection() {
        assert!(is_preflight(&Method::OPTIONS, &preflight_headers("https://a.example")));
        assert!(!is_preflight(&Method::OPTIONS, &HeaderMap::new()));
        assert!(!is_preflight(&Method::POST, &preflight_headers("https://a.example")));
    }

    #[test]
    fn any_origin_preflight_reflects_asked_headers() {
        let r = preflight(&Cors::default(), &preflight_headers("https://a.example"));
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS], "content-type,x-amz-target");
        assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "POST, OPTIONS");
        assert_eq!(r.headers()[header::ACCESS_CONTROL_MAX_AGE], "600");
    }

    #[test]
    fn listed_origins_only() {
        let cors = Cors::default().allow_origins(["https://app.example"]);
        let ok = preflight(&cors, &preflight_headers("https://app.example"));
        assert_eq!(ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example");
        assert_eq!(ok.headers()[header::VARY], "Origin");
        let refused = preflight(&cors, &preflight_headers("https://evil.example"));
        assert!(refused.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        assert!(refused.headers().get(header::ACCESS_CONTROL_ALLOW_METHODS).is_none());
        let mut headers = HeaderMap::new();
        decorate(&cors, None, &mut headers);
        assert!(headers.is_empty());
        decorate(&cors, Some(&HeaderValue::from_static("https://app.example")), &mut headers);
        assert!(headers[header::ACCESS_CONTROL_EXPOSE_HEADERS].to_str().unwrap().contains("x-amzn-RequestId"));
    }
}
