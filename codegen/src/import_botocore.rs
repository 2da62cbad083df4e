//! `import-botocore`: turns an AWS botocore model (`service-2.json` or `service-2.json.gz`, plus an
//! optional `paginators-1.json`) into the `schemas/` directory format described in
//! `schemas/README.md`: one JSON Schema (draft 2020-12) file per model shape and a `service.json`
//! for what JSON Schema cannot express.
//!
//! The model is read as untyped [`serde_json::Value`] and every field the importer relies on is
//! checked explicitly, so a malformed or unsupported model gives an [`ImportError::Model`] that
//! names the shape, member or operation at fault instead of a panic or a silently wrong schema.
//! No documentation text is carried over from the model.
//!
//! [`convert`] is the pure part (JSON in, file name -> file content out); [`import_botocore`] adds
//! reading the inputs and synchronising the output directory.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};

/// The dialect every type file declares.
const SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";
/// The one output file that is not a type schema.
const SERVICE_FILE: &str = "service.json";
/// Smithy's identifier for "this operation is not signed".
const NO_AUTH_SCHEME: &str = "smithy.api#noAuth";
/// Smithy's identifier for SigV4 signing.
const SIGV4_SCHEME: &str = "aws.auth#sigv4";

/// Optional inputs of [`import_botocore`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// A botocore `paginators-1.json` for the same service.
    pub paginators: Option<PathBuf>,
    /// Base URL of the service's API reference. When `None`, the value already present in the
    /// output directory's `service.json` (if any) is kept.
    pub api_reference: Option<String>,
}

/// What [`import_botocore`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Operations in the model.
    pub operations: usize,
    /// Shapes in the model, i.e. type files produced (`service.json` not included).
    pub types: usize,
    /// Operations whose `auth` is `"none"`.
    pub public_operations: usize,
    /// Files created or rewritten (file names, sorted).
    pub written: Vec<String>,
    /// Stale `*.json` files deleted from the output directory (file names, sorted).
    pub removed: Vec<String>,
    /// Files that already had the right content and were left alone.
    pub unchanged: usize,
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A file is not valid JSON.
    #[error("{}: invalid JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The model (or paginator file) is invalid or uses something this importer does not support.
    #[error("botocore model: {0}")]
    Model(String),
}

fn model_err(message: impl Into<String>) -> ImportError {
    ImportError::Model(message.into())
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the model at `model` (gzipped or not) and the optional paginators, converts them and
/// synchronises `out_dir` with the result: files are written only when their content changes, and
/// `*.json` files that are no longer produced are removed. Other files (e.g. `README.md`) are
/// never touched.
pub fn import_botocore(
    model: &Path,
    out_dir: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let model_json = read_json(model)?;
    let paginators_json = match &options.paginators {
        Some(path) => Some(read_json(path)?),
        None => None,
    };
    let api_reference = match &options.api_reference {
        Some(url) => Some(url.clone()),
        None => existing_api_reference(out_dir)?,
    };

    let converted = convert_model(
        &model_json,
        paginators_json.as_ref(),
        api_reference.as_deref(),
    )?;

    fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;

    let mut written = Vec::new();
    let mut unchanged = 0;
    for (name, content) in &converted.files {
        let path = out_dir.join(name);
        let current = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(&path)(e)),
        };
        if current.as_deref() == Some(content.as_bytes()) {
            unchanged += 1;
        } else {
            fs::write(&path, content).map_err(io_err(&path))?;
            written.push(name.clone());
        }
    }

    let mut removed = Vec::new();
    for entry in fs::read_dir(out_dir).map_err(io_err(out_dir))? {
        let entry = entry.map_err(io_err(out_dir))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        // Same files as the shell glob `*.json`: hidden files are not ours.
        if !name.ends_with(".json") || name.starts_with('.') || converted.files.contains_key(&name)
        {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(io_err(&path))?;
        if file_type.is_file() {
            fs::remove_file(&path).map_err(io_err(&path))?;
            removed.push(name);
        }
    }
    removed.sort();

    Ok(ImportReport {
        operations: converted.operations,
        types: converted.types,
        public_operations: converted.public_operations,
        written,
        removed,
        unchanged,
    })
}

/// Pure part, for tests: model JSON (+ paginators JSON) -> file name -> file content.
///
/// The result holds one `<ShapeName>.json` per shape and `service.json`; every file is
/// pretty-printed JSON (2-space indent) ending in a newline.
pub fn convert(
    model: &Value,
    paginators: Option<&Value>,
    api_reference: Option<&str>,
) -> Result<BTreeMap<String, String>, ImportError> {
    convert_model(model, paginators, api_reference).map(|converted| converted.files)
}

// ---------------------------------------------------------------------------------------------
// Reading inputs

fn read_json(path: &Path) -> Result<Value, ImportError> {
    let raw = fs::read(path).map_err(io_err(path))?;
    let is_gzip = path.extension().is_some_and(|ext| ext == "gz") || raw.starts_with(&[0x1f, 0x8b]);
    let bytes = if is_gzip {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut plain)
            .map_err(io_err(path))?;
        plain
    } else {
        raw
    };
    serde_json::from_slice(&bytes).map_err(|source| ImportError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// The `apiReference` of an existing `out_dir/service.json`, if there is one.
fn existing_api_reference(out_dir: &Path) -> Result<Option<String>, ImportError> {
    let path = out_dir.join(SERVICE_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let service: Value = serde_json::from_slice(&bytes).map_err(|source| ImportError::Json {
        path: path.clone(),
        source,
    })?;
    Ok(service
        .get("apiReference")
        .and_then(Value::as_str)
        .map(str::to_owned))
}

// ---------------------------------------------------------------------------------------------
// Conversion

struct Converted {
    files: BTreeMap<String, String>,
    operations: usize,
    types: usize,
    public_operations: usize,
}

fn convert_model(
    model: &Value,
    paginators: Option<&Value>,
    api_reference: Option<&str>,
) -> Result<Converted, ImportError> {
    let root = model
        .as_object()
        .ok_or_else(|| model_err("the model is not a JSON object"))?;
    let metadata = top_level_object(root, "metadata")?;
    let operations = top_level_object(root, "operations")?;
    let shapes = top_level_object(root, "shapes")?;

    check_shape_names(shapes)?;

    let mut files = BTreeMap::new();
    for (name, shape) in shapes {
        let schema = shape_schema(name, shape, shapes)?;
        files.insert(format!("{name}.json"), render(&Value::Object(schema)));
    }

    let (service, public_operations) =
        service_document(metadata, operations, shapes, paginators, api_reference)?;
    files.insert(SERVICE_FILE.to_owned(), render(&Value::Object(service)));

    Ok(Converted {
        files,
        operations: operations.len(),
        types: shapes.len(),
        public_operations,
    })
}

fn render(value: &Value) -> String {
    // Serialising a `Value` cannot fail (all keys are strings).
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn top_level_object<'a>(
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
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_shape_names(shapes: &Map<String, Value>) -> Result<(), ImportError> {
    let service_stem = SERVICE_FILE.trim_end_matches(".json");
    // Lower-cased name -> original, to catch files that would collide on case-insensitive disks.
    let mut seen: HashMap<String, &str> = HashMap::new();
    for name in shapes.keys() {
        if !is_plain_identifier(name) {
            return Err(model_err(format!(
                "shape name {name:?} is not a plain identifier (letters, digits, `_`)"
            )));
        }
        let folded = name.to_ascii_lowercase();
        if folded == service_stem {
            return Err(model_err(format!(
                "shape `{name}` would overwrite `{SERVICE_FILE}`"
            )));
        }
        if let Some(other) = seen.insert(folded, name) {
            return Err(model_err(format!(
                "shapes `{other}` and `{name}` differ only in case, so their files would collide"
            )));
        }
    }
    Ok(())
}

/// A boolean flag of a shape or member: absent means false; anything but a boolean is an error.
fn flag(def: &Map<String, Value>, key: &str, context: &str) -> Result<bool, ImportError> {
    match def.get(key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(model_err(format!("{context}: `{key}` is not a boolean"))),
    }
}

/// The target of a `{"shape": "Name"}` reference, which must name an existing shape.
fn shape_ref<'a>(
    reference: &'a Value,
    shapes: &Map<String, Value>,
    context: &str,
) -> Result<&'a str, ImportError> {
    let target = reference
        .get("shape")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            model_err(format!(
                "{context}: expected a {{\"shape\": ...}} reference"
            ))
        })?;
    if !shapes.contains_key(target) {
        return Err(model_err(format!(
            "{context}: refers to shape `{target}`, which does not exist"
        )));
    }
    Ok(target)
}

