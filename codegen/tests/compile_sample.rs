//! CI's compile step of the sweep: a sample of the installed botocore's JSON services, chosen so
//! that each construct the generator handles is compiled at least once, is imported, generated
//! and checked by rustc (`cargo check`, client and server features on).
//!
//! | service | why |
//! | --- | --- |
//! | appstream | the second service of the project, whole (speaks CBOR and JSON) |
//! | dynamodb | documents of nested maps, paginators with composite keys, JSON 1.0 |
//! | kms | blobs, sensitive members, paginators, many error shapes |
//! | verifiedpermissions | union-heavy (20 unions, some recursive through lists and maps) |
//! | servicediscovery | endpoint host prefixes (`data-`) |
//! | freetier | a recursive structure that typify boxes, set by a builder |
//!
//! All of them are crates of one temporary workspace, checked in one cargo invocation with one
//! target directory, so the runtimes and their dependencies are checked once. That directory
//! (`CARGO_TARGET_TMPDIR/compile-sample-target`) is kept between runs, except on CI (`CI` set),
//! where the disk is tight. `AWSJSON_SKIP_COMPILE_SAMPLE=1` skips the test; without botocore it
//! prints SKIPPED.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use awsjson_codegen::emit::{EmitOptions, Layout, emit};
use awsjson_codegen::import_botocore::convert;
use awsjson_codegen::load::{LoadOptions, load_dir};
use common::{botocore_data, newest_model, read_json};

mod common;

const SAMPLE: &[&str] = &["appstream", "dynamodb", "kms", "verifiedpermissions", "servicediscovery", "freetier"];

/// Imports and generates `service` as one file, the crate's `src/lib.rs`.
fn generate(data: &Path, service: &str, crate_dir: &Path) -> Result<(), String> {
    let model_path = newest_model(&data.join(service)).ok_or_else(|| format!("{service}: no model"))?;
    let model = read_json(&model_path);
    let paginators_path = model_path.with_file_name("paginators-1.json");
    let paginators = paginators_path.is_file().then(|| read_json(&paginators_path));
    let files = convert(&model, paginators.as_ref(), None).map_err(|e| format!("{service}: import: {e}"))?;
    let schemas = crate_dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    for (file, content) in &files {
        std::fs::write(schemas.join(file), content).unwrap();
    }
    let loaded = load_dir(&schemas, &LoadOptions::default()).map_err(|e| format!("{service}: load: {e}"))?;
    let options = EmitOptions { layout: Layout::SingleFile, ..EmitOptions::default() };
    let generated = emit(&loaded, &options).map_err(|e| format!("{service}: generate: {e}"))?;
    std::fs::remove_dir_all(&schemas).unwrap();
    let src = crate_dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    // The generated crate's own lints are not what this checks: rustc's errors are.
    let lib = format!("#![allow(clippy::all, unused)]\n{}", generated["lib.rs"]);
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let runtime = |dir: &str| root.join(dir).display().to_string().replace('\\', "/");
    let manifest = format!(
        "[package]\nname = \"sample-{service}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [features]\ndefault = [\"client\", \"server\"]\nclient = []\nserver = []\n\n\
         [dependencies]\nawsjson-types = {{ path = \"{}\" }}\nawsjson-client = {{ path = \"{}\" }}\n\
         awsjson-server = {{ path = \"{}\" }}\nserde = \"1\"\nserde_json = \"1\"\n",
        runtime("types-runtime"),
        runtime("client"),
        runtime("server-stub"),
    );
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).unwrap();
    Ok(())
}

#[test]
fn a_sample_of_generated_services_compiles() {
    if std::env::var_os("AWSJSON_SKIP_COMPILE_SAMPLE").is_some() {
        eprintln!("SKIPPED: AWSJSON_SKIP_COMPILE_SAMPLE is set");
        return;
    }
    let Some(data) = botocore_data() else {
        eprintln!(
            "SKIPPED: no botocore (pip install -r tests/requirements.txt, or set BOTOCORE_DATA_DIR to botocore/data)"
        );
        return;
    };
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let workspace = tmp.join("compile-sample");
    let target = tmp.join("compile-sample-target");
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(&workspace).unwrap();

    let started = Instant::now();
    for service in SAMPLE {
        generate(&data, service, &workspace.join(service)).unwrap_or_else(|e| panic!("{e}"));
    }
    let generated = started.elapsed();
    let members: Vec<String> = SAMPLE.iter().map(|s| format!("\"{s}\"")).collect();
    let manifest = format!("[workspace]\nmembers = [{}]\nresolver = \"3\"\n", members.join(", "));
    std::fs::write(workspace.join("Cargo.toml"), manifest).unwrap();
    // The repository's lock file: the same dependency versions as the workspace's own build, and
    // nothing to resolve or download (`--offline`).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let checked = Instant::now();
    let output = Command::new(cargo)
        .args(["check", "--offline", "--workspace", "--quiet", "--message-format=short"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let check = checked.elapsed();
    eprintln!(
        "compile sample ({}): generated in {:.1} s, checked in {:.1} s",
        SAMPLE.join(", "),
        generated.as_secs_f64(),
        check.as_secs_f64()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        let _ = std::fs::remove_dir_all(&workspace);
    }
    if std::env::var_os("CI").is_some() {
        let _ = std::fs::remove_dir_all(&target);
    }
    assert!(output.status.success(), "cargo check of the sample failed:\n{}", truncate(&stderr, 20_000));
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}
