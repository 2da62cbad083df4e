//! What generated structures' `Deserialize`, `Serialize` and `Debug` stand on.
//!
//! AWS JSON structures are objects whose members may come in any order, may be missing (reading
//! starts from `Default`) and may be unknown to this version of the model (they are skipped).
//! The visitor that does this is written once here; each generated structure only says, in
//! [`ReadMembers::read_member`], where the value of each member name goes. Writing the visitor
//! out in every structure made it a large part of a generated crate's compile time.
//!
//! Writing goes the other way round: a structure lists its members once, in
//! [`WriteMembers::write_members`], and the same list serves [`serialize`] (which counts the
//! members present, then writes them) and [`debug`]. One generic body per structure instead of
//! a `Serialize` body and a `Debug` body is much less for the compiler to check.
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
use crate::redact::Redacted;

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

/// A structure written member by member: to JSON by [`serialize`], as text by [`debug`].
///
/// ```
/// use awsjson_types::structure::{self, MemberWriter, WriteMembers};
///
/// struct Login {
///     user: String,
///     password: String,
///     remember: Option<bool>,
/// }
///
/// impl WriteMembers for Login {
///     const NAME: &'static str = "Login";
///     fn write_members<W: MemberWriter>(&self, w: &mut W) {
///         w.member("User", "user", &self.user);
///         w.sensitive("Password", "password", &self.password);
///         w.optional("Remember", "remember", &self.remember);
///     }
/// }
///
/// // As generated structures do: `Serialize` and `Debug` are one call each.
/// impl serde::Serialize for Login {
///     fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
///         structure::serialize(self, serializer)
///     }
/// }
/// impl std::fmt::Debug for Login {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         structure::debug(self, f)
///     }
/// }
///
/// let login = Login { user: "diego".into(), password: "hunter2".into(), remember: None };
/// assert_eq!(serde_json::to_string(&login).unwrap(), r#"{"User":"diego","Password":"hunter2"}"#);
/// assert_eq!(
///     format!("{login:?}"),
///     r#"Login { user: "diego", password: *** Sensitive Data Redacted ***, remember: None }"#
/// );
/// ```
pub trait WriteMembers {
    /// The structure's Rust name, as `Debug` prints it and serializers are told it.
    const NAME: &'static str;
    /// Hands every member to `w`, in model order: its name on the wire, its field's name (for
    /// `Debug`) and its value.
    fn write_members<W: MemberWriter>(&self, w: &mut W);
}

/// What [`WriteMembers::write_members`] hands its members to.
pub trait MemberWriter {
    /// A member that always has a value.
    fn member<T: Serialize + fmt::Debug + ?Sized>(&mut self, wire: &'static str, field: &'static str, value: &T);
    /// An optional member: written only when it has a value.
    fn optional<T: Serialize + fmt::Debug>(&mut self, wire: &'static str, field: &'static str, value: &Option<T>);
    /// A sensitive member: written like [`member`](Self::member), redacted in `Debug`.
    fn sensitive<T: Serialize + ?Sized>(&mut self, wire: &'static str, field: &'static str, value: &T);
    /// A sensitive optional member: written like [`optional`](Self::optional), redacted in
    /// `Debug` (whether it has a value or not).
    fn sensitive_optional<T: Serialize>(&mut self, wire: &'static str, field: &'static str, value: &Option<T>);
}

/// Serializes a structure as an object of the members it has, in model order. Generated
/// `Serialize` impls are this one call.
pub fn serialize<T: WriteMembers + ?Sized, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut count = Count(0);
    value.write_members(&mut count);
    let mut w = writer(serializer, T::NAME, count.0)?;
    value.write_members(&mut w);
    w.end()
}

/// `Debug` of a structure: `Name { field: value, .. }`, as `#[derive(Debug)]` prints it, with
/// sensitive members shown as [`Redacted`]. Generated `Debug` impls are this
/// one call.
pub fn debug<T: WriteMembers + ?Sized>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut w = DebugMembers { out: f.debug_struct(T::NAME) };
    value.write_members(&mut w);
    w.out.finish()
}

/// Counts the members [`serialize`] will write (serializers are told the count up front).
struct Count(usize);

impl MemberWriter for Count {
    fn member<T: Serialize + fmt::Debug + ?Sized>(&mut self, _: &'static str, _: &'static str, _: &T) {
        self.0 += 1;
    }
    fn optional<T: Serialize + fmt::Debug>(&mut self, _: &'static str, _: &'static str, value: &Option<T>) {
        self.0 += usize::from(value.is_some());
    }
    fn sensitive<T: Serialize + ?Sized>(&mut self, _: &'static str, _: &'static str, _: &T) {
        self.0 += 1;
    }
    fn sensitive_optional<T: Serialize>(&mut self, _: &'static str, _: &'static str, value: &Option<T>) {
        self.0 += usize::from(value.is_some());
    }
}