fn ref_schema(target: &str) -> Value {
    let mut schema = Map::new();
    schema.insert("$ref".into(), Value::String(format!("{target}.json")));
    Value::Object(schema)
}

fn shape_type<'a>(shapes: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    shapes.get(name)?.get("type")?.as_str()
}

/// A non-negative size bound (`min`/`max` of strings, blobs, lists and maps).
fn size_bound(
    def: &Map<String, Value>,
    key: &str,
    context: &str,
) -> Result<Option<u64>, ImportError> {
    let Some(value) = def.get(key) else {
        return Ok(None);
    };
    let number = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u32::MAX as f64)
            .map(|f| f as u64)
    });
    number.map(Some).ok_or_else(|| {
        model_err(format!(
            "{context}: `{key}` is not a non-negative integer: {value}"
        ))
    })
}

/// An integer value bound (`min`/`max` of integer and long shapes).
fn integer_bound(
    def: &Map<String, Value>,
    key: &str,
    context: &str,
) -> Result<Option<Number>, ImportError> {
    let Some(value) = def.get(key) else {
        return Ok(None);
    };
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(Some(n.clone())),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() <= (1u64 << 53) as f64 => {
                Ok(Some(Number::from(f as i64)))
            }
            _ => Err(model_err(format!(
                "{context}: `{key}` is not an integer: {value}"
            ))),
        },
        _ => Err(model_err(format!(
            "{context}: `{key}` is not a number: {value}"
        ))),
    }
}

/// A numeric value bound (`min`/`max` of float and double shapes).
fn number_bound(
    def: &Map<String, Value>,
    key: &str,
    context: &str,
) -> Result<Option<Number>, ImportError> {
    match def.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n.clone())),
        Some(value) => Err(model_err(format!(
            "{context}: `{key}` is not a number: {value}"
        ))),
    }
}

fn insert_opt<T: Into<Value>>(schema: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        schema.insert(key.to_owned(), value.into());
    }
}

/// Shape-level keys that describe the shape's content; each type accepts only some of them.
const CONTENT_KEYS: &[&str] = &[
    "members", "required", "member", "key", "value", "min", "max", "pattern", "enum",
];

/// Shape-level markers of features that JSON Schema / this generator cannot represent.
const UNSUPPORTED_SHAPE_KEYS: &[&str] =
    &["union", "eventstream", "event", "streaming", "jsonvalue"];

/// Member-level keys that change the wire form in ways a `$ref` cannot carry.
const UNSUPPORTED_MEMBER_KEYS: &[&str] = &[
    "locationName",
    "location",
    "jsonvalue",
    "streaming",
    "eventpayload",
    "hostLabel",
];

fn check_timestamp_format(def: &Map<String, Value>, context: &str) -> Result<(), ImportError> {
    match def.get("timestampFormat") {
        None => Ok(()),
        Some(Value::String(format)) if format == "unixTimestamp" => Ok(()),
        Some(other) => Err(model_err(format!(
            "{context}: timestampFormat {other} is not supported (only unixTimestamp)"
        ))),
    }
}

