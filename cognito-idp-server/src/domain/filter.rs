//! The `ListUsers` filter: `ATTRIBUTE = "VALUE"` (exact) or `ATTRIBUTE ^= "VALUE"` (starts
//! with), spaces around the operator optional, `\"` and `\\` escaping inside the quotes; an
//! empty filter lists every user (AWS's API reference for ListUsers).
//!
//! Searchable attributes, as that reference lists them: `username` (case-sensitive), `email`,
//! `phone_number`, `name`, `given_name`, `family_name`, `preferred_username`,
//! `cognito:user_status` (case-insensitive), `status` (`Enabled`/`Disabled`, case-sensitive),
//! `sub`. Custom attributes are not searchable.
//!
//! Errors: a filter that does not parse gets `Error while parsing filter.` (a real answer quoted
//! in aws/aws-sdk-php issue 1088); an attribute outside the list gets
//! `Invalid search attribute: NAME` (getmoto/moto's tests assert this wording for
//! `custom:foo`).

use crate::errors::ApiError;
use crate::store::{FilterField, UserFilter};

/// What a filter asks the store for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Every user (no filter, or one every user passes).
    All,
    /// No user can match (for example `status = "Maybe"`).
    Nothing,
    /// The users the store's filter selects.
    Filter(UserFilter),
}

fn parse_error() -> ApiError {
    ApiError::invalid_parameter("Error while parsing filter.")
}

/// Parses a `ListUsers` filter.
pub fn parse(filter: Option<&str>) -> Result<Search, ApiError> {
    let Some(text) = filter.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Search::All);
    };
    let (name, rest) = split_name(text).ok_or_else(parse_error)?;
    let rest = rest.trim_start();
    let (prefix, rest) = if let Some(rest) = rest.strip_prefix("^=") {
        (true, rest)
    } else if let Some(rest) = rest.strip_prefix('=') {
        (false, rest)
    } else {
        return Err(parse_error());
    };
    let value = quoted(rest.trim_start()).ok_or_else(parse_error)?;
    let field = match name {
        "username" => FilterField::Username,
        "sub" => FilterField::Sub,
        "cognito:user_status" => FilterField::Status,
        "status" => return Ok(enabled(prefix, &value)),
        "email" => FilterField::Column("email"),
        "phone_number" => FilterField::Column("phone_number"),
        "name" => FilterField::Column("name"),
        "given_name" => FilterField::Column("given_name"),
        "family_name" => FilterField::Column("family_name"),
        "preferred_username" => FilterField::Column("preferred_username"),
        other => return Err(ApiError::invalid_parameter(format!("Invalid search attribute: {other}"))),
    };
    // Statuses are stored in upper case and compared ignoring case.
    let value = if field == FilterField::Status { value.to_ascii_uppercase() } else { value };
    Ok(Search::Filter(UserFilter { field, prefix, value }))
}

/// The attribute name at the start of `text` and what follows it: everything up to
/// whitespace or the operator.
fn split_name(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| c.is_whitespace() || c == '=' || c == '^').unwrap_or(text.len());
    (end > 0).then(|| text.split_at(end))
}

/// The value of a quoted string that makes up all of `text` (trailing spaces allowed).
fn quoted(text: &str) -> Option<String> {
    let mut chars = text.strip_prefix('"')?.chars();
    let mut value = String::new();
    loop {
        match chars.next()? {
            '"' => break,
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
    chars.as_str().trim().is_empty().then_some(value)
}

/// `status`: `Enabled` or `Disabled`, compared as written.
fn enabled(prefix: bool, value: &str) -> Search {
    let matches = |word: &str| if prefix { word.starts_with(value) } else { word == value };
    match (matches("Enabled"), matches("Disabled")) {
        (true, true) => Search::All,
        (false, false) => Search::Nothing,
        (enabled, _) => Search::Filter(UserFilter {
            field: FilterField::Enabled,
            prefix: false,
            value: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_idp::ErrorCode;

    fn filter(field: FilterField, prefix: bool, value: &str) -> Search {
        Search::Filter(UserFilter { field, prefix, value: value.to_owned() })
    }

    #[test]
    fn exact_and_prefix_with_or_without_spaces() {
        assert_eq!(parse(Some(r#"email = "a@b.c""#)).unwrap(), filter(FilterField::Column("email"), false, "a@b.c"));
        assert_eq!(parse(Some(r#"email="a@b.c""#)).unwrap(), filter(FilterField::Column("email"), false, "a@b.c"));
        assert_eq!(
            parse(Some(r#"  phone_number ^= "+48"  "#)).unwrap(),
            filter(FilterField::Column("phone_number"), true, "+48")
        );
        assert_eq!(
            parse(Some(r#"family_name = "Re\"dd\\y""#)).unwrap(),
            filter(FilterField::Column("family_name"), false, r#"Re"dd\y"#)
        );
        assert_eq!(parse(Some(r#"username^="di""#)).unwrap(), filter(FilterField::Username, true, "di"));
        assert_eq!(parse(Some(r#"sub = "x""#)).unwrap(), filter(FilterField::Sub, false, "x"));
        assert_eq!(parse(Some(r#"family_name = """#)).unwrap(), filter(FilterField::Column("family_name"), false, ""));
        assert_eq!(parse(None).unwrap(), Search::All);
        assert_eq!(parse(Some("  ")).unwrap(), Search::All);
    }

    #[test]
    fn statuses() {
        assert_eq!(
            parse(Some(r#"cognito:user_status = "confirmed""#)).unwrap(),
            filter(FilterField::Status, false, "CONFIRMED")
        );
        assert_eq!(parse(Some(r#"status = "Disabled""#)).unwrap(), filter(FilterField::Enabled, false, "Disabled"));
        assert_eq!(parse(Some(r#"status = "disabled""#)).unwrap(), Search::Nothing);
        assert_eq!(parse(Some(r#"status ^= "En""#)).unwrap(), filter(FilterField::Enabled, false, "Enabled"));
        assert_eq!(parse(Some(r#"status ^= """#)).unwrap(), Search::All);
    }

    #[test]
    fn errors_as_aws_words_them() {
        for bad in [
            "username = foo",
            "username=",
            "username",
            r#"= "x""#,
            r#"email == "x""#,
            r#"email = "x" and"#,
            r#"email = "x"#,
            r#"email ~ "x""#,
        ] {
            let error = parse(Some(bad)).unwrap_err();
            assert_eq!(
                (error.code, error.message.as_str()),
                (ErrorCode::InvalidParameterException, "Error while parsing filter."),
                "{bad}"
            );
        }
        let error = parse(Some(r#"custom:foo = "bar""#)).unwrap_err();
        assert_eq!(error.message, "Invalid search attribute: custom:foo");
        assert_eq!(parse(Some(r#"Username = "x""#)).unwrap_err().message, "Invalid search attribute: Username");
    }
}
