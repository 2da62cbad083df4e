//! The AWS credentials trigger calls are signed with (the Lambda Invoke API, KMS):
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, else the shared
//! credentials file's profile (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`,
//! `AWS_PROFILE` or `default`), else dummy keys, which local runtimes accept.

use awsjson_sigv4::Credentials;

/// Keys to sign with.
#[derive(Clone)]
pub struct Keys {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

impl Keys {
    /// The environment's keys (see the module's documentation).
    pub fn from_environment() -> Keys {
        keys_from_environment()
    }

    /// The keys as the signer takes them.
    pub fn credentials(&self) -> Credentials<'_> {
        Credentials {
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            session_token: self.session_token.as_deref(),
        }
    }
}

/// The keys of the environment, the shared credentials file, or dummy ones.
fn keys_from_environment() -> Keys {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let (Some(access_key_id), Some(secret_access_key)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        return Keys { access_key_id, secret_access_key, session_token: env("AWS_SESSION_TOKEN") };
    }
    let file = env("AWS_SHARED_CREDENTIALS_FILE")
        .map(std::path::PathBuf::from)
        .or_else(|| env("HOME").map(|home| std::path::Path::new(&home).join(".aws/credentials")));
    let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
    if let Some(keys) =
        file.and_then(|f| std::fs::read_to_string(f).ok()).and_then(|text| profile_keys(&text, &profile))
    {
        return keys;
    }
    Keys { access_key_id: "test".into(), secret_access_key: "test".into(), session_token: None }
}

/// The keys of `[profile]` in a shared credentials file.
fn profile_keys(text: &str, profile: &str) -> Option<Keys> {
    let mut in_profile = false;
    let (mut id, mut secret, mut token) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_profile = line.trim_matches(['[', ']']).trim() == profile;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        if !in_profile {
            continue;
        }
        let value = Some(value.trim().to_owned());
        match key.trim() {
            "aws_access_key_id" => id = value,
            "aws_secret_access_key" => secret = value,
            "aws_session_token" => token = value,
            _ => {}
        }
    }
    Some(Keys { access_key_id: id?, secret_access_key: secret?, session_token: token })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_from_the_shared_file() {
        let text = "[other]\naws_access_key_id = A\naws_secret_access_key = B\n\n[dev]\naws_access_key_id=C\naws_secret_access_key = D\naws_session_token = E\n";
        let keys = profile_keys(text, "dev").unwrap();
        assert_eq!((keys.access_key_id.as_str(), keys.secret_access_key.as_str()), ("C", "D"));
        assert_eq!(keys.session_token.as_deref(), Some("E"));
        assert!(profile_keys(text, "missing").is_none());
    }
}
