//! MFA over HTTP with the generated client: the pool's MFA configuration, users' factors and
//! preferences, TOTP registration (codes computed here with RFC 6238, checked against the RFC's
//! vectors), and sign-in with `SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`, `SELECT_MFA_TYPE`
//! and `MFA_SETUP`. Time-dependent checks move the server's clock (`/_local/clock`) instead of
//! waiting.

mod common;

use std::collections::HashMap;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::{
    ClientBuilder, InProcessServer, PoolBuilder, UserBuilder, failure, invalid, pair, password_auth,
    respond_to_challenge as respond, sns_configuration as sns, wrong_code,
};

const PASSWORD: &str = "Correct-Horse-9";

/// RFC 6238 codes (HMAC-SHA-1, 30-second steps) computed here with `totp-rs`, checked against
/// the RFC's vectors so the test does not rest on the server's own code path.
mod rfc6238 {
    use totp_rs::{Algorithm, Secret, TOTP};

    /// The code of `secret` (base32) for step `step`, with `digits` digits.
    pub fn code(secret: &str, step: i64, digits: usize) -> String {
        let bytes = Secret::Encoded(secret.to_owned()).to_bytes().expect("base32");
        TOTP::new_unchecked(Algorithm::SHA1, digits, 0, 30, bytes).generate(step as u64 * 30)
    }

    #[test]
    fn matches_the_rfc_vectors() {
        let key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
        for (time, expected) in [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924")] {
            assert_eq!(code(key, time / 30, 8), expected);
        }
    }
}

/// The TOTP code of `secret` for the server's current step plus `drift` steps.
async fn code_now(url: &str, secret: &str, drift: i64) -> String {
    rfc6238::code(secret, (common::server_now_ms(url).await / 1000).div_euclid(30) + drift, 6)
}

/// A pool that sends email with SES (as email MFA requires), with `mode` MFA and the factors
/// `sms`, `totp`, `email`.
async fn pool_with(client: &Client, mode: &str, sms: bool, totp: bool, email: bool) -> String {
    let mut pool = PoolBuilder::new("mfa-factors").ses_email().mfa(mode);
    if sms {
        pool = pool.sms_mfa();
    }
    if totp {
        pool = pool.totp_mfa();
    }
    if email {
        pool = pool.email_mfa();
    }
    pool.create(client).await
}

/// An app client allowed to sign in with a password, whose sessions last 15 minutes.
async fn app_client(client: &Client, pool: &str) -> String {
    let flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
    ClientBuilder::new("app").flows(&flows).with(|c| c.auth_session_validity(15)).create(client, pool).await.id
}

/// A confirmed user with a permanent password, an email address and a phone number.
async fn user(client: &Client, pool: &str, username: &str) {
    let user = UserBuilder::new(username).email().attr("phone_number", "+14155550123").password(PASSWORD);
    user.create(client, pool).await;
}

async fn sign_in(client: &Client, app: &str, username: &str) -> InitiateAuthResponse {
    password_auth(client, app, username, PASSWORD).await.unwrap()
}

async fn access_token(client: &Client, app: &str, username: &str) -> String {
    let out = sign_in(client, app, username).await;
    assert_eq!(out.challenge_name, None, "no MFA challenge expected yet");
    out.authentication_result.unwrap().access_token.unwrap()
}

async fn mfa_of(client: &Client, pool: &str, username: &str) -> (Option<Vec<String>>, Option<String>) {
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await.unwrap();
    (user.user_mfa_setting_list, user.preferred_mfa_setting)
}

fn names(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|s| s.to_string()).collect())
}

