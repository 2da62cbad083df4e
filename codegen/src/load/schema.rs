//! JSON Schema -> shapes: reference resolution and the mapping of keywords to shape kinds.
//!
//! References understood: relative file refs (`UserType.json`, `./UserType.json#/$defs/X`),
//! local `$defs` (`#/$defs/X`, also `#/definitions/X`), the whole file (`#`), and the catalogue's
//! `#/components/schemas/Name`, which names a sibling file by its `title`. The catalogue's
//! `allOf: [{"$ref": ...}, {"description": ...}]` wrapper is read as a plain reference.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Map, Value};

use super::LoadError;
use super::files::SchemaFile;
use crate::model::{FloatBits, IntBits, Member, Shape, ShapeKind, StringShape};

/// Keywords that only annotate a schema; a subschema holding nothing else adds no constraint.
const ANNOTATIONS: &[&str] =
    &["description", "title", "deprecated", "default", "examples", "$comment", "readOnly", "writeOnly"];

/// Converts every file (and its `$defs`) to shapes, keyed by shape name.
pub fn convert_all(files: &[SchemaFile]) -> Result<BTreeMap<String, Shape>, LoadError> {
    let index = Index::build(files)?;
    let mut cx = Converter { index: &index, shapes: BTreeMap::new(), taken: index.all_names() };
    for (file_idx, file) in files.iter().enumerate() {
        let at = At { file: file_idx, pointer: String::new() };
        cx.define(&at, &file.json, file.type_name.clone())?;
        if let Some(defs) = defs_of(&file.json) {
            for (key, def) in defs {
                let name = index.defs[&(file_idx, key.clone())].clone();
                cx.define(&at.child("$defs").child(key), def, name)?;
            }
        }
    }
    Ok(cx.shapes)
}

fn defs_of(json: &Value) -> Option<&Map<String, Value>> {
    json.get("$defs").or_else(|| json.get("definitions")).and_then(Value::as_object)
}

/// Names of everything a reference can point at.
struct Index<'a> {
    files: &'a [SchemaFile],
    by_file_name: BTreeMap<&'a str, usize>,
    by_title: BTreeMap<&'a str, usize>,
    /// (file, def key) -> shape name.
    defs: BTreeMap<(usize, String), String>,
}

impl<'a> Index<'a> {
    fn build(files: &'a [SchemaFile]) -> Result<Self, LoadError> {
        let mut by_title = BTreeMap::new();
        let mut by_file_name = BTreeMap::new();
        for (i, f) in files.iter().enumerate() {
            by_file_name.insert(f.file_name.as_str(), i);
            if let Some(prev) = by_title.insert(f.type_name.as_str(), i) {
                return Err(LoadError::Schema {
                    file: f.file_name.clone(),
                    pointer: "/title".into(),
                    message: format!("type `{}` is also defined by {}", f.type_name, files[prev].file_name),
                });
            }
        }
        let mut defs = BTreeMap::new();
        let mut taken: BTreeSet<String> = by_title.keys().map(|s| s.to_string()).collect();
        for (i, f) in files.iter().enumerate() {
            for key in defs_of(&f.json).into_iter().flat_map(|d| d.keys()) {
                let wanted = key.to_pascal_case();
                let name =
                    if taken.contains(&wanted) { unique(&taken, &format!("{}{wanted}", f.type_name)) } else { wanted };
                taken.insert(name.clone());
                defs.insert((i, key.clone()), name);
            }
        }
        Ok(Index { files, by_file_name, by_title, defs })
    }

    fn all_names(&self) -> BTreeSet<String> {
        self.by_title.keys().map(|s| s.to_string()).chain(self.defs.values().cloned()).collect()
    }

