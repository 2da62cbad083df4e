//! The user import CSV file: its header for a pool (`GetCSVHeader`) and the rules each line
//! must meet before a user is created from it.
//!
//! The rules are those AWS's developer guide gives ("Creating the user import .csv file"):
//! every column of the header present, in any order; `cognito:username` required, unique, with
//! no spaces or tabs; `cognito:mfa_enabled` required, `true` in pools whose MFA is `ON` and
//! `false` where it is `OFF`; at least one of the pool's auto-verified attributes verified
//! (`email_verified` / `phone_number_verified` true, with its `email` / `phone_number`); the
//! pool's required attributes present; a comma inside a value written `\,`; values trimmed;
//! `birthdate` as `mm/dd/yyyy`; `updated_at` in epoch seconds; lines of at most 16,000
//! characters, files of at most 100 MB and 500,000 users. What the guide's CloudWatch page
//! quotes is worded as it is (`The User Record does not set any of the auto verified
//! attributes to true. (Example: email_verified to true).`); the other reasons are ours.

use cognito_idp::types::{AttributeType, UserPoolType};

use super::attributes::{self, Schema, Write};

/// The standard attributes of the header, in the order `GetCSVHeader` answers them (AWS's
/// developer guide, "Downloading the .csv file header (AWS CLI)").
pub const STANDARD_COLUMNS: [&str; 19] = [
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

/// The column that says whether the user has (SMS) MFA on.
pub const MFA_COLUMN: &str = "cognito:mfa_enabled";
/// The column of the username.
pub const USERNAME_COLUMN: &str = "cognito:username";
/// An optional column beyond the header: the user's `sub` (a UUID), kept when given, so that
/// users moved from another pool keep the identifier other systems know them by.
pub const SUB_COLUMN: &str = "sub";

/// Longest line, in characters.
pub const MAX_LINE_CHARS: usize = 16_000;
/// Largest file, in bytes.
pub const MAX_FILE_BYTES: usize = 100 * 1000 * 1000;
/// Most users (lines after the header) in a file.
pub const MAX_USERS: usize = 500_000;

/// The header `GetCSVHeader` answers for a pool: the standard attributes, the pool's custom
/// attributes in the order they were declared, then `cognito:mfa_enabled` and
/// `cognito:username`.
pub fn header(schema: &Schema) -> Vec<String> {
    let custom = schema.attributes().iter().filter(|a| a.name.starts_with("custom:")).map(|a| a.name.clone());
    STANDARD_COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .chain(custom)
        .chain([MFA_COLUMN.to_owned(), USERNAME_COLUMN.to_owned()])
        .collect()
}

/// The columns of a file, as its first line names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns(Vec<String>);

impl Columns {
    /// Reads a file's header line against the pool's header: every expected column present,
    /// each once, in any order; `sub` is the one column that may come in addition. The error
    /// says what is wrong.
    pub fn parse(line: &str, expected: &[String]) -> Result<Columns, String> {
        let columns: Vec<String> = split(line).into_iter().map(|c| c.trim().to_owned()).collect();
        for (i, column) in columns.iter().enumerate() {
            if columns[..i].contains(column) {
                return Err(format!("The CSV header names the column {column} twice."));
            }
            if column != SUB_COLUMN && !expected.contains(column) {
                return Err(format!(
                    "The CSV header has the column {column}, which is not an attribute of the user pool."
                ));
            }
        }
        if let Some(missing) = expected.iter().find(|c| !columns.contains(c)) {
            return Err(format!("The CSV header lacks the column {missing}."));
        }
        Ok(Columns(columns))
    }
}

/// Splits a line at its commas; `\,` is a comma inside a value (AWS's rule), and any other
/// backslash stays as it is.
pub fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                chars.next();
                field.push(',');
            }
            ',' => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// A user a line describes, checked against the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `cognito:username`.
    pub username: String,
    /// The `sub` column, when the file has one and the line gives it.
    pub sub: Option<String>,
    /// `cognito:mfa_enabled`.
    pub mfa_enabled: bool,
    /// The attributes with values, in the file's column order, normalized as the pool stores
    /// them.
    pub attributes: Vec<(String, String)>,
}

/// What is wrong with one line: the user is counted as failed and the import goes on.
pub type LineError = String;

/// The message AWS's guide quotes for a line with none of the auto-verified attributes
/// verified.
pub const NOT_VERIFIED: &str =
    "The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true).";

