//! Token exchange through the API: `GetDerivedToken` (OAuth 2.0 Token Exchange, RFC 8693).
//!
//! What AWS documents (the operation's and its members' documentation in the API model, as of
//! botocore 1.44; the developer guide's "Exchanging tokens for downstream services"; the
//! announcement of 12 November 2026), and what this server does with it:
//!
//! - An app client exchanges a *subject token* it holds (a user's token) for a new *issued
//!   token*, an access or id token of the same pool "that the downstream service validates the
//!   same way it validates any user pool token": here signed with the pool's keys, listed in its
//!   JWKS, and shaped as the pool's own tokens of the subject user (current groups and, for id
//!   tokens, the attributes the requesting client may read).
//! - The client authenticates with its `ClientSecret` "if the client has a secret". AWS also
//!   accepts "IAM credentials" instead; this server always asks a client with a secret for it,
//!   as `GetClientToken` does (a handler does not see whether a signature was verified).
//! - The client must have `ALLOW_TOKEN_EXCHANGE_IMPERSONATION` (no `ActorToken`) or
//!   `ALLOW_TOKEN_EXCHANGE_DELEGATION` (with one) in its `ExplicitAuthFlows`, "or the request
//!   fails". With an actor token the issued token "carries an act claim that identifies the
//!   intermediary"; without one it "appears as if the user acted directly".
//! - `ActorTokenType` is "required when you provide an ActorToken" (and, RFC 8693 section 2.1,
//!   "MUST NOT be included otherwise").
//! - Scopes: "the intersection of these requested scopes, the scopes of your SubjectToken, and
//!   the scopes that are allowed for the requesting app client"; none asked for, "the same
//!   scopes as your SubjectToken". Scopes asked for beyond that intersection are left out, not
//!   refused, as that sentence says.
//! - `Audiences` ("the logical name of the target service") and `Resources` ("the identifier of
//!   a resource server in your user pool") hold one value each and cannot both be given; the one
//!   given is the issued token's `aud`.
//! - `SubjectTokenProviderName` names "a SAML or OIDC provider that you registered with your
//!   user pool, so that Amazon Cognito can validate it against that provider's configuration":
//!   a SAML provider's signed assertion (`SAML2`) or an OIDC provider's `ID_TOKEN`, checked as
//!   a sign-in through the provider checks them and naming the user such a sign-in would
//!   (`crate::federation::presented`). It holds none of the pool's scopes, so an access token
//!   issued for it carries none.
//! - Token exchange is a feature of the Essentials and Plus plans (the announcement).
//!
//! Where AWS says nothing, this follows RFC 8693: the issued token is issued to the requesting
//! client (`client_id`, section 4.3), an actor's `act` nests the subject's own `act` (section
//! 4.1), and the default issued type is an access token. Two choices are this server's own: the
//! issued token never outlives the tokens presented (it is narrower, not longer-lived), and it
//! belongs to the subject token's family, so revoking the subject's refresh token or signing the
//! user out ends it too. No AWS error message for this operation was found quoted; every
//! message here is ours.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::federation;
use crate::handlers::auth::app::App;
use crate::handlers::resource_servers::{self, ResourceServer};
use crate::handlers::{clients, secret_hash};
use crate::state::Cognito;
use crate::store::resources;
use crate::store::{Store, StoreError};
use crate::tokens::presented::{self, Kind, Presented, Refusal};
use crate::tokens::{self, claims, jwt, keys, refresh};

/// The flow an exchange without an actor token needs.
pub const IMPERSONATION_FLOW: &str = "ALLOW_TOKEN_EXCHANGE_IMPERSONATION";
/// The flow an exchange with an actor token needs.
pub const DELEGATION_FLOW: &str = "ALLOW_TOKEN_EXCHANGE_DELEGATION";

/// Which of the two presented tokens a refusal is about (the request member it names).
#[derive(Clone, Copy)]
enum Role {
    Subject,
    Actor,
}

impl Role {
    fn member(self) -> &'static str {
        match self {
            Role::Subject => "SubjectToken",
            Role::Actor => "ActorToken",
        }
    }

    fn invalid(self) -> ApiError {
        ApiError::not_authorized(format!("Invalid {}", self.member()))
    }

    /// The answer for a refused token: as the self-service operations answer an access token
    /// ([`crate::tokens::access`]), naming the member. A subject whose user is gone is
    /// `UserNotFoundException` (the operation lists it); an actor is only valid or not.
    fn refused(self, refusal: Refusal) -> ApiError {
        match (self, refusal) {
            (_, Refusal::Invalid) => self.invalid(),
            (_, Refusal::Expired) => ApiError::not_authorized(format!("{} has expired", self.member())),
            (_, Refusal::Revoked) => ApiError::not_authorized(format!("{} has been revoked", self.member())),
            (Role::Subject, Refusal::UserNotFound) => ApiError::user_not_found(),
            (Role::Subject, Refusal::UserDisabled) => ApiError::not_authorized("User is disabled."),
            (Role::Actor, Refusal::UserNotFound | Refusal::UserDisabled) => self.invalid(),
        }
    }
}

