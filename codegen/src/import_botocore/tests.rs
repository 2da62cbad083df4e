use super::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A model with the given shapes and operations and a standard JSON 1.1 metadata block.
fn model(shapes: Value, operations: Value) -> Value {
    json!({
        "version": "2.0",
        "metadata": {
            "apiVersion": "2020-01-01",
            "endpointPrefix": "example-svc",
            "jsonVersion": "1.1",
            "protocol": "json",
            "serviceFullName": "Example Service",
            "signatureVersion": "v4",
            "targetPrefix": "ExampleService"
        },
        "operations": operations,
        "shapes": shapes
    })
}

/// Converts a model made of `shapes` only and returns the parsed schema of `name`.
fn schema_of(shapes: Value, name: &str) -> Value {
    let files = convert(&model(shapes, json!({})), None, None).expect("convert");
    parse(&files, &format!("{name}.json"))
}

fn parse(files: &BTreeMap<String, String>, file: &str) -> Value {
    serde_json::from_str(files.get(file).unwrap_or_else(|| panic!("no {file}"))).unwrap()
}

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().unwrap().keys().map(String::as_str).collect()
}

fn model_error(model: &Value, paginators: Option<&Value>) -> String {
    match convert(model, paginators, None) {
        Err(ImportError::Model(message)) => message,
        Err(other) => panic!("expected a model error, got {other}"),
        Ok(_) => panic!("expected a model error, got success"),
    }
}

/// A small service exercising operations, errors, auth and pagination.
fn service_model() -> Value {
    model(
        json!({
            "Name": {"type": "string", "min": 1, "max": 64},
            "Token": {"type": "string"},
            "Limit": {"type": "integer", "min": 1, "max": 60},
            "Thing": {"type": "structure", "members": {"Name": {"shape": "Name"}}},
            "Things": {"type": "list", "member": {"shape": "Thing"}},
            "ListThingsRequest": {"type": "structure", "members": {
                "NextToken": {"shape": "Token"}, "MaxResults": {"shape": "Limit"}}},
            "ListThingsResponse": {"type": "structure", "members": {
                "Things": {"shape": "Things"}, "NextToken": {"shape": "Token"}}},
            "SignUpRequest": {"type": "structure", "members": {"Name": {"shape": "Name"}},
                              "required": ["Name"]},
            "SignUpResponse": {"type": "structure", "members": {}},
            "DeleteThingRequest": {"type": "structure", "members": {"Name": {"shape": "Name"}}},
            "NotFoundException": {"type": "structure", "exception": true,
                                  "members": {"message": {"shape": "Token"}}},
            "InternalErrorException": {"type": "structure", "exception": true, "fault": true,
                                       "members": {"message": {"shape": "Token"}}}
        }),
        json!({
            "SignUp": {"name": "SignUp", "http": {"method": "POST", "requestUri": "/"},
                       "input": {"shape": "SignUpRequest"}, "output": {"shape": "SignUpResponse"},
                       "errors": [{"shape": "NotFoundException"}, {"shape": "InternalErrorException"}],
                       "authtype": "none", "auth": ["smithy.api#noAuth"],
                       "documentation": "<p>AWS prose that must not be copied.</p>"},
            "ListThings": {"name": "ListThings", "input": {"shape": "ListThingsRequest"},
                           "output": {"shape": "ListThingsResponse"},
                           "errors": [{"shape": "InternalErrorException"}]},
            "DeleteThing": {"name": "DeleteThing", "input": {"shape": "DeleteThingRequest"},
                            "errors": [{"shape": "InternalErrorException"}, {"shape": "NotFoundException"}]},
            "Ping": {"name": "Ping", "input": {"shape": "DeleteThingRequest"},
                     "auth": ["smithy.api#noAuth"]}
        }),
    )
}

fn service_paginators() -> Value {
    json!({"pagination": {
        "ListThings": {"input_token": "NextToken", "output_token": "NextToken",
                       "limit_key": "MaxResults", "result_key": "Things"}
    }})
}

#[test]
fn structure_maps_members_in_model_order_with_required_and_deprecated() {
    let schema = schema_of(
        json!({
            "Zeta": {"type": "string"},
            "Alpha": {"type": "boolean"},
            "Thing": {"type": "structure", "documentation": "<p>prose</p>",
                      "required": ["Zeta"],
                      "members": {
                          "Zeta": {"shape": "Zeta", "documentation": "x"},
                          "Alpha": {"shape": "Alpha", "box": true,
                                    "deprecated": true, "deprecatedMessage": "gone"}
                      }}
        }),
        "Thing",
    );
    assert_eq!(
        schema,
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Thing",
            "type": "object",
            "properties": {
                "Zeta": {"$ref": "Zeta.json"},
                "Alpha": {"$ref": "Alpha.json", "deprecated": true}
            },
            "required": ["Zeta"]
        })
    );
    assert_eq!(keys(&schema), ["$schema", "title", "type", "properties", "required"]);
    assert_eq!(keys(&schema["properties"]), ["Zeta", "Alpha"]);
}

