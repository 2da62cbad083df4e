//! User attributes: which names a pool allows (the standard attributes, the `custom:` and
//! `dev:custom:` attributes of its `SchemaAttributes`), the checks every write goes through
//! (type, length, range, mutability, email and phone formats), the `email_verified` /
//! `phone_number_verified` flags, and which attributes are sign-in aliases.
//!
//! AWS words schema errors in two ways, both seen in real answers:
//! - on creation (`SignUp`, `AdminCreateUser`): `Attributes did not conform to the schema: ` and
//!   then one `NAME: PROBLEM\n` per attribute (aws-amplify/amplify-flutter issue 509 quotes
//!   `custom:firstName: Attribute does not exist in the schema.\ncustom:dateOfBirth: ...\n`;
//!   `email: The attribute is required\n` is quoted by several projects);
//! - on later writes (`AdminUpdateUserAttributes`, ...): one `user.NAME: PROBLEM\n` per attribute
//!   with no prefix (aws-amplify/amplify-flutter issue 1531 quotes
//!   `user.custom:address: Attribute does not exist in the schema.\nuser.custom:latitude: ...`;
//!   aws-amplify/amplify-swift issue 3981 quotes `user.email: Attribute cannot be updated.`).
//!
//! AWS's wording for type, length and range problems is not documented nor quoted anywhere we
//! found; those messages follow the same shape and say which rule failed.

use cognito_idp::types::{AttributeType, UserPoolType};

use crate::errors::ApiError;

/// The attribute pairs whose second member says whether the first is verified.
pub const VERIFIED_FLAGS: [(&str, &str); 2] = [("email", "email_verified"), ("phone_number", "phone_number_verified")];

/// The type of an attribute's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    /// Any text.
    String,
    /// An integer.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A date and time (kept as text).
    DateTime,
}

impl DataType {
    fn parse(name: &str) -> DataType {
        match name {
            "Number" => DataType::Number,
            "Boolean" => DataType::Boolean,
            "DateTime" => DataType::DateTime,
            _ => DataType::String,
        }
    }
}

/// One attribute of a pool's schema, as the checks need it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaAttribute {
    /// The name users write it with (`email`, `custom:plan`, `dev:custom:tier`).
    pub name: String,
    /// The values' type.
    pub data_type: DataType,
    /// Whether it may change after the user is created.
    pub mutable: bool,
    /// Whether every user must have it (checked where the API checks it: `SignUp`).
    pub required: bool,
    /// Shortest value, in characters (strings).
    pub min_length: Option<usize>,
    /// Longest value, in characters (strings).
    pub max_length: Option<usize>,
    /// Smallest value (numbers).
    pub min_value: Option<i64>,
    /// Largest value (numbers).
    pub max_value: Option<i64>,
}

/// The standard attributes every pool has, with Cognito's defaults: strings of 0 to 2048
/// characters, `sub` immutable and required, `birthdate` exactly 10 characters, `updated_at` a
/// number from 0, the two verification flags booleans (as DescribeUserPool lists them), and
/// `identities`, which Cognito itself keeps for federated users.
const STANDARD: [(&str, DataType); 21] = [
    ("sub", DataType::String),
    ("name", DataType::String),
    ("given_name", DataType::String),
    ("family_name", DataType::String),
    ("middle_name", DataType::String),
    ("nickname", DataType::String),
    ("preferred_username", DataType::String),
    ("profile", DataType::String),
    ("picture", DataType::String),
    ("website", DataType::String),
    ("email", DataType::String),
    ("email_verified", DataType::Boolean),
    ("gender", DataType::String),
    ("birthdate", DataType::String),
    ("zoneinfo", DataType::String),
    ("locale", DataType::String),
    ("phone_number", DataType::String),
    ("phone_number_verified", DataType::Boolean),
    ("address", DataType::String),
    ("updated_at", DataType::Number),
    ("identities", DataType::String),
];

/// The attributes Cognito keeps itself: never written by callers, not even at creation.
pub fn is_cognitos(name: &str) -> bool {
    name == "sub" || name == "identities"
}

