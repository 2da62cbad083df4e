//! Password recovery over HTTP with the generated client: ForgotPassword (codes to the verified
//! email or phone, masked details, SECRET_HASH, the hourly request limit, AWS's refusals),
//! ConfirmForgotPassword (codes checked, expiring, used once, five wrong guesses; the old
//! password working until the reset is confirmed; RESET_REQUIRED users), and
//! PreventUserExistenceErrors on the recovery and confirmation operations.

mod common;
#[path = "self_service_support/mod.rs"]
mod support;

use cognito_idp::types::{AccountRecoverySettingType, RecoveryOptionType};
use common::{UserBuilder, failure, outcome, pair, secret_hash_unverified, secret_not_received};
use support::{Env, NEW_PASSWORD, PASSWORD, Setup, start, wrong};

const KIND: &str = "FORGOT_PASSWORD";

async fn forgot(env: &Env, username: &str) -> Result<cognito_idp::types::ForgotPasswordResponse, (String, String)> {
    let mut call = env.client.forgot_password().client_id(&env.app).username(username);
    if let Some(hash) = env.secret_hash(username) {
        call = call.secret_hash(hash);
    }
    outcome(call.send().await)
}

async fn confirm(env: &Env, username: &str, code: &str, password: &str) -> Result<(), (String, String)> {
    let mut call = env
        .client
        .confirm_forgot_password()
        .client_id(&env.app)
        .username(username)
        .confirmation_code(code)
        .password(password);
    if let Some(hash) = env.secret_hash(username) {
        call = call.secret_hash(hash);
    }
    outcome(call.send().await).map(|_| ())
}

fn mismatch() -> (String, String) {
    pair("CodeMismatchException", "Invalid verification code provided, please try again.")
}

fn expired() -> (String, String) {
    pair("ExpiredCodeException", "Invalid code provided, please request a code again.")
}

#[tokio::test]
async fn a_reset_code_sets_a_new_password_and_the_old_one_works_until_then() {
    let env = start(Setup::default()).await;
    env.user("diego").await;

    let out = forgot(&env, "diego").await.expect("ForgotPassword");
    let details = out.code_delivery_details.expect("where the code went");
    assert_eq!(details.destination.as_deref(), Some("d***@e***.com"));
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    assert_eq!(details.attribute_name.as_deref(), Some("email"));
    let messages = env.messages("diego", KIND).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["destination"], "diego@example.com");
    assert_eq!(messages[0]["medium"], "EMAIL");

    // Nothing changed yet: the old password still signs in, the status is unchanged.
    env.sign_in("diego", PASSWORD).await;
    assert_eq!(env.status("diego").await, "CONFIRMED");

    let code = env.last_code("diego", KIND).await;
    confirm(&env, "diego", &code, NEW_PASSWORD).await.expect("ConfirmForgotPassword");
    env.sign_in("diego", NEW_PASSWORD).await;
    assert_eq!(env.try_sign_in("diego", PASSWORD).await.unwrap_err().0, "NotAuthorizedException");
    // Used once.
    assert_eq!(confirm(&env, "diego", &code, "An0ther-Passw0rd!").await.unwrap_err(), expired());
    env.sign_in("diego", NEW_PASSWORD).await;
}

