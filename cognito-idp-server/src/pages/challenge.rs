//! What follows a correct password on the managed login pages, `POST /challenge`: a new
//! password for a user on a temporary one (`NEW_PASSWORD_REQUIRED`), an MFA code (TOTP, SMS or
//! email), the choice between MFA factors (`SELECT_MFA_TYPE`), and TOTP set-up with a QR code
//! (`MFA_SETUP`, through `AssociateSoftwareToken` and `VerifySoftwareToken` with the session).
//! Each form carries the challenge's session, as the API's answer would; the answer goes
//! through the API's own code ([`respond::browser_answer`]).

use std::collections::{BTreeMap, HashMap};

use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use cognito_idp::ErrorCode;
use cognito_idp::types::{AssociateSoftwareTokenRequest, VerifySoftwareTokenRequest};
use maud::{Markup, PreEscaped, html};

use super::context::{self, Page, PageRequest};
use super::layout::{Frame, csrf, field, look, optional_field, page as frame_page};
use crate::domain::password;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::flow::Outcome;
use crate::handlers::auth::respond;
use crate::handlers::mfa::software_token;
use crate::oauth::authorize::{self};
use crate::oauth::browser;
use crate::state::Cognito;
use crate::store::Store;

/// Where the `MFA_SETUP` page keeps the secret it showed, among the challenge's parameters.
const SECRET_CODE: &str = "SECRET_CODE";

/// A form whose CSRF token is missing or expired.
pub const EXPIRED_FORM: &str = "This form has expired. Please try again.";

/// Where a step leaves the browser.
// A step is made once per request and moved straight to its caller: boxing the page would
// only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Step {
    /// A response to send (a redirect to the app, or the next challenge's page).
    Done(Response),
    /// The step failed with this message; the caller shows its form again.
    Failed(Page, String),
}

/// A challenge waiting for its answer.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// The challenge's name.
    pub challenge: String,
    /// Its session.
    pub session: String,
    /// Its parameters.
    pub parameters: BTreeMap<String, String>,
    /// `AvailableChallenges` (of `SELECT_CHALLENGE`).
    pub available: Vec<String>,
}

/// Turns a sign-in step into what the browser sees: signed in (the session cookie, and the
/// code or tokens to the app), a challenge page, or a failure for the caller's form.
pub async fn proceed<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: &str,
    outcome: ApiResult<Outcome>,
) -> ApiResult<Step> {
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) if e.code == ErrorCode::InternalErrorException => return Err(e),
        Err(e) => return Ok(Step::Failed(page, e.message)),
    };
    if let Some(user) = outcome.signed_in {
        let response =
            authorize::signed_in(svc, &page.site, &page.auth, &user, &page.seen, page.jar, Default::default()).await?;
        return Ok(Step::Done(response));
    }
    let (Some(challenge), Some(session)) = (outcome.challenge_name, outcome.session) else {
        return Err(ApiError::internal("a sign-in step ended with neither a user nor a challenge"));
    };
    let pending = Pending {
        challenge,
        session,
        parameters: outcome.parameters,
        available: outcome.available.unwrap_or_default(),
    };
    Ok(Step::Done(render(svc, page, username, pending, None).await?))
}

