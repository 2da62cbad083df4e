//! The intermediate model: the one description of a service that every emitter reads.
//!
//! Loaders turn a schema directory into a [`Service`]; emitters turn a [`Service`] into Rust.
//! Every shape is named (inline schemas get synthesized names while loading), so emitters only
//! ever follow names, and all maps are ordered so output is deterministic: shapes and operations
//! by name, a structure's members in the order its schema lists them.

use std::collections::BTreeMap;

/// A whole service: protocol facts, operations and the shapes they use.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Short service name, e.g. `cognito-idp`.
    pub name: String,
    /// Human title, e.g. `Amazon Cognito Identity Provider`.
    pub title: String,
    pub api_version: Option<String>,
    pub protocol: Protocol,
    /// `X-Amz-Target` prefix, e.g. `AWSCognitoIdentityProviderService`.
    pub target_prefix: String,
    /// SigV4 signing name.
    pub signing_name: String,
    /// Host prefix of the regional endpoint.
    pub endpoint_prefix: String,
    /// Base URL of the API reference; pages are `API_<Name>.html`.
    pub api_reference: Option<String>,
    /// Error code for input that breaks constraints, when the description names one.
    pub validation_error: Option<String>,
    /// Operations of the service the generated code leaves out, with why (e.g. event streams).
    pub left_out: BTreeMap<String, String>,
    /// Operations AWS pages whose paginator the generated code cannot follow, with why.
    pub not_paginated: BTreeMap<String, String>,
    pub operations: BTreeMap<String, Operation>,
    pub shapes: BTreeMap<String, Shape>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
}

impl Protocol {
    /// The `Content-Type` of requests and responses.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: String,
    /// Input structure (always present: AWS JSON operations take a JSON object).
    pub input: String,
    /// Output structure; `None` when the operation answers an empty object.
    pub output: Option<String>,
    /// Error shapes this operation is modeled to return.
    pub errors: Vec<String>,
    pub auth: Auth,
    pub pagination: Option<Pagination>,
    /// AWS's endpoint host prefix (`endpoint.hostPrefix`), e.g. `data.` or `{Bucket}.data.`:
    /// clients put it before the endpoint's host, each `{Member}` label filled from the input.
    pub host_prefix: Option<String>,
}

/// How callers authenticate an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Signed with AWS credentials (SigV4).
    SigV4,
    /// Public: no AWS signature (the caller presents tokens, codes or a client id instead).
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub input_token: String,
    pub output_token: String,
    pub limit_key: Option<String>,
    /// Output member holding the page's items.
    pub items: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub name: String,
    /// Values of this shape must never be printed or logged.
    pub sensitive: bool,
    /// Set when the shape is an error (exception) structure.
    pub error: Option<Fault>,
    pub kind: ShapeKind,
}

