//! A pool's schema: the standard attributes every pool reports, and the checks on the
//! attributes `CreateUserPool` and `AddCustomAttributes` are given.
//!
//! The standard attributes, their types, mutability and constraints are as `DescribeUserPool`
//! reports them for a pool created with no `Schema` (AWS CLI example `create-user-pool.rst`, and
//! a real pool's output quoted in moto issue 5965). Messages for bad attributes follow moto's
//! `CognitoIdpUserPoolAttribute`, which copies AWS's.

use cognito_idp::types::{
    AttributeDataType, NumberAttributeConstraintsType, SchemaAttributeType, StringAttributeConstraintsType,
};

use crate::errors::{ApiError, ApiResult};

/// How many custom attributes a pool can have (AWS quota "Custom attributes: 50").
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

/// The longest value a string attribute can have.
const MAX_STRING_LENGTH: i64 = 2048;

/// A standard attribute: name, type, mutable, required, and string constraints (min, max).
type Standard = (&'static str, &'static str, bool, bool, Option<(&'static str, &'static str)>);

/// The standard attributes. `Number` ones have a minimum value of 0; `identities` (federated
/// identities, which Cognito sets) has empty string constraints.
const STANDARD: &[Standard] = &[
    ("sub", "String", false, true, Some(("1", "2048"))),
    ("name", "String", true, false, Some(("0", "2048"))),
    ("given_name", "String", true, false, Some(("0", "2048"))),
    ("family_name", "String", true, false, Some(("0", "2048"))),
    ("middle_name", "String", true, false, Some(("0", "2048"))),
    ("nickname", "String", true, false, Some(("0", "2048"))),
    ("preferred_username", "String", true, false, Some(("0", "2048"))),
    ("profile", "String", true, false, Some(("0", "2048"))),
    ("picture", "String", true, false, Some(("0", "2048"))),
    ("website", "String", true, false, Some(("0", "2048"))),
    ("email", "String", true, false, Some(("0", "2048"))),
    ("email_verified", "Boolean", true, false, None),
    ("gender", "String", true, false, Some(("0", "2048"))),
    ("birthdate", "String", true, false, Some(("10", "10"))),
    ("zoneinfo", "String", true, false, Some(("0", "2048"))),
    ("locale", "String", true, false, Some(("0", "2048"))),
    ("phone_number", "String", true, false, Some(("0", "2048"))),
    ("phone_number_verified", "Boolean", true, false, None),
    ("address", "String", true, false, Some(("0", "2048"))),
    ("updated_at", "Number", true, false, None),
    ("identities", "String", true, false, Some(("", ""))),
];

/// The standard attributes, as a pool created without `Schema` reports them.
pub fn standard() -> Vec<SchemaAttributeType> {
    STANDARD
        .iter()
        .map(|&(name, kind, mutable, required, strings)| SchemaAttributeType {
            name: Some(name.to_owned()),
            attribute_data_type: Some(AttributeDataType::from(kind)),
            developer_only_attribute: Some(false),
            mutable: Some(mutable),
            required: Some(required),
            number_attribute_constraints: (kind == "Number")
                .then(|| NumberAttributeConstraintsType { min_value: Some("0".into()), max_value: None }),
            string_attribute_constraints: strings.map(|(min, max)| StringAttributeConstraintsType {
                min_length: (!min.is_empty()).then(|| min.to_owned()),
                max_length: (!max.is_empty()).then(|| max.to_owned()),
            }),
        })
        .collect()
}

/// Whether `name` is a standard attribute.
pub fn is_standard(name: &str) -> bool {
    STANDARD.iter().any(|(n, ..)| *n == name)
}

/// Whether `attribute` is a custom one (`custom:` or, developer-only, `dev:custom:`).
pub fn is_custom(attribute: &SchemaAttributeType) -> bool {
    attribute.name.as_deref().is_some_and(|n| n.starts_with("custom:") || n.starts_with("dev:custom:"))
}

