//! Unit tests of `validate` (kept in their own file so that each file stays short).

use super::*;
use crate::pattern::Pattern;
use crate::shape::Member;
use serde_json::json;

const fn string(min: Option<u64>, max: Option<u64>, pattern: Option<&'static Pattern>) -> ShapeKind {
    ShapeKind::String(StringRules { min, max, pattern, values: None })
}

const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
    Shape { name, sensitive: false, kind }
}

const fn secret(name: &'static str, kind: ShapeKind) -> Shape {
    Shape { name, sensitive: true, kind }
}

const fn member(name: &'static str, target: &'static Shape, required: bool) -> Member {
    Member { name, target, required }
}

static POOL_ID_PATTERN: Pattern = Pattern::new(r"[\w-]+_[0-9a-zA-Z]+");
static USERNAME_PATTERN: Pattern = Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
static POOL_ID: Shape = shape("UserPoolIdType", string(Some(1), Some(55), Some(&POOL_ID_PATTERN)));
static USERNAME: Shape = shape("UsernameType", string(Some(1), Some(128), Some(&USERNAME_PATTERN)));
static SECRET_USERNAME: Shape = secret("UsernameType", string(Some(1), Some(128), Some(&USERNAME_PATTERN)));
static NAME: Shape = shape("AttributeNameType", string(Some(1), Some(32), None));
static VALUE: Shape = secret("AttributeValueType", string(None, Some(5), None));
static ATTRIBUTE: Shape = shape(
    "AttributeType",
    ShapeKind::Structure { members: &[member("Name", &NAME, true), member("Value", &VALUE, false)] },
);
static ATTRIBUTES: Shape = shape("AttributeListType", ShapeKind::List { member: &ATTRIBUTE, min: None, max: Some(2) });
static ACTION: Shape = shape(
    "MessageActionType",
    ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: Some(&["RESEND", "SUPPRESS"]) }),
);
static DAYS: Shape = shape("DaysType", ShapeKind::Integer { min: Some(0), max: Some(365) });
static RATIO: Shape = shape("Ratio", ShapeKind::Float { min: Some(0.0), max: Some(1.0) });
static FLAG: Shape = shape("BooleanType", ShapeKind::Boolean);
static WHEN: Shape = shape("DateType", ShapeKind::Timestamp);
static DATA: Shape = shape("BlobType", ShapeKind::Blob { min: Some(1), max: Some(3) });
static ANY: Shape = shape("Document", ShapeKind::Document);
static METADATA: Shape =
    shape("ClientMetadataType", ShapeKind::Map { key: &NAME, value: &VALUE, min: None, max: Some(3) });
static REQUEST: Shape = shape(
    "AdminCreateUserRequest",
    ShapeKind::Structure {
        members: &[
            member("UserPoolId", &POOL_ID, true),
            member("Username", &USERNAME, true),
            member("UserAttributes", &ATTRIBUTES, false),
            member("MessageAction", &ACTION, false),
            member("Days", &DAYS, false),
            member("Ratio", &RATIO, false),
            member("ForceAliasCreation", &FLAG, false),
            member("When", &WHEN, false),
            member("Data", &DATA, false),
            member("Anything", &ANY, false),
            member("ClientMetadata", &METADATA, false),
            member("MFAOptions", &ATTRIBUTES, false),
        ],
    },
);
static SECRET_REQUEST: Shape =
    shape("SecretRequest", ShapeKind::Structure { members: &[member("Username", &SECRET_USERNAME, true)] });
static NODE: Shape = shape("Node", ShapeKind::Structure { members: &[member("Next", &NODE, false)] });

fn message(value: Value) -> String {
    validate(&REQUEST, &value).unwrap_err().to_string()
}

fn violations(value: Value) -> Vec<Violation> {
    match validate(&REQUEST, &value) {
        Err(ValidationError::Constraints(c)) => c.violations,
        other => panic!("expected constraint violations, got {other:?}"),
    }
}

fn serialization(value: Value) -> SerializationError {
    match validate(&REQUEST, &value) {
        Err(ValidationError::Serialization(e)) => e,
        other => panic!("expected a serialization error, got {other:?}"),
    }
}

