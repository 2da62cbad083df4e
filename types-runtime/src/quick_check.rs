//! A fast yes/no check of a JSON body against a shape, straight from the bytes.
//!
//! Servers see mostly valid requests. Building a [`serde_json::Value`] only to validate it costs
//! more than the rest of the request's JSON work, so a server first asks this check, which
//! walks the JSON tokens without building anything. Only a body it cannot vouch for goes through
//! [`validate`](crate::validate), which finds and words every problem. The check is
//! conservative: whatever it accepts `validate` accepts too (a test holds it to that); what it
//! is unsure of (blobs, timestamps given as text, unusual numbers) it leaves to `validate`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::enums::Text;
use crate::shape::{Shape, ShapeKind, StringRules};
use crate::validate::MAX_DEPTH;

/// Whether `body` (JSON) certainly satisfies `shape`: well typed and within every constraint.
/// `false` means "let [`validate`](crate::validate) decide", not necessarily "invalid".
///
/// ```
/// use awsjson_types::{quick_check, Member, Shape, ShapeKind, StringRules};
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
/// assert!(quick_check(&REQUEST, br#"{"Name": "diego", "Other": [1, {"x": null}]}"#));
/// assert!(!quick_check(&REQUEST, br#"{"Name": ""}"#));
/// assert!(!quick_check(&REQUEST, br#"{}"#));
/// ```
pub fn quick_check(shape: &'static Shape, body: &[u8]) -> bool {
    let mut de = serde_json::Deserializer::from_slice(body);
    Check { shape, depth: 0 }.deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// A failed check: no message, the verdict is all that matters.
fn unsure<E: de::Error>() -> E {
    E::custom("unsure")
}

/// One value of `shape`, `depth` containers deep.
#[derive(Clone, Copy)]
struct Check {
    shape: &'static Shape,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Check {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(unsure());
        }
        match &self.shape.kind {
            // Anything goes in a document.
            ShapeKind::Document => deserializer.deserialize_ignored_any(IgnoredAny).map(|_| ()),
            // Base64 and sizes, and timestamps as text, are left to the full validator.
            ShapeKind::Blob { .. } => Err(unsure()),
            _ => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Check {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value of {}", self.shape.name)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        ok_if(matches!(self.shape.kind, ShapeKind::Boolean))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        match &self.shape.kind {
            ShapeKind::Integer { min, max } => ok_if(min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)),
            ShapeKind::Float { .. } => self.visit_f64(v as f64),
            ShapeKind::Timestamp => Ok(()),
            _ => Err(unsure()),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => Err(unsure()),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        match &self.shape.kind {
            ShapeKind::Float { min, max } => ok_if(min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)),
            ShapeKind::Timestamp => ok_if(v.is_finite()),
            _ => Err(unsure()),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match &self.shape.kind {
            ShapeKind::String(rules) => ok_if(string_ok(rules, v)),
            _ => Err(unsure()),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // A top-level or list-element null: let the full validator word it.
        Err(unsure())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ShapeKind::List { member, min, max } = &self.shape.kind else { return Err(unsure()) };
        let element = Check { shape: member, depth: self.depth + 1 };
        let mut count: u64 = 0;
        while seq.next_element_seed(element)?.is_some() {
            count += 1;
        }
        ok_if(min.is_none_or(|m| count >= m) && max.is_none_or(|m| count <= m))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match &self.shape.kind {
            ShapeKind::Structure { members } => {
                // Required members seen with a non-null value, as a bit set (structures with
                // more than 64 required members go to the full validator).
                let required: u64 = members.iter().enumerate().filter(|(_, m)| m.required).fold(0, |acc, (i, _)| {
                    if i < 64 { acc | (1 << i) } else { u64::MAX }
                });
                if required == u64::MAX {
                    return Err(unsure());
                }
                let mut seen = 0u64;
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    match members.iter().position(|m| m.name == key.0) {
                        Some(i) => {
                            let present = map.next_value_seed(Member(Check { shape: members[i].target, depth: self.depth + 1 }))?;
                            if present && i < 64 {
                                seen |= 1 << i;
                            }
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                ok_if(seen & required == required)
            }
            ShapeKind::Map { key, value, min, max } => {
                let mut count: u64 = 0;
                while let Some(k) = map.next_key::<Text<'de>>()? {
                    let key_ok = match &key.kind {
                        ShapeKind::String(rules) => string_ok(rules, &k.0),
                        _ => false,
                    };
                    if !key_ok {
                        return Err(unsure());
                    }
                    map.next_value_seed(Check { shape: value, depth: self.depth + 1 })?;
                    count += 1;
                }
                ok_if(min.is_none_or(|m| count >= m) && max.is_none_or(|m| count <= m))
            }
            _ => Err(unsure()),
        }
    }
}

/// A structure member's value: `null` means absent; returns whether it was present.
struct Member(Check);

impl<'de> DeserializeSeed<'de> for Member {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Member {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        self.0.deserialize(deserializer).map(|()| true)
    }
}

fn ok_if<E: de::Error>(ok: bool) -> Result<(), E> {
    if ok { Ok(()) } else { Err(unsure()) }
}

fn string_ok(rules: &StringRules, v: &str) -> bool {
    let needs_length = rules.min.is_some() || rules.max.is_some();
    let length = if needs_length { v.chars().count() as u64 } else { 0 };
    rules.min.is_none_or(|m| length >= m)
        && rules.max.is_none_or(|m| length <= m)
        && rules.values.is_none_or(|values| values.contains(&v))
        && rules.pattern.is_none_or(|p| p.check(v) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{Member as M, Pattern};

    static NAME_PATTERN: Pattern = Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
    static NAME: Shape = Shape {
        name: "Name",
        sensitive: true,
        kind: ShapeKind::String(StringRules { min: Some(1), max: Some(8), pattern: Some(&NAME_PATTERN), values: None }),
    };
    static COLOR: Shape = Shape {
        name: "Color",
        sensitive: false,
        kind: ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: Some(&["RED", "BLUE"]) }),
    };
    static LIMIT: Shape = Shape { name: "Limit", sensitive: false, kind: ShapeKind::Integer { min: Some(1), max: Some(60) } };
    static WHEN: Shape = Shape { name: "When", sensitive: false, kind: ShapeKind::Timestamp };
    static FLAG: Shape = Shape { name: "Flag", sensitive: false, kind: ShapeKind::Boolean };
    static DOC: Shape = Shape { name: "Doc", sensitive: false, kind: ShapeKind::Document };
    static IMAGE: Shape = Shape { name: "Image", sensitive: false, kind: ShapeKind::Blob { min: None, max: Some(4) } };
    static NAMES: Shape = Shape { name: "Names", sensitive: false, kind: ShapeKind::List { member: &NAME, min: None, max: Some(2) } };
    static TAGS: Shape = Shape { name: "Tags", sensitive: false, kind: ShapeKind::Map { key: &NAME, value: &COLOR, min: None, max: None } };
    static REQUEST: Shape = Shape {
        name: "Request",
        sensitive: false,
        kind: ShapeKind::Structure {
            members: &[
                M { name: "Name", target: &NAME, required: true },
                M { name: "Color", target: &COLOR, required: false },
                M { name: "Limit", target: &LIMIT, required: false },
                M { name: "When", target: &WHEN, required: false },
                M { name: "Flag", target: &FLAG, required: false },
                M { name: "Doc", target: &DOC, required: false },
                M { name: "Image", target: &IMAGE, required: false },
                M { name: "Names", target: &NAMES, required: false },
                M { name: "Tags", target: &TAGS, required: false },
                M { name: "Child", target: &REQUEST, required: false },
            ],
        },
    };

    const BODIES: &[&str] = &[
        r#"{"Name":"diego"}"#,
        r#"{"Name":"Zoë","Color":"RED","Limit":60,"When":1548099495.428,"Flag":true,"Doc":{"a":[1,null]},"Names":["a","b"],"Tags":{"k":"BLUE"},"Child":{"Name":"x"},"Unknown":{"deep":[1]}}"#,
        r#"{"Name":"diego","Color":null,"Limit":null}"#,
        r#"{"Name":"a b"}"#,
        r#"{"Name":""}"#,
        r#"{"Name":"123456789"}"#,
        r#"{"Name":null}"#,
        r#"{}"#,
        r#"{"Name":"d","Color":"GREEN"}"#,
        r#"{"Name":"d","Limit":0}"#,
        r#"{"Name":"d","Limit":61}"#,
        r#"{"Name":"d","Limit":1.5}"#,
        r#"{"Name":"d","Limit":"5"}"#,
        r#"{"Name":"d","When":"2019-01-21T19:38:15Z"}"#,
        r#"{"Name":"d","Flag":"true"}"#,
        r#"{"Name":"d","Image":"AAAA"}"#,
        r#"{"Name":"d","Names":["a","b","c"]}"#,
        r#"{"Name":"d","Names":["a",null]}"#,
        r#"{"Name":"d","Tags":{"bad key":"RED"}}"#,
        r#"{"Name":"d","Child":{}}"#,
        r#"{"Name":5}"#,
        r#"[]"#,
        r#"null"#,
        r#"{"Name":"d"} trailing"#,
        r#"{"Name":"d""#,
    ];

    #[test]
    fn accepts_only_what_the_full_validator_accepts() {
        let mut accepted = 0;
        for body in BODIES {
            if quick_check(&REQUEST, body.as_bytes()) {
                accepted += 1;
                let value: serde_json::Value = serde_json::from_str(body).expect("accepted bodies are JSON");
                assert!(crate::validate(&REQUEST, &value).is_ok(), "quick_check accepted {body} but validate does not");
            }
        }
        assert_eq!(accepted, 3, "the three valid bodies take the fast path");
    }

    #[test]
    fn deep_nesting_is_left_to_the_full_validator() {
        let body = format!("{}{}{}", r#"{"Name":"d","Child":"#.repeat(70), r#"{"Name":"d"}"#, "}".repeat(70));
        assert!(!quick_check(&REQUEST, body.as_bytes()));
    }
}