/// Whether `name` is one of Cognito's standard attributes.
pub fn is_standard(name: &str) -> bool {
    STANDARD.iter().any(|(n, _)| *n == name)
}

fn standard(name: &str, data_type: DataType) -> SchemaAttribute {
    let (min_length, max_length) = match (data_type, name) {
        (DataType::String, "birthdate") => (Some(10), Some(10)),
        (DataType::String, "sub") => (Some(1), Some(2048)),
        (DataType::String, _) => (Some(0), Some(2048)),
        _ => (None, None),
    };
    SchemaAttribute {
        name: name.to_owned(),
        data_type,
        mutable: name != "sub",
        required: name == "sub",
        min_length,
        max_length,
        min_value: (name == "updated_at").then_some(0),
        max_value: None,
    }
}

/// A pool's attribute schema: the standard attributes with the pool's overrides, and its
/// custom and developer-only attributes.
#[derive(Debug, Clone)]
pub struct Schema {
    attributes: Vec<SchemaAttribute>,
}

impl Schema {
    /// The schema of `pool`. A pool document may list its schema attributes the way
    /// DescribeUserPool shows them (`custom:plan`, `dev:custom:tier`) or as CreateUserPool takes
    /// them (`plan` with `DeveloperOnlyAttribute`); both give the same names.
    pub fn of(pool: &UserPoolType) -> Schema {
        let mut attributes: Vec<SchemaAttribute> = STANDARD.iter().map(|(n, t)| standard(n, *t)).collect();
        for declared in pool.schema_attributes.iter().flatten() {
            let Some(raw) = declared.name.as_deref() else { continue };
            let developer_only = declared.developer_only_attribute.unwrap_or(false);
            let name = if is_standard(raw) || raw.starts_with("custom:") || raw.starts_with("dev:") {
                raw.to_owned()
            } else if developer_only {
                format!("dev:custom:{raw}")
            } else {
                format!("custom:{raw}")
            };
            let strings = declared.string_attribute_constraints.as_ref();
            let numbers = declared.number_attribute_constraints.as_ref();
            let length = |v: Option<&String>| v.and_then(|s| s.trim().parse::<usize>().ok());
            let value = |v: Option<&String>| v.and_then(|s| s.trim().parse::<i64>().ok());
            match attributes.iter_mut().find(|a| a.name == name) {
                // A standard attribute keeps its type; the pool may change the rest.
                Some(existing) => {
                    if let Some(mutable) = declared.mutable {
                        existing.mutable = mutable && existing.name != "sub";
                    }
                    if let Some(required) = declared.required {
                        existing.required = required;
                    }
                    if let Some(c) = strings.filter(|_| existing.data_type == DataType::String) {
                        existing.min_length = length(c.min_length.as_ref()).or(existing.min_length);
                        existing.max_length = length(c.max_length.as_ref()).or(existing.max_length);
                    }
                    if let Some(c) = numbers.filter(|_| existing.data_type == DataType::Number) {
                        existing.min_value = value(c.min_value.as_ref()).or(existing.min_value);
                        existing.max_value = value(c.max_value.as_ref()).or(existing.max_value);
                    }
                }
                None => {
                    let data_type = declared
                        .attribute_data_type
                        .as_ref()
                        .map(|t| DataType::parse(t.as_str()))
                        .unwrap_or(DataType::String);
                    attributes.push(SchemaAttribute {
                        name,
                        data_type,
                        // Custom attributes are mutable unless declared otherwise.
                        mutable: declared.mutable.unwrap_or(true),
                        required: false,
                        min_length: strings.and_then(|c| length(c.min_length.as_ref())),
                        max_length: strings.and_then(|c| length(c.max_length.as_ref())),
                        min_value: numbers.and_then(|c| value(c.min_value.as_ref())),
                        max_value: numbers.and_then(|c| value(c.max_value.as_ref())),
                    });
                }
            }
        }
        Schema { attributes }
    }

    /// The attribute `name`, if the pool has it.
    pub fn get(&self, name: &str) -> Option<&SchemaAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Every attribute of the schema.
    pub fn attributes(&self) -> &[SchemaAttribute] {
        &self.attributes
    }
}

