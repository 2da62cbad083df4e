//! Static shape descriptors: the constraint tables the code generator emits for validation.
//!
//! Every type here can be built in a `static` initializer, and statics may refer to each other,
//! cyclically if the model is recursive. `Debug` prints referenced shapes by name only, so it
//! terminates on cycles.

use std::fmt;

pub use crate::pattern::Pattern;

/// One type of the model: its name, whether its values are secret, and its constraints.
///
/// ```
/// use awsjson_types::{Member, Pattern, Shape, ShapeKind, StringRules};
///
/// static NAME_PATTERN: Pattern = Pattern::new(r"[\p{L}]+");
/// static NAME: Shape = Shape {
///     name: "NameType",
///     sensitive: false,
///     kind: ShapeKind::String(StringRules {
///         min: Some(1),
///         max: Some(32),
///         pattern: Some(&NAME_PATTERN),
///         values: None,
///     }),
/// };
/// static NAMES: Shape = Shape {
///     name: "NameListType",
///     sensitive: false,
///     kind: ShapeKind::List { member: &NAME, min: None, max: Some(10) },
/// };
/// static REQUEST: Shape = Shape {
///     name: "Request",
///     sensitive: false,
///     kind: ShapeKind::Structure {
///         members: &[Member { name: "Names", target: &NAMES, required: true }],
///     },
/// };
/// assert_eq!(REQUEST.name, "Request");
/// ```
pub struct Shape {
    /// The model's name for the type, e.g. `UsernameType`.
    pub name: &'static str,
    /// Whether values of this type are secret; they are then never printed in messages.
    pub sensitive: bool,
    /// What the type is, with its constraints.
    pub kind: ShapeKind,
}

/// What a [`Shape`] is, with the constraints the model puts on it. Bounds are inclusive.
///
/// ```
/// use awsjson_types::ShapeKind;
///
/// static RANGE: ShapeKind = ShapeKind::Integer { min: Some(0), max: Some(60) };
/// assert!(matches!(RANGE, ShapeKind::Integer { max: Some(60), .. }));
/// ```
pub enum ShapeKind {
    /// A string: JSON string.
    String(StringRules),
    /// An integer or long: JSON integer, with a value range.
    Integer {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
    },
    /// A float or double: JSON number (or `"NaN"`, `"Infinity"`, `"-Infinity"`), with a range.
    Float {
        /// Smallest allowed value.
        min: Option<f64>,
        /// Largest allowed value.
        max: Option<f64>,
    },
    /// A boolean: JSON `true` or `false`.
    Boolean,
    /// A timestamp: epoch seconds as a JSON number, or a date-time string.
    Timestamp,
    /// Binary data: base64 JSON string. Sizes are in bytes after decoding.
    Blob {
        /// Fewest allowed bytes.
        min: Option<u64>,
        /// Most allowed bytes.
        max: Option<u64>,
    },
    /// Any JSON value.
    Document,
    /// A list: JSON array.
    List {
        /// The shape of each element.
        member: &'static Shape,
        /// Fewest allowed elements.
        min: Option<u64>,
        /// Most allowed elements.
        max: Option<u64>,
    },
    /// A map: JSON object with arbitrary keys.
    Map {
        /// The shape of each key (a string shape).
        key: &'static Shape,
        /// The shape of each value.
        value: &'static Shape,
        /// Fewest allowed entries.
        min: Option<u64>,
        /// Most allowed entries.
        max: Option<u64>,
    },
    /// A structure: JSON object with named members, in model order.
    Structure {
        /// The members, in model order.
        members: &'static [Member],
    },
    /// A union: JSON object with exactly one of its members set (none is `required`).
    Union {
        /// The members, in model order.
        members: &'static [Member],
    },
}

/// Constraints on a string shape. Lengths count Unicode code points.
///
/// ```
/// use awsjson_types::StringRules;
///
/// static STATUS: StringRules = StringRules {
///     min: None,
///     max: None,
///     pattern: None,
///     values: Some(&["ENABLED", "DISABLED"]),
/// };
/// assert_eq!(STATUS.values.map(<[_]>::len), Some(2));
/// ```
pub struct StringRules {
    /// Fewest allowed code points.
    pub min: Option<u64>,
    /// Most allowed code points.
    pub max: Option<u64>,
    /// A pattern the whole value must match.
    pub pattern: Option<&'static Pattern>,
    /// For enums: the allowed values.
    pub values: Option<&'static [&'static str]>,
}

