//! `generated/` is exactly what the generator makes of `schemas/`: fresh, deterministic, and a
//! schema change touches only the code that depends on it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use awsjson_codegen::emit::{EmitOptions, Files};
use awsjson_codegen::generate_dir;
use awsjson_codegen::load::LoadOptions;
use awsjson_codegen::write::check_dir;

/// The options build.rs generates generated/ with.
fn options() -> EmitOptions {
    EmitOptions { models_crate: Some("cognito_idp_models".into()), ..EmitOptions::default() }
}

fn generate(dir: &Path) -> Files {
    generate_dir(dir, &LoadOptions::default(), &options()).expect("schemas/ generates")
}

#[test]
fn generated_dir_is_what_the_generator_makes() {
    let files = generate(Path::new("schemas"));
    let report = check_dir(Path::new("generated"), &files).unwrap();
    assert!(
        report.is_clean(),
        "generated/ is stale (run `cargo build` and commit generated/): changed {:?}, not generated {:?}",
        report.written,
        report.removed
    );
    assert!(files.values().all(|f| f.starts_with(awsjson_codegen::emit::HEADER)), "every file says it is generated");
}

#[test]
fn generating_twice_gives_identical_bytes() {
    assert_eq!(generate(Path::new("schemas")), generate(Path::new("schemas")));
}

/// A copy of schemas/ in a fresh temporary directory.
fn copy_schemas(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-schemas-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("schemas").unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir
}

fn changed_files(before: &Files, after: &Files) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter().filter(|k| before.get(*k) != after.get(*k)).cloned().collect()
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut json);
    std::fs::write(path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
}

#[test]
fn a_constraint_change_touches_only_its_table_and_the_docs_of_its_users() {
    let before = generate(Path::new("schemas"));
    let dir = copy_schemas("constraint");
    edit_json(&dir.join("GroupNameType.json"), |j| j["maxLength"] = 100.into());
    let after = generate(&dir);
    let service = awsjson_codegen::load::load_dir(&dir, &LoadOptions::default()).unwrap();
    // The validation table, plus each structure whose member docs quote the constraint, and the
    // client builder of each operation whose input has such a member (its setter docs quote it).
    let module = awsjson_codegen::emit::names::module_name;
    let mut expected: BTreeSet<String> = ["models/shapes.rs".to_string()].into();
    for shape in service.shapes.values() {
        if shape.members().iter().any(|m| m.target == "GroupNameType") {
            expected.insert(format!("models/types/{}.rs", module(&shape.name)));
            for op in service.operations.values().filter(|op| op.input == shape.name) {
                expected.insert(format!("client/{}.rs", module(&op.name)));
            }
        }
    }
    assert_eq!(changed_files(&before, &after), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_new_member_touches_only_its_structure_and_table() {
    let before = generate(Path::new("schemas"));
    let dir = copy_schemas("member");
    edit_json(&dir.join("GroupType.json"), |j| {
        j["properties"]["Color"] = serde_json::json!({"$ref": "StringType.json"});
    });
    let after = generate(&dir);
    assert_eq!(
        changed_files(&before, &after),
        ["models/shapes.rs".to_string(), "models/types/group_type.rs".to_string()].into()
    );
    assert!(after["models/types/group_type.rs"].contains("pub color: ::std::option::Option<::std::string::String>"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn readme_client_example_is_examples_client_rs() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let example = std::fs::read_to_string("examples/client.rs").unwrap();
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "README's client example differs from examples/client.rs"
    );
}