#[test]
fn idempotency_tokens_are_marked_on_their_member() {
    let shapes = json!({
        "Token": {"type": "string", "min": 1, "max": 64},
        "Put": {"type": "structure", "members": {
            "Name": {"shape": "Token"},
            "ClientToken": {"shape": "Token", "idempotencyToken": true}
        }}
    });
    let schema = schema_of(shapes.clone(), "Put");
    assert_eq!(
        schema["properties"],
        json!({"Name": {"$ref": "Token.json"}, "ClientToken": {"$ref": "Token.json", "x-aws-idempotency-token": true}})
    );
    // The SDKs fill a token with a UUID string: a token of another type is a model the
    // generator cannot honour, so the import says so.
    let mut bad = shapes;
    bad["Count"] = json!({"type": "integer"});
    bad["Put"]["members"]["ClientToken"]["shape"] = json!("Count");
    let error = model_error(&model(bad, json!({})), None);
    assert!(error.contains("`idempotencyToken` on a `integer` member"), "{error}");
}

#[test]
fn empty_structure_has_empty_properties_and_no_required() {
    let schema = schema_of(json!({"Empty": {"type": "structure", "members": {}}}), "Empty");
    assert_eq!(schema["properties"], json!({}));
    assert!(schema.get("required").is_none());
}

#[test]
fn strings_map_lengths_pattern_and_enum() {
    let shapes = json!({
        "Plain": {"type": "string"},
        "Bounded": {"type": "string", "min": 1, "max": 128, "pattern": "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"},
        "Color": {"type": "string", "enum": ["RED", "GREEN"], "max": 5}
    });
    let files = convert(&model(shapes, json!({})), None, None).unwrap();
    assert_eq!(parse(&files, "Plain.json"), json!({"$schema": SCHEMA_DIALECT, "title": "Plain", "type": "string"}));
    let bounded = parse(&files, "Bounded.json");
    assert_eq!(bounded["minLength"], 1);
    assert_eq!(bounded["maxLength"], 128);
    assert_eq!(bounded["pattern"], "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
    assert_eq!(keys(&bounded), ["$schema", "title", "type", "minLength", "maxLength", "pattern"]);
    let color = parse(&files, "Color.json");
    assert_eq!(color["enum"], json!(["RED", "GREEN"]));
    assert_eq!(keys(&color), ["$schema", "title", "type", "maxLength", "enum"]);
}

#[test]
fn numbers_booleans_and_timestamps() {
    let shapes = json!({
        "Int": {"type": "integer", "min": 0, "max": 100},
        "Long": {"type": "long", "min": -5},
        "Float": {"type": "float", "max": 1.5},
        "Double": {"type": "double", "min": 0, "max": 2.25},
        "Bool": {"type": "boolean"},
        "When": {"type": "timestamp"}
    });
    let files = convert(&model(shapes, json!({})), None, None).unwrap();
    let int = parse(&files, "Int.json");
    assert_eq!(
        int,
        json!({"$schema": SCHEMA_DIALECT, "title": "Int", "type": "integer", "format": "int32",
               "minimum": 0, "maximum": 100})
    );
    assert_eq!(keys(&int), ["$schema", "title", "type", "format", "minimum", "maximum"]);
    let long = parse(&files, "Long.json");
    assert_eq!((long["format"].as_str(), long["minimum"].as_i64()), (Some("int64"), Some(-5)));
    assert!(long.get("maximum").is_none());
    let float = parse(&files, "Float.json");
    assert_eq!((float["type"].as_str(), float["format"].as_str()), (Some("number"), Some("float")));
    assert_eq!(float["maximum"], 1.5);
    let double = parse(&files, "Double.json");
    assert_eq!(double["format"], "double");
    assert_eq!((double["minimum"].as_i64(), double["maximum"].as_f64()), (Some(0), Some(2.25)));
    assert_eq!(parse(&files, "Bool.json"), json!({"$schema": SCHEMA_DIALECT, "title": "Bool", "type": "boolean"}));
    assert_eq!(
        parse(&files, "When.json"),
        json!({"$schema": SCHEMA_DIALECT, "title": "When", "type": "number", "format": "epoch-seconds"})
    );
}

#[test]
fn blobs_are_base64_strings_with_byte_sizes() {
    let schema = schema_of(json!({"Bytes": {"type": "blob", "min": 0, "max": 131072}}), "Bytes");
    assert_eq!(
        schema,
        json!({"$schema": SCHEMA_DIALECT, "title": "Bytes", "type": "string",
               "contentEncoding": "base64", "x-aws-min-bytes": 0, "x-aws-max-bytes": 131072})
    );
    assert_eq!(keys(&schema), ["$schema", "title", "type", "contentEncoding", "x-aws-min-bytes", "x-aws-max-bytes"]);
}

#[test]
fn lists_and_maps() {
    let shapes = json!({
        "Key": {"type": "string", "min": 1},
        "Val": {"type": "string"},
        "Vals": {"type": "list", "member": {"shape": "Val"}, "min": 1, "max": 10},
        "Dict": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "Val"}, "max": 50}
    });
    let files = convert(&model(shapes, json!({})), None, None).unwrap();
    let list = parse(&files, "Vals.json");
    assert_eq!(
        list,
        json!({"$schema": SCHEMA_DIALECT, "title": "Vals", "type": "array",
               "minItems": 1, "maxItems": 10, "items": {"$ref": "Val.json"}})
    );
    assert_eq!(keys(&list), ["$schema", "title", "type", "minItems", "maxItems", "items"]);
    let map = parse(&files, "Dict.json");
    assert_eq!(
        map,
        json!({"$schema": SCHEMA_DIALECT, "title": "Dict", "type": "object", "maxProperties": 50,
               "additionalProperties": {"$ref": "Val.json"}, "propertyNames": {"$ref": "Key.json"}})
    );
    assert_eq!(keys(&map), ["$schema", "title", "type", "maxProperties", "additionalProperties", "propertyNames"]);
}

