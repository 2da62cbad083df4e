//! What generated code tells the runtime about a service: its protocol facts, how to run an
//! operation, and how each operation authenticates.

use std::sync::Arc;

use awsjson_types::{AuthScheme, ServiceInfo};

use crate::context::RequestContext;
use crate::future::BoxFuture;
use crate::invoke::RequestBody;
use crate::response::Response;

/// A generated dispatch function: runs the context's operation on the service with a request body.
pub type Dispatch<S> = fn(Arc<S>, RequestContext, RequestBody) -> BoxFuture<'static, Response>;

/// A service's operations by name: the name as a `'static` string and how the operation
/// authenticates (`None` for names that are not operations). Generated per service.
pub type AuthLookup = fn(&str) -> Option<(&'static str, AuthScheme)>;

/// What generated code tells the runtime about a service, handed to [`router`](crate::router).
///
/// A hand-written service (here with one operation, `Ping`) fills it in as generated code does:
///
/// ```
/// use std::sync::Arc;
/// use awsjson_server::{AuthScheme, BoxFuture, RequestBody, RequestContext, Response, ServiceSpec};
/// use awsjson_types::ServiceInfo;
///
/// static INFO: ServiceInfo = ServiceInfo {
///     name: "ping",
///     title: "Ping",
///     api_version: None,
///     target_prefix: "PingService",
///     signing_name: "ping",
///     endpoint_prefix: "ping",
///     content_type: "application/x-amz-json-1.1",
///     validation_error: "ValidationException",
/// };
///
/// struct Pinger;
///
/// fn dispatch(_: Arc<Pinger>, _: RequestContext, _: RequestBody) -> BoxFuture<'static, Response> {
///     Box::pin(async { Response::new("{}".into()) })
/// }
///
/// fn auth(name: &str) -> Option<(&'static str, AuthScheme)> {
///     (name == "Ping").then_some(("Ping", AuthScheme::None))
/// }
///
/// let spec = ServiceSpec { info: &INFO, dispatch, auth };
/// let app: awsjson_server::axum::Router =
///     awsjson_server::router(spec, Arc::new(Pinger), Default::default());
/// ```
pub struct ServiceSpec<S> {
    /// The service's protocol facts.
    pub info: &'static ServiceInfo,
    /// Runs the operation the request context names.
    pub dispatch: Dispatch<S>,
    /// Each operation's `'static` name and auth scheme (`None` for names that are not
    /// operations).
    pub auth: AuthLookup,
}
