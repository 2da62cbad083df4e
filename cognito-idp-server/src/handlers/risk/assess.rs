//! What threat protection decides for a sign-in, a sign-up or a password change, from what the
//! server can know locally, and what it does about it (only in `ENFORCED` mode; `AUDIT` records
//! the same risk without acting).
//!
//! * **Compromised credentials** ([`password`]): a password on the breached list
//!   (`risk::breached`) is detected whenever the server sees the password (password sign-ins,
//!   sign-up, password changes; SRP never sends it, as with AWS, which detects compromised
//!   credentials only where the password reaches it). The event records
//!   `CompromisedCredentialsDetected`; with `EventAction` `BLOCK` for an event in the
//!   configuration's `EventFilter` (all three when it has none) the sign-in is refused with
//!   `NotAuthorizedException` and a sign-up or change with `InvalidPasswordException`.
//! * **IP exceptions** ([`sign_in`]): a sign-in from a `BlockedIPRangeList` address is refused
//!   (`RiskDecision` `Block`); one from a `SkippedIPRangeList` address is not assessed at all.
//! * **Account takeover** ([`sign_in`]): the server cannot see what AWS's model weighs
//!   (address reputation, impossible travel, bot signals), so it only ever finds a `Low` risk,
//!   for a sign-in from an address or a device (user agent) that none of the user's earlier
//!   passed sign-ins came from. A user's first sign-in has nothing to compare with and is no
//!   risk. The configuration's `LowAction` is then taken: `BLOCK` refuses the sign-in;
//!   `MFA_REQUIRED` refuses it when the user has no MFA factor on (and otherwise lets the
//!   pool's MFA ask for one, as it does); `MFA_IF_CONFIGURED` and `NO_ACTION` let it go on.
//!   With `Notify`, the user is emailed the configuration's template for what was done
//!   (`BlockEmail`, `MfaEmail`, `NoActionEmail`), carrying the event's feedback token.
//!
//! The refusals' wordings are ours: AWS's were not found.

use std::net::IpAddr;

use cognito_idp::types::*;

use crate::domain::mask::{Delivery, Medium};
use crate::errors::{ApiError, ApiResult};
use crate::handlers::events::{self, Context, New, Risk};
use crate::handlers::mfa;
use crate::handlers::risk::config::{effective, in_ranges};
use crate::handlers::risk::{Mode, breached};
use crate::handlers::shared::{Text, outbox};
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};

/// The message of a refused sign-in (ours).
pub const BLOCKED: &str = "Unable to sign in because of a security risk detected for this request.";

/// What the password was given for, as `EventFilter` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// A sign-in (`SIGN_IN`).
    SignIn,
    /// `SignUp` (`SIGN_UP`).
    SignUp,
    /// A password change or reset (`PASSWORD_CHANGE`).
    PasswordChange,
}

impl Occasion {
    fn filter(self) -> &'static str {
        match self {
            Occasion::SignIn => "SIGN_IN",
            Occasion::SignUp => "SIGN_UP",
            Occasion::PasswordChange => "PASSWORD_CHANGE",
        }
    }
}

fn address(context: &Context) -> Option<IpAddr> {
    context.ip.as_deref().and_then(|ip| ip.parse().ok())
}

