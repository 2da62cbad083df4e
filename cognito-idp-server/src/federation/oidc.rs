//! The relying party's side of OpenID Connect towards a pool's provider: its endpoints
//! (explicit details, else the issuer's discovery document), the code exchange at its token
//! endpoint, and the claims of the signed-in user (the verified id token, with what its
//! userinfo endpoint adds).
//!
//! Cognito sends its `client_secret` in the token request's body (`client_secret_post`) and
//! reads userinfo with the access token as a bearer token, by `attributes_request_method`.
//! Failures are [`Failure`]s: what the app's redirect URI is told (AWS's developer guide,
//! "Managed login and federation error responses": a provider's error comes back as
//! `error_description={provider} Error - {status} {error} {description}`; a token from the
//! wrong issuer as `Bad id_token issuer {iss}`, quoted in a public repository's notes).

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Map, Value};

use super::id_token;
use crate::handlers::identity_providers::IdentityProvider;
use crate::state::Cognito;
use crate::store::Store;

pub use super::failure::Failure;

/// How long a request to a provider may take.
const TIMEOUT: Duration = Duration::from_secs(10);

fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    })
}

/// Where a provider's user signs in, and how their token is checked.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The authorization endpoint.
    pub authorize: String,
    /// The token endpoint.
    pub token: String,
    /// The userinfo (attributes) endpoint, if any.
    pub userinfo: Option<String>,
    /// The JSON Web Key Set of its id tokens, if it issues any.
    pub jwks: Option<String>,
    /// The `iss` its id tokens carry.
    pub issuer: Option<String>,
}

/// The provider's endpoints: for a social type pointed elsewhere (`--federation-endpoint`),
/// that issuer's discovered ones; otherwise the details, with what the `oidc_issuer`'s
/// discovery document gives for the endpoints the details leave out.
pub async fn endpoints<S: Store>(svc: &Cognito<S>, provider: &IdentityProvider) -> Result<Endpoints, Failure> {
    let kind = provider.kind();
    if let Some(issuer) = svc.settings.federation_endpoints.get(kind.as_str()) {
        let found = discover(provider.name(), issuer).await?;
        return endpoints_from(&found, Some(issuer.clone()), |_| None);
    }
    let detail = |key: &str| provider.detail(key).map(str::to_owned);
    let issuer = detail("oidc_issuer");
    let explicit = ["authorize_url", "token_url", "jwks_uri"].iter().all(|k| provider.detail(k).is_some())
        || provider.detail("oidc_issuer").is_none();
    let found = match (&issuer, explicit) {
        (Some(issuer), false) => discover(provider.name(), issuer).await?,
        _ => Map::new(),
    };
    let mut endpoints = endpoints_from(&found, issuer, detail)?;
    // The details' own attributes URL may want the fields named (a social provider's API).
    if let Some(url) = provider.detail("attributes_url")
        && endpoints.userinfo.as_deref() == Some(url)
    {
        endpoints.userinfo = Some(attributes_url(provider, url));
    }
    Ok(endpoints)
}

fn endpoints_from(
    found: &Map<String, Value>,
    issuer: Option<String>,
    detail: impl Fn(&str) -> Option<String>,
) -> Result<Endpoints, Failure> {
    let discovered = |key: &str| found.get(key).and_then(Value::as_str).map(str::to_owned);
    let authorize = detail("authorize_url").or_else(|| discovered("authorization_endpoint"));
    let token = detail("token_url").or_else(|| discovered("token_endpoint"));
    let (Some(authorize), Some(token)) = (authorize, token) else {
        return Err(Failure::invalid("The identity provider's endpoints could not be found."));
    };
    Ok(Endpoints {
        authorize,
        token,
        userinfo: detail("attributes_url").or_else(|| discovered("userinfo_endpoint")),
        jwks: detail("jwks_uri").or_else(|| discovered("jwks_uri")),
        issuer: issuer.or_else(|| discovered("issuer")),
    })
}

/// The issuer's discovery document (`{issuer}/.well-known/openid-configuration`).
async fn discover(provider: &str, issuer: &str) -> Result<Map<String, Value>, Failure> {
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    get_json(provider, http().get(&url)).await
}

async fn get_json(provider: &str, request: reqwest::RequestBuilder) -> Result<Map<String, Value>, Failure> {
    let response = request.send().await.map_err(|e| {
        tracing::warn!(provider, error = %e, "identity provider unreachable");
        Failure::invalid(format!("{provider} Error - the identity provider could not be reached"))
    })?;
    let status = response.status();
    let bytes = response.bytes().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !status.is_success() {
        let error = body.get("error").and_then(Value::as_str).unwrap_or("invalid_request").to_owned();
        let description = body.get("error_description").and_then(Value::as_str).unwrap_or_default();
        let text = format!("{provider} Error - {} {error} {description}", status.as_u16());
        return Err(Failure { error, description: text.trim_end().to_owned() });
    }
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(Failure::invalid(format!("{provider} Error - the identity provider's answer is not JSON"))),
    }
}

