//! Every email and SMS a user is sent is composed here: the pool's template for the occasion
//! (or AWS's default text), what the pool's CustomMessage trigger makes of it
//! ([`custom_message`]), the code and username put in, and the outbox messages that record the
//! text delivered ([`outbox`]), to be stored with the change that sends them. A medium the
//! pool's custom sender trigger delivers ([`custom_sender`]) gets no text: its code is handed
//! to the function once the change is stored ([`Sent::hand_off`]).
//!
//! The pool's templates, by occasion:
//! - verification codes (`SignUp`, `ResendConfirmationCode`, attribute updates and
//!   `GetUserAttributeVerificationCode`): `VerificationMessageTemplate` (`EmailMessage`,
//!   `EmailSubject`, `SmsMessage`), else AWS's default, `Your verification code is {####}. `
//!   (the text Cognito used before AWS CDK set one of its own, aws/aws-cdk issue 7597) with the
//!   subject `Your verification code`;
//! - password-reset codes: the same template when the pool sets one (a pool owner who changed
//!   it saw the reset email change, WikiWatershed/monitor-my-watershed issue 636), else AWS's
//!   `Your password reset code is {####}` with the subject `Your verification code` (the email
//!   quoted in the same issue);
//! - temporary passwords (`AdminCreateUser`): `AdminCreateUserConfig.InviteMessageTemplate`,
//!   else `Your username is {username} and temporary password is {####}. ` with the subject
//!   `Your temporary password` (the console's default invitation, which many pools' templates
//!   repeat);
//! - sign-in codes: `SmsAuthenticationMessage` for SMS, the email MFA configuration's message
//!   and subject for email (given by the caller, see `mfa::authentication_template`), else
//!   `Your authentication code is {####}. ` (ours: AWS's default text was not found).

use std::collections::BTreeMap;

use crate::domain::mask::{Delivery, Medium};
use crate::errors::ApiResult;
use crate::handlers::shared::{Text, outbox};
use crate::handlers::triggered::custom_message::{self, Request, Source, Template};
use crate::handlers::triggered::custom_sender::{self, Handoff};
use crate::state::{Cognito, Pool};
use crate::store::{OutboxMessage, Store, UserRecord};

/// AWS's default verification message.
pub const DEFAULT_VERIFICATION: &str = "Your verification code is {####}. ";
/// AWS's default verification subject.
pub const DEFAULT_VERIFICATION_SUBJECT: &str = "Your verification code";
/// AWS's default password-reset message.
pub const DEFAULT_RESET: &str = "Your password reset code is {####}";
/// AWS's default invitation.
pub const DEFAULT_INVITATION: &str = "Your username is {username} and temporary password is {####}. ";
/// AWS's default invitation subject.
pub const DEFAULT_INVITATION_SUBJECT: &str = "Your temporary password";
/// The default sign-in code message (ours).
pub const DEFAULT_AUTHENTICATION: &str = "Your authentication code is {####}. ";
/// The default sign-in code subject (ours).
pub const DEFAULT_AUTHENTICATION_SUBJECT: &str = "Your authentication code";