    /// The shape name a `$ref` found in `file` points at.
    fn resolve(&self, file: usize, reference: &str) -> Result<String, String> {
        if let Some(title) = reference.strip_prefix("#/components/schemas/") {
            return self
                .by_title
                .get(title)
                .map(|&i| self.files[i].type_name.clone())
                .ok_or_else(|| format!("no schema in this directory has title `{title}`"));
        }
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if path.is_empty() {
            file
        } else {
            let name = path.strip_prefix("./").unwrap_or(path);
            *self.by_file_name.get(name).ok_or_else(|| format!("`{path}` is not a schema file in this directory"))?
        };
        match fragment {
            "" | "/" => Ok(self.files[target].type_name.clone()),
            _ => {
                let key =
                    fragment.strip_prefix("/$defs/").or_else(|| fragment.strip_prefix("/definitions/")).ok_or_else(
                        || format!("unsupported reference `{reference}` (only whole files and $defs entries)"),
                    )?;
                self.defs
                    .get(&(target, key.to_string()))
                    .cloned()
                    .ok_or_else(|| format!("`{reference}`: no $defs entry `{key}`"))
            }
        }
    }
}

/// Where in which file a schema sits, for error messages.
#[derive(Clone)]
struct At {
    file: usize,
    pointer: String,
}

impl At {
    fn child(&self, segment: &str) -> At {
        At { file: self.file, pointer: format!("{}/{}", self.pointer, segment.replace('~', "~0").replace('/', "~1")) }
    }
}

struct Converter<'a> {
    index: &'a Index<'a>,
    shapes: BTreeMap<String, Shape>,
    taken: BTreeSet<String>,
}

