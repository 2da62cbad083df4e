//! Support for forward-compatible string enums: values a newer service may send.

use std::fmt;

/// A string enum value that the model this code was generated from did not list.
///
/// Generated enums carry it in their `Unknown` variant so that a value added to the service
/// later still deserializes. It is deliberately opaque (no public constructor, no public field):
/// code cannot match on a particular unknown string, so when that string becomes a named variant
/// in a newer release, nothing that depended on the old spelling silently stops matching.
///
/// ```
/// use awsjson_types::UnknownVariantValue;
///
/// let value = UnknownVariantValue::new("NEW_STATUS".to_owned()); // what generated code does
/// assert_eq!(value.as_str(), "NEW_STATUS");
/// assert_eq!(value.to_string(), "NEW_STATUS");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownVariantValue(String);

impl UnknownVariantValue {
    /// Wraps a value. For generated code only; see the type's documentation for why.
    #[doc(hidden)]
    pub fn new(value: String) -> Self {
        UnknownVariantValue(value)
    }

    /// The value exactly as the service sent it.
    ///
    /// ```
    /// let value = awsjson_types::UnknownVariantValue::new("X".to_owned());
    /// assert_eq!(value.as_str(), "X");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownVariantValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_value() {
        let a = UnknownVariantValue::new("B_VALUE".to_owned());
        assert_eq!(a.as_str(), "B_VALUE");
        assert_eq!(a.to_string(), "B_VALUE");
        assert_eq!(format!("{a:?}"), "UnknownVariantValue(\"B_VALUE\")");
        assert_eq!(a.clone(), a);
    }

    #[test]
    fn orders_by_value() {
        let a = UnknownVariantValue::new("A".to_owned());
        let b = UnknownVariantValue::new("B".to_owned());
        assert!(a < b);
        let set: std::collections::HashSet<_> = [a.clone(), a, b].into_iter().collect();
        assert_eq!(set.len(), 2);
    }
}
