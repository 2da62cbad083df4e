//! Real wire samples round-trip: responses from AWS's published examples deserialize into the
//! operation's output type and serialize back to equal JSON.
//!
//! Two sources: samples checked in under `tests/wire/`, and every `Output::` JSON block of the
//! AWS CLI's own cognito-idp examples, read from the installed `awscli` package (CI installs it;
//! elsewhere the test says loudly that it skipped them).

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use awsjson_types::{Operation, OperationVisitor};
use cognito_idp::types::AdminCreateUserResponse;
use common::{json_diff, json_eq};
use serde_json::Value;

#[test]
fn admin_create_user_example_round_trips() {
    let text = std::fs::read_to_string("tests/wire/admin_create_user_response.json").unwrap();
    let wire: Value = serde_json::from_str(&text).unwrap();
    let parsed: AdminCreateUserResponse = serde_json::from_value(wire.clone()).unwrap();
    let user = parsed.user.as_ref().unwrap();
    assert_eq!(user.user_status, Some(cognito_idp::types::UserStatusType::ForceChangePassword));
    assert_eq!(user.attributes.as_ref().unwrap()[0].name, "sub");
    assert_eq!(user.user_create_date.unwrap().to_string(), "2019-01-21T19:38:15.428Z");
    let back = serde_json::to_value(&parsed).unwrap();
    assert!(json_eq(&wire, &back), "{:?}", json_diff(&wire, &back, "$"));
}

/// Deserializes and re-serializes a sample as the output of the operation it belongs to.
struct RoundTrip<'a> {
    samples: &'a BTreeMap<String, Vec<(String, Value)>>,
    checked: usize,
    failures: Vec<String>,
}

impl OperationVisitor for RoundTrip<'_> {
    fn visit<O: Operation>(&mut self) {
        for (origin, wire) in self.samples.get(O::NAME).into_iter().flatten() {
            self.checked += 1;
            match serde_json::from_value::<O::Output>(wire.clone()) {
                Err(e) => self.failures.push(format!("{origin}: does not parse as {} output: {e}", O::NAME)),
                Ok(parsed) => {
                    let back = serde_json::to_value(&parsed).unwrap();
                    if let Some(diff) = json_diff(wire, &back, "$") {
                        self.failures.push(format!("{origin}: {diff}"));
                    }
                }
            }
        }
    }
}

#[test]
fn aws_cli_examples_round_trip() {
    let Some(dir) = awscli_examples_dir() else {
        eprintln!("SKIPPED: the awscli Python package is not installed, so its cognito-idp examples were not checked");
        return;
    };
    let mut operations = Vec::new();
    struct Names<'a>(&'a mut Vec<&'static str>);
    impl OperationVisitor for Names<'_> {
        fn visit<O: Operation>(&mut self) {
            self.0.push(O::NAME);
        }
    }
    cognito_idp::operation::visit_all(&mut Names(&mut operations));

    let mut samples: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        let Some(command) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        let key = command.replace('-', "");
        let Some(op) = operations.iter().find(|op| op.to_lowercase() == key) else { continue };
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, block) in output_blocks(&text).into_iter().enumerate() {
            samples.entry(op.to_string()).or_default().push((format!("{command}.rst output #{}", i + 1), block));
        }
    }
    let mut round_trip = RoundTrip { samples: &samples, checked: 0, failures: Vec::new() };
    cognito_idp::operation::visit_all(&mut round_trip);
    eprintln!("checked {} AWS CLI example outputs of {} operations", round_trip.checked, samples.len());
    assert!(round_trip.checked >= 40, "expected dozens of examples, found {}", round_trip.checked);
    assert!(
        round_trip.failures.is_empty(),
        "{} failures:\n{}",
        round_trip.failures.len(),
        round_trip.failures.join("\n")
    );
}

/// JSON objects that follow an `Output::` line, indented as a literal block.
fn output_blocks(rst: &str) -> Vec<Value> {
    let lines: Vec<&str> = rst.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end().ends_with("Output::") {
            let mut j = i + 1;
            let mut text = String::new();
            while j < lines.len()
                && (lines[j].trim().is_empty() || lines[j].starts_with(' ') || lines[j].starts_with('\t'))
            {
                text.push_str(lines[j]);
                text.push('\n');
                j += 1;
            }
            if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(text.trim()) {
                blocks.push(value);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    blocks
}

fn awscli_examples_dir() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import awscli, os; print(os.path.join(os.path.dirname(awscli.__file__), 'examples', 'cognito-idp'))",
        ])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (out.status.success() && dir.is_dir()).then_some(dir)
}
