//! Reading a schema directory: which files are types, which is the service description.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::LoadError;

/// The file that describes the service (operations, protocol) rather than a type.
pub const SERVICE_FILE: &str = "service.json";

/// One type file, parsed.
#[derive(Debug, Clone)]
pub struct SchemaFile {
    /// File name within the directory, e.g. `UserType.json`.
    pub file_name: String,
    /// Type name: the schema's `title`, or the file stem.
    pub type_name: String,
    pub json: Value,
}

pub struct DirFiles {
    /// Type files, sorted by file name.
    pub schemas: Vec<SchemaFile>,
    pub service: Option<(PathBuf, Value)>,
}

pub fn read_dir(dir: &Path) -> Result<DirFiles, LoadError> {
    let io = |source| LoadError::Io { path: dir.to_path_buf(), source };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.path()).map_err(io))
        .collect::<Result<_, _>>()?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "json") && p.is_file());
    paths.sort();

    let mut schemas = Vec::new();
    let mut service = None;
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| LoadError::Io { path: path.clone(), source })?;
        let json: Value =
            serde_json::from_str(&text).map_err(|source| LoadError::Json { path: path.clone(), source })?;
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if file_name == SERVICE_FILE {
            service = Some((path, json));
            continue;
        }
        let type_name = match json.get("title").and_then(Value::as_str) {
            Some(title) if is_type_name(title) => title.to_string(),
            _ => type_name_from_stem(&file_name),
        };
        schemas.push(SchemaFile { file_name, type_name, json });
    }
    if schemas.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }
    Ok(DirFiles { schemas, service })
}

/// The directory's own name, used as the service name when nothing says otherwise.
pub fn dir_name(dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    canonical.file_name().and_then(|n| n.to_str()).unwrap_or("service").to_string()
}

fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `user-type.json` -> `UserType`, `UserType.json` -> `UserType`.
fn type_name_from_stem(file_name: &str) -> String {
    let stem = file_name.trim_end_matches(".json");
    heck::ToPascalCase::to_pascal_case(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_title_then_stem() {
        assert_eq!(type_name_from_stem("user-type.json"), "UserType");
        assert_eq!(type_name_from_stem("UserType.json"), "UserType");
        assert!(is_type_name("UserType"));
        assert!(!is_type_name("User Type"));
        assert!(!is_type_name(""));
    }
}
