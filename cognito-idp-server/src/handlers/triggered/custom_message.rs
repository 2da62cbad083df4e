//! CustomMessage (AWS's developer guide, "Custom message Lambda trigger"): called before every
//! email or SMS a pool sends with a code in it, so that the function can write the message.
//!
//! The event (the guide's parameters; aws-lambda-rust-runtime's
//! `CognitoEventUserPoolsCustomMessageRequest` and its fixture
//! `example-cognito-event-userpools-custommessage.json`; real events quoted in
//! DefinitelyTyped pull request 62357 and in projects' comments):
//! - `request.userAttributes`: the user's attributes with `sub` and `cognito:user_status`;
//! - `request.codeParameter`: `{####}`, the placeholder the function puts where the code goes;
//! - `request.usernameParameter`: `{username}` for `CustomMessage_AdminCreateUser`, `null` for
//!   every other source ("usernameParameter only has a value on AdminCreateUser", DefinitelyTyped
//!   pull request 62357, which captured every source);
//! - `request.linkParameter`: `{##Click Here##}` on the verification and password-reset
//!   messages (captured on `CustomMessage_SignUp` and `CustomMessage_ForgotPassword` events);
//! - `request.clientMetadata`: the operation's `ClientMetadata`, when it has one (captured
//!   events without it carry no such member);
//! - `response.smsMessage`, `emailMessage`, `emailSubject`: `null`.
//!
//! The answer, member by member:
//! - `null` (or absent) keeps the pool's own text for that part ("when returned as null, the
//!   value from the Cognito Settings is used", DefinitelyTyped pull request 62357);
//! - for `CustomMessage_AdminCreateUser`, a message without both `{username}` and `{####}` is
//!   replaced by the pool's, silently (awsdocs/amazon-cognito-developer-guide pull request 31:
//!   "If this is not the case, the default message is used instead and no warning is given");
//! - for every other source, an email body must match the pattern of the pool's templates
//!   (`{####}` in it, letters, marks, symbols, numbers, punctuation and white space around it),
//!   else the operation fails with `InvalidParameterException` worded as a validation error of
//!   `emailBody` (quoted in amazon-archives/amazon-cognito-identity-js issue 99,
//!   aws-amplify/amplify-js issue 6917 and aws/aws-lambda-go issue 330; AWS's engineer in
//!   amazon-cognito-identity-js issue 446: "The message needs to satisfy this regex"). An SMS
//!   without `{####}` fails the same way, as `smsMessage` (the member name in that message is
//!   ours: no real answer for SMS was found);
//! - a message longer than AWS's limits once the code is in it (email 20,000 characters, SMS
//!   140: the guide, "This length includes the verification code") is replaced by the pool's,
//!   silently (amazon-cognito-identity-js issue 396: a 27,535-character email "reverts back to
//!   the default message"; keboola/developer-portal issue 30: ignored "without any error");
//! - a subject that is not one AWS's `EmailSubject` takes (at most 140 characters of the same
//!   classes) is replaced by the pool's (ours, by analogy with the bodies).
//!
//! The placeholders are then replaced: `{####}` by the code, and in invitations `{username}`
//! by the username. Other messages keep a `{username}` as it is: "interpolation of
//! `{username}` is not supported in verification emails", and such a message reached users
//! with the placeholder in it (aws/aws-cdk issue 7597).

use std::collections::BTreeMap;

use awsjson_types::Pattern;
use serde_json::Value;

use crate::errors::{ApiError, ApiResult};
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::Trigger;
use crate::triggers::event::{self, Envelope};

/// `request.codeParameter`.
pub const CODE_PARAMETER: &str = "{####}";
/// `request.usernameParameter` of `CustomMessage_AdminCreateUser`.
pub const USERNAME_PARAMETER: &str = "{username}";
/// `request.linkParameter` of verification and reset messages.
pub const LINK_PARAMETER: &str = "{##Click Here##}";

