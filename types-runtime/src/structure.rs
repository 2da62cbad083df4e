//! What generated structures' `Deserialize` and `Serialize` stand on.
//!
//! AWS JSON structures are objects whose members may come in any order, may be missing (reading
//! starts from `Default`) and may be unknown to this version of the model (they are skipped).
//! The visitor that does this is written once here; each generated structure only says, in
//! [`ReadMembers::read_member`], where the value of each member name goes. Writing the visitor
//! out in every structure made it a large part of a generated crate's compile time. Writing goes
//! through a [`Writer`], which keeps the first error, so that a structure's `Serialize` is one
//! plain call per member rather than a `?` each. [`debug`] is their `Debug`, in one call.
//!
//! ```
//! use awsjson_types::structure::{self, ReadMembers};
//! use serde::de::MapAccess;
//!
//! #[derive(Default, Debug, PartialEq)]
//! struct Attribute {
//!     name: String,
//!     value: Option<String>,
//! }
//!
//! impl ReadMembers for Attribute {
//!     const NAME: &'static str = "Attribute";
//!     const MEMBERS: &'static [&'static str] = &["Name", "Value"];
//!     fn read_member<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
//!         match name {
//!             "Name" => structure::read(map, &mut self.name),
//!             "Value" => structure::read(map, &mut self.value),
//!             _ => structure::skip(map),
//!         }
//!     }
//! }
//!
//! impl<'de> serde::Deserialize<'de> for Attribute {
//!     fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
//!         structure::deserialize(deserializer)
//!     }
//! }
//!
//! let parsed: Attribute = serde_json::from_str(r#"{"Other": [1], "Name": "email"}"#).unwrap();
//! assert_eq!(parsed, Attribute { name: "email".into(), value: None });
//! assert!(serde_json::from_str::<Attribute>(r#"{"Name": 7}"#).is_err());
//! assert!(serde_json::from_str::<Attribute>("[]").is_err());
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::enums::Text;

/// A structure read member by member from a JSON object.
pub trait ReadMembers: Default {
    /// The structure's name, for error messages.
    const NAME: &'static str;
    /// Its members' names on the wire.
    const MEMBERS: &'static [&'static str];
    /// Reads the value of the member called `name` from `map` into `self`, or skips it when the
    /// structure has no such member ([`read`] and [`skip`] do either).
    fn read_member<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Deserializes a `T` from a JSON object: missing members keep their default, unknown ones are
/// skipped, and a repeated member keeps its last value (as in a JSON value).
pub fn deserialize<'de, T: ReadMembers, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::MEMBERS, StructureVisitor(PhantomData))
}

/// Reads the current member's value into `slot`.
#[inline]
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut T) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// Skips the current member's value.
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Starts writing a structure of `len` members called `name`.
///
/// ```
/// use awsjson_types::structure;
///
/// struct Attribute {
///     name: String,
///     value: Option<String>,
/// }
///
/// impl serde::Serialize for Attribute {
///     fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
///         let mut w = structure::writer(serializer, "Attribute", 1 + usize::from(self.value.is_some()))?;
///         w.member("Name", &self.name);
///         w.optional("Value", &self.value);
///         w.end()
///     }
/// }
///
/// let a = Attribute { name: "email".into(), value: None };
/// assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"Name":"email"}"#);
/// ```
pub fn writer<S: Serializer>(serializer: S, name: &'static str, len: usize) -> Result<Writer<S::SerializeStruct>, S::Error> {
    Ok(Writer { state: serializer.serialize_struct(name, len)?, error: None })
}

/// Writes a structure's members; see [`writer`]. After an error nothing more is written, and
/// [`Writer::end`] returns that error.
pub struct Writer<S: SerializeStruct> {
    state: S,
    error: Option<S::Error>,
}

impl<S: SerializeStruct> Writer<S> {
    /// Writes member `name`.
    #[inline]
    pub fn member<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none()
            && let Err(e) = self.state.serialize_field(name, value)
        {
            self.error = Some(e);
        }
    }

    /// Writes member `name` if it has a value; an absent member is left out.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.member(name, value);
        }
    }

    /// Ends the structure, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.state.end(),
        }
    }
}

