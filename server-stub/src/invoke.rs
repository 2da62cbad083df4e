//! One request through one operation: parse, validate, handle, encode.

use std::fmt;
use std::future::Future;

use awsjson_types::{ModeledError, Operation, Validate, ValidationError};
use bytes::Bytes;
use http::StatusCode;

use crate::context::RequestContext;
use crate::response::{Response, body_too_large, client_error, error_response, internal_error, json_response};

/// Why a request body is not a valid input of an operation: the error code AWS answers and the
/// message. Messages never quote sensitive values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Not JSON, not an object, or JSON values of the wrong type (`SerializationException`).
    Serialization(String),
    /// Well-typed, but breaking model constraints; the message lists every violation (answered
    /// with the service's validation error, `InvalidParameterException` for Cognito).
    Constraints(String),
}

impl InputError {
    /// The error code to answer, given the service's validation error code.
    pub fn code(&self, validation_error: &'static str) -> &'static str {
        match self {
            InputError::Serialization(_) => "SerializationException",
            InputError::Constraints(_) => validation_error,
        }
    }

    /// The message, as AWS words it.
    pub fn message(&self) -> &str {
        match self {
            InputError::Serialization(m) | InputError::Constraints(m) => m,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for InputError {}

/// Parses and validates a request body as the input of operation `O`.
///
/// An empty (or all-whitespace) body counts as `{}`, as AWS treats it. A valid body is parsed
/// straight into the typed input, each value checked against the model as it is read
/// ([`awsjson_types::parse_checked`]); any other body is parsed into a JSON value, checked
/// against the model (types first, then every constraint, all violations listed), and only then
/// turned into the typed input.
pub fn parse_input<O: Operation>(body: &[u8]) -> Result<O::Input, InputError> {
    // Fast path for the usual, valid request: parse straight into the typed input, checking
    // every value as it is read, with no intermediate JSON value. Anything the check cannot
    // vouch for takes the full path below, which finds and words every problem.
    let shape = <O::Input as Validate>::shape();
    if let Some(input) = awsjson_types::parse_checked(shape, body) {
        return Ok(input);
    }
    let value: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        // serde_json's syntax errors name a position, never the text around it.
        serde_json::from_slice(body).map_err(|e| InputError::Serialization(format!("Malformed JSON: {e}")))?
    };
    match awsjson_types::validate(shape, &value) {
        Ok(()) => {}
        Err(ValidationError::Serialization(e)) => return Err(InputError::Serialization(e.message)),
        Err(ValidationError::Constraints(v)) => return Err(InputError::Constraints(v.to_string())),
    }
    // Validation took a null list element or map value as absent; so does the typed parse.
    let mut value = value;
    awsjson_types::drop_nulls(shape, &mut value);
    // Validation has checked every type, so this only fails on a model/validator mismatch;
    // serde's message would quote the value (possibly a password), so it is not passed on.
    serde_json::from_value(value)
        .map_err(|_| InputError::Serialization("The request body does not match the operation's input".into()))
}

/// Encodes an answer: into a per-thread buffer that keeps its size between requests, then
/// copied once into an allocation of the exact size (growing a fresh vector, and handing a
/// vector with spare room to `Bytes`, cost more allocations per request, as measured).
fn encode<T: serde::Serialize>(output: &T) -> Result<Bytes, serde_json::Error> {
    /// A buffer that grew past this is let go after use rather than kept for the thread.
    const KEEP: usize = 64 * 1024;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|cell| {
        // Serializing never re-enters here; should it, a fresh buffer serves.
        let mut fresh = Vec::new();
        let mut borrowed = cell.try_borrow_mut();
        let buffer = match borrowed.as_deref_mut() {
            Ok(buffer) => buffer,
            Err(_) => &mut fresh,
        };
        buffer.clear();
        let written = serde_json::to_writer(&mut *buffer, output).map(|()| Bytes::copy_from_slice(buffer));
        if buffer.capacity() > KEEP {
            *buffer = Vec::new();
        }
        written
    })
}

/// A request's body, read when its operation runs, up to a size limit.
///
/// ```
/// # tokio_test_block_on(async {
/// use awsjson_server::RequestBody;
///
/// let body = RequestBody::new(r#"{"Username":"diego"}"#, 1024);
/// assert_eq!(body.read().await.unwrap(), r#"{"Username":"diego"}"#);
/// assert!(RequestBody::new("too long", 4).read().await.is_err());
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub struct RequestBody {
    body: axum::body::Body,
    limit: usize,
}

impl RequestBody {
    /// A body of at most `limit` bytes.
    pub fn new(body: impl Into<axum::body::Body>, limit: usize) -> Self {
        RequestBody { body: body.into(), limit }
    }

    /// The whole body; `Err` with the limit when it is larger or cannot be read.
    ///
    /// A body that arrives in one piece (the usual case) is returned as it is, with no
    /// allocation; pieces are joined into one buffer.
    pub async fn read(self) -> Result<Bytes, usize> {
        use http_body_util::BodyExt as _;
        let RequestBody { mut body, limit } = self;
        let mut first: Option<Bytes> = None;
        let mut joined: Option<bytes::BytesMut> = None;
        let mut total = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(|_| limit)?.into_data() else { continue };
            total = total.saturating_add(data.len());
            if total > limit {
                return Err(limit);
            }
            match (&mut first, &mut joined) {
                (None, None) => first = Some(data),
                (Some(_), None) => {
                    let mut buffer = bytes::BytesMut::from(first.take().unwrap_or_default());
                    buffer.extend_from_slice(&data);
                    joined = Some(buffer);
                }
                (_, Some(buffer)) => buffer.extend_from_slice(&data),
            }
        }
        Ok(joined.map(bytes::BytesMut::freeze).or(first).unwrap_or_default())
    }
}

impl From<Bytes> for RequestBody {
    /// A body already read: no limit applies.
    fn from(bytes: Bytes) -> Self {
        RequestBody::new(bytes, usize::MAX)
    }
}

/// Runs `handler` for operation `O` on a request body.
///
/// The body is read (an oversized one answers `SerializationException`), then parsed and
/// validated by [`parse_input`] before the handler runs: wrong JSON types answer
/// `SerializationException`, broken constraints answer the service's validation error listing
/// every violation. The handler's output is sent as JSON with 200; its error as
/// `{"__type", "message", ...}` with 400, or 500 for server faults.
///
/// Generated dispatch functions call it once per operation, with the trait method as `handler`.
/// For an operation `Ping` (a marker type implementing [`Operation`], whose input has a required
/// `Text` member):
///
/// ```
/// # use awsjson_types::{AuthScheme, Empty, ErrorVariant, Member, ModeledError, Operation, ServiceInfo, Shape, ShapeKind, StringRules, UnhandledError, Validate};
/// # static SERVICE: ServiceInfo = ServiceInfo { name: "ping", title: "Ping", api_version: None, target_prefix: "PingService", signing_name: "ping", endpoint_prefix: "ping", content_type: "application/x-amz-json-1.1", validation_error: "ValidationException" };
/// # static TEXT: Shape = Shape { name: "Text", sensitive: false, kind: ShapeKind::String(StringRules { min: Some(1), max: None, pattern: None, values: None }) };
/// # static PING_REQUEST: Shape = Shape { name: "PingRequest", sensitive: false, kind: ShapeKind::Structure { members: &[Member { name: "Text", target: &TEXT, required: true }] } };
/// # use awsjson_types::structure::{self, MemberWriter, ReadMembers, WriteMembers};
/// # #[derive(Default)]
/// # struct PingRequest { text: String }
/// # impl ReadMembers for PingRequest {
/// #     const NAME: &'static str = "PingRequest";
/// #     const MEMBERS: &'static [&'static str] = &["Text"];
/// #     fn read_member<'de, A: serde::de::MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
/// #         match name { "Text" => structure::read(map, &mut self.text), _ => structure::skip(map) }
/// #     }
/// # }
/// # impl WriteMembers for PingRequest {
/// #     const NAME: &'static str = "PingRequest";
/// #     fn write_members<W: MemberWriter>(&self, w: &mut W) { w.member("Text", "text", &self.text); }
/// # }
/// # impl<'de> serde::Deserialize<'de> for PingRequest {
/// #     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> { structure::deserialize(d) }
/// # }
/// # impl serde::Serialize for PingRequest {
/// #     fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { structure::serialize(self, s) }
/// # }
/// # impl Validate for PingRequest { fn shape() -> &'static Shape { &PING_REQUEST } }
/// # #[derive(Debug)]
/// # struct PingError(UnhandledError);
/// # impl std::fmt::Display for PingError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) } }
/// # impl std::error::Error for PingError {}
/// # impl ModeledError for PingError {
/// #     fn from_body(code: &str, body: &serde_json::Value) -> Self { PingError(UnhandledError::from_body(code, body)) }
/// #     fn unhandled(error: UnhandledError) -> Self { PingError(error) }
/// #     fn variant(&self) -> ErrorVariant<'_> { ErrorVariant::Unhandled(&self.0) }
/// # }
/// # struct Ping;
/// # impl Operation for Ping {
/// #     const NAME: &'static str = "Ping";
/// #     const AUTH: AuthScheme = AuthScheme::None;
/// #     const PAGINATION: Option<awsjson_types::Pagination> = None;
/// #     type Input = PingRequest;
/// #     type Output = Empty;
/// #     type Error = PingError;
/// #     fn service() -> &'static ServiceInfo { &SERVICE }
/// # }
/// use awsjson_server::{Bytes, RequestContext, invoke};
///
/// async fn ping(_ctx: RequestContext, input: PingRequest) -> Result<Empty, PingError> {
///     println!("ping: {}", input.text);
///     Ok(Empty {})
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let ok = invoke::<Ping, _, _>(RequestContext::new("Ping"), Bytes::from(r#"{"Text":"hi"}"#), ping).await;
/// assert_eq!(ok.status(), 200);
/// // The handler never sees an input that breaks the model.
/// let refused = invoke::<Ping, _, _>(RequestContext::new("Ping"), Bytes::from(r#"{"Text":""}"#), ping).await;
/// assert_eq!(refused.status(), 400);
/// assert_eq!(refused.headers()["x-amzn-ErrorType"], "ValidationException");
/// # });
/// ```
///
/// [`Operation`]: awsjson_types::Operation
pub async fn invoke<O, F, Fut>(ctx: RequestContext, body: impl Into<RequestBody>, handler: F) -> Response
where
    O: Operation,
    F: FnOnce(RequestContext, O::Input) -> Fut,
    Fut: Future<Output = Result<O::Output, O::Error>>,
{
    let service = O::service();
    let content_type = service.content_type;
    let body = match body.into().read().await {
        Ok(body) => body,
        Err(limit) => return body_too_large(content_type, limit),
    };
    let input = match parse_input::<O>(&body) {
        Ok(input) => input,
        Err(e) => {
            tracing::debug!(error = %e, "invalid input");
            return client_error(content_type, e.code(service.validation_error), e.message());
        }
    };
    match handler(ctx, input).await {
        Ok(output) => match encode(&output) {
            Ok(bytes) => json_response(StatusCode::OK, content_type, bytes),
            Err(e) => {
                tracing::error!(error = %e, "cannot encode the output");
                internal_error(content_type, "The service could not encode its answer")
            }
        },
        Err(error) => error_response(content_type, error.fault(), error.code(), error.to_body()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use super::*;

    /// A body that arrives in the given pieces.
    struct Pieces(VecDeque<&'static str>);

    impl http_body::Body for Pieces {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
            Poll::Ready(
                self.0.pop_front().map(|piece| Ok(http_body::Frame::data(Bytes::from_static(piece.as_bytes())))),
            )
        }
    }

    fn read(pieces: &[&'static str], limit: usize) -> Result<Bytes, usize> {
        let body = RequestBody::new(axum::body::Body::new(Pieces(pieces.iter().copied().collect())), limit);
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(body.read())
    }

    #[test]
    fn bodies_in_pieces_are_joined_within_the_limit() {
        assert_eq!(read(&[], 10).unwrap(), "");
        assert_eq!(read(&["{}"], 10).unwrap(), "{}");
        assert_eq!(read(&["{\"a\"", ":", "1}"], 10).unwrap(), "{\"a\":1}");
        assert_eq!(read(&["12345", "67890"], 10).unwrap(), "1234567890");
        assert_eq!(read(&["12345", "67890", "1"], 10), Err(10));
        assert_eq!(read(&["12345678901"], 10), Err(10));
    }

    #[test]
    fn answers_are_encoded_exactly() {
        let value = serde_json::json!({"Username": "diego", "Enabled": true});
        let first = encode(&value).unwrap();
        assert_eq!(first, serde_json::to_vec(&value).unwrap());
        // The shared buffer starts clean for the next answer, and big answers do not stick.
        let big = "x".repeat(100_000);
        assert_eq!(encode(&big).unwrap().len(), 100_002);
        assert_eq!(encode(&value).unwrap(), first);
    }
}
