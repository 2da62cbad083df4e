//! Authentication events: what threat protection records of a user's sign-ins, sign-ups and
//! password changes (AWS's `AuthEventType`), and the operations that read them and take
//! feedback on them ([`api`]).
//!
//! Events are recorded only in pools whose threat protection is on (`AUDIT` or `ENFORCED`), as
//! AWS logs them only there. Each is a row of its user (`Store::insert_auth_event`), so it goes
//! with the user and the pool, and is listed newest first. A sign-in is one event: `InProgress`
//! once the first factor is proved and a challenge follows, then `Pass` or `Fail`, with a
//! `ChallengeResponses` entry per factor (`Password`, `Mfa`). Recording never fails the
//! operation that records: a store failure is logged.
//!
//! What the request says about where it comes from ([`Context`]): `ContextData` (the
//! administrators' operations: the end user's address and headers, as the app server saw
//! them), else `UserContextData.IpAddress`, else the caller's own address; the device name is
//! the `User-Agent` header (AWS derives a browser and system name from it). The server has no
//! geolocation database, so `City` and `Country` are the `null` strings AWS reports for an
//! address it cannot place (as the emulator ministack records them).

pub mod api;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_idp::server::RequestContext;
use cognito_idp::types::*;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock::timestamp;
use crate::handlers::risk::Mode;
use crate::state::{Cognito, Pool};
use crate::store::{AuthEventRecord, Store, StoreError, UserRecord};

/// What a request says about where it comes from, and what a sign-in step found out about it.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The end user's address.
    pub ip: Option<String>,
    /// The end user's browser or app (`User-Agent`).
    pub device_name: Option<String>,
    /// Set by the password check when the password is on the breached list (`risk::breached`),
    /// for the event the sign-in records afterwards.
    pub compromised: Arc<AtomicBool>,
}

impl Context {
    /// The context of a request with its `ContextData` (administrators' operations) or
    /// `UserContextData` (public ones).
    pub fn of(
        ctx: Option<&RequestContext>,
        context_data: Option<&ContextDataType>,
        user_context: Option<&UserContextDataType>,
    ) -> Context {
        let ip = context_data
            .map(|c| c.ip_address.clone())
            .or_else(|| user_context.and_then(|u| u.ip_address.clone()))
            .filter(|ip| !ip.is_empty())
            .or_else(|| ctx.and_then(|c| c.source).map(|a| a.ip().to_string()));
        let header_agent = context_data.and_then(|c| {
            c.http_headers
                .iter()
                .find(|h| h.header_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("user-agent")))
                .and_then(|h| h.header_value.clone())
        });
        let device_name = header_agent
            .or_else(|| ctx.and_then(|c| c.headers.get("user-agent")).and_then(|v| v.to_str().ok()).map(str::to_owned))
            .map(|agent| agent.chars().take(256).collect());
        Context { ip, device_name, compromised: Arc::default() }
    }

    /// Whether the password check found the password on the breached list.
    pub fn compromised(&self) -> bool {
        self.compromised.load(Ordering::Relaxed)
    }

    fn data(&self) -> EventContextDataType {
        EventContextDataType {
            ip_address: self.ip.clone(),
            device_name: self.device_name.clone(),
            timezone: None,
            city: Some("null".into()),
            country: Some("null".into()),
        }
    }
}

/// The risk an event is recorded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Risk {
    /// `NoRisk`, `AccountTakeover` or `Block`.
    pub decision: &'static str,
    /// `Low`, `Medium` or `High`, when a risk was found.
    pub level: Option<&'static str>,
    /// Whether the password was found on the breached list.
    pub compromised: bool,
}

impl Risk {
    /// No risk found.
    pub fn none() -> Risk {
        Risk { decision: "NoRisk", level: None, compromised: false }
    }

    fn event_risk(self) -> EventRiskType {
        EventRiskType {
            risk_decision: Some(RiskDecisionType::from(if self.decision.is_empty() {
                "NoRisk"
            } else {
                self.decision
            })),
            risk_level: self.level.map(RiskLevelType::from),
            compromised_credentials_detected: Some(self.compromised),
        }
    }
}