/// The schema of a new pool: the standard attributes with the given overrides, then the given
/// custom attributes.
pub fn for_new_pool(given: &[SchemaAttributeType]) -> ApiResult<Vec<SchemaAttributeType>> {
    let mut schema = standard();
    let mut custom = Vec::new();
    for attribute in given {
        let name = attribute_name(attribute)?;
        match schema.iter_mut().find(|a| a.name.as_deref() == Some(name)) {
            Some(standard) => override_standard(standard, attribute)?,
            None => custom.push(attribute.clone()),
        }
    }
    add_custom(&mut schema, &custom)?;
    Ok(schema)
}

/// Appends `given` to `schema` as custom attributes (names prefixed `custom:`, or
/// `dev:custom:` for developer-only ones), checking each and the pool's limit.
pub fn add_custom(schema: &mut Vec<SchemaAttributeType>, given: &[SchemaAttributeType]) -> ApiResult<()> {
    let mut added = Vec::with_capacity(given.len());
    for attribute in given {
        let attribute = custom_attribute(attribute)?;
        let full = attribute.name.clone().unwrap_or_default();
        if schema.iter().chain(added.iter()).any(|a: &SchemaAttributeType| a.name.as_deref() == Some(&full)) {
            let base = full.trim_start_matches("dev:");
            return Err(ApiError::invalid_parameter(format!("{base}: Existing attribute already has name {full}.")));
        }
        added.push(attribute);
    }
    let customs = schema.iter().filter(|a| is_custom(a)).count() + added.len();
    if customs > MAX_CUSTOM_ATTRIBUTES {
        // AWS's quota; the wording of its refusal is not documented.
        return Err(ApiError::invalid_parameter(format!(
            "A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )));
    }
    schema.extend(added);
    Ok(())
}

fn attribute_name(attribute: &SchemaAttributeType) -> ApiResult<&str> {
    attribute.name.as_deref().filter(|n| !n.is_empty()).ok_or_else(|| {
        ApiError::invalid_parameter(
            "1 validation error detected: Value null at 'schema.member.name' failed to satisfy constraint: Member must not be null",
        )
    })
}

/// Applies what a `Schema` entry for a standard attribute may change: `Required`, `Mutable` and
/// the constraints. Its type cannot change, nor can it become developer-only.
fn override_standard(standard: &mut SchemaAttributeType, given: &SchemaAttributeType) -> ApiResult<()> {
    let name = standard.name.clone().unwrap_or_default();
    let kind = standard.attribute_data_type.clone();
    if given.attribute_data_type.as_ref().is_some_and(|k| Some(k) != kind.as_ref())
        || given.developer_only_attribute == Some(true)
    {
        return Err(ApiError::invalid_parameter(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {name}"
        )));
    }
    if let Some(mutable) = given.mutable {
        standard.mutable = Some(mutable);
    }
    if let Some(required) = given.required {
        standard.required = Some(required);
    }
    match kind.as_ref().map(|k| k.as_str()) {
        Some("String") if given.string_attribute_constraints.is_some() => {
            standard.string_attribute_constraints =
                Some(string_constraints(&name, given.string_attribute_constraints.as_ref())?);
        }
        Some("Number") if given.number_attribute_constraints.is_some() => {
            standard.number_attribute_constraints =
                Some(number_constraints(&name, given.number_attribute_constraints.as_ref())?);
        }
        _ => {}
    }
    Ok(())
}

/// A custom attribute as the pool stores it, or why it cannot be one.
fn custom_attribute(given: &SchemaAttributeType) -> ApiResult<SchemaAttributeType> {
    let base = attribute_name(given)?;
    let Some(kind) = given.attribute_data_type.clone() else {
        return Err(ApiError::invalid_parameter(
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
        ));
    };
    if given.required == Some(true) {
        return Err(ApiError::invalid_parameter("Required custom attributes are not supported currently."));
    }
    let developer_only = given.developer_only_attribute.unwrap_or(false);
    let name = if developer_only { format!("dev:custom:{base}") } else { format!("custom:{base}") };
    let (strings, numbers) = match kind.as_str() {
        "String" => (Some(string_constraints(&name, given.string_attribute_constraints.as_ref())?), None),
        "Number" => (None, Some(number_constraints(&name, given.number_attribute_constraints.as_ref())?)),
        _ => (None, None),
    };
    Ok(SchemaAttributeType {
        name: Some(name),
        attribute_data_type: Some(kind),
        developer_only_attribute: Some(developer_only),
        mutable: Some(given.mutable.unwrap_or(true)),
        required: Some(false),
        number_attribute_constraints: numbers,
        string_attribute_constraints: strings,
    })
}

/// A limit given as a string: a whole number, or the message AWS sends for anything else.
fn limit(value: Option<&str>, what: &str, name: &str, negative: bool) -> ApiResult<Option<i64>> {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return Ok(None) };
    match value.trim().parse::<i64>() {
        Ok(n) if negative || n >= 0 => Ok(Some(n)),
        _ => Err(ApiError::invalid_parameter(format!("Invalid {what} for schema attribute {name}"))),
    }
}

fn string_constraints(
    name: &str,
    given: Option<&StringAttributeConstraintsType>,
) -> ApiResult<StringAttributeConstraintsType> {
    let Some(given) = given else { return Ok(StringAttributeConstraintsType::default()) };
    let what = "StringAttributeConstraints";
    let min = limit(given.min_length.as_deref(), what, name, false)?;
    let max = limit(given.max_length.as_deref(), what, name, false)?;
    if min.into_iter().chain(max).any(|n| n > MAX_STRING_LENGTH) {
        return Err(ApiError::invalid_parameter(format!(
            "user.{name}: String attributes cannot have a length of more than {MAX_STRING_LENGTH}"
        )));
    }
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(ApiError::invalid_parameter(format!("user.{name}: Max length cannot be less than min length.")));
    }
    Ok(StringAttributeConstraintsType {
        min_length: min.map(|n| n.to_string()),
        max_length: max.map(|n| n.to_string()),
    })
}