/// Checks `password` against the breached list for `occasion` (`user`: whose password it is,
/// when it exists). Marks the context so the event recorded next says so, and refuses the
/// operation when the configuration blocks it.
pub async fn password<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: Option<&str>,
    user: Option<&UserRecord>,
    password: &str,
    occasion: Occasion,
    context: &Context,
) -> ApiResult<()> {
    let mode = Mode::of(pool);
    if mode == Mode::Off || !breached::contains(password) {
        return Ok(());
    }
    let config = effective(svc, pool.id(), client_id).await?.unwrap_or_default();
    let exceptions = config.risk_exception_configuration.unwrap_or_default();
    if in_ranges(exceptions.skipped_ip_range_list.as_deref(), address(context)) {
        return Ok(());
    }
    context.compromised.store(true, std::sync::atomic::Ordering::Relaxed);
    let Some(compromised) = config.compromised_credentials_risk_configuration else { return Ok(()) };
    let filtered = compromised.event_filter.as_deref().unwrap_or_default();
    let applies = filtered.is_empty() || filtered.iter().any(|f| f.as_str() == occasion.filter());
    if mode != Mode::Enforced || !applies || compromised.actions.event_action.as_str() != "BLOCK" {
        return Ok(());
    }
    let risk = Risk { decision: "Block", level: None, compromised: true };
    match occasion {
        Occasion::SignIn => {
            if let Some(user) = user {
                let new = New { kind: "SignIn", response: "Fail", challenges: vec![("Password", "Success")], risk };
                events::record(svc, pool, user, context, new, None).await;
            }
            Err(ApiError::not_authorized(BLOCKED))
        }
        Occasion::SignUp | Occasion::PasswordChange => {
            if let Some(user) = user {
                let new = New { kind: "PasswordChange", response: "Fail", challenges: Vec::new(), risk };
                events::record(svc, pool, user, context, new, None).await;
            }
            Err(ApiError::invalid_password(
                "The password was found in a data breach and cannot be used; choose another one.",
            ))
        }
    }
}

/// The assessment of a sign-in whose first factor is proved, before MFA or tokens: records the
/// sign-in (in progress, with its risk) and takes the configured action.
pub async fn sign_in<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    client_id: &str,
    user: &UserRecord,
    context: &Context,
) -> ApiResult<()> {
    let mode = Mode::of(pool);
    if mode == Mode::Off {
        return Ok(());
    }
    let compromised = context.compromised();
    let config = effective(svc, pool.id(), Some(client_id)).await?.unwrap_or_default();
    let exceptions = config.risk_exception_configuration.clone().unwrap_or_default();
    let ip = address(context);
    let progress =
        |risk: Risk| New { kind: "SignIn", response: "InProgress", challenges: vec![("Password", "Success")], risk };
    let failed = |risk: Risk| New { kind: "SignIn", response: "Fail", challenges: vec![("Password", "Success")], risk };
    if in_ranges(exceptions.skipped_ip_range_list.as_deref(), ip) {
        events::record(svc, pool, user, context, progress(Risk { compromised, ..Risk::none() }), None).await;
        return Ok(());
    }
    if in_ranges(exceptions.blocked_ip_range_list.as_deref(), ip) {
        let risk = Risk { decision: "Block", level: None, compromised };
        if mode == Mode::Enforced {
            events::record(svc, pool, user, context, failed(risk), None).await;
            return Err(ApiError::not_authorized(BLOCKED));
        }
        events::record(svc, pool, user, context, progress(risk), None).await;
        return Ok(());
    }
    let (ips, devices, earlier) = events::known_origins(svc, pool, user).await;
    let new_ip = context.ip.as_ref().is_some_and(|ip| !ips.contains(ip));
    let new_device = context.device_name.as_ref().is_some_and(|d| !devices.contains(d));
    if earlier == 0 || !(new_ip || new_device) {
        events::record(svc, pool, user, context, progress(Risk { compromised, ..Risk::none() }), None).await;
        return Ok(());
    }
    let risk = Risk { decision: "AccountTakeover", level: Some("Low"), compromised };
    let takeover = config.account_takeover_risk_configuration.as_ref();
    let action = takeover.and_then(|t| t.actions.low_action.clone());
    let Some(action) = action.filter(|_| mode == Mode::Enforced) else {
        events::record(svc, pool, user, context, progress(risk), None).await;
        return Ok(());
    };
    let has_mfa = mfa::mode(&pool.doc) != "OFF" && !mfa::UserMfa::of(user).enabled.is_empty();
    let (blocked, template) = match action.event_action.as_str() {
        "BLOCK" => (true, Template::Block),
        "MFA_REQUIRED" if !has_mfa => (true, Template::Block),
        "MFA_REQUIRED" | "MFA_IF_CONFIGURED" if has_mfa => (false, Template::Mfa),
        _ => (false, Template::NoAction),
    };
    let token = action.notify.then(events::feedback_token);
    let hash = token.as_ref().map(|(_, hash)| hash.clone());
    let new = if blocked { failed(Risk { decision: "Block", ..risk }) } else { progress(risk) };
    let event_id = events::record(svc, pool, user, context, new, hash).await;
    if let (Some((token, _)), Some(event_id), Some(takeover)) = (token, event_id, takeover) {
        notify(svc, pool, user, context, takeover.notify_configuration.as_ref(), template, &event_id, &token).await;
    }
    if blocked { Err(ApiError::not_authorized(BLOCKED)) } else { Ok(()) }
}

