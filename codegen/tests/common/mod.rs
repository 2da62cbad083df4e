//! What the botocore tests share: finding the installed botocore's data and reading its models.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `botocore/data` of `BOTOCORE_DATA_DIR` or of the botocore `python3` imports.
pub fn botocore_data() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BOTOCORE_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    let output = std::process::Command::new("python3")
        .args(["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim()).join("data");
    dir.is_dir().then_some(dir)
}

pub fn read_json(path: &Path) -> Value {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bytes = if path.extension().is_some_and(|ext| ext == "gz") {
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(raw.as_slice()), &mut plain)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        plain
    } else {
        raw
    };
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A service's newest model (`service-2.json[.gz]`), as the script picks it.
pub fn newest_model(service_dir: &Path) -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> =
        std::fs::read_dir(service_dir).ok()?.filter_map(|e| Some(e.ok()?.path())).filter(|p| p.is_dir()).collect();
    versions.sort();
    let newest = versions.pop()?;
    ["service-2.json.gz", "service-2.json"].iter().map(|f| newest.join(f)).find(|p| p.is_file())
}

/// Whether the model speaks AWS JSON: `metadata.protocols` lists `json`, or `metadata.protocol` is it.
#[allow(dead_code)] // compile_sample.rs names its services; sweep.rs filters them.
pub fn is_json(model: &Value) -> bool {
    let metadata = &model["metadata"];
    metadata["protocol"] == "json"
        || metadata["protocols"].as_array().is_some_and(|list| list.iter().any(|p| p == "json"))
}
