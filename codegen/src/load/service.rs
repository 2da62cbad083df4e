//! Operations and protocol facts: read from `service.json`, or inferred from type names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::ToPascalCase;
use serde::Deserialize;

use super::schema::unique;
use super::{LoadError, LoadOptions};
use crate::model::{Auth, Fault, Member, Operation, Pagination, Protocol, Service, Shape, ShapeKind, StringShape};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Description {
    name: String,
    title: Option<String>,
    api_version: Option<String>,
    protocol: String,
    target_prefix: String,
    signing_name: Option<String>,
    endpoint_prefix: Option<String>,
    api_reference: Option<String>,
    validation_error: Option<String>,
    operations: BTreeMap<String, OperationDescription>,
    /// Operations the generated code leaves out, with why.
    #[serde(default)]
    left_out: BTreeMap<String, String>,
    /// Operations AWS pages that the generated code does not, with why.
    #[serde(default)]
    not_paginated: BTreeMap<String, String>,
    /// Constraints of the model that the service itself does not enforce, by type: `pattern`
    /// (the service accepts values the pattern refuses). Generated validation leaves them out,
    /// so that clients and servers accept what the service accepts. Written by hand; the
    /// importer keeps it.
    #[serde(default)]
    not_enforced: BTreeMap<String, Vec<String>>,
    /// Values the service takes and documents that the model's enum lacks, by type: added to
    /// the enum (a variant, and accepted by validation). Written by hand; the importer keeps it.
    #[serde(default)]
    extra_enum_values: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OperationDescription {
    /// Absent for operations that take no input: they get an empty structure of their own.
    input: Option<String>,
    output: Option<String>,
    #[serde(default)]
    errors: Vec<String>,
    auth: String,
    pagination: Option<PaginationDescription>,
    /// Endpoint host prefix (e.g. `data.` or `{Bucket}.data.`).
    #[serde(default)]
    host_prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PaginationDescription {
    input_token: String,
    output_token: String,
    limit_key: Option<String>,
    items: Option<String>,
}

pub fn from_description(
    path: &Path,
    json: &serde_json::Value,
    shapes: &mut BTreeMap<String, Shape>,
    options: &LoadOptions,
) -> Result<Service, LoadError> {
    let d = Description::deserialize(json).map_err(|e| LoadError::Service(format!("{}: {e}", path.display())))?;
    let protocol = match d.protocol.as_str() {
        "awsJson1_1" => Protocol::AwsJson1_1,
        "awsJson1_0" => Protocol::AwsJson1_0,
        other => return Err(LoadError::Service(format!("unsupported protocol `{other}` (awsJson1_0, awsJson1_1)"))),
    };
    let mut operations = BTreeMap::new();
    for (name, op) in d.operations {
        let auth = match op.auth.as_str() {
            "sigv4" => Auth::SigV4,
            "none" => Auth::None,
            other => return Err(LoadError::Service(format!("operation {name}: unknown auth `{other}` (sigv4, none)"))),
        };
        let pagination = op.pagination.map(|p| Pagination {
            input_token: p.input_token,
            output_token: p.output_token,
            limit_key: p.limit_key,
            items: p.items,
        });
        let input = match op.input {
            Some(input) => input,
            None => empty_input(&name, shapes),
        };
        operations.insert(
            name.clone(),
            Operation {
                name,
                input,
                output: op.output,
                errors: op.errors,
                auth,
                pagination,
                host_prefix: op.host_prefix,
            },
        );
    }
    // A listed error is an error shape whether or not its schema says so (catalogue files don't).
    let listed: BTreeSet<String> = operations.values().flat_map(|o| o.errors.iter().cloned()).collect();
    for name in &listed {
        if let Some(shape) = shapes.get_mut(name) {
            make_error(shape, Fault::Client);
        }
    }
    add_error_messages(shapes);
    relax(shapes, &d.not_enforced)?;
    extend_enums(shapes, &d.extra_enum_values)?;
    let signing_name = d.signing_name.unwrap_or_else(|| d.name.clone());
    Ok(Service {
        title: d.title.unwrap_or_else(|| d.name.clone()),
        endpoint_prefix: d.endpoint_prefix.unwrap_or_else(|| d.name.clone()),
        name: d.name,
        api_version: d.api_version,
        protocol,
        target_prefix: d.target_prefix,
        signing_name,
        api_reference: d.api_reference.or_else(|| options.api_reference.clone()),
        validation_error: d.validation_error,
        left_out: d.left_out,
        not_paginated: d.not_paginated,
        operations,
        shapes: std::mem::take(shapes),
    })
}

/// Without a description: `XRequest` (+ `XResponse`) is operation `X`; `*Exception` are errors,
/// each operation may return any of them.
pub fn infer(name: &str, shapes: &mut BTreeMap<String, Shape>, options: &LoadOptions) -> Service {
    for shape in shapes.values_mut() {
        if shape.name.ends_with("Exception") && matches!(shape.kind, ShapeKind::Structure { .. } | ShapeKind::Document)
        {
            let server = shape.name.starts_with("Internal") || shape.name.starts_with("ServiceUnavailable");
            make_error(shape, if server { Fault::Server } else { Fault::Client });
        }
    }
    add_error_messages(shapes);
    let errors: Vec<String> = shapes.values().filter(|s| s.error.is_some()).map(|s| s.name.clone()).collect();
    let mut operations = BTreeMap::new();
    for shape in shapes.values() {
        let Some(op) = shape.name.strip_suffix("Request").filter(|op| !op.is_empty()) else { continue };
        if !shape.is_structure() {
            continue;
        }
        let output = format!("{op}Response");
        operations.insert(
            op.to_string(),
            Operation {
                name: op.to_string(),
                input: shape.name.clone(),
                output: shapes.contains_key(&output).then_some(output),
                errors: errors.clone(),
                auth: Auth::SigV4,
                pagination: None,
                host_prefix: None,
            },
        );
    }
    Service {
        name: name.to_string(),
        title: name.to_string(),
        api_version: None,
        protocol: Protocol::AwsJson1_1,
        target_prefix: options.target_prefix.clone().unwrap_or_else(|| name.to_pascal_case()),
        signing_name: name.to_string(),
        endpoint_prefix: name.to_string(),
        api_reference: options.api_reference.clone(),
        validation_error: None,
        left_out: BTreeMap::new(),
        not_paginated: BTreeMap::new(),
        operations,
        shapes: std::mem::take(shapes),
    }
}

/// The input of an operation the description gives none: a new empty structure named
/// `<Op>Request` (or the first free variant of it), so every operation has an input type and
/// sends `{}`, as AWS's SDKs do.
fn empty_input(operation: &str, shapes: &mut BTreeMap<String, Shape>) -> String {
    let taken: BTreeSet<String> = shapes.keys().cloned().collect();
    let name = unique(&taken, &format!("{operation}Request"));
    shapes.insert(
        name.clone(),
        Shape { name: name.clone(), sensitive: false, error: None, kind: ShapeKind::Structure { members: Vec::new() } },
    );
    name
}

/// Marks `shape` as an error. The catalogue's exception schemas have no `type` and no
/// properties (they load as documents): an error is always a structure.
fn make_error(shape: &mut Shape, default_fault: Fault) {
    if shape.kind == ShapeKind::Document {
        shape.kind = ShapeKind::Structure { members: Vec::new() };
    }
    shape.error.get_or_insert(default_fault);
}

/// AWS JSON errors always carry a message; give error shapes that model none a `message` member.
fn add_error_messages(shapes: &mut BTreeMap<String, Shape>) {
    let needing: Vec<String> = shapes
        .values()
        .filter(|s| s.error.is_some() && s.is_structure())
        .filter(|s| !s.members().iter().any(|m| m.name.eq_ignore_ascii_case("message")))
        .map(|s| s.name.clone())
        .collect();
    if needing.is_empty() {
        return;
    }
    let taken: BTreeSet<String> = shapes.keys().cloned().collect();
    let message_shape = unique(&taken, "ErrorMessageString");
    shapes.insert(
        message_shape.clone(),
        Shape {
            name: message_shape.clone(),
            sensitive: false,
            error: None,
            kind: ShapeKind::String(StringShape::default()),
        },
    );
    for name in needing {
        if let Some(Shape { kind: ShapeKind::Structure { members }, .. }) = shapes.get_mut(&name) {
            members.push(Member {
                name: "message".into(),
                target: message_shape.clone(),
                required: false,
                deprecated: false,
                idempotency_token: false,
            });
        }
    }
}

/// Drops the constraints `service.json` says the service does not enforce (`notEnforced`).
fn relax(shapes: &mut BTreeMap<String, Shape>, not_enforced: &BTreeMap<String, Vec<String>>) -> Result<(), LoadError> {
    for (name, constraints) in not_enforced {
        let Some(shape) = shapes.get_mut(name) else {
            return Err(LoadError::Service(format!("notEnforced: no type `{name}`")));
        };
        let ShapeKind::String(string) = &mut shape.kind else {
            return Err(LoadError::Service(format!("notEnforced: `{name}` is not a string type")));
        };
        for constraint in constraints {
            match constraint.as_str() {
                "pattern" => string.pattern = None,
                other => {
                    return Err(LoadError::Service(format!(
                        "notEnforced: `{name}`: unknown constraint `{other}` (pattern)"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Adds the values `service.json` says the service takes beyond the model's enum
/// (`extraEnumValues`).
fn extend_enums(shapes: &mut BTreeMap<String, Shape>, extra: &BTreeMap<String, Vec<String>>) -> Result<(), LoadError> {
    for (name, values) in extra {
        let Some(shape) = shapes.get_mut(name) else {
            return Err(LoadError::Service(format!("extraEnumValues: no type `{name}`")));
        };
        let ShapeKind::String(StringShape { values: Some(known), .. }) = &mut shape.kind else {
            return Err(LoadError::Service(format!("extraEnumValues: `{name}` is not an enum")));
        };
        for value in values {
            if !known.contains(value) {
                known.push(value.clone());
            }
        }
    }
    Ok(())
}