#[tokio::test]
async fn pool_mfa_configuration_round_trips_and_is_validated() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = common::create_pool(&client, "config").await;

    let fresh = client.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(fresh.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OFF"));
    assert!(fresh.software_token_mfa_configuration.is_none() && fresh.sms_mfa_configuration.is_none());

    let set = client
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration("OPTIONAL")
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType { enabled: Some(true) })
        .send()
        .await
        .unwrap();
    assert_eq!(set.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OPTIONAL"));
    assert_eq!(set.software_token_mfa_configuration.and_then(|c| c.enabled), Some(true));
    let got = client.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(got.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OPTIONAL"));
    assert_eq!(got.software_token_mfa_configuration.and_then(|c| c.enabled), Some(true));
    let described = client.describe_user_pool().user_pool_id(&pool).send().await.unwrap().user_pool.unwrap();
    assert_eq!(described.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OPTIONAL"));

    // AWS's refusals.
    let enable_nothing = client.set_user_pool_mfa_config().user_pool_id(&pool).mfa_configuration("ON");
    assert_eq!(
        failure(enable_nothing.send().await),
        invalid("Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.")
    );
    let off_and_factor = client
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration("OFF")
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType { enabled: Some(true) });
    let off_message = "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";
    assert_eq!(failure(off_and_factor.send().await), invalid(off_message));
    // No MfaConfiguration means OFF.
    let no_mode = client
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType { enabled: Some(false) });
    assert_eq!(failure(no_mode.send().await), invalid(off_message));
    // Email MFA needs a pool that sends email with SES.
    let email =
        client.set_user_pool_mfa_config().user_pool_id(&pool).mfa_configuration("OPTIONAL").email_mfa_configuration(
            EmailMfaConfigType { message: Some("Code {####}".into()), subject: Some("Code".into()) },
        );
    assert_eq!(failure(email.send().await).0, "InvalidParameterException");
    // Nothing changed by the refusals.
    let got = client.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(got.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OPTIONAL"));

    // UpdateUserPool keeps the factors while MFA stays on, and drops them when it turns it off.
    client.update_user_pool().user_pool_id(&pool).mfa_configuration("OPTIONAL").send().await.unwrap();
    let got = client.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(got.software_token_mfa_configuration.and_then(|c| c.enabled), Some(true));
    client.update_user_pool().user_pool_id(&pool).send().await.unwrap();
    let got = client.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(got.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OFF"));
    assert!(got.software_token_mfa_configuration.is_none());

    // SMS, email and WebAuthn on a pool that sends email with SES; the SMS settings show in
    // DescribeUserPool too.
    let ses = pool_with(&client, "ON", true, true, true).await;
    let got = client.get_user_pool_mfa_config().user_pool_id(&ses).send().await.unwrap();
    assert_eq!(got.mfa_configuration.as_ref().map(|m| m.as_str()), Some("ON"));
    let sms = got.sms_mfa_configuration.unwrap();
    assert_eq!(sms.sms_authentication_message.as_deref(), Some("Your code is {####}"));
    assert_eq!(sms.sms_configuration, Some(sns()));
    assert_eq!(got.email_mfa_configuration.unwrap().subject.as_deref(), Some("Sign-in code"));
    let described = client.describe_user_pool().user_pool_id(&ses).send().await.unwrap().user_pool.unwrap();
    assert_eq!(described.sms_configuration, Some(sns()));
    assert_eq!(described.sms_authentication_message.as_deref(), Some("Your code is {####}"));
    let webauthn = WebAuthnConfigurationType {
        relying_party_id: Some("example.com".into()),
        user_verification: Some("preferred".into()),
        ..Default::default()
    };
    let off = client
        .set_user_pool_mfa_config()
        .user_pool_id(&ses)
        .mfa_configuration("OFF")
        .web_authn_configuration(webauthn.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(off.web_authn_configuration, Some(webauthn.clone()));
    let got = client.get_user_pool_mfa_config().user_pool_id(&ses).send().await.unwrap();
    assert!(got.sms_mfa_configuration.is_none() && got.email_mfa_configuration.is_none());
    assert_eq!(got.web_authn_configuration, Some(webauthn));

    let missing = client.get_user_pool_mfa_config().user_pool_id("us-east-1_nothere00");
    assert_eq!(
        failure(missing.send().await),
        pair("ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
    );
}

#[tokio::test]
async fn administrators_set_factors_and_preferences() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool_with(&client, "OPTIONAL", true, true, true).await;
    user(&client, &pool, "maria").await;
    client.admin_create_user().user_pool_id(&pool).username("nophone").message_action("SUPPRESS").send().await.unwrap();

    assert_eq!(mfa_of(&client, &pool, "maria").await, (None, None));
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("maria")
        .sms_mfa_settings(SmsMfaSettingsType { enabled: Some(true), preferred_mfa: None })
        .send()
        .await
        .unwrap();
    assert_eq!(mfa_of(&client, &pool, "maria").await, (names(&["SMS_MFA"]), None));

    let totp = client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("maria")
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType { enabled: Some(true), preferred_mfa: None });
    assert_eq!(
        failure(totp.send().await),
        invalid("User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
    );
    let sms = client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("nophone")
        .sms_mfa_settings(SmsMfaSettingsType { enabled: Some(true), preferred_mfa: None });
    assert_eq!(failure(sms.send().await), invalid("User does not have delivery config set to turn on SMS_MFA"));

    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("maria")
        .email_mfa_settings(EmailMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();
    assert_eq!(mfa_of(&client, &pool, "maria").await, (names(&["SMS_MFA", "EMAIL_OTP"]), Some("EMAIL_OTP".into())));
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("maria")
        .email_mfa_settings(EmailMfaSettingsType { enabled: Some(false), preferred_mfa: None })
        .send()
        .await
        .unwrap();
    assert_eq!(mfa_of(&client, &pool, "maria").await, (names(&["SMS_MFA"]), None));

    let unknown = client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("nobody")
        .sms_mfa_settings(SmsMfaSettingsType { enabled: Some(true), preferred_mfa: None });
    assert_eq!(failure(unknown.send().await), pair("UserNotFoundException", "User does not exist."));
}

#[tokio::test]
async fn software_tokens_register_and_codes_work_once_within_one_step_of_drift() {
    let server = InProcessServer::start().await;
    let url = server.url();
    let client = server.client();
    let pool = PoolBuilder::new("mfa").mfa("OPTIONAL").totp_mfa().create(&client).await;
    let app = app_client(&client, &pool).await;
    user(&client, &pool, "diego").await;
    let token = access_token(&client, &app, "diego").await;

    let associated = client.associate_software_token().access_token(&token).send().await.unwrap();
    let secret = associated.secret_code.unwrap();
    assert_eq!(secret.len(), 52);
    assert!(associated.session.is_none());
    // Before verification TOTP cannot be turned on.
    let early = client
        .set_user_mfa_preference()
        .access_token(&token)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) });
    assert_eq!(
        failure(early.send().await),
        invalid("User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
    );
    let code = code_now(&url, &secret, 0).await;
    let wrong = &wrong_code(&code);
    let mismatch = client.verify_software_token().access_token(&token).user_code(wrong);
    assert_eq!(
        failure(mismatch.send().await),
        pair("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
    );
    let verified = client
        .verify_software_token()
        .access_token(&token)
        .user_code(&code)
        .friendly_device_name("phone")
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status.as_ref().map(|s| s.as_str()), Some("SUCCESS"));
    client
        .set_user_mfa_preference()
        .access_token(&token)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();
    assert_eq!(
        mfa_of(&client, &pool, "diego").await,
        (names(&["SOFTWARE_TOKEN_MFA"]), Some("SOFTWARE_TOKEN_MFA".into()))
    );

    // The code VerifySoftwareToken accepted cannot sign in.
    let challenge = sign_in(&client, &app, "diego").await;
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("SOFTWARE_TOKEN_MFA"));
    let reused = respond(
        &client,
        &app,
        "SOFTWARE_TOKEN_MFA",
        challenge.session,
        &[("USERNAME", "diego"), ("SOFTWARE_TOKEN_MFA_CODE", &code)],
    );
    assert_eq!(failure(reused.await), pair("ExpiredCodeException", "Your software token has already been used once."));

    // Three steps later: a code two steps old is refused, one step old accepted, and only once.
    server.advance_clock(90).await;
    let two_old = code_now(&url, &secret, -2).await;
    let challenge = sign_in(&client, &app, "diego").await;
    let refused = respond(
        &client,
        &app,
        "SOFTWARE_TOKEN_MFA",
        challenge.session,
        &[("USERNAME", "diego"), ("SOFTWARE_TOKEN_MFA_CODE", &two_old)],
    );
    assert_eq!(failure(refused.await), pair("CodeMismatchException", "Invalid code or auth state for the user."));
    let one_old = code_now(&url, &secret, -1).await;
    let challenge = sign_in(&client, &app, "diego").await;
    let accepted = respond(
        &client,
        &app,
        "SOFTWARE_TOKEN_MFA",
        challenge.session,
        &[("USERNAME", "diego"), ("SOFTWARE_TOKEN_MFA_CODE", &one_old)],
    )
    .await
    .unwrap();
    assert!(accepted.authentication_result.and_then(|r| r.access_token).is_some());
    let challenge = sign_in(&client, &app, "diego").await;
    let again = respond(
        &client,
        &app,
        "SOFTWARE_TOKEN_MFA",
        challenge.session,
        &[("USERNAME", "diego"), ("SOFTWARE_TOKEN_MFA_CODE", &one_old)],
    );
    assert_eq!(failure(again.await), pair("ExpiredCodeException", "Your software token has already been used once."));
    // One step ahead (a phone clock a little fast) works too.
    let ahead = code_now(&url, &secret, 1).await;
    let challenge = sign_in(&client, &app, "diego").await;
    let accepted = respond(
        &client,
        &app,
        "SOFTWARE_TOKEN_MFA",
        challenge.session,
        &[("USERNAME", "diego"), ("SOFTWARE_TOKEN_MFA_CODE", &ahead)],
    )
    .await
    .unwrap();
    assert!(accepted.authentication_result.is_some());

    // GetUser reports the same factors.
    let me = client.get_user().access_token(accepted_token(&client, &app, &url, &secret).await).send().await.unwrap();
    assert_eq!(me.user_mfa_setting_list, names(&["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(me.preferred_mfa_setting.as_deref(), Some("SOFTWARE_TOKEN_MFA"));

    // A pool without TOTP refuses to associate one.
    let plain = common::create_pool(&client, "plain").await;
    let plain_app = app_client(&client, &plain).await;
    user(&client, &plain, "ana").await;
    let token = access_token(&client, &plain_app, "ana").await;
    assert_eq!(
        failure(client.associate_software_token().access_token(&token).send().await),
        pair("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.")
    );
}

/// Signs `diego` in with a fresh TOTP code (two steps past the last one used) and returns the
/// access token.
async fn accepted_token(client: &Client, app: &str, url: &str, secret: &str) -> String {
    common::advance_clock(url, 60).await;
    let code = code_now(url, secret, 0).await;
    let challenge = sign_in(client, app, "diego").await;
    let out = respond(
        client,
        app,
        "SOFTWARE_TOKEN_MFA",
        challenge.session,
        &[("USERNAME", "diego"), ("SOFTWARE_TOKEN_MFA_CODE", &code)],
    )
    .await
    .unwrap();
    out.authentication_result.unwrap().access_token.unwrap()
}

#[tokio::test]
async fn sms_and_email_codes_are_sent_masked_and_checked() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool_with(&client, "OPTIONAL", true, false, true).await;
    let app = app_client(&client, &pool).await;
    user(&client, &pool, "lucia").await;
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("lucia")
        .sms_mfa_settings(SmsMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();

    let challenge = sign_in(&client, &app, "lucia").await;
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("SMS_MFA"));
    let parameters: HashMap<String, String> =
        challenge.challenge_parameters.clone().unwrap_or_default().into_iter().collect();
    assert_eq!(parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM").map(String::as_str), Some("SMS"));
    assert_eq!(parameters.get("CODE_DELIVERY_DESTINATION").map(String::as_str), Some("+*******0123"));
    let sent = server.last_message(&pool, "lucia", Some("SMS_MFA")).await;
    assert_eq!(sent["medium"], "SMS");
    assert_eq!(sent["destination"], "+14155550123");
    let code = sent["code"].as_str().unwrap().to_owned();
    let wrong = &wrong_code(&code);
    let mismatch =
        respond(&client, &app, "SMS_MFA", challenge.session.clone(), &[("USERNAME", "lucia"), ("SMS_MFA_CODE", wrong)]);
    assert_eq!(failure(mismatch.await), pair("CodeMismatchException", "Invalid code or auth state for the user."));
    let challenge = sign_in(&client, &app, "lucia").await;
    let code = server.outbox_code(&pool, "lucia", Some("SMS_MFA")).await;
    let done = respond(&client, &app, "SMS_MFA", challenge.session, &[("USERNAME", "lucia"), ("SMS_MFA_CODE", &code)])
        .await
        .unwrap();
    assert!(done.authentication_result.and_then(|r| r.id_token).is_some());

    // Email, preferred now.
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("lucia")
        .email_mfa_settings(EmailMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();
    let challenge = sign_in(&client, &app, "lucia").await;
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("EMAIL_OTP"));
    let parameters: HashMap<String, String> =
        challenge.challenge_parameters.clone().unwrap_or_default().into_iter().collect();
    assert_eq!(parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM").map(String::as_str), Some("EMAIL"));
    assert_eq!(parameters.get("CODE_DELIVERY_DESTINATION").map(String::as_str), Some("l***@e***.com"));
    let code = server.outbox_code(&pool, "lucia", Some("EMAIL_OTP")).await;
    // Codes work for 3 minutes (the session, 15 here, outlives it).
    server.advance_clock(4 * 60).await;
    let late =
        respond(&client, &app, "EMAIL_OTP", challenge.session, &[("USERNAME", "lucia"), ("EMAIL_OTP_CODE", &code)]);
    assert_eq!(failure(late.await).0, "ExpiredCodeException");
    let challenge = sign_in(&client, &app, "lucia").await;
    let code = server.outbox_code(&pool, "lucia", Some("EMAIL_OTP")).await;
    let done =
        respond(&client, &app, "EMAIL_OTP", challenge.session, &[("USERNAME", "lucia"), ("EMAIL_OTP_CODE", &code)])
            .await
            .unwrap();
    assert!(done.authentication_result.is_some());
}

#[tokio::test]
async fn several_factors_without_a_preference_ask_which_one() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = pool_with(&client, "OPTIONAL", true, false, true).await;
    let app = app_client(&client, &pool).await;
    user(&client, &pool, "tomas").await;
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("tomas")
        .sms_mfa_settings(SmsMfaSettingsType { enabled: Some(true), preferred_mfa: None })
        .email_mfa_settings(EmailMfaSettingsType { enabled: Some(true), preferred_mfa: None })
        .send()
        .await
        .unwrap();
    let select = sign_in(&client, &app, "tomas").await;
    assert_eq!(select.challenge_name.as_ref().map(|c| c.as_str()), Some("SELECT_MFA_TYPE"));
    let parameters: HashMap<String, String> =
        select.challenge_parameters.clone().unwrap_or_default().into_iter().collect();
    assert_eq!(parameters.get("MFAS_CAN_CHOOSE").map(String::as_str), Some(r#"["SMS_MFA","EMAIL_OTP"]"#));
    let picked =
        respond(&client, &app, "SELECT_MFA_TYPE", select.session, &[("USERNAME", "tomas"), ("ANSWER", "EMAIL_OTP")])
            .await
            .unwrap();
    assert_eq!(picked.challenge_name.as_ref().map(|c| c.as_str()), Some("EMAIL_OTP"));
    let code = server.outbox_code(&pool, "tomas", Some("EMAIL_OTP")).await;
    let done = respond(&client, &app, "EMAIL_OTP", picked.session, &[("USERNAME", "tomas"), ("EMAIL_OTP_CODE", &code)])
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
}

#[tokio::test]
async fn required_mfa_sets_a_software_token_up_during_sign_in() {
    let server = InProcessServer::start().await;
    let url = server.url();
    let client = server.client();
    let pool = pool_with(&client, "ON", false, true, false).await;
    let app = app_client(&client, &pool).await;
    user(&client, &pool, "ines").await;

    let setup = sign_in(&client, &app, "ines").await;
    assert_eq!(setup.challenge_name.as_ref().map(|c| c.as_str()), Some("MFA_SETUP"));
    let parameters: HashMap<String, String> =
        setup.challenge_parameters.clone().unwrap_or_default().into_iter().collect();
    assert_eq!(parameters.get("MFAS_CAN_SETUP").map(String::as_str), Some(r#"["SOFTWARE_TOKEN_MFA"]"#));
    let associated = client.associate_software_token().session(setup.session.unwrap()).send().await.unwrap();
    let secret = associated.secret_code.unwrap();
    let session = associated.session.expect("a session for VerifySoftwareToken");
    let code = code_now(&url, &secret, 0).await;
    let wrong = &wrong_code(&code);
    let mismatch = client.verify_software_token().session(&session).user_code(wrong);
    assert_eq!(failure(mismatch.send().await).0, "EnableSoftwareTokenMFAException");
    // The same session may try again after a wrong code.
    let verified = client.verify_software_token().session(&session).user_code(&code).send().await.unwrap();
    assert_eq!(verified.status.as_ref().map(|s| s.as_str()), Some("SUCCESS"));
    let done = respond(&client, &app, "MFA_SETUP", verified.session, &[("USERNAME", "ines")]).await.unwrap();
    assert!(done.authentication_result.and_then(|r| r.access_token).is_some());
    assert_eq!(
        mfa_of(&client, &pool, "ines").await,
        (names(&["SOFTWARE_TOKEN_MFA"]), Some("SOFTWARE_TOKEN_MFA".into()))
    );
    // From now on sign-in asks for the app's code.
    let next = sign_in(&client, &app, "ines").await;
    assert_eq!(next.challenge_name.as_ref().map(|c| c.as_str()), Some("SOFTWARE_TOKEN_MFA"));
}