/// The longest email body, code included (the guide: 20,000 UTF-8 characters).
pub const MAX_EMAIL: usize = 20_000;
/// The longest SMS, code included (the guide: 140 UTF-8 characters).
pub const MAX_SMS: usize = 140;
/// The longest subject (`EmailSubject` of AWS's `MessageTemplateType`).
pub const MAX_SUBJECT: usize = 140;

/// The pattern of email bodies (`EmailMessage` of `MessageTemplateType` and
/// `VerificationMessageTemplateType`, and the one AWS's answers quote for `emailBody`).
pub static EMAIL_BODY: Pattern =
    Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*");
/// The pattern of subjects (`EmailSubject`).
pub static SUBJECT: Pattern = Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+");

/// Why a message is sent: the trigger sources of the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `SignUp`'s confirmation code.
    SignUp,
    /// `ResendConfirmationCode`'s.
    ResendCode,
    /// `ForgotPassword`'s and `AdminResetUserPassword`'s reset code.
    ForgotPassword,
    /// The code sent when an update changes an email address or phone number.
    UpdateUserAttribute,
    /// `GetUserAttributeVerificationCode`'s.
    VerifyUserAttribute,
    /// `AdminCreateUser`'s temporary password.
    AdminCreateUser,
    /// Sign-in codes: SMS and email MFA, and email and SMS one-time passwords.
    Authentication,
}

impl Source {
    /// `triggerSource`.
    pub fn trigger_source(self) -> &'static str {
        match self {
            Source::SignUp => "CustomMessage_SignUp",
            Source::ResendCode => "CustomMessage_ResendCode",
            Source::ForgotPassword => "CustomMessage_ForgotPassword",
            Source::UpdateUserAttribute => "CustomMessage_UpdateUserAttribute",
            Source::VerifyUserAttribute => "CustomMessage_VerifyUserAttribute",
            Source::AdminCreateUser => "CustomMessage_AdminCreateUser",
            Source::Authentication => "CustomMessage_Authentication",
        }
    }

    /// Whether its messages may be verification links (`linkParameter`).
    fn has_link(self) -> bool {
        !matches!(self, Source::AdminCreateUser | Source::Authentication)
    }
}

/// The three texts of a message, placeholders in them or filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The SMS.
    pub sms: String,
    /// The email's body.
    pub email: String,
    /// The email's subject.
    pub subject: String,
}

impl Template {
    /// The texts with `{####}` replaced by `code` and, when given (invitations), `{username}`
    /// by `username`.
    pub fn fill(&self, code: &str, username: Option<&str>) -> Template {
        Template {
            sms: fill(&self.sms, code, username),
            email: fill(&self.email, code, username),
            subject: self.subject.clone(),
        }
    }
}

fn fill(text: &str, code: &str, username: Option<&str>) -> String {
    let text = text.replace(CODE_PARAMETER, code);
    match username {
        Some(username) => text.replace(USERNAME_PARAMETER, username),
        None => text,
    }
}

/// What the operation knows about the message it sends.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Why it is sent.
    pub source: Source,
    /// The app client the operation came through (`None` for administrators' operations).
    pub client_id: Option<&'a str>,
    /// The operation's `ClientMetadata`.
    pub metadata: Option<&'a BTreeMap<String, String>>,
}

