//! The shared AWS config and credentials files (`~/.aws/config`, `~/.aws/credentials`).
//!
//! Hand-written on purpose: the only complete parser (aws-config's) comes with its ~100-crate
//! dependency tree, and generic INI crates mishandle AWS's indented sub-sections. We need a small
//! part of the format: sections, `key = value`, comments, and nested blocks to skip.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The `[section]`s of one file: section name -> key -> value.
pub type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// Parses the text of a config or credentials file. Lines that fit no rule are ignored (AWS tools
/// tolerate them too); a line indented under a key belongs to a nested block and is skipped.
pub fn parse(text: &str) -> Sections {
    let mut sections = Sections::new();
    let mut current: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            current = trimmed.strip_prefix('[').and_then(|s| s.split(']').next()).map(|s| s.trim().to_string());
            if let Some(name) = &current {
                sections.entry(name.clone()).or_default();
            }
            continue;
        }
        if line.starts_with(|c: char| c.is_whitespace()) {
            continue; // continuation / nested sub-section value
        }
        let (Some(section), Some((key, value))) = (&current, trimmed.split_once('=')) else { continue };
        let value = strip_comment(value.trim());
        if let Some(keys) = sections.get_mut(section) {
            keys.insert(key.trim().to_ascii_lowercase(), value.to_string());
        }
    }
    sections
}

/// `value  # comment` -> `value` (a `#` or `;` after whitespace starts a comment).
fn strip_comment(value: &str) -> &str {
    let cut = value
        .char_indices()
        .find(|&(i, c)| (c == '#' || c == ';') && i > 0 && value[..i].ends_with(char::is_whitespace))
        .map(|(i, _)| i);
    cut.map_or(value, |i| value[..i].trim_end())
}

/// The selected profile: `AWS_PROFILE`, else `default`.
pub fn profile_name() -> String {
    std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| "default".to_string())
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from)
}

/// `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn config_file() -> Option<PathBuf> {
    std::env::var_os("AWS_CONFIG_FILE").map(PathBuf::from).or_else(|| home().map(|h| h.join(".aws").join("config")))
}

/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn credentials_file() -> Option<PathBuf> {
    std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".aws").join("credentials")))
}

/// A profile's keys from the config file (`[profile name]`, or `[default]`) overlaid by the
/// credentials file (`[name]`), which wins, as in the AWS CLI.
pub fn load_profile(name: &str, config: Option<&str>, credentials: Option<&str>) -> BTreeMap<String, String> {
    let mut merged = BTreeMap::new();
    if let Some(text) = config {
        let sections = parse(text);
        let section = if name == "default" {
            sections.get("default").or_else(|| sections.get("profile default"))
        } else {
            sections.get(&format!("profile {name}"))
        };
        merged.extend(section.cloned().unwrap_or_default());
    }
    if let Some(text) = credentials
        && let Some(section) = parse(text).get(name)
    {
        merged.extend(section.clone());
    }
    merged
}

/// Profile `name`, read from the files the environment names (missing files are empty).
pub fn named_profile(name: &str) -> BTreeMap<String, String> {
    let read = |p: Option<PathBuf>| p.and_then(|p| std::fs::read_to_string(p).ok());
    load_profile(name, read(config_file()).as_deref(), read(credentials_file()).as_deref())
}

/// The selected profile (`AWS_PROFILE`, else `default`).
pub fn current_profile() -> BTreeMap<String, String> {
    named_profile(&profile_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
# comment
[default]
region = us-west-2 # trailing comment
s3 =
  max_concurrent_requests = 20
output=json

[profile dev]
region = eu-west-1
role_arn = arn:aws:iam::123456789012:role/dev
";
    const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret;with;semicolons
[dev]
aws_access_key_id=AKIDDEV
aws_secret_access_key=devsecret
aws_session_token = token
";

    #[test]
    fn parses_sections_keys_and_skips_nested_blocks() {
        let s = parse(CONFIG);
        assert_eq!(s["default"]["region"], "us-west-2");
        assert_eq!(s["default"]["output"], "json");
        assert_eq!(s["default"]["s3"], "");
        assert!(!s["default"].contains_key("max_concurrent_requests"));
        assert_eq!(s["profile dev"]["role_arn"], "arn:aws:iam::123456789012:role/dev");
    }

    #[test]
    fn merges_config_and_credentials_per_profile() {
        let default = load_profile("default", Some(CONFIG), Some(CREDENTIALS));
        assert_eq!(default["region"], "us-west-2");
        assert_eq!(default["aws_secret_access_key"], "secret;with;semicolons");
        let dev = load_profile("dev", Some(CONFIG), Some(CREDENTIALS));
        assert_eq!((dev["region"].as_str(), dev["aws_session_token"].as_str()), ("eu-west-1", "token"));
        assert!(load_profile("missing", Some(CONFIG), Some(CREDENTIALS)).is_empty());
    }
}
