//! botocore metadata, operations and paginators -> `service.json`.

use super::*;

// ---------------------------------------------------------------------------------------------
// service.json

pub(super) fn metadata_str<'a>(metadata: &'a Map<String, Value>, key: &str) -> Result<&'a str, ImportError> {
    match metadata.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(model_err(format!("metadata.{key} is not a non-empty string"))),
        None => Err(model_err(format!("metadata.{key} is missing"))),
    }
}

/// Builds `service.json`; also returns how many operations are public (`auth: "none"`).
pub(super) fn service_document(
    metadata: &Map<String, Value>,
    operations: &Map<String, Value>,
    shapes: &Map<String, Value>,
    paginators: Option<&Value>,
    api_reference: Option<&str>,
) -> Result<(Map<String, Value>, usize), ImportError> {
    let endpoint_prefix = metadata_str(metadata, "endpointPrefix")?;
    let title = metadata_str(metadata, "serviceFullName")?;
    let api_version = metadata_str(metadata, "apiVersion")?;
    // `protocols` (newer models) lists every protocol the service speaks, in the service's order
    // of preference; AWS JSON is used whenever it is among them.
    let protocols: Vec<&str> = match metadata.get("protocols") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        Some(_) => return Err(model_err("metadata.protocols is not a list of strings")),
        None => Vec::new(),
    };
    let declared = if protocols.contains(&"json") { "json" } else { metadata_str(metadata, "protocol")? };
    let protocol = match declared {
        "json" => match metadata.get("jsonVersion").and_then(Value::as_str) {
            Some("1.0") => "awsJson1_0",
            Some("1.1") => "awsJson1_1",
            other => {
                return Err(model_err(format!(
                    "metadata.jsonVersion must be \"1.0\" or \"1.1\" for the json protocol, found {}",
                    other.map_or("nothing".to_owned(), |v| format!("{v:?}"))
                )));
            }
        },
        other => {
            return Err(model_err(format!(
                "protocol {other:?} is not supported (only \"json\", i.e. AWS JSON 1.0/1.1)"
            )));
        }
    };
    let target_prefix = metadata_str(metadata, "targetPrefix")?;
    let signing_name = match metadata.get("signingName") {
        None => endpoint_prefix,
        Some(_) => metadata_str(metadata, "signingName")?,
    };
    match metadata.get("signatureVersion") {
        Some(version) if version.as_str() != Some("v4") => {
            return Err(model_err(format!("metadata.signatureVersion {version} is not supported (only \"v4\")")));
        }
        _ => {}
    }

    let pagination = pagination_table(paginators, operations, shapes)?;

    let mut sorted: BTreeMap<&str, Value> = BTreeMap::new();
    let mut left_out = Map::new();
    let mut not_paginated = Map::new();
    let mut public_operations = 0;
    for (op_name, op) in operations {
        if uses_event_stream(op, shapes) {
            left_out.insert(op_name.clone(), "it streams events".into());
            continue;
        }
        let paginator = match pagination.get(op_name.as_str()) {
            Some(Ok(paginator)) => Some(paginator),
            Some(Err(reason)) => {
                not_paginated.insert(op_name.clone(), (*reason).into());
                None
            }
            None => None,
        };
        let (entry, public) = operation_entry(op_name, op, shapes, paginator)?;
        if public {
            public_operations += 1;
        }
        sorted.insert(op_name, Value::Object(entry));
    }

    let mut service = Map::new();
    service.insert("name".into(), endpoint_prefix.into());
    service.insert("title".into(), title.into());
    service.insert("apiVersion".into(), api_version.into());
    service.insert("protocol".into(), protocol.into());
    service.insert("targetPrefix".into(), target_prefix.into());
    service.insert("signingName".into(), signing_name.into());
    service.insert("endpointPrefix".into(), endpoint_prefix.into());
    if let Some(url) = api_reference {
        service.insert("apiReference".into(), url.into());
    }
    let operations_out: Map<String, Value> = sorted.into_iter().map(|(name, entry)| (name.to_owned(), entry)).collect();
    service.insert("operations".into(), Value::Object(operations_out));
    // What the generated code cannot do, for its documentation (absent when there is nothing).
    if !left_out.is_empty() {
        service.insert("leftOut".into(), Value::Object(left_out));
    }
    if !not_paginated.is_empty() {
        service.insert("notPaginated".into(), Value::Object(not_paginated));
    }
    Ok((service, public_operations))
}

/// Checks that an operation's input/output/error reference names a structure shape.
pub(super) fn operation_shape<'a>(
    reference: &'a Value,
    shapes: &Map<String, Value>,
    context: &str,
    must_be_error: bool,
) -> Result<&'a str, ImportError> {
    let target = shape_ref(reference, shapes, context)?;
    let def = &shapes[target];
    if def.get("type").and_then(Value::as_str) != Some("structure") || def.get("document") == Some(&Value::Bool(true)) {
        return Err(model_err(format!("{context}: shape `{target}` is not a structure")));
    }
    let is_error = def.get("exception") == Some(&Value::Bool(true));
    if must_be_error && !is_error {
        return Err(model_err(format!("{context}: shape `{target}` is not marked as an exception")));
    }
    Ok(target)
}