/// The page of challenge `pending`.
pub async fn render<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: &str,
    mut pending: Pending,
    error: Option<&str>,
) -> ApiResult<Response> {
    let mut info: Option<String> = None;
    let title;
    let fields = match pending.challenge.as_str() {
        "NEW_PASSWORD_REQUIRED" => {
            title = "Change Password";
            info = Some("Please enter a new password.".into());
            let required: Vec<String> = pending
                .parameters
                .get("requiredAttributes")
                .and_then(|v| serde_json::from_str(v).ok())
                .unwrap_or_default();
            html! {
                (field("newPassword", "password", "New Password", "password", "new-password", None))
                (field("confirmPassword", "confirmPassword", "Enter New Password Again", "password", "new-password", None))
                @for name in &required {
                    @let name = name.trim_start_matches("userAttributes.");
                    (field(&format!("requiredAttribute-{name}"), &format!("requiredAttributes[{name}]"), name, "text", "off", None))
                }
            }
        }
        "SMS_MFA" | "EMAIL_OTP" | "SMS_OTP" | "SOFTWARE_TOKEN_MFA" => {
            title = "Enter your code";
            info = Some(match (pending.challenge.as_str(), pending.parameters.get("CODE_DELIVERY_DESTINATION")) {
                ("SOFTWARE_TOKEN_MFA", _) => "Enter the code from your authenticator app.".into(),
                (_, Some(to)) => format!(
                    "We have delivered the authentication code to {to}. Please enter the code to complete authentication."
                ),
                _ => "Please enter the code you received.".into(),
            });
            html! { (field("verificationCode", "code", "Code", "text", "one-time-code", None)) }
        }
        "SELECT_MFA_TYPE" => {
            title = "Choose how to receive your code";
            let choices: Vec<String> = pending
                .parameters
                .get("MFAS_CAN_CHOOSE")
                .and_then(|v| serde_json::from_str(v).ok())
                .unwrap_or_default();
            choice_list("mfaType", &choices)
        }
        "SELECT_CHALLENGE" => {
            title = "Choose how to sign in";
            let choices: Vec<String> =
                pending.available.iter().filter(|c| c.as_str() != "PASSWORD_SRP").cloned().collect();
            // Choosing PASSWORD answers with the password in the same call (ChallengeResponses
            // ANSWER and PASSWORD), so the form has the field; optional, for the other choices.
            let password = choices.iter().any(|c| c == "PASSWORD");
            html! {
                (choice_list("challengeChoice", &choices))
                @if password {
                    label class="label-customizable" for="challengePassword" { "Password (to sign in with your password)" }
                    input id="challengePassword" name="password" type="password" autocomplete="current-password"
                        class="form-control inputField-customizable";
                }
            }
        }
        "WEB_AUTHN" => {
            title = "Sign in with your passkey";
            info = Some("Use the passkey on this device or on a security key.".into());
            let options = pending.parameters.get("CREDENTIAL_REQUEST_OPTIONS").cloned().unwrap_or_default();
            passkey_fields(&options)
        }
        "MFA_SETUP" => {
            title = "Set up your authenticator app";
            // The secret is associated once; a wrong code shows the same one again (it is
            // carried in the form's parameters, the session put back by the API).
            let secret = match pending.parameters.get(SECRET_CODE) {
                Some(secret) => secret.clone(),
                None => {
                    let associated = software_token::associate_software_token(
                        svc,
                        AssociateSoftwareTokenRequest { access_token: None, session: Some(pending.session.clone()) },
                    )
                    .await;
                    let associated = match associated {
                        Ok(associated) => associated,
                        Err(e) if e.code == ErrorCode::InternalErrorException => return Err(e),
                        Err(e) => {
                            return Ok(super::sign_in_form::render(svc, page, Some(username), Some(&e.message)).await);
                        }
                    };
                    pending.session = associated.session.unwrap_or_default();
                    let secret = associated.secret_code.unwrap_or_default();
                    pending.parameters.insert(SECRET_CODE.to_owned(), secret.clone());
                    secret
                }
            };
            let issuer = page.site.pool.doc.name.clone().unwrap_or_else(|| "Cognito".into());
            let uri = format!(
                "otpauth://totp/{}:{}?secret={secret}&issuer={}",
                encode(&issuer),
                encode(username),
                encode(&issuer)
            );
            let qr = qrcode::QrCode::new(uri.as_bytes())
                .map(|code| code.render::<qrcode::render::svg::Color>().min_dimensions(180, 180).build())
                .unwrap_or_default();
            info = Some("Scan the QR code with your authenticator app, then enter the code it shows.".into());
            html! {
                figure id="totpQrCode" aria-label="QR code of the authenticator secret" { (PreEscaped(qr)) }
                p class="textDescription-customizable" { "Or enter this secret: " code id="totpSecret" { (secret) } }
                (field("totpCode", "code", "Code from your authenticator app", "text", "one-time-code", None))
                (optional_field("deviceName", "deviceName", "Device name (optional)", "text", "off"))
            }
        }
        other => {
            return Ok(super::sign_in_form::render(
                svc,
                page,
                Some(username),
                Some(&format!("The sign-in step {other} is not available on these pages.")),
            )
            .await);
        }
    };
    let look = look(svc, &page).await;
    let frame = Frame {
        site: &page.site,
        title,
        error,
        info: info.as_deref(),
        css: look.css.as_deref(),
        logo: look.logo.as_deref(),
    };
    let body = html! {
        form method="post" action=(page.action("/challenge")) name="cognitoChallengeForm" {
            (csrf(&page.csrf))
            input type="hidden" name="challenge" value=(pending.challenge);
            input type="hidden" name="session" value=(pending.session);
            input type="hidden" name="username" value=(username);
            input type="hidden" name="parameters" value=(serde_json::to_string(&pending.parameters).unwrap_or_default());
            (fields)
            // The passkey's form is sent by its script, with the browser's answer.
            @if pending.challenge != "WEB_AUTHN" {
                input name="challengeSubmitButton" type="submit" class="btn btn-primary submitButton-customizable" value="Continue";
            }
        }
    };
    Ok((page.jar, Html(frame_page(&frame, body).into_string())).into_response())
}

