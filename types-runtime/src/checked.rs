//! Parsing a typed input and checking it against its shape in one pass over the bytes.
//!
//! Servers see mostly valid requests. Building a [`serde_json::Value`] only to validate it costs
//! more than the rest of the request's JSON work, and a separate checking pass over the bytes
//! costs nearly as much as the typed parse itself. So the typed parse runs through a
//! [`Deserializer`] adapter that checks every value against the model as the typed
//! `Deserialize` impl pulls it. Only a body it cannot vouch for goes through
//! [`validate`](crate::validate()), which finds and words every problem. The check is
//! conservative: whatever it accepts `validate` accepts too (a test holds it to that); what it
//! is unsure of (blobs, timestamps given as text, unusual numbers) it leaves to `validate`.

use std::cell::Cell;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

use crate::shape::{Member, Shape, ShapeKind, StringRules};
use crate::validate::MAX_DEPTH;

/// Parses `body` (JSON) as a `T` whose model is `shape`, if the body is certainly valid: well
/// typed and within every constraint. `None` means "let [`validate`](crate::validate()) decide",
/// not necessarily "invalid".
///
/// ```
/// use awsjson_types::{parse_checked, Member, Shape, ShapeKind, StringRules};
///
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Request {
///     #[serde(rename = "Name", default)]
///     name: String,
/// }
/// static NAME: Shape = Shape {
///     name: "Name",
///     sensitive: false,
///     kind: ShapeKind::String(StringRules { min: Some(1), max: Some(8), pattern: None, values: None }),
/// };
/// static REQUEST: Shape = Shape {
///     name: "Request",
///     sensitive: false,
///     kind: ShapeKind::Structure { members: &[Member { name: "Name", target: &NAME, required: true }] },
/// };
/// let parsed = parse_checked::<Request>(&REQUEST, br#"{"Name": "diego", "Other": [1, {"x": null}]}"#);
/// assert_eq!(parsed, Some(Request { name: "diego".into() }));
/// assert_eq!(parse_checked::<Request>(&REQUEST, br#"{"Name": ""}"#), None);
/// assert_eq!(parse_checked::<Request>(&REQUEST, br#"{}"#), None);
/// ```
pub fn parse_checked<'de, T: Deserialize<'de>>(shape: &'static Shape, body: &'de [u8]) -> Option<T> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(Checked { de: &mut de, shape, depth: 0, null: None }).ok()?;
    de.end().ok()?;
    Some(value)
}

/// A failed check: no message, the verdict is all that matters.
fn unsure<E: de::Error>() -> E {
    E::custom("unsure")
}

fn ok_if<E: de::Error>(ok: bool) -> Result<(), E> {
    if ok { Ok(()) } else { Err(unsure()) }
}

/// Whether a string satisfies its rules (length in code points, enum values, pattern).
pub(crate) fn string_ok(rules: &StringRules, v: &str) -> bool {
    let needs_length = rules.min.is_some() || rules.max.is_some();
    let length = if needs_length { v.chars().count() as u64 } else { 0 };
    rules.min.is_none_or(|m| length >= m)
        && rules.max.is_none_or(|m| length <= m)
        && rules.values.is_none_or(|values| values.contains(&v))
        && rules.pattern.is_none_or(|p| p.check(v) == Some(true))
}

/// The deserializer adapter: `de` reads a value that must be a valid `shape`.
struct Checked<'n, D> {
    de: D,
    shape: &'static Shape,
    depth: usize,
    /// Set when the value is `null`: a structure member's value, whose absence matters.
    null: Option<&'n Cell<bool>>,
}

impl<'n, D> Checked<'n, D> {
    fn visitor<V>(&self, inner: V) -> CheckedVisitor<'n, V> {
        CheckedVisitor { inner, shape: self.shape, depth: self.depth, null: self.null }
    }

    /// Blobs are left to the full validator.
    fn precheck<E: de::Error>(&self) -> Result<(), E> {
        if self.depth > MAX_DEPTH {
            return Err(unsure());
        }
        match self.shape.kind {
            ShapeKind::Blob { .. } => Err(unsure()),
            _ => Ok(()),
        }
    }
}

/// Forwards `deserialize_*` methods to the inner deserializer with a checking visitor.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.precheck()?;
            let visitor = self.visitor(visitor);
            self.de.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// The visitor adapter: checks each value it is shown, then hands it on.
