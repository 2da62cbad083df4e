//! `null` as absence, in the typed parse of a validated value.
//!
//! [`validate`](crate::validate()) takes a `null` anywhere in a body as "absent": a structure
//! member, a list element, a map entry's value. The typed models hold absence only in optional
//! structure members, so a `null` element or map value (which real clients send:
//! amazon-cognito-identity-js puts `"DEVICE_KEY": null` in `AuthParameters` when it has no
//! device, and AWS accepts it) would fail the typed parse after passing validation.
//! [`drop_nulls`] removes them first, as the shape says where the value's collections are.

use serde_json::Value;

use crate::shape::{Shape, ShapeKind};
use crate::validate::MAX_DEPTH;

/// Removes the `null` elements of `value`'s lists and the `null`-valued entries of its maps,
/// everywhere `shape` places a list or map (documents are left as they are). Members the shape
/// does not know are left alone; so is anything deeper than [`MAX_DEPTH`], which validation
/// refuses.
///
/// ```
/// use awsjson_types::{Member, Shape, ShapeKind, StringRules, drop_nulls};
///
/// static TEXT: Shape =
///     Shape { name: "Text", sensitive: false, kind: ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: None }) };
/// static PARAMS: Shape = Shape { name: "Params", sensitive: false, kind: ShapeKind::Map { key: &TEXT, value: &TEXT, min: None, max: None } };
/// static REQUEST: Shape = Shape {
///     name: "Request",
///     sensitive: false,
///     kind: ShapeKind::Structure { members: &[Member { name: "Params", target: &PARAMS, required: false }] },
/// };
/// let mut body = serde_json::json!({"Params": {"USERNAME": "ana", "DEVICE_KEY": null}});
/// drop_nulls(&REQUEST, &mut body);
/// assert_eq!(body, serde_json::json!({"Params": {"USERNAME": "ana"}}));
/// ```
pub fn drop_nulls(shape: &Shape, value: &mut Value) {
    walk(shape, value, 0);
}

fn walk(shape: &Shape, value: &mut Value, depth: usize) {
    if depth >= MAX_DEPTH {
        return;
    }
    match (&shape.kind, value) {
        (ShapeKind::Structure { members } | ShapeKind::Union { members }, Value::Object(object)) => {
            for member in members.iter() {
                if let Some(inner) = object.get_mut(member.name) {
                    walk(member.target, inner, depth + 1);
                }
            }
        }
        (ShapeKind::List { member, .. }, Value::Array(items)) => {
            items.retain(|item| !item.is_null());
            for item in items {
                walk(member, item, depth + 1);
            }
        }
        (ShapeKind::Map { value: value_shape, .. }, Value::Object(entries)) => {
            entries.retain(|_, v| !v.is_null());
            for (_, entry) in entries.iter_mut() {
                walk(value_shape, entry, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::shape::{Member, StringRules};

    static TEXT: Shape = Shape {
        name: "Text",
        sensitive: false,
        kind: ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: None }),
    };
    static TEXTS: Shape =
        Shape { name: "Texts", sensitive: false, kind: ShapeKind::List { member: &TEXT, min: None, max: None } };
    static BY_NAME: Shape = Shape {
        name: "ByName",
        sensitive: false,
        kind: ShapeKind::Map { key: &TEXT, value: &TEXTS, min: None, max: None },
    };
    static ANY: Shape = Shape { name: "Any", sensitive: false, kind: ShapeKind::Document };
    static OUTER: Shape = Shape {
        name: "Outer",
        sensitive: false,
        kind: ShapeKind::Structure {
            members: &[
                Member { name: "ByName", target: &BY_NAME, required: false },
                Member { name: "Doc", target: &ANY, required: false },
                Member { name: "Name", target: &TEXT, required: false },
            ],
        },
    };

    #[test]
    fn nulls_go_from_lists_and_maps_at_every_level_but_not_from_documents_or_members() {
        let mut value = json!({
            "ByName": {"a": ["x", null, "y"], "b": null, "c": [null]},
            "Doc": {"keep": null, "list": [null]},
            "Name": null,
            "Unknown": {"z": null}
        });
        drop_nulls(&OUTER, &mut value);
        assert_eq!(
            value,
            json!({
                "ByName": {"a": ["x", "y"], "c": []},
                "Doc": {"keep": null, "list": [null]},
                "Name": null,
                "Unknown": {"z": null}
            })
        );
    }

    #[test]
    fn values_of_other_types_are_left_for_validation() {
        let mut value = json!({"ByName": ["not", "a", "map", null]});
        drop_nulls(&OUTER, &mut value);
        assert_eq!(value, json!({"ByName": ["not", "a", "map", null]}));
    }
}
