//! Constraint validation of JSON values against [`Shape`] tables, with AWS's messages.

use serde::Deserialize as _;
use serde_json::Value;

use crate::blob::Blob;
use crate::redact::REDACTED;
use crate::render::{java_double, render};
use crate::shape::{Shape, ShapeKind, StringRules};
use crate::timestamp::Timestamp;
use crate::violation::{ConstraintViolations, SerializationError, ValidationError, Violation, at};

/// How many structures, lists and maps deep a value may nest before validation gives up.
pub const MAX_DEPTH: usize = 64;

/// Checks `value` against `shape` and its model constraints, as an AWS service would.
///
/// A JSON value of the wrong type gives [`ValidationError::Serialization`] (the first one
/// found); otherwise every violated constraint is reported in [`ValidationError::Constraints`],
/// worded as AWS words them. `null` counts as absent. Sensitive values are never quoted.
///
/// ```
/// use awsjson_types::{validate, Member, Shape, ShapeKind, StringRules};
///
/// static ID: Shape = Shape {
///     name: "IdType",
///     sensitive: false,
///     kind: ShapeKind::String(StringRules { min: Some(1), max: Some(3), pattern: None, values: None }),
/// };
/// static REQUEST: Shape = Shape {
///     name: "Request",
///     sensitive: false,
///     kind: ShapeKind::Structure { members: &[Member { name: "Id", target: &ID, required: true }] },
/// };
///
/// assert!(validate(&REQUEST, &serde_json::json!({"Id": "abc"})).is_ok());
/// let err = validate(&REQUEST, &serde_json::json!({"Id": "abcd"})).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "1 validation error detected: Value 'abcd' at 'id' failed to satisfy constraint: \
///      Member must have length less than or equal to 3"
/// );
/// ```
pub fn validate(shape: &'static Shape, value: &Value) -> Result<(), ValidationError> {
    let mut walker = Walker::default();
    if value.is_null() {
        if matches!(shape.kind, ShapeKind::Structure { .. }) {
            walker.check(shape, &Value::Object(serde_json::Map::new()), "", false, 0)?;
        }
    } else {
        walker.check(shape, value, "", false, 0)?;
    }
    if walker.violations.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::Constraints(ConstraintViolations { violations: walker.violations }))
    }
}

/// Implemented by generated types that have a shape table, to validate a value of the type.
///
/// ```
/// use awsjson_types::{Member, Shape, ShapeKind, StringRules, Validate};
///
/// static NAME: Shape = Shape {
///     name: "NameType",
///     sensitive: false,
///     kind: ShapeKind::String(StringRules { min: Some(1), max: None, pattern: None, values: None }),
/// };
/// static GREETING: Shape = Shape {
///     name: "Greeting",
///     sensitive: false,
///     kind: ShapeKind::Structure { members: &[Member { name: "Name", target: &NAME, required: true }] },
/// };
///
/// #[derive(serde::Serialize)]
/// struct Greeting {
///     #[serde(rename = "Name")]
///     name: String,
/// }
///
/// impl Validate for Greeting {
///     fn shape() -> &'static Shape {
///         &GREETING
///     }
/// }
///
/// assert!(Greeting { name: "Zoë".into() }.validate().is_ok());
/// assert!(Greeting { name: String::new() }.validate().is_err());
/// ```
pub trait Validate {
    /// The shape table of this type.
    fn shape() -> &'static Shape;

    /// Serializes `self` to JSON and [`validate`]s it against [`shape`](Self::shape).
    fn validate(&self) -> Result<(), ValidationError>
    where
        Self: serde::Serialize,
    {
        let value = serde_json::to_value(self).map_err(|e| SerializationError {
            path: String::new(),
            message: format!("Could not serialize the value to validate it: {e}"),
        })?;
        validate(Self::shape(), &value)
    }
}

/// A path segment: the member name with its first character lowercased (`MFAOptions` -> `mFAOptions`).
fn member_segment(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The path of member `name` of the structure at `path`.
fn member_path(path: &str, name: &str) -> String {
    let segment = member_segment(name);
    if path.is_empty() { segment } else { join(path, &segment) }
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_owned()
    } else {
        let mut joined = String::with_capacity(path.len() + 1 + segment.len());
        joined.push_str(path);
        joined.push('.');
        joined.push_str(segment);
        joined
    }
}