#[test]
fn sensitive_shapes() {
    let shapes = json!({
        "Secret": {"type": "string", "min": 8, "sensitive": true},
        "Str": {"type": "string"},
        "SecretMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}, "sensitive": true},
        "SecretStruct": {"type": "structure", "members": {"A": {"shape": "Str"}}, "sensitive": true},
        "SecretBytes": {"type": "blob", "max": 4, "sensitive": true}
    });
    let files = convert(&model(shapes, json!({})), None, None).unwrap();
    let secret = parse(&files, "Secret.json");
    assert_eq!(
        secret,
        json!({"$schema": SCHEMA_DIALECT, "title": "Secret", "type": "string", "format": "password",
               "minLength": 8, "x-aws-sensitive": true})
    );
    assert_eq!(keys(&secret), ["$schema", "title", "type", "format", "minLength", "x-aws-sensitive"]);
    for name in ["SecretMap", "SecretStruct", "SecretBytes"] {
        let schema = parse(&files, &format!("{name}.json"));
        assert_eq!(schema["x-aws-sensitive"], true, "{name}");
        assert!(schema.get("format").is_none(), "{name}: only AWS strings get format password");
        assert_eq!(keys(&schema).last(), Some(&"x-aws-sensitive"), "{name}");
    }
    assert!(parse(&files, "Str.json").get("x-aws-sensitive").is_none());
}

#[test]
fn exceptions_carry_their_fault() {
    let shapes = json!({
        "Msg": {"type": "string"},
        "BadInputException": {"type": "structure", "exception": true,
                              "error": {"code": "BadInput", "httpStatusCode": 400, "senderFault": true},
                              "members": {"message": {"shape": "Msg"}}},
        "BrokenException": {"type": "structure", "exception": true, "fault": true,
                            "members": {"message": {"shape": "Msg"}}}
    });
    let files = convert(&model(shapes, json!({})), None, None).unwrap();
    let client = parse(&files, "BadInputException.json");
    assert_eq!(client["x-aws-error"], json!({"fault": "client"}));
    assert_eq!(keys(&client), ["$schema", "title", "type", "properties", "x-aws-error"]);
    assert_eq!(parse(&files, "BrokenException.json")["x-aws-error"], json!({"fault": "server"}));
    assert!(parse(&files, "Msg.json").get("x-aws-error").is_none());
}

#[test]
fn document_shapes_have_no_type() {
    let schema = schema_of(json!({"Document": {"type": "structure", "document": true}}), "Document");
    assert_eq!(schema, json!({"$schema": SCHEMA_DIALECT, "title": "Document", "x-aws-document": true}));
    let sensitive = schema_of(json!({"Doc": {"type": "structure", "document": true, "sensitive": true}}), "Doc");
    assert_eq!(keys(&sensitive), ["$schema", "title", "x-aws-document", "x-aws-sensitive"]);
}

#[test]
fn files_are_pretty_printed_with_a_trailing_newline() {
    let files =
        convert(&model(json!({"Flag": {"type": "boolean", "documentation": "<p>prose</p>"}}), json!({})), None, None)
            .unwrap();
    assert_eq!(
        files["Flag.json"],
        "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"title\": \"Flag\",\n  \"type\": \"boolean\"\n}\n"
    );
    assert_eq!(files.keys().collect::<Vec<_>>(), ["Flag.json", "service.json"]);
}

#[test]
fn no_prose_or_description_is_emitted() {
    let files = convert(&service_model(), Some(&service_paginators()), None).unwrap();
    for (name, content) in &files {
        assert!(!content.contains("description"), "{name}");
        assert!(!content.contains("documentation"), "{name}");
        assert!(!content.contains("prose"), "{name}");
    }
}

#[test]
fn service_json_describes_protocol_operations_auth_and_pagination() {
    let files = convert(&service_model(), Some(&service_paginators()), Some("https://example.invalid/api/")).unwrap();
    let service = parse(&files, "service.json");
    assert_eq!(
        service,
        json!({
            "name": "example-svc",
            "title": "Example Service",
            "apiVersion": "2020-01-01",
            "protocol": "awsJson1_1",
            "targetPrefix": "ExampleService",
            "signingName": "example-svc",
            "endpointPrefix": "example-svc",
            "apiReference": "https://example.invalid/api/",
            "operations": {
                "DeleteThing": {
                    "input": "DeleteThingRequest",
                    "errors": ["InternalErrorException", "NotFoundException"],
                    "auth": "sigv4"
                },
                "ListThings": {
                    "input": "ListThingsRequest",
                    "output": "ListThingsResponse",
                    "errors": ["InternalErrorException"],
                    "auth": "sigv4",
                    "pagination": {"inputToken": "NextToken", "outputToken": "NextToken",
                                   "limitKey": "MaxResults", "items": "Things"}
                },
                "Ping": {"input": "DeleteThingRequest", "errors": [], "auth": "none"},
                "SignUp": {
                    "input": "SignUpRequest",
                    "output": "SignUpResponse",
                    "errors": ["NotFoundException", "InternalErrorException"],
                    "auth": "none"
                }
            }
        })
    );
    assert_eq!(
        keys(&service),
        [
            "name",
            "title",
            "apiVersion",
            "protocol",
            "targetPrefix",
            "signingName",
            "endpointPrefix",
            "apiReference",
            "operations"
        ]
    );
    assert_eq!(keys(&service["operations"]), ["DeleteThing", "ListThings", "Ping", "SignUp"]);
    assert_eq!(keys(&service["operations"]["ListThings"]), ["input", "output", "errors", "auth", "pagination"]);
    assert_eq!(
        keys(&service["operations"]["ListThings"]["pagination"]),
        ["inputToken", "outputToken", "limitKey", "items"]
    );
    let converted = convert_model(&service_model(), None, None).unwrap();
    assert_eq!((converted.operations, converted.types, converted.public_operations), (4, 12, 2));
}

