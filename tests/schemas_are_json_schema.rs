//! `schemas/` is standard JSON Schema 2020-12: a standard validator (Python's `jsonschema`, with
//! `referencing`) accepts every file and resolves every `$ref`. See `tests/check_schemas.py`.

use std::process::Command;

#[test]
fn every_schema_is_valid_and_every_ref_resolves() {
    let probe = Command::new("python3").args(["-c", "import jsonschema, referencing"]).status();
    if !matches!(probe, Ok(s) if s.success()) {
        eprintln!("SKIPPED: python3 with jsonschema and referencing is not installed (.ci/run installs them)");
        return;
    }
    let out = Command::new("python3").args(["tests/check_schemas.py", "schemas"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the JSON Schema check failed");
    let files = std::fs::read_dir("schemas")
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
        .count();
    assert!(stdout.contains(&format!("{files} files")), "every type and the service description were checked");
}
