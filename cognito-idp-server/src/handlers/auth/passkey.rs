//! `WEB_AUTHN`, the passkey factor of `USER_AUTH`: the challenge carries
//! `CREDENTIAL_REQUEST_OPTIONS` (the request options as a JSON string, the user's passkeys
//! allowed), the answer is `CREDENTIAL` (the browser's `AuthenticationResponseJSON` as a JSON
//! string). The assertion is checked (challenge, origin, relying party, flags, signature) and
//! the passkey's new sign counter written on the version read, so of two sign-ins racing with
//! one passkey only one counts. A passwordless first factor is not followed by MFA, as the
//! sign-in codes are not; tokens, triggers and devices are those of any sign-in.
//!
//! `RespondToAuthChallenge` has no WebAuthn errors in AWS's model: a refused assertion answers
//! `NotAuthorizedException`, and counts for the user's lockout as a wrong password does.

use std::collections::BTreeMap;

use super::app::{App, required};
use super::flow::{self, Outcome};
use super::{lockout, session};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::messages::Sent;
use crate::handlers::passkeys::{self, ceremony, relying_party};
use crate::state::Cognito;
use crate::store::{SessionRecord, Store, StoreError, UserRecord};

/// The key of the verifier's state in the challenge's session.
const STATE: &str = "webauthn";

/// Starts the `WEB_AUTHN` challenge for `user`, who has passkeys.
pub async fn start<S: Store>(svc: &Cognito<S>, app: &App, user: &UserRecord) -> ApiResult<Outcome> {
    let rp = relying_party::of_pool(svc, &app.pool).await?;
    let records = passkeys::of_user(svc, &app.pool, user).await?;
    if records.is_empty() {
        return Err(ApiError::invalid_parameter("The challenge WEB_AUTHN is not available for this user."));
    }
    let started = ceremony::start_sign_in(&rp, &passkeys::descriptors(&records))?;
    let parameters = BTreeMap::from([
        ("CREDENTIAL_REQUEST_OPTIONS".to_owned(), started.options.to_string()),
        ("USER_ID_FOR_SRP".to_owned(), user.username.clone()),
    ]);
    let state = serde_json::json!({ STATE: started.state });
    flow::challenge(svc, app, &user.username_key, "WEB_AUTHN", parameters, state, Sent::default()).await
}

fn refused(why: &str) -> ApiError {
    // The wording is ours; AWS's model gives RespondToAuthChallenge no WebAuthn errors.
    ApiError::not_authorized(format!("The passkey could not be verified: {why}."))
}

/// The answer to `WEB_AUTHN`: `CREDENTIAL`.
pub async fn answer<S: Store>(
    svc: &Cognito<S>,
    app: &App,
    record: &SessionRecord,
    user: Option<UserRecord>,
    responses: &BTreeMap<String, String>,
) -> ApiResult<Outcome> {
    let json = required(responses, "CREDENTIAL")?;
    let assertion = ceremony::Assertion::parse(json)
        .ok_or_else(|| ApiError::invalid_parameter("CREDENTIAL is not a WebAuthn authentication response."))?;
    let user = user.ok_or_else(|| refused("the user does not exist"))?;
    flow::check_usable(&user)?;
    let failures = lockout::check(svc, app.pool.id(), &user.username_key).await?;
    let rp = relying_party::of_pool(svc, &app.pool).await?;
    let state = session::state(record).get(STATE).and_then(|v| v.as_str()).unwrap_or_default();
    let sub = user.attribute("sub").unwrap_or(&user.username).to_owned();
    let id = assertion.credential_id();
    let stored = match svc.store.get_passkey(app.pool.id(), &user.username_key, &id).await {
        Ok(stored) => stored,
        Err(StoreError::NotFound) => {
            lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
            return Err(refused("the user has no such passkey"));
        }
        Err(e) => return Err(e.into()),
    };
    let credential = passkeys::credential(&stored)?;
    let after = match ceremony::finish_sign_in(&rp, state, &sub, &assertion, &credential) {
        Ok(after) => after,
        Err(ceremony::Refused(why)) => {
            lockout::failed(svc, app.pool.id(), &user.username_key, failures).await?;
            return Err(refused(&why));
        }
    };
    let doc = serde_json::to_value(&after).map_err(|e| ApiError::internal(format!("encoding a passkey: {e}")))?;
    match svc.store.update_passkey(crate::store::PasskeyRecord { doc, ..stored }).await {
        Ok(_) => {}
        // Another sign-in with this passkey moved its counter meanwhile, or it was deleted.
        Err(StoreError::Conflict | StoreError::NotFound) => {
            return Err(refused("the passkey was used or deleted meanwhile"));
        }
        Err(e) => return Err(e.into()),
    }
    lockout::succeeded(svc, app.pool.id(), &user.username_key, failures).await?;
    flow::check_confirmed(svc, &user)?;
    flow::issue(svc, app, &user).await
}
