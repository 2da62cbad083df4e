//! Golden test: what the generator emits for a small schema directory that uses every kind of
//! type (`golden/schemas/`). The expected output is checked in (`golden/expected.rs`, one file
//! with all modules inline, and `golden/files.txt`, the file list of the multi-file layout), so a
//! change to the emitters shows up as a reviewable diff. After an intended change, regenerate
//! them with `UPDATE_GOLDEN=1 cargo test -p awsjson-codegen --test golden`.

use std::path::Path;

use awsjson_codegen::emit::{EmitOptions, Layout};
use awsjson_codegen::generate_dir;
use awsjson_codegen::load::LoadOptions;

const DIR: &str = "tests/golden";

fn check(expected_path: &str, actual: &str) {
    let path = Path::new(DIR).join(expected_path);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{} differs from the generator's output from line {} (expected {:?}, got {:?}); \
             if the change is intended run UPDATE_GOLDEN=1 cargo test -p awsjson-codegen --test golden",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn single_file_output_matches_golden() {
    let options = EmitOptions { layout: Layout::SingleFile, ..EmitOptions::default() };
    let files = generate_dir(&Path::new(DIR).join("schemas"), &LoadOptions::default(), &options).unwrap();
    assert_eq!(files.keys().collect::<Vec<_>>(), ["lib.rs"]);
    check("expected.rs", &files["lib.rs"]);
}

#[test]
fn file_layout_matches_golden() {
    let files =
        generate_dir(&Path::new(DIR).join("schemas"), &LoadOptions::default(), &EmitOptions::default()).unwrap();
    let listing: String = files.keys().map(|k| format!("{k}\n")).collect();
    check("files.txt", &listing);
}

#[test]
fn models_crate_layout_matches_golden() {
    let options = EmitOptions { models_crate: Some("golden_models".into()), ..EmitOptions::default() };
    let files = generate_dir(&Path::new(DIR).join("schemas"), &LoadOptions::default(), &options).unwrap();
    let listing: String = files.keys().map(|k| format!("{k}\n")).collect();
    check("files-models-crate.txt", &listing);
    // The main crate re-exports the models crate's modules, so `crate::types::...` paths in the
    // client and server resolve as they do in the one-crate layout.
    check("models-crate-lib.rs", &files["lib.rs"]);
    check("models-crate-models-lib.rs", &files["models/lib.rs"]);
    // Apart from the roots, every file is the same as in the one-crate layout.
    let one_crate =
        generate_dir(&Path::new(DIR).join("schemas"), &LoadOptions::default(), &EmitOptions::default()).unwrap();
    for (path, content) in &one_crate {
        if path != "lib.rs" {
            let split_path = if path.starts_with("client") || path.starts_with("server") {
                path.clone()
            } else {
                format!("models/{path}")
            };
            assert_eq!(files.get(&split_path), Some(content), "{split_path}");
        }
    }
}
