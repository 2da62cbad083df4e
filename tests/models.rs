//! Behaviour of the generated Cognito models on real wire shapes: forward-compatible enums,
//! timestamps, optional members, maps, blobs, documents, redaction, validation, errors.

use awsjson_types::{Empty, ModeledError, Operation, Validate, ValidationError};
use cognito_idp::operation::{AdminAddUserToGroup, AdminGetUserError};
use cognito_idp::types::*;
use cognito_idp::{Blob, Timestamp};
use serde_json::json;

#[test]
fn enums_keep_unlisted_values_and_do_not_clash_with_unknown() {
    let known: UserStatusType = serde_json::from_value(json!("UNKNOWN")).unwrap();
    assert_eq!(known, UserStatusType::UnknownValue, "the modeled value UNKNOWN is a named variant");
    let new: UserStatusType = serde_json::from_value(json!("SUSPENDED_FOR_TESTING")).unwrap();
    assert!(matches!(&new, UserStatusType::Unknown(v) if v.as_str() == "SUSPENDED_FOR_TESTING"));
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("SUSPENDED_FOR_TESTING"));
    assert_eq!("FORCE_CHANGE_PASSWORD".parse::<UserStatusType>().unwrap(), UserStatusType::ForceChangePassword);
    assert_eq!(UserStatusType::Confirmed.to_string(), "CONFIRMED");
    assert!(UserStatusType::VALUES.contains(&"EXTERNAL_PROVIDER"));
}