/// When a write happens, which decides how its errors are worded and whether immutable
/// attributes may be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// The user is being created: immutable attributes may be given.
    Create,
    /// The user exists: immutable attributes are fixed.
    Update,
}

/// The error for `problems` (attribute name, problem), worded as AWS words it for `write`.
pub fn schema_error(write: Write, problems: &[(String, String)]) -> ApiError {
    let lines: String = match write {
        Write::Create => problems.iter().map(|(name, problem)| format!("{name}: {problem}\n")).collect(),
        Write::Update => problems.iter().map(|(name, problem)| format!("user.{name}: {problem}\n")).collect(),
    };
    match write {
        Write::Create => ApiError::invalid_parameter(format!("Attributes did not conform to the schema: {lines}")),
        Write::Update => ApiError::invalid_parameter(lines),
    }
}

/// `Attribute does not exist in the schema.`, AWS's problem for an unknown name.
pub const NOT_IN_SCHEMA: &str = "Attribute does not exist in the schema.";
/// `Attribute cannot be updated.`, AWS's problem for an immutable attribute.
pub const IMMUTABLE: &str = "Attribute cannot be updated.";
/// `The attribute is required`, AWS's problem for a missing required attribute.
pub const REQUIRED: &str = "The attribute is required";

/// What is wrong with `value` for `attribute`, if anything. Empty values are not checked here
/// (on update they delete the attribute).
fn value_problem(attribute: &SchemaAttribute, value: &str) -> Option<String> {
    match attribute.data_type {
        DataType::Boolean => {
            if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                return Some("Attribute value must be true or false.".into());
            }
        }
        DataType::Number => {
            let Ok(number) = value.trim().parse::<i64>() else {
                return Some("Attribute value must be a number.".into());
            };
            if let Some(min) = attribute.min_value.filter(|min| number < *min) {
                return Some(format!("Number must be no less than {min}."));
            }
            if let Some(max) = attribute.max_value.filter(|max| number > *max) {
                return Some(format!("Number must be no greater than {max}."));
            }
        }
        DataType::String | DataType::DateTime => {
            let length = value.chars().count();
            if let Some(min) = attribute.min_length.filter(|min| length < *min) {
                return Some(format!("String must be at least {min} characters long."));
            }
            if let Some(max) = attribute.max_length.filter(|max| length > *max) {
                return Some(format!("String must be no longer than {max} characters."));
            }
        }
    }
    None
}