/// The JSON Schema document for one shape, keys in the documented order:
/// `$schema`, `title`, `type`, `format`, constraints, structure keywords, then `x-aws-*`.
fn shape_schema(
    name: &str,
    shape: &Value,
    shapes: &Map<String, Value>,
) -> Result<Map<String, Value>, ImportError> {
    let context = format!("shape `{name}`");
    let def = shape
        .as_object()
        .ok_or_else(|| model_err(format!("{context}: not a JSON object")))?;
    let ty = def
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| model_err(format!("{context}: has no `type`")))?;

    for key in UNSUPPORTED_SHAPE_KEYS {
        if def.get(*key).is_some_and(|v| v != &Value::Bool(false)) {
            return Err(model_err(format!(
                "{context}: `{key}` shapes are not supported"
            )));
        }
    }
    check_timestamp_format(def, &context)?;

    let sensitive = flag(def, "sensitive", &context)?;
    let exception = flag(def, "exception", &context)?;
    let fault = flag(def, "fault", &context)?;
    let document = flag(def, "document", &context)?;
    if (exception || document) && ty != "structure" {
        return Err(model_err(format!(
            "{context}: `exception`/`document` on a `{ty}` shape (only structures)"
        )));
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
            return Err(model_err(format!(
                "{context}: unsupported shape type `{ty}`"
            )));
        }
    };
    for key in CONTENT_KEYS {
        if def.contains_key(*key) && !allowed.contains(key) {
            let kind = if document { "document" } else { ty };
            return Err(model_err(format!(
                "{context}: `{key}` is not supported on a `{kind}` shape"
            )));
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
            if def
                .get("members")
                .is_some_and(|m| m.as_object().is_none_or(|m| !m.is_empty()))
            {
                return Err(model_err(format!(
                    "{context}: a document shape cannot have members"
                )));
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
                let member_def = member
                    .as_object()
                    .ok_or_else(|| model_err(format!("{member_context}: not a JSON object")))?;
                for key in UNSUPPORTED_MEMBER_KEYS {
                    if member_def.contains_key(*key) {
                        return Err(model_err(format!(
                            "{member_context}: `{key}` is not supported"
                        )));
                    }
                }
                check_timestamp_format(member_def, &member_context)?;
                let target = shape_ref(member, shapes, &member_context)?;
                let mut property = Map::new();
                property.insert("$ref".into(), Value::String(format!("{target}.json")));
                if flag(member_def, "deprecated", &member_context)? {
                    property.insert("deprecated".into(), true.into());
                }
                properties.insert(member_name.clone(), Value::Object(property));
            }
            let required = match def.get("required") {
                None => Vec::new(),
                Some(Value::Array(items)) => {
                    let mut names: Vec<Value> = Vec::with_capacity(items.len());
                    for item in items {
                        let member_name = item.as_str().ok_or_else(|| {
                            model_err(format!("{context}: `required` holds a non-string: {item}"))
                        })?;
                        if !properties.contains_key(member_name) {
                            return Err(model_err(format!(
                                "{context}: required member `{member_name}` is not a member"
                            )));
                        }
                        if names.iter().any(|n| n.as_str() == Some(member_name)) {
                            return Err(model_err(format!(
                                "{context}: `{member_name}` is listed twice in `required`"
                            )));
                        }
                        names.push(member_name.into());
                    }
                    names
                }
                Some(_) => return Err(model_err(format!("{context}: `required` is not an array"))),
            };
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
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
                Some(Value::Array(values))
                    if !values.is_empty() && values.iter().all(Value::is_string) =>
                {
                    schema.insert("enum".into(), Value::Array(values.clone()));
                }
                Some(_) => {
                    return Err(model_err(format!(
                        "{context}: `enum` is not a non-empty array of strings"
                    )));
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
        "timestamp" => {
            schema.insert("type".into(), "number".into());
            schema.insert("format".into(), "epoch-seconds".into());
        }
        "blob" => {
            schema.insert("type".into(), "string".into());
            schema.insert("contentEncoding".into(), "base64".into());
            insert_opt(
                &mut extensions,
                "x-aws-min-bytes",
                size_bound(def, "min", &context)?,
            );
            insert_opt(
                &mut extensions,
                "x-aws-max-bytes",
                size_bound(def, "max", &context)?,
            );
        }
        "list" => {
            schema.insert("type".into(), "array".into());
            insert_opt(&mut schema, "minItems", size_bound(def, "min", &context)?);
            insert_opt(&mut schema, "maxItems", size_bound(def, "max", &context)?);
            let member = def
                .get("member")
                .ok_or_else(|| model_err(format!("{context}: list without `member`")))?;
            let target = shape_ref(member, shapes, &format!("{context} (list member)"))?;
            schema.insert("items".into(), ref_schema(target));
        }
        "map" => {
            schema.insert("type".into(), "object".into());
            insert_opt(
                &mut schema,
                "minProperties",
                size_bound(def, "min", &context)?,
            );
            insert_opt(
                &mut schema,
                "maxProperties",
                size_bound(def, "max", &context)?,
            );
            let key = def
                .get("key")
                .ok_or_else(|| model_err(format!("{context}: map without `key`")))?;
            let value = def
                .get("value")
                .ok_or_else(|| model_err(format!("{context}: map without `value`")))?;
            let key_target = shape_ref(key, shapes, &format!("{context} (map key)"))?;
            let value_target = shape_ref(value, shapes, &format!("{context} (map value)"))?;
            if shape_type(shapes, key_target) != Some("string") {
                return Err(model_err(format!(
                    "{context}: map key shape `{key_target}` is not a string shape"
                )));
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

// ---------------------------------------------------------------------------------------------
// service.json

fn metadata_str<'a>(metadata: &'a Map<String, Value>, key: &str) -> Result<&'a str, ImportError> {
    match metadata.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(model_err(format!(
            "metadata.{key} is not a non-empty string"
        ))),
        None => Err(model_err(format!("metadata.{key} is missing"))),
    }
}

/// Builds `service.json`; also returns how many operations are public (`auth: "none"`).
fn service_document(
    metadata: &Map<String, Value>,
    operations: &Map<String, Value>,
    shapes: &Map<String, Value>,
    paginators: Option<&Value>,
    api_reference: Option<&str>,
) -> Result<(Map<String, Value>, usize), ImportError> {
    let endpoint_prefix = metadata_str(metadata, "endpointPrefix")?;
    let title = metadata_str(metadata, "serviceFullName")?;
    let api_version = metadata_str(metadata, "apiVersion")?;
    let protocol = match metadata_str(metadata, "protocol")? {
        "json" => match metadata.get("jsonVersion").and_then(Value::as_str) {
            Some("1.0") => "awsJson1_0",
            Some("1.1") => "awsJson1_1",
            other => {
                return Err(model_err(format!(
                    "metadata.jsonVersion must be \"1.0\" or \"1.1\" for the json protocol, found {}",
                    other.map_or("nothing".to_owned(), |v| format!("{v:?}"))
                )));
            }
        },
        other => {
            return Err(model_err(format!(
                "protocol {other:?} is not supported (only \"json\", i.e. AWS JSON 1.0/1.1)"
            )));
        }
    };
    let target_prefix = metadata_str(metadata, "targetPrefix")?;
    let signing_name = match metadata.get("signingName") {
        None => endpoint_prefix,
        Some(_) => metadata_str(metadata, "signingName")?,
    };
    match metadata.get("signatureVersion") {
        Some(version) if version.as_str() != Some("v4") => {
            return Err(model_err(format!(
                "metadata.signatureVersion {version} is not supported (only \"v4\")"
            )));
        }
        _ => {}
    }

    let pagination = pagination_table(paginators, operations, shapes)?;

    let mut sorted: BTreeMap<&str, Value> = BTreeMap::new();
    let mut public_operations = 0;
    for (op_name, op) in operations {
        let (entry, public) =
            operation_entry(op_name, op, shapes, pagination.get(op_name.as_str()))?;
        if public {
            public_operations += 1;
        }
        sorted.insert(op_name, Value::Object(entry));
    }

    let mut service = Map::new();
    service.insert("name".into(), endpoint_prefix.into());
    service.insert("title".into(), title.into());
    service.insert("apiVersion".into(), api_version.into());
    service.insert("protocol".into(), protocol.into());
    service.insert("targetPrefix".into(), target_prefix.into());
    service.insert("signingName".into(), signing_name.into());
    service.insert("endpointPrefix".into(), endpoint_prefix.into());
    if let Some(url) = api_reference {
        service.insert("apiReference".into(), url.into());
    }
    let operations_out: Map<String, Value> = sorted
        .into_iter()
        .map(|(name, entry)| (name.to_owned(), entry))
        .collect();
    service.insert("operations".into(), Value::Object(operations_out));
    Ok((service, public_operations))
}

/// Checks that an operation's input/output/error reference names a structure shape.
fn operation_shape<'a>(
    reference: &'a Value,
    shapes: &Map<String, Value>,
    context: &str,
    must_be_error: bool,
) -> Result<&'a str, ImportError> {
    let target = shape_ref(reference, shapes, context)?;
    let def = &shapes[target];
    if def.get("type").and_then(Value::as_str) != Some("structure")
        || def.get("document") == Some(&Value::Bool(true))
    {
        return Err(model_err(format!(
            "{context}: shape `{target}` is not a structure"
        )));
    }
    let is_error = def.get("exception") == Some(&Value::Bool(true));
    if must_be_error && !is_error {
        return Err(model_err(format!(
            "{context}: shape `{target}` is not marked as an exception"
        )));
    }
    Ok(target)
}

/// Whether an operation is called without SigV4 signing.
fn operation_is_public(op: &Map<String, Value>, context: &str) -> Result<bool, ImportError> {
    let from_authtype = match op.get("authtype") {
        None => None,
        Some(Value::String(t)) if t == "none" => Some(true),
        Some(Value::String(t)) if t == "v4" => Some(false),
        Some(other) => {
            return Err(model_err(format!(
                "{context}: authtype {other} is not supported (only \"none\" or \"v4\")"
            )));
        }
    };
    let from_auth = match op.get("auth") {
        None => None,
        Some(Value::Array(schemes)) => match schemes.as_slice() {
            [Value::String(s)] if s == NO_AUTH_SCHEME => Some(true),
            [Value::String(s)] if s == SIGV4_SCHEME => Some(false),
            _ => {
                return Err(model_err(format!(
                    "{context}: auth {} is not supported (only [\"{NO_AUTH_SCHEME}\"] or [\"{SIGV4_SCHEME}\"])",
                    Value::Array(schemes.clone())
                )));
            }
        },
        Some(other) => return Err(model_err(format!("{context}: auth {other} is not a list"))),
    };
    match (from_authtype, from_auth) {
        (Some(a), Some(b)) if a != b => Err(model_err(format!(
            "{context}: `authtype` and `auth` disagree"
        ))),
        (a, b) => Ok(a.or(b).unwrap_or(false)),
    }
}

