//! Client ID metadata documents at the authorization endpoint (AWS's developer guide, "Client
//! ID metadata documents (CIMD)"; the document is the IETF draft's, RFC 7591's client
//! metadata): an `https` URL given as `client_id` is a client when it matches a URL pattern of
//! one of the pool's CIMD policies. Its document is fetched (no redirects, at most
//! [`MAX_DOCUMENT_BYTES`]), checked, and cached for the policy's `CacheDuration`, or for the
//! answer's `Cache-Control: max-age` when that lies between one day and one year (API reference,
//! `CIMDPolicyType`). The client is then the policy's app client as the document narrows it:
//!
//! * redirect URIs (and sign-out URLs) are the document's `redirect_uris`
//!   (`post_logout_redirect_uris`);
//! * a grant is allowed only when "both the associated app client and the client's metadata
//!   document" allow it (the guide): `authorization_code` / `code` and `implicit` / `token`,
//!   the document's defaults being RFC 7591's (`authorization_code`, `code`);
//! * scopes: the app client's, narrowed to the document's `scope` when it has one;
//! * it is public: "CIMD clients are public clients. The metadata document's
//!   `token_endpoint_auth_method` value must support `none`" (the guide), so a document that
//!   names another method, or carries a `client_secret`, is refused, and no secret is asked.
//!
//! Tokens are issued to the policy's app client (its id is their `aud` / `client_id`), so the
//! API's operations on them (refresh, revocation, `GetUser`) work as for that client.
//!
//! With `--cimd-loopback-http` (tests), a metadata URL whose host is a loopback address is
//! fetched over plain HTTP, the URL (and so the `client_id`) staying `https://`.

use std::sync::OnceLock;
use std::time::Duration;

use cognito_idp::types::{OAuthFlowType, UserPoolClientType};
use serde_json::Value;

use super::records::{MetadataUrl, Policy, all, put_url, url_key};
use crate::errors::ApiResult;
use crate::handlers::clients;
use crate::state::Cognito;
use crate::store::resources::{self, Stored};
use crate::store::{Store, StoreError};

/// The largest document fetched.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// How long a fetch may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The `max-age` range AWS takes over the policy's duration: one day to one year (seconds).
pub const MAX_AGE_RANGE: std::ops::RangeInclusive<i64> = 86_400..=31_556_952;

/// Whether `client_id` is a metadata URL rather than an app client id.
pub fn is_metadata_url(client_id: &str) -> bool {
    client_id.starts_with("https://")
}

/// Whether `url` matches `pattern`, where `*` stands for any run of characters.
pub fn matches(pattern: &str, url: &str) -> bool {
    let (p, u) = (pattern.as_bytes(), url.as_bytes());
    // Greedy matching with backtracking to the last star: linear in practice.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < u.len() {
        if i < p.len() && p[i] == b'*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if i < p.len() && p[i] == u[j] {
            i += 1;
            j += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

/// The pool's first policy (in creation order) with a pattern `url` matches.
pub async fn policy_for<S: Store>(svc: &Cognito<S>, pool_id: &str, url: &str) -> ApiResult<Option<Policy>> {
    let policies = all::<S, Policy>(svc, pool_id).await?;
    Ok(policies
        .into_iter()
        .map(|stored| stored.value)
        .find(|p| p.0.url_patterns.as_deref().unwrap_or_default().iter().any(|pattern| matches(pattern, url))))
}

/// The client `url` stands for in the pool, or `None` when it stands for none (no policy
/// matches, the policy's app client is gone, or its document cannot be fetched or is refused;
/// the reason is logged).
pub async fn resolve<S: Store>(svc: &Cognito<S>, pool_id: &str, url: &str) -> ApiResult<Option<UserPoolClientType>> {
    if !is_metadata_url(url) {
        return Ok(None);
    }
    let Some(policy) = policy_for(svc, pool_id, url).await? else { return Ok(None) };
    let Some(client_id) = policy.0.client_id.clone() else { return Ok(None) };
    let app_client = match svc.store.get_client(pool_id, &client_id).await {
        Ok(record) => clients::decode(&record)?,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let now = svc.clock.now_ms();
    let cached =
        match resources::get::<S, MetadataUrl>(&svc.store, pool_id, &url_key(&policy.0.cimd_policy_id, url)).await {
            Ok(Stored { value, .. }) => value.document.filter(|_| value.expires_ms.is_some_and(|e| e > now)),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
    let document = match cached {
        Some(document) => document,
        None => match refresh(svc, pool_id, &policy, url).await? {
            Ok(document) => document,
            Err(reason) => {
                tracing::warn!(pool = pool_id, url, %reason, "client metadata document refused");
                return Ok(None);
            }
        },
    };
    Ok(Some(client_for(&app_client, &document)))
}

/// Fetches and checks `url`'s document and caches it for `policy`: the document, or why it was
/// not taken (the cache is left as it was then).
pub async fn refresh<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    policy: &Policy,
    url: &str,
) -> ApiResult<Result<Value, String>> {
    let (document, max_age) = match fetch(url, svc.settings.cimd_loopback_http).await {
        Ok(fetched) => fetched,
        Err(reason) => return Ok(Err(reason)),
    };
    if let Err(reason) = check(&document, url) {
        return Ok(Err(reason));
    }
    let seconds = max_age.filter(|age| MAX_AGE_RANGE.contains(age)).unwrap_or_else(|| policy.cache_seconds());
    let now = svc.clock.now_ms();
    let record = MetadataUrl {
        policy_id: policy.0.cimd_policy_id.clone(),
        url: url.to_owned(),
        document: Some(document.clone()),
        cached_ms: Some(now),
        expires_ms: Some(now + seconds * 1000),
    };
    put_url(svc, pool_id, record).await?;
    Ok(Ok(document))
}

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FETCH_TIMEOUT)
            .build()
            .unwrap_or_default()
    })
}