/// The passkey step: the request options in a data attribute (escaped as any attribute), a
/// button whose script asks the browser for the passkey (`navigator.credentials.get`) and
/// sends the form with its answer as JSON (`CREDENTIAL`), as an app would.
fn passkey_fields(options: &str) -> Markup {
    html! {
        input type="hidden" name="credential" id="passkeyCredential";
        button type="button" id="passkeyButton" class="btn btn-primary submitButton-customizable" data-options=(options) {
            "Use your passkey"
        }
        script { (PreEscaped(PASSKEY_SCRIPT)) }
    }
}

/// The passkey button's script (static: the options come from the button's data attribute).
const PASSKEY_SCRIPT: &str = r#"
(() => {
  const button = document.getElementById("passkeyButton");
  const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), c => c.charCodeAt(0));
  button.addEventListener("click", async () => {
    const o = JSON.parse(button.dataset.options);
    const got = await navigator.credentials.get({publicKey: {
      challenge: unb64(o.challenge), rpId: o.rpId, timeout: o.timeout, userVerification: o.userVerification,
      allowCredentials: o.allowCredentials.map(c => ({type: c.type, id: unb64(c.id)}))}});
    document.getElementById("passkeyCredential").value = JSON.stringify({
      id: got.id, rawId: b64(got.rawId), type: got.type,
      authenticatorAttachment: got.authenticatorAttachment,
      clientExtensionResults: got.getClientExtensionResults(),
      response: {clientDataJSON: b64(got.response.clientDataJSON),
                 authenticatorData: b64(got.response.authenticatorData),
                 signature: b64(got.response.signature),
                 userHandle: got.response.userHandle ? b64(got.response.userHandle) : null}});
    button.form.submit();
  });
})();
"#;

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>().replace('+', "%20")
}

fn choice_list(name: &str, choices: &[String]) -> Markup {
    html! {
        fieldset {
            legend class="textDescription-customizable" { "Choose one" }
            @for (i, choice) in choices.iter().enumerate() {
                div {
                    input type="radio" id=(format!("{name}-{choice}")) name=(name) value=(choice) checked[i == 0];
                    label for=(format!("{name}-{choice}")) { (label_of(choice)) }
                }
            }
        }
    }
}

fn label_of(choice: &str) -> &str {
    match choice {
        "SMS_MFA" | "SMS_OTP" => "Text message (SMS)",
        "EMAIL_OTP" => "Email",
        "SOFTWARE_TOKEN_MFA" => "Authenticator app",
        "PASSWORD" => "Password",
        "WEB_AUTHN" => "Passkey",
        other => other,
    }
}

