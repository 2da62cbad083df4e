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

/// One operation of a service, implemented by a generated marker type.
pub trait Operation: Send + Sync + 'static {
    /// The operation's name, e.g. `AdminCreateUser`.
    const NAME: &'static str;
    const AUTH: AuthScheme;
    const PAGINATION: Option<Pagination>;
    type Input: Serialize + DeserializeOwned + Validate + Send + Sync + 'static;
    type Output: Serialize + DeserializeOwned + Send + Sync + 'static;
    type Error: ModeledError;
    /// The service the operation belongs to.
    fn service() -> &'static ServiceInfo;
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
    fn visit<O: Operation>(&mut self);
}
