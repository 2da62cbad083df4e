//! MFA: the pool's MFA configuration, the user's factors and preferences, TOTP registration,
//! and the MFA step of sign-in.
//!
//! INTERFACE SKELETON (part 2 in progress): `next_step` and `check_answer` are the contract the
//! sign-in handlers call; the MFA work replaces the bodies.

use std::collections::HashMap;

use cognito_idp::types::UserPoolClientType;

use crate::errors::{ApiError, ApiResult};
use crate::state::{Cognito, Pool};
use crate::store::{OutboxMessage, Store, UserRecord};

/// A challenge sign-in must put to the user before tokens are issued.
#[derive(Debug, Clone)]
pub struct Challenge {
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `SELECT_MFA_TYPE` or `MFA_SETUP`.
    pub name: String,
    /// `ChallengeParameters` to return (besides `USER_ID_FOR_SRP`, which the caller adds).
    pub parameters: HashMap<String, String>,
    /// What to keep in the session to check the answer (a code's hash, the factor...).
    pub state: serde_json::Value,
    /// Messages (codes) to store with the session.
    pub outbox: Vec<OutboxMessage>,
}

/// After a correct first factor: the MFA challenge the pool's configuration and the user's
/// factors call for, or `None` when tokens may be issued now.
pub async fn next_step<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client: &UserPoolClientType,
    user: &UserRecord,
) -> ApiResult<Option<Challenge>> {
    let _ = (svc, pool, client, user);
    Err(ApiError::internal("mfa::next_step: not implemented yet"))
}

/// Checks the answer to challenge `name` (kept as `state` in the session): `Ok(Next)` says what
/// follows (tokens, or another challenge such as the code after `SELECT_MFA_TYPE`); a wrong code
/// is `CodeMismatchException`, an expired one `ExpiredCodeException`.
pub async fn check_answer<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    name: &str,
    state: &serde_json::Value,
    responses: &HashMap<String, String>,
) -> ApiResult<Next> {
    let _ = (svc, pool, user, name, state, responses);
    Err(ApiError::internal("mfa::check_answer: not implemented yet"))
}

/// What follows a correct MFA answer.
#[derive(Debug, Clone)]
pub enum Next {
    /// Sign-in is complete: issue tokens to this user (as it is stored after the answer).
    Tokens(UserRecord),
    /// Another challenge (the code of the factor picked at `SELECT_MFA_TYPE`, or MFA after
    /// `MFA_SETUP`).
    Challenge(Challenge),
}