/// A presented token's type: one of the pool's own kinds, or `None` for `SAML2` (which only a
/// third-party provider issues).
fn kind_of(token_type: &TokenTypeIdentifierType) -> ApiResult<Option<Kind>> {
    match token_type.as_str() {
        "ACCESS_TOKEN" => Ok(Some(Kind::Access)),
        "ID_TOKEN" => Ok(Some(Kind::Id)),
        "SAML2" => Ok(None),
        other => Err(ApiError::invalid_parameter(format!("Unsupported token type: {other}"))),
    }
}

/// What the request asks for, checked before anything is looked up.
struct Asked {
    issue: Kind,
}

fn check_request(input: &GetDerivedTokenRequest) -> ApiResult<Asked> {
    let subject = kind_of(&input.subject_token_type)?;
    if subject.is_none() && input.subject_token_provider_name.is_none() {
        return Err(ApiError::invalid_parameter("SubjectTokenProviderName is required for a SAML2 SubjectToken."));
    }
    match (&input.actor_token, &input.actor_token_type) {
        (Some(_), Some(actor_type)) => {
            let kind = kind_of(actor_type)?;
            if kind.is_none() && input.actor_token_provider_name.is_none() {
                return Err(ApiError::invalid_parameter("ActorTokenProviderName is required for a SAML2 ActorToken."));
            }
        }
        (Some(_), None) => return Err(ApiError::invalid_parameter("ActorTokenType is required with an ActorToken.")),
        (None, Some(_)) => return Err(ApiError::invalid_parameter("ActorTokenType requires an ActorToken.")),
        (None, None) if input.actor_token_provider_name.is_some() => {
            return Err(ApiError::invalid_parameter("ActorTokenProviderName requires an ActorToken."));
        }
        (None, None) => {}
    }
    let given = |list: &Option<Vec<String>>| list.as_ref().is_some_and(|l| !l.is_empty());
    if given(&input.audiences) && given(&input.resources) {
        return Err(ApiError::invalid_parameter("Audiences and Resources cannot both be given."));
    }
    let issue = match input.requested_token_type.as_ref().map(IssuedTokenTypeIdentifierType::as_str) {
        None | Some("ACCESS_TOKEN") => Kind::Access,
        Some("ID_TOKEN") => Kind::Id,
        Some(other) => return Err(ApiError::invalid_parameter(format!("Unsupported token type: {other}"))),
    };
    Ok(Asked { issue })
}

/// Checks a presented token, answering a refusal as `role`: a token of the pool's provider
/// `provider` when one is named (`crate::federation::presented`), else the pool's own.
async fn check_token<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    token: &str,
    token_type: &TokenTypeIdentifierType,
    provider: Option<&str>,
    role: Role,
) -> ApiResult<Presented> {
    let checked = match (provider, kind_of(token_type)?) {
        (Some(provider), _) => {
            federation::presented::check(svc, &app.pool, provider, token, token_type.as_str()).await?
        }
        (None, Some(kind)) => presented::check(svc, &app.pool, token, kind).await?,
        (None, None) => return Err(role.invalid()),
    };
    checked.map_err(|refusal| role.refused(refusal))
}

/// `GetDerivedToken`.
pub async fn get_derived_token<S: Store>(
    svc: &Cognito<S>,
    input: GetDerivedTokenRequest,
) -> ApiResult<GetDerivedTokenResponse> {
    // The request is checked before the client is looked up, so a malformed one is refused
    // whatever the client.
    let asked = check_request(&input)?;
    let app = App::load(svc, None, &input.client_id).await?;
    secret_hash::check_client_secret(&app.secrets, &app.client_id, input.client_secret.as_deref())?;
    exchange(svc, &app, &input, asked).await
}

/// The flow an exchange needs: delegation with an actor token, impersonation without.
pub fn required_flow(with_actor: bool) -> &'static str {
    if with_actor { DELEGATION_FLOW } else { IMPERSONATION_FLOW }
}

/// Whether `app`'s `ExplicitAuthFlows` allow the exchange `flow`.
pub fn allows(app: &App, flow: &str) -> bool {
    clients::auth_flows(&app.client).iter().any(|f| f == flow)
}

/// The exchange itself, for `app` (already authenticated by its caller: the operation's
/// `ClientSecret`, or the token endpoint's client authentication). `input.client_id` and
/// `input.client_secret` are not read.
pub async fn derive<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    input: &GetDerivedTokenRequest,
) -> ApiResult<GetDerivedTokenResponse> {
    let asked = check_request(input)?;
    exchange(svc, app, input, asked).await
}