#[test]
fn service_json_variants() {
    let mut m = service_model();
    m["metadata"]["jsonVersion"] = json!("1.0");
    m["metadata"]["signingName"] = json!("signer");
    let mut paginators = service_paginators();
    paginators["pagination"]["ListThings"].as_object_mut().unwrap().remove("limit_key");
    let files = convert(&m, Some(&paginators), None).unwrap();
    let service = parse(&files, "service.json");
    assert_eq!(service["protocol"], "awsJson1_0");
    assert_eq!(service["signingName"], "signer");
    assert!(service.get("apiReference").is_none());
    assert!(service["operations"]["ListThings"].get("pagination").is_some());
    assert_eq!(
        service["operations"]["ListThings"]["pagination"],
        json!({"inputToken": "NextToken", "outputToken": "NextToken", "items": "Things"})
    );
    // Without paginators: no pagination at all.
    let files = convert(&service_model(), None, None).unwrap();
    assert!(parse(&files, "service.json")["operations"]["ListThings"].get("pagination").is_none());
}

#[test]
fn conversion_is_deterministic() {
    let m = service_model();
    let p = service_paginators();
    let first = convert(&m, Some(&p), Some("https://example.invalid/")).unwrap();
    let second = convert(&m, Some(&p), Some("https://example.invalid/")).unwrap();
    assert_eq!(first, second);
    // Round trip through text (as the file on disk would be) changes nothing either.
    let reparsed: Value = serde_json::from_str(&m.to_string()).unwrap();
    assert_eq!(convert(&reparsed, Some(&p), Some("https://example.invalid/")).unwrap(), first);
}

#[test]
fn missing_top_level_sections_are_reported() {
    for section in ["metadata", "operations", "shapes"] {
        let mut m = service_model();
        m.as_object_mut().unwrap().remove(section);
        let message = model_error(&m, None);
        assert!(message.contains(section), "{message}");
    }
    assert!(model_error(&json!([1, 2]), None).contains("not a JSON object"));
    let mut m = service_model();
    m["metadata"].as_object_mut().unwrap().remove("targetPrefix");
    assert!(model_error(&m, None).contains("metadata.targetPrefix"));
}

#[test]
fn dangling_references_are_reported() {
    let mut m = service_model();
    m["operations"]["SignUp"]["input"] = json!({"shape": "NoSuchRequest"});
    let message = model_error(&m, None);
    assert!(message.contains("SignUp") && message.contains("NoSuchRequest"), "{message}");

    let mut m = service_model();
    m["operations"]["ListThings"]["output"] = json!({"shape": "Gone"});
    let message = model_error(&m, None);
    assert!(message.contains("ListThings") && message.contains("Gone"), "{message}");

    let mut m = service_model();
    m["operations"]["ListThings"]["errors"] = json!([{"shape": "MissingException"}]);
    let message = model_error(&m, None);
    assert!(message.contains("ListThings") && message.contains("MissingException"), "{message}");

    let mut m = service_model();
    m["shapes"]["Thing"]["members"]["Owner"] = json!({"shape": "Person"});
    let message = model_error(&m, None);
    assert!(message.contains("Thing.Owner") && message.contains("Person"), "{message}");

    let mut m = service_model();
    m["shapes"]["Things"]["member"] = json!({"shape": "Nope"});
    let message = model_error(&m, None);
    assert!(message.contains("Things") && message.contains("Nope"), "{message}");
}

#[test]
fn unsupported_shapes_are_rejected_by_name() {
    let cases = [
        (json!({"Weird": {"type": "bigdecimal"}}), "Weird"),
        (json!({"NoType": {"min": 1}}), "NoType"),
        (json!({"Bad.Name": {"type": "string"}}), "Bad.Name"),
        (json!({"Iso": {"type": "timestamp", "timestampFormat": "julian"}}), "Iso"),
        (json!({"Neg": {"type": "string", "min": -1}}), "Neg"),
        (json!({"Odd": {"type": "boolean", "max": 3}}), "Odd"),
        (json!({"EmptyEnum": {"type": "string", "enum": []}}), "EmptyEnum"),
        (
            json!({"IntKey": {"type": "integer"},
                "M": {"type": "map", "key": {"shape": "IntKey"}, "value": {"shape": "IntKey"}}}),
            "IntKey",
        ),
        (
            json!({"S": {"type": "string"},
                "Req": {"type": "structure", "members": {"A": {"shape": "S"}}, "required": ["B"]}}),
            "Req",
        ),
        (
            json!({"S": {"type": "string"},
                "Renamed": {"type": "structure", "members": {"A": {"shape": "S", "locationName": "a"}}}}),
            "Renamed.A",
        ),
        (json!({"NotErr": {"type": "string", "exception": true}}), "NotErr"),
    ];
    for (shapes, name) in cases {
        let message = model_error(&model(shapes, json!({})), None);
        assert!(message.contains(name), "expected {name:?} in {message:?}");
    }
}

