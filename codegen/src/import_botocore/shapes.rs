//! botocore shapes -> one JSON Schema document each.

use super::*;

// ---------------------------------------------------------------------------------------------
// Conversion

pub(super) struct Converted {
    pub(super) files: BTreeMap<String, String>,
    pub(super) operations: usize,
    pub(super) types: usize,
    pub(super) public_operations: usize,
}

pub(super) fn convert_model(
    model: &Value,
    paginators: Option<&Value>,
    api_reference: Option<&str>,
) -> Result<Converted, ImportError> {
    let root = model.as_object().ok_or_else(|| model_err("the model is not a JSON object"))?;
    let metadata = top_level_object(root, "metadata")?;
    let operations = top_level_object(root, "operations")?;
    let shapes = top_level_object(root, "shapes")?;

    check_shape_names(shapes)?;
    if let Some(renamed) = apply_naming_rule(model, shapes) {
        return convert_model(&renamed, paginators, api_reference);
    }

    let mut files = BTreeMap::new();
    for (name, shape) in shapes {
        let schema = shape_schema(name, shape, shapes)?;
        files.insert(format!("{name}.json"), render(&Value::Object(schema)));
    }

    let (service, public_operations) = service_document(metadata, operations, shapes, paginators, api_reference)?;
    files.insert(SERVICE_FILE.to_owned(), render(&Value::Object(service)));

    Ok(Converted { files, operations: operations.len(), types: shapes.len(), public_operations })
}

pub(super) fn render(value: &Value) -> String {
    // Serialising a `Value` cannot fail (all keys are strings).
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

pub(super) fn top_level_object<'a>(
    root: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a Map<String, Value>, ImportError> {
    match root.get(key) {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(model_err(format!("`{key}` is not a JSON object"))),
        None => Err(model_err(format!("the model has no `{key}` object"))),
    }
}

/// Shape and operation names become file names and Rust identifiers: keep them plain.
pub(super) fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(super) fn check_shape_names(shapes: &Map<String, Value>) -> Result<(), ImportError> {
    for name in shapes.keys() {
        if !is_plain_identifier(name) {
            return Err(model_err(format!("shape name {name:?} is not a plain identifier (letters, digits, `_`)")));
        }
    }
    Ok(())
}

/// Applies [`crate::naming::renames`] to the model: shapes whose names would collide as files
/// or Rust types (or with `service.json`) are renamed, with every `{"shape": ...}` reference.
pub(super) fn apply_naming_rule(model: &Value, shapes: &Map<String, Value>) -> Option<Value> {
    let is_error = |name: &str| shapes.get(name).and_then(|s| s.get("exception")) == Some(&Value::Bool(true));
    let renames = crate::naming::renames(shapes.keys().map(String::as_str), is_error);
    if renames.is_empty() {
        return None;
    }
    fn rewrite(value: &mut Value, renames: &BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get_mut("shape")
                    && let Some(new) = renames.get(target.as_str())
                {
                    *target = new.clone();
                }
                for child in map.values_mut() {
                    rewrite(child, renames);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| rewrite(item, renames)),
            _ => {}
        }
    }
    let mut model = model.clone();
    if let Some(Value::Object(old)) = model.get_mut("shapes") {
        let renamed: Map<String, Value> = std::mem::take(old)
            .into_iter()
            .map(|(name, shape)| (renames.get(&name).cloned().unwrap_or(name), shape))
            .collect();
        *old = renamed;
    }
    rewrite(&mut model, &renames);
    Some(model)
}

/// A boolean flag of a shape or member: absent means false; anything but a boolean is an error.
pub(super) fn flag(def: &Map<String, Value>, key: &str, context: &str) -> Result<bool, ImportError> {
    match def.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(model_err(format!("{context}: `{key}` is not a boolean"))),
    }
}

/// The target of a `{"shape": "Name"}` reference, which must name an existing shape.
pub(super) fn shape_ref<'a>(
    reference: &'a Value,
    shapes: &Map<String, Value>,
    context: &str,
) -> Result<&'a str, ImportError> {
    let target = reference
        .get("shape")
        .and_then(Value::as_str)
        .ok_or_else(|| model_err(format!("{context}: expected a {{\"shape\": ...}} reference")))?;
    if !shapes.contains_key(target) {
        return Err(model_err(format!("{context}: refers to shape `{target}`, which does not exist")));
    }
    Ok(target)
}

