//! Self-service with an access token over HTTP with the generated client: GetUser,
//! UpdateUserAttributes (codes, verification before update, the client's write permissions),
//! DeleteUserAttributes, ChangePassword, DeleteUser, GetUserAttributeVerificationCode and
//! VerifyUserAttribute (codes checked, expiring, used once, five wrong guesses), and AWS's
//! errors word for word.

mod common;
#[path = "self_service_support/mod.rs"]
mod support;

use common::{attr, failure, incorrect, pair, value_of};
use support::{NEW_PASSWORD, PASSWORD, Setup, start, wrong};

const KIND: &str = "VERIFY_ATTRIBUTE";

fn unauthorized_write() -> (String, String) {
    pair("NotAuthorizedException", "A client attempted to write unauthorized attribute")
}

fn mismatch() -> (String, String) {
    pair("CodeMismatchException", "Invalid verification code provided, please try again.")
}

fn expired() -> (String, String) {
    pair("ExpiredCodeException", "Invalid code provided, please request a code again.")
}

#[tokio::test]
async fn get_user_answers_for_the_token_s_user() {
    let env = start(Setup::default()).await;
    env.user_with("diego", &[("email", "diego@example.com"), ("email_verified", "true"), ("given_name", "Diego")])
        .await;
    let token = env.access_token("diego", PASSWORD).await;
    let out = env.client.get_user().access_token(&token).send().await.expect("GetUser");
    assert_eq!(out.username, "diego");
    assert_eq!(value_of(&out.user_attributes, "email").as_deref(), Some("diego@example.com"));
    assert_eq!(value_of(&out.user_attributes, "email_verified").as_deref(), Some("true"));
    assert_eq!(value_of(&out.user_attributes, "given_name").as_deref(), Some("Diego"));
    assert!(value_of(&out.user_attributes, "sub").is_some());
    assert_eq!(out.user_attributes[0].name, "sub", "sub first, as AWS lists it");
    assert!(out.user_mfa_setting_list.is_none() && out.preferred_mfa_setting.is_none());

    let (code, _) = failure(env.client.get_user().access_token("not-a-token").send().await);
    assert_eq!(code, "NotAuthorizedException");
}

#[tokio::test]
async fn get_user_shows_what_the_client_may_read() {
    let env = start(Setup { read: vec!["email"], ..Setup::default() }).await;
    env.user_with("ana", &[("email", "ana@example.com"), ("given_name", "Ana")]).await;
    let token = env.access_token("ana", PASSWORD).await;
    let out = env.client.get_user().access_token(&token).send().await.unwrap();
    let names: Vec<&str> = out.user_attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["sub", "email"]);
}

#[tokio::test]
async fn a_changed_email_is_unverified_until_its_code_is_given() {
    let env = start(Setup::default()).await;
    env.user("maria").await;
    let token = env.access_token("maria", PASSWORD).await;

    // An attribute that needs no verification: no code.
    let out = env
        .client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("given_name", "María"))
        .send()
        .await
        .expect("UpdateUserAttributes");
    assert!(out.code_delivery_details_list.is_none_or(|l| l.is_empty()));
    assert_eq!(env.attribute("maria", "given_name").await.as_deref(), Some("María"));

    // The email: unverified, a code to the new address.
    let out = env
        .client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("email", "maria@example.org"))
        .send()
        .await
        .unwrap();
    let list = out.code_delivery_details_list.expect("a code was sent");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].destination.as_deref(), Some("m***@e***.org"));
    assert_eq!(list[0].attribute_name.as_deref(), Some("email"));
    assert_eq!(env.attribute("maria", "email").await.as_deref(), Some("maria@example.org"));
    assert_eq!(env.attribute("maria", "email_verified").await.as_deref(), Some("false"));
    let message = env.messages("maria", KIND).await.pop().unwrap();
    assert_eq!(message["destination"], "maria@example.org");

    let code = env.last_code("maria", KIND).await;
    let verify = |code: String| {
        env.client.verify_user_attribute().access_token(&token).attribute_name("email").code(code).send()
    };
    assert_eq!(failure(verify(wrong(&code)).await), mismatch());
    verify(code.clone()).await.expect("VerifyUserAttribute");
    assert_eq!(env.attribute("maria", "email_verified").await.as_deref(), Some("true"));
    // Used once.
    assert_eq!(failure(verify(code).await), expired());
}

