//! What generated unions (AWS's `union` shapes) stand on.
//!
//! A union is a JSON object with exactly one member set; generated code makes it a Rust enum with
//! one variant per member and an `Unknown` variant. Reading follows AWS's SDKs: a member this
//! version of the model does not know becomes `Unknown` (a newer service must not break an old
//! client), `null` members count as absent, and an object with no member set, or with two, is an
//! error (no variant can hold it). `Unknown` cannot be written back: its value was not kept.
//!
//! ```
//! use awsjson_types::union::{self, ReadUnion};
//! use serde::de::MapAccess;
//!
//! #[derive(Debug, PartialEq)]
//! enum Value {
//!     Text(String),
//!     Number(i64),
//!     Unknown(awsjson_types::UnknownVariantValue),
//! }
//!
//! impl ReadUnion for Value {
//!     const NAME: &'static str = "Value";
//!     const MEMBERS: &'static [&'static str] = &["Text", "Number"];
//!     fn read_variant<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<Option<Self>, A::Error> {
//!         Ok(match name {
//!             "Text" => map.next_value::<Option<_>>()?.map(Value::Text),
//!             "Number" => map.next_value::<Option<_>>()?.map(Value::Number),
//!             _ => union::read_unknown(name, map)?.map(Value::Unknown),
//!         })
//!     }
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Value {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         union::deserialize(deserializer)
//!     }
//! }
//!
//! impl serde::Serialize for Value {
//!     fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
//!         match self {
//!             Value::Text(v) => union::serialize(serializer, "Value", "Text", v),
//!             Value::Number(v) => union::serialize(serializer, "Value", "Number", v),
//!             Value::Unknown(name) => Err(union::unknown_error::<S::Error>("Value", name.as_str())),
//!         }
//!     }
//! }
//!
//! let v: Value = serde_json::from_str(r#"{"Number": 7, "Text": null}"#).unwrap();
//! assert_eq!(v, Value::Number(7));
//! assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"Number":7}"#);
//! let newer: Value = serde_json::from_str(r#"{"Image": {"Size": 3}}"#).unwrap();
//! assert!(matches!(&newer, Value::Unknown(name) if name.as_str() == "Image"));
//! assert!(serde_json::to_string(&newer).is_err());
//! assert!(serde_json::from_str::<Value>(r#"{"Text": "a", "Number": 1}"#).is_err());
//! assert!(serde_json::from_str::<Value>("{}").is_err());
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{self, SerializeStruct, Serializer};

use crate::enums::{Text, UnknownVariantValue};

/// A union read from a JSON object (see the module's documentation).
pub trait ReadUnion: Sized {
    /// The union's name, for error messages.
    const NAME: &'static str;
    /// Its members' names on the wire, in model order.
    const MEMBERS: &'static [&'static str];
    /// Reads the value of member `name` from `map`: `None` when it is `null` (absent). Names the
    /// union does not list go to [`read_unknown`].
    fn read_variant<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<Option<Self>, A::Error>;
}

/// Deserializes a union: the one member set, `Unknown` for a member the model does not list.
pub fn deserialize<'de, T: ReadUnion, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::MEMBERS, UnionVisitor(PhantomData))
}

/// Skips the value of member `name`, which the model does not list: `Some(name)` (for the
/// `Unknown` variant) unless the value is `null`.
pub fn read_unknown<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<Option<UnknownVariantValue>, A::Error> {
    Ok(map.next_value::<Option<IgnoredAny>>()?.map(|_| UnknownVariantValue::new(name.to_owned())))
}

/// Serializes a union as the one-member object `{member: value}`.
#[inline]
pub fn serialize<S: Serializer, T: ser::Serialize + ?Sized>(
    serializer: S,
    union: &'static str,
    member: &'static str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut state = serializer.serialize_struct(union, 1)?;
    state.serialize_field(member, value)?;
    state.end()
}

/// The error of serializing an `Unknown` variant: the member's value was never kept, so the
/// union cannot be sent back (AWS's SDKs refuse it too).
pub fn unknown_error<E: ser::Error>(union: &str, member: &str) -> E {
    E::custom(format_args!("cannot serialize union {union}: member `{member}` is unknown to this version of the model"))
}

struct UnionVisitor<T>(PhantomData<T>);

impl<'de, T: ReadUnion> Visitor<'de> for UnionVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "union {} (an object with one member set)", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if let Some(value) = T::read_variant(&key.0, &mut map)? {
                if found.is_some() {
                    return Err(de::Error::custom(format_args!("union {} has more than one member set", T::NAME)));
                }
                found = Some(value);
            }
        }
        found.ok_or_else(|| de::Error::custom(format_args!("union {} has no member set", T::NAME)))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Debug, PartialEq)]
    enum Choice {
        A(Vec<u32>),
        B(Box<Choice>),
        Unknown(UnknownVariantValue),
    }

    impl ReadUnion for Choice {
        const NAME: &'static str = "Choice";
        const MEMBERS: &'static [&'static str] = &["A", "B"];
        fn read_variant<'de, A: MapAccess<'de>>(name: &str, map: &mut A) -> Result<Option<Self>, A::Error> {
            Ok(match name {
                "A" => map.next_value::<Option<_>>()?.map(Choice::A),
                "B" => map.next_value::<Option<_>>()?.map(Choice::B),
                _ => read_unknown(name, map)?.map(Choice::Unknown),
            })
        }
    }

    impl<'de> Deserialize<'de> for Choice {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    impl Serialize for Choice {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Choice::A(v) => super::serialize(serializer, "Choice", "A", v),
                Choice::B(v) => super::serialize(serializer, "Choice", "B", v),
                Choice::Unknown(name) => Err(unknown_error::<S::Error>("Choice", name.as_str())),
            }
        }
    }

    #[test]
    fn nested_unions_round_trip() {
        let text = r#"{"B":{"B":{"A":[1,2]}}}"#;
        let value: Choice = serde_json::from_str(text).unwrap();
        assert_eq!(value, Choice::B(Box::new(Choice::B(Box::new(Choice::A(vec![1, 2]))))));
        assert_eq!(serde_json::to_string(&value).unwrap(), text);
    }

    #[test]
    fn nulls_are_absent_and_unknown_members_are_kept_by_name() {
        let value: Choice = serde_json::from_str(r#"{"A": null, "New": null, "B": {"A": []}}"#).unwrap();
        assert_eq!(value, Choice::B(Box::new(Choice::A(vec![]))));
        let value: Choice = serde_json::from_str(r#"{"New": {"x": [1]}}"#).unwrap();
        assert_eq!(value, Choice::Unknown(UnknownVariantValue::new("New".into())));
        let error = serde_json::to_string(&value).unwrap_err().to_string();
        assert!(error.contains("member `New` is unknown"), "{error}");
    }

    #[test]
    fn zero_or_two_members_do_not_parse() {
        for text in ["{}", r#"{"A": null}"#, r#"{"A": [1], "New": 1}"#, r#"{"A": [1], "B": {"A": []}}"#, "[]", "1"] {
            assert!(serde_json::from_str::<Choice>(text).is_err(), "{text}");
        }
        let error = serde_json::from_str::<Choice>(r#"{"A": [], "A": []}"#).unwrap_err().to_string();
        assert!(error.contains("more than one member"), "{error}");
    }
}