pub(super) fn ref_schema(target: &str) -> Value {
    let mut schema = Map::new();
    schema.insert("$ref".into(), Value::String(format!("{target}.json")));
    Value::Object(schema)
}

pub(super) fn shape_type<'a>(shapes: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    shapes.get(name)?.get("type")?.as_str()
}

/// A non-negative size bound (`min`/`max` of strings, blobs, lists and maps).
pub(super) fn size_bound(def: &Map<String, Value>, key: &str, context: &str) -> Result<Option<u64>, ImportError> {
    let Some(value) = def.get(key) else {
        return Ok(None);
    };
    let number = value.as_u64().or_else(|| {
        value.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX as f64).map(|f| f as u64)
    });
    number.map(Some).ok_or_else(|| model_err(format!("{context}: `{key}` is not a non-negative integer: {value}")))
}

/// An integer value bound (`min`/`max` of integer and long shapes).
pub(super) fn integer_bound(def: &Map<String, Value>, key: &str, context: &str) -> Result<Option<Number>, ImportError> {
    let Some(value) = def.get(key) else {
        return Ok(None);
    };
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(Some(n.clone())),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() <= (1u64 << 53) as f64 => Ok(Some(Number::from(f as i64))),
            _ => Err(model_err(format!("{context}: `{key}` is not an integer: {value}"))),
        },
        _ => Err(model_err(format!("{context}: `{key}` is not a number: {value}"))),
    }
}

/// A numeric value bound (`min`/`max` of float and double shapes).
pub(super) fn number_bound(def: &Map<String, Value>, key: &str, context: &str) -> Result<Option<Number>, ImportError> {
    match def.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.clone())),
        Some(value) => Err(model_err(format!("{context}: `{key}` is not a number: {value}"))),
    }
}

pub(super) fn insert_opt<T: Into<Value>>(schema: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        schema.insert(key.to_owned(), value.into());
    }
}

/// Shape-level keys that describe the shape's content; each type accepts only some of them.
pub(super) const CONTENT_KEYS: &[&str] =
    &["members", "required", "member", "key", "value", "min", "max", "pattern", "enum"];

/// Shape-level markers of features that JSON Schema / this generator cannot represent.
pub(super) const UNSUPPORTED_SHAPE_KEYS: &[&str] = &["streaming"];

/// Member-level keys that change the wire form in ways a `$ref` cannot carry.
pub(super) const UNSUPPORTED_MEMBER_KEYS: &[&str] = &["locationName", "location", "streaming", "hostLabel"];

pub(super) fn check_timestamp_format(def: &Map<String, Value>, context: &str) -> Result<(), ImportError> {
    match def.get("timestampFormat") {
        None => Ok(()),
        Some(Value::String(format)) if ["unixTimestamp", "iso8601", "rfc822"].contains(&format.as_str()) => Ok(()),
        Some(other) => Err(model_err(format!(
            "{context}: timestampFormat {other} is not supported (unixTimestamp, iso8601, rfc822)"
        ))),
    }
}

