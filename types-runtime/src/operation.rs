//! What generated code says about a service and each of its operations, for the client and server
//! runtimes to act on.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::ModeledError;
use crate::validate::Validate;

/// Protocol facts of a service, from its service description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Short name, e.g. `cognito-idp`.
    pub name: &'static str,
    /// Human title, e.g. `Amazon Cognito Identity Provider`.
    pub title: &'static str,
    /// The API version the model describes, e.g. `2016-04-18`, when the model names one.
    pub api_version: Option<&'static str>,
    /// `X-Amz-Target` prefix: the header is `<prefix>.<Operation>`.
    pub target_prefix: &'static str,
    /// SigV4 signing name.
    pub signing_name: &'static str,
    /// Host prefix of regional endpoints: `https://<prefix>.<region>.amazonaws.com/`.
    pub endpoint_prefix: &'static str,
    /// `application/x-amz-json-1.1` or `-1.0`.
    pub content_type: &'static str,
    /// The error code a server answers when input breaks the model's constraints
    /// (`InvalidParameterException` for Cognito, `ValidationException` for most services).
    pub validation_error: &'static str,
}

/// How callers authenticate an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// Signed with AWS credentials (SigV4).
    SigV4,
    /// Public: no AWS signature (the caller presents tokens, codes or a client id instead).
    None,
}

/// Members that link the pages of a paginated operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// Input member carrying the token of the page to fetch.
    pub input_token: &'static str,
    /// Output member carrying the token of the next page (absent on the last page).
    pub output_token: &'static str,
    /// Input member bounding the page size.
    pub limit_key: Option<&'static str>,
    /// Output member holding the page's items.
    pub items: Option<&'static str>,
}

/// One operation of a service, implemented by a generated marker type. The client and server
/// runtimes are generic over it: it names the operation's input, output and error types and says
/// how the operation is called.
///
/// What generated code writes for an operation `Ping` with one member and no modeled errors:
///
/// ```
/// use awsjson_types::{
///     AuthScheme, Empty, ErrorVariant, Member, ModeledError, Operation, ServiceInfo, Shape, ShapeKind,
///     StringRules, UnhandledError, Validate,
/// };
///
/// static SERVICE: ServiceInfo = ServiceInfo {
///     name: "ping",
///     title: "Ping",
///     api_version: None,
///     target_prefix: "PingService",
///     signing_name: "ping",
///     endpoint_prefix: "ping",
///     content_type: "application/x-amz-json-1.1",
///     validation_error: "ValidationException",
/// };
/// static TEXT: Shape = Shape {
///     name: "Text",
///     sensitive: false,
///     kind: ShapeKind::String(StringRules { min: Some(1), max: None, pattern: None, values: None }),
/// };
/// static PING_REQUEST: Shape = Shape {
///     name: "PingRequest",
///     sensitive: false,
///     kind: ShapeKind::Structure { members: &[Member { name: "Text", target: &TEXT, required: true }] },
/// };
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct PingRequest {
///     #[serde(rename = "Text")]
///     text: String,
/// }
///
/// impl Validate for PingRequest {
///     fn shape() -> &'static Shape {
///         &PING_REQUEST
///     }
/// }
///
/// /// Ping models no errors: every error is unhandled.
/// #[derive(Debug)]
/// struct PingError(UnhandledError);
///
/// impl std::fmt::Display for PingError {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         self.0.fmt(f)
///     }
/// }
///
/// impl std::error::Error for PingError {}
///
/// impl ModeledError for PingError {
///     fn from_body(code: &str, body: &serde_json::Value) -> Self {
///         PingError(UnhandledError::from_body(code, body))
///     }
///     fn unhandled(error: UnhandledError) -> Self {
///         PingError(error)
///     }
///     fn variant(&self) -> ErrorVariant<'_> {
///         ErrorVariant::Unhandled(&self.0)
///     }
/// }
///
/// struct Ping;
///
/// impl Operation for Ping {
///     const NAME: &'static str = "Ping";
///     const AUTH: AuthScheme = AuthScheme::None;
///     const PAGINATION: Option<awsjson_types::Pagination> = None;
///     type Input = PingRequest;
///     type Output = Empty;
///     type Error = PingError;
///     fn service() -> &'static ServiceInfo {
///         &SERVICE
///     }
/// }
///
/// // What the runtimes do with it, for example:
/// assert!(PingRequest { text: String::new() }.validate().is_err());
/// let error = <Ping as Operation>::Error::not_implemented(Ping::NAME);
/// assert_eq!(error.code(), "UnsupportedOperationException");
/// ```
pub trait Operation: Send + Sync + 'static {
    /// The operation's name, e.g. `AdminCreateUser`.
    const NAME: &'static str;
    /// Whether callers sign the operation with SigV4 or call it without AWS credentials.
    const AUTH: AuthScheme;
    /// How the operation's pages link, when it is paginated.
    const PAGINATION: Option<Pagination>;
    /// AWS's endpoint host prefix, e.g. `data-` or `{Bucket}.data.`: clients put it before the
    /// endpoint's host name, each `{Member}` replaced by that input member's value.
    const HOST_PREFIX: Option<&'static str> = None;
    /// The request's members (`AdminCreateUserRequest`).
    type Input: Serialize + DeserializeOwned + Validate + Send + Sync + 'static;
    /// The response's members (`AdminCreateUserResponse`, or [`Empty`]).
    type Output: Serialize + DeserializeOwned + Send + Sync + 'static;
    /// The operation's error enum: the errors it models, and any other.
    type Error: ModeledError;
    /// The service the operation belongs to.
    fn service() -> &'static ServiceInfo;

    /// Gives each idempotency-token member of `input` (AWS's `idempotencyToken`) that is unset a
    /// value from `token`, as AWS's SDKs do before sending, so that a retried call is still one
    /// call. Generated for operations with such members; the default has none to fill. The
    /// client passes a random UUID (v4) generator.
    fn fill_idempotency_tokens(input: &mut Self::Input, token: &mut dyn FnMut() -> String) {
        let _ = (input, token);
    }
}

/// The output of operations that answer an empty JSON object.
///
/// ```
/// let empty: awsjson_types::Empty = serde_json::from_str(r#"{"ignored": 1}"#).unwrap();
/// assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty {}

// Written by hand rather than derived, so that neither this crate nor generated models need
// serde's derive macro (and the proc-macro stack behind it) to build.
impl Serialize for Empty {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        serializer.serialize_struct("Empty", 0)?.end()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Empty;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Empty, A::Error> {
                while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(Empty {})
            }
        }
        deserializer.deserialize_struct("Empty", &[], Members)
    }
}

/// Something done once per operation type, e.g. building a table of operations or running a
/// check on each. Generated crates call it for every operation from `operation::visit_all`.
///
/// ```
/// use awsjson_types::{Operation, OperationVisitor};
/// struct Names(Vec<&'static str>);
/// impl OperationVisitor for Names {
///     fn visit<O: Operation>(&mut self) {
///         self.0.push(O::NAME);
///     }
/// }
/// ```
pub trait OperationVisitor {
    /// Called once with each operation's marker type.
    fn visit<O: Operation>(&mut self);
}
