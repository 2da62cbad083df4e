//! What the `X-Amz-Target` header names, and what the front found out about a request: shared by
//! the front, the SigV4 layer and the endpoint, which all need the operation a request is for.

use awsjson_types::ServiceInfo;
use http::HeaderMap;

use crate::context::RequestId;

/// `X-Amz-Target`, parsed once.
pub(crate) const X_AMZ_TARGET: http::HeaderName = http::HeaderName::from_static("x-amz-target");

/// The operation an `X-Amz-Target` header names, when it has the service's prefix.
pub(crate) fn operation_of<'h>(service: &ServiceInfo, headers: &'h HeaderMap) -> Option<&'h str> {
    let target = headers.get(X_AMZ_TARGET)?.to_str().ok()?;
    target.strip_prefix(service.target_prefix)?.strip_prefix('.')
}

/// What the front found out, handed to the inner services directly or, when a layer runs in
/// between, in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Routed {
    /// The id of this request.
    pub request_id: RequestId,
    /// The operation the target names, when it is one of the service's.
    pub operation: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    static INFO: ServiceInfo = ServiceInfo {
        name: "svc",
        title: "Svc",
        api_version: None,
        target_prefix: "SvcPrefix",
        signing_name: "svc",
        endpoint_prefix: "svc",
        content_type: "application/x-amz-json-1.1",
        validation_error: "ValidationException",
    };

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (http::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn targets_need_the_prefix_and_a_dot() {
        assert_eq!(operation_of(&INFO, &headers(&[("x-amz-target", "SvcPrefix.Op")])), Some("Op"));
        assert_eq!(operation_of(&INFO, &headers(&[("x-amz-target", "SvcPrefixOp")])), None);
        assert_eq!(operation_of(&INFO, &headers(&[("x-amz-target", "Other.Op")])), None);
        assert_eq!(operation_of(&INFO, &headers(&[])), None);
    }
}