/// Reads one line (not the header) of a file with `columns` for `pool`.
pub fn row(line: &str, columns: &Columns, pool: &UserPoolType, schema: &Schema) -> Result<Row, LineError> {
    if line.chars().count() > MAX_LINE_CHARS {
        return Err(format!("The line is longer than {MAX_LINE_CHARS} characters."));
    }
    let fields = split(line);
    if fields.len() != columns.0.len() {
        return Err(format!("The line has {} values; the header has {} columns.", fields.len(), columns.0.len()));
    }
    let mut username = None;
    let mut sub = None;
    let mut mfa = None;
    let mut given: Vec<AttributeType> = Vec::new();
    for (column, value) in columns.0.iter().zip(fields) {
        let value = value.trim();
        match column.as_str() {
            USERNAME_COLUMN => username = Some(value.to_owned()),
            MFA_COLUMN => mfa = Some(value.to_owned()),
            SUB_COLUMN => sub = Some(value.to_owned()).filter(|v| !v.is_empty()),
            _ if value.is_empty() => {}
            "email_verified" | "phone_number_verified" => {
                given.push(AttributeType { name: column.clone(), value: Some(boolean(column, value)?.to_string()) })
            }
            "birthdate" => given.push(AttributeType { name: column.clone(), value: Some(birthdate(value)?) }),
            "updated_at" if value.parse::<u64>().is_err() => {
                return Err("updated_at must be a time in epoch seconds.".into());
            }
            _ => given.push(AttributeType { name: column.clone(), value: Some(value.to_owned()) }),
        }
    }
    let username = username.unwrap_or_default();
    if username.is_empty() {
        return Err("cognito:username is required.".into());
    }
    if username.contains([' ', '\t']) {
        return Err("cognito:username cannot contain spaces or tabs.".into());
    }
    if let Some(sub) = &sub
        && uuid::Uuid::parse_str(sub).is_err()
    {
        return Err("sub must be a UUID.".into());
    }
    let mfa_enabled = match mfa.as_deref().unwrap_or("") {
        "" => return Err("cognito:mfa_enabled is required.".into()),
        value => boolean(MFA_COLUMN, value)?,
    };
    match (pool.mfa_configuration.as_ref().map(|m| m.as_str()).unwrap_or("OFF"), mfa_enabled) {
        ("ON", false) => return Err("cognito:mfa_enabled must be true: the user pool requires MFA.".into()),
        ("OFF", true) => return Err("cognito:mfa_enabled must be false: the user pool has MFA off.".into()),
        _ => {}
    }
    let value = |name: &str| given.iter().find(|a| a.name == name).and_then(|a| a.value.as_deref());
    for (attribute, flag) in attributes::VERIFIED_FLAGS {
        if value(flag) == Some("true") && value(attribute).is_none() {
            return Err(format!("{flag} is true but {attribute} is empty."));
        }
    }
    let auto_verified: Vec<&str> = pool.auto_verified_attributes.iter().flatten().map(|a| a.as_str()).collect();
    let verified = auto_verified.iter().any(|a| value(&format!("{a}_verified")) == Some("true"));
    if !verified {
        return Err(NOT_VERIFIED.into());
    }
    attributes::check(schema, &given, Write::Create).map_err(|e| e.message)?;
    if let Some(missing) =
        schema.attributes().iter().find(|a| a.required && a.name != "sub" && value(&a.name).is_none())
    {
        return Err(format!("{}: The attribute is required", missing.name));
    }
    let attributes = given
        .into_iter()
        .map(|a| {
            let value = attributes::normalize(schema, &a.name, a.value.as_deref().unwrap_or(""));
            (a.name, value)
        })
        .collect();
    Ok(Row { username, sub, mfa_enabled, attributes })
}

/// `true` or `false`, in any case (the guide's sample writes `TRUE` and `FALSE`).
fn boolean(column: &str, value: &str) -> Result<bool, LineError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{column} must be true or false.")),
    }
}

/// A `birthdate` of the file (`mm/dd/yyyy`) as the pool stores birthdates, OpenID Connect's
/// `YYYY-MM-DD`.
fn birthdate(value: &str) -> Result<String, LineError> {
    let parts: Vec<&str> = value.split('/').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [m, d, y] if digits(m, 2) && digits(d, 2) && digits(y, 4) => Ok(format!("{y}-{m}-{d}")),
        _ => Err("birthdate must be written mm/dd/yyyy.".into()),
    }
}

#[cfg(test)]
mod tests {
    use cognito_idp::types::{SchemaAttributeType, UserPoolMfaType, VerifiedAttributeType};

    use super::*;

    fn pool() -> UserPoolType {
        UserPoolType {
            auto_verified_attributes: Some(vec![VerifiedAttributeType::from("email")]),
            schema_attributes: Some(vec![SchemaAttributeType {
                name: Some("plan".into()),
                attribute_data_type: Some("String".into()),
                ..Default::default()
            }]),
            mfa_configuration: Some(UserPoolMfaType::from("OPTIONAL")),
            ..Default::default()
        }
    }