/// The texts to send `user`, `code` (and username) in them: the pool's `template`, or what its
/// CustomMessage function answered, by the rules above.
pub async fn run<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    request: Request<'_>,
    template: Template,
    code: &str,
) -> ApiResult<Template> {
    let admin = request.source == Source::AdminCreateUser;
    let username = admin.then_some(user.username.as_str());
    let filled = |t: &Template| t.fill(code, username);
    if crate::triggers::function_of(&pool.doc, Trigger::CustomMessage).is_none() {
        return Ok(filled(&template));
    }
    let source = request.source;
    let mut envelope = Envelope::new(
        &svc.settings.region,
        pool.id(),
        source.trigger_source(),
        Some(&user.username),
        Some(request.client_id.unwrap_or(super::NO_CLIENT)),
    )
    .request("userAttributes", super::user_attributes(pool, user))
    .request("codeParameter", CODE_PARAMETER);
    if source.has_link() {
        envelope = envelope.request("linkParameter", LINK_PARAMETER);
    }
    let username_parameter =
        if source == Source::AdminCreateUser { Value::from(USERNAME_PARAMETER) } else { Value::Null };
    envelope = envelope.request("usernameParameter", username_parameter);
    if let Some(metadata) = request.metadata {
        envelope = envelope.request("clientMetadata", event::metadata(Some(metadata)));
    }
    let envelope = envelope
        .response("smsMessage", Value::Null)
        .response("emailMessage", Value::Null)
        .response("emailSubject", Value::Null);
    let Some(answer) = svc.triggers.invoke(&pool.doc, Trigger::CustomMessage, envelope).await? else {
        return Ok(filled(&template));
    };
    let member = |name: &str| -> ApiResult<Option<String>> {
        match answer.get("response").and_then(|r| r.get(name)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            // Not a string where AWS reads one: the output is not what a function may answer.
            Some(_) => Err(ApiError::new(
                cognito_idp::ErrorCode::InvalidLambdaResponseException,
                "Unrecognizable lambda output",
            )),
        }
    };
    let defaults = filled(&template);
    let mut out = defaults.clone();
    let has_placeholders = |text: &str| text.contains(CODE_PARAMETER) && (!admin || text.contains(USERNAME_PARAMETER));
    if let Some(email) = member("emailMessage")? {
        if admin && !has_placeholders(&email) {
            // The pool's own message, silently (see above).
        } else {
            if !admin && !EMAIL_BODY.is_match(&email) {
                return Err(pattern_error("emailBody", &email, EMAIL_BODY.source()));
            }
            let text = fill(&email, code, username);
            if text.chars().count() <= MAX_EMAIL {
                out.email = text;
            }
        }
    }
    if let Some(sms) = member("smsMessage")? {
        if admin && !has_placeholders(&sms) {
            // As for the email.
        } else {
            if !sms.contains(CODE_PARAMETER) {
                return Err(pattern_error("smsMessage", &sms, r".*\{####\}.*"));
            }
            let text = fill(&sms, code, username);
            if text.chars().count() <= MAX_SMS {
                out.sms = text;
            }
        }
    }
    if let Some(subject) = member("emailSubject")?
        && subject.chars().count() <= MAX_SUBJECT
        && SUBJECT.is_match(&subject)
    {
        out.subject = subject;
    }
    Ok(out)
}

/// `InvalidParameterException` for a message that does not match `pattern`, as AWS words a
/// validation error.
fn pattern_error(member: &str, value: &str, pattern: &str) -> ApiError {
    ApiError::invalid_parameter(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_the_patterns_are_aws() {
        let template = Template {
            sms: "{username}: {####}".into(),
            email: "Hi {username}, {####} and {####}".into(),
            subject: "{####} stays".into(),
        };
        let filled = template.fill("123456", Some("ana"));
        assert_eq!(filled.sms, "ana: 123456");
        assert_eq!(filled.email, "Hi ana, 123456 and 123456");
        assert_eq!(filled.subject, "{####} stays", "the code never goes in a subject");
        assert_eq!(template.fill("123456", None).sms, "{username}: 123456", "only invitations name the user");
        assert!(EMAIL_BODY.is_match("<p>Your code: <b>{####}</b></p>\n"));
        assert!(!EMAIL_BODY.is_match("No code here"));
        // Java's \s is ASCII: a no-break space fails the pattern (amplify-js issue 6917).
        assert!(!EMAIL_BODY.is_match("Code {####}\u{a0}now"));
        assert!(SUBJECT.is_match("Welcome!"));
        assert!(!SUBJECT.is_match(""));
    }
}