/// The JSON Schema document for one shape, keys in the documented order:
/// `$schema`, `title`, `type`, `format`, constraints, structure keywords, then `x-aws-*`.
pub(super) fn shape_schema(
    name: &str,
    shape: &Value,
    shapes: &Map<String, Value>,
) -> Result<Map<String, Value>, ImportError> {
    let context = format!("shape `{name}`");
    let def = shape.as_object().ok_or_else(|| model_err(format!("{context}: not a JSON object")))?;
    let ty = def.get("type").and_then(Value::as_str).ok_or_else(|| model_err(format!("{context}: has no `type`")))?;

    for key in UNSUPPORTED_SHAPE_KEYS {
        if def.get(*key).is_some_and(|v| v != &Value::Bool(false)) {
            return Err(model_err(format!("{context}: `{key}` shapes are not supported")));
        }
    }
    check_timestamp_format(def, &context)?;

    let sensitive = flag(def, "sensitive", &context)?;
    let exception = flag(def, "exception", &context)?;
    let fault = flag(def, "fault", &context)?;
    let document = flag(def, "document", &context)?;
    if (exception || document) && ty != "structure" {
        return Err(model_err(format!("{context}: `exception`/`document` on a `{ty}` shape (only structures)")));
    }
    if fault && !exception {
        return Err(model_err(format!("{context}: `fault` without `exception`")));
    }

    let allowed: &[&str] = match ty {
        "structure" if document => &["members"],
        "structure" => &["members", "required"],
        "string" => &["min", "max", "pattern", "enum"],
        "integer" | "long" | "float" | "double" | "blob" => &["min", "max"],
        "boolean" | "timestamp" => &[],
        "list" => &["member", "min", "max"],
        "map" => &["key", "value", "min", "max"],
        _ => {
            return Err(model_err(format!("{context}: unsupported shape type `{ty}`")));
        }
    };
    for key in CONTENT_KEYS {
        if def.contains_key(*key) && !allowed.contains(key) {
            let kind = if document { "document" } else { ty };
            return Err(model_err(format!("{context}: `{key}` is not supported on a `{kind}` shape")));
        }
    }

    let mut schema = Map::new();
    schema.insert("$schema".into(), SCHEMA_DIALECT.into());
    schema.insert("title".into(), name.into());
    // x-aws-* keys, appended last.
    let mut extensions = Map::new();

    match ty {
        "structure" if document => {
            // botocore writes `"members": {}` on document shapes; anything in it is a mistake.
            if def.get("members").is_some_and(|m| m.as_object().is_none_or(|m| !m.is_empty())) {
                return Err(model_err(format!("{context}: a document shape cannot have members")));
            }
            extensions.insert("x-aws-document".into(), true.into());
        }
        "structure" => {
            schema.insert("type".into(), "object".into());
            let members = match def.get("members") {
                None => None,
                Some(Value::Object(members)) => Some(members),
                Some(_) => return Err(model_err(format!("{context}: `members` is not an object"))),
            };
            let mut properties = Map::new();
            for (member_name, member) in members.into_iter().flatten() {
                let member_context = format!("member `{name}.{member_name}`");
                let member_def =
                    member.as_object().ok_or_else(|| model_err(format!("{member_context}: not a JSON object")))?;
                for key in UNSUPPORTED_MEMBER_KEYS {
                    if member_def.contains_key(*key) {
                        return Err(model_err(format!("{member_context}: `{key}` is not supported")));
                    }
                }
                check_timestamp_format(member_def, &member_context)?;
                let target = shape_ref(member, shapes, &member_context)?;
                let mut property = Map::new();
                property.insert("$ref".into(), Value::String(format!("{target}.json")));
                if flag(member_def, "deprecated", &member_context)? {
                    property.insert("deprecated".into(), true.into());
                }
                // AWS's SDKs fill an unset token member with a random UUID, so that a retried
                // call stays one call; the generated client does the same.
                if flag(member_def, "idempotencyToken", &member_context)? {
                    if shape_type(shapes, target) != Some("string") {
                        return Err(model_err(format!(
                            "{member_context}: `idempotencyToken` on a `{}` member (only strings)",
                            shape_type(shapes, target).unwrap_or("?")
                        )));
                    }
                    property.insert("x-aws-idempotency-token".into(), true.into());
                }
                properties.insert(member_name.clone(), Value::Object(property));
            }
            let required = match def.get("required") {
                None => Vec::new(),
                Some(Value::Array(items)) => {
                    let mut names: Vec<Value> = Vec::with_capacity(items.len());
                    for item in items {
                        let member_name = item
                            .as_str()
                            .ok_or_else(|| model_err(format!("{context}: `required` holds a non-string: {item}")))?;
                        if !properties.contains_key(member_name) {
                            return Err(model_err(format!(
                                "{context}: required member `{member_name}` is not a member"
                            )));
                        }
                        if names.iter().any(|n| n.as_str() == Some(member_name)) {
                            return Err(model_err(format!("{context}: `{member_name}` is listed twice in `required`")));
                        }
                        names.push(member_name.into());
                    }
                    names
                }
                Some(_) => return Err(model_err(format!("{context}: `required` is not an array"))),
            };
            let union = flag(def, "union", &context)?;
            // A union: exactly one member is set, i.e. the object is one of the one-member objects.
            let one_of: Vec<Value> =
                properties.keys().map(|member| serde_json::json!({"required": [member]})).collect();
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
            }
            if union {
                schema.insert("oneOf".into(), Value::Array(one_of));
                extensions.insert("x-aws-union".into(), true.into());
            }
        }
        "string" => {
            schema.insert("type".into(), "string".into());
            if sensitive {
                schema.insert("format".into(), "password".into());
            }
            insert_opt(&mut schema, "minLength", size_bound(def, "min", &context)?);
            insert_opt(&mut schema, "maxLength", size_bound(def, "max", &context)?);
            match def.get("pattern") {
                None => {}
                Some(Value::String(pattern)) => {
                    schema.insert("pattern".into(), pattern.as_str().into());
                }
                Some(_) => return Err(model_err(format!("{context}: `pattern` is not a string"))),
            }
            match def.get("enum") {
                None => {}
                Some(Value::Array(values)) if !values.is_empty() && values.iter().all(Value::is_string) => {
                    schema.insert("enum".into(), Value::Array(values.clone()));
                }
                Some(_) => {
                    return Err(model_err(format!("{context}: `enum` is not a non-empty array of strings")));
                }
            }
        }
        "integer" | "long" => {
            schema.insert("type".into(), "integer".into());
            let format = if ty == "integer" { "int32" } else { "int64" };
            schema.insert("format".into(), format.into());
            insert_opt(&mut schema, "minimum", integer_bound(def, "min", &context)?);
            insert_opt(&mut schema, "maximum", integer_bound(def, "max", &context)?);
        }
        "float" | "double" => {
            schema.insert("type".into(), "number".into());
            schema.insert("format".into(), ty.into());
            insert_opt(&mut schema, "minimum", number_bound(def, "min", &context)?);
            insert_opt(&mut schema, "maximum", number_bound(def, "max", &context)?);
        }
        "boolean" => {
            schema.insert("type".into(), "boolean".into());
        }
        "timestamp" => match def.get("timestampFormat").and_then(Value::as_str) {
            // A date-time string on the wire (RFC 3339), as JSON Schema's own `date-time`; the
            // extension tells it from the catalogue's `date-time`, which stands for epoch seconds.
            Some("iso8601") => {
                schema.insert("type".into(), "string".into());
                schema.insert("format".into(), "date-time".into());
                extensions.insert("x-aws-timestamp-format".into(), "iso8601".into());
            }
            Some("rfc822") => {
                schema.insert("type".into(), "string".into());
                schema.insert("format".into(), "http-date".into());
            }
            _ => {
                schema.insert("type".into(), "number".into());
                schema.insert("format".into(), "epoch-seconds".into());
            }
        },
        "blob" => {
            schema.insert("type".into(), "string".into());
            schema.insert("contentEncoding".into(), "base64".into());
            insert_opt(&mut extensions, "x-aws-min-bytes", size_bound(def, "min", &context)?);
            insert_opt(&mut extensions, "x-aws-max-bytes", size_bound(def, "max", &context)?);
        }
        "list" => {
            schema.insert("type".into(), "array".into());
            insert_opt(&mut schema, "minItems", size_bound(def, "min", &context)?);
            insert_opt(&mut schema, "maxItems", size_bound(def, "max", &context)?);
            let member = def.get("member").ok_or_else(|| model_err(format!("{context}: list without `member`")))?;
            let target = shape_ref(member, shapes, &format!("{context} (list member)"))?;
            schema.insert("items".into(), ref_schema(target));
        }
        "map" => {
            schema.insert("type".into(), "object".into());
            insert_opt(&mut schema, "minProperties", size_bound(def, "min", &context)?);
            insert_opt(&mut schema, "maxProperties", size_bound(def, "max", &context)?);
            let key = def.get("key").ok_or_else(|| model_err(format!("{context}: map without `key`")))?;
            let value = def.get("value").ok_or_else(|| model_err(format!("{context}: map without `value`")))?;
            let key_target = shape_ref(key, shapes, &format!("{context} (map key)"))?;
            let value_target = shape_ref(value, shapes, &format!("{context} (map value)"))?;
            if shape_type(shapes, key_target) != Some("string") {
                return Err(model_err(format!("{context}: map key shape `{key_target}` is not a string shape")));
            }
            schema.insert("additionalProperties".into(), ref_schema(value_target));
            schema.insert("propertyNames".into(), ref_schema(key_target));
        }
        _ => unreachable!("type checked above"),
    }

    if sensitive {
        extensions.insert("x-aws-sensitive".into(), true.into());
    }
    if exception {
        let fault_kind = if fault { "server" } else { "client" };
        let mut error = Map::new();
        error.insert("fault".into(), fault_kind.into());
        extensions.insert("x-aws-error".into(), Value::Object(error));
    }
    schema.extend(extensions);
    Ok(schema)
}