#[test]
fn invalid_operations_and_auth_are_rejected() {
    let mut m = service_model();
    m["operations"]["Ping"]["authtype"] = json!("bearer");
    assert!(model_error(&m, None).contains("Ping"));

    let mut m = service_model();
    m["operations"]["Ping"]["authtype"] = json!("v4");
    assert!(model_error(&m, None).contains("disagree"));

    let mut m = service_model();
    m["operations"]["ListThings"]["errors"] = json!([{"shape": "Thing"}]);
    let message = model_error(&m, None);
    assert!(message.contains("ListThings") && message.contains("exception"), "{message}");

    let mut m = service_model();
    m["operations"]["SignUp"]["input"] = json!({"shape": "Name"});
    assert!(model_error(&m, None).contains("not a structure"));

    let mut m = service_model();
    m["metadata"]["protocol"] = json!("rest-json");
    assert!(model_error(&m, None).contains("rest-json"));

    let mut m = service_model();
    m["metadata"]["jsonVersion"] = json!("2.0");
    assert!(model_error(&m, None).contains("jsonVersion"));
}

#[test]
fn invalid_paginators_are_rejected() {
    let m = service_model();
    let cases = [
        (
            json!({"pagination": {"Unknown": {"input_token": "A", "output_token": "B",
            "result_key": "C"}}}),
            "Unknown",
        ),
        (
            json!({"pagination": {"ListThings": {"input_token": "NextToken",
            "output_token": "NextToken", "result_key": "Nope"}}}),
            "Nope",
        ),
        (
            json!({"pagination": {"ListThings": {"output_token": "NextToken",
            "result_key": "Things"}}}),
            "input_token",
        ),
        (json!({"nothing": {}}), "pagination"),
    ];
    for (paginators, needle) in cases {
        let message = model_error(&m, Some(&paginators));
        assert!(message.contains(needle), "expected {needle:?} in {message:?}");
        assert!(message.contains("paginator"), "{message}");
    }
}

#[test]
fn errors_display_their_context() {
    let error = convert(&json!({}), None, None).unwrap_err();
    assert_eq!(error.to_string(), "botocore model: the model has no `metadata` object");
    let dir = scratch_dir("missing-model");
    let error = import_botocore(&dir.join("nope.json"), &dir, &ImportOptions::default()).unwrap_err();
    assert!(matches!(error, ImportError::Io { .. }));
    assert!(error.to_string().contains("nope.json"), "{error}");
    fs::write(dir.join("broken.json"), "{not json").unwrap();
    let error = import_botocore(&dir.join("broken.json"), &dir.join("out"), &ImportOptions::default()).unwrap_err();
    assert!(matches!(error, ImportError::Json { .. }));
    assert!(error.to_string().contains("broken.json"), "{error}");
    fs::remove_dir_all(&dir).unwrap();
}

// -----------------------------------------------------------------------------------------
// Filesystem behaviour