struct StructureVisitor<T>(PhantomData<T>);

impl<'de, T: ReadMembers> Visitor<'de> for StructureVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            value.read_member(&key.0, &mut map)?;
        }
        Ok(value)
    }
}

/// `Debug` of a structure: `Name { member: value, .. }`, as `#[derive(Debug)]` prints it.
/// Generated structures call it with their member names and values (or
/// [`Redacted`](crate::Redacted) for sensitive ones): one call with two slices costs the
/// compiler much less than a `debug_struct().field()` chain per structure.
///
/// ```
/// use std::fmt;
/// use awsjson_types::{Redacted, structure};
///
/// struct Login { user: String, password: String }
///
/// impl fmt::Debug for Login {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         structure::debug(f, "Login", &["user", "password"], &[&self.user, &Redacted])
///     }
/// }
///
/// let login = Login { user: "diego".into(), password: "hunter2".into() };
/// assert_eq!(format!("{login:?}"), r#"Login { user: "diego", password: *** Sensitive Data Redacted *** }"#);
/// ```
pub fn debug(f: &mut fmt::Formatter<'_>, name: &str, names: &[&str], values: &[&dyn fmt::Debug]) -> fmt::Result {
    let mut s = f.debug_struct(name);
    for (name, value) in names.iter().zip(values) {
        s.field(name, value);
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Pair {
        a: u32,
        b: Option<Vec<String>>,
    }

    impl ReadMembers for Pair {
        const NAME: &'static str = "Pair";
        const MEMBERS: &'static [&'static str] = &["A", "B"];
        fn read_member<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
            match name {
                "A" => read(map, &mut self.a),
                "B" => read(map, &mut self.b),
                _ => skip(map),
            }
        }
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer)
        }
    }

    #[test]
    fn members_in_any_order_missing_unknown_repeated_and_null() {
        let p: Pair = serde_json::from_str(r#"{"B": ["x"], "Z": {"deep": [null]}, "A": 1, "A": 2}"#).unwrap();
        assert_eq!(p, Pair { a: 2, b: Some(vec!["x".into()]) });
        let p: Pair = serde_json::from_str(r#"{"B": null}"#).unwrap();
        assert_eq!(p, Pair::default());
        // Escaped member names are decoded before they are matched.
        let p: Pair = serde_json::from_str(r#"{"\u0041": 5}"#).unwrap();
        assert_eq!(p.a, 5);
    }

    impl Serialize for Pair {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut w = writer(serializer, "Pair", 1 + usize::from(self.b.is_some()))?;
            w.member("A", &self.a);
            w.optional("B", &self.b);
            w.end()
        }
    }

    #[test]
    fn writes_members_in_order_and_leaves_out_absent_ones() {
        let p = Pair { a: 1, b: Some(vec!["x".into()]) };
        assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"A":1,"B":["x"]}"#);
        assert_eq!(serde_json::to_string(&Pair::default()).unwrap(), r#"{"A":0}"#);
        assert_eq!(serde_json::from_str::<Pair>(&serde_json::to_string(&p).unwrap()).unwrap(), p);
    }

    #[test]
    fn the_first_write_error_is_returned_and_nothing_after_it_is_written() {
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("first"))
            }
        }
        struct Two;
        impl Serialize for Two {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut w = writer(serializer, "Two", 2)?;
                w.member("A", &Failing);
                w.member("B", &Failing);
                w.end()
            }
        }
        assert_eq!(serde_json::to_string(&Two).unwrap_err().to_string(), "first");
    }

    #[test]
    fn wrong_types_are_errors_that_name_the_structure() {
        assert!(serde_json::from_str::<Pair>(r#"{"A": "one"}"#).is_err());
        let e = serde_json::from_str::<Pair>("3").unwrap_err().to_string();
        assert!(e.contains("struct Pair"), "{e}");
        // From a JSON value too (how error bodies are read).
        let v = serde_json::json!({"A": 3, "B": ["y"]});
        assert_eq!(Pair::deserialize(&v).unwrap(), Pair { a: 3, b: Some(vec!["y".into()]) });
    }
}
