//! The fast part of `bench/sweep.sh`, run by `cargo test`: every AWS JSON service of the installed
//! botocore (the one `python3` imports; `tests/requirements.txt` installs it with awscli) is
//! imported and generated in-process, and every one must succeed. Emitting is nearly all of the
//! time (about 3 CPU-minutes for 1.44.8's 154 services in a debug build), spread over all cores.
//! Compiling every service is left to the script (`bench/sweep.sh DATA --compile ...`); CI compiles
//! a sample chosen to cover each construct (`compile_sample.rs`).
//!
//! `BOTOCORE_DATA_DIR` points the test at another `botocore/data` directory; without either it
//! prints SKIPPED and passes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use awsjson_codegen::emit::{EmitOptions, emit};
use awsjson_codegen::import_botocore::convert;
use awsjson_codegen::load::{LoadOptions, load_dir};
use common::{botocore_data, is_json, newest_model, read_json};
use serde_json::Value;

mod common;

/// What one service gave: its type count and the time spent loading and emitting it.
struct Swept {
    types: usize,
    loaded: Duration,
    emitted: Duration,
}

/// Imports and generates one service; `Err` says which step failed and why.
fn sweep_one(name: &str, model: &Value, model_path: &Path, scratch: &Path) -> Result<Swept, String> {
    let paginators_path = model_path.with_file_name("paginators-1.json");
    let paginators = paginators_path.is_file().then(|| read_json(&paginators_path));
    let files = convert(model, paginators.as_ref(), None).map_err(|e| format!("import: {e}"))?;
    let dir = scratch.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, content) in &files {
        std::fs::write(dir.join(file), content).unwrap();
    }
    let t = Instant::now();
    let service = load_dir(&dir, &LoadOptions::default());
    let _ = std::fs::remove_dir_all(&dir);
    let service = service.map_err(|e| format!("load: {e}"))?;
    let loaded = t.elapsed();
    let generated = emit(&service, &EmitOptions::default()).map_err(|e| format!("generate: {e}"))?;
    let emitted = t.elapsed() - loaded;
    if generated.is_empty() {
        return Err("generate: no files".into());
    }
    Ok(Swept { types: files.len() - 1, loaded, emitted })
}

#[test]
fn every_json_service_of_the_installed_botocore_imports_and_generates() {
    let Some(data) = botocore_data() else {
        eprintln!(
            "SKIPPED: no botocore (pip install -r tests/requirements.txt, or set BOTOCORE_DATA_DIR to botocore/data)"
        );
        return;
    };
    let mut services: Vec<(String, PathBuf)> = std::fs::read_dir(&data)
        .unwrap_or_else(|e| panic!("{}: {e}", data.display()))
        .filter_map(|e| {
            let path = e.ok()?.path();
            Some((path.file_name()?.to_str()?.to_owned(), newest_model(&path)?))
        })
        .collect();
    services.sort();
    assert!(!services.is_empty(), "{}: no service models", data.display());

    let scratch = std::env::temp_dir().join(format!("awsjson-sweep-test-{}", std::process::id()));
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let started = Instant::now();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, path)) = services.get(i) else { break };
                    let model = read_json(path);
                    if !is_json(&model) {
                        continue;
                    }
                    let outcome = std::panic::catch_unwind(|| sweep_one(name, &model, path, &scratch))
                        .unwrap_or_else(|_| Err("panicked".into()));
                    results.lock().unwrap().push((name.clone(), outcome));
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);

    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let failures: Vec<String> =
        results.iter().filter_map(|(name, r)| r.as_ref().err().map(|e| format!("{name}: {e}"))).collect();
    let swept: Vec<&Swept> = results.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
    let types: usize = swept.iter().map(|s| s.types).sum();
    let loaded: Duration = swept.iter().map(|s| s.loaded).sum();
    let emitted: Duration = swept.iter().map(|s| s.emitted).sum();
    eprintln!(
        "botocore at {}: {} JSON services, {} imported and generated ({types} types) in {:.1} s \
         ({workers} threads; loading {:.1} s, emitting {:.1} s in all)",
        data.display(),
        results.len(),
        swept.len(),
        started.elapsed().as_secs_f64(),
        loaded.as_secs_f64(),
        emitted.as_secs_f64(),
    );
    assert!(!results.is_empty(), "no JSON service under {}", data.display());
    assert!(failures.is_empty(), "{} of {} services failed:\n{}", failures.len(), results.len(), failures.join("\n"));
}