/// [`derive`] of a request already checked (`asked`).
async fn exchange<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    input: &GetDerivedTokenRequest,
    asked: Asked,
) -> ApiResult<GetDerivedTokenResponse> {
    let flow = required_flow(input.actor_token.is_some());
    if !allows(app, flow) {
        // Worded as InitiateAuth words a flow the client does not allow (and GetClientToken).
        return Err(ApiError::not_authorized(format!("{flow} flow not enabled for this client")));
    }
    let pool = app.pool.clone();
    if pool.doc.user_pool_tier.as_ref().is_some_and(|t| t.as_str() == "LITE") {
        // FeatureUnavailableInTierException is not among the operation's errors; this is the
        // one it lists for "the current user pool configuration".
        return Err(ApiError::new(
            ErrorCode::OperationNotEnabledException,
            "Token exchange requires the ESSENTIALS or PLUS feature plan.",
        ));
    }

    let mut subject = check_token(
        svc,
        app,
        &input.subject_token,
        &input.subject_token_type,
        input.subject_token_provider_name.as_deref(),
        Role::Subject,
    )
    .await?;
    // The subject is a user ("the existing token that represents the user", "the issued token
    // represents the subject user directly"); a machine token names none to act for.
    let Some(user) = subject.user.clone() else { return Err(Role::Subject.invalid()) };
    let actor = match (&input.actor_token, &input.actor_token_type) {
        (Some(token), Some(token_type)) => Some(
            check_token(svc, app, token, token_type, input.actor_token_provider_name.as_deref(), Role::Actor).await?,
        ),
        _ => None,
    };

    let audience = match (input.audiences.as_deref(), input.resources.as_deref()) {
        (Some([audience, ..]), _) => Some(audience.clone()),
        (_, Some([resource, ..])) => match resources::get::<S, ResourceServer>(&svc.store, pool.id(), resource).await {
            Ok(_) => Some(resource.clone()),
            Err(StoreError::NotFound) => return Err(resource_servers::not_found(resource)),
            Err(e) => return Err(e.into()),
        },
        _ => None,
    };

    let held = subject.scopes();
    let granted: Vec<String> = match input.scopes.as_deref().filter(|s| !s.is_empty()) {
        None => held,
        Some(asked) => {
            let allowed = app.client.allowed_o_auth_scopes.as_deref().unwrap_or_default();
            let mut granted: Vec<String> = Vec::new();
            for scope in asked {
                if held.contains(scope) && allowed.contains(scope) && !granted.contains(scope) {
                    granted.push(scope.clone());
                }
            }
            granted
        }
    };

    let keys = keys::for_signing(svc, &pool).await?;
    let groups = claims::group_configuration(&claims::groups(svc, &pool, &user).await?);
    let lifetimes = claims::lifetimes(&app.client);
    let now = svc.clock.now_ms() / 1000;
    let lifetime = match asked.issue {
        Kind::Access => lifetimes.access,
        Kind::Id => lifetimes.id,
    };
    let exp = [Some(now + lifetime), Some(subject.exp()), actor.as_ref().map(Presented::exp)]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now + lifetime);
    if subject.claim("origin_jti").is_none() {
        // A provider's token belongs to no family of the pool: the issued token starts one,
        // kept by a refresh token that is never handed out and ends with it, so that signing
        // the user out (or revoking) ends it as it ends the user's other tokens.
        let auth_time = subject.claims.get("auth_time").and_then(serde_json::Value::as_i64).unwrap_or(now);
        let family = tokens::Family::new(auth_time, Some(Vec::new()));
        refresh::store(svc, &pool, &app.client_id, &user, &family, exp - now).await?;
        subject.claims.insert("origin_jti".into(), family.origin_jti.into());
        subject.claims.insert("event_id".into(), family.event_id.into());
    }
    let issuer = tokens::issuer(svc, pool.id());
    let new_event = uuid::Uuid::new_v4().to_string();
    let issue = claims::Issue {
        issuer: &issuer,
        client_id: &app.client_id,
        // The checks above made sure a user's token has its family.
        origin_jti: subject.claim("origin_jti").unwrap_or_default(),
        event_id: subject.claim("event_id").unwrap_or(&new_event),
        auth_time: subject.claims.get("auth_time").and_then(serde_json::Value::as_i64).unwrap_or(now),
        now,
        groups: &groups,
        // Replaced by the granted scopes below (`claims::derived`).
        scope: claims::ADMIN_SCOPE,
        nonce: None,
        at_hash: None,
    };
    let act = actor.as_ref().map(|a| claims::actor(a.claim("sub").unwrap_or_default(), subject.claims.get("act")));
    let jti = uuid::Uuid::new_v4().to_string();
    let (token, issued_type, scopes) = match asked.issue {
        Kind::Access => {
            let base = claims::access(&issue, &user, exp, &jti);
            let token = claims::derived(base, Some(&granted), audience.as_deref(), act);
            (jwt::sign(&keys.access, &token)?, "ACCESS_TOKEN", Some(granted).filter(|g| !g.is_empty()))
        }
        Kind::Id => {
            let base = claims::id(&issue, &app.client, &user, exp, &jti);
            let token = claims::derived(base, None, audience.as_deref(), act);
            (jwt::sign(&keys.id, &token)?, "ID_TOKEN", None)
        }
    };
    Ok(GetDerivedTokenResponse {
        issued_token: token,
        issued_token_type: IssuedTokenTypeIdentifierType::from(issued_type),
        token_type: OAuthTokenTypeType::from("Bearer"),
        expires_in: Some(i32::try_from(exp - now).unwrap_or(i32::MAX)),
        scopes,
    })
}
