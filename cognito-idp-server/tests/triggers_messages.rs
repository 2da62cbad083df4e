//! The CustomMessage trigger over HTTP, against a test-owned Invoke endpoint
//! (`common::lambda`): the event of every source (`CustomMessage_SignUp`, `_ResendCode`,
//! `_ForgotPassword`, `_UpdateUserAttribute`, `_VerifyUserAttribute`, `_AdminCreateUser`,
//! `_Authentication`), the answer becoming the text delivered (the outbox records it, code and
//! username in it), AWS's rules for answers without the placeholders or too long, and failures.
//! A pool without the trigger sends its own templates, which the outbox records too.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{LambdaConfigType, MessageTemplateType, VerificationMessageTemplateType};
use common::lambda::{FakeLambda, Reply, arn};
use common::{
    ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, attr, failure, invalid, pair,
};
use serde_json::{Value, json};

async fn server_with(lambda: &FakeLambda) -> InProcessServer {
    let url = lambda.url();
    InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await
}

/// `pool` with its CustomMessage trigger set to function `name`.
fn with_trigger(pool: PoolBuilder, name: &str) -> PoolBuilder {
    let config = LambdaConfigType { custom_message: Some(arn(name)), ..Default::default() };
    pool.with(move |p| p.lambda_config(config))
}

/// The newest outbox message of `username` in `pool`.
async fn last(server: &InProcessServer, pool: &str, username: &str) -> Value {
    server.outbox(Some(pool), Some(username)).await.pop().unwrap_or_else(|| panic!("no message for {username}"))
}

/// A function that writes every message: the email and SMS name the source and carry the
/// code (and, for invitations, the username), the subject names the source.
fn writer(event: &mut Value) {
    let source = event["triggerSource"].as_str().unwrap().to_owned();
    let code = event["request"]["codeParameter"].as_str().unwrap().to_owned();
    let user = match &event["request"]["usernameParameter"] {
        Value::String(p) => format!(" user {p}"),
        _ => String::new(),
    };
    event["response"]["emailMessage"] = json!(format!("<p>{source}: code {code}{user}</p>"));
    event["response"]["smsMessage"] = json!(format!("{source} {code}{user}"));
    event["response"]["emailSubject"] = json!(format!("Subject of {source}"));
}

#[tokio::test]
async fn sign_up_and_resend_send_the_functions_text_with_the_code_in_it() {
    let lambda = FakeLambda::start().await;
    lambda.returns("msg", writer);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("messages").auto_verify(&["email"]), "msg").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    client
        .sign_up()
        .client_id(&app)
        .username("ana")
        .password(PASSWORD)
        .user_attributes(attr("email", "ana@example.com"))
        .client_metadata("origin", "signup-page")
        .send()
        .await
        .unwrap();

    let events = lambda.events("msg");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["version"], "1");
    assert_eq!(event["triggerSource"], "CustomMessage_SignUp");
    assert_eq!(event["userPoolId"], pool.as_str());
    assert_eq!(event["userName"], "ana");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    let request = &event["request"];
    assert_eq!(request["codeParameter"], "{####}");
    assert_eq!(request["usernameParameter"], Value::Null, "only invitations name the user");
    assert_eq!(request["linkParameter"], "{##Click Here##}");
    assert_eq!(request["clientMetadata"], json!({"origin": "signup-page"}));
    let attributes = &request["userAttributes"];
    assert_eq!(attributes["email"], "ana@example.com");
    assert_eq!(attributes["cognito:user_status"], "UNCONFIRMED");
    assert!(attributes["sub"].as_str().is_some_and(|s| s.len() == 36), "{attributes}");
    assert_eq!(event["response"], json!({"smsMessage": null, "emailMessage": null, "emailSubject": null}));

    let sent = last(&server, &pool, "ana").await;
    let code = sent["code"].as_str().unwrap().to_owned();
    assert_eq!((sent["kind"].as_str(), sent["medium"].as_str()), (Some("SIGN_UP"), Some("EMAIL")));
    assert_eq!(sent["message"], format!("<p>CustomMessage_SignUp: code {code}</p>"));
    assert_eq!(sent["subject"], "Subject of CustomMessage_SignUp");

    // The code in the text is the one ConfirmSignUp takes... after a resend, the new one.
    client.resend_confirmation_code().client_id(&app).username("ana").send().await.unwrap();
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_ResendCode");
    assert!(event["request"].get("clientMetadata").is_none(), "none given, none sent: {event}");
    let resent = last(&server, &pool, "ana").await;
    let code = resent["code"].as_str().unwrap().to_owned();
    assert_eq!(resent["message"], format!("<p>CustomMessage_ResendCode: code {code}</p>"));
    client.confirm_sign_up().client_id(&app).username("ana").confirmation_code(&code).send().await.unwrap();
}