fn scratch_dir(tag: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "import-botocore-test-{}-{}-{tag}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn import_writes_only_changes_removes_stale_json_and_keeps_other_files() {
    let dir = scratch_dir("sync");
    let model_path = dir.join("service-2.json.gz");
    fs::write(&model_path, gzip(service_model().to_string().as_bytes())).unwrap();
    let paginators_path = dir.join("paginators-1.json");
    fs::write(&paginators_path, service_paginators().to_string()).unwrap();
    let out = dir.join("schemas");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("README.md"), "keep me").unwrap();
    fs::write(out.join("Stale.json"), "{}").unwrap();
    fs::write(out.join("notes.txt"), "keep me too").unwrap();

    let options = ImportOptions {
        paginators: Some(paginators_path.clone()),
        api_reference: Some("https://example.invalid/ref/".into()),
    };
    let report = import_botocore(&model_path, &out, &options).unwrap();
    assert_eq!((report.operations, report.types, report.public_operations), (4, 12, 2));
    assert_eq!(report.written.len(), 13);
    assert_eq!(report.removed, ["Stale.json"]);
    assert_eq!(report.unchanged, 0);
    assert!(!out.join("Stale.json").exists());
    assert_eq!(fs::read_to_string(out.join("README.md")).unwrap(), "keep me");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "keep me too");
    let expected =
        convert(&service_model(), Some(&service_paginators()), Some("https://example.invalid/ref/")).unwrap();
    for (name, content) in &expected {
        assert_eq!(&fs::read_to_string(out.join(name)).unwrap(), content, "{name}");
    }

    // Second run, no api_reference given: the existing one is kept and nothing changes.
    let options = ImportOptions { paginators: Some(paginators_path), api_reference: None };
    let report = import_botocore(&model_path, &out, &options).unwrap();
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert!(report.removed.is_empty());
    assert_eq!(report.unchanged, 13);

    // A shape removed from the model disappears; a changed one is rewritten.
    let mut smaller = service_model();
    smaller["shapes"].as_object_mut().unwrap().remove("Thing");
    smaller["shapes"]["Things"]["member"] = json!({"shape": "Name"});
    let plain_path = dir.join("service-2.json");
    fs::write(&plain_path, smaller.to_string()).unwrap();
    let report = import_botocore(&plain_path, &out, &ImportOptions::default()).unwrap();
    assert_eq!(report.removed, ["Thing.json"]);
    assert!(!out.join("Thing.json").exists());
    // Without paginators, service.json loses its pagination but keeps apiReference.
    assert_eq!(report.written, ["Things.json", "service.json"]);
    let service: Value = serde_json::from_str(&fs::read_to_string(out.join("service.json")).unwrap()).unwrap();
    assert_eq!(service["apiReference"], "https://example.invalid/ref/");
    assert_eq!(report.unchanged, 10);

    // A hand-written `notEnforced` survives a new import, and nothing else changes for it.
    let mut edited = service.clone();
    edited["notEnforced"] = json!({"Name": ["pattern"]});
    edited["extraEnumValues"] = json!({"Kind": ["NEW"]});
    fs::write(out.join("service.json"), render(&edited)).unwrap();
    let report = import_botocore(&plain_path, &out, &ImportOptions::default()).unwrap();
    assert!(report.written.is_empty(), "{:?}", report.written);
    let service: Value = serde_json::from_str(&fs::read_to_string(out.join("service.json")).unwrap()).unwrap();
    assert_eq!(service["notEnforced"], json!({"Name": ["pattern"]}));
    assert_eq!(service["extraEnumValues"], json!({"Kind": ["NEW"]}));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gzip_is_detected_by_magic_bytes_too() {
    let dir = scratch_dir("magic");
    let model_path = dir.join("model.json");
    fs::write(&model_path, gzip(service_model().to_string().as_bytes())).unwrap();
    let out = dir.join("out");
    let report = import_botocore(&model_path, &out, &ImportOptions::default()).unwrap();
    assert_eq!(report.types, 12);
    assert!(out.join("service.json").is_file());
    fs::remove_dir_all(&dir).unwrap();
}

// -----------------------------------------------------------------------------------------
// The real Cognito model (opt-in)

/// Every `$ref` value anywhere in `value`.
fn collect_refs<'v>(value: &'v Value, refs: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => refs.push(target),
                    _ => collect_refs(inner, refs),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, refs)),
        _ => {}
    }
}

#[test]
fn real_cognito_model_when_available() {
    let Some(path) = std::env::var_os("BOTOCORE_COGNITO_MODEL").map(PathBuf::from).or_else(installed_cognito_model)
    else {
        eprintln!("SKIPPED: no botocore installed; set BOTOCORE_COGNITO_MODEL to a cognito-idp service-2.json.gz");
        return;
    };
    let model = read_json(&path).expect("read the model");
    let paginators_path = path.with_file_name("paginators-1.json");
    let paginators = paginators_path.is_file().then(|| read_json(&paginators_path).expect("read paginators"));
    let converted = convert_model(&model, paginators.as_ref(), None).expect("convert");
    // Counts come from the model itself, so that a newer model needs no edit here.
    let model_operations = model["operations"].as_object().unwrap();
    let public = model_operations
        .values()
        .filter(|op| op["authtype"] == "none" || op["auth"] == serde_json::json!(["smithy.api#noAuth"]))
        .count();
    assert_eq!(converted.operations, model_operations.len());
    assert_eq!(converted.public_operations, public);
    assert!(converted.types > converted.operations);
    assert_eq!(converted.files.len(), converted.types + 1, "one file per type and service.json");
    assert!(converted.files.contains_key(SERVICE_FILE));

    let names: BTreeSet<&str> = converted.files.keys().map(String::as_str).collect();
    for (name, content) in &converted.files {
        let value: Value = serde_json::from_str(content).unwrap();
        let mut refs = Vec::new();
        collect_refs(&value, &mut refs);
        for target in refs {
            assert!(names.contains(target), "{name}: dangling $ref {target}");
        }
        if name != SERVICE_FILE {
            assert_eq!(value["title"].as_str().map(|t| format!("{t}.json")).as_deref(), Some(name.as_str()));
        }
    }
    let service: Value = serde_json::from_str(&converted.files[SERVICE_FILE]).unwrap();
    let operations = service["operations"].as_object().unwrap();
    for (op, entry) in operations {
        for key in ["input", "output"] {
            if let Some(shape) = entry.get(key).and_then(Value::as_str) {
                assert!(names.contains(format!("{shape}.json").as_str()), "{op} {key}");
            }
        }
        for error in entry["errors"].as_array().unwrap() {
            assert!(names.contains(format!("{}.json", error.as_str().unwrap()).as_str()), "{op}");
        }
    }
    if paginators.is_some() {
        assert_eq!(
            service["operations"]["ListUsers"]["pagination"],
            json!({"inputToken": "PaginationToken", "outputToken": "PaginationToken",
                   "limitKey": "Limit", "items": "Users"})
        );
    }
    assert_eq!(service["protocol"], "awsJson1_1");
    assert_eq!(service["operations"]["SignUp"]["auth"], "none");
    assert_eq!(service["operations"]["AdminCreateUser"]["auth"], "sigv4");
}