struct DebugMembers<'a, 'b> {
    out: fmt::DebugStruct<'a, 'b>,
}

impl MemberWriter for DebugMembers<'_, '_> {
    fn member<T: Serialize + fmt::Debug + ?Sized>(&mut self, _: &'static str, field: &'static str, value: &T) {
        self.out.field(field, &value);
    }
    fn optional<T: Serialize + fmt::Debug>(&mut self, _: &'static str, field: &'static str, value: &Option<T>) {
        self.out.field(field, value);
    }
    fn sensitive<T: Serialize + ?Sized>(&mut self, _: &'static str, field: &'static str, _: &T) {
        self.out.field(field, &Redacted);
    }
    fn sensitive_optional<T: Serialize>(&mut self, _: &'static str, field: &'static str, _: &Option<T>) {
        self.out.field(field, &Redacted);
    }
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
pub fn writer<S: Serializer>(
    serializer: S,
    name: &'static str,
    len: usize,
) -> Result<Writer<S::SerializeStruct>, S::Error> {
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

impl<S: SerializeStruct> MemberWriter for Writer<S> {
    #[inline]
    fn member<T: Serialize + fmt::Debug + ?Sized>(&mut self, wire: &'static str, _: &'static str, value: &T) {
        Writer::member(self, wire, value);
    }
    #[inline]
    fn optional<T: Serialize + fmt::Debug>(&mut self, wire: &'static str, _: &'static str, value: &Option<T>) {
        Writer::optional(self, wire, value);
    }
    #[inline]
    fn sensitive<T: Serialize + ?Sized>(&mut self, wire: &'static str, _: &'static str, value: &T) {
        Writer::member(self, wire, value);
    }
    #[inline]
    fn sensitive_optional<T: Serialize>(&mut self, wire: &'static str, _: &'static str, value: &Option<T>) {
        Writer::optional(self, wire, value);
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

    struct Secrets {
        id: String,
        token: Option<String>,
        pin: String,
        note: Option<u8>,
    }

    impl WriteMembers for Secrets {
        const NAME: &'static str = "Secrets";
        fn write_members<W: MemberWriter>(&self, w: &mut W) {
            w.member("Id", "id", &self.id);
            w.sensitive_optional("Token", "token", &self.token);
            w.sensitive("Pin", "pin", &self.pin);
            w.optional("Note", "note", &self.note);
        }
    }

    impl Serialize for Secrets {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize(self, serializer)
        }
    }

    impl fmt::Debug for Secrets {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            super::debug(self, f)
        }
    }

    #[test]
    fn one_members_list_serves_serialize_and_debug() {
        let s = Secrets { id: "a".into(), token: Some("t".into()), pin: "1234".into(), note: None };
        // Sensitive members are written; absent ones are not, sensitive or not.
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"Id":"a","Token":"t","Pin":"1234"}"#);
        let none = Secrets { token: None, note: Some(7), ..s };
        assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"Id":"a","Pin":"1234","Note":7}"#);
        // Debug prints every field by its Rust name, sensitive ones redacted even when absent.
        let r = crate::redact::REDACTED;
        assert_eq!(format!("{none:?}"), format!(r#"Secrets {{ id: "a", token: {r}, pin: {r}, note: Some(7) }}"#));
        assert!(format!("{none:#?}").contains("\n    note: Some(\n        7,\n    ),\n"));
    }

    #[test]
    fn serializers_are_told_the_number_of_members_present() {
        // serde_json writes `{}` at once for a structure said to be empty, so a wrong count shows.
        let empty = Secrets { id: String::new(), token: None, pin: String::new(), note: None };
        assert_eq!(serde_json::to_value(&empty).unwrap(), serde_json::json!({"Id": "", "Pin": ""}));
        struct Nothing;
        impl WriteMembers for Nothing {
            const NAME: &'static str = "Nothing";
            fn write_members<W: MemberWriter>(&self, _: &mut W) {}
        }
        impl Serialize for Nothing {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::serialize(self, serializer)
            }
        }
        impl fmt::Debug for Nothing {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                super::debug(self, f)
            }
        }
        assert_eq!(serde_json::to_string(&Nothing).unwrap(), "{}");
        assert_eq!(format!("{:?}", Nothing), "Nothing");
    }
}
