//! Runtime support for code generated from AWS JSON 1.1 service models (here, Amazon Cognito
//! user pools): wire types for timestamps and blobs, forward-compatible enum values, redaction
//! of sensitive fields, and validation of JSON values against the model's constraints with the
//! messages AWS services return.
//!
//! Generated code refers to this crate as `::awsjson_types`; everything it needs is re-exported
//! at the crate root.

#![warn(missing_docs)]

pub mod blob;
pub mod checked;
pub mod date_time;
pub mod enums;
pub mod error;
pub mod http_date;
#[cfg(feature = "regex")]
mod java_regex;
mod nulls;
pub mod operation;
pub mod pattern;
mod pattern_ascii;
pub mod redact;
mod render;
mod rfc3339;
pub mod shape;
pub mod structure;
pub mod timestamp;
mod timestamp_serde;
pub mod union;
pub mod validate;
pub mod violation;

pub use blob::{Blob, BlobDecodeError};
pub use checked::parse_checked;
pub use date_time::DateTime;
pub use enums::UnknownVariantValue;
pub use error::{ErrorStructure, ErrorVariant, Fault, ModeledError, UnhandledError};
pub use http_date::HttpDate;
pub use nulls::drop_nulls;
pub use operation::{AuthScheme, Empty, Operation, OperationVisitor, Pagination, ServiceInfo};
pub use pattern::Pattern;
pub use redact::{REDACTED, Redacted};
pub use serde_json;
pub use shape::{Member, Shape, ShapeKind, StringRules};
pub use timestamp::{Timestamp, TimestampError};
pub use validate::{MAX_DEPTH, Validate, validate};
pub use violation::{ConstraintViolations, SerializationError, ValidationError, Violation};