/// The cognito-idp model of the botocore that `python3` imports (the test requirements install
/// one), newest API version first.
fn installed_cognito_model() -> Option<PathBuf> {
    let output = std::process::Command::new("python3")
        .args(["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"])
        .output()
        .ok()?;
    let root = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim()).join("data/cognito-idp");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
    versions.sort();
    versions.into_iter().rev().map(|v| v.join("service-2.json.gz")).find(|p| p.is_file())
}

// -----------------------------------------------------------------------------------------
// Constructs of real models, each imported, loaded and generated end to end

/// Imports `model` (and `paginators`) into a scratch directory, then loads and generates it;
/// returns the schema files and the generated files (name -> content).
fn round_trip(tag: &str, model: &Value, paginators: Option<&Value>) -> (BTreeMap<String, String>, crate::emit::Files) {
    let files = convert(model, paginators, None).expect("convert");
    let dir = scratch_dir(tag);
    for (name, content) in &files {
        fs::write(dir.join(name), content).unwrap();
    }
    let generated =
        crate::generate_dir(&dir, &crate::load::LoadOptions::default(), &crate::emit::EmitOptions::default())
            .unwrap_or_else(|e| panic!("generate: {e}"));
    fs::remove_dir_all(&dir).unwrap();
    (files, generated)
}

fn generated_text(files: &crate::emit::Files) -> String {
    files.values().map(String::as_str).collect::<Vec<_>>().join("\n")
}

#[test]
fn json_among_several_protocols_is_used() {
    let mut m = service_model();
    m["metadata"]["protocol"] = json!("smithy-rpc-v2-cbor");
    m["metadata"]["protocols"] = json!(["smithy-rpc-v2-cbor", "json"]);
    let files = convert(&m, None, None).unwrap();
    assert_eq!(parse(&files, "service.json")["protocol"], "awsJson1_1");

    m["metadata"]["protocols"] = json!(["smithy-rpc-v2-cbor"]);
    assert!(model_error(&m, None).contains("smithy-rpc-v2-cbor"));
}

#[test]
fn operations_without_input_or_output_generate() {
    let mut m = service_model();
    m["operations"]["DescribeLimits"] = json!({"name": "DescribeLimits"});
    m["operations"]["Status"] = json!({"name": "Status", "output": {"shape": "SignUpResponse"}});
    let (files, generated) = round_trip("no-input", &m, None);
    let service = parse(&files, "service.json");
    assert_eq!(keys(&service["operations"]["DescribeLimits"]), ["errors", "auth"]);
    let text = generated_text(&generated);
    assert!(text.contains("DescribeLimitsRequest"), "an empty input type is generated");
    assert!(text.contains("StatusRequest"));
}

#[test]
fn names_differing_in_case_or_equal_to_the_service_file_are_renamed() {
    let mut m = service_model();
    let shapes = m["shapes"].as_object_mut().unwrap();
    shapes.insert("Double".into(), json!({"type": "double"}));
    shapes.insert("double".into(), json!({"type": "double"}));
    shapes.insert("IPAddress".into(), json!({"type": "string"}));
    shapes.insert("IpAddress".into(), json!({"type": "string"}));
    shapes.insert(
        "Service".into(),
        json!({"type": "structure", "members": {
        "A": {"shape": "Double"}, "B": {"shape": "double"}, "C": {"shape": "IPAddress"}, "D": {"shape": "IpAddress"}}}),
    );
    m["shapes"]["ListThingsResponse"]["members"]["Service"] = json!({"shape": "Service"});
    let (files, generated) = round_trip("naming", &m, None);
    let folded: BTreeSet<String> = files.keys().map(|f| f.to_ascii_lowercase()).collect();
    assert_eq!(folded.len(), files.len(), "file names are unique case-insensitively");
    assert!(files.contains_key("service.json") && files.contains_key("Service2.json"));
    assert_eq!(parse(&files, "Service2.json")["title"], "Service2");
    assert_eq!(parse(&files, "ListThingsResponse.json")["properties"]["Service"]["$ref"], "Service2.json");
    let service2 = parse(&files, "Service2.json");
    assert_eq!(service2["properties"]["B"]["$ref"], "double2.json");
    assert_eq!(service2["properties"]["D"]["$ref"], "IpAddress2.json");
    let text = generated_text(&generated);
    assert!(text.contains("pub struct Service2"), "Service2 in the generated code");
}

