//! Generates Rust for AWS JSON 1.0/1.1 services from a directory of JSON Schemas: typed models
//! (with typify), a client with one async method per operation, and an axum server trait.
//!
//! The pipeline is `load` (schemas -> [`model::Service`], the one intermediate model) then
//! `emit` (model -> files), with `write` putting files on disk only where they changed.
//!
//! ```no_run
//! use awsjson_codegen::{generate_dir, write::write_dir, emit::EmitOptions, load::LoadOptions};
//! let files = generate_dir("schemas".as_ref(), &LoadOptions::default(), &EmitOptions::default())?;
//! let report = write_dir("generated".as_ref(), &files)?;
//! println!("{} files written", report.written.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here is specific to one service: names, prefixes and types all come from the schemas.

pub mod emit;
pub mod import_botocore;
pub mod load;
pub mod model;
pub mod naming;
pub mod write;

use std::path::Path;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
    #[error(transparent)]
    Write(#[from] write::WriteError),
    #[error(transparent)]
    Import(#[from] import_botocore::ImportError),
}

/// Loads the schema directory `dir` and emits the crate's files (nothing is written).
pub fn generate_dir(dir: &Path, load: &load::LoadOptions, emit: &emit::EmitOptions) -> Result<emit::Files, Error> {
    let service = load::load_dir(dir, load)?;
    Ok(emit::emit(&service, emit)?)
}
