//! Support for forward-compatible string enums: values a newer service may send.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

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

/// Reads a string enum: `from` maps the text to a variant (unknown text to `Unknown`).
///
/// Generated `Deserialize` impls call this. It borrows the text from the input when it can;
/// serde's own `Cow<str>` always copies it, an allocation per enum value read.
///
/// ```
/// use serde::Deserialize;
///
/// #[derive(Debug, PartialEq)]
/// enum Status { Confirmed, Other(String) }
///
/// impl<'de> Deserialize<'de> for Status {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         awsjson_types::enums::deserialize_enum(d, |s| match s {
///             "CONFIRMED" => Status::Confirmed,
///             other => Status::Other(other.to_owned()),
///         })
///     }
/// }
///
/// assert_eq!(serde_json::from_str::<Status>(r#""CONFIRMED""#).unwrap(), Status::Confirmed);
/// assert_eq!(serde_json::from_str::<Status>(r#""NEW""#).unwrap(), Status::Other("NEW".into()));
/// assert!(serde_json::from_str::<Status>("3").is_err());
/// ```
pub fn deserialize_enum<'de, D: Deserializer<'de>, T>(deserializer: D, from: fn(&str) -> T) -> Result<T, D::Error> {
    Text::deserialize_from(deserializer).map(|text| from(&text.0))
}

/// A string read from JSON, borrowed from the input unless it had to be unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'de>(pub Cow<'de, str>);

impl<'de> Text<'de> {
    fn deserialize_from<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

impl<'de> serde::Deserialize<'de> for Text<'de> {
    /// ```
    /// use awsjson_types::enums::Text;
    /// use std::borrow::Cow;
    ///
    /// let plain: Text = serde_json::from_str(r#""diego""#).unwrap();
    /// assert!(matches!(plain.0, Cow::Borrowed("diego")));
    /// let escaped: Text = serde_json::from_str(r#""d\u0069ego""#).unwrap();
    /// assert_eq!(escaped.0, "diego");
    /// ```
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::deserialize_from(deserializer)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v)))
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