fn number_constraints(
    name: &str,
    given: Option<&NumberAttributeConstraintsType>,
) -> ApiResult<NumberAttributeConstraintsType> {
    let Some(given) = given else { return Ok(NumberAttributeConstraintsType::default()) };
    let what = "NumberAttributeConstraints";
    let min = limit(given.min_value.as_deref(), what, name, true)?;
    let max = limit(given.max_value.as_deref(), what, name, true)?;
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(ApiError::invalid_parameter(format!("user.{name}: Max value cannot be less than min value.")));
    }
    Ok(NumberAttributeConstraintsType { min_value: min.map(|n| n.to_string()), max_value: max.map(|n| n.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(name: &str, kind: &str) -> SchemaAttributeType {
        SchemaAttributeType {
            name: Some(name.into()),
            attribute_data_type: Some(AttributeDataType::from(kind)),
            ..Default::default()
        }
    }

    #[test]
    fn the_standard_schema_has_every_standard_attribute() {
        let schema = standard();
        assert_eq!(schema.len(), STANDARD.len());
        let sub = &schema[0];
        assert_eq!((sub.mutable, sub.required), (Some(false), Some(true)));
        let updated = schema.iter().find(|a| a.name.as_deref() == Some("updated_at")).unwrap();
        assert_eq!(updated.number_attribute_constraints.as_ref().unwrap().min_value.as_deref(), Some("0"));
        let identities = schema.iter().find(|a| a.name.as_deref() == Some("identities")).unwrap();
        assert_eq!(identities.string_attribute_constraints, Some(StringAttributeConstraintsType::default()));
    }

    #[test]
    fn custom_attributes_are_prefixed_and_checked() {
        let schema = for_new_pool(&[custom("tenant", "String"), custom("secret", "Number")]).unwrap();
        assert!(schema.iter().any(|a| a.name.as_deref() == Some("custom:tenant")));
        let mut dev = custom("x", "Boolean");
        dev.developer_only_attribute = Some(true);
        let schema = for_new_pool(&[dev]).unwrap();
        assert!(schema.iter().any(|a| a.name.as_deref() == Some("dev:custom:x")));
        let err = for_new_pool(&[custom("a", "String"), custom("a", "String")]).unwrap_err();
        assert_eq!(err.message, "custom:a: Existing attribute already has name custom:a.");
    }
}
