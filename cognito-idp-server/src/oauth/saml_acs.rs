//! `POST /saml2/idpresponse`: the assertion consumer service, where a SAML provider posts the
//! user's `SAMLResponse` with a `RelayState` (AWS's endpoint reference, "The IdP SAML
//! assertion endpoint").
//!
//! - **SP-initiated**: the relay state names a pending sign-in of this pool
//!   (`saml_redirect`), taken once; the response must answer its `AuthnRequest`.
//! - **IdP-initiated**: otherwise the relay state is the app's authorization request ("The
//!   RelayState parameter contains the request parameters that you would otherwise pass to
//!   the oauth2/authorize endpoint"), naming a SAML provider whose `IDPInit` is `true`; the
//!   response must answer no request, and each assertion is taken once (by its ID, until it
//!   expires), since no pending request guards it. A relay state that is neither goes to the
//!   domain's error page; an IdP-initiated response from a provider that does not allow it is
//!   refused with AWS's words, "Invalid samlResponse or relayState from identity provider"
//!   (quoted from an Okta tile sign-in in gaiin-platform/amplify-genai-backend issue 25).
//!
//! Then, as after an OpenID Connect provider: the pool's user is made or found from the
//! `NameID` and the mapped attributes (`crate::federation::users`), a managed login session
//! starts (remembering the SAML session, for single logout), and the app gets its code.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use cognito_idp::types::IdentityProviderTypeType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::authorize::{self, Authorization, AuthorizeParams};
use super::errors::to_error_page;
use super::host::HostMode;
use super::saml_redirect::{PendingSaml, relay_hash};
use super::site::Site;
use crate::errors::{ApiError, ApiResult};
use crate::federation::failure::Failure;
use crate::federation::saml::assertion::{self, Expected, Verified};
use crate::federation::saml::messages::SamlSession;
use crate::federation::saml::{self, encryption, metadata};
use crate::federation::users;
use crate::handlers::identity_providers::{self, IdentityProvider};
use crate::handlers::sessions::tracking::Seen;
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// The posted form.
#[derive(Debug, Default, Deserialize)]
pub struct Posted {
    /// The provider's response, base64.
    #[serde(rename = "SAMLResponse")]
    pub saml_response: Option<String>,
    /// The relay state (AWS's reference spells it `Relaystate` once; both are taken).
    #[serde(rename = "RelayState", alias = "Relaystate")]
    pub relay_state: Option<String>,
}

/// An IdP-initiated assertion already used (kept until it expires, deleted with the pool).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UsedAssertion {
    provider: String,
    assertion_id: String,
    expires_ms: i64,
}

impl Resource for UsedAssertion {
    const KIND: &'static str = "saml_used_assertion";

    fn key(&self) -> String {
        format!("{}/{}", self.provider, self.assertion_id)
    }
}

/// AWS's words for a relay state or response it cannot place.
const UNPLACED: &str = "Invalid samlResponse or relayState from identity provider";

/// Where the response came from: the app's request it completes, the provider, and the
/// request it must answer (none for IdP-initiated).
struct Origin {
    auth: Authorization,
    provider: IdentityProvider,
    request_id: Option<String>,
    acs: String,
}

