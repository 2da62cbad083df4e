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
pub(super) const SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";
/// The one output file that is not a type schema.
pub(super) const SERVICE_FILE: &str = "service.json";
/// Smithy's identifier for "this operation is not signed".
pub(super) const NO_AUTH_SCHEME: &str = "smithy.api#noAuth";
/// Smithy's identifier for SigV4 signing.
pub(super) const SIGV4_SCHEME: &str = "aws.auth#sigv4";

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

pub(super) fn model_err(message: impl Into<String>) -> ImportError {
    ImportError::Model(message.into())
}

pub(super) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ImportError + '_ {
    move |source| ImportError::Io { path: path.to_path_buf(), source }
}

/// Reads the model at `model` (gzipped or not) and the optional paginators, converts them and
/// synchronises `out_dir` with the result: files are written only when their content changes, and
/// `*.json` files that are no longer produced are removed. Other files (e.g. `README.md`) are
/// never touched.
pub fn import_botocore(model: &Path, out_dir: &Path, options: &ImportOptions) -> Result<ImportReport, ImportError> {
    let model_json = read_json(model)?;
    let paginators_json = match &options.paginators {
        Some(path) => Some(read_json(path)?),
        None => None,
    };
    let api_reference = match &options.api_reference {
        Some(url) => Some(url.clone()),
        None => existing_api_reference(out_dir)?,
    };

    let mut converted = convert_model(&model_json, paginators_json.as_ref(), api_reference.as_deref())?;
    keep_not_enforced(out_dir, &mut converted.files)?;

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
        if !name.ends_with(".json") || name.starts_with('.') || converted.files.contains_key(&name) {
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

pub(super) fn read_json(path: &Path) -> Result<Value, ImportError> {
    let raw = fs::read(path).map_err(io_err(path))?;
    let is_gzip = path.extension().is_some_and(|ext| ext == "gz") || raw.starts_with(&[0x1f, 0x8b]);
    let bytes = if is_gzip {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut plain).map_err(io_err(path))?;
        plain
    } else {
        raw
    };
    serde_json::from_slice(&bytes).map_err(|source| ImportError::Json { path: path.to_path_buf(), source })
}

/// The keys of `service.json` written by hand, which no model holds: what the service does
/// beyond its model.
const HAND_WRITTEN: [&str; 2] = ["notEnforced", "extraEnumValues"];

/// Keeps the hand-written keys ([`HAND_WRITTEN`]) of an existing `out_dir/service.json` in the
/// new one.
fn keep_not_enforced(out_dir: &Path, files: &mut BTreeMap<String, String>) -> Result<(), ImportError> {
    let path = out_dir.join(SERVICE_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let existing: Value =
        serde_json::from_slice(&bytes).map_err(|source| ImportError::Json { path: path.clone(), source })?;
    let kept: Vec<(&str, &Value)> =
        HAND_WRITTEN.iter().filter_map(|key| existing.get(*key).map(|value| (*key, value))).collect();
    if kept.is_empty() {
        return Ok(());
    }
    let Some(text) = files.get_mut(SERVICE_FILE) else { return Ok(()) };
    let mut service: Value =
        serde_json::from_str(text).map_err(|source| ImportError::Json { path: path.clone(), source })?;
    if let Some(object) = service.as_object_mut() {
        for (key, value) in kept {
            object.insert(key.into(), value.clone());
        }
    }
    *text = render(&service);
    Ok(())
}

/// The `apiReference` of an existing `out_dir/service.json`, if there is one.
pub(super) fn existing_api_reference(out_dir: &Path) -> Result<Option<String>, ImportError> {
    let path = out_dir.join(SERVICE_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let service: Value =
        serde_json::from_slice(&bytes).map_err(|source| ImportError::Json { path: path.clone(), source })?;
    Ok(service.get("apiReference").and_then(Value::as_str).map(str::to_owned))
}

mod service;
mod shapes;
#[cfg(test)]
mod tests;

use service::*;
use shapes::*;
