//! `POST /` routed on `X-Amz-Target` to a generated dispatch function: the front, the SigV4 layer
//! when configured, and the endpoint, put together as an axum router.

use std::sync::Arc;

use tower_layer::Layer as _;

use crate::auth::AuthLayer;
use crate::config::ServerConfig;
use crate::endpoint::{Endpoint, EndpointService};
use crate::front::{Front, FrontService, Inner};
use crate::spec::ServiceSpec;

/// An axum router serving `state` through `spec` at `POST /`.
///
/// Every response carries `x-amzn-RequestId` and, for browser requests (with `Origin`) when CORS
/// is on, the CORS headers. Requests that are not `POST /`, lack a known `X-Amz-Target`, have an
/// unsupported content type or a body over the limit are answered with AWS-shaped 400 errors
/// before any handler runs; with SigV4 configured, signed operations are verified first (see
/// [`AuthLayer`]). [`ServiceSpec`] has an example.
pub fn router<S: Send + Sync + 'static>(spec: ServiceSpec<S>, state: Arc<S>, config: ServerConfig) -> axum::Router {
    let front = Arc::new(Front { info: spec.info, lookup: spec.auth, cors: config.cors.map(Arc::new) });
    let (info, lookup) = (spec.info, spec.auth);
    let endpoint = EndpointService { endpoint: Arc::new(Endpoint::new(spec, state, config.max_body_bytes)) };
    // One service per request path, no per-layer routing: the stub's overhead is measured
    // against a bare handler (bench/server.sh).
    let inner = match config.sigv4 {
        None => Inner::Plain(endpoint.endpoint),
        Some(sigv4) => Inner::Signed(AuthLayer::new(info, lookup, sigv4, config.max_body_bytes).layer(endpoint)),
    };
    let service = FrontService { front, inner };
    // `POST /` is the one real route; other paths reach the same service, which answers them
    // with AWS's error. Matching `/` directly costs less per request than falling back.
    axum::Router::new().route_service("/", service.clone()).fallback_service(service)
}