impl Converter<'_> {
    fn err(&self, at: &At, message: impl Into<String>) -> LoadError {
        LoadError::Schema {
            file: self.index.files[at.file].file_name.clone(),
            pointer: if at.pointer.is_empty() { "/".into() } else { at.pointer.clone() },
            message: message.into(),
        }
    }

    /// Defines the shape `name` from a named schema (a file's root or a `$defs` entry).
    fn define(&mut self, at: &At, schema: &Value, name: String) -> Result<(), LoadError> {
        if self.reference_of(at, schema)?.is_some() {
            return Err(self.err(at, "a type that is only a reference to another type is not supported"));
        }
        let shape = self.shape_of(at, schema, &name)?;
        self.shapes.insert(name, shape);
        Ok(())
    }

    /// The shape name a member/items/value schema stands for: a referenced type, or a new
    /// shape synthesized from an inline schema under the suggested name.
    fn use_schema(&mut self, at: &At, schema: &Value, suggested: &str) -> Result<String, LoadError> {
        if let Some(name) = self.reference_of(at, schema)? {
            return Ok(name);
        }
        let name = unique(&self.taken, suggested);
        self.taken.insert(name.clone());
        let shape = self.shape_of(at, schema, &name)?;
        self.shapes.insert(name.clone(), shape);
        Ok(name)
    }

    /// `Some(target)` when the schema is a reference, possibly wrapped in `allOf` with
    /// annotation-only siblings.
    fn reference_of(&self, at: &At, schema: &Value) -> Result<Option<String>, LoadError> {
        let Some(obj) = schema.as_object() else { return Ok(None) };
        if let Some(r) = obj.get("$ref") {
            let r = r.as_str().ok_or_else(|| self.err(at, "$ref must be a string"))?;
            return self.index.resolve(at.file, r).map(Some).map_err(|m| self.err(&at.child("$ref"), m));
        }
        let Some(all_of) = obj.get("allOf").and_then(Value::as_array) else { return Ok(None) };
        let at = at.child("allOf");
        let mut target = None;
        for (i, part) in all_of.iter().enumerate() {
            if part.get("$ref").is_some() && target.is_none() {
                target = self.reference_of(&at.child(&i.to_string()), part)?;
            } else if !is_annotation_only(part) {
                return Err(self.err(&at, "allOf is supported only as a $ref plus annotations (description, ...)"));
            }
        }
        match target {
            Some(t) => Ok(Some(t)),
            None => Err(self.err(&at, "allOf without a $ref")),
        }
    }

    fn shape_of(&mut self, at: &At, schema: &Value, name: &str) -> Result<Shape, LoadError> {
        let obj = match schema {
            Value::Object(o) => o,
            Value::Bool(true) => return Ok(plain(name, ShapeKind::Document)),
            _ => return Err(self.err(at, "expected a schema object")),
        };
        let sensitive = obj.get("x-aws-sensitive").and_then(Value::as_bool).unwrap_or(false)
            || obj.get("format").and_then(Value::as_str) == Some("password");
        let error = match obj.get("x-aws-error") {
            None => None,
            Some(e) => Some(match e.get("fault").and_then(Value::as_str) {
                Some("server") => crate::model::Fault::Server,
                Some("client") | None => crate::model::Fault::Client,
                Some(other) => return Err(self.err(&at.child("x-aws-error"), format!("unknown fault `{other}`"))),
            }),
        };
        let kind = self.kind_of(at, obj, name)?;
        Ok(Shape { name: name.to_string(), sensitive, error, kind })
    }

    fn kind_of(&mut self, at: &At, obj: &Map<String, Value>, name: &str) -> Result<ShapeKind, LoadError> {
        let ty = self.type_of(at, obj)?;
        if let Some(values) = obj.get("enum") {
            let values = values
                .as_array()
                .and_then(|v| v.iter().map(enum_value).collect::<Option<Vec<_>>>())
                .ok_or_else(|| self.err(&at.child("enum"), "only enums of strings are supported"))?;
            return Ok(ShapeKind::String(StringShape { values: Some(values), ..self.string_rules(at, obj)? }));
        }
        let format = obj.get("format").and_then(Value::as_str);
        Ok(match ty.as_deref() {
            // `date-time` alone is the public catalogue's way of writing a timestamp that is epoch
            // seconds on the wire; imported models mark real RFC 3339 members.
            Some("string") if format == Some("date-time") => {
                match obj.get("x-aws-timestamp-format").and_then(Value::as_str) {
                    Some("iso8601") => ShapeKind::DateTime,
                    _ => ShapeKind::Timestamp,
                }
            }
            // An imported `timestampFormat: rfc822` member (JSON Schema has no name for it).
            Some("string") if format == Some("http-date") => ShapeKind::HttpDate,
            Some("string") if obj.get("contentEncoding").and_then(Value::as_str) == Some("base64") => ShapeKind::Blob {
                min: self.uint(at, obj, "x-aws-min-bytes")?,
                max: self.uint(at, obj, "x-aws-max-bytes")?,
            },
            Some("string") => ShapeKind::String(self.string_rules(at, obj)?),
            Some("number") if format == Some("epoch-seconds") => ShapeKind::Timestamp,
            Some("number") => ShapeKind::Float {
                bits: if format == Some("float") { FloatBits::F32 } else { FloatBits::F64 },
                min: obj.get("minimum").and_then(Value::as_f64),
                max: obj.get("maximum").and_then(Value::as_f64),
            },
            Some("integer") => ShapeKind::Integer {
                bits: if format == Some("int32") { IntBits::I32 } else { IntBits::I64 },
                min: obj.get("minimum").and_then(as_int),
                max: obj.get("maximum").and_then(as_int),
            },
            Some("boolean") => ShapeKind::Boolean,
            Some("array") => {
                let member = match obj.get("items") {
                    Some(items) => self.use_schema(&at.child("items"), items, &format!("{name}Member"))?,
                    None => self.use_schema(at, &Value::Bool(true), &format!("{name}Member"))?,
                };
                ShapeKind::List { member, min: self.uint(at, obj, "minItems")?, max: self.uint(at, obj, "maxItems")? }
            }
            Some("object") => self.object_kind(at, obj, name)?,
            None if obj.contains_key("properties") => self.object_kind(at, obj, name)?,
            None => ShapeKind::Document,
            Some(other) => return Err(self.err(&at.child("type"), format!("unsupported type `{other}`"))),
        })
    }

    /// The schema's one non-null `type`, if any.
    fn type_of(&self, at: &At, obj: &Map<String, Value>) -> Result<Option<String>, LoadError> {
        match obj.get("type") {
            None => Ok(None),
            Some(Value::String(t)) => Ok(Some(t.clone())),
            Some(Value::Array(types)) => {
                let non_null: Vec<&str> = types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
                match non_null.as_slice() {
                    [] => Ok(None),
                    [one] => Ok(Some(one.to_string())),
                    _ => Err(self.err(&at.child("type"), "a schema may have only one non-null type")),
                }
            }
            Some(_) => Err(self.err(&at.child("type"), "type must be a string or an array of strings")),
        }
    }

    fn object_kind(&mut self, at: &At, obj: &Map<String, Value>, name: &str) -> Result<ShapeKind, LoadError> {
        let additional = obj.get("additionalProperties").filter(|v| v.is_object());
        let properties = obj.get("properties").and_then(Value::as_object);
        if let (Some(value), None) = (additional, properties) {
            let value = self.use_schema(&at.child("additionalProperties"), value, &format!("{name}Value"))?;
            let key_schema = obj.get("propertyNames").cloned().unwrap_or_else(|| serde_json::json!({"type": "string"}));
            let key = self.use_schema(&at.child("propertyNames"), &key_schema, &format!("{name}Key"))?;
            return Ok(ShapeKind::Map {
                key,
                value,
                min: self.uint(at, obj, "minProperties")?,
                max: self.uint(at, obj, "maxProperties")?,
            });
        }
        let required: BTreeSet<&str> =
            obj.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        // Members keep the order of `properties` in the file: serde_json's `preserve_order`
        // feature (on in Cargo.toml) makes its `Map` iterate in insertion order, not by key.
        let mut members = Vec::new();
        let props_at = at.child("properties");
        for (member_name, schema) in properties.into_iter().flatten() {
            let member_at = props_at.child(member_name);
            let target = self.use_schema(&member_at, schema, &format!("{name}{}", member_name.to_pascal_case()))?;
            members.push(Member {
                name: member_name.clone(),
                target,
                required: required.contains(member_name.as_str()),
                deprecated: is_deprecated(schema),
                idempotency_token: schema.get("x-aws-idempotency-token").and_then(Value::as_bool) == Some(true),
            });
        }
        if let Some(missing) = required.iter().find(|r| !members.iter().any(|m| m.name == **r)) {
            return Err(self.err(&at.child("required"), format!("required member `{missing}` has no property")));
        }
        // The `oneOf` beside `x-aws-union` says the same to standard validators; the flag is
        // what the generator reads.
        if obj.get("x-aws-union").and_then(Value::as_bool) == Some(true) {
            if let Some(required) = required.iter().next() {
                return Err(self.err(
                    &at.child("required"),
                    format!("union member `{required}` is required (a union sets exactly one member)"),
                ));
            }
            if members.is_empty() {
                return Err(self.err(at, "a union needs at least one member"));
            }
            return Ok(ShapeKind::Union { members });
        }
        Ok(ShapeKind::Structure { members })
    }

    fn string_rules(&self, at: &At, obj: &Map<String, Value>) -> Result<StringShape, LoadError> {
        Ok(StringShape {
            min: self.uint(at, obj, "minLength")?,
            max: self.uint(at, obj, "maxLength")?,
            pattern: obj.get("pattern").and_then(Value::as_str).map(str::to_string),
            values: None,
        })
    }

    fn uint(&self, at: &At, obj: &Map<String, Value>, key: &str) -> Result<Option<u64>, LoadError> {
        match obj.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .or_else(|| v.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
                .map(Some)
                .ok_or_else(|| self.err(&at.child(key), format!("{key} must be a non-negative integer"))),
        }
    }
}