fn operation_entry(
    op_name: &str,
    op: &Value,
    shapes: &Map<String, Value>,
    pagination: Option<&Map<String, Value>>,
) -> Result<(Map<String, Value>, bool), ImportError> {
    let context = format!("operation `{op_name}`");
    if !is_plain_identifier(op_name) {
        return Err(model_err(format!(
            "{context}: the name is not a plain identifier (letters, digits, `_`)"
        )));
    }
    let def = op
        .as_object()
        .ok_or_else(|| model_err(format!("{context}: not a JSON object")))?;
    match def.get("name") {
        Some(name) if name.as_str() != Some(op_name) => {
            return Err(model_err(format!(
                "{context}: its `name` field says {name}"
            )));
        }
        _ => {}
    }
    if def
        .get("endpoint")
        .and_then(|e| e.get("hostPrefix"))
        .is_some()
    {
        return Err(model_err(format!(
            "{context}: endpoint host prefixes are not supported"
        )));
    }

    let mut entry = Map::new();
    if let Some(input) = def.get("input") {
        let target = operation_shape(input, shapes, &format!("{context} input"), false)?;
        entry.insert("input".into(), target.into());
    }
    if let Some(output) = def.get("output") {
        let target = operation_shape(output, shapes, &format!("{context} output"), false)?;
        entry.insert("output".into(), target.into());
    }
    let mut errors = Vec::new();
    match def.get("errors") {
        None => {}
        Some(Value::Array(list)) => {
            for error in list {
                let target = operation_shape(error, shapes, &format!("{context} error"), true)?;
                if !errors.iter().any(|e: &Value| e.as_str() == Some(target)) {
                    errors.push(Value::from(target));
                }
            }
        }
        Some(_) => return Err(model_err(format!("{context}: `errors` is not an array"))),
    }
    entry.insert("errors".into(), Value::Array(errors));
    let public = operation_is_public(def, &context)?;
    entry.insert("auth".into(), if public { "none" } else { "sigv4" }.into());
    if let Some(pagination) = pagination {
        entry.insert("pagination".into(), Value::Object(pagination.clone()));
    }
    Ok((entry, public))
}