fn too_deep(path: &str) -> SerializationError {
    SerializationError {
        path: path.to_owned(),
        message: format!("Value nesting too deep {} (more than {MAX_DEPTH} levels)", at(path)),
    }
}

/// Walks a value and its shape, collecting violations in report order.
#[derive(Default)]
struct Walker {
    violations: Vec<Violation>,
}

impl Walker {
    /// Checks a present (non-null) `value`. `sensitive` is whether an enclosing shape is.
    fn check(
        &mut self,
        shape: &'static Shape,
        value: &Value,
        path: &str,
        sensitive: bool,
        depth: usize,
    ) -> Result<(), SerializationError> {
        let sensitive = sensitive || shape.sensitive;
        // Rendered only when a violation needs it; never for sensitive values.
        let shown = || (!sensitive).then(|| render(value, Some(shape)));
        match &shape.kind {
            ShapeKind::String(rules) => {
                let text = value.as_str().ok_or_else(|| SerializationError::new(path, "a string"))?;
                for constraint in string_violations(rules, text) {
                    self.push(path, shown(), constraint);
                }
            }
            ShapeKind::Integer { min, max } => {
                let n = integer(value, path)?;
                for constraint in range_texts(n, *min, *max, "value", |v| v.to_string()) {
                    self.push(path, shown(), constraint);
                }
            }
            ShapeKind::Float { min, max } => {
                let x = float(value).ok_or_else(|| SerializationError::new(path, "a number"))?;
                for constraint in range_texts(x, *min, *max, "value", java_double) {
                    self.push(path, shown(), constraint);
                }
            }
            ShapeKind::Boolean => {
                if !value.is_boolean() {
                    return Err(SerializationError::new(path, "a boolean"));
                }
            }
            ShapeKind::Timestamp => {
                if !(value.is_number() || value.is_string()) || Timestamp::deserialize(value).is_err() {
                    let expected = "a timestamp (epoch seconds or an RFC 3339 date-time string)";
                    return Err(SerializationError::new(path, expected));
                }
            }
            ShapeKind::Blob { min, max } => {
                let blob = match value {
                    Value::String(text) => Blob::from_base64(text).ok(),
                    _ => None,
                };
                let blob = blob.ok_or_else(|| SerializationError::new(path, "a base64-encoded string"))?;
                self.check_size(path, blob.len(), *min, *max, shown);
            }
            ShapeKind::Document => {}
            ShapeKind::List { member, min, max } => {
                if depth >= MAX_DEPTH {
                    return Err(too_deep(path));
                }
                let items = value.as_array().ok_or_else(|| SerializationError::new(path, "a list"))?;
                self.check_size(path, items.len(), *min, *max, shown);
                for (i, item) in items.iter().enumerate().filter(|(_, item)| !item.is_null()) {
                    let item_path = join(path, &format!("{}.member", i + 1));
                    self.check(member, item, &item_path, sensitive, depth + 1)?;
                }
            }
            ShapeKind::Map { key, value: value_shape, min, max } => {
                if depth >= MAX_DEPTH {
                    return Err(too_deep(path));
                }
                let map = value.as_object().ok_or_else(|| SerializationError::new(path, "a map"))?;
                self.check_size(path, map.len(), *min, *max, shown);
                let mut key_texts = Vec::new();
                let mut value_texts = Vec::new();
                for (k, v) in map {
                    let mut inner = Walker::default();
                    inner.check(key, &Value::String(k.clone()), path, sensitive, depth + 1)?;
                    collect_unique(&mut key_texts, inner.violations);
                    if v.is_null() {
                        continue;
                    }
                    let hidden = sensitive || key.sensitive;
                    let entry_path = join(path, if hidden { REDACTED } else { k });
                    let mut inner = Walker::default();
                    inner.check(value_shape, v, &entry_path, sensitive, depth + 1)?;
                    collect_unique(&mut value_texts, inner.violations);
                }
                if !key_texts.is_empty() {
                    let texts = key_texts.join(", ");
                    self.push(path, shown(), format!("Map keys must satisfy constraint: [{texts}]"));
                }
                if !value_texts.is_empty() {
                    let texts = value_texts.join(", ");
                    self.push(path, shown(), format!("Map value must satisfy constraint: [{texts}]"));
                }
            }
            ShapeKind::Structure { members } => {
                if depth >= MAX_DEPTH {
                    return Err(too_deep(path));
                }
                let object = value.as_object().ok_or_else(|| SerializationError::new(path, "an object"))?;
                let mut missing = Vec::new();
                // Paths are built only for members that are present or missing: most of a
                // model's members are usually absent, and a request's time matters (servers
                // validate every request).
                for member in members.iter() {
                    match object.get(member.name) {
                        None | Some(Value::Null) if member.required => missing.push(member_path(path, member.name)),
                        None | Some(Value::Null) => {}
                        Some(v) => {
                            let member_path = member_path(path, member.name);
                            self.check(member.target, v, &member_path, sensitive, depth + 1)?
                        }
                    }
                }
                for member_path in missing {
                    self.push(&member_path, None, crate::violation::NOT_NULL.to_owned());
                }
            }
            ShapeKind::Union { members } => {
                if depth >= MAX_DEPTH {
                    return Err(too_deep(path));
                }
                let object = value.as_object().ok_or_else(|| SerializationError::new(path, "an object"))?;
                // Members the model does not list are not counted: a server cannot act on them.
                let mut set = 0;
                for member in members.iter() {
                    if let Some(v) = object.get(member.name).filter(|v| !v.is_null()) {
                        set += 1;
                        let member_path = member_path(path, member.name);
                        self.check(member.target, v, &member_path, sensitive, depth + 1)?;
                    }
                }
                if set != 1 {
                    let names: Vec<&str> = members.iter().map(|m| m.name).collect();
                    let constraint = format!("Member must have exactly one of [{}] set", names.join(", "));
                    self.push(path, shown(), constraint);
                }
            }
        }
        Ok(())
    }