/// Whether `url`'s host is a loopback address.
fn loopback(url: &str) -> bool {
    let host = url.trim_start_matches("https://").split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let name = if host.starts_with('[') { host.split(']').next().map(|h| &h[1..]) } else { host.split(':').next() };
    match name {
        Some("localhost") => true,
        Some(name) => name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// The document at `url` and the answer's `max-age`, if any.
async fn fetch(url: &str, loopback_http: bool) -> Result<(Value, Option<i64>), String> {
    let target = match loopback_http && loopback(url) {
        true => format!("http://{}", url.trim_start_matches("https://")),
        false => url.to_owned(),
    };
    let mut response = http()
        .get(&target)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("fetching {url} failed: {e}"))?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(format!("{url} answered HTTP {}", response.status().as_u16()));
    }
    let max_age = response
        .headers()
        .get_all("cache-control")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|d| d.trim().strip_prefix("max-age=").and_then(|n| n.trim().parse().ok()));
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("reading {url} failed: {e}"))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(format!("the document at {url} is larger than {MAX_DOCUMENT_BYTES} bytes"));
        }
    }
    let document = serde_json::from_slice(&body).map_err(|e| format!("the document at {url} is not JSON: {e}"))?;
    Ok((document, max_age))
}

/// The strings of a member that must be an array of strings, if present.
fn strings(document: &Value, name: &str) -> Result<Option<Vec<String>>, String> {
    match document.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or_else(|| format!("{name} must hold strings")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("{name} must be an array")),
    }
}

/// The document's own rules (see the module's documentation).
fn check(document: &Value, url: &str) -> Result<(), String> {
    if !document.is_object() {
        return Err("the document is not a JSON object".into());
    }
    if document.get("client_id").and_then(Value::as_str) != Some(url) {
        return Err("the document's client_id is not its URL".into());
    }
    match strings(document, "redirect_uris")? {
        Some(uris) if !uris.is_empty() => {}
        _ => return Err("the document has no redirect_uris".into()),
    }
    if let Some(method) = document.get("token_endpoint_auth_method")
        && method.as_str() != Some("none")
    {
        return Err("token_endpoint_auth_method must be none: CIMD clients are public".into());
    }
    if document.get("client_secret").is_some() {
        return Err("a client metadata document must not carry a client_secret".into());
    }
    strings(document, "grant_types")?;
    strings(document, "response_types")?;
    strings(document, "post_logout_redirect_uris")?;
    Ok(())
}

/// The app client as the document narrows it (see the module's documentation).
pub fn client_for(app_client: &UserPoolClientType, document: &Value) -> UserPoolClientType {
    let list = |name: &str| strings(document, name).ok().flatten();
    let grants = list("grant_types").unwrap_or_else(|| vec!["authorization_code".into()]);
    let responses = list("response_types").unwrap_or_else(|| vec!["code".into()]);
    let granted =
        |grant: &str, response: &str| grants.iter().any(|g| g == grant) && responses.iter().any(|r| r == response);
    let flows: Vec<OAuthFlowType> = app_client
        .allowed_o_auth_flows
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|flow| match flow.as_str() {
            "code" => granted("authorization_code", "code"),
            "implicit" => granted("implicit", "token"),
            _ => false,
        })
        .collect();
    let mut scopes = app_client.allowed_o_auth_scopes.clone().unwrap_or_default();
    if let Some(asked) = document.get("scope").and_then(Value::as_str) {
        let asked: Vec<&str> = asked.split_whitespace().collect();
        scopes.retain(|s| asked.contains(&s.as_str()));
    }
    let mut client = app_client.clone();
    client.callback_ur_ls = list("redirect_uris");
    client.logout_ur_ls = list("post_logout_redirect_uris");
    client.default_redirect_uri = None;
    client.allowed_o_auth_flows = Some(flows);
    client.allowed_o_auth_scopes = Some(scopes);
    client.client_secret = None;
    if let Some(name) = document.get("client_name").and_then(Value::as_str) {
        client.client_name = Some(name.to_owned());
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_with_stars() {
        assert!(matches("https://app.example.com/*", "https://app.example.com/client.json"));
        assert!(matches("https://*.example.com/cimd/*.json", "https://a.b.example.com/cimd/x/y.json"));
        assert!(matches("https://example.com/client.json", "https://example.com/client.json"));
        assert!(!matches("https://example.com/client.json", "https://example.com/client.jsonx"));
        assert!(!matches("https://*.example.com/*", "https://example.org/x"));
        assert!(matches("*", ""));
    }

    #[test]
    fn loopback_hosts() {
        assert!(loopback("https://127.0.0.1:8080/c.json"));
        assert!(loopback("https://localhost/c.json"));
        assert!(loopback("https://[::1]:9/c.json"));
        assert!(!loopback("https://example.com/c.json"));
        assert!(!loopback("https://127.0.0.1.example.com/c.json"));
    }
}