/// `POST /challenge`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    context::serve(&svc, request, async |page| {
        let get = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
        let username = get("username").to_owned();
        let pending = Pending {
            challenge: get("challenge").to_owned(),
            session: get("session").to_owned(),
            parameters: serde_json::from_str(get("parameters")).unwrap_or_default(),
            available: Vec::new(),
        };
        if !context::csrf_ok(&svc, &page, form.get(browser::CSRF_FIELD).map(String::as_str)).await? {
            return render(&svc, page, &username, pending, Some(EXPIRED_FORM)).await;
        }
        let mut responses = BTreeMap::from([("USERNAME".to_owned(), username.clone())]);
        let code = get("code").trim().to_owned();
        match pending.challenge.as_str() {
            "NEW_PASSWORD_REQUIRED" => {
                let new = get("password");
                if new != get("confirmPassword") {
                    return render(&svc, page, &username, pending, Some("Password confirmation must match.")).await;
                }
                // Checked before the answer takes the session, so that the user can try again.
                let policy = page
                    .site
                    .pool
                    .doc
                    .policies
                    .as_ref()
                    .and_then(|p| p.password_policy.clone())
                    .unwrap_or_else(password::default_policy);
                if let Err(e) = password::check(new, &policy) {
                    return render(&svc, page, &username, pending, Some(&e.message)).await;
                }
                responses.insert("NEW_PASSWORD".into(), new.to_owned());
                for (name, value) in &form {
                    if let Some(attribute) = name.strip_prefix("requiredAttributes[").and_then(|n| n.strip_suffix(']'))
                    {
                        responses.insert(format!("userAttributes.{attribute}"), value.clone());
                    }
                }
            }
            "SMS_MFA" => drop(responses.insert("SMS_MFA_CODE".into(), code)),
            "SMS_OTP" => drop(responses.insert("SMS_OTP_CODE".into(), code)),
            "EMAIL_OTP" => drop(responses.insert("EMAIL_OTP_CODE".into(), code)),
            "SOFTWARE_TOKEN_MFA" => drop(responses.insert("SOFTWARE_TOKEN_MFA_CODE".into(), code)),
            "SELECT_MFA_TYPE" => drop(responses.insert("ANSWER".into(), get("mfaType").to_owned())),
            "WEB_AUTHN" => drop(responses.insert("CREDENTIAL".into(), get("credential").to_owned())),
            "SELECT_CHALLENGE" => {
                let answer = get("challengeChoice");
                if answer == "PASSWORD" {
                    responses.insert("PASSWORD".into(), get("password").to_owned());
                }
                responses.insert("ANSWER".into(), answer.to_owned());
            }
            "MFA_SETUP" => {
                let verified = software_token::verify_software_token(
                    &svc,
                    VerifySoftwareTokenRequest {
                        access_token: None,
                        session: Some(pending.session.clone()),
                        user_code: code,
                        friendly_device_name: Some(get("deviceName").to_owned()).filter(|n| !n.is_empty()),
                    },
                )
                .await;
                match verified {
                    Ok(verified) => {
                        let session = verified.session.unwrap_or_default();
                        let outcome =
                            respond::browser_answer(&svc, &page.auth.app, "MFA_SETUP", &session, &responses).await;
                        return finish(&svc, page, &username, pending, outcome).await;
                    }
                    Err(e) if e.code == ErrorCode::InternalErrorException => return Err(e),
                    // The secret stays pending and the session was put back: the same set-up again.
                    Err(e) => return render(&svc, page, &username, pending, Some(&e.message)).await,
                }
            }
            _ => return Ok(super::sign_in_form::render(&svc, page, Some(&username), None).await),
        }
        let outcome =
            respond::browser_answer(&svc, &page.auth.app, &pending.challenge, &pending.session, &responses).await;
        finish(&svc, page, &username, pending, outcome).await
    })
    .await
}

/// After an answer: the next step, or the same challenge again with the error (while its
/// session lives: a wrong code may be retried), or the sign-in page (the session is gone).
async fn finish<S: Store>(
    svc: &Cognito<S>,
    page: Page,
    username: &str,
    pending: Pending,
    outcome: ApiResult<Outcome>,
) -> ApiResult<Response> {
    match proceed(svc, page, username, outcome).await? {
        Step::Done(response) => Ok(response),
        // An answer to SELECT_CHALLENGE spends its session whatever the outcome (a wrong
        // password included): the form cannot be answered again.
        Step::Failed(page, message) if message.contains("session") || pending.challenge == "SELECT_CHALLENGE" => {
            Ok(super::sign_in_form::render(svc, page, Some(username), Some(&message)).await)
        }
        Step::Failed(page, message) => render(svc, page, username, pending, Some(&message)).await,
    }
}
