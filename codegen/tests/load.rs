//! Loading schema directories: reference forms, the catalogue's conventions, inference of
//! operations and errors, and clear errors for what cannot be loaded.

use std::path::PathBuf;

use awsjson_codegen::load::{LoadError, LoadOptions, load_dir};
use awsjson_codegen::model::{Auth, Fault, ShapeKind};
use serde_json::json;

/// A temporary directory holding `files` (name -> JSON).
fn dir(tag: &str, files: &[(&str, serde_json::Value)]) -> PathBuf {
    let d = std::env::temp_dir().join(format!("awsjson-load-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for (name, json) in files {
        std::fs::write(d.join(name), serde_json::to_string_pretty(json).unwrap()).unwrap();
    }
    d
}

#[test]
fn catalogue_layout_is_inferred() {
    let d = dir(
        "catalogue",
        &[
            (
                "svc-get-thing-request-schema.json",
                json!({
            "title": "GetThingRequest", "type": "object",
            "properties": {"Id": {"allOf": [{"$ref": "#/components/schemas/IdType"}, {"description": "doc"}]}},
            "required": ["Id"]}),
            ),
            (
                "svc-get-thing-response-schema.json",
                json!({
            "title": "GetThingResponse", "type": "object",
            "properties": {"When": {"allOf": [{"$ref": "#/components/schemas/DateType"}, {"description": "d"}]},
                           "Tags": {"type": "array", "items": {"type": "object", "properties": {"K": {"type": "string"}}}}}}),
            ),
            (
                "svc-id-type-schema.json",
                json!({"title": "IdType", "type": "string", "format": "password", "maxLength": 5}),
            ),
            ("svc-date-type-schema.json", json!({"title": "DateType", "type": "string", "format": "date-time"})),
            ("svc-thing-not-found-exception-schema.json", json!({"title": "ThingNotFoundException"})),
            ("svc-internal-error-exception-schema.json", json!({"title": "InternalErrorException"})),
        ],
    );
    let options = LoadOptions { name: Some("svc".into()), ..Default::default() };
    let s = load_dir(&d, &options).unwrap();
    assert_eq!(s.operations.keys().collect::<Vec<_>>(), ["GetThing"]);
    let op = &s.operations["GetThing"];
    assert_eq!(op.output.as_deref(), Some("GetThingResponse"));
    assert_eq!(op.errors, ["InternalErrorException", "ThingNotFoundException"]);
    assert_eq!(op.auth, Auth::SigV4);
    assert_eq!(s.target_prefix, "Svc");
    assert_eq!(s.shapes["InternalErrorException"].error, Some(Fault::Server));
    assert_eq!(s.shapes["ThingNotFoundException"].error, Some(Fault::Client));
    // Exceptions with no properties get the message every AWS JSON error carries.
    assert_eq!(s.shapes["ThingNotFoundException"].members()[0].name, "message");
    assert!(s.shapes["IdType"].sensitive, "format: password marks a sensitive string");
    // The catalogue's `date-time` stands for Cognito's epoch seconds.
    assert_eq!(s.shapes["DateType"].kind, ShapeKind::Timestamp);
    let request = &s.shapes["GetThingRequest"];
    assert_eq!((request.members()[0].target.as_str(), request.members()[0].required), ("IdType", true));
    // The inline item object became a named structure.
    let ShapeKind::List { member, .. } = &s.shapes[&s.shapes["GetThingResponse"].members()[1].target].kind else {
        panic!("Tags is a list")
    };
    assert!(s.shapes[member].is_structure());
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn relative_refs_defs_and_recursion_resolve() {
    let d = dir(
        "refs",
        &[
            (
                "service.json",
                json!({"name": "t", "protocol": "awsJson1_0", "targetPrefix": "T",
            "operations": {"Op": {"input": "Node", "auth": "none"}}}),
            ),
            (
                "Node.json",
                json!({"title": "Node", "type": "object", "properties": {
            "Child": {"$ref": "./Node.json"},
            "Self": {"$ref": "#"},
            "Leaf": {"$ref": "#/$defs/Leaf"},
            "Other": {"$ref": "Other.json#/$defs/Thing"}},
            "$defs": {"Leaf": {"type": "integer", "format": "int32", "minimum": 0}}}),
            ),
            (
                "Other.json",
                json!({"title": "Other", "type": "boolean", "$defs": {"Thing": {"type": "string", "enum": ["A"]}}}),
            ),
        ],
    );
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    let targets: Vec<&str> = s.shapes["Node"].members().iter().map(|m| m.target.as_str()).collect();
    assert_eq!(targets, ["Node", "Node", "Leaf", "Thing"]);
    assert!(s.shapes["Thing"].is_enum());
    assert_eq!(s.operations["Op"].auth, Auth::None);
    assert_eq!(s.protocol.content_type(), "application/x-amz-json-1.0");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn problems_are_reported_with_file_and_place() {
    let cases = [
        (json!({"title": "A", "type": "object", "properties": {"B": {"$ref": "Missing.json"}}}), "Missing.json"),
        (
            json!({"title": "A", "type": "object", "properties": {"B": {"$ref": "#/properties/X"}}}),
            "unsupported reference",
        ),
        (
            json!({"title": "A", "type": "object", "properties": {"B": {"allOf": [{"type": "string"}, {"minLength": 1}]}}}),
            "allOf",
        ),
        (json!({"title": "A", "type": "object", "required": ["Nope"], "properties": {}}), "required member `Nope`"),
        (json!({"title": "A", "type": "string", "enum": [1, 2]}), "enums of strings"),
    ];
    for (i, (schema, needle)) in cases.into_iter().enumerate() {
        let d = dir(&format!("bad{i}"), &[("A.json", schema)]);
        let err = load_dir(&d, &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::Schema { .. }), "{err}");
        assert!(err.to_string().contains("A.json") && err.to_string().contains(needle), "{err}");
        std::fs::remove_dir_all(&d).unwrap();
    }
    let d = dir(
        "badsvc",
        &[
            ("A.json", json!({"title": "A", "type": "object"})),
            (
                "service.json",
                json!({"name": "t", "protocol": "awsJson1_1", "targetPrefix": "T",
            "operations": {"Op": {"input": "Nope", "auth": "sigv4"}}}),
            ),
        ],
    );
    let err = load_dir(&d, &LoadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("operation Op input refers to unknown type `Nope`"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn members_keep_the_order_of_properties() {
    // Written as text, so the order on disk is exactly this one (not alphabetical).
    let d = std::env::temp_dir().join(format!("awsjson-load-order-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("Thing.json"),
        r#"{"title": "Thing", "type": "object",
            "properties": {"Zeta": {"type": "string"}, "Alpha": {"type": "string"}, "Mid": {"type": "integer"}},
            "required": ["Mid", "Zeta"]}"#,
    )
    .unwrap();
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    let members: Vec<(&str, bool)> =
        s.shapes["Thing"].members().iter().map(|m| (m.name.as_str(), m.required)).collect();
    assert_eq!(members, [("Zeta", true), ("Alpha", false), ("Mid", true)]);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn timestamps_are_epoch_seconds_unless_marked_iso8601() {
    let d = dir(
        "timestamps",
        &[
            (
                "service.json",
                json!({"name": "t", "protocol": "awsJson1_1", "targetPrefix": "T",
            "operations": {"Op": {"input": "Times", "auth": "none"}}}),
            ),
            (
                "Times.json",
                json!({"title": "Times", "type": "object", "properties": {
            "Epoch": {"$ref": "Epoch.json"}, "Iso": {"$ref": "Iso.json"}, "Plain": {"$ref": "Plain.json"},
            "Http": {"$ref": "Http.json"}}}),
            ),
            ("Epoch.json", json!({"title": "Epoch", "type": "number", "format": "epoch-seconds"})),
            (
                "Iso.json",
                json!({"title": "Iso", "type": "string", "format": "date-time", "x-aws-timestamp-format": "iso8601"}),
            ),
            ("Plain.json", json!({"title": "Plain", "type": "string", "format": "date-time"})),
            ("Http.json", json!({"title": "Http", "type": "string", "format": "http-date"})),
        ],
    );
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    assert_eq!(s.shapes["Epoch"].kind, ShapeKind::Timestamp);
    assert_eq!(s.shapes["Iso"].kind, ShapeKind::DateTime);
    assert_eq!(s.shapes["Plain"].kind, ShapeKind::Timestamp);
    assert_eq!(s.shapes["Http"].kind, ShapeKind::HttpDate);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn constraints_the_service_does_not_enforce_are_left_out() {
    let service = |not_enforced: serde_json::Value| {
        json!({
            "name": "svc", "protocol": "awsJson1_1", "targetPrefix": "Svc",
            "operations": {"GetThing": {"input": "GetThingRequest", "auth": "sigv4"}},
            "notEnforced": not_enforced,
        })
    };
    let request = json!({"title": "GetThingRequest", "type": "object",
        "properties": {"Domain": {"$ref": "DomainType.json"}, "Other": {"$ref": "OtherType.json"}}});
    let domain = json!({"title": "DomainType", "type": "string", "maxLength": 63, "pattern": "^[a-z]+$"});
    let other = json!({"title": "OtherType", "type": "string", "pattern": "^[0-9]+$"});
    let files = |not_enforced| {
        [
            ("service.json", service(not_enforced)),
            ("GetThingRequest.json", request.clone()),
            ("DomainType.json", domain.clone()),
            ("OtherType.json", other.clone()),
        ]
    };
    let d = dir("not-enforced", &files(json!({"DomainType": ["pattern"]})));
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    let ShapeKind::String(relaxed) = &s.shapes["DomainType"].kind else { panic!("a string") };
    assert_eq!((relaxed.pattern.as_deref(), relaxed.max), (None, Some(63)), "only the pattern goes");
    let ShapeKind::String(kept) = &s.shapes["OtherType"].kind else { panic!("a string") };
    assert_eq!(kept.pattern.as_deref(), Some("^[0-9]+$"));
    std::fs::remove_dir_all(&d).unwrap();

    for (bad, expected) in [
        (json!({"NoSuchType": ["pattern"]}), "no type `NoSuchType`"),
        (json!({"GetThingRequest": ["pattern"]}), "`GetThingRequest` is not a string type"),
        (json!({"DomainType": ["length"]}), "unknown constraint `length`"),
    ] {
        let d = dir("not-enforced-bad", &files(bad));
        let error = load_dir(&d, &LoadOptions::default()).unwrap_err();
        assert!(matches!(&error, LoadError::Service(m) if m.contains(expected)), "{error}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}

#[test]
fn values_the_service_takes_beyond_the_models_enum_are_added() {
    let service = json!({
        "name": "svc", "protocol": "awsJson1_1", "targetPrefix": "Svc",
        "operations": {"GetThing": {"input": "GetThingRequest", "auth": "sigv4"}},
        "extraEnumValues": {"FlowType": ["NEW_FLOW", "OLD"]},
    });
    let request =
        json!({"title": "GetThingRequest", "type": "object", "properties": {"Flow": {"$ref": "FlowType.json"}}});
    let flow = json!({"title": "FlowType", "type": "string", "enum": ["OLD"]});
    let d = dir("extra-enum", &[("service.json", service), ("GetThingRequest.json", request), ("FlowType.json", flow)]);
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    let ShapeKind::String(flow) = &s.shapes["FlowType"].kind else { panic!("a string") };
    assert_eq!(
        flow.values.as_deref(),
        Some(&["OLD".to_string(), "NEW_FLOW".to_string()][..]),
        "added once, after the model's"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn idempotency_tokens_are_optional_string_members() {
    let files = |token: serde_json::Value, required: serde_json::Value| {
        vec![(
            "Put.json",
            json!({"title": "Put", "type": "object", "required": required,
                "properties": {"Name": {"type": "string"}, "Token": token}}),
        )]
    };
    let d = dir("tokens", &files(json!({"type": "string", "x-aws-idempotency-token": true}), json!([])));
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    let flags: Vec<(&str, bool)> =
        s.shapes["Put"].members().iter().map(|m| (m.name.as_str(), m.idempotency_token)).collect();
    assert_eq!(flags, [("Name", false), ("Token", true)]);
    std::fs::remove_dir_all(&d).unwrap();

    // Required tokens exist (Global Accelerator's, Athena's): the client fills those too.
    let d = dir("token-required", &files(json!({"type": "string", "x-aws-idempotency-token": true}), json!(["Token"])));
    let s = load_dir(&d, &LoadOptions::default()).unwrap();
    assert!(s.shapes["Put"].members()[1].idempotency_token && s.shapes["Put"].members()[1].required);
    std::fs::remove_dir_all(&d).unwrap();

    // The client can only fill a string with a UUID.
    for (tag, token) in [
        ("token-int", json!({"type": "integer", "x-aws-idempotency-token": true})),
        ("token-enum", json!({"type": "string", "enum": ["A"], "x-aws-idempotency-token": true})),
    ] {
        let d = dir(tag, &files(token, json!([])));
        let error = load_dir(&d, &LoadOptions::default()).unwrap_err().to_string();
        assert!(error.contains("Put.Token: an idempotency token must be a string member"), "{tag}: {error}");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
