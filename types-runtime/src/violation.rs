//! The errors validation reports, worded as AWS services word them.

use std::fmt;

/// Why a value failed [`validate`](fn@crate::validate).
///
/// ```
/// use awsjson_types::{ConstraintViolations, ValidationError, Violation};
///
/// let err = ValidationError::from(ConstraintViolations {
///     violations: vec![Violation {
///         path: "userPoolId".into(),
///         value: None,
///         constraint: "Member must not be null".into(),
///     }],
/// });
/// assert_eq!(
///     err.to_string(),
///     "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ValidationError {
    /// The JSON does not have the types the model expects (a serialization problem, not a
    /// constraint violation). Validation stops at the first one.
    Serialization(SerializationError),
    /// The JSON has the right types but breaks one or more model constraints.
    Constraints(ConstraintViolations),
}

/// A JSON value of the wrong type at some path.
///
/// ```
/// use awsjson_types::SerializationError;
///
/// let err = SerializationError::new("username", "a string");
/// assert_eq!(err.to_string(), "Expected a string at 'username'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializationError {
    /// Where, in the same dotted form as [`Violation::path`] (empty for the top level).
    pub path: String,
    /// What is wrong, including the path.
    pub message: String,
}

/// Every constraint violation found, in report order.
///
/// ```
/// use awsjson_types::ConstraintViolations;
///
/// assert!(ConstraintViolations::default().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConstraintViolations {
    /// The violations, in model member order, depth first.
    pub violations: Vec<Violation>,
}

/// One violated constraint.
///
/// ```
/// use awsjson_types::Violation;
///
/// let v = Violation {
///     path: "username".into(),
///     value: Some("a b".into()),
///     constraint: "Member must have length less than or equal to 2".into(),
/// };
/// assert_eq!(
///     v.to_string(),
///     "Value 'a b' at 'username' failed to satisfy constraint: Member must have length less than or equal to 2"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, e.g. `userAttributes.1.member.name`.
    pub path: String,
    /// The offending value rendered Java-style; `None` when absent or sensitive.
    pub value: Option<String>,
    /// The constraint text, e.g. `Member must not be null`.
    pub constraint: String,
}

impl SerializationError {
    /// An error saying that `expected` (e.g. `"a string"`) was expected at `path`.
    ///
    /// ```
    /// let err = awsjson_types::SerializationError::new("", "an object");
    /// assert_eq!(err.message, "Expected an object at the top level");
    /// ```
    pub fn new(path: &str, expected: &str) -> Self {
        SerializationError { path: path.to_owned(), message: format!("Expected {expected} {}", at(path)) }
    }
}

/// `at 'path'`, or `at the top level` for the empty path.
pub(crate) fn at(path: &str) -> String {
    if path.is_empty() { "at the top level".to_owned() } else { format!("at '{path}'") }
}

impl ConstraintViolations {
    /// How many violations there are.
    ///
    /// ```
    /// assert_eq!(awsjson_types::ConstraintViolations::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// Whether there are none.
    ///
    /// ```
    /// assert!(awsjson_types::ConstraintViolations::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }
}

/// The constraint of a required member that is absent. AWS renders the absent value as `null`
/// (`Value null at 'userPoolId' failed to satisfy constraint: Member must not be null`, quoted
/// from real responses in aws/aws-sdk-java issue 1577), while other violations without a value
/// (sensitive members) leave the value out.
pub const NOT_NULL: &str = "Member must not be null";

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "Value '{value}' at '{}'", self.path)?,
            None if self.constraint == NOT_NULL => write!(f, "Value null at '{}'", self.path)?,
            None => write!(f, "Value at '{}'", self.path)?,
        }
        write!(f, " failed to satisfy constraint: {}", self.constraint)
    }
}

impl fmt::Display for ConstraintViolations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "{n} validation error{plural} detected: ")?;
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SerializationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::Serialization(err) => err.fmt(f),
            ValidationError::Constraints(violations) => violations.fmt(f),
        }
    }
}

impl std::error::Error for Violation {}
impl std::error::Error for SerializationError {}
impl std::error::Error for ConstraintViolations {}

impl std::error::Error for ValidationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ValidationError::Serialization(err) => Some(err),
            ValidationError::Constraints(violations) => Some(violations),
        }
    }
}

impl From<SerializationError> for ValidationError {
    fn from(value: SerializationError) -> Self {
        ValidationError::Serialization(value)
    }
}

impl From<ConstraintViolations> for ValidationError {
    fn from(value: ConstraintViolations) -> Self {
        ValidationError::Constraints(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(path: &str, value: Option<&str>, constraint: &str) -> Violation {
        Violation { path: path.into(), value: value.map(Into::into), constraint: constraint.into() }
    }

    #[test]
    fn renders_violations() {
        let v = violation("a", Some("x"), "Member must not be null");
        assert_eq!(v.to_string(), "Value 'x' at 'a' failed to satisfy constraint: Member must not be null");
        let v = violation("a.b", None, "C");
        assert_eq!(v.to_string(), "Value at 'a.b' failed to satisfy constraint: C");
    }

    #[test]
    fn renders_counts() {
        let one = ConstraintViolations { violations: vec![violation("a", None, "C")] };
        assert_eq!(one.to_string(), "1 validation error detected: Value at 'a' failed to satisfy constraint: C");
        let two = ConstraintViolations { violations: vec![violation("a", None, "C"), violation("b", Some("1"), "D")] };
        assert_eq!(
            two.to_string(),
            "2 validation errors detected: Value at 'a' failed to satisfy constraint: C; \
             Value '1' at 'b' failed to satisfy constraint: D"
        );
        assert_eq!(two.len(), 2);
        assert!(!two.is_empty());
    }

    #[test]
    fn validation_error_display_and_source() {
        use std::error::Error as _;
        let err = ValidationError::from(SerializationError::new("x.y", "a boolean"));
        assert_eq!(err.to_string(), "Expected a boolean at 'x.y'");
        assert!(err.source().is_some());
        let err = ValidationError::from(ConstraintViolations::default());
        assert_eq!(err.to_string(), "0 validation errors detected: ");
        assert!(err.source().is_some());
    }
}