fn valid() -> Value {
    json!({"UserPoolId": "us-east-1_abc", "Username": "diego"})
}

fn with(key: &str, value: Value) -> Value {
    let mut v = valid();
    v[key] = value;
    v
}

#[test]
fn admin_create_user_example() {
    assert_eq!(
        message(json!({"Username": "a b"})),
        r"2 validation errors detected: Value 'a b' at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+; Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn valid_input_passes() {
    assert_eq!(validate(&REQUEST, &valid()), Ok(()));
    let full = json!({
        "UserPoolId": "us-east-1_abc", "Username": "Zoë", "UserAttributes": [{"Name": "email", "Value": "x"}],
        "MessageAction": "RESEND", "Days": 7, "Ratio": 0.5, "ForceAliasCreation": true,
        "When": "2019-01-21T19:38:15.428Z", "Data": "YWI=", "Anything": {"x": [1, null]},
        "ClientMetadata": {"k": "v"}, "Unknown": 1, "UserAttributes2": "ignored"
    });
    assert_eq!(validate(&REQUEST, &full), Ok(()));
}

#[test]
fn null_counts_as_absent() {
    let v = json!({"UserPoolId": null, "Username": "diego", "Days": null, "UserAttributes": [null]});
    let list = violations(v);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].to_string(), "Value null at 'userPoolId' failed to satisfy constraint: Member must not be null");
    assert_eq!(violations(Value::Null).len(), 2);
}

#[test]
fn string_constraints_in_order() {
    let list = violations(with("UserPoolId", json!("")));
    let constraints: Vec<_> = list.iter().map(|v| v.constraint.as_str()).collect();
    assert_eq!(
        constraints,
        [
            "Member must have length greater than or equal to 1",
            r"Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"
        ]
    );
    assert_eq!(list[0].value.as_deref(), Some(""));
    let long = "a".repeat(129);
    let list = violations(with("Username", json!(long)));
    assert_eq!(list[0].constraint, "Member must have length less than or equal to 128");
    // Length counts code points, not bytes.
    assert_eq!(validate(&REQUEST, &with("Username", json!("ë".repeat(128)))), Ok(()));
}

#[test]
fn enum_values() {
    assert_eq!(
        message(with("MessageAction", json!("DELETE"))),
        "1 validation error detected: Value 'DELETE' at 'messageAction' failed to satisfy constraint: \
         Member must satisfy enum value set: [RESEND, SUPPRESS]"
    );
}

#[test]
fn number_ranges() {
    let list = violations(with("Days", json!(-1)));
    assert_eq!(
        list[0].to_string(),
        "Value '-1' at 'days' failed to satisfy constraint: Member must have value greater than or equal to 0"
    );
    let list = violations(with("Days", json!(366)));
    assert_eq!(list[0].constraint, "Member must have value less than or equal to 365");
    let list = violations(with("Ratio", json!(1.5)));
    assert_eq!(
        list[0].to_string(),
        "Value '1.5' at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1.0"
    );
    let list = violations(with("Ratio", json!("-Infinity")));
    assert_eq!(list[0].constraint, "Member must have value greater than or equal to 0.0");
    assert_eq!(validate(&REQUEST, &with("Ratio", json!("NaN"))), Ok(()));
    assert_eq!(validate(&REQUEST, &with("Ratio", json!(1))), Ok(()));
}

#[test]
fn list_paths_and_sizes() {
    let v = with("UserAttributes", json!([{"Name": "email"}, {"Name": ""}, {"Value": "x"}]));
    let text = validate(&REQUEST, &v).unwrap_err().to_string();
    assert_eq!(
        text,
        "3 validation errors detected: Value '[{Name=email}, {Name=}, {Value=*** Sensitive Data Redacted ***}]' at 'userAttributes' \
         failed to satisfy constraint: Member must have length less than or equal to 2; \
         Value '' at 'userAttributes.2.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value null at 'userAttributes.3.member.name' failed to satisfy constraint: Member must not be null"
    );
    let list = violations(with("MFAOptions", json!([{"Name": ""}])));
    assert_eq!(list[0].path, "mFAOptions.1.member.name");
}