#[test]
fn timestamps_read_epoch_numbers_and_rfc3339_and_write_epoch_seconds() {
    let from_epoch: UserType = serde_json::from_value(json!({"UserCreateDate": 1548099495.428})).unwrap();
    let from_text: UserType = serde_json::from_value(json!({"UserCreateDate": "2019-01-21T19:38:15.428Z"})).unwrap();
    let from_exponent: UserType = serde_json::from_value(json!({"UserCreateDate": 1.548099495428E9})).unwrap();
    assert_eq!(from_epoch.user_create_date, from_text.user_create_date);
    assert_eq!(from_epoch.user_create_date, from_exponent.user_create_date);
    assert_eq!(serde_json::to_string(&from_text).unwrap(), r#"{"UserCreateDate":1548099495.428}"#);
    let whole = UserType { user_create_date: Some(Timestamp::from_secs(1548099495)), ..Default::default() };
    assert_eq!(serde_json::to_string(&whole).unwrap(), r#"{"UserCreateDate":1548099495}"#);
}

#[test]
fn optional_members_are_omitted_and_required_ones_always_sent() {
    let request = AdminCreateUserRequest {
        user_pool_id: "us-west-2_aaaaaaaaa".into(),
        username: "diego".into(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"UserPoolId": "us-west-2_aaaaaaaaa", "Username": "diego"})
    );
    // An empty list is not the same as no list: both survive.
    let empty_list = AdminCreateUserRequest { user_attributes: Some(vec![]), ..request.clone() };
    assert_eq!(serde_json::to_value(&empty_list).unwrap()["UserAttributes"], json!([]));
}

#[test]
fn maps_are_ordered_maps() {
    let request: AdminCreateUserRequest = serde_json::from_value(json!({
        "UserPoolId": "p", "Username": "u", "ClientMetadata": {"b": "2", "a": "1"}
    }))
    .unwrap();
    let metadata = request.client_metadata.unwrap();
    assert_eq!(metadata.keys().collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn blobs_are_base64_and_documents_any_json() {
    let request = SetUiCustomizationRequest {
        user_pool_id: "p".into(),
        image_file: Some(Blob::new(b"\x89PNG".to_vec())),
        ..Default::default()
    };
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(wire["ImageFile"], json!("iVBORw=="));
    let back: SetUiCustomizationRequest = serde_json::from_value(wire).unwrap();
    assert_eq!(back.image_file.unwrap().as_bytes(), b"\x89PNG");

    let options = json!({"challenge": "abc", "rp": {"id": "example.com"}, "pubKeyCredParams": [{"alg": -7}]});
    let response: StartWebAuthnRegistrationResponse =
        serde_json::from_value(json!({"CredentialCreationOptions": options})).unwrap();
    assert_eq!(response.credential_creation_options, options);
}

#[test]
fn responses_parse_even_where_they_break_constraints() {
    // A pattern we would reject, a required member missing, an enum we do not know: AWS is the
    // authority on its own responses.
    let user: UserType = serde_json::from_value(json!({
        "Username": "a b",
        "Attributes": [{"Value": "no name"}],
        "UserStatus": "NEW_STATUS"
    }))
    .unwrap();
    assert_eq!(user.username.as_deref(), Some("a b"));
    assert_eq!(user.attributes.unwrap()[0].name, "", "a missing required member takes its default");
    // ...while the validation function reports all three.
    let err = user_validation_error(&json!({"Username": "a b", "Attributes": [{"Value": "x"}]}));
    assert!(
        err.contains("at 'attributes.1.member.name' failed to satisfy constraint: Member must not be null"),
        "{err}"
    );
}

fn user_validation_error(value: &serde_json::Value) -> String {
    match awsjson_types::validate(UserType::shape(), value) {
        Err(ValidationError::Constraints(v)) => v.to_string(),
        other => panic!("expected constraint violations, got {other:?}"),
    }
}

#[test]
fn sensitive_members_are_redacted_in_debug() {
    let request = AdminCreateUserRequest {
        user_pool_id: "us-west-2_aaaaaaaaa".into(),
        username: "diego".into(),
        temporary_password: Some("Hunter2-secret".into()),
        ..Default::default()
    };
    let debug = format!("{request:?}");
    assert!(debug.contains("us-west-2_aaaaaaaaa"), "non-sensitive members still print: {debug}");
    assert!(!debug.contains("diego") && !debug.contains("Hunter2"), "{debug}");
    assert!(debug.contains("*** Sensitive Data Redacted ***"));

    let auth = InitiateAuthRequest {
        auth_flow: AuthFlowType::UserPasswordAuth,
        client_id: "client".into(),
        auth_parameters: Some([("PASSWORD".to_string(), "p4ss-word".to_string())].into()),
        user_context_data: Some(UserContextDataType { ip_address: Some("192.0.2.1".into()), encoded_data: None }),
        ..Default::default()
    };
    let debug = format!("{auth:?}");
    assert!(!debug.contains("p4ss-word") && !debug.contains("192.0.2.1"), "{debug}");
}

/// `Debug` is written by the generator (so that it is `#[inline]`), not derived: it must still
/// read as a derived one would.
#[test]
fn debug_reads_like_derived_debug() {
    assert_eq!(format!("{:?}", UserStatusType::Confirmed), "Confirmed");
    assert_eq!(format!("{:?}", UserStatusType::from("NEW_STATUS")), r#"Unknown(UnknownVariantValue("NEW_STATUS"))"#);
    assert_eq!(format!("{:?}", AdminAddUserToGroup), "AdminAddUserToGroup");
    let group = GroupType { group_name: Some("admins".into()), precedence: Some(1), ..Default::default() };
    let debug = format!("{group:?}");
    assert!(debug.starts_with("GroupType { ") && debug.contains(r#"group_name: Some("admins")"#), "{debug}");
    assert!(debug.contains("precedence: Some(1)"), "{debug}");
    let error = AdminGetUserError::from_body("UserNotFoundException", &json!({"message": "User does not exist."}));
    assert_eq!(
        format!("{error:?}"),
        r#"UserNotFoundException(UserNotFoundException { message: Some("User does not exist.") })"#
    );
    let other = AdminGetUserError::from_body("SomethingNew", &json!({}));
    assert!(format!("{other:?}").starts_with("Unhandled(UnhandledError {"), "{other:?}");
}

#[test]
fn validation_follows_aws_patterns_lengths_and_messages() {
    let ok = |username: &str| {
        AdminCreateUserRequest {
            user_pool_id: "us-west-2_aaaaaaaaa".into(),
            username: username.into(),
            ..Default::default()
        }
        .validate()
    };
    assert!(ok("diego").is_ok());
    assert!(ok("Zoë").is_ok(), "Unicode letters are accepted");
    let err = ok("a b").unwrap_err().to_string();
    // Username is sensitive, so its value is not echoed.
    assert_eq!(
        err,
        "1 validation error detected: Value at 'username' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+"
    );
    let long = "x".repeat(129);
    assert!(ok(&long).unwrap_err().to_string().contains("Member must have length less than or equal to 128"));

    // On raw input (the server's view), a missing member is "null".
    let raw = awsjson_types::validate(AdminCreateUserRequest::shape(), &json!({"Username": "a b"})).unwrap_err();
    assert_eq!(
        raw.to_string(),
        "2 validation errors detected: Value at 'username' failed to satisfy constraint: Member must satisfy \
         regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+; Value null at 'userPoolId' failed to satisfy \
         constraint: Member must not be null"
    );
    let range =
        awsjson_types::validate(ListUsersRequest::shape(), &json!({"UserPoolId": "us-west-2_aaaaaaaaa", "Limit": 61}));
    assert!(range.unwrap_err().to_string().contains(
        "Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    ));
    let wrong_type = awsjson_types::validate(ListUsersRequest::shape(), &json!({"UserPoolId": 7}));
    assert!(matches!(wrong_type, Err(ValidationError::Serialization(_))));
}

#[test]
fn operation_errors_parse_modeled_and_unmodeled_codes() {
    let e = AdminGetUserError::from_body("UserNotFoundException", &json!({"message": "User does not exist."}));
    assert!(e.is_user_not_found());
    assert_eq!(e.to_string(), "UserNotFoundException: User does not exist.");
    assert_eq!(ModeledError::code(&e), "UserNotFoundException");
    let other = AdminGetUserError::from_body("SomethingNewException", &json!({"message": "m"}));
    assert!(matches!(&other, AdminGetUserError::Unhandled(u) if u.code() == "SomethingNewException"));
    let server = AdminGetUserError::from_body("InternalErrorException", &json!({}));
    assert_eq!(server.fault(), awsjson_types::Fault::Server);
    let invalid = AdminGetUserError::from_body(
        "InvalidParameterException",
        &json!({"message": "m", "reasonCode": "INVALID_PARAMETER"}),
    );
    assert!(matches!(invalid, AdminGetUserError::InvalidParameterException(ref e) if e.reason_code.is_some()));
}

#[test]
fn operations_carry_their_facts() {
    use cognito_idp::operation::{InitiateAuth, ListUsers};
    assert_eq!(cognito_idp::SERVICE.target_prefix, "AWSCognitoIdentityProviderService");
    assert_eq!(InitiateAuth::AUTH, awsjson_types::AuthScheme::None);
    assert_eq!(ListUsers::PAGINATION.unwrap().input_token, "PaginationToken");
    let _: Empty = <AdminAddUserToGroup as Operation>::Output::default();

    struct Count(usize, usize);
    impl awsjson_types::OperationVisitor for Count {
        fn visit<O: Operation>(&mut self) {
            self.0 += 1;
            if O::AUTH == awsjson_types::AuthScheme::None {
                self.1 += 1;
            }
        }
    }
    let mut count = Count(0, 0);
    cognito_idp::operation::visit_all(&mut count);
    let (operations, public) = schema_operation_counts();
    assert_eq!(
        (count.0, count.1),
        (operations, public),
        "every operation of schemas/service.json, and its public ones"
    );
    assert!(operations > 0 && public > 0);
}

/// How many operations `schemas/service.json` declares, and how many of them are public
/// (`"auth": "none"`): read from the schemas so that importing a newer model needs no test edit.
fn schema_operation_counts() -> (usize, usize) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/service.json");
    let service: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let operations = service["operations"].as_object().unwrap();
    let public = operations.values().filter(|op| op["auth"] == "none").count();
    (operations.len(), public)
}