/// Which of the configuration's emails a notification is.
#[derive(Debug, Clone, Copy)]
enum Template {
    Block,
    Mfa,
    NoAction,
}

/// Emails the user about a risky sign-in (through the outbox; kind `ACCOUNT_TAKEOVER`, the
/// feedback token as the message's code). Users without an email address are not notified.
#[allow(clippy::too_many_arguments)]
async fn notify<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    context: &Context,
    config: Option<&NotifyConfigurationType>,
    template: Template,
    event_id: &str,
    token: &str,
) {
    let Some(email) = user.attribute("email") else { return };
    let chosen = config.and_then(|c| match template {
        Template::Block => c.block_email.clone(),
        Template::Mfa => c.mfa_email.clone(),
        Template::NoAction => c.no_action_email.clone(),
    });
    let (subject, body) = match chosen {
        Some(t) => (t.subject, t.text_body.or(t.html_body).unwrap_or_default()),
        None => match template {
            Template::Block => ("Blocked sign-in attempt".to_owned(), DEFAULT_BLOCK.to_owned()),
            Template::Mfa => ("New sign-in attempt".to_owned(), DEFAULT_MFA.to_owned()),
            Template::NoAction => ("New sign-in attempt".to_owned(), DEFAULT_NO_ACTION.to_owned()),
        },
    };
    let link = |value: &str| {
        format!(
            "{}/{}/feedback?event_id={event_id}&username={}&token={token}&value={value}",
            svc.settings.endpoint,
            pool.id(),
            user.username
        )
    };
    let now = crate::clock::timestamp(svc.clock.now_ms());
    let body = body
        .replace("{username}", &user.username)
        .replace("{ip-address}", context.ip.as_deref().unwrap_or("unknown"))
        .replace("{city}", "null")
        .replace("{country}", "null")
        .replace("{login-time}", &now.to_string())
        .replace("{device-name}", context.device_name.as_deref().unwrap_or("unknown"))
        .replace("{one-click-link-valid}", &link("Valid"))
        .replace("{one-click-link-invalid}", &link("Invalid"));
    let to = Delivery::new(Medium::Email, email);
    let text = Text { message: Some(body), subject: Some(subject) };
    let messages = outbox(svc, pool.id(), &user.username, "ACCOUNT_TAKEOVER", &to, token, text);
    if !messages.is_empty()
        && let Err(e) = svc.store.add_outbox(messages).await
    {
        tracing::warn!(error = %e, "storing an account takeover notification failed");
    }
}

/// The default block notification (ours; AWS's default text was not found).
const DEFAULT_BLOCK: &str = "We blocked an unrecognized sign-in to your account {username} from {device-name} at \
{ip-address} on {login-time}. If this was you, confirm it: {one-click-link-valid}. If not, tell us: \
{one-click-link-invalid}.";
/// The default MFA notification (ours).
const DEFAULT_MFA: &str = "We asked for a second factor for an unrecognized sign-in to your account {username} \
from {device-name} at {ip-address} on {login-time}. If this was you: {one-click-link-valid}. If not: \
{one-click-link-invalid}.";
/// The default no-action notification (ours).
const DEFAULT_NO_ACTION: &str = "We noticed an unrecognized sign-in to your account {username} from {device-name} \
at {ip-address} on {login-time}. If this was you: {one-click-link-valid}. If not: {one-click-link-invalid}.";