/// Who is at fault for an error: decides its HTTP status class and whether clients retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShapeKind {
    String(StringShape),
    Integer {
        bits: IntBits,
        min: Option<i64>,
        max: Option<i64>,
    },
    Float {
        bits: FloatBits,
        min: Option<f64>,
        max: Option<f64>,
    },
    Boolean,
    /// Epoch seconds on the wire.
    Timestamp,
    /// An RFC 3339 date-time string on the wire (AWS's `timestampFormat: iso8601`).
    DateTime,
    /// An HTTP date string on the wire, `Sun, 06 Nov 1994 08:49:37 GMT` (AWS's
    /// `timestampFormat: rfc822`).
    HttpDate,
    /// Base64 on the wire; sizes count decoded bytes.
    Blob {
        min: Option<u64>,
        max: Option<u64>,
    },
    /// Any JSON value.
    Document,
    List {
        member: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    Map {
        key: String,
        value: String,
        min: Option<u64>,
        max: Option<u64>,
    },
    /// Members in the order of the schema's `properties` (AWS's member order): every emitter
    /// writes them in this order (fields, `Debug`, serialized JSON, builder setters).
    Structure {
        members: Vec<Member>,
    },
    /// AWS's `union`: a JSON object with exactly one of `members` set (all of them optional).
    /// Emitted as a Rust enum with one variant per member, in this order, plus `Unknown`.
    Union {
        members: Vec<Member>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntBits {
    I32,
    I64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatBits {
    F32,
    F64,
}

/// A string shape; with `values` it is an enum.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StringShape {
    /// Minimum length in Unicode code points.
    pub min: Option<u64>,
    /// Maximum length in Unicode code points.
    pub max: Option<u64>,
    /// AWS pattern, matched against the whole value.
    pub pattern: Option<String>,
    /// The enum value set, when the string is an enum.
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Name on the wire (JSON key).
    pub name: String,
    /// Name of the target shape.
    pub target: String,
    pub required: bool,
    pub deprecated: bool,
    /// AWS's `idempotencyToken`: a string member the client fills with a random UUID when the
    /// caller leaves it unset (or empty, when it is required), so that retrying the call does not
    /// repeat its effect.
    pub idempotency_token: bool,
}

impl Shape {
    pub fn is_enum(&self) -> bool {
        matches!(&self.kind, ShapeKind::String(s) if s.values.is_some())
    }

    pub fn is_structure(&self) -> bool {
        matches!(self.kind, ShapeKind::Structure { .. })
    }

    /// Whether the shape is a union (emitted as an enum, not a structure).
    pub fn is_union(&self) -> bool {
        matches!(self.kind, ShapeKind::Union { .. })
    }

    /// The members of a structure or union (empty for other kinds).
    pub fn members(&self) -> &[Member] {
        match &self.kind {
            ShapeKind::Structure { members } | ShapeKind::Union { members } => members,
            _ => &[],
        }
    }
}

impl Service {
    pub fn shape(&self, name: &str) -> &Shape {
        self.shapes
            .get(name)
            .unwrap_or_else(|| panic!("model invariant: shape `{name}` is checked to exist while loading"))
    }

    /// Operations that use `shape` as input or output, in name order.
    pub fn operations_with_io(&self, shape: &str) -> impl Iterator<Item = (&Operation, IoRole)> {
        self.operations.values().filter_map(move |op| {
            if op.input == shape {
                Some((op, IoRole::Input))
            } else if op.output.as_deref() == Some(shape) {
                Some((op, IoRole::Output))
            } else {
                None
            }
        })
    }

    /// Checks the model's internal references: every name an operation or member uses exists.
    pub fn check(&self) -> Result<(), String> {
        let exists = |n: &str, what: &str| {
            if self.shapes.contains_key(n) { Ok(()) } else { Err(format!("{what} refers to unknown type `{n}`")) }
        };
        for op in self.operations.values() {
            exists(&op.input, &format!("operation {} input", op.name))?;
            if let Some(o) = &op.output {
                exists(o, &format!("operation {} output", op.name))?;
            }
            for e in &op.errors {
                exists(e, &format!("operation {} errors", op.name))?;
                if self.shape(e).error.is_none() {
                    return Err(format!(
                        "operation {} lists `{e}` as an error, but it is not an error structure",
                        op.name
                    ));
                }
            }
            if !self.shape(&op.input).is_structure() {
                return Err(format!("operation {} input `{}` is not a structure", op.name, op.input));
            }
            if let Some(prefix) = &op.host_prefix {
                self.check_host_prefix(op, prefix)?;
            }
        }
        for shape in self.shapes.values() {
            match &shape.kind {
                ShapeKind::List { member, .. } => exists(member, &format!("list {}", shape.name))?,
                ShapeKind::Map { key, value, .. } => {
                    exists(key, &format!("map {} keys", shape.name))?;
                    exists(value, &format!("map {} values", shape.name))?;
                }
                ShapeKind::Structure { members } | ShapeKind::Union { members } => {
                    for m in members {
                        exists(&m.target, &format!("member {}.{}", shape.name, m.name))?;
                        self.check_idempotency_token(shape, m)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Service {
    /// A host prefix's labels must name required string members of the input (AWS's `hostLabel`
    /// members are): a client has no other value to put in the host name.
    fn check_host_prefix(&self, op: &Operation, prefix: &str) -> Result<(), String> {
        let labels = host_labels(prefix).ok_or_else(|| {
            format!("operation {}: host prefix `{prefix}` has an unclosed or empty `{{` label", op.name)
        })?;
        for label in labels {
            let member = self.shape(&op.input).members().iter().find(|m| m.name == label);
            match member {
                Some(m) if m.required && matches!(self.shape(&m.target).kind, ShapeKind::String(_)) => {}
                _ => {
                    return Err(format!(
                        "operation {}: host prefix label `{{{label}}}` is not a required string member of `{}`",
                        op.name, op.input
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Service {
    /// The client fills an idempotency token it was not given with a UUID: the member must be a
    /// plain string member of a structure. It may be required (66 of botocore 1.43.11's 336
    /// are): the client still fills it, and its builder does not ask for it.
    fn check_idempotency_token(&self, shape: &Shape, member: &Member) -> Result<(), String> {
        if !member.idempotency_token {
            return Ok(());
        }
        let plain_string = matches!(&self.shape(&member.target).kind, ShapeKind::String(s) if s.values.is_none());
        if !plain_string || shape.is_union() {
            return Err(format!(
                "member {}.{}: an idempotency token must be a string member of a structure",
                shape.name, member.name
            ));
        }
        Ok(())
    }
}

/// The `{Member}` labels of a host prefix, in order; `None` when a brace is not closed or a label
/// is empty.
pub fn host_labels(prefix: &str) -> Option<Vec<&str>> {
    let mut labels = Vec::new();
    let mut rest = prefix;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        let label = &rest[open + 1..close];
        if label.is_empty() || label.contains('{') {
            return None;
        }
        labels.push(label);
        rest = &rest[close + 1..];
    }
    (!rest.contains('}')).then_some(labels)
}

/// The role a structure plays for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoRole {
    Input,
    Output,
}

#[cfg(test)]
mod tests {
    use super::host_labels;

    #[test]
    fn host_prefix_labels() {
        assert_eq!(host_labels("data-"), Some(vec![]));
        assert_eq!(host_labels("{Bucket}.{Region}.data."), Some(vec!["Bucket", "Region"]));
        for bad in ["{Bucket.data.", "{}.data.", "Bucket}.data.", "{a{b}}."] {
            assert_eq!(host_labels(bad), None, "{bad}");
        }
    }
}