/// Checks the attributes of a write against `schema`: every name must exist; on update,
/// immutable attributes (and `sub`, always) cannot be written; non-empty values must fit their
/// type, length and range; `email` and `phone_number` must be well formed.
pub fn check(schema: &Schema, attributes: &[AttributeType], write: Write) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    for attribute in attributes {
        let name = attribute.name.as_str();
        let value = attribute.value.as_deref().unwrap_or("");
        let Some(declared) = schema.get(name) else {
            problems.push((name.to_owned(), NOT_IN_SCHEMA.to_owned()));
            continue;
        };
        if is_cognitos(name) || (write == Write::Update && !declared.mutable) {
            problems.push((name.to_owned(), IMMUTABLE.to_owned()));
            continue;
        }
        if value.is_empty() {
            continue;
        }
        if let Some(problem) = value_problem(declared, value) {
            problems.push((name.to_owned(), problem));
        }
    }
    if !problems.is_empty() {
        return Err(schema_error(write, &problems));
    }
    for attribute in attributes {
        let value = attribute.value.as_deref().unwrap_or("");
        if value.is_empty() {
            continue;
        }
        match attribute.name.as_str() {
            // Both messages as AWS sends them, quoted by many projects' error tables.
            "email" if !is_email(value) => return Err(ApiError::invalid_parameter("Invalid email address format.")),
            "phone_number" if !is_phone(value) => {
                return Err(ApiError::invalid_parameter("Invalid phone number format."));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether `value` is an email address as Cognito accepts one: a local part, `@`, a domain,
/// no spaces.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else { return false };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// Whether `value` is a phone number as Cognito takes one: E.164, `+` and 1 to 15 digits.
pub fn is_phone(value: &str) -> bool {
    value
        .strip_prefix('+')
        .is_some_and(|digits| (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The stored form of a value: booleans as `true`/`false` (AWS takes `True` as well), the rest
/// as given.
pub fn normalize(schema: &Schema, name: &str, value: &str) -> String {
    match schema.get(name).map(|a| a.data_type) {
        Some(DataType::Boolean) => value.to_ascii_lowercase(),
        _ => value.to_owned(),
    }
}

/// The sign-in aliases `attributes` give their user in `pool`, as (kind, value):
/// - in pools whose usernames are `email` and/or `phone_number` (`UsernameAttributes`), those
///   attributes, verified or not: they are how the user signs in, so no two users share one
///   (aws/aws-sdk-js issue 4308: signing up with another user's email in such a pool gives
///   `An account with the given email already exists.`);
/// - in pools with `AliasAttributes`, `email` and `phone_number` only once verified (an AWS
///   engineer in aws-amplify/aws-sdk-ios issue 515: "An email can be associated with one username
///   at a time and is only setup as an alias when the email is verified"), and
///   `preferred_username` whenever set (it has no verification).
pub fn aliases<'a>(pool: &UserPoolType, attributes: &'a [(String, String)]) -> Vec<(&'static str, &'a str)> {
    let value = |name: &str| attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let mut found = Vec::new();
    for kind in ["email", "phone_number", "preferred_username"] {
        let Some(v) = value(kind).filter(|v| !v.is_empty()) else { continue };
        let username = pool.username_attributes.iter().flatten().any(|a| a.as_str() == kind);
        let alias = pool.alias_attributes.iter().flatten().any(|a| a.as_str() == kind);
        let verified = match kind {
            "preferred_username" => true,
            _ => value(&format!("{kind}_verified")) == Some("true"),
        };
        if username || (alias && verified) {
            found.push((kind, v));
        }
    }
    found
}

/// Whether `kind` is one of the pool's username attributes (`UsernameAttributes`).
pub fn is_username_attribute(pool: &UserPoolType, kind: &str) -> bool {
    pool.username_attributes.iter().flatten().any(|a| a.as_str() == kind)
}

/// Whether `kind` is one of the pool's `AliasAttributes`.
pub fn is_alias_attribute(pool: &UserPoolType, kind: &str) -> bool {
    pool.alias_attributes.iter().flatten().any(|a| a.as_str() == kind)
}

/// `An account with the given email already exists.`: AWS's message when another user holds
/// the alias or username attribute `kind` (`email`, `phone_number`, `preferred_username`);
/// quoted word for word in aws/aws-sdk-js issue 4308 and by many projects' error tables.
pub fn alias_taken_message(kind: &str) -> String {
    format!("An account with the given {kind} already exists.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_idp::ErrorCode;
    use cognito_idp::types::{SchemaAttributeType, StringAttributeConstraintsType};

    fn attr(name: &str, value: &str) -> AttributeType {
        AttributeType { name: name.into(), value: Some(value.into()) }
    }

    fn pool_with(schema: Vec<SchemaAttributeType>) -> UserPoolType {
        UserPoolType { schema_attributes: Some(schema), ..Default::default() }
    }

    #[test]
    fn custom_attributes_get_their_prefix_and_constraints() {
        let pool = pool_with(vec![
            SchemaAttributeType {
                name: Some("plan".into()),
                attribute_data_type: Some("String".into()),
                string_attribute_constraints: Some(StringAttributeConstraintsType {
                    min_length: Some("2".into()),
                    max_length: Some("4".into()),
                }),
                ..Default::default()
            },
            SchemaAttributeType {
                name: Some("custom:age".into()),
                attribute_data_type: Some("Number".into()),
                mutable: Some(false),
                ..Default::default()
            },
            SchemaAttributeType {
                name: Some("tier".into()),
                developer_only_attribute: Some(true),
                ..Default::default()
            },
        ]);
        let schema = Schema::of(&pool);
        assert_eq!(schema.get("custom:plan").unwrap().max_length, Some(4));
        assert!(!schema.get("custom:age").unwrap().mutable);
        assert!(schema.get("dev:custom:tier").is_some());
        assert!(schema.get("plan").is_none());
        assert!(check(&schema, &[attr("custom:plan", "pro")], Write::Create).is_ok());
        let long = check(&schema, &[attr("custom:plan", "premium")], Write::Create).unwrap_err();
        assert_eq!(
            long.message,
            "Attributes did not conform to the schema: custom:plan: String must be no longer than 4 characters.\n"
        );
        let age = check(&schema, &[attr("custom:age", "x")], Write::Create).unwrap_err();
        assert!(age.message.ends_with("custom:age: Attribute value must be a number.\n"), "{}", age.message);
        assert!(check(&schema, &[attr("custom:age", "42")], Write::Create).is_ok());
        let fixed = check(&schema, &[attr("custom:age", "43")], Write::Update).unwrap_err();
        assert_eq!(fixed.message, "user.custom:age: Attribute cannot be updated.\n");
    }

    #[test]
    fn unknown_names_are_listed_one_per_line() {
        let schema = Schema::of(&UserPoolType::default());
        let error = check(&schema, &[attr("thing", "1"), attr("custom:x", "2")], Write::Create).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidParameterException);
        assert_eq!(
            error.message,
            "Attributes did not conform to the schema: thing: Attribute does not exist in the schema.\n\
             custom:x: Attribute does not exist in the schema.\n"
        );
        let error = check(&schema, &[attr("thing", "1")], Write::Update).unwrap_err();
        assert_eq!(error.message, "user.thing: Attribute does not exist in the schema.\n");
    }

    #[test]
    fn formats_of_email_phone_and_booleans() {
        let schema = Schema::of(&UserPoolType::default());
        assert_eq!(
            check(&schema, &[attr("email", "not-an-email")], Write::Create).unwrap_err().message,
            "Invalid email address format."
        );
        assert_eq!(
            check(&schema, &[attr("phone_number", "5551234")], Write::Create).unwrap_err().message,
            "Invalid phone number format."
        );
        assert!(check(&schema, &[attr("phone_number", "+15551234")], Write::Create).is_ok());
        assert!(check(&schema, &[attr("email_verified", "True")], Write::Create).is_ok());
        assert!(check(&schema, &[attr("email_verified", "yes")], Write::Create).is_err());
        assert!(check(&schema, &[attr("birthdate", "2000-1-1")], Write::Create).is_err());
        assert!(check(&schema, &[attr("birthdate", "2000-01-01")], Write::Create).is_ok());
        assert!(check(&schema, &[attr("sub", "x")], Write::Create).is_err());
        assert_eq!(normalize(&schema, "email_verified", "True"), "true");
        assert!(is_email("a@b.c") && !is_email("a@") && !is_email("a b@c.d") && !is_email("@b.c"));
    }

    #[test]
    fn aliases_follow_the_pool_kind() {
        let attrs = vec![
            ("email".to_owned(), "a@b.c".to_owned()),
            ("phone_number".to_owned(), "+155501".to_owned()),
            ("preferred_username".to_owned(), "neo".to_owned()),
        ];
        let username_pool = UserPoolType { username_attributes: Some(vec!["email".into()]), ..Default::default() };
        assert_eq!(aliases(&username_pool, &attrs), vec![("email", "a@b.c")]);
        let alias_pool = UserPoolType {
            alias_attributes: Some(vec!["email".into(), "phone_number".into(), "preferred_username".into()]),
            ..Default::default()
        };
        assert_eq!(aliases(&alias_pool, &attrs), vec![("preferred_username", "neo")]);
        let mut verified = attrs.clone();
        verified.push(("email_verified".into(), "true".into()));
        assert_eq!(aliases(&alias_pool, &verified), vec![("email", "a@b.c"), ("preferred_username", "neo")]);
        assert!(aliases(&UserPoolType::default(), &verified).is_empty());
    }
}