/// The provider's JSON Web Key Set (its `jwks_uri`), which its id tokens are checked with.
pub async fn jwks(provider: &IdentityProvider, endpoints: &Endpoints) -> Result<Map<String, Value>, Failure> {
    match &endpoints.jwks {
        Some(url) => get_json(provider.name(), http().get(url)).await,
        None => Err(Failure::invalid("The identity provider has no jwks_uri to verify its id_token.")),
    }
}

/// What the sign-in at the provider gave: the code to exchange, and what the id token must
/// match.
pub struct Exchange<'a> {
    /// The authorization code.
    pub code: &'a str,
    /// The `redirect_uri` the authorization request named (`/oauth2/idpresponse`).
    pub redirect_uri: &'a str,
    /// The nonce the authorization request carried.
    pub nonce: &'a str,
    /// Now, in seconds (the server's clock).
    pub now_s: i64,
}

/// Exchanges the code at the token endpoint and returns the user's claims: the id token's
/// (verified: signature against the JWKS, issuer, audience, expiry, nonce), then userinfo's
/// for claims the id token lacks.
pub async fn claims(
    provider: &IdentityProvider,
    endpoints: &Endpoints,
    exchange: &Exchange<'_>,
) -> Result<Map<String, Value>, Failure> {
    let client_id = provider.detail("client_id").unwrap_or_default();
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", exchange.code),
        ("redirect_uri", exchange.redirect_uri),
        ("client_id", client_id),
    ];
    if let Some(secret) = provider.detail("client_secret") {
        form.push(("client_secret", secret));
    }
    let tokens = get_json(provider.name(), http().post(&endpoints.token).form(&form)).await?;
    let mut claims = Map::new();
    if let Some(id_token) = tokens.get("id_token").and_then(Value::as_str) {
        let jwks = jwks(provider, endpoints).await?;
        let expected = id_token::Expected {
            issuer: endpoints.issuer.as_deref(),
            audience: client_id,
            nonce: Some(exchange.nonce),
            now_s: exchange.now_s,
        };
        claims = id_token::verify(id_token, &jwks, &expected)?;
    }
    let access = tokens.get("access_token").and_then(Value::as_str);
    if let (Some(url), Some(access)) = (&endpoints.userinfo, access) {
        let request = match provider.detail("attributes_request_method") {
            Some("POST") => http().post(url),
            _ => http().get(url),
        };
        let info = get_json(provider.name(), request.bearer_auth(access)).await?;
        // The id token's claims are verified: userinfo only adds (and must not contradict
        // the subject, OpenID Connect Core 5.3.2).
        if let (Some(sub), Some(info_sub)) = (claims.get("sub"), info.get("sub"))
            && sub != info_sub
        {
            return Err(Failure::invalid("The userinfo subject does not match the id_token's."));
        }
        for (name, value) in info {
            claims.entry(name).or_insert(value);
        }
    }
    if claims.is_empty() {
        return Err(Failure::invalid("The identity provider returned no id_token and no user attributes."));
    }
    Ok(claims)
}

/// The attributes URL to read: with `attributes_url_add_attributes` (Facebook's
/// `.../me?fields=`, Google's `...?personFields=`), the claims the mapping reads and the
/// subject's are appended, comma-separated, as the provider's API asks for its fields.
pub fn attributes_url(provider: &IdentityProvider, url: &str) -> String {
    if provider.detail("attributes_url_add_attributes") != Some("true") {
        return url.to_owned();
    }
    let mut fields: Vec<&str> = Vec::new();
    let mapping = provider.0.attribute_mapping.as_ref();
    let subject = crate::handlers::identity_providers::details::subject_claim(&provider.kind());
    for claim in mapping.into_iter().flat_map(|m| m.values()).map(String::as_str).chain(std::iter::once(subject)) {
        if !fields.contains(&claim) {
            fields.push(claim);
        }
    }
    let encoded: Vec<String> = fields.iter().map(|f| form_urlencoded::byte_serialize(f.as_bytes()).collect()).collect();
    format!("{url}{}", encoded.join(","))
}

#[cfg(test)]
mod tests {
    use cognito_idp::types::{IdentityProviderType, IdentityProviderTypeType};

    use super::*;

    #[test]
    fn facebook_is_asked_for_the_mapped_fields_and_its_id() {
        let provider = IdentityProvider(IdentityProviderType {
            provider_name: Some("Facebook".into()),
            provider_type: Some(IdentityProviderTypeType::Facebook),
            provider_details: Some(
                [("attributes_url_add_attributes".to_owned(), "true".to_owned())].into_iter().collect(),
            ),
            attribute_mapping: Some(
                [("email".to_owned(), "email".to_owned()), ("username".to_owned(), "id".to_owned())]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        });
        let url = attributes_url(&provider, "https://graph.facebook.com/v17.0/me?fields=");
        assert_eq!(url, "https://graph.facebook.com/v17.0/me?fields=email,id");
        let mut plain = provider.clone();
        plain.0.provider_details = None;
        assert_eq!(attributes_url(&plain, "https://idp/userinfo"), "https://idp/userinfo");
    }
}