/// `POST /saml2/idpresponse`.
pub async fn idp_response<S: Store>(
    State(svc): State<Cognito<S>>,
    Path(domain): Path<String>,
    host_mode: Option<axum::Extension<HostMode>>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(posted): Form<Posted>,
) -> Response {
    let result: ApiResult<Response> = async {
        let Some(site) = Site::resolve(&svc, &domain, host_mode.is_some(), &headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let relay_state = posted.relay_state.unwrap_or_default();
        let origin = match origin(&svc, &site, &headers, &relay_state).await? {
            Ok(origin) => origin,
            Err(response) => return Ok(response),
        };
        let fail = |failure: Failure| Ok(origin.auth.refusal(failure.error, failure.description).into_response(&site));
        let Some(posted_response) = posted.saml_response.filter(|r| !r.is_empty()) else {
            return fail(Failure::invalid(UNPLACED));
        };
        let found = match metadata::kept(origin.provider.0.provider_details.as_ref()) {
            Ok(found) => found,
            Err(e) => return fail(Failure::invalid(format!("{} Error - {e}", origin.provider.name()))),
        };
        let now_ms = svc.clock.now_ms();
        let audience = saml::sp_entity_id(site.pool.id());
        let decryption_key = encryption::key_of(origin.provider.0.provider_details.as_ref());
        let expected = Expected {
            metadata: &found,
            audience: &audience,
            acs: &origin.acs,
            in_response_to: origin.request_id.as_deref(),
            now_s: now_ms / 1000,
            decryption_key: decryption_key.as_deref(),
        };
        let verified = match assertion::decode(&posted_response).and_then(|text| assertion::verify(&text, &expected)) {
            Ok(verified) => verified,
            Err(failure) => return fail(failure),
        };
        if origin.request_id.is_none() && !first_use(&svc, &site, &origin.provider, &verified, now_ms).await? {
            return fail(Failure {
                error: "server_error".into(),
                description: "Invalid SAML response received: the assertion was used already.".into(),
            });
        }
        let claims = verified.claims();
        let client_id = origin.auth.app.client_id.clone();
        let user = match users::sign_in(&svc, &site.pool, &origin.provider, &claims, &client_id, Some(&found.entity_id))
            .await
        {
            Ok(user) => user,
            Err(e) if e.code != cognito_idp::ErrorCode::InternalErrorException => {
                return fail(Failure::invalid(e.message));
            }
            Err(e) => return Err(e),
        };
        let session = SamlSession {
            provider: origin.provider.name().to_owned(),
            name_id: verified.name_id.clone(),
            name_id_format: verified.name_id_format.clone(),
            session_index: verified.session_index.clone(),
        };
        // Kept with the browser session, for single logout.
        let mut kept = Map::new();
        kept.insert("saml".into(), serde_json::to_value(&session).unwrap_or_default());
        let seen = Seen::from_parts(&headers, None);
        match authorize::signed_in(&svc, &site, &origin.auth, &user, &seen, jar, kept).await {
            Ok(response) => Ok(response),
            Err(e) if super::errors::is_trigger_failure(&e) => fail(Failure::invalid(e.message)),
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(authorize::server_error)
}

/// The sign-in the relay state continues, or the response that ends it here.
async fn origin<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    headers: &HeaderMap,
    relay_state: &str,
) -> ApiResult<Result<Origin, Response>> {
    let unplaced = || to_error_page(&site.base, "invalid_request", None);
    if relay_state.is_empty() {
        return Ok(Err(unplaced()));
    }
    // SP-initiated: a pending request of this pool, taken once.
    match svc.store.take_session(&relay_hash(relay_state)).await {
        Ok(record) => {
            let pending: Option<PendingSaml> = serde_json::from_value(record.doc).ok();
            let Some(pending) = pending.filter(|p| p.kind == "saml") else { return Ok(Err(unplaced())) };
            if record.pool_id != site.pool.id() || record.expires_ms <= svc.clock.now_ms() {
                return Ok(Err(unplaced()));
            }
            let params: AuthorizeParams = serde_urlencoded::from_str(&pending.request).unwrap_or_default();
            let auth = match authorize::validate(svc, site, params).await? {
                Ok(auth) => auth,
                Err(refusal) => return Ok(Err(refusal.into_response(site))),
            };
            let provider = match identity_providers::get(svc, site.pool.id(), &pending.provider).await {
                Ok(stored) => stored.value,
                Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => {
                    let description = format!("{} is not an identity provider of the user pool", pending.provider);
                    return Ok(Err(auth.refusal("invalid_request".into(), description).into_response(site)));
                }
                Err(e) => return Err(e),
            };
            return Ok(Ok(Origin { auth, provider, request_id: Some(pending.request_id), acs: pending.acs }));
        }
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    // IdP-initiated: the relay state is the app's authorization request.
    let Ok(params) = serde_urlencoded::from_str::<AuthorizeParams>(relay_state) else { return Ok(Err(unplaced())) };
    if params.client_id.as_deref().is_none_or(str::is_empty) {
        return Ok(Err(unplaced()));
    }
    let auth = match authorize::validate(svc, site, params).await? {
        Ok(auth) => auth,
        Err(refusal) => return Ok(Err(refusal.into_response(site))),
    };
    let provider = auth.provider.clone().filter(|p| {
        matches!(p.kind(), IdentityProviderTypeType::Saml) && p.detail("IDPInit").is_some_and(|v| v == "true")
    });
    let Some(provider) = provider else {
        return Ok(Err(auth.refusal("invalid_request".into(), UNPLACED.into()).into_response(site)));
    };
    let acs = site.absolute(headers, "/saml2/idpresponse");
    Ok(Ok(Origin { auth, provider, request_id: None, acs }))
}

/// Whether this is the first use of an IdP-initiated assertion (racing instances: one wins).
async fn first_use<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    provider: &IdentityProvider,
    verified: &Verified,
    now_ms: i64,
) -> ApiResult<bool> {
    let used = UsedAssertion {
        provider: provider.name().to_owned(),
        assertion_id: verified.assertion_id.clone(),
        expires_ms: verified.not_on_or_after.map_or(now_ms + 3_600_000, |s| s * 1000 + assertion::SKEW_S * 1000),
    };
    match resources::create(&svc.store, site.pool.id(), used).await {
        Ok(_) => {
            forget_expired(svc, site.pool.id(), now_ms).await?;
            Ok(true)
        }
        Err(StoreError::ResourceExists) => Ok(false),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(site.pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// How many of the oldest used assertions each new one looks at for expiry.
const PURGE_BATCH: usize = 16;

/// Deletes the oldest used assertions that have expired (they expire about in the order they
/// were used), so the record stays as small as the assertions still usable.
async fn forget_expired<S: Store>(svc: &Cognito<S>, pool_id: &str, now_ms: i64) -> ApiResult<()> {
    let oldest = resources::list::<S, UsedAssertion>(&svc.store, pool_id, 0, PURGE_BATCH).await?;
    for stored in oldest.items.into_iter().filter(|s| s.value.expires_ms < now_ms) {
        match resources::delete::<S, UsedAssertion>(&svc.store, pool_id, &stored.value.key()).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The SAML session a browser session remembers, if any.
pub fn remembered(doc: &Value) -> Option<SamlSession> {
    serde_json::from_value(doc.get("saml")?.clone()).ok()
}