#[test]
fn unions_timestamps_json_values_event_streams_and_host_prefixes_import_and_generate() {
    let mut m = service_model();
    let shapes = m["shapes"].as_object_mut().unwrap();
    shapes.insert(
        "Choice".into(),
        json!({"type": "structure", "union": true, "members": {
        "Text": {"shape": "Name"}, "Count": {"shape": "Limit"}}}),
    );
    shapes.insert("When".into(), json!({"type": "timestamp", "timestampFormat": "iso8601"}));
    shapes.insert("Policy".into(), json!({"type": "string"}));
    shapes.insert("Event".into(), json!({"type": "structure", "event": true, "members": {"Name": {"shape": "Name"}}}));
    shapes.insert(
        "Events".into(),
        json!({"type": "structure", "eventstream": true, "members": {"E": {"shape": "Event"}}}),
    );
    shapes.insert("SubscribeResponse".into(), json!({"type": "structure", "members": {"Events": {"shape": "Events"}}}));
    shapes.insert(
        "ThingRequest".into(),
        json!({"type": "structure", "members": {
        "Choice": {"shape": "Choice"}, "When": {"shape": "When"}, "Policy": {"shape": "Policy", "jsonvalue": true}}}),
    );
    m["operations"]["PutThing"] = json!({"name": "PutThing", "input": {"shape": "ThingRequest"},
        "endpoint": {"hostPrefix": "data-"}});
    m["operations"]["Subscribe"] = json!({"name": "Subscribe", "input": {"shape": "DeleteThingRequest"},
        "output": {"shape": "SubscribeResponse"}});
    let (files, generated) = round_trip("constructs", &m, None);
    let choice = parse(&files, "Choice.json");
    assert_eq!(choice["oneOf"], json!([{"required": ["Text"]}, {"required": ["Count"]}]));
    assert_eq!(choice["x-aws-union"], true);
    assert_eq!(parse(&files, "When.json")["format"], "date-time");
    assert_eq!(parse(&files, "When.json")["x-aws-timestamp-format"], "iso8601");
    let text = generated_text(&generated);
    assert!(text.contains("DateTime"), "an iso8601 member is a DateTime (sent as RFC 3339)");
    let service = parse(&files, "service.json");
    assert_eq!(service["operations"]["PutThing"]["hostPrefix"], "data-");
    assert!(service["operations"].get("Subscribe").is_none(), "event-stream operations are left out");
    assert_eq!(service["leftOut"], json!({"Subscribe": "it streams events"}));
    assert!(text.contains("Operations left out"), "the crate's doc says so");
    assert!(text.contains("`awsjson_client::event_stream` reads the frames"), "and what reads them");
    assert!(text.contains("* `Subscribe`: it streams events"));
    assert!(text.contains("put_thing"));
}

#[test]
fn paginators_in_every_form_import() {
    let mut m = service_model();
    m["shapes"]["ListThingsResponse"]["members"]["More"] = json!({"shape": "Things"});
    m["shapes"]["ListThingsResponse"]["members"]["Truncated"] = json!({"shape": "Token"});
    let paginators = json!({"pagination": {"ListThings": {"input_token": "NextToken", "output_token": "NextToken",
        "more_results": "Truncated", "result_key": ["Things", "More"]}}});
    let (files, _) = round_trip("pages", &m, Some(&paginators));
    assert_eq!(parse(&files, "service.json")["operations"]["ListThings"]["pagination"]["items"], "Things");

    // A token at a nested path cannot be followed: the operation is not paginated.
    let paginators = json!({"pagination": {"ListThings": {"input_token": "NextToken",
        "output_token": "Result.NextToken", "result_key": "Result.Things"}}});
    let (files, generated) = round_trip("nested", &m, Some(&paginators));
    let service = parse(&files, "service.json");
    assert!(service["operations"]["ListThings"].get("pagination").is_none());
    assert_eq!(service["notPaginated"]["ListThings"], "its page token is at a nested path or made of several members");
    assert!(generated_text(&generated).contains("* `ListThings`: its page token is at a nested path"));

    // Nor can a token that is not a string (DynamoDB's `LastEvaluatedKey`).
    m["shapes"]["Key"] = json!({"type": "map", "key": {"shape": "Token"}, "value": {"shape": "Token"}});
    m["shapes"]["ListThingsRequest"]["members"]["Start"] = json!({"shape": "Key"});
    m["shapes"]["ListThingsResponse"]["members"]["Last"] = json!({"shape": "Key"});
    let paginators = json!({"pagination": {"ListThings": {"input_token": "Start",
        "output_token": "Last", "result_key": "Things"}}});
    let (files, _) = round_trip("map-token", &m, Some(&paginators));
    let service = parse(&files, "service.json");
    assert!(service["operations"]["ListThings"].get("pagination").is_none());
    assert_eq!(service["notPaginated"]["ListThings"], "its page token is not a string");
}

#[test]
fn a_service_named_like_a_root_export_gets_a_distinct_trait_name() {
    let mut m = service_model();
    m["metadata"]["endpointPrefix"] = json!("config");
    let (_, generated) = round_trip("config", &m, None);
    assert!(generated_text(&generated).contains("pub trait ConfigService"));
}

#[test]
fn a_pattern_static_never_takes_the_name_of_a_shape_static() {
    let mut m = service_model();
    m["shapes"]["LogGroupName"] = json!({"type": "string", "pattern": "[a-z]+"});
    m["shapes"]["LogGroupNamePattern"] = json!({"type": "string"});
    m["shapes"]["Thing"]["members"]["G"] = json!({"shape": "LogGroupName"});
    m["shapes"]["Thing"]["members"]["P"] = json!({"shape": "LogGroupNamePattern"});
    let (_, generated) = round_trip("patterns", &m, None);
    let text = generated_text(&generated);
    assert!(text.contains("static LOG_GROUP_NAME_PATTERN_2: Pattern"), "{text}");
}
