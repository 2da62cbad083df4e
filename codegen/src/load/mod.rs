//! Loading a schema directory into the intermediate [`Service`](crate::model::Service).
//!
//! A directory holds one JSON Schema per type (file stem or `title` names the type) and,
//! optionally, a `service.json` description. Without one, operations are inferred from
//! `<Op>Request` / `<Op>Response` pairs and errors from `*Exception` types (the layout of the
//! public API catalogue).

mod files;
mod schema;
mod service;

use std::path::{Path, PathBuf};

use crate::model::{Service, ShapeKind};

pub use files::SchemaFile;

/// Overrides for facts a schema directory may not carry.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Service name when there is no `service.json` (default: the directory's name).
    pub name: Option<String>,
    /// `X-Amz-Target` prefix when there is no `service.json`.
    pub target_prefix: Option<String>,
    /// API reference base URL when `service.json` has none.
    pub api_reference: Option<String>,
}

/// Why a schema directory could not be loaded. Every variant names the file it is about.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{file}: at {pointer}: {message}")]
    Schema { file: String, pointer: String, message: String },
    #[error("service.json: {0}")]
    Service(String),
    #[error("inconsistent model: {0}")]
    Model(String),
    #[error("{0} holds no JSON schema files")]
    Empty(PathBuf),
}

/// Loads every schema in `dir` and the service description into one model.
///
/// ```no_run
/// let service = awsjson_codegen::load::load_dir("schemas".as_ref(), &Default::default())?;
/// assert!(service.operations.contains_key("AdminCreateUser"));
/// # Ok::<(), awsjson_codegen::load::LoadError>(())
/// ```
pub fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Service, LoadError> {
    let dir_files = files::read_dir(dir)?;
    let mut shapes = schema::convert_all(&dir_files.schemas)?;
    let service = match &dir_files.service {
        Some((path, json)) => service::from_description(path, json, &mut shapes, options)?,
        None => {
            let name = options.name.clone().unwrap_or_else(|| files::dir_name(dir));
            service::infer(&name, &mut shapes, options)
        }
    };
    let mut service = service;
    apply_naming_rule(&mut service);
    service.check().map_err(LoadError::Model)?;
    Ok(service)
}

/// Renames the shapes [`crate::naming::renames`] says would collide as files or Rust types (a
/// directory the importer wrote never has any; hand-written titles might).
fn apply_naming_rule(service: &mut Service) {
    let shapes = &service.shapes;
    let renames =
        crate::naming::renames(shapes.keys().map(String::as_str), |n| shapes.get(n).is_some_and(|s| s.error.is_some()));
    if renames.is_empty() {
        return;
    }
    let rename = |name: &mut String| {
        if let Some(new) = renames.get(name.as_str()) {
            *name = new.clone();
        }
    };
    for op in service.operations.values_mut() {
        rename(&mut op.input);
        op.output.as_mut().map(rename);
        op.errors.iter_mut().for_each(rename);
    }
    service.shapes = std::mem::take(&mut service.shapes)
        .into_values()
        .map(|mut shape| {
            rename(&mut shape.name);
            match &mut shape.kind {
                ShapeKind::List { member, .. } => rename(member),
                ShapeKind::Map { key, value, .. } => {
                    rename(key);
                    rename(value);
                }
                ShapeKind::Structure { members } | ShapeKind::Union { members } => {
                    members.iter_mut().for_each(|m| rename(&mut m.target))
                }
                _ => {}
            }
            (shape.name.clone(), shape)
        })
        .collect();
}
