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

/// The other schema directories the generator reads, with what Cognito's lacks (unions, host
/// prefixes, AppStream's whole model), pass the same check.
#[test]
fn the_fixtures_schemas_are_valid_too() {
    let probe = Command::new("python3").args(["-c", "import jsonschema, referencing"]).status();
    if !matches!(probe, Ok(s) if s.success()) {
        eprintln!("SKIPPED: python3 with jsonschema and referencing is not installed (.ci/run installs them)");
        return;
    }
    for dir in
        ["codegen/fixtures/constructs/schemas", "codegen/fixtures/appstream/schemas", "codegen/tests/golden/schemas"]
    {
        let out = Command::new("python3").args(["tests/check_schemas.py", dir]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{dir}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A union's `oneOf` says "exactly one member" to a standard validator: one member passes, none,
/// two, or only a member the union does not list fail.
#[test]
fn a_standard_validator_reads_a_union_as_one_member_set() {
    let probe = Command::new("python3").args(["-c", "import jsonschema, referencing"]).status();
    if !matches!(probe, Ok(s) if s.success()) {
        eprintln!("SKIPPED: python3 with jsonschema and referencing is not installed (.ci/run installs them)");
        return;
    }
    let script = r#"
import json, pathlib, jsonschema, referencing, referencing.jsonschema
root = pathlib.Path("codegen/fixtures/constructs/schemas").resolve()
resources = [(p.as_uri(), referencing.Resource.from_contents(json.loads(p.read_text()),
              default_specification=referencing.jsonschema.DRAFT202012))
             for p in root.glob("*.json") if p.name != "service.json"]
registry = referencing.Registry().with_resources(resources)
validator = jsonschema.Draft202012Validator({"$ref": (root / "Shape.json").as_uri()}, registry=registry)
for instance in [{"Square": 2}, {"Group": [{"Label": "a"}, {"Circle": {"Radius": 1}}]}]:
    assert validator.is_valid(instance), instance
for instance in [{}, {"Square": 2, "Label": "a"}, {"Triangle": 3}, {"Group": [{}]}]:
    assert not validator.is_valid(instance), instance
print("ok")
"#;
    let out = Command::new("python3").args(["-c", script]).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