/// An event as stored: the API's type and what only the server sees.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stored {
    /// The event.
    pub event: AuthEventType,
    /// The SHA-256 (base64url) of the feedback token a notification carried, if one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_token_hash: Option<String>,
    /// Whether an MFA challenge was given during this (sign-in) event.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mfa_asked: bool,
}

impl Stored {
    /// The stored event of `record`, if its document decodes.
    pub fn of(record: &AuthEventRecord) -> Option<Stored> {
        serde_json::from_value(record.doc.clone()).ok()
    }
}

/// One of a user's events to record.
#[derive(Debug, Clone)]
pub struct New<'a> {
    /// `SignIn`, `SignUp`, `PasswordChange`, `ForgotPassword`, `ResendCode`...
    pub kind: &'a str,
    /// `Pass`, `Fail` or `InProgress`.
    pub response: &'a str,
    /// `(challenge, result)` pairs: `("Password", "Success")`.
    pub challenges: Vec<(&'a str, &'a str)>,
    /// The risk found.
    pub risk: Risk,
}

/// A new feedback token and the hash the event keeps of it.
pub fn feedback_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
    (token, hash)
}

fn challenge_list(pairs: &[(&str, &str)]) -> Vec<ChallengeResponseType> {
    pairs
        .iter()
        .map(|(name, result)| ChallengeResponseType {
            challenge_name: Some(ChallengeName::from(*name)),
            challenge_response: Some(ChallengeResponse::from(*result)),
        })
        .collect()
}

/// Records `new` for `user` when the pool's threat protection is on; returns the event's id.
pub async fn record<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    context: &Context,
    new: New<'_>,
    feedback_token_hash: Option<String>,
) -> Option<String> {
    if !Mode::of(pool).records() {
        return None;
    }
    let now = svc.clock.now_ms();
    let event_id = uuid::Uuid::new_v4().to_string();
    let event = AuthEventType {
        event_id: Some(event_id.clone()),
        event_type: Some(EventType::from(new.kind)),
        creation_date: Some(timestamp(now)),
        event_response: Some(EventResponseType::from(new.response)),
        event_risk: Some(new.risk.event_risk()),
        challenge_responses: Some(challenge_list(&new.challenges)),
        event_context_data: Some(context.data()),
        event_feedback: None,
    };
    if new.response != "InProgress" {
        // A sign-in still waiting for its MFA code is exported once it ends (`close_sign_in`).
        crate::log_delivery::user_auth_event(svc, pool.id(), &user.username, &user.sub, &event).await;
    }
    let stored = Stored { event, feedback_token_hash, mfa_asked: false };
    let doc = match serde_json::to_value(&stored) {
        Ok(doc) => doc,
        Err(e) => {
            tracing::warn!(error = %e, "encoding an authentication event failed");
            return None;
        }
    };
    let record = AuthEventRecord {
        seq: 0,
        pool_id: pool.id().to_owned(),
        user_key: user.username_key.clone(),
        event_id: event_id.clone(),
        created_ms: now,
        version: 0,
        doc,
    };
    match svc.store.insert_auth_event(record).await {
        Ok(_) => Some(event_id),
        Err(e) => {
            tracing::warn!(error = %e, "recording an authentication event failed");
            None
        }
    }
}

/// The user's newest event, if it is a sign-in still in progress.
async fn open_sign_in<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) -> Option<(AuthEventRecord, Stored)> {
    let page = svc.store.list_auth_events(pool.id(), &user.username_key, 0, 1).await.ok()?;
    let record = page.items.into_iter().next()?;
    let stored = Stored::of(&record)?;
    let open = stored.event.event_type.as_ref().is_some_and(|t| t.as_str() == "SignIn")
        && stored.event.event_response.as_ref().is_some_and(|r| r.as_str() == "InProgress");
    open.then_some((record, stored))
}