struct CheckedVisitor<'n, V> {
    inner: V,
    shape: &'static Shape,
    depth: usize,
    null: Option<&'n Cell<bool>>,
}

impl<V> CheckedVisitor<'_, V> {
    /// Anything goes in a document (its own `null` aside, which still means "absent").
    fn is_document(&self) -> bool {
        matches!(self.shape.kind, ShapeKind::Document)
    }

    fn integer<E: de::Error>(&self, v: i64) -> Result<(), E> {
        match self.shape.kind {
            ShapeKind::Document => Ok(()),
            ShapeKind::Integer { min, max } => ok_if(min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)),
            ShapeKind::Float { .. } => self.float(v as f64),
            ShapeKind::Timestamp => Ok(()),
            _ => Err(unsure()),
        }
    }

    fn unsigned<E: de::Error>(&self, v: u64) -> Result<(), E> {
        i64::try_from(v).map_err(|_| unsure()).and_then(|v| self.integer(v))
    }

    fn float<E: de::Error>(&self, v: f64) -> Result<(), E> {
        match self.shape.kind {
            ShapeKind::Document => Ok(()),
            ShapeKind::Float { min, max } => ok_if(min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)),
            ShapeKind::Timestamp => ok_if(v.is_finite()),
            _ => Err(unsure()),
        }
    }

    fn string<E: de::Error>(&self, v: &str) -> Result<(), E> {
        match &self.shape.kind {
            ShapeKind::Document => Ok(()),
            ShapeKind::String(rules) => ok_if(string_ok(rules, v)),
            _ => Err(unsure()),
        }
    }

    fn nested<'n, T>(&self, de: T) -> Checked<'n, T> {
        Checked { de, shape: self.shape, depth: self.depth, null: None }
    }
}

