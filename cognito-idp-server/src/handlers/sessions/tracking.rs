//! What sign-ins, refreshes and the managed login record of user sessions, when the pool tracks
//! them (see [`super::config::tracking`]): nothing at all otherwise, as AWS says ("When session
//! tracking is off, Amazon Cognito does not store server-side session records").
//!
//! A token session is the refresh token family of one sign-in ([`crate::store::TrackedFamily`]):
//! "a new authentication creates a new token session rather than updating an existing one", and
//! its last activity is "the most recent token refresh or rotation" (the API reference of
//! `SessionDescriptionType`). An SSO session is the managed login's browser session, whose
//! record carries the session's id and dates ([`sso_document`]).

use cognito_idp::server::RequestContext;
use rand::Rng;
use serde_json::{Value, json};

use super::config;
use crate::errors::ApiResult;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};

/// Where a sign-in or refresh came from: the caller's address and `User-Agent`.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The caller's address.
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

impl Seen {
    /// What a request of the API shows.
    pub fn of(ctx: &RequestContext) -> Seen {
        Seen::from_parts(&ctx.headers, ctx.source.map(|a| a.ip()))
    }

    /// What an HTTP request shows (the OAuth 2.0 endpoints and pages).
    pub fn from_parts(headers: &axum::http::HeaderMap, ip: Option<std::net::IpAddr>) -> Seen {
        let user_agent = headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Seen { ip: ip.map(|ip| ip.to_string()), user_agent }
    }

    /// The session's `DeviceType`: "derived from the parsed user agent (operating system and
    /// browser or app) ... The value can be `unknown`" (the API reference). A browser is named
    /// with its system ("Chrome on Linux"); an SDK or app by its first product token and the
    /// system an AWS SDK names in its `os/` token ("Boto3 on linux"). The format is ours.
    pub fn device_type(&self) -> String {
        let Some(agent) = self.user_agent.as_deref().map(str::trim).filter(|a| !a.is_empty()) else {
            return "unknown".to_owned();
        };
        // Browsers only: woothee names tools by their kind ("HTTP Library" for curl), where the
        // product token says more.
        if let Some(parsed) = woothee::parser::Parser::new().parse(agent)
            && parsed.name != "UNKNOWN"
            && matches!(parsed.category, "pc" | "smartphone" | "mobilephone" | "appliance")
        {
            return match parsed.os {
                "UNKNOWN" => parsed.name.to_owned(),
                os => format!("{} on {os}", parsed.name),
            };
        }
        let app = agent.split_whitespace().next().and_then(|t| t.split('/').next()).unwrap_or("unknown");
        let os = agent.split_whitespace().find_map(|t| t.strip_prefix("os/")).and_then(|t| t.split('#').next());
        let described = match os {
            Some(os) => format!("{app} on {os}"),
            None => app.to_owned(),
        };
        described.chars().take(1024).collect()
    }
}

/// A new session id: `tkn` or `sso` and 25 lowercase letters and digits (the model's
/// `SessionIdType` pattern, `^(tkn|sso)[a-z0-9]{25}$`).
pub fn new_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..25).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    format!("{prefix}{tail}")
}

fn document(seen: &Seen, origin_session_id: Option<&str>) -> Value {
    json!({
        "device_type": seen.device_type(),
        "ip": seen.ip,
        "origin_session_id": origin_session_id,
    })
}

/// A sign-in issued tokens of the family `origin_jti` to `client_id`: a new token session when
/// the pool tracks sessions (through the SSO session `origin_session_id` for the managed login's
/// grants). A user past the pool's `MaxPerUser` loses the least recently used of the others:
/// "the next successful authentication automatically evicts that user's least recently used
/// token session" (the API reference of `UserPoolTokenSessionConfigType`).
pub async fn started<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    origin_jti: &str,
    seen: &Seen,
    origin_session_id: Option<&str>,
) -> ApiResult<()> {
    let Some(configuration) = config::tracking(svc, pool).await? else { return Ok(()) };
    let now_ms = svc.clock.now_ms();
    let id = new_id("tkn");
    svc.store.track_family(pool.id(), origin_jti, &id, now_ms, document(seen, origin_session_id)).await?;
    let mut live = svc.store.tracked_families(pool.id(), &user.username_key, now_ms).await?;
    let max = configuration.max_per_user.max(1) as usize;
    if live.len() > max {
        live.retain(|f| f.origin_jti != origin_jti);
        live.sort_by_key(|f| (f.last_active_ms, f.created_ms));
        let excess = live.len() + 1 - max;
        for evicted in live.iter().take(excess) {
            svc.store.revoke_family(pool.id(), &evicted.origin_jti).await?;
        }
    }
    Ok(())
}

/// A refresh (or rotation) of the family `origin_jti`: its session's last activity becomes now,
/// and its device and address this request's where the request shows them. Untracked families
/// are left alone by the store; in a pool that does not track sessions nothing is written, so a
/// refresh stays a read.
pub async fn refreshed<S: Store>(svc: &Cognito<S>, pool: &Pool, origin_jti: &str, seen: &Seen) {
    match config::tracking(svc, pool).await {
        Ok(Some(_)) => {}
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e.message, "could not read the pool's session configuration");
            return;
        }
    }
    let mut changes = serde_json::Map::new();
    if seen.user_agent.is_some() {
        changes.insert("device_type".into(), seen.device_type().into());
    }
    if let Some(ip) = &seen.ip {
        changes.insert("ip".into(), ip.clone().into());
    }
    // A lost update of a session's last activity must not fail the refresh that caused it.
    if let Err(e) = svc.store.touch_family(pool.id(), origin_jti, svc.clock.now_ms(), Value::Object(changes)).await {
        tracing::warn!(error = %e, "could not record a user session's refresh");
    }
}

/// What a managed login browser session records of its SSO session when the pool tracks
/// sessions (merged into the browser session's document): its id, the client the user signed
/// in through, and where from. `None` when the pool does not track sessions.
pub async fn sso_document<S: Store>(svc: &Cognito<S>, pool: &Pool, seen: &Seen) -> ApiResult<Option<Value>> {
    if config::tracking(svc, pool).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(json!({
        "sso_session_id": new_id("sso"),
        "created_ms": svc.clock.now_ms(),
        "device_type": seen.device_type(),
        "ip": seen.ip,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_models_pattern() {
        let id = new_id("tkn");
        assert_eq!(id.len(), 28);
        assert!(id.starts_with("tkn"));
        assert!(id[3..].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(new_id("sso"), new_id("sso"));
    }

    #[test]
    fn device_types_name_browsers_and_sdks() {
        let seen = |ua: &str| Seen { ip: None, user_agent: Some(ua.to_owned()) };
        let chrome = seen(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        );
        assert_eq!(chrome.device_type(), "Chrome on Linux");
        let boto = seen("Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.7");
        assert_eq!(boto.device_type(), "Boto3 on linux");
        assert_eq!(seen("curl/8.5.0").device_type(), "curl");
        assert_eq!(Seen::default().device_type(), "unknown");
    }
}