    fn columns(pool: &UserPoolType) -> Columns {
        let expected = header(&Schema::of(pool));
        Columns::parse(&expected.join(","), &expected).unwrap()
    }

    /// A line of the full header with `values` (column, value) set.
    fn line(pool: &UserPoolType, values: &[(&str, &str)]) -> String {
        header(&Schema::of(pool))
            .iter()
            .map(|c| values.iter().find(|(n, _)| n == c).map(|(_, v)| *v).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn the_header_is_awss_order_with_custom_attributes_before_the_cognito_columns() {
        let header = header(&Schema::of(&pool()));
        assert_eq!(header.len(), 22);
        assert_eq!(&header[..2], ["name", "given_name"]);
        assert_eq!(&header[18..], ["updated_at", "custom:plan", "cognito:mfa_enabled", "cognito:username"]);
    }

    #[test]
    fn headers_may_be_in_any_order_but_complete() {
        let expected = header(&Schema::of(&pool()));
        let mut reversed = expected.clone();
        reversed.reverse();
        assert!(Columns::parse(&reversed.join(","), &expected).is_ok());
        let with_sub = format!("{},sub", expected.join(","));
        assert!(Columns::parse(&with_sub, &expected).is_ok());
        let short = expected[1..].join(",");
        assert_eq!(Columns::parse(&short, &expected).unwrap_err(), "The CSV header lacks the column name.");
        let extra = format!("{},custom:other", expected.join(","));
        assert!(Columns::parse(&extra, &expected).unwrap_err().contains("custom:other"));
    }

    #[test]
    fn escaped_commas_stay_in_their_value() {
        assert_eq!(split(r"a,b\,c,\d"), ["a", "b,c", r"\d"]);
        assert_eq!(split(""), [""]);
    }

    #[test]
    fn a_good_line_becomes_a_user() {
        let pool = pool();
        let text = line(
            &pool,
            &[
                ("cognito:username", " ana "),
                ("email", "ana@example.com"),
                ("email_verified", "TRUE"),
                ("birthdate", "02/01/1985"),
                ("address", r"1 Main St\, Springfield"),
                ("custom:plan", "gold"),
                ("cognito:mfa_enabled", "FALSE"),
            ],
        );
        let row = row(&text, &columns(&pool), &pool, &Schema::of(&pool)).unwrap();
        assert_eq!(row.username, "ana");
        assert!(!row.mfa_enabled);
        assert_eq!(
            row.attributes,
            [
                ("email".to_owned(), "ana@example.com".to_owned()),
                ("email_verified".into(), "true".into()),
                ("birthdate".into(), "1985-02-01".into()),
                ("address".into(), "1 Main St, Springfield".into()),
                ("custom:plan".into(), "gold".into()),
            ]
        );
    }

    #[test]
    fn bad_lines_say_why() {
        let pool = pool();
        let columns = columns(&pool);
        let schema = Schema::of(&pool);
        let check = |values: &[(&str, &str)]| row(&line(&pool, values), &columns, &pool, &schema).unwrap_err();
        let ok = [("cognito:username", "ana"), ("email", "a@example.com"), ("email_verified", "true")];
        let with = |extra: (&'static str, &'static str)| {
            let mut values: Vec<(&str, &str)> = ok.iter().copied().filter(|(n, _)| *n != extra.0).collect();
            values.push(extra);
            values.push(("cognito:mfa_enabled", "false"));
            values
        };
        assert_eq!(check(&ok), "cognito:mfa_enabled is required.");
        assert_eq!(check(&with(("email_verified", "false"))), NOT_VERIFIED);
        assert_eq!(check(&with(("cognito:username", "a b"))), "cognito:username cannot contain spaces or tabs.");
        assert_eq!(check(&with(("cognito:username", ""))), "cognito:username is required.");
        assert_eq!(check(&with(("birthdate", "1985-02-01"))), "birthdate must be written mm/dd/yyyy.");
        assert_eq!(check(&with(("email", ""))), "email_verified is true but email is empty.");
        assert_eq!(check(&with(("updated_at", "yesterday"))), "updated_at must be a time in epoch seconds.");
        let mut off = pool.clone();
        off.mfa_configuration = Some(UserPoolMfaType::from("OFF"));
        let mut values = ok.to_vec();
        values.push(("cognito:mfa_enabled", "true"));
        assert!(row(&line(&off, &values), &columns, &off, &schema).unwrap_err().contains("MFA off"));
        assert!(row("a,b", &columns, &pool, &schema).unwrap_err().contains("2 values"));
    }
}