/// Checks a value with `$check`, then forwards it to the inner visitor.
macro_rules! check_then_forward {
    ($($method:ident($ty:ty) => $check:ident;)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.$check(v.into())?;
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    check_then_forward! {
        visit_i8(i8) => integer;
        visit_i16(i16) => integer;
        visit_i32(i32) => integer;
        visit_i64(i64) => integer;
        visit_u8(u8) => unsigned;
        visit_u16(u16) => unsigned;
        visit_u32(u32) => unsigned;
        visit_u64(u64) => unsigned;
        visit_f32(f32) => float;
        visit_f64(f64) => float;
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        ok_if(matches!(self.shape.kind, ShapeKind::Boolean | ShapeKind::Document))?;
        self.inner.visit_bool(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.string(v)?;
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.string(v)?;
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.string(&v)?;
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        // Only a structure member may be null (it then counts as absent).
        let null = self.null.ok_or_else(unsure)?;
        null.set(true);
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        let null = self.null.ok_or_else(unsure)?;
        null.set(true);
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        let nested = self.nested(deserializer);
        self.inner.visit_some(nested)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        let nested = self.nested(deserializer);
        self.inner.visit_newtype_struct(nested)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.is_document() {
            return self.inner.visit_seq(seq);
        }
        let ShapeKind::List { member, min, max } = &self.shape.kind else { return Err(unsure()) };
        self.inner.visit_seq(CheckedSeq { seq, member, depth: self.depth + 1, count: 0, min: *min, max: *max })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let depth = self.depth + 1;
        match &self.shape.kind {
            ShapeKind::Document => self.inner.visit_map(map),
            ShapeKind::Structure { members } => {
                // Required members seen with a non-null value, as a bit set (structures with
                // more than 64 members go to the full validator).
                if members.len() > 64 {
                    return Err(unsure());
                }
                let required =
                    members.iter().enumerate().filter(|(_, m)| m.required).fold(0u64, |acc, (i, _)| acc | (1 << i));
                let structure =
                    CheckedStructure { map, members, depth, required, seen: 0, current: None, union: false };
                self.inner.visit_map(structure)
            }
            ShapeKind::Union { members } if members.len() <= 64 => {
                let union = CheckedStructure { map, members, depth, required: 0, seen: 0, current: None, union: true };
                self.inner.visit_map(union)
            }
            ShapeKind::Map { key, value, min, max } => {
                let map = CheckedMap { map, key, value, depth, count: 0, min: *min, max: *max };
                self.inner.visit_map(map)
            }
            _ => Err(unsure()),
        }
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<V::Value, E> {
        Err(unsure())
    }

    fn visit_enum<A: EnumAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        Err(unsure())
    }
}

/// A list's elements, each checked against `member`, counted against the list's size bounds.
struct CheckedSeq<A> {
    seq: A,
    member: &'static Shape,
    depth: usize,
    count: u64,
    min: Option<u64>,
    max: Option<u64>,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let element = CheckedSeed { seed, shape: self.member, depth: self.depth, null: None };
        match self.seq.next_element_seed(element)? {
            Some(value) => {
                self.count += 1;
                ok_if(self.max.is_none_or(|m| self.count <= m))?;
                Ok(Some(value))
            }
            None => {
                ok_if(self.min.is_none_or(|m| self.count >= m))?;
                Ok(None)
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// A structure's members: known ones checked against their shapes, required ones counted.
struct CheckedStructure<A> {
    map: A,
    members: &'static [Member],
    depth: usize,
    required: u64,
    seen: u64,
    /// The member whose value comes next (`None`: a key the model does not know).
    current: Option<usize>,
    /// A union: exactly one member set, and no member the model does not know (the typed
    /// parse would read it as `Unknown`, which the validator refuses).
    union: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedStructure<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let found = Cell::new(None);
        let key = KeySeed { seed, members: self.members, found: &found };
        match self.map.next_key_seed(key)? {
            Some(key) => {
                self.current = found.get();
                Ok(Some(key))
            }
            None => {
                ok_if(self.seen & self.required == self.required)?;
                ok_if(!self.union || self.seen.count_ones() == 1)?;
                Ok(None)
            }
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let Some(index) = self.current.take() else {
            ok_if(!self.union)?;
            // Members the model does not know are read (and ignored) unchecked.
            return self.map.next_value_seed(seed);
        };
        let null = Cell::new(false);
        let shape = self.members[index].target;
        let value = self.map.next_value_seed(CheckedSeed { seed, shape, depth: self.depth, null: Some(&null) })?;
        if !null.get() {
            self.seen |= 1 << index;
        }
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A map's entries: keys and values checked, entries counted against the size bounds.
struct CheckedMap<A> {
    map: A,
    key: &'static Shape,
    value: &'static Shape,
    depth: usize,
    count: u64,
    min: Option<u64>,
    max: Option<u64>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.map.next_key_seed(CheckedSeed { seed, shape: self.key, depth: self.depth, null: None })? {
            Some(key) => {
                self.count += 1;
                ok_if(self.max.is_none_or(|m| self.count <= m))?;
                Ok(Some(key))
            }
            None => {
                ok_if(self.min.is_none_or(|m| self.count >= m))?;
                Ok(None)
            }
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(CheckedSeed { seed, shape: self.value, depth: self.depth, null: None })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A seed whose value is read through [`Checked`].
struct CheckedSeed<'n, T> {
    seed: T,
    shape: &'static Shape,
    depth: usize,
    null: Option<&'n Cell<bool>>,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<'_, T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Value, D::Error> {
        self.seed.deserialize(Checked { de: deserializer, shape: self.shape, depth: self.depth, null: self.null })
    }
}

/// A structure's key: notes which member it names, then hands it on unchanged.
struct KeySeed<'f, K> {
    seed: K,
    members: &'static [Member],
    found: &'f Cell<Option<usize>>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDeserializer { de: deserializer, members: self.members, found: self.found })
    }
}

struct KeyDeserializer<'f, D> {
    de: D,
    members: &'static [Member],
    found: &'f Cell<Option<usize>>,
}

/// Forwards `deserialize_*` methods of a key to the inner deserializer with a noting visitor.
macro_rules! forward_key {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.de.$method($($arg,)* KeyVisitor { inner: visitor, members: self.members, found: self.found })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<'_, D> {
    type Error = D::Error;

    forward_key! {
        deserialize_any();
        deserialize_str();
        deserialize_string();
        deserialize_identifier();
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

struct KeyVisitor<'f, V> {
    inner: V,
    members: &'static [Member],
    found: &'f Cell<Option<usize>>,
}

impl<V> KeyVisitor<'_, V> {
    fn note(&self, key: &str) {
        self.found.set(self.members.iter().position(|m| m.name == key));
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.note(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.note(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.note(&v);
        self.inner.visit_string(v)
    }
}

#[cfg(test)]
#[path = "checked_tests.rs"]
mod tests;
