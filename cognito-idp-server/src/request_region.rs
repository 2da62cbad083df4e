//! The region a request is for, and its operation, for the handlers below the trait (which are
//! given only the input): set by the `operations!` table around each handler.
//!
//! A request is for the region its SigV4 signature's credential scope names (the SDKs sign for
//! the region they are configured with), else the region of the AWS endpoint it is addressed to
//! (`Host: cognito-idp.eu-west-1.amazonaws.com`, which unsigned operations such as
//! `InitiateAuth` carry), else the server's own. A pool replicated to another region answers
//! there (`handlers::replicas`).

use std::future::Future;

use axum::http::{self as http, HeaderMap};

/// The region and operation of the request being handled.
#[derive(Debug, Clone)]
pub struct RequestRegion {
    /// The region named by the request, if it names one.
    pub region: Option<String>,
    /// The operation (`InitiateAuth`).
    pub operation: &'static str,
}

tokio::task_local! {
    static CURRENT: RequestRegion;
}

/// The region `headers` name: the SigV4 credential scope's, else an AWS endpoint host's.
pub fn of(headers: &HeaderMap) -> Option<String> {
    let scope = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .and_then(|credential| credential.split('/').nth(2))
        .filter(|region| !region.is_empty());
    if let Some(region) = scope {
        return Some(region.to_owned());
    }
    let host = headers.get(http::header::HOST).and_then(|v| v.to_str().ok())?;
    let host = host.split(':').next().unwrap_or(host);
    let rest = host.strip_prefix("cognito-idp.").or_else(|| host.strip_prefix("cognito-idp-fips."))?;
    let region = rest.strip_suffix(".amazonaws.com").or_else(|| rest.strip_suffix(".amazonaws.com.cn"))?;
    (!region.is_empty() && !region.contains('.')).then(|| region.to_owned())
}

/// Runs `handler` with `request` as the current request's region.
pub async fn scope<F: Future>(request: RequestRegion, handler: F) -> F::Output {
    CURRENT.scope(request, handler).await
}

/// The current request's region and operation; `None` outside a request (start-up, the
/// background runners, the pages and OAuth endpoints).
pub fn current() -> Option<RequestRegion> {
    CURRENT.try_with(Clone::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (http::HeaderName::from_static(k), v.parse().unwrap())).collect()
    }

    #[test]
    fn the_signature_then_the_host_names_the_region() {
        let signed = "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host";
        assert_eq!(
            of(&headers(&[("authorization", signed), ("host", "127.0.0.1:9229")])).as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(of(&headers(&[("host", "cognito-idp.ap-south-1.amazonaws.com")])).as_deref(), Some("ap-south-1"));
        assert_eq!(of(&headers(&[("host", "127.0.0.1:9229")])), None);
        assert_eq!(of(&headers(&[("host", "auth.example.com")])), None);
    }
}