#[tokio::test]
async fn codes_are_checked_expire_and_survive_five_wrong_guesses() {
    let env = start(Setup::default()).await;
    env.user("maria").await;

    // Never requested.
    assert_eq!(confirm(&env, "maria", "123456", NEW_PASSWORD).await.unwrap_err(), expired());

    forgot(&env, "maria").await.unwrap();
    let code = env.last_code("maria", KIND).await;
    // The new password's policy is checked first and spends no attempt.
    let (c, m) = confirm(&env, "maria", &code, "short").await.unwrap_err();
    assert_eq!(
        (c.as_str(), m.as_str()),
        ("InvalidPasswordException", "Password did not conform with policy: Password not long enough")
    );
    for _ in 0..5 {
        assert_eq!(confirm(&env, "maria", &wrong(&code), NEW_PASSWORD).await.unwrap_err(), mismatch());
    }
    // The sixth guess is refused even with the right code.
    assert_eq!(
        confirm(&env, "maria", &code, NEW_PASSWORD).await.unwrap_err(),
        pair("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    );
    env.sign_in("maria", PASSWORD).await;

    // A new code starts over; an hour later it has expired.
    forgot(&env, "maria").await.unwrap();
    let code = env.last_code("maria", KIND).await;
    env.advance_clock(3601).await;
    assert_eq!(confirm(&env, "maria", &code, NEW_PASSWORD).await.unwrap_err(), expired());
    // A fresh one works; the previous code does not.
    forgot(&env, "maria").await.unwrap();
    let fresh = env.last_code("maria", KIND).await;
    if fresh != code {
        assert_eq!(confirm(&env, "maria", &code, NEW_PASSWORD).await.unwrap_err(), mismatch());
    }
    confirm(&env, "maria", &fresh, NEW_PASSWORD).await.expect("the fresh code works");
    env.sign_in("maria", NEW_PASSWORD).await;
}

#[tokio::test]
async fn forgot_password_is_limited_to_five_requests_an_hour() {
    let env = start(Setup::default()).await;
    env.user("ana").await;
    for _ in 0..5 {
        forgot(&env, "ana").await.expect("ForgotPassword");
    }
    assert_eq!(
        forgot(&env, "ana").await.unwrap_err(),
        pair("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    );
    assert_eq!(env.messages("ana", KIND).await.len(), 5);
    env.advance_clock(3601).await;
    forgot(&env, "ana").await.expect("an hour later");
}

#[tokio::test]
async fn aws_refusals_without_prevent_user_existence_errors() {
    let env = start(Setup::default()).await;
    let not_found = pair("UserNotFoundException", "Username/client id combination not found.");
    assert_eq!(forgot(&env, "nobody").await.unwrap_err(), not_found);
    assert_eq!(confirm(&env, "nobody", "123456", NEW_PASSWORD).await.unwrap_err(), not_found);

    // No verified email or phone number.
    env.user_with("unverified", &[("email", "unverified@example.com")]).await;
    assert_eq!(
        forgot(&env, "unverified").await.unwrap_err(),
        pair(
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email or phone_number"
        )
    );
    assert!(env.messages("unverified", KIND).await.is_empty());

    // Disabled.
    env.user("disabled").await;
    env.client.admin_disable_user().user_pool_id(&env.pool).username("disabled").send().await.unwrap();
    assert_eq!(forgot(&env, "disabled").await.unwrap_err(), pair("NotAuthorizedException", "User is disabled."));
    assert_eq!(
        confirm(&env, "disabled", "123456", NEW_PASSWORD).await.unwrap_err(),
        pair("NotAuthorizedException", "User is disabled.")
    );

    // Still on a temporary password.
    UserBuilder::new("invited").verified_email().temporary_password("Temp0rary!").create(&env.client, &env.pool).await;
    assert_eq!(
        forgot(&env, "invited").await.unwrap_err(),
        pair("NotAuthorizedException", "User password cannot be reset in the current state.")
    );

    // An unknown client.
    let result = env.client.forgot_password().client_id("nosuchclient").username("x").send().await;
    assert_eq!(failure(result), pair("ResourceNotFoundException", "User pool client nosuchclient does not exist."));
}

#[tokio::test]
async fn prevent_user_existence_errors_hides_unknown_and_disabled_users() {
    let env = start(Setup { hide_users: true, ..Setup::default() }).await;

    // ForgotPassword answers as if it sent a code, and stores nothing.
    let out = forgot(&env, "nobody").await.expect("a simulated delivery");
    let details = out.code_delivery_details.expect("details");
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    assert_eq!(details.attribute_name.as_deref(), Some("email"));
    assert!(details.destination.as_deref().is_some_and(|d| d.contains("***@")), "{details:?}");
    // The same answer every time for the same name.
    assert_eq!(forgot(&env, "nobody").await.unwrap().code_delivery_details, Some(details));
    // An email address given as the username is masked as a real delivery to it would be.
    let out = forgot(&env, "ghost@example.org").await.unwrap().code_delivery_details.unwrap();
    assert_eq!(out.destination.as_deref(), Some("g***@e***.org"));
    assert!(env.server.outbox(Some(&env.pool), None).await.is_empty(), "nothing is sent or stored");

    assert_eq!(confirm(&env, "nobody", "123456", NEW_PASSWORD).await.unwrap_err(), mismatch());

    // Disabled users and users without a verified address look the same.
    env.user("disabled").await;
    env.client.admin_disable_user().user_pool_id(&env.pool).username("disabled").send().await.unwrap();
    assert!(forgot(&env, "disabled").await.unwrap().code_delivery_details.is_some());
    assert_eq!(confirm(&env, "disabled", "123456", NEW_PASSWORD).await.unwrap_err(), mismatch());
    env.user_with("unverified", &[("email", "unverified@example.com")]).await;
    assert!(forgot(&env, "unverified").await.unwrap().code_delivery_details.is_some());
    assert!(env.server.outbox(Some(&env.pool), None).await.is_empty());

    // A real user still gets a real code.
    env.user("diego").await;
    forgot(&env, "diego").await.unwrap();
    let code = env.last_code("diego", KIND).await;
    assert_eq!(confirm(&env, "diego", &wrong(&code), NEW_PASSWORD).await.unwrap_err(), mismatch());
    confirm(&env, "diego", &code, NEW_PASSWORD).await.unwrap();
    env.sign_in("diego", NEW_PASSWORD).await;
}

#[tokio::test]
async fn prevent_user_existence_errors_on_sign_up_confirmation() {
    for hide in [false, true] {
        let env = start(Setup { hide_users: hide, ..Setup::default() }).await;
        let resend = env.client.resend_confirmation_code().client_id(&env.app).username("nobody").send().await;
        let confirm = env
            .client
            .confirm_sign_up()
            .client_id(&env.app)
            .username("nobody")
            .confirmation_code("123456")
            .send()
            .await;
        if hide {
            let details = resend.expect("a simulated delivery").code_delivery_details.expect("details");
            assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
            assert_eq!(failure(confirm), mismatch());
            assert!(env.server.outbox(Some(&env.pool), None).await.is_empty());
        } else {
            let not_found = pair("UserNotFoundException", "Username/client id combination not found.");
            assert_eq!(failure(resend), not_found);
            assert_eq!(failure(confirm), not_found);
        }
    }
}

#[tokio::test]
async fn a_reset_required_user_sets_a_password_with_the_code() {
    let env = start(Setup::default()).await;
    env.user("reset").await;
    env.client.admin_reset_user_password().user_pool_id(&env.pool).username("reset").send().await.unwrap();
    assert_eq!(env.status("reset").await, "RESET_REQUIRED");
    assert_eq!(env.try_sign_in("reset", PASSWORD).await.unwrap_err().0, "PasswordResetRequiredException");

    // The administrator's code works, and so does a code the user asks for.
    forgot(&env, "reset").await.expect("ForgotPassword in RESET_REQUIRED");
    let code = env.last_code("reset", KIND).await;
    confirm(&env, "reset", &code, NEW_PASSWORD).await.unwrap();
    assert_eq!(env.status("reset").await, "CONFIRMED");
    env.sign_in("reset", NEW_PASSWORD).await;
}

#[tokio::test]
async fn clients_with_a_secret_need_the_secret_hash_and_codes_can_go_by_sms() {
    let env = start(Setup { secret: true, ..Setup::default() }).await;
    env.user_with(
        "sms",
        &[
            ("email", "sms@example.com"),
            ("email_verified", "true"),
            ("phone_number", "+14155550123"),
            ("phone_number_verified", "true"),
        ],
    )
    .await;
    let missing = env.client.forgot_password().client_id(&env.app).username("sms").send().await;
    assert_eq!(failure(missing), secret_not_received(&env.app));
    let bad = env.client.forgot_password().client_id(&env.app).username("sms").secret_hash("AAAA").send().await;
    assert_eq!(failure(bad), secret_hash_unverified(&env.app));

    // Without an AccountRecoverySetting a verified phone number comes first.
    let out = forgot(&env, "sms").await.unwrap().code_delivery_details.unwrap();
    assert_eq!(out.destination.as_deref(), Some("+*******0123"));
    assert_eq!(out.delivery_medium.as_ref().map(|m| m.as_str()), Some("SMS"));
    let messages = env.messages("sms", KIND).await;
    assert_eq!(messages.last().unwrap()["destination"], "+14155550123");

    // The pool's setting decides.
    env.client
        .update_user_pool()
        .user_pool_id(&env.pool)
        .auto_verified_attributes("email")
        .account_recovery_setting(AccountRecoverySettingType {
            recovery_mechanisms: Some(vec![RecoveryOptionType { priority: 1, name: "verified_email".into() }]),
        })
        .send()
        .await
        .unwrap();
    let out = forgot(&env, "sms").await.unwrap().code_delivery_details.unwrap();
    assert_eq!(out.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    let code = env.last_code("sms", KIND).await;
    confirm(&env, "sms", &code, NEW_PASSWORD).await.unwrap();
    env.sign_in("sms", NEW_PASSWORD).await;
}

#[tokio::test]
async fn a_confirmed_reset_ends_a_sign_in_lockout() {
    let env = start(Setup::default()).await;
    env.user("lucia").await;
    let bad = "Wr0ng-Passw0rd!";
    for _ in 0..5 {
        assert_eq!(env.try_sign_in("lucia", bad).await.unwrap_err().0, "NotAuthorizedException");
    }
    // Each further failure after the lockout doubles it (1 s, 2 s, 4 s, 8 s...): move the clock
    // past each so that the lockout ends up long, without waiting.
    for seconds in [2, 3, 5, 9, 17] {
        env.advance_clock(seconds).await;
        assert_eq!(env.try_sign_in("lucia", bad).await.unwrap_err().0, "NotAuthorizedException");
    }
    assert_eq!(
        env.try_sign_in("lucia", PASSWORD).await.unwrap_err(),
        pair("NotAuthorizedException", "Password attempts exceeded")
    );
    forgot(&env, "lucia").await.unwrap();
    let code = env.last_code("lucia", KIND).await;
    confirm(&env, "lucia", &code, NEW_PASSWORD).await.unwrap();
    env.sign_in("lucia", NEW_PASSWORD).await;
}
