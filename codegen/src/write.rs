//! Putting generated files on disk: a file is written only when its content differs (so an
//! unchanged build recompiles nothing), and files the generator no longer produces are removed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::emit::Files;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// What [`write_dir`] or [`check_dir`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (new or changed), relative paths.
    pub written: Vec<String>,
    /// Files removed because the generator no longer produces them.
    pub removed: Vec<String>,
    pub unchanged: usize,
}

impl WriteReport {
    pub fn is_clean(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Makes `dir` hold exactly `files`.
pub fn write_dir(dir: &Path, files: &Files) -> Result<WriteReport, WriteError> {
    sync(dir, files, true)
}

/// Reports what [`write_dir`] would change, without changing anything.
pub fn check_dir(dir: &Path, files: &Files) -> Result<WriteReport, WriteError> {
    sync(dir, files, false)
}

fn sync(dir: &Path, files: &Files, apply: bool) -> Result<WriteReport, WriteError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    let mut report = WriteReport::default();
    for (relative, content) in files {
        let path = dir.join(relative);
        match std::fs::read(&path) {
            Ok(existing) if existing == content.as_bytes() => report.unchanged += 1,
            _ => {
                if apply {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).map_err(io(parent))?;
                    }
                    std::fs::write(&path, content).map_err(io(&path))?;
                }
                report.written.push(relative.clone());
            }
        }
    }
    let wanted: BTreeSet<&str> = files.keys().map(String::as_str).collect();
    for relative in existing_rs_files(dir)? {
        if !wanted.contains(relative.as_str()) {
            if apply {
                let path = dir.join(&relative);
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
            report.removed.push(relative);
        }
    }
    if apply {
        remove_empty_dirs(dir);
    }
    Ok(report)
}

/// `.rs` files under `dir`, as sorted relative paths with `/` separators.
fn existing_rs_files(dir: &Path) -> Result<Vec<String>, WriteError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(WriteError::Io { path: current, source }),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(rel) = path.strip_prefix(dir)
            {
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                remove_empty_dirs(&path);
                let _ = std::fs::remove_dir(&path); // fails (harmlessly) unless empty
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let dir = std::env::temp_dir().join(format!("awsjson-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut files = Files::new();
        files.insert("lib.rs".into(), "a".into());
        files.insert("types/x.rs".into(), "x".into());
        let first = write_dir(&dir, &files).unwrap();
        assert_eq!(first.written, ["lib.rs", "types/x.rs"]);

        let mtime = std::fs::metadata(dir.join("lib.rs")).unwrap().modified().unwrap();
        files.remove("types/x.rs");
        files.insert("lib.rs".into(), "a".into());
        assert_eq!(check_dir(&dir, &files).unwrap().removed, ["types/x.rs"]);
        let second = write_dir(&dir, &files).unwrap();
        assert_eq!(
            (second.written.len(), second.removed.as_slice(), second.unchanged),
            (0, &["types/x.rs".to_string()][..], 1)
        );
        assert_eq!(std::fs::metadata(dir.join("lib.rs")).unwrap().modified().unwrap(), mtime);
        assert!(!dir.join("types").exists(), "emptied directories go too");
        assert!(check_dir(&dir, &files).unwrap().is_clean());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