/// Changes the user's open sign-in (if any) with `change`, again on a lost race.
async fn close_sign_in<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    change: impl Fn(&mut Stored),
) -> bool {
    if !Mode::of(pool).records() {
        return true;
    }
    for _ in 0..crate::handlers::shared::RETRIES {
        let Some((mut record, mut stored)) = open_sign_in(svc, pool, user).await else {
            return false;
        };
        change(&mut stored);
        let Ok(doc) = serde_json::to_value(&stored) else { return true };
        record.doc = doc;
        match svc.store.update_auth_event(record).await {
            Ok(_) => {
                if stored.event.event_response.as_ref().is_none_or(|r| r.as_str() != "InProgress") {
                    crate::log_delivery::user_auth_event(svc, pool.id(), &user.username, &user.sub, &stored.event)
                        .await;
                }
                return true;
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "updating an authentication event failed");
                return true;
            }
        }
    }
    true
}

/// A first factor that failed: a `Fail` sign-in with `Password: Failure`.
pub async fn password_failed<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord, context: &Context) {
    let new = New { kind: "SignIn", response: "Fail", challenges: vec![("Password", "Failure")], risk: Risk::none() };
    record(svc, pool, user, context, new, None).await;
}

/// An MFA challenge given: the open sign-in will list `Mfa`.
pub async fn mfa_asked<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) {
    close_sign_in(svc, pool, user, |stored| stored.mfa_asked = true).await;
}

/// A wrong MFA code: the open sign-in fails with `Mfa: Failure`.
pub async fn mfa_failed<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord) {
    close_sign_in(svc, pool, user, |stored| {
        stored.event.event_response = Some(EventResponseType::from("Fail"));
        stored.event.challenge_responses.get_or_insert_with(Vec::new).extend(challenge_list(&[("Mfa", "Failure")]));
    })
    .await;
}

/// A completed sign-in: the open sign-in passes (with `Mfa: Success` when MFA was asked), or a
/// `Pass` sign-in is recorded if none is open.
pub async fn signed_in<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord, context: &Context) {
    let closed = close_sign_in(svc, pool, user, |stored| {
        stored.event.event_response = Some(EventResponseType::from("Pass"));
        if stored.mfa_asked {
            stored.event.challenge_responses.get_or_insert_with(Vec::new).extend(challenge_list(&[("Mfa", "Success")]));
        }
    })
    .await;
    if !closed {
        let risk = Risk { compromised: context.compromised(), ..Risk::none() };
        let new = New { kind: "SignIn", response: "Pass", challenges: vec![("Password", "Success")], risk };
        record(svc, pool, user, context, new, None).await;
    }
}

/// An event that is over in one call (`SignUp`, `PasswordChange`, `ForgotPassword`,
/// `ResendCode`), passed.
pub async fn passed<S: Store>(svc: &Cognito<S>, pool: &Pool, user: &UserRecord, kind: &str, context: &Context) {
    let risk = Risk { compromised: context.compromised(), ..Risk::none() };
    record(svc, pool, user, context, New { kind, response: "Pass", challenges: Vec::new(), risk }, None).await;
}

/// The addresses and devices of the user's earlier passed sign-ins (the newest hundred).
pub async fn known_origins<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
) -> (Vec<String>, Vec<String>, usize) {
    let (mut ips, mut devices, mut count) = (Vec::new(), Vec::new(), 0);
    if let Ok(page) = svc.store.list_auth_events(pool.id(), &user.username_key, 0, 100).await {
        for stored in page.items.iter().filter_map(Stored::of) {
            let passed = stored.event.event_type.as_ref().is_some_and(|t| t.as_str() == "SignIn")
                && stored.event.event_response.as_ref().is_some_and(|r| r.as_str() == "Pass");
            if !passed {
                continue;
            }
            count += 1;
            if let Some(data) = stored.event.event_context_data {
                ips.extend(data.ip_address);
                devices.extend(data.device_name);
            }
        }
    }
    (ips, devices, count)
}