#[tokio::test]
async fn reset_and_attribute_codes_carry_their_sources_and_clients() {
    let lambda = FakeLambda::start().await;
    lambda.returns("msg", writer);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool =
        with_trigger(PoolBuilder::new("messages").auto_verify(&["email", "phone_number"]), "msg").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("bo").verified_email().password(PASSWORD).create(&client, &pool).await;

    // ForgotPassword: the app client; AdminResetUserPassword: no client, the same source.
    client.forgot_password().client_id(&app).username("bo").client_metadata("k", "v").send().await.unwrap();
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_ForgotPassword");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(event["request"]["userAttributes"]["email_verified"], "true");
    assert_eq!(event["request"]["clientMetadata"], json!({"k": "v"}));
    let sent = last(&server, &pool, "bo").await;
    assert_eq!(
        sent["message"],
        format!("<p>CustomMessage_ForgotPassword: code {}</p>", sent["code"].as_str().unwrap())
    );

    client.admin_reset_user_password().user_pool_id(&pool).username("bo").send().await.unwrap();
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_ForgotPassword");
    assert_eq!(event["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "RESET_REQUIRED");
    assert_eq!(last(&server, &pool, "bo").await["kind"], "ADMIN_RESET_USER_PASSWORD");

    // An administrator changes the phone number: an SMS with the function's text.
    client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("bo")
        .user_attributes(attr("phone_number", "+14155550100"))
        .send()
        .await
        .unwrap();
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_UpdateUserAttribute");
    assert_eq!(event["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    let sent = last(&server, &pool, "bo").await;
    assert_eq!((sent["medium"].as_str(), sent["destination"].as_str()), (Some("SMS"), Some("+14155550100")));
    assert_eq!(sent["message"], format!("CustomMessage_UpdateUserAttribute {}", sent["code"].as_str().unwrap()));
    assert!(sent.get("subject").is_none(), "an SMS has no subject: {sent}");

    // The user, with an access token: UpdateUserAttributes and GetUserAttributeVerificationCode.
    UserBuilder::new("cy").verified_email().password(PASSWORD).create(&client, &pool).await;
    let token = common::sign_in(&client, &app, "cy", PASSWORD).await.access_token.unwrap();
    client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("email", "cy@example.org"))
        .client_metadata("screen", "profile")
        .send()
        .await
        .unwrap();
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_UpdateUserAttribute");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert_eq!(event["request"]["clientMetadata"], json!({"screen": "profile"}));
    let sent = last(&server, &pool, "cy").await;
    assert_eq!(sent["destination"], "cy@example.org");
    let code = sent["code"].as_str().unwrap().to_owned();
    assert_eq!(sent["message"], format!("<p>CustomMessage_UpdateUserAttribute: code {code}</p>"));
    client.verify_user_attribute().access_token(&token).attribute_name("email").code(&code).send().await.unwrap();

    client.get_user_attribute_verification_code().access_token(&token).attribute_name("email").send().await.unwrap();
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_VerifyUserAttribute");
    assert_eq!(event["request"]["userAttributes"]["email"], "cy@example.org");
    let sent = last(&server, &pool, "cy").await;
    assert_eq!(sent["kind"], "VERIFY_ATTRIBUTE");
    assert_eq!(
        sent["message"],
        format!("<p>CustomMessage_VerifyUserAttribute: code {}</p>", sent["code"].as_str().unwrap())
    );
}

#[tokio::test]
async fn invitations_name_the_user_and_need_both_placeholders() {
    let lambda = FakeLambda::start().await;
    lambda.returns("msg", writer);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_trigger(PoolBuilder::new("invitations"), "msg").create(&client).await;
    let create = |name: &'static str| {
        client
            .admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .user_attributes(attr("phone_number", "+14155550101"))
            .desired_delivery_mediums("EMAIL")
            .desired_delivery_mediums("SMS")
            .client_metadata("invited_by", "admin")
            .send()
    };
    create("dee").await.unwrap();
    let events = lambda.events("msg");
    assert_eq!(events.len(), 1, "one invocation for both media");
    let event = &events[0];
    assert_eq!(event["triggerSource"], "CustomMessage_AdminCreateUser");
    assert_eq!(event["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(event["request"]["usernameParameter"], "{username}");
    assert_eq!(event["request"]["codeParameter"], "{####}");
    assert!(event["request"].get("linkParameter").is_none(), "{event}");
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(event["request"]["clientMetadata"], json!({"invited_by": "admin"}));
    let sent = server.outbox(Some(&pool), Some("dee")).await;
    assert_eq!(sent.len(), 2);
    let password = sent[0]["code"].as_str().unwrap().to_owned();
    let by = |medium: &str| sent.iter().find(|m| m["medium"] == medium).unwrap().clone();
    assert_eq!(by("EMAIL")["message"], format!("<p>CustomMessage_AdminCreateUser: code {password} user dee</p>"));
    assert_eq!(by("EMAIL")["subject"], "Subject of CustomMessage_AdminCreateUser");
    assert_eq!(by("SMS")["message"], format!("CustomMessage_AdminCreateUser {password} user dee"));
    // The temporary password in the text signs in.
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    let out = common::password_auth(&client, &app, "dee", &password).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "NEW_PASSWORD_REQUIRED");

    // Without {username}, the pool's own invitation goes instead, silently; a RESEND asks again.
    lambda.returns("msg", |event| {
        event["response"]["emailMessage"] = json!("Your password: {####}");
        event["response"]["smsMessage"] = json!("{username} / {####}");
    });
    create("eli").await.unwrap();
    let sent = server.outbox(Some(&pool), Some("eli")).await;
    let password = sent[0]["code"].as_str().unwrap().to_owned();
    let by = |medium: &str| sent.iter().find(|m| m["medium"] == medium).unwrap().clone();
    assert_eq!(by("EMAIL")["message"], format!("Your username is eli and temporary password is {password}. "));
    assert_eq!(by("EMAIL")["subject"], "Your temporary password");
    assert_eq!(by("SMS")["message"], format!("eli / {password}"));
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("eli")
        .message_action("RESEND")
        .desired_delivery_mediums("SMS")
        .send()
        .await
        .unwrap();
    assert_eq!(lambda.events("msg").pop().unwrap()["triggerSource"], "CustomMessage_AdminCreateUser");
    let resent = last(&server, &pool, "eli").await;
    assert_eq!(resent["message"], format!("eli / {}", resent["code"].as_str().unwrap()));

    // SUPPRESS sends nothing and asks nothing.
    let before = lambda.calls().len();
    common::create_user(&client, &pool, "fay", "fay@example.com").await;
    assert_eq!(lambda.calls().len(), before);
}

#[tokio::test]
async fn sign_in_codes_are_authentication_messages() {
    let lambda = FakeLambda::start().await;
    lambda.returns("msg", writer);
    let server = server_with(&lambda).await;
    let client = server.client();

    // SMS MFA after a password.
    let pool = with_trigger(PoolBuilder::new("mfa").ses_email().mfa("OPTIONAL").sms_mfa(), "msg").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("gus")
        .email()
        .attr("phone_number", "+14155550123")
        .password(PASSWORD)
        .create(&client, &pool)
        .await;
    client
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("gus")
        .sms_mfa_settings(cognito_idp::types::SmsMfaSettingsType { enabled: Some(true), preferred_mfa: Some(true) })
        .send()
        .await
        .unwrap();
    let out = common::password_auth(&client, &app, "gus", PASSWORD).await.unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "SMS_MFA");
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_Authentication");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert!(event["request"].get("linkParameter").is_none());
    let sent = last(&server, &pool, "gus").await;
    let code = sent["code"].as_str().unwrap().to_owned();
    assert_eq!(
        (sent["kind"].as_str(), sent["message"].as_str()),
        (Some("SMS_MFA"), Some(&*format!("CustomMessage_Authentication {code}")))
    );
    let signed_in = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("SMS_MFA")
        .session(out.session.unwrap())
        .challenge_responses("USERNAME", "gus")
        .challenge_responses("SMS_MFA_CODE", &code)
        .send()
        .await
        .unwrap();
    assert!(signed_in.authentication_result.is_some());

    // An email one-time password as the first factor (USER_AUTH).
    let pool = with_trigger(PoolBuilder::new("otp").ses_email().sign_in_factors(&["PASSWORD", "EMAIL_OTP"]), "msg")
        .create(&client)
        .await;
    let app = ClientBuilder::new("web").flows(&["ALLOW_USER_AUTH"]).create(&client, &pool).await.id;
    UserBuilder::new("hal").verified_email().password(PASSWORD).create(&client, &pool).await;
    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("USER_AUTH")
        .auth_parameters("USERNAME", "hal")
        .auth_parameters("PREFERRED_CHALLENGE", "EMAIL_OTP")
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name.unwrap().as_str(), "EMAIL_OTP");
    let event = lambda.events("msg").pop().unwrap();
    assert_eq!(event["triggerSource"], "CustomMessage_Authentication");
    let sent = last(&server, &pool, "hal").await;
    let code = sent["code"].as_str().unwrap().to_owned();
    assert_eq!(sent["message"], format!("<p>CustomMessage_Authentication: code {code}</p>"));
    assert_eq!(sent["subject"], "Subject of CustomMessage_Authentication");
}

#[tokio::test]
async fn answers_break_aws_rules_as_aws_answers_them() {
    let lambda = FakeLambda::start().await;
    let server = server_with(&lambda).await;
    let client = server.client();
    let template = VerificationMessageTemplateType {
        email_message: Some("Pool code {####}".into()),
        email_subject: Some("Pool subject".into()),
        sms_message: Some("Pool SMS {####}".into()),
        ..Default::default()
    };
    let pool = with_trigger(
        PoolBuilder::new("rules")
            .auto_verify(&["email"])
            .ses_email()
            .with(move |p| p.verification_message_template(template)),
        "msg",
    )
    .create(&client)
    .await;
    let app = ClientBuilder::new("web").create(&client, &pool).await.id;
    let sign_up = |client: &Client, name: &str| {
        client
            .sign_up()
            .client_id(&app)
            .username(name)
            .password(PASSWORD)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .send()
    };

    // Nothing answered (null members): the pool's template.
    lambda.returns("msg", |_| {});
    sign_up(&client, "u1").await.unwrap();
    let sent = last(&server, &pool, "u1").await;
    assert_eq!(sent["message"], format!("Pool code {}", sent["code"].as_str().unwrap()));
    assert_eq!(sent["subject"], "Pool subject");

    // Only a subject: the pool's body with the function's subject.
    lambda.returns("msg", |e| e["response"]["emailSubject"] = json!("Only the subject"));
    sign_up(&client, "u2").await.unwrap();
    let sent = last(&server, &pool, "u2").await;
    assert_eq!(
        (sent["message"].as_str().unwrap().starts_with("Pool code "), sent["subject"].as_str()),
        (true, Some("Only the subject"))
    );

    // Longer than 20,000 characters with the code in it: the pool's, silently.
    lambda.returns("msg", |e| e["response"]["emailMessage"] = json!(format!("{}{{####}}", "x".repeat(19_995))));
    sign_up(&client, "u3").await.unwrap();
    assert!(last(&server, &pool, "u3").await["message"].as_str().unwrap().starts_with("Pool code "));
    // Exactly 20,000 with the code: the function's.
    lambda.returns("msg", |e| e["response"]["emailMessage"] = json!(format!("{}{{####}}", "x".repeat(19_994))));
    sign_up(&client, "u4").await.unwrap();
    let sent = last(&server, &pool, "u4").await;
    assert_eq!(sent["message"].as_str().unwrap().chars().count(), 20_000);

    // {username} is an invitation's placeholder only: elsewhere it stays as written.
    lambda.returns("msg", |e| e["response"]["emailMessage"] = json!("Hi {username}, code {####}"));
    sign_up(&client, "u9").await.unwrap();
    let sent = last(&server, &pool, "u9").await;
    assert_eq!(sent["message"], format!("Hi {{username}}, code {}", sent["code"].as_str().unwrap()));

    // No code placeholder: AWS's validation error, and the code is not sent (the user exists).
    lambda.returns("msg", |e| e["response"]["emailMessage"] = json!("Welcome aboard"));
    assert_eq!(
        failure(sign_up(&client, "u5").await),
        invalid(
            r"1 validation error detected: Value 'Welcome aboard' at 'emailBody' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*"
        )
    );
    assert!(server.outbox(Some(&pool), Some("u5")).await.is_empty());
    let user = client.admin_get_user().user_pool_id(&pool).username("u5").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "UNCONFIRMED");

    // A function error, unreadable output, or a member of the wrong type.
    lambda.on("msg", |_| Reply::FunctionError("templates are down".into()));
    assert_eq!(
        failure(sign_up(&client, "u6").await),
        pair("UserLambdaValidationException", "CustomMessage failed with error templates are down.")
    );
    lambda.on("msg", |_| Reply::Raw("<html>".into()));
    assert_eq!(
        failure(sign_up(&client, "u7").await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
    lambda.returns("msg", |e| e["response"]["emailMessage"] = json!(42));
    assert_eq!(
        failure(sign_up(&client, "u8").await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
}

#[tokio::test]
async fn without_the_trigger_the_pools_templates_and_aws_defaults_are_delivered() {
    let lambda = FakeLambda::start().await;
    let server = server_with(&lambda).await;
    let client = server.client();
    let invite = MessageTemplateType {
        email_message: Some("Hello {username}, use {####}".into()),
        email_subject: Some("Invitation".into()),
        sms_message: None,
    };
    let pool = PoolBuilder::new("plain")
        .auto_verify(&["email"])
        .ses_email()
        .with(move |p| {
            p.admin_create_user_config(cognito_idp::types::AdminCreateUserConfigType {
                invite_message_template: Some(invite),
                ..Default::default()
            })
        })
        .create(&client)
        .await;
    let app = ClientBuilder::new("web").create(&client, &pool).await.id;
    client
        .sign_up()
        .client_id(&app)
        .username("ivy")
        .password(PASSWORD)
        .user_attributes(attr("email", "ivy@example.com"))
        .send()
        .await
        .unwrap();
    let sent = last(&server, &pool, "ivy").await;
    assert_eq!(sent["message"], format!("Your verification code is {}. ", sent["code"].as_str().unwrap()));
    assert_eq!(sent["subject"], "Your verification code");
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("jo")
        .user_attributes(attr("email", "jo@example.com"))
        .desired_delivery_mediums("EMAIL")
        .send()
        .await
        .unwrap();
    let sent = last(&server, &pool, "jo").await;
    assert_eq!(sent["message"], format!("Hello jo, use {}", sent["code"].as_str().unwrap()));
    assert_eq!(sent["subject"], "Invitation");
    assert!(lambda.calls().is_empty(), "no LambdaConfig, no invocation");
}