#[test]
fn map_constraints() {
    let v = with("ClientMetadata", json!({"": "123456", "a": "x", "b": "y", "ok": "1234567"}));
    assert_eq!(
        message(v),
        "3 validation errors detected: \
         Value '{=*** Sensitive Data Redacted ***, a=*** Sensitive Data Redacted ***, b=*** Sensitive Data Redacted ***, ok=*** Sensitive Data Redacted ***}' \
         at 'clientMetadata' failed to satisfy constraint: Member must have length less than or equal to 3; \
         Value '{=*** Sensitive Data Redacted ***, a=*** Sensitive Data Redacted ***, b=*** Sensitive Data Redacted ***, ok=*** Sensitive Data Redacted ***}' \
         at 'clientMetadata' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 1]; \
         Value '{=*** Sensitive Data Redacted ***, a=*** Sensitive Data Redacted ***, b=*** Sensitive Data Redacted ***, ok=*** Sensitive Data Redacted ***}' \
         at 'clientMetadata' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 5]"
    );
    let err = serialization(with("ClientMetadata", json!({"k": 1})));
    assert_eq!(err.path, "clientMetadata.k");
    assert_eq!(err.message, "Expected a string at 'clientMetadata.k'");
}

#[test]
fn sensitive_values_never_appear() {
    let secret = "hunter2 hunter2";
    let err = validate(&SECRET_REQUEST, &json!({"Username": secret})).unwrap_err();
    let ValidationError::Constraints(c) = &err else { panic!("{err:?}") };
    assert_eq!(c.violations[0].value, None);
    let text = err.to_string();
    assert!(text.starts_with("1 validation error detected: Value at 'username' failed"), "{text}");
    assert!(!text.contains("hunter2") && !format!("{err:?}").contains("hunter2"));
    let v = with("UserAttributes", json!([{"Name": "email", "Value": "too-long-secret"}]));
    let err = validate(&REQUEST, &v).unwrap_err();
    assert!(!err.to_string().contains("too-long-secret") && !format!("{err:?}").contains("too-long-secret"));
    assert_eq!(
        err.to_string(),
        "1 validation error detected: Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 5"
    );
    let v = with("ClientMetadata", json!({"a": "secret-value", "b": "1", "c": "2", "d": "3"}));
    let err = validate(&REQUEST, &v).unwrap_err();
    assert!(!err.to_string().contains("secret-value") && !format!("{err:?}").contains("secret-value"));
}