/// A member of a structure shape.
///
/// ```
/// use awsjson_types::{Member, Shape, ShapeKind};
///
/// static FLAG: Shape = Shape { name: "BooleanType", sensitive: false, kind: ShapeKind::Boolean };
/// static ENABLED: Member = Member { name: "Enabled", target: &FLAG, required: false };
/// assert_eq!(ENABLED.target.name, "BooleanType");
/// ```
pub struct Member {
    /// The member's wire name, e.g. `UserPoolId`.
    pub name: &'static str,
    /// The member's shape.
    pub target: &'static Shape,
    /// Whether the member must be present (and not null).
    pub required: bool,
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shape")
            .field("name", &self.name)
            .field("sensitive", &self.sensitive)
            .field("kind", &self.kind)
            .finish()
    }
}

/// Prints a referenced shape by name, so that cyclic shapes print in finite space.
struct ByName(&'static Shape);

impl fmt::Debug for ByName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl fmt::Debug for ShapeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeKind::String(rules) => f.debug_tuple("String").field(rules).finish(),
            ShapeKind::Integer { min, max } => f.debug_struct("Integer").field("min", min).field("max", max).finish(),
            ShapeKind::Float { min, max } => f.debug_struct("Float").field("min", min).field("max", max).finish(),
            ShapeKind::Boolean => f.write_str("Boolean"),
            ShapeKind::Timestamp => f.write_str("Timestamp"),
            ShapeKind::Blob { min, max } => f.debug_struct("Blob").field("min", min).field("max", max).finish(),
            ShapeKind::Document => f.write_str("Document"),
            ShapeKind::List { member, min, max } => {
                f.debug_struct("List").field("member", &ByName(member)).field("min", min).field("max", max).finish()
            }
            ShapeKind::Map { key, value, min, max } => f
                .debug_struct("Map")
                .field("key", &ByName(key))
                .field("value", &ByName(value))
                .field("min", min)
                .field("max", max)
                .finish(),
            ShapeKind::Structure { members } => f.debug_struct("Structure").field("members", members).finish(),
            ShapeKind::Union { members } => f.debug_struct("Union").field("members", members).finish(),
        }
    }
}

impl fmt::Debug for StringRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StringRules")
            .field("min", &self.min)
            .field("max", &self.max)
            .field("pattern", &self.pattern.map(Pattern::source))
            .field("values", &self.values)
            .finish()
    }
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Member")
            .field("name", &self.name)
            .field("target", &ByName(self.target))
            .field("required", &self.required)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A recursive model: a node holds a list of nodes.
    static NODE: Shape = Shape {
        name: "Node",
        sensitive: false,
        kind: ShapeKind::Structure {
            members: &[
                Member { name: "Label", target: &LABEL, required: true },
                Member { name: "Children", target: &NODES, required: false },
            ],
        },
    };
    static NODES: Shape =
        Shape { name: "NodeList", sensitive: false, kind: ShapeKind::List { member: &NODE, min: None, max: Some(3) } };
    static LABEL_PATTERN: Pattern = Pattern::new("[a-z]+");
    static LABEL: Shape = Shape {
        name: "Label",
        sensitive: false,
        kind: ShapeKind::String(StringRules {
            min: Some(1),
            max: None,
            pattern: Some(&LABEL_PATTERN),
            values: Some(&["a", "b"]),
        }),
    };

    #[test]
    fn statics_can_be_cyclic() {
        let ShapeKind::List { member, .. } = &NODES.kind else { panic!("not a list") };
        assert!(std::ptr::eq(*member, &NODE));
        fn assert_sync<T: Sync>() {}
        assert_sync::<Shape>();
    }

    #[test]
    fn debug_terminates_on_cycles() {
        let text = format!("{NODE:?}");
        assert!(text.contains("target: NodeList"), "{text}");
        let label = format!("{LABEL:?}");
        assert!(label.contains("pattern: Some(\"[a-z]+\")"), "{label}");
        assert!(label.contains("values: Some([\"a\", \"b\"])"), "{label}");
        assert_eq!(
            format!("{NODES:?}"),
            "Shape { name: \"NodeList\", sensitive: false, kind: List { member: Node, min: None, max: Some(3) } }"
        );
    }

    #[test]
    fn debug_covers_every_kind() {
        let kinds = [
            ShapeKind::Integer { min: Some(1), max: None },
            ShapeKind::Float { min: None, max: Some(1.5) },
            ShapeKind::Boolean,
            ShapeKind::Timestamp,
            ShapeKind::Blob { min: None, max: None },
            ShapeKind::Document,
            ShapeKind::Map { key: &LABEL, value: &NODE, min: None, max: None },
        ];
        let texts: Vec<String> = kinds.iter().map(|k| format!("{k:?}")).collect();
        assert_eq!(texts[0], "Integer { min: Some(1), max: None }");
        assert_eq!(texts[2], "Boolean");
        assert!(texts[6].starts_with("Map { key: Label, value: Node"));
    }
}
