//! The schema typify sees: the model's structures with wire types only (no constraints), simple
//! named types inlined, and replacements for enums, timestamps and blobs.

use serde_json::{Map, Value, json};
use typify::{TypeSpaceImpl, TypeSpaceSettings};

use crate::emit::Cx;
use crate::emit::names::type_name;
use crate::model::{FloatBits, IntBits, ShapeKind};

/// `$defs` names standing for runtime types (replaced, never generated).
pub const TIMESTAMP_DEF: &str = "AwsjsonRuntimeTimestamp";
pub const BLOB_DEF: &str = "AwsjsonRuntimeBlob";
pub const DATE_TIME_DEF: &str = "AwsjsonRuntimeDateTime";
pub const HTTP_DATE_DEF: &str = "AwsjsonRuntimeHttpDate";

pub fn settings(cx: &Cx) -> TypeSpaceSettings {
    let mut settings = TypeSpaceSettings::default();
    settings.with_map_type("::std::collections::BTreeMap");
    settings.with_derive("PartialEq".to_string());
    let types_rt = &cx.options.types_crate;
    settings.with_replacement(TIMESTAMP_DEF, format!("{types_rt}::Timestamp"), [TypeSpaceImpl::Default].into_iter());
    settings.with_replacement(DATE_TIME_DEF, format!("{types_rt}::DateTime"), [TypeSpaceImpl::Default].into_iter());
    settings.with_replacement(HTTP_DATE_DEF, format!("{types_rt}::HttpDate"), [TypeSpaceImpl::Default].into_iter());
    settings.with_replacement(BLOB_DEF, format!("{types_rt}::Blob"), [TypeSpaceImpl::Default].into_iter());
    for shape in cx.service.shapes.values().filter(|s| s.is_enum()) {
        let name = type_name(&shape.name);
        let impls = [TypeSpaceImpl::Default, TypeSpaceImpl::Display, TypeSpaceImpl::FromStr];
        settings.with_replacement(&name, format!("crate::types::{name}"), impls.into_iter());
    }
    // Unions are our own enums (`emit/unions.rs`): typify only needs to know they have a default.
    for shape in cx.service.shapes.values().filter(|s| s.is_union()) {
        let name = type_name(&shape.name);
        settings.with_replacement(&name, format!("crate::types::{name}"), [TypeSpaceImpl::Default].into_iter());
    }
    settings
}

pub fn root_schema(cx: &Cx) -> Value {
    let mut defs = Map::new();
    for shape in cx.service.shapes.values() {
        let name = type_name(&shape.name);
        match &shape.kind {
            ShapeKind::Structure { members } => {
                let mut properties = Map::new();
                let mut required = Vec::new();
                for m in members {
                    properties.insert(m.name.clone(), member_schema(cx, &m.target, !m.required));
                    if m.required {
                        required.push(Value::String(m.name.clone()));
                    }
                }
                // `additionalProperties: false` keeps typify from turning a member-less structure
                // into a map newtype; the `deny_unknown_fields` it implies is removed afterwards.
                let mut def = json!({"type": "object", "properties": properties, "required": required});
                if members.is_empty() {
                    def["additionalProperties"] = Value::Bool(false);
                }
                defs.insert(name, def);
            }
            ShapeKind::String(s) if s.values.is_some() => {
                defs.insert(name, json!({"type": "string"}));
            }
            ShapeKind::Union { .. } => {
                defs.insert(name, json!({"type": "object"}));
            }
            _ => {}
        }
    }
    defs.insert(TIMESTAMP_DEF.into(), json!({"type": "number"}));
    defs.insert(DATE_TIME_DEF.into(), json!({"type": "string"}));
    defs.insert(HTTP_DATE_DEF.into(), json!({"type": "string"}));
    defs.insert(BLOB_DEF.into(), json!({"type": "string"}));
    json!({"$defs": defs})
}

/// The wire type of a member targeting `target`; `nullable` for members that are not required.
fn member_schema(cx: &Cx, target: &str, nullable: bool) -> Value {
    let shape = cx.service.shape(target);
    let reference = |def: &str| json!({"$ref": format!("#/$defs/{def}")});
    let with_null = |kind: &str| if nullable { json!([kind, "null"]) } else { json!(kind) };
    match &shape.kind {
        ShapeKind::String(s) if s.values.is_some() => reference(&type_name(&shape.name)),
        ShapeKind::String(_) => json!({"type": "string"}),
        ShapeKind::Integer { bits, .. } => {
            json!({"type": "integer", "format": if *bits == IntBits::I32 { "int32" } else { "int64" }})
        }
        ShapeKind::Float { bits, .. } => {
            json!({"type": "number", "format": if *bits == FloatBits::F32 { "float" } else { "double" }})
        }
        ShapeKind::Boolean => json!({"type": "boolean"}),
        ShapeKind::Timestamp => reference(TIMESTAMP_DEF),
        ShapeKind::DateTime => reference(DATE_TIME_DEF),
        ShapeKind::HttpDate => reference(HTTP_DATE_DEF),
        ShapeKind::Blob { .. } => reference(BLOB_DEF),
        ShapeKind::Document => json!({}),
        ShapeKind::List { member, .. } => {
            json!({"type": with_null("array"), "items": member_schema(cx, member, false)})
        }
        ShapeKind::Map { value, .. } => {
            json!({"type": with_null("object"), "additionalProperties": member_schema(cx, value, false)})
        }
        ShapeKind::Structure { .. } | ShapeKind::Union { .. } => reference(&type_name(&shape.name)),
    }
}