#[test]
fn wrong_types_are_serialization_errors() {
    let cases = [
        ("Username", json!(5), "Expected a string at 'username'"),
        ("UserAttributes", json!({}), "Expected a list at 'userAttributes'"),
        ("UserAttributes", json!(["x"]), "Expected an object at 'userAttributes.1.member'"),
        ("Days", json!(1.5), "Expected an integer at 'days'"),
        ("Days", json!("1"), "Expected an integer at 'days'"),
        ("Days", json!(u64::MAX), "Expected an integer within the 64-bit range at 'days'"),
        ("Ratio", json!("1.5"), "Expected a number at 'ratio'"),
        ("ForceAliasCreation", json!("true"), "Expected a boolean at 'forceAliasCreation'"),
        ("Data", json!("@@@"), "Expected a base64-encoded string at 'data'"),
        ("Data", json!([1]), "Expected a base64-encoded string at 'data'"),
        ("ClientMetadata", json!([]), "Expected a map at 'clientMetadata'"),
    ];
    for (key, value, expected) in cases {
        let err = validate(&REQUEST, &with(key, value)).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let err = serialization(json!([]));
    assert_eq!(err.message, "Expected an object at the top level");
    assert_eq!(err.path, "");
}

#[test]
fn serialization_error_wins_over_violations() {
    let err = serialization(json!({"Username": "a b", "Days": "x"}));
    assert_eq!(err.path, "days");
}

#[test]
fn timestamps() {
    for ok in [json!(1548099495), json!(1548099495.428), json!("2019-01-21T19:38:15Z"), json!("1548099495")] {
        assert_eq!(validate(&REQUEST, &with("When", ok)), Ok(()));
    }
    for bad in [json!(true), json!("tomorrow"), json!([]), json!(1e300)] {
        let err = serialization(with("When", bad));
        assert!(err.message.starts_with("Expected a timestamp"), "{}", err.message);
    }
}

#[test]
fn blob_sizes_use_decoded_bytes() {
    assert_eq!(validate(&REQUEST, &with("Data", json!("YWJj"))), Ok(()));
    assert_eq!(
        validate(&REQUEST, &with("Data", json!("YWJjZA"))).unwrap_err().to_string(),
        "1 validation error detected: Value 'YWJjZA' at 'data' failed to satisfy constraint: Member must have length less than or equal to 3"
    );
    let list = violations(with("Data", json!("")));
    assert_eq!(list[0].constraint, "Member must have length greater than or equal to 1");
}

#[test]
fn deep_nesting_stops_without_panicking() {
    let mut value = json!({});
    for _ in 0..200 {
        value = json!({ "Next": value });
    }
    let err = validate(&NODE, &value).unwrap_err();
    assert!(err.to_string().contains("nesting too deep"), "{err}");
    let mut shallow = json!({});
    for _ in 0..10 {
        shallow = json!({ "Next": shallow });
    }
    assert_eq!(validate(&NODE, &shallow), Ok(()));
}

#[test]
fn member_segments() {
    assert_eq!(member_segment("UserPoolId"), "userPoolId");
    assert_eq!(member_segment("MFAOptions"), "mFAOptions");
    assert_eq!(member_segment("username"), "username");
    assert_eq!(member_segment(""), "");
    assert_eq!(join("", "a"), "a");
    assert_eq!(join("a", "b"), "a.b");
}

#[test]
fn validate_trait_serializes_first() {
    #[derive(serde::Serialize)]
    struct Request {
        #[serde(rename = "UserPoolId")]
        pool: Option<String>,
        #[serde(rename = "Username")]
        name: String,
    }
    impl Validate for Request {
        fn shape() -> &'static Shape {
            &REQUEST
        }
    }
    let ok = Request { pool: Some("eu-west-1_x".into()), name: "diego".into() };
    assert_eq!(ok.validate(), Ok(()));
    let bad = Request { pool: None, name: "diego".into() };
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
    );
}

static CHOICE: Shape =
    shape("Choice", ShapeKind::Union { members: &[member("Days", &DAYS, false), member("Value", &VALUE, false)] });
static HOLDER: Shape = shape("Holder", ShapeKind::Structure { members: &[member("Choice", &CHOICE, true)] });

#[test]
fn a_union_has_exactly_one_known_member_set() {
    for ok in [json!({"Choice": {"Days": 3}}), json!({"Choice": {"Value": "x", "Days": null}})] {
        assert_eq!(validate(&HOLDER, &ok), Ok(()), "{ok}");
    }
    let one = "Member must have exactly one of [Days, Value] set";
    for body in [json!({"Choice": {}}), json!({"Choice": {"Other": 1}}), json!({"Choice": {"Days": 3, "Value": "x"}})] {
        let err = validate(&HOLDER, &body).unwrap_err().to_string();
        assert!(err.contains(&format!("at 'choice' failed to satisfy constraint: {one}")), "{body}: {err}");
        // The sensitive member's value is never quoted.
        assert!(!err.contains("=x") && !err.contains("'x'"), "{err}");
    }
    let err = validate(&HOLDER, &json!({"Choice": {"Other": 1}})).unwrap_err().to_string();
    assert!(err.contains("Value '{}' at 'choice'"), "{err}");
    // The member set is checked like any other value, under its own path.
    let err = validate(&HOLDER, &json!({"Choice": {"Days": 400}})).unwrap_err().to_string();
    assert!(err.contains("Value '400' at 'choice.days'"), "{err}");
    assert!(matches!(validate(&HOLDER, &json!({"Choice": []})), Err(ValidationError::Serialization(_))));
}