    /// Length checks shared by lists, maps and blobs.
    fn check_size(
        &mut self,
        path: &str,
        len: usize,
        min: Option<u64>,
        max: Option<u64>,
        shown: impl Fn() -> Option<String>,
    ) {
        for constraint in range_texts(len as u64, min, max, "length", |v| v.to_string()) {
            self.push(path, shown(), constraint);
        }
    }

    fn push(&mut self, path: &str, value: Option<String>, constraint: String) {
        self.violations.push(Violation { path: path.to_owned(), value, constraint });
    }
}

/// The constraint texts a string breaks, in AWS's order: length min, length max, pattern, enum.
fn string_violations(rules: &StringRules, text: &str) -> Vec<String> {
    let len = text.chars().count() as u64;
    let mut out = range_texts(len, rules.min, rules.max, "length", |v| v.to_string());
    if let Some(pattern) = rules.pattern.filter(|p| !p.is_match(text)) {
        out.push(format!("Member must satisfy regular expression pattern: {}", pattern.source()));
    }
    if let Some(values) = rules.values.filter(|values| !values.contains(&text)) {
        out.push(format!("Member must satisfy enum value set: [{}]", values.join(", ")));
    }
    out
}

/// `Member must have <what> greater than or equal to N` (then `less than`) for each bound
/// that `n` breaks; `show` writes the bound.
fn range_texts<T: PartialOrd + Copy>(
    n: T,
    min: Option<T>,
    max: Option<T>,
    what: &str,
    show: impl Fn(T) -> String,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(min) = min.filter(|&min| n < min) {
        out.push(format!("Member must have {what} greater than or equal to {}", show(min)));
    }
    if let Some(max) = max.filter(|&max| n > max) {
        out.push(format!("Member must have {what} less than or equal to {}", show(max)));
    }
    out
}

/// A JSON integer within the signed 64-bit range.
fn integer(value: &Value, path: &str) -> Result<i64, SerializationError> {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(n), _) => Ok(n),
            (None, Some(_)) => Err(SerializationError::new(path, "an integer within the 64-bit range")),
            (None, None) => Err(SerializationError::new(path, "an integer")),
        },
        _ => Err(SerializationError::new(path, "an integer")),
    }
}

/// A JSON number, or one of the strings AWS JSON uses for non-finite floats.
fn float(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// Appends the constraint texts of `violations` not already in `texts`.
fn collect_unique(texts: &mut Vec<String>, violations: Vec<Violation>) {
    for violation in violations {
        if !texts.contains(&violation.constraint) {
            texts.push(violation.constraint);
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