/// Whether an operation is called without SigV4 signing.
pub(super) fn operation_is_public(op: &Map<String, Value>, context: &str) -> Result<bool, ImportError> {
    let from_authtype = match op.get("authtype") {
        None => None,
        Some(Value::String(t)) if t == "none" => Some(true),
        Some(Value::String(t)) if t == "v4" => Some(false),
        Some(other) => {
            return Err(model_err(format!("{context}: authtype {other} is not supported (only \"none\" or \"v4\")")));
        }
    };
    let from_auth = match op.get("auth") {
        None => None,
        Some(Value::Array(schemes)) => match schemes.as_slice() {
            [Value::String(s)] if s == NO_AUTH_SCHEME => Some(true),
            [Value::String(s)] if s == SIGV4_SCHEME => Some(false),
            _ => {
                return Err(model_err(format!(
                    "{context}: auth {} is not supported (only [\"{NO_AUTH_SCHEME}\"] or [\"{SIGV4_SCHEME}\"])",
                    Value::Array(schemes.clone())
                )));
            }
        },
        Some(other) => return Err(model_err(format!("{context}: auth {other} is not a list"))),
    };
    match (from_authtype, from_auth) {
        (Some(a), Some(b)) if a != b => Err(model_err(format!("{context}: `authtype` and `auth` disagree"))),
        (a, b) => Ok(a.or(b).unwrap_or(false)),
    }
}

pub(super) fn operation_entry(
    op_name: &str,
    op: &Value,
    shapes: &Map<String, Value>,
    pagination: Option<&Map<String, Value>>,
) -> Result<(Map<String, Value>, bool), ImportError> {
    let context = format!("operation `{op_name}`");
    if !is_plain_identifier(op_name) {
        return Err(model_err(format!("{context}: the name is not a plain identifier (letters, digits, `_`)")));
    }
    let def = op.as_object().ok_or_else(|| model_err(format!("{context}: not a JSON object")))?;
    match def.get("name") {
        Some(name) if name.as_str() != Some(op_name) => {
            return Err(model_err(format!("{context}: its `name` field says {name}")));
        }
        _ => {}
    }
    let mut entry = Map::new();
    if let Some(input) = def.get("input") {
        let target = operation_shape(input, shapes, &format!("{context} input"), false)?;
        entry.insert("input".into(), target.into());
    }
    if let Some(output) = def.get("output") {
        let target = operation_shape(output, shapes, &format!("{context} output"), false)?;
        entry.insert("output".into(), target.into());
    }
    let mut errors = Vec::new();
    match def.get("errors") {
        None => {}
        Some(Value::Array(list)) => {
            for error in list {
                let target = operation_shape(error, shapes, &format!("{context} error"), true)?;
                if !errors.iter().any(|e: &Value| e.as_str() == Some(target)) {
                    errors.push(Value::from(target));
                }
            }
        }
        Some(_) => return Err(model_err(format!("{context}: `errors` is not an array"))),
    }
    entry.insert("errors".into(), Value::Array(errors));
    let public = operation_is_public(def, &context)?;
    entry.insert("auth".into(), if public { "none" } else { "sigv4" }.into());
    if let Some(pagination) = pagination {
        entry.insert("pagination".into(), Value::Object(pagination.clone()));
    }
    match def.get("endpoint").and_then(|e| e.get("hostPrefix")) {
        None => {}
        Some(Value::String(prefix)) => {
            entry.insert("hostPrefix".into(), prefix.as_str().into());
        }
        Some(other) => return Err(model_err(format!("{context}: endpoint.hostPrefix {other} is not a string"))),
    }
    Ok((entry, public))
}

/// An operation's `pagination` entry, or why its paginator cannot be followed.
pub(super) type Paginator = Result<Map<String, Value>, &'static str>;