/// Why a message is sent, and what the operation that sends it knows.
#[derive(Debug, Clone, Copy)]
pub struct Occasion<'a> {
    /// The CustomMessage source.
    pub source: Source,
    /// The outbox's `kind`.
    pub kind: &'a str,
    /// The app client the operation came through, if any.
    pub client_id: Option<&'a str>,
    /// The operation's `ClientMetadata`.
    pub metadata: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Occasion<'a> {
    /// An occasion of `source`, recorded as `kind`, with no client and no metadata.
    pub fn new(source: Source, kind: &'a str) -> Occasion<'a> {
        Occasion { source, kind, client_id: None, metadata: None }
    }

    /// The same, through app client `client_id`.
    pub fn client(mut self, client_id: &'a str) -> Occasion<'a> {
        self.client_id = Some(client_id);
        self
    }

    /// The same, with the operation's `ClientMetadata`.
    pub fn metadata(mut self, metadata: Option<&'a BTreeMap<String, String>>) -> Occasion<'a> {
        self.metadata = metadata;
        self
    }
}

fn given(value: Option<&String>) -> Option<String> {
    value.filter(|v| !v.is_empty()).cloned()
}

/// The pool's template for `source` (AWS's defaults where the pool sets none). Sign-in codes
/// by email use the email MFA configuration, which the MFA module reads and puts in.
pub fn template(pool: &Pool, source: Source) -> Template {
    let doc = &pool.doc;
    let verification = doc.verification_message_template.as_ref();
    let from_verification = |default: &str, default_subject: &str| {
        let sms = given(verification.and_then(|t| t.sms_message.as_ref()))
            .or_else(|| given(doc.sms_verification_message.as_ref()));
        let email = given(verification.and_then(|t| t.email_message.as_ref()))
            .or_else(|| given(doc.email_verification_message.as_ref()));
        let subject = given(verification.and_then(|t| t.email_subject.as_ref()))
            .or_else(|| given(doc.email_verification_subject.as_ref()));
        Template {
            sms: sms.unwrap_or_else(|| default.to_owned()),
            email: email.unwrap_or_else(|| default.to_owned()),
            subject: subject.unwrap_or_else(|| default_subject.to_owned()),
        }
    };
    match source {
        Source::SignUp | Source::ResendCode | Source::UpdateUserAttribute | Source::VerifyUserAttribute => {
            from_verification(DEFAULT_VERIFICATION, DEFAULT_VERIFICATION_SUBJECT)
        }
        Source::ForgotPassword => from_verification(DEFAULT_RESET, DEFAULT_VERIFICATION_SUBJECT),
        Source::AdminCreateUser => {
            let invite = doc.admin_create_user_config.as_ref().and_then(|c| c.invite_message_template.as_ref());
            Template {
                sms: given(invite.and_then(|t| t.sms_message.as_ref()))
                    .unwrap_or_else(|| DEFAULT_INVITATION.to_owned()),
                email: given(invite.and_then(|t| t.email_message.as_ref()))
                    .unwrap_or_else(|| DEFAULT_INVITATION.to_owned()),
                subject: given(invite.and_then(|t| t.email_subject.as_ref()))
                    .unwrap_or_else(|| DEFAULT_INVITATION_SUBJECT.to_owned()),
            }
        }
        Source::Authentication => Template {
            sms: given(doc.sms_authentication_message.as_ref()).unwrap_or_else(|| DEFAULT_AUTHENTICATION.to_owned()),
            email: DEFAULT_AUTHENTICATION.to_owned(),
            subject: DEFAULT_AUTHENTICATION_SUBJECT.to_owned(),
        },
    }
}

/// What composing a message made: the outbox messages to store with the change that sends it,
/// and the custom sender hand-offs to make once that change is stored.
#[derive(Debug, Default)]
pub struct Sent {
    /// The outbox messages (a message a custom sender delivers is recorded without text).
    pub outbox: Vec<OutboxMessage>,
    handoffs: Vec<Handoff>,
}

impl Sent {
    /// Splits off the outbox messages, to store; the rest is handed off after.
    pub fn take_outbox(&mut self) -> Vec<OutboxMessage> {
        std::mem::take(&mut self.outbox)
    }

    /// Hands the codes to the pool's custom senders: call once the change that sends them is
    /// stored (a change that failed sends nothing).
    pub async fn hand_off<S: Store>(self, svc: &Cognito<S>) {
        for handoff in self.handoffs {
            handoff.send(svc).await;
        }
    }
}

/// Composes what `user` is sent for `occasion` with `code` (a code or a temporary password)
/// to each of `to`, from `template`: the CustomMessage trigger is asked once for all of them,
/// except those a custom sender delivers. Returns what to store with the change that sends
/// them and what to hand off after (nothing when `to` is empty: nothing is sent, and nothing
/// is asked).
pub async fn compose_with<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    occasion: Occasion<'_>,
    to: &[Delivery],
    code: &str,
    template: Template,
) -> ApiResult<Sent> {
    let mut sent = Sent::default();
    if to.is_empty() {
        return Ok(sent);
    }
    let request = Request { source: occasion.source, client_id: occasion.client_id, metadata: occasion.metadata };
    let mut texts = None;
    for delivery in to {
        let text = match custom_sender::sender_of(pool, delivery.medium) {
            Some(trigger) => {
                sent.handoffs.extend(custom_sender::prepare(svc, pool, user, request, trigger, code));
                Text { message: None, subject: None }
            }
            None => {
                let texts = match &texts {
                    Some(texts) => texts,
                    None => texts.insert(custom_message::run(svc, pool, user, request, template.clone(), code).await?),
                };
                match delivery.medium {
                    Medium::Sms => Text { message: Some(texts.sms.clone()), subject: None },
                    Medium::Email => Text { message: Some(texts.email.clone()), subject: Some(texts.subject.clone()) },
                }
            }
        };
        sent.outbox.extend(outbox(svc, pool.id(), &user.username, occasion.kind, delivery, code, text));
    }
    Ok(sent)
}

/// [`compose_with`] the pool's template for the occasion.
pub async fn compose<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    occasion: Occasion<'_>,
    to: &[Delivery],
    code: &str,
) -> ApiResult<Sent> {
    let template = template(pool, occasion.source);
    compose_with(svc, pool, user, occasion, to, code, template).await
}