/// Operation name -> `{"inputToken", "outputToken", "limitKey", "items"}`, checked against the
/// operation's input and output members.
fn pagination_table<'a>(
    paginators: Option<&'a Value>,
    operations: &Map<String, Value>,
    shapes: &Map<String, Value>,
) -> Result<HashMap<&'a str, Map<String, Value>>, ImportError> {
    let mut table = HashMap::new();
    let Some(paginators) = paginators else {
        return Ok(table);
    };
    let entries = paginators
        .get("pagination")
        .and_then(Value::as_object)
        .ok_or_else(|| model_err("paginators: no `pagination` object"))?;

    for (op_name, paginator) in entries {
        let context = format!("paginator `{op_name}`");
        let def = paginator
            .as_object()
            .ok_or_else(|| model_err(format!("{context}: not a JSON object")))?;
        let op = operations.get(op_name).ok_or_else(|| {
            model_err(format!("{context}: the model has no operation `{op_name}`"))
        })?;
        if def.contains_key("more_results") {
            return Err(model_err(format!(
                "{context}: `more_results` is not supported"
            )));
        }
        let member_of = |direction: &str| -> Option<&Map<String, Value>> {
            let target = op.get(direction)?.get("shape")?.as_str()?;
            shapes.get(target)?.get("members")?.as_object()
        };
        let input_members = member_of("input");
        let output_members = member_of("output");

        // One key: a single member name, present in the given members.
        let single = |key: &str,
                      members: Option<&Map<String, Value>>,
                      side: &str|
         -> Result<Option<&str>, ImportError> {
            let value = match def.get(key) {
                None => return Ok(None),
                Some(Value::String(s)) => s.as_str(),
                Some(Value::Array(_)) => {
                    return Err(model_err(format!(
                        "{context}: `{key}` is a list; only a single member name is supported"
                    )));
                }
                Some(other) => {
                    return Err(model_err(format!(
                        "{context}: `{key}` is not a string: {other}"
                    )));
                }
            };
            if !members.is_some_and(|m| m.contains_key(value)) {
                return Err(model_err(format!(
                    "{context}: `{key}` {value:?} is not a member of the operation's {side}"
                )));
            }
            Ok(Some(value))
        };
        let input_token = single("input_token", input_members, "input")?
            .ok_or_else(|| model_err(format!("{context}: `input_token` is missing")))?;
        let output_token = single("output_token", output_members, "output")?
            .ok_or_else(|| model_err(format!("{context}: `output_token` is missing")))?;
        let limit_key = single("limit_key", input_members, "input")?;
        let items = single("result_key", output_members, "output")?
            .ok_or_else(|| model_err(format!("{context}: `result_key` is missing")))?;
        let items_is_list = output_members
            .and_then(|m| m.get(items))
            .and_then(|member| member.get("shape"))
            .and_then(Value::as_str)
            .and_then(|target| shape_type(shapes, target))
            == Some("list");
        if !items_is_list {
            return Err(model_err(format!(
                "{context}: `result_key` {items:?} is not a list member"
            )));
        }

        let mut entry = Map::new();
        entry.insert("inputToken".into(), input_token.into());
        entry.insert("outputToken".into(), output_token.into());
        insert_opt(&mut entry, "limitKey", limit_key);
        entry.insert("items".into(), items.into());
        table.insert(op_name.as_str(), entry);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A model with the given shapes and operations and a standard JSON 1.1 metadata block.
    fn model(shapes: Value, operations: Value) -> Value {
        json!({
            "version": "2.0",
            "metadata": {
                "apiVersion": "2020-01-01",
                "endpointPrefix": "example-svc",
                "jsonVersion": "1.1",
                "protocol": "json",
                "serviceFullName": "Example Service",
                "signatureVersion": "v4",
                "targetPrefix": "ExampleService"
            },
            "operations": operations,
            "shapes": shapes
        })
    }

    /// Converts a model made of `shapes` only and returns the parsed schema of `name`.
    fn schema_of(shapes: Value, name: &str) -> Value {
        let files = convert(&model(shapes, json!({})), None, None).expect("convert");
        parse(&files, &format!("{name}.json"))
    }

    fn parse(files: &BTreeMap<String, String>, file: &str) -> Value {
        serde_json::from_str(files.get(file).unwrap_or_else(|| panic!("no {file}"))).unwrap()
    }

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    fn model_error(model: &Value, paginators: Option<&Value>) -> String {
        match convert(model, paginators, None) {
            Err(ImportError::Model(message)) => message,
            Err(other) => panic!("expected a model error, got {other}"),
            Ok(_) => panic!("expected a model error, got success"),
        }
    }

    /// A small service exercising operations, errors, auth and pagination.
    fn service_model() -> Value {
        model(
            json!({
                "Name": {"type": "string", "min": 1, "max": 64},
                "Token": {"type": "string"},
                "Limit": {"type": "integer", "min": 1, "max": 60},
                "Thing": {"type": "structure", "members": {"Name": {"shape": "Name"}}},
                "Things": {"type": "list", "member": {"shape": "Thing"}},
                "ListThingsRequest": {"type": "structure", "members": {
                    "NextToken": {"shape": "Token"}, "MaxResults": {"shape": "Limit"}}},
                "ListThingsResponse": {"type": "structure", "members": {
                    "Things": {"shape": "Things"}, "NextToken": {"shape": "Token"}}},
                "SignUpRequest": {"type": "structure", "members": {"Name": {"shape": "Name"}},
                                  "required": ["Name"]},
                "SignUpResponse": {"type": "structure", "members": {}},
                "DeleteThingRequest": {"type": "structure", "members": {"Name": {"shape": "Name"}}},
                "NotFoundException": {"type": "structure", "exception": true,
                                      "members": {"message": {"shape": "Token"}}},
                "InternalErrorException": {"type": "structure", "exception": true, "fault": true,
                                           "members": {"message": {"shape": "Token"}}}
            }),
            json!({
                "SignUp": {"name": "SignUp", "http": {"method": "POST", "requestUri": "/"},
                           "input": {"shape": "SignUpRequest"}, "output": {"shape": "SignUpResponse"},
                           "errors": [{"shape": "NotFoundException"}, {"shape": "InternalErrorException"}],
                           "authtype": "none", "auth": ["smithy.api#noAuth"],
                           "documentation": "<p>AWS prose that must not be copied.</p>"},
                "ListThings": {"name": "ListThings", "input": {"shape": "ListThingsRequest"},
                               "output": {"shape": "ListThingsResponse"},
                               "errors": [{"shape": "InternalErrorException"}]},
                "DeleteThing": {"name": "DeleteThing", "input": {"shape": "DeleteThingRequest"},
                                "errors": [{"shape": "InternalErrorException"}, {"shape": "NotFoundException"}]},
                "Ping": {"name": "Ping", "input": {"shape": "DeleteThingRequest"},
                         "auth": ["smithy.api#noAuth"]}
            }),
        )
    }

    fn service_paginators() -> Value {
        json!({"pagination": {
            "ListThings": {"input_token": "NextToken", "output_token": "NextToken",
                           "limit_key": "MaxResults", "result_key": "Things"}
        }})
    }

    #[test]
    fn structure_maps_members_in_model_order_with_required_and_deprecated() {
        let schema = schema_of(
            json!({
                "Zeta": {"type": "string"},
                "Alpha": {"type": "boolean"},
                "Thing": {"type": "structure", "documentation": "<p>prose</p>",
                          "required": ["Zeta"],
                          "members": {
                              "Zeta": {"shape": "Zeta", "documentation": "x"},
                              "Alpha": {"shape": "Alpha", "box": true,
                                        "deprecated": true, "deprecatedMessage": "gone"}
                          }}
            }),
            "Thing",
        );
        assert_eq!(
            schema,
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "Thing",
                "type": "object",
                "properties": {
                    "Zeta": {"$ref": "Zeta.json"},
                    "Alpha": {"$ref": "Alpha.json", "deprecated": true}
                },
                "required": ["Zeta"]
            })
        );
        assert_eq!(
            keys(&schema),
            ["$schema", "title", "type", "properties", "required"]
        );
        assert_eq!(keys(&schema["properties"]), ["Zeta", "Alpha"]);
    }

    #[test]
    fn empty_structure_has_empty_properties_and_no_required() {
        let schema = schema_of(
            json!({"Empty": {"type": "structure", "members": {}}}),
            "Empty",
        );
        assert_eq!(schema["properties"], json!({}));
        assert!(schema.get("required").is_none());
    }

    #[test]
    fn strings_map_lengths_pattern_and_enum() {
        let shapes = json!({
            "Plain": {"type": "string"},
            "Bounded": {"type": "string", "min": 1, "max": 128, "pattern": "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"},
            "Color": {"type": "string", "enum": ["RED", "GREEN"], "max": 5}
        });
        let files = convert(&model(shapes, json!({})), None, None).unwrap();
        assert_eq!(
            parse(&files, "Plain.json"),
            json!({"$schema": SCHEMA_DIALECT, "title": "Plain", "type": "string"})
        );
        let bounded = parse(&files, "Bounded.json");
        assert_eq!(bounded["minLength"], 1);
        assert_eq!(bounded["maxLength"], 128);
        assert_eq!(bounded["pattern"], "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
        assert_eq!(
            keys(&bounded),
            [
                "$schema",
                "title",
                "type",
                "minLength",
                "maxLength",
                "pattern"
            ]
        );
        let color = parse(&files, "Color.json");
        assert_eq!(color["enum"], json!(["RED", "GREEN"]));
        assert_eq!(
            keys(&color),
            ["$schema", "title", "type", "maxLength", "enum"]
        );
    }

    #[test]
    fn numbers_booleans_and_timestamps() {
        let shapes = json!({
            "Int": {"type": "integer", "min": 0, "max": 100},
            "Long": {"type": "long", "min": -5},
            "Float": {"type": "float", "max": 1.5},
            "Double": {"type": "double", "min": 0, "max": 2.25},
            "Bool": {"type": "boolean"},
            "When": {"type": "timestamp"}
        });
        let files = convert(&model(shapes, json!({})), None, None).unwrap();
        let int = parse(&files, "Int.json");
        assert_eq!(
            int,
            json!({"$schema": SCHEMA_DIALECT, "title": "Int", "type": "integer", "format": "int32",
                   "minimum": 0, "maximum": 100})
        );
        assert_eq!(
            keys(&int),
            ["$schema", "title", "type", "format", "minimum", "maximum"]
        );
        let long = parse(&files, "Long.json");
        assert_eq!(
            (long["format"].as_str(), long["minimum"].as_i64()),
            (Some("int64"), Some(-5))
        );
        assert!(long.get("maximum").is_none());
        let float = parse(&files, "Float.json");
        assert_eq!(
            (float["type"].as_str(), float["format"].as_str()),
            (Some("number"), Some("float"))
        );
        assert_eq!(float["maximum"], 1.5);
        let double = parse(&files, "Double.json");
        assert_eq!(double["format"], "double");
        assert_eq!(
            (double["minimum"].as_i64(), double["maximum"].as_f64()),
            (Some(0), Some(2.25))
        );
        assert_eq!(
            parse(&files, "Bool.json"),
            json!({"$schema": SCHEMA_DIALECT, "title": "Bool", "type": "boolean"})
        );
        assert_eq!(
            parse(&files, "When.json"),
            json!({"$schema": SCHEMA_DIALECT, "title": "When", "type": "number", "format": "epoch-seconds"})
        );
    }

    #[test]
    fn blobs_are_base64_strings_with_byte_sizes() {
        let schema = schema_of(
            json!({"Bytes": {"type": "blob", "min": 0, "max": 131072}}),
            "Bytes",
        );
        assert_eq!(
            schema,
            json!({"$schema": SCHEMA_DIALECT, "title": "Bytes", "type": "string",
                   "contentEncoding": "base64", "x-aws-min-bytes": 0, "x-aws-max-bytes": 131072})
        );
        assert_eq!(
            keys(&schema),
            [
                "$schema",
                "title",
                "type",
                "contentEncoding",
                "x-aws-min-bytes",
                "x-aws-max-bytes"
            ]
        );
    }

    #[test]
    fn lists_and_maps() {
        let shapes = json!({
            "Key": {"type": "string", "min": 1},
            "Val": {"type": "string"},
            "Vals": {"type": "list", "member": {"shape": "Val"}, "min": 1, "max": 10},
            "Dict": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "Val"}, "max": 50}
        });
        let files = convert(&model(shapes, json!({})), None, None).unwrap();
        let list = parse(&files, "Vals.json");
        assert_eq!(
            list,
            json!({"$schema": SCHEMA_DIALECT, "title": "Vals", "type": "array",
                   "minItems": 1, "maxItems": 10, "items": {"$ref": "Val.json"}})
        );
        assert_eq!(
            keys(&list),
            ["$schema", "title", "type", "minItems", "maxItems", "items"]
        );
        let map = parse(&files, "Dict.json");
        assert_eq!(
            map,
            json!({"$schema": SCHEMA_DIALECT, "title": "Dict", "type": "object", "maxProperties": 50,
                   "additionalProperties": {"$ref": "Val.json"}, "propertyNames": {"$ref": "Key.json"}})
        );
        assert_eq!(
            keys(&map),
            [
                "$schema",
                "title",
                "type",
                "maxProperties",
                "additionalProperties",
                "propertyNames"
            ]
        );
    }

    #[test]
    fn sensitive_shapes() {
        let shapes = json!({
            "Secret": {"type": "string", "min": 8, "sensitive": true},
            "Str": {"type": "string"},
            "SecretMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}, "sensitive": true},
            "SecretStruct": {"type": "structure", "members": {"A": {"shape": "Str"}}, "sensitive": true},
            "SecretBytes": {"type": "blob", "max": 4, "sensitive": true}
        });
        let files = convert(&model(shapes, json!({})), None, None).unwrap();
        let secret = parse(&files, "Secret.json");
        assert_eq!(
            secret,
            json!({"$schema": SCHEMA_DIALECT, "title": "Secret", "type": "string", "format": "password",
                   "minLength": 8, "x-aws-sensitive": true})
        );
        assert_eq!(
            keys(&secret),
            [
                "$schema",
                "title",
                "type",
                "format",
                "minLength",
                "x-aws-sensitive"
            ]
        );
        for name in ["SecretMap", "SecretStruct", "SecretBytes"] {
            let schema = parse(&files, &format!("{name}.json"));
            assert_eq!(schema["x-aws-sensitive"], true, "{name}");
            assert!(
                schema.get("format").is_none(),
                "{name}: only AWS strings get format password"
            );
            assert_eq!(keys(&schema).last(), Some(&"x-aws-sensitive"), "{name}");
        }
        assert!(parse(&files, "Str.json").get("x-aws-sensitive").is_none());
    }

    #[test]
    fn exceptions_carry_their_fault() {
        let shapes = json!({
            "Msg": {"type": "string"},
            "BadInputException": {"type": "structure", "exception": true,
                                  "error": {"code": "BadInput", "httpStatusCode": 400, "senderFault": true},
                                  "members": {"message": {"shape": "Msg"}}},
            "BrokenException": {"type": "structure", "exception": true, "fault": true,
                                "members": {"message": {"shape": "Msg"}}}
        });
        let files = convert(&model(shapes, json!({})), None, None).unwrap();
        let client = parse(&files, "BadInputException.json");
        assert_eq!(client["x-aws-error"], json!({"fault": "client"}));
        assert_eq!(
            keys(&client),
            ["$schema", "title", "type", "properties", "x-aws-error"]
        );
        assert_eq!(
            parse(&files, "BrokenException.json")["x-aws-error"],
            json!({"fault": "server"})
        );
        assert!(parse(&files, "Msg.json").get("x-aws-error").is_none());
    }

    #[test]
    fn document_shapes_have_no_type() {
        let schema = schema_of(
            json!({"Document": {"type": "structure", "document": true}}),
            "Document",
        );
        assert_eq!(
            schema,
            json!({"$schema": SCHEMA_DIALECT, "title": "Document", "x-aws-document": true})
        );
        let sensitive = schema_of(
            json!({"Doc": {"type": "structure", "document": true, "sensitive": true}}),
            "Doc",
        );
        assert_eq!(
            keys(&sensitive),
            ["$schema", "title", "x-aws-document", "x-aws-sensitive"]
        );
    }

    #[test]
    fn files_are_pretty_printed_with_a_trailing_newline() {
        let files = convert(
            &model(
                json!({"Flag": {"type": "boolean", "documentation": "<p>prose</p>"}}),
                json!({}),
            ),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            files["Flag.json"],
            "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"title\": \"Flag\",\n  \"type\": \"boolean\"\n}\n"
        );
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["Flag.json", "service.json"]
        );
    }

    #[test]
    fn no_prose_or_description_is_emitted() {
        let files = convert(&service_model(), Some(&service_paginators()), None).unwrap();
        for (name, content) in &files {
            assert!(!content.contains("description"), "{name}");
            assert!(!content.contains("documentation"), "{name}");
            assert!(!content.contains("prose"), "{name}");
        }
    }

    #[test]
    fn service_json_describes_protocol_operations_auth_and_pagination() {
        let files = convert(
            &service_model(),
            Some(&service_paginators()),
            Some("https://example.invalid/api/"),
        )
        .unwrap();
        let service = parse(&files, "service.json");
        assert_eq!(
            service,
            json!({
                "name": "example-svc",
                "title": "Example Service",
                "apiVersion": "2020-01-01",
                "protocol": "awsJson1_1",
                "targetPrefix": "ExampleService",
                "signingName": "example-svc",
                "endpointPrefix": "example-svc",
                "apiReference": "https://example.invalid/api/",
                "operations": {
                    "DeleteThing": {
                        "input": "DeleteThingRequest",
                        "errors": ["InternalErrorException", "NotFoundException"],
                        "auth": "sigv4"
                    },
                    "ListThings": {
                        "input": "ListThingsRequest",
                        "output": "ListThingsResponse",
                        "errors": ["InternalErrorException"],
                        "auth": "sigv4",
                        "pagination": {"inputToken": "NextToken", "outputToken": "NextToken",
                                       "limitKey": "MaxResults", "items": "Things"}
                    },
                    "Ping": {"input": "DeleteThingRequest", "errors": [], "auth": "none"},
                    "SignUp": {
                        "input": "SignUpRequest",
                        "output": "SignUpResponse",
                        "errors": ["NotFoundException", "InternalErrorException"],
                        "auth": "none"
                    }
                }
            })
        );
        assert_eq!(
            keys(&service),
            [
                "name",
                "title",
                "apiVersion",
                "protocol",
                "targetPrefix",
                "signingName",
                "endpointPrefix",
                "apiReference",
                "operations"
            ]
        );
        assert_eq!(
            keys(&service["operations"]),
            ["DeleteThing", "ListThings", "Ping", "SignUp"]
        );
        assert_eq!(
            keys(&service["operations"]["ListThings"]),
            ["input", "output", "errors", "auth", "pagination"]
        );
        assert_eq!(
            keys(&service["operations"]["ListThings"]["pagination"]),
            ["inputToken", "outputToken", "limitKey", "items"]
        );
        let converted = convert_model(&service_model(), None, None).unwrap();
        assert_eq!(
            (
                converted.operations,
                converted.types,
                converted.public_operations
            ),
            (4, 12, 2)
        );
    }

    #[test]
    fn service_json_variants() {
        let mut m = service_model();
        m["metadata"]["jsonVersion"] = json!("1.0");
        m["metadata"]["signingName"] = json!("signer");
        let mut paginators = service_paginators();
        paginators["pagination"]["ListThings"]
            .as_object_mut()
            .unwrap()
            .remove("limit_key");
        let files = convert(&m, Some(&paginators), None).unwrap();
        let service = parse(&files, "service.json");
        assert_eq!(service["protocol"], "awsJson1_0");
        assert_eq!(service["signingName"], "signer");
        assert!(service.get("apiReference").is_none());
        assert!(
            service["operations"]["ListThings"]
                .get("pagination")
                .is_some()
        );
        assert_eq!(
            service["operations"]["ListThings"]["pagination"],
            json!({"inputToken": "NextToken", "outputToken": "NextToken", "items": "Things"})
        );
        // Without paginators: no pagination at all.
        let files = convert(&service_model(), None, None).unwrap();
        assert!(
            parse(&files, "service.json")["operations"]["ListThings"]
                .get("pagination")
                .is_none()
        );
    }

    #[test]
    fn conversion_is_deterministic() {
        let m = service_model();
        let p = service_paginators();
        let first = convert(&m, Some(&p), Some("https://example.invalid/")).unwrap();
        let second = convert(&m, Some(&p), Some("https://example.invalid/")).unwrap();
        assert_eq!(first, second);
        // Round trip through text (as the file on disk would be) changes nothing either.
        let reparsed: Value = serde_json::from_str(&m.to_string()).unwrap();
        assert_eq!(
            convert(&reparsed, Some(&p), Some("https://example.invalid/")).unwrap(),
            first
        );
    }

    #[test]
    fn missing_top_level_sections_are_reported() {
        for section in ["metadata", "operations", "shapes"] {
            let mut m = service_model();
            m.as_object_mut().unwrap().remove(section);
            let message = model_error(&m, None);
            assert!(message.contains(section), "{message}");
        }
        assert!(model_error(&json!([1, 2]), None).contains("not a JSON object"));
        let mut m = service_model();
        m["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("targetPrefix");
        assert!(model_error(&m, None).contains("metadata.targetPrefix"));
    }

    #[test]
    fn dangling_references_are_reported() {
        let mut m = service_model();
        m["operations"]["SignUp"]["input"] = json!({"shape": "NoSuchRequest"});
        let message = model_error(&m, None);
        assert!(
            message.contains("SignUp") && message.contains("NoSuchRequest"),
            "{message}"
        );

        let mut m = service_model();
        m["operations"]["ListThings"]["output"] = json!({"shape": "Gone"});
        let message = model_error(&m, None);
        assert!(
            message.contains("ListThings") && message.contains("Gone"),
            "{message}"
        );

        let mut m = service_model();
        m["operations"]["ListThings"]["errors"] = json!([{"shape": "MissingException"}]);
        let message = model_error(&m, None);
        assert!(
            message.contains("ListThings") && message.contains("MissingException"),
            "{message}"
        );

        let mut m = service_model();
        m["shapes"]["Thing"]["members"]["Owner"] = json!({"shape": "Person"});
        let message = model_error(&m, None);
        assert!(
            message.contains("Thing.Owner") && message.contains("Person"),
            "{message}"
        );

        let mut m = service_model();
        m["shapes"]["Things"]["member"] = json!({"shape": "Nope"});
        let message = model_error(&m, None);
        assert!(
            message.contains("Things") && message.contains("Nope"),
            "{message}"
        );
    }

    #[test]
    fn unsupported_shapes_are_rejected_by_name() {
        let cases = [
            (
                json!({"Choice": {"type": "structure", "union": true, "members": {}}}),
                "Choice",
            ),
            (json!({"Weird": {"type": "bigdecimal"}}), "Weird"),
            (json!({"NoType": {"min": 1}}), "NoType"),
            (json!({"service": {"type": "string"}}), "service"),
            (json!({"Bad.Name": {"type": "string"}}), "Bad.Name"),
            (
                json!({"Name": {"type": "string"}, "NAME": {"type": "string"}}),
                "NAME",
            ),
            (
                json!({"Iso": {"type": "timestamp", "timestampFormat": "iso8601"}}),
                "Iso",
            ),
            (json!({"Neg": {"type": "string", "min": -1}}), "Neg"),
            (json!({"Odd": {"type": "boolean", "max": 3}}), "Odd"),
            (
                json!({"EmptyEnum": {"type": "string", "enum": []}}),
                "EmptyEnum",
            ),
            (
                json!({"IntKey": {"type": "integer"},
                    "M": {"type": "map", "key": {"shape": "IntKey"}, "value": {"shape": "IntKey"}}}),
                "IntKey",
            ),
            (
                json!({"S": {"type": "string"},
                    "Req": {"type": "structure", "members": {"A": {"shape": "S"}}, "required": ["B"]}}),
                "Req",
            ),
            (
                json!({"S": {"type": "string"},
                    "Renamed": {"type": "structure", "members": {"A": {"shape": "S", "locationName": "a"}}}}),
                "Renamed.A",
            ),
            (
                json!({"NotErr": {"type": "string", "exception": true}}),
                "NotErr",
            ),
        ];
        for (shapes, name) in cases {
            let message = model_error(&model(shapes, json!({})), None);
            assert!(message.contains(name), "expected {name:?} in {message:?}");
        }
    }

    #[test]
    fn invalid_operations_and_auth_are_rejected() {
        let mut m = service_model();
        m["operations"]["Ping"]["authtype"] = json!("bearer");
        assert!(model_error(&m, None).contains("Ping"));

        let mut m = service_model();
        m["operations"]["Ping"]["authtype"] = json!("v4");
        assert!(model_error(&m, None).contains("disagree"));

        let mut m = service_model();
        m["operations"]["ListThings"]["errors"] = json!([{"shape": "Thing"}]);
        let message = model_error(&m, None);
        assert!(
            message.contains("ListThings") && message.contains("exception"),
            "{message}"
        );

        let mut m = service_model();
        m["operations"]["SignUp"]["input"] = json!({"shape": "Name"});
        assert!(model_error(&m, None).contains("not a structure"));

        let mut m = service_model();
        m["metadata"]["protocol"] = json!("rest-json");
        assert!(model_error(&m, None).contains("rest-json"));

        let mut m = service_model();
        m["metadata"]["jsonVersion"] = json!("2.0");
        assert!(model_error(&m, None).contains("jsonVersion"));
    }

    #[test]
    fn invalid_paginators_are_rejected() {
        let m = service_model();
        let cases = [
            (
                json!({"pagination": {"ListThings": {"input_token": ["NextToken", "Other"],
                "output_token": "NextToken", "result_key": "Things"}}}),
                "input_token",
            ),
            (
                json!({"pagination": {"ListThings": {"input_token": "NextToken",
                "output_token": "NextToken", "result_key": ["Things", "More"]}}}),
                "result_key",
            ),
            (
                json!({"pagination": {"Unknown": {"input_token": "A", "output_token": "B",
                "result_key": "C"}}}),
                "Unknown",
            ),
            (
                json!({"pagination": {"ListThings": {"input_token": "NextToken",
                "output_token": "NextToken", "result_key": "Nope"}}}),
                "Nope",
            ),
            (
                json!({"pagination": {"ListThings": {"input_token": "NextToken",
                "output_token": "NextToken", "result_key": "NextToken"}}}),
                "not a list",
            ),
            (
                json!({"pagination": {"ListThings": {"output_token": "NextToken",
                "result_key": "Things"}}}),
                "input_token",
            ),
            (json!({"nothing": {}}), "pagination"),
        ];
        for (paginators, needle) in cases {
            let message = model_error(&m, Some(&paginators));
            assert!(
                message.contains(needle),
                "expected {needle:?} in {message:?}"
            );
            assert!(message.contains("paginator"), "{message}");
        }
    }

    #[test]
    fn errors_display_their_context() {
        let error = convert(&json!({}), None, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "botocore model: the model has no `metadata` object"
        );
        let dir = scratch_dir("missing-model");
        let error =
            import_botocore(&dir.join("nope.json"), &dir, &ImportOptions::default()).unwrap_err();
        assert!(matches!(error, ImportError::Io { .. }));
        assert!(error.to_string().contains("nope.json"), "{error}");
        fs::write(dir.join("broken.json"), "{not json").unwrap();
        let error = import_botocore(
            &dir.join("broken.json"),
            &dir.join("out"),
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(error, ImportError::Json { .. }));
        assert!(error.to_string().contains("broken.json"), "{error}");
        fs::remove_dir_all(&dir).unwrap();
    }

    // -----------------------------------------------------------------------------------------
    // Filesystem behaviour

    fn scratch_dir(tag: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "import-botocore-test-{}-{}-{tag}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn import_writes_only_changes_removes_stale_json_and_keeps_other_files() {
        let dir = scratch_dir("sync");
        let model_path = dir.join("service-2.json.gz");
        fs::write(&model_path, gzip(service_model().to_string().as_bytes())).unwrap();
        let paginators_path = dir.join("paginators-1.json");
        fs::write(&paginators_path, service_paginators().to_string()).unwrap();
        let out = dir.join("schemas");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("README.md"), "keep me").unwrap();
        fs::write(out.join("Stale.json"), "{}").unwrap();
        fs::write(out.join("notes.txt"), "keep me too").unwrap();

        let options = ImportOptions {
            paginators: Some(paginators_path.clone()),
            api_reference: Some("https://example.invalid/ref/".into()),
        };
        let report = import_botocore(&model_path, &out, &options).unwrap();
        assert_eq!(
            (report.operations, report.types, report.public_operations),
            (4, 12, 2)
        );
        assert_eq!(report.written.len(), 13);
        assert_eq!(report.removed, ["Stale.json"]);
        assert_eq!(report.unchanged, 0);
        assert!(!out.join("Stale.json").exists());
        assert_eq!(
            fs::read_to_string(out.join("README.md")).unwrap(),
            "keep me"
        );
        assert_eq!(
            fs::read_to_string(out.join("notes.txt")).unwrap(),
            "keep me too"
        );
        let expected = convert(
            &service_model(),
            Some(&service_paginators()),
            Some("https://example.invalid/ref/"),
        )
        .unwrap();
        for (name, content) in &expected {
            assert_eq!(
                &fs::read_to_string(out.join(name)).unwrap(),
                content,
                "{name}"
            );
        }

        // Second run, no api_reference given: the existing one is kept and nothing changes.
        let options = ImportOptions {
            paginators: Some(paginators_path),
            api_reference: None,
        };
        let report = import_botocore(&model_path, &out, &options).unwrap();
        assert!(report.written.is_empty(), "{:?}", report.written);
        assert!(report.removed.is_empty());
        assert_eq!(report.unchanged, 13);

        // A shape removed from the model disappears; a changed one is rewritten.
        let mut smaller = service_model();
        smaller["shapes"].as_object_mut().unwrap().remove("Thing");
        smaller["shapes"]["Things"]["member"] = json!({"shape": "Name"});
        let plain_path = dir.join("service-2.json");
        fs::write(&plain_path, smaller.to_string()).unwrap();
        let report = import_botocore(&plain_path, &out, &ImportOptions::default()).unwrap();
        assert_eq!(report.removed, ["Thing.json"]);
        assert!(!out.join("Thing.json").exists());
        // Without paginators, service.json loses its pagination but keeps apiReference.
        assert_eq!(report.written, ["Things.json", "service.json"]);
        let service: Value =
            serde_json::from_str(&fs::read_to_string(out.join("service.json")).unwrap()).unwrap();
        assert_eq!(service["apiReference"], "https://example.invalid/ref/");
        assert_eq!(report.unchanged, 10);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gzip_is_detected_by_magic_bytes_too() {
        let dir = scratch_dir("magic");
        let model_path = dir.join("model.json");
        fs::write(&model_path, gzip(service_model().to_string().as_bytes())).unwrap();
        let out = dir.join("out");
        let report = import_botocore(&model_path, &out, &ImportOptions::default()).unwrap();
        assert_eq!(report.types, 12);
        assert!(out.join("service.json").is_file());
        fs::remove_dir_all(&dir).unwrap();
    }

    // -----------------------------------------------------------------------------------------
    // The real Cognito model (opt-in)

    /// Every `$ref` value anywhere in `value`.
    fn collect_refs<'v>(value: &'v Value, refs: &mut Vec<&'v str>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(target)) => refs.push(target),
                        _ => collect_refs(inner, refs),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect_refs(item, refs)),
            _ => {}
        }
    }

    #[test]
    fn real_cognito_model_when_available() {
        let Some(path) = std::env::var_os("BOTOCORE_COGNITO_MODEL") else {
            eprintln!("skipping: set BOTOCORE_COGNITO_MODEL to a cognito-idp service-2.json.gz");
            return;
        };
        let path = PathBuf::from(path);
        let model = read_json(&path).expect("read the model");
        let paginators_path = path.with_file_name("paginators-1.json");
        let paginators = paginators_path
            .is_file()
            .then(|| read_json(&paginators_path).expect("read paginators"));
        let converted = convert_model(&model, paginators.as_ref(), None).expect("convert");
        assert_eq!(converted.operations, 141);
        assert_eq!(converted.types, 685);
        assert_eq!(converted.public_operations, 34);
        assert_eq!(converted.files.len(), 686);
        assert!(converted.files.contains_key(SERVICE_FILE));

        let names: BTreeSet<&str> = converted.files.keys().map(String::as_str).collect();
        for (name, content) in &converted.files {
            let value: Value = serde_json::from_str(content).unwrap();
            let mut refs = Vec::new();
            collect_refs(&value, &mut refs);
            for target in refs {
                assert!(names.contains(target), "{name}: dangling $ref {target}");
            }
            if name != SERVICE_FILE {
                assert_eq!(
                    value["title"]
                        .as_str()
                        .map(|t| format!("{t}.json"))
                        .as_deref(),
                    Some(name.as_str())
                );
            }
        }
        let service: Value = serde_json::from_str(&converted.files[SERVICE_FILE]).unwrap();
        let operations = service["operations"].as_object().unwrap();
        for (op, entry) in operations {
            for key in ["input", "output"] {
                if let Some(shape) = entry.get(key).and_then(Value::as_str) {
                    assert!(
                        names.contains(format!("{shape}.json").as_str()),
                        "{op} {key}"
                    );
                }
            }
            for error in entry["errors"].as_array().unwrap() {
                assert!(
                    names.contains(format!("{}.json", error.as_str().unwrap()).as_str()),
                    "{op}"
                );
            }
        }
        if paginators.is_some() {
            assert_eq!(
                service["operations"]["ListUsers"]["pagination"],
                json!({"inputToken": "PaginationToken", "outputToken": "PaginationToken",
                       "limitKey": "Limit", "items": "Users"})
            );
        }
        assert_eq!(service["protocol"], "awsJson1_1");
        assert_eq!(service["operations"]["SignUp"]["auth"], "none");
        assert_eq!(service["operations"]["AdminCreateUser"]["auth"], "sigv4");
    }
}
