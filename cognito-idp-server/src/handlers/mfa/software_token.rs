//! `AssociateSoftwareToken` and `VerifySoftwareToken`: registering a TOTP authenticator, with
//! the user's access token or with the session of an `MFA_SETUP` challenge.
//!
//! With a session, each call takes it (single use) and hands out a new one for the next step:
//! `AssociateSoftwareToken` → `VerifySoftwareToken` → `RespondToAuthChallenge` (`MFA_SETUP`),
//! as AWS's reference for `MFA_SETUP` describes.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use super::{MFA_SETUP, SOFTWARE_TOKEN_MFA, Secret, UserMfa, accept_totp_with, pool_factors, update_mfa};
use crate::domain::totp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::session;
use crate::handlers::clients;
use crate::handlers::shared::{Pool, load_pool};
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, StoreError};

/// Who a call speaks for: the pool and user, and the `MFA_SETUP` session it came with.
struct Caller {
    pool: Pool,
    user_key: String,
    session: Option<SessionRecord>,
}

/// Resolves an `AccessToken` or a `Session` (exactly one) to the user it names.
async fn caller<S: Store>(svc: &Cognito<S>, access_token: Option<&str>, raw: Option<&str>) -> ApiResult<Caller> {
    match (access_token, raw) {
        (Some(token), None) => {
            let auth = crate::tokens::authenticate(svc, token).await?;
            Ok(Caller { pool: Pool::clone(&auth.pool), user_key: auth.user.username_key.clone(), session: None })
        }
        (None, Some(raw)) => {
            let record = session::take(svc, raw).await?;
            if session::challenge(&record) != MFA_SETUP {
                return Err(ApiError::not_authorized("Invalid session for the user."));
            }
            let pool = Pool::clone(&*load_pool(svc, &record.pool_id).await?);
            Ok(Caller { pool, user_key: record.user_key.clone(), session: Some(record) })
        }
        // AWS's reference: "The request takes an access token or a session string, but not both."
        _ => Err(ApiError::invalid_parameter("Provide either an AccessToken or a Session, but not both.")),
    }
}

/// A new `MFA_SETUP` session following `old`, with `state`, valid as long as the app client's
/// `AuthSessionValidity` says.
async fn next_session<S: Store>(svc: &Cognito<S>, old: &SessionRecord, state: serde_json::Value) -> ApiResult<String> {
    let ttl = match svc.store.get_client(&old.pool_id, &old.client_id).await {
        Ok(record) => session::ttl_ms(&clients::decode(&record)?),
        Err(StoreError::NotFound) => return Err(ApiError::client_not_found(&old.client_id)),
        Err(e) => return Err(e.into()),
    };
    session::start(
        svc,
        &old.pool_id,
        &old.client_id,
        &old.user_key,
        MFA_SETUP,
        state,
        ttl,
        Vec::new(),
        session::is_browser(old),
        session::device(old),
    )
    .await
}

/// `Software Token MFA has not been enabled by the userPool.`: AWS's
/// `SoftwareTokenMFANotFoundException` when the pool does not offer TOTP (AWS's developer guide
/// on TOTP MFA quotes it).
fn not_enabled_in_pool() -> ApiError {
    ApiError::new(
        ErrorCode::SoftwareTokenMfaNotFoundException,
        "Software Token MFA has not been enabled by the userPool.",
    )
}

/// `AssociateSoftwareToken`: a new random secret (base32) for the user's authenticator app. It
/// replaces the user's TOTP registration at once: the old secret stops working and TOTP is off
/// until the new one is verified (what AWS does: keboola/developer-portal issue 185 reports that
/// associating again let the user sign in without MFA until it was verified).
pub async fn associate_software_token<S: Store>(
    svc: &Cognito<S>,
    input: AssociateSoftwareTokenRequest,
) -> ApiResult<AssociateSoftwareTokenResponse> {
    let caller = caller(svc, input.access_token.as_deref(), input.session.as_deref()).await?;
    if !pool_factors(&caller.pool).totp {
        return Err(not_enabled_in_pool());
    }
    let secret = totp::new_secret();
    update_mfa(svc, &caller.pool, &caller.user_key, |_, mfa: &mut UserMfa| {
        mfa.totp_pending = Some(secret.clone());
        mfa.totp_secret = None;
        mfa.totp_device_name = None;
        mfa.set_enabled(SOFTWARE_TOKEN_MFA, false);
        Ok(())
    })
    .await?;
    let session = match &caller.session {
        Some(old) => Some(next_session(svc, old, session::state(old).clone()).await?),
        None => None,
    };
    Ok(AssociateSoftwareTokenResponse { secret_code: Some(secret), session })
}

/// `Code mismatch and fail enable Software Token MFA`: AWS's `EnableSoftwareTokenMFAException`
/// for a wrong code (aws-samples/aws-amplify-auth-starters issue 15 quotes the response).
fn verify_mismatch() -> ApiError {
    ApiError::new(ErrorCode::EnableSoftwareTokenMfaException, "Code mismatch and fail enable Software Token MFA")
}

/// `VerifySoftwareToken`: checks a code of the associated secret (one step of drift either
/// side; a code is accepted once) and makes it the user's verified TOTP secret. With an access
/// token that is all (the user turns TOTP on with `SetUserMFAPreference`); with an `MFA_SETUP`
/// session TOTP is also turned on (and preferred when nothing else is), and the answer carries
/// the session that completes the challenge.
pub async fn verify_software_token<S: Store>(
    svc: &Cognito<S>,
    input: VerifySoftwareTokenRequest,
) -> ApiResult<VerifySoftwareTokenResponse> {
    let caller = caller(svc, input.access_token.as_deref(), input.session.as_deref()).await?;
    let setup = caller.session.is_some();
    let name = input.friendly_device_name.clone();
    let accepted = accept_totp_with(
        svc,
        &caller.pool,
        &caller.user_key,
        input.user_code.trim(),
        Secret::Pending,
        verify_mismatch,
        |mfa| {
            mfa.totp_device_name = name.clone();
            if setup {
                mfa.set_enabled(SOFTWARE_TOKEN_MFA, true);
                if mfa.preferred.is_none() {
                    mfa.preferred = Some(SOFTWARE_TOKEN_MFA.into());
                }
            }
        },
    )
    .await;
    if let Err(e) = accepted {
        // A wrong code may be tried again with the same session, as AWS allows for codes.
        if let Some(old) = caller.session
            && e.code == ErrorCode::EnableSoftwareTokenMfaException
        {
            session::put_back(svc, old).await?;
        }
        return Err(e);
    }
    let session = match &caller.session {
        Some(old) => Some(next_session(svc, old, serde_json::json!({ "factor": MFA_SETUP, "verified": true })).await?),
        None => None,
    };
    Ok(VerifySoftwareTokenResponse { status: Some(VerifySoftwareTokenResponseType::from("SUCCESS")), session })
}