/// An enum value as a string. Booleans are read as `OFF` / `ON`: the public catalogue's files went
/// through YAML 1.1 at some point, which turned AWS's unquoted `OFF` and `ON` values into
/// `false` and `true` (e.g. `UserPoolMfaType`: `[false, true, "OPTIONAL"]`).
fn enum_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(false) => Some("OFF".into()),
        Value::Bool(true) => Some("ON".into()),
        _ => None,
    }
}

fn plain(name: &str, kind: ShapeKind) -> Shape {
    Shape { name: name.to_string(), sensitive: false, error: None, kind }
}

fn as_int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

fn is_annotation_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|o| o.keys().all(|k| ANNOTATIONS.contains(&k.as_str())))
}

fn is_deprecated(schema: &Value) -> bool {
    let flag = |s: &Value| s.get("deprecated").and_then(Value::as_bool).unwrap_or(false);
    flag(schema) || schema.get("allOf").and_then(Value::as_array).is_some_and(|parts| parts.iter().any(flag))
}

/// `wanted`, or `wanted2`, `wanted3`... whichever is free.
pub(super) fn unique(taken: &BTreeSet<String>, wanted: &str) -> String {
    if !taken.contains(wanted) {
        return wanted.to_string();
    }
    (2..).map(|n| format!("{wanted}{n}")).find(|c| !taken.contains(c)).expect("an unused suffix exists")
}
