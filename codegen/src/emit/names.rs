//! Rust names for model names. One place, so every emitter agrees (and agrees with typify, whose
//! type names are heck's PascalCase, which is idempotent on the names we hand it).

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Rust type name of a shape: `MFAOptionType` -> `MfaOptionType`.
pub fn type_name(shape: &str) -> String {
    let name = shape.to_pascal_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("T{name}"),
        None => "Unnamed".to_string(),
        _ if name == "Self" => "SelfType".to_string(),
        _ => name,
    }
}

/// Module (file) name of a type or operation: `UserType` -> `user_type`.
pub fn module_name(name: &str) -> String {
    escape(type_name(name).to_snake_case())
}

/// Method name of an operation: `AdminCreateUser` -> `admin_create_user`.
pub fn method_name(operation: &str) -> String {
    escape(operation.to_snake_case())
}

/// Name of a shape's static descriptor: `UserType` -> `USER_TYPE`.
pub fn static_name(shape: &str) -> String {
    type_name(shape).to_shouty_snake_case()
}

/// Name of the `is_*` helper for an error: `UserNotFoundException` -> `is_user_not_found`.
pub fn error_predicate(error: &str) -> String {
    let base = type_name(error);
    let base = base.strip_suffix("Exception").filter(|b| !b.is_empty()).unwrap_or(&base);
    format!("is_{}", base.to_snake_case())
}

/// Enum variant names for a value set, in order. Values that would collide with the catch-all
/// `Unknown` variant (Cognito's `UserStatusType` has a real `UNKNOWN`) become `UnknownValue`;
/// other collisions get a numeric suffix.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    taken.insert("Unknown".to_string());
    values
        .iter()
        .map(|v| {
            let mut name = v.to_pascal_case();
            if name.is_empty() {
                name = "Empty".into();
            }
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("V{name}");
            }
            if name == "Unknown" || name == "Self" {
                name.push_str("Value");
            }
            let mut candidate = name.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{name}{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

fn escape(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) { format!("{name}_") } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("MFAOptionType"), "MfaOptionType");
        assert_eq!(type_name(&type_name("MFAOptionType")), "MfaOptionType");
        assert_eq!(module_name("UserType"), "user_type");
        assert_eq!(module_name("Type"), "type_");
        assert_eq!(method_name("SetUICustomization"), "set_ui_customization");
        assert_eq!(method_name("AdminCreateUser"), "admin_create_user");
        assert_eq!(static_name("UsernameType"), "USERNAME_TYPE");
        assert_eq!(error_predicate("UserNotFoundException"), "is_user_not_found");
        assert_eq!(error_predicate("Exception"), "is_exception");
    }

    #[test]
    fn variants_keep_unknown_free() {
        let values: Vec<String> = ["UNCONFIRMED", "UNKNOWN", "FORCE_CHANGE_PASSWORD", "1x", "a-b", "A_B"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(variant_names(&values), ["Unconfirmed", "UnknownValue", "ForceChangePassword", "V1x", "AB", "AB2"]);
    }
}
