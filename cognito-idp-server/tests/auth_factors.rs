//! A user's authentication factors over HTTP: `GetUserAuthFactors` / `AdminGetUserAuthFactors`
//! (the MFA settings and `ConfiguredUserAuthFactors`, matching what `USER_AUTH` offers),
//! `AdminDeleteSoftwareToken` (TOTP gone, the next sign-in falling back to what is left), and
//! the legacy `SetUserSettings` / `AdminSetUserSettings` (SMS MFA only). Through the generated
//! client and the AWS CLI.

mod common;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::aws_cli::AwsCli;
use common::{
    ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, failure, invalid, password_auth,
};
use serde_json::json;

/// The TOTP code of `secret` (base32) at the server's current time (RFC 6238, `totp-rs`).
async fn totp_code(url: &str, secret: &str) -> String {
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().expect("base32");
    let now = common::server_now_ms(url).await / 1000;
    TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, bytes).generate(now as u64)
}

fn names(factors: Option<Vec<AuthFactorType>>) -> Vec<String> {
    factors.unwrap_or_default().iter().map(|f| f.as_str().to_owned()).collect()
}

/// A user with a password, a verified email address and a phone number.
async fn user(client: &Client, pool: &str, username: &str) {
    UserBuilder::new(username)
        .verified_email()
        .attr("phone_number", "+14155550123")
        .password(PASSWORD)
        .create(client, pool)
        .await;
}

#[tokio::test]
async fn configured_factors_follow_the_sign_in_policy_and_the_users_mfa() {
    let server = InProcessServer::start().await;
    let url = server.url();
    let client = server.client();
    let pool = PoolBuilder::new("factors")
        .ses_email()
        .mfa("OPTIONAL")
        .totp_mfa()
        .sms_mfa()
        .sign_in_factors(&["PASSWORD", "EMAIL_OTP"])
        .create(&client)
        .await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    user(&client, &pool, "ana").await;

    let admin = client.admin_get_user_auth_factors().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert_eq!(admin.username, "ana");
    assert_eq!(names(admin.configured_user_auth_factors), ["PASSWORD", "EMAIL_OTP"]);
    assert_eq!((admin.user_mfa_setting_list, admin.preferred_mfa_setting), (None, None));

    // A registered authenticator, preferred: SOFTWARE_TOKEN, and the MFA settings as GetUser's.
    let token = common::sign_in(&client, &app, "ana", PASSWORD).await.access_token.unwrap();
    let secret = client.associate_software_token().access_token(&token).send().await.unwrap().secret_code.unwrap();
    let code = totp_code(&url, &secret).await;
    client.verify_software_token().access_token(&token).user_code(&code).send().await.unwrap();
    client
        .set_user_mfa_preference()
        .access_token(&token)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();
    let own = client.get_user_auth_factors().access_token(&token).send().await.unwrap();
    assert_eq!(names(own.configured_user_auth_factors), ["PASSWORD", "EMAIL_OTP", "SOFTWARE_TOKEN"]);
    assert_eq!(own.user_mfa_setting_list, Some(vec!["SOFTWARE_TOKEN_MFA".to_owned()]));
    assert_eq!(own.preferred_mfa_setting.as_deref(), Some("SOFTWARE_TOKEN_MFA"));
    let out = password_auth(&client, &app, "ana", PASSWORD).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "SOFTWARE_TOKEN_MFA");

    // SMS MFA through the legacy settings: SMS_OTP joins the list.
    client
        .admin_set_user_settings()
        .user_pool_id(&pool)
        .username("ana")
        .mfa_options(MfaOptionType {
            delivery_medium: Some(DeliveryMediumType::Sms),
            attribute_name: Some("phone_number".into()),
        })
        .send()
        .await
        .unwrap();
    let admin = client.admin_get_user_auth_factors().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert_eq!(names(admin.configured_user_auth_factors), ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "SOFTWARE_TOKEN"]);
    assert_eq!(admin.user_mfa_setting_list, Some(vec!["SMS_MFA".to_owned(), "SOFTWARE_TOKEN_MFA".to_owned()]));

    // The authenticator is deleted: TOTP and its preference go, SMS stays and takes over.
    client.admin_delete_software_token().user_pool_id(&pool).username("ana").send().await.unwrap();
    let admin = client.admin_get_user_auth_factors().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert_eq!(names(admin.configured_user_auth_factors), ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]);
    assert_eq!((admin.user_mfa_setting_list, admin.preferred_mfa_setting), (Some(vec!["SMS_MFA".to_owned()]), None));
    let out = password_auth(&client, &app, "ana", PASSWORD).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "SMS_MFA");
    // Deleting again changes nothing and is no error; an unknown user is.
    client.admin_delete_software_token().user_pool_id(&pool).username("ana").send().await.unwrap();
    let missing = client.admin_delete_software_token().user_pool_id(&pool).username("nobody").send().await;
    assert_eq!(failure(missing).0, "UserNotFoundException");
}

async fn admin_set(
    cli: &AwsCli,
    pool: &str,
    username: &str,
    options: &str,
) -> Result<serde_json::Value, (String, String)> {
    cli.run(&["admin-set-user-settings", "--user-pool-id", pool, "--username", username, "--mfa-options", options])
        .await
}

#[tokio::test]
async fn legacy_settings_turn_sms_mfa_on_and_off_and_nothing_else() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("legacy").ses_email().mfa("OPTIONAL").sms_mfa().create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    user(&client, &pool, "ben").await;
    UserBuilder::new("cy").verified_email().password(PASSWORD).create(&client, &pool).await;
    let Some(cli) = AwsCli::new(&server.url()) else { return };

    let token = common::sign_in(&client, &app, "ben", PASSWORD).await.access_token.unwrap();
    let sms = json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]).to_string();
    cli.run(&["set-user-settings", "--access-token", &token, "--mfa-options", &sms]).await.unwrap();
    let factors = cli.run(&["get-user-auth-factors", "--access-token", &token]).await.unwrap();
    assert_eq!(factors["UserMFASettingList"], json!(["SMS_MFA"]));
    assert_eq!(factors["ConfiguredUserAuthFactors"], json!(["PASSWORD", "SMS_OTP"]));
    let out = password_auth(&client, &app, "ben", PASSWORD).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "SMS_MFA");

    // An empty list turns it off again.
    cli.run(&["admin-set-user-settings", "--user-pool-id", &pool, "--username", "ben", "--mfa-options", "[]"])
        .await
        .unwrap();
    // (AdminGetUserAuthFactors is newer than the pinned CLI: the generated client asks.)
    let factors = client.admin_get_user_auth_factors().user_pool_id(&pool).username("ben").send().await.unwrap();
    assert_eq!(factors.user_mfa_setting_list, None);
    assert!(password_auth(&client, &app, "ben", PASSWORD).await.unwrap().authentication_result.is_some());

    // Only SMS, and only for a user with a phone number.
    let email = json!([{"DeliveryMedium": "EMAIL", "AttributeName": "email"}]).to_string();
    assert_eq!(admin_set(&cli, &pool, "ben", &email).await.unwrap_err().0, "InvalidParameterException");
    assert_eq!(
        admin_set(&cli, &pool, "cy", &sms).await.unwrap_err(),
        invalid("User does not have delivery config set to turn on SMS_MFA")
    );
}