/// Operation name -> `{"inputToken", "outputToken", "limitKey", "items"}`, checked against the
/// operation's input and output members.
pub(super) fn pagination_table<'a>(
    paginators: Option<&'a Value>,
    operations: &Map<String, Value>,
    shapes: &Map<String, Value>,
) -> Result<HashMap<&'a str, Paginator>, ImportError> {
    let mut table = HashMap::new();
    let Some(paginators) = paginators else {
        return Ok(table);
    };
    let entries = paginators
        .get("pagination")
        .and_then(Value::as_object)
        .ok_or_else(|| model_err("paginators: no `pagination` object"))?;

    for (op_name, paginator) in entries {
        let context = format!("paginator `{op_name}`");
        let def = paginator.as_object().ok_or_else(|| model_err(format!("{context}: not a JSON object")))?;
        let op = operations
            .get(op_name)
            .ok_or_else(|| model_err(format!("{context}: the model has no operation `{op_name}`")))?;
        // Forms the generated paginator cannot follow (a token or limit at a nested path such as
        // `ResultSet.NextToken`, a token made of several members) leave the operation
        // non-paginated; `more_results` only repeats what a missing output token says.
        let nested = ["input_token", "output_token", "limit_key"].iter().any(|key| match def.get(*key) {
            Some(Value::String(s)) => s.contains('.'),
            Some(Value::Array(_)) => true,
            _ => false,
        });
        // Tokens that are not strings (DynamoDB's `LastEvaluatedKey` maps) are not followed either.
        let string_member = |key: &str, side: &str| {
            let Some(Value::String(member)) = def.get(key) else { return true };
            let target = op.get(side).and_then(|r| r.get("shape")).and_then(Value::as_str);
            let members = target.and_then(|t| shapes.get(t)).and_then(|s| s.get("members"));
            let member_target = members.and_then(|m| m.get(member.as_str())).and_then(|m| m.get("shape"));
            member_target.and_then(Value::as_str).is_none_or(|t| shape_type(shapes, t) == Some("string"))
        };
        if nested {
            table.insert(op_name.as_str(), Err("its page token is at a nested path or made of several members"));
            continue;
        }
        if !string_member("input_token", "input") || !string_member("output_token", "output") {
            table.insert(op_name.as_str(), Err("its page token is not a string"));
            continue;
        }
        // Several result keys: the first list member among them holds the items; a nested one
        // (`ResultSet.Rows`) gives none (the pages are still followed).
        let result_keys: Vec<&str> = match def.get("result_key") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let member_of = |direction: &str| -> Option<&Map<String, Value>> {
            let target = op.get(direction)?.get("shape")?.as_str()?;
            shapes.get(target)?.get("members")?.as_object()
        };
        let input_members = member_of("input");
        let output_members = member_of("output");

        // One key: a single member name, present in the given members.
        let single =
            |key: &str, members: Option<&Map<String, Value>>, side: &str| -> Result<Option<&str>, ImportError> {
                let value = match def.get(key) {
                    None => return Ok(None),
                    Some(Value::String(s)) => s.as_str(),
                    Some(Value::Array(_)) => {
                        return Err(model_err(format!(
                            "{context}: `{key}` is a list; only a single member name is supported"
                        )));
                    }
                    Some(other) => {
                        return Err(model_err(format!("{context}: `{key}` is not a string: {other}")));
                    }
                };
                if !members.is_some_and(|m| m.contains_key(value)) {
                    return Err(model_err(format!(
                        "{context}: `{key}` {value:?} is not a member of the operation's {side}"
                    )));
                }
                Ok(Some(value))
            };
        let input_token = single("input_token", input_members, "input")?
            .ok_or_else(|| model_err(format!("{context}: `input_token` is missing")))?;
        let output_token = single("output_token", output_members, "output")?
            .ok_or_else(|| model_err(format!("{context}: `output_token` is missing")))?;
        let limit_key = single("limit_key", input_members, "input")?;
        if result_keys.is_empty() {
            return Err(model_err(format!("{context}: `result_key` is missing")));
        }
        let is_list = |key: &str| {
            output_members
                .and_then(|m| m.get(key))
                .and_then(|member| member.get("shape"))
                .and_then(Value::as_str)
                .and_then(|target| shape_type(shapes, target))
                == Some("list")
        };
        // A result key that is not a list (a map of items, say) gives no item stream either.
        let items = result_keys.iter().copied().find(|key| is_list(key));
        if let Some(missing) =
            result_keys.iter().find(|key| !key.contains('.') && !output_members.is_some_and(|m| m.contains_key(**key)))
        {
            return Err(model_err(format!(
                "{context}: `result_key` {missing:?} is not a member of the operation's output"
            )));
        }

        let mut entry = Map::new();
        entry.insert("inputToken".into(), input_token.into());
        entry.insert("outputToken".into(), output_token.into());
        insert_opt(&mut entry, "limitKey", limit_key);
        insert_opt(&mut entry, "items", items);
        table.insert(op_name.as_str(), Ok(entry));
    }
    Ok(table)
}

/// Whether the operation's input or output has an event-stream member: such operations are left
/// out (the generated client and server speak plain request/response JSON only).
pub(super) fn uses_event_stream(op: &Value, shapes: &Map<String, Value>) -> bool {
    ["input", "output"].iter().any(|side| {
        let Some(target) = op.get(*side).and_then(|r| r.get("shape")).and_then(Value::as_str) else { return false };
        let members = shapes.get(target).and_then(|s| s.get("members")).and_then(Value::as_object);
        members.into_iter().flatten().any(|(_, member)| {
            let target = member.get("shape").and_then(Value::as_str);
            target.and_then(|t| shapes.get(t)).and_then(|s| s.get("eventstream")) == Some(&Value::Bool(true))
        })
    })
}