#[tokio::test]
async fn with_verification_before_update_the_old_email_stays_until_the_new_one_is_verified() {
    let env = start(Setup { verify_before_update: vec!["email"], ..Setup::default() }).await;
    env.user("lucia").await;
    let token = env.access_token("lucia", PASSWORD).await;
    let out = env
        .client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("email", "lucia@new.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.code_delivery_details_list.unwrap()[0].destination.as_deref(), Some("l***@n***.example"));
    assert_eq!(env.attribute("lucia", "email").await.as_deref(), Some("lucia@example.com"));
    assert_eq!(env.attribute("lucia", "email_verified").await.as_deref(), Some("true"));
    // The user still signs in; a new code goes to the waiting address.
    let token = env.access_token("lucia", PASSWORD).await;
    let out = env
        .client
        .get_user_attribute_verification_code()
        .access_token(&token)
        .attribute_name("email")
        .send()
        .await
        .expect("GetUserAttributeVerificationCode");
    assert_eq!(out.code_delivery_details.unwrap().destination.as_deref(), Some("l***@n***.example"));
    let code = env.last_code("lucia", KIND).await;
    env.client.verify_user_attribute().access_token(&token).attribute_name("email").code(code).send().await.unwrap();
    assert_eq!(env.attribute("lucia", "email").await.as_deref(), Some("lucia@new.example"));
    assert_eq!(env.attribute("lucia", "email_verified").await.as_deref(), Some("true"));
}

#[tokio::test]
async fn clients_write_only_what_they_may() {
    let env = start(Setup { write: vec!["given_name", "email"], ..Setup::default() }).await;
    env.user("ana").await;
    let token = env.access_token("ana", PASSWORD).await;
    let update = |name: &str, value: &str| {
        env.client.update_user_attributes().access_token(&token).user_attributes(attr(name, value)).send()
    };
    assert_eq!(failure(update("family_name", "Pérez").await), unauthorized_write());
    // Nobody marks their own address verified.
    assert_eq!(failure(update("email_verified", "true").await), unauthorized_write());
    let (code, _) = failure(update("custom:nope", "x").await);
    assert_eq!(code, "InvalidParameterException");
    let (code, message) = failure(update("email", "not-an-email").await);
    assert_eq!((code.as_str(), message.as_str()), ("InvalidParameterException", "Invalid email address format."));
    update("given_name", "Ana").await.expect("an allowed attribute");
    let delete = env.client.delete_user_attributes().access_token(&token).user_attribute_names("family_name").send();
    assert_eq!(failure(delete.await), unauthorized_write());
}

#[tokio::test]
async fn delete_user_attributes_removes_them_and_their_flags() {
    let env = start(Setup::default()).await;
    env.user_with("pablo", &[("email", "pablo@example.com"), ("email_verified", "true"), ("given_name", "Pablo")])
        .await;
    let token = env.access_token("pablo", PASSWORD).await;
    env.client
        .delete_user_attributes()
        .access_token(&token)
        .user_attribute_names("given_name")
        .user_attribute_names("email")
        .send()
        .await
        .expect("DeleteUserAttributes");
    assert_eq!(env.attribute("pablo", "given_name").await, None);
    assert_eq!(env.attribute("pablo", "email").await, None);
    assert_eq!(env.attribute("pablo", "email_verified").await, None);
    let result = env.client.delete_user_attributes().access_token(&token).user_attribute_names("sub").send().await;
    assert_eq!(failure(result), pair("InvalidParameterException", "user.sub: Attribute cannot be updated.\n"));
    let result = env.client.delete_user_attributes().access_token(&token).user_attribute_names("custom:x").send().await;
    assert_eq!(
        failure(result),
        pair("InvalidParameterException", "user.custom:x: Attribute does not exist in the schema.\n")
    );
}

#[tokio::test]
async fn change_password_needs_the_previous_one() {
    let env = start(Setup::default()).await;
    env.user("elena").await;
    let token = env.access_token("elena", PASSWORD).await;
    let change = |previous: &str, proposed: &str| {
        env.client.change_password().access_token(&token).previous_password(previous).proposed_password(proposed).send()
    };
    assert_eq!(failure(change("Wr0ng-Passw0rd!", NEW_PASSWORD).await), incorrect());
    assert_eq!(
        failure(change(PASSWORD, "weakpassword").await),
        pair(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have uppercase characters"
        )
    );
    change(PASSWORD, NEW_PASSWORD).await.expect("ChangePassword");
    env.sign_in("elena", NEW_PASSWORD).await;
    assert_eq!(env.try_sign_in("elena", PASSWORD).await.unwrap_err().0, "NotAuthorizedException");
    // The token keeps working, as AWS's do after ChangePassword.
    env.client.get_user().access_token(&token).send().await.expect("GetUser after ChangePassword");

    // Guessing is limited: after five wrong previous passwords, LimitExceededException.
    for _ in 0..5 {
        assert_eq!(failure(change("Wr0ng-Passw0rd!", PASSWORD).await).0, "NotAuthorizedException");
    }
    assert_eq!(
        failure(change(NEW_PASSWORD, PASSWORD).await),
        pair("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    );
    env.advance_clock(16 * 60).await;
    let token = env.access_token("elena", NEW_PASSWORD).await;
    env.client
        .change_password()
        .access_token(&token)
        .previous_password(NEW_PASSWORD)
        .proposed_password(PASSWORD)
        .send()
        .await
        .expect("after the wait");
    env.sign_in("elena", PASSWORD).await;
}

#[tokio::test]
async fn delete_user_deletes_the_token_s_user() {
    let env = start(Setup::default()).await;
    env.user("gone").await;
    env.user("stays").await;
    let token = env.access_token("gone", PASSWORD).await;
    env.client.delete_user().access_token(&token).send().await.expect("DeleteUser");
    let result = env.client.admin_get_user().user_pool_id(&env.pool).username("gone").send().await;
    assert_eq!(failure(result), pair("UserNotFoundException", "User does not exist."));
    env.client.admin_get_user().user_pool_id(&env.pool).username("stays").send().await.expect("the other user");
    // The token now names nobody: AWS answers `User does not exist.` (a deleted user's old
    // tokens, aws-amplify/aws-sdk-android issue 366).
    let (code, _) = failure(env.client.get_user().access_token(&token).send().await);
    assert_eq!(code, "UserNotFoundException");
}

#[tokio::test]
async fn attribute_verification_codes_follow_aws_rules() {
    let env = start(Setup::default()).await;
    env.user_with("sara", &[("email", "sara@example.com")]).await;
    let token = env.access_token("sara", PASSWORD).await;
    let request =
        |name: &str| env.client.get_user_attribute_verification_code().access_token(&token).attribute_name(name).send();
    let verify = |name: &str, code: &str| {
        env.client.verify_user_attribute().access_token(&token).attribute_name(name).code(code).send()
    };
    let only =
        pair("InvalidParameterException", "Invalid attribute name. Only phone_number and email can be verified.");
    assert_eq!(failure(request("given_name").await), only);
    assert_eq!(failure(verify("given_name", "123456").await), only);
    assert_eq!(
        failure(request("phone_number").await),
        pair("InvalidParameterException", "User does not have a valid registered phone number")
    );
    assert_eq!(
        failure(verify("phone_number", "123456").await),
        pair("InvalidParameterException", "Unable to verify attribute: phone_number no value set to verify")
    );
    // Never requested.
    assert_eq!(failure(verify("email", "123456").await), expired());

    let out = request("email").await.expect("GetUserAttributeVerificationCode");
    let details = out.code_delivery_details.unwrap();
    assert_eq!(details.destination.as_deref(), Some("s***@e***.com"));
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("EMAIL"));
    let code = env.last_code("sara", KIND).await;
    for _ in 0..5 {
        assert_eq!(failure(verify("email", &wrong(&code)).await), mismatch());
    }
    assert_eq!(
        failure(verify("email", &code).await),
        pair("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    );
    assert_eq!(env.attribute("sara", "email_verified").await, None);

    // A new code starts over; after 24 hours it has expired.
    request("email").await.unwrap();
    let code = env.last_code("sara", KIND).await;
    env.advance_clock(24 * 3600 + 1).await;
    let token = env.access_token("sara", PASSWORD).await;
    let result =
        env.client.verify_user_attribute().access_token(&token).attribute_name("email").code(&code).send().await;
    assert_eq!(failure(result), expired());
    env.client
        .get_user_attribute_verification_code()
        .access_token(&token)
        .attribute_name("email")
        .send()
        .await
        .unwrap();
    let code = env.last_code("sara", KIND).await;
    env.client.verify_user_attribute().access_token(&token).attribute_name("email").code(&code).send().await.unwrap();
    assert_eq!(env.attribute("sara", "email_verified").await.as_deref(), Some("true"));
}

#[tokio::test]
async fn a_phone_number_is_verified_by_sms() {
    let env = start(Setup { verify: vec!["phone_number"], ..Setup::default() }).await;
    env.user("tomas").await;
    let token = env.access_token("tomas", PASSWORD).await;
    let out = env
        .client
        .update_user_attributes()
        .access_token(&token)
        .user_attributes(attr("phone_number", "+14155550123"))
        .send()
        .await
        .unwrap();
    let details = &out.code_delivery_details_list.unwrap()[0];
    assert_eq!(details.destination.as_deref(), Some("+*******0123"));
    assert_eq!(details.delivery_medium.as_ref().map(|m| m.as_str()), Some("SMS"));
    let code = env.last_code("tomas", KIND).await;
    env.client
        .verify_user_attribute()
        .access_token(&token)
        .attribute_name("phone_number")
        .code(code)
        .send()
        .await
        .unwrap();
    assert_eq!(env.attribute("tomas", "phone_number_verified").await.as_deref(), Some("true"));
}
