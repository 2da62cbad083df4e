//! Threat protection over HTTP: the PLUS plan and the add-on the operations need, risk
//! configurations (through boto3: `threat_protection/risk_configuration.py`), and what the
//! server records and decides for sign-ins, sign-ups and password changes: events newest first
//! with their challenges, context and risk, blocked and skipped addresses, compromised
//! passwords, the account takeover action for a sign-in from a new address with its
//! notification, and feedback on events by the administrators and by the notification's token.

mod common;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::env::Env;
use common::setup::{ClientBuilder, PASSWORD_FLOWS, PoolBuilder, UserBuilder};
use common::signin::{admin_password_auth, password_auth};
use common::tools::{present, tool_available};
use common::{ACCESS_KEY, REGION, SECRET_KEY, attr, failure, invalid, pair};
use serde_json::Value;

type SetRisk = cognito_idp::client::SetRiskConfigurationBuilder;

/// A password the default policy accepts and the breached list does not hold.
const STRONG: &str = "Tr0ub4dor&3-horse";
/// A password the default policy accepts that the shipped breached list holds.
const BREACHED: &str = "P@ssw0rd";
/// The refusal of a sign-in threat protection blocks.
const BLOCKED: &str = "Unable to sign in because of a security risk detected for this request.";

fn add_ons(mode: &str) -> UserPoolAddOnsType {
    UserPoolAddOnsType { advanced_security_mode: AdvancedSecurityModeType::from(mode), ..Default::default() }
}

/// A server with a PLUS pool in threat protection `mode` and a client with the password flows.
async fn env(mode: &'static str) -> Env {
    let pool = PoolBuilder::new("protected").with(move |p| p.user_pool_add_ons(add_ons(mode)).user_pool_tier("PLUS"));
    Env::start(pool, ClientBuilder::new("web").flows(&PASSWORD_FLOWS)).await
}

async fn user(env: &Env, username: &str, password: &str) {
    UserBuilder::new(username).verified_email().password(password).create(&env.client, &env.pool).await;
}

async fn events(client: &Client, pool: &str, username: &str) -> Vec<AuthEventType> {
    let listed = client.admin_list_user_auth_events().user_pool_id(pool).username(username).send().await;
    listed.expect("AdminListUserAuthEvents").auth_events.unwrap_or_default()
}

fn kind(event: &AuthEventType) -> (String, String) {
    let kind = event.event_type.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default();
    let response = event.event_response.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default();
    (kind, response)
}

fn challenges(event: &AuthEventType) -> Vec<(String, String)> {
    event
        .challenge_responses
        .iter()
        .flatten()
        .map(|c| {
            let name = c.challenge_name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default();
            let result = c.challenge_response.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default();
            (name, result)
        })
        .collect()
}

fn risk(event: &AuthEventType) -> (String, Option<String>, bool) {
    let risk = event.event_risk.clone().unwrap_or_default();
    (
        risk.risk_decision.map(|d| d.as_str().to_owned()).unwrap_or_default(),
        risk.risk_level.map(|l| l.as_str().to_owned()),
        risk.compromised_credentials_detected.unwrap_or_default(),
    )
}

fn ip(event: &AuthEventType) -> Option<String> {
    event.event_context_data.as_ref().and_then(|c| c.ip_address.clone())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// `AdminInitiateAuth` with the end user's address in `ContextData`.
async fn admin_sign_in_from(env: &Env, username: &str, password: &str, address: &str) -> Result<(), (String, String)> {
    let context = ContextDataType {
        ip_address: address.into(),
        server_name: "app.example.com".into(),
        server_path: "/login".into(),
        http_headers: vec![HttpHeader {
            header_name: Some("User-Agent".into()),
            header_value: Some("Firefox 140".into()),
        }],
        encoded_data: None,
    };
    env.client
        .admin_initiate_auth()
        .user_pool_id(&env.pool)
        .client_id(&env.app)
        .auth_flow("ADMIN_USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .context_data(context)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| (common::error_code(&e).unwrap_or_default(), common::error_message(&e).unwrap_or_default()))
}

async fn set_risk(env: &Env, adjust: impl FnOnce(SetRisk) -> SetRisk) {
    adjust(env.client.set_risk_configuration().user_pool_id(&env.pool)).send().await.expect("SetRiskConfiguration");
}

#[tokio::test]
async fn threat_protection_needs_the_plus_plan_and_its_operations_need_it_on() {
    let env = Env::start(PoolBuilder::new("plain"), ClientBuilder::new("web").flows(&PASSWORD_FLOWS)).await;
    let client = &env.client;
    let refused =
        client.create_user_pool().pool_name("p").user_pool_add_ons(add_ons("ENFORCED")).user_pool_tier("ESSENTIALS");
    assert_eq!(
        failure(refused.send().await),
        pair(
            "FeatureUnavailableInTierException",
            "The following features need to be disabled for the ESSENTIALS pricing tier configured: Threat Protection"
        )
    );
    // Without a plan, a pool with threat protection is a PLUS pool.
    let created = client.create_user_pool().pool_name("p").user_pool_add_ons(add_ons("AUDIT")).send().await;
    let created = created.expect("CreateUserPool").user_pool.unwrap();
    assert_eq!(created.user_pool_tier.as_ref().map(|t| t.as_str()), Some("PLUS"));
    // The default pool is ESSENTIALS: turning threat protection on there is refused.
    let update = client.update_user_pool().user_pool_id(&env.pool).user_pool_add_ons(add_ons("ENFORCED"));
    assert_eq!(failure(update.send().await).0, "FeatureUnavailableInTierException");
    let plus =
        client.update_user_pool().user_pool_id(&env.pool).user_pool_add_ons(add_ons("ENFORCED")).user_pool_tier("PLUS");
    plus.send().await.expect("UpdateUserPool to PLUS with threat protection");
    let down =
        client.update_user_pool().user_pool_id(&env.pool).user_pool_add_ons(add_ons("ENFORCED")).user_pool_tier("LITE");
    assert_eq!(
        failure(down.send().await),
        pair(
            "TierChangeNotAllowedException",
            "The following features need to be disabled for the LITE pricing tier configured: Threat Protection"
        )
    );

    let off = client.create_user_pool().pool_name("off").send().await.unwrap().user_pool.unwrap().id.unwrap();
    let add_on = pair(
        "UserPoolAddOnNotEnabledException",
        "This is an add on feature. Please update AdvancedSecurityMode for your user pool to access this API.",
    );
    let listed = client.admin_list_user_auth_events().user_pool_id(&off).username("nobody").send().await;
    assert_eq!(failure(listed), add_on);
    let feedback = client
        .admin_update_auth_event_feedback()
        .user_pool_id(&off)
        .username("nobody")
        .event_id("e")
        .feedback_value("Valid")
        .send()
        .await;
    assert_eq!(failure(feedback), add_on);
    // A pool without threat protection records nothing, but its risk configuration can be set
    // (see risk_configuration.py).
    user(&env, "before", STRONG).await;
    let listed = client.admin_list_user_auth_events().user_pool_id(&env.pool).username("before").send().await;
    assert_eq!(listed.unwrap().auth_events.unwrap_or_default().len(), 0);
}

#[tokio::test]
async fn sign_ins_are_recorded_newest_first_with_their_challenges_and_context() {
    let env = env("AUDIT").await;
    user(&env, "diego", STRONG).await;
    assert_eq!(
        failure(password_auth(&env.client, &env.app, "diego", "Wrong-pass1!").await).0,
        "NotAuthorizedException"
    );
    password_auth(&env.client, &env.app, "diego", STRONG).await.expect("sign-in");
    admin_sign_in_from(&env, "diego", STRONG, "203.0.113.9").await.expect("admin sign-in");

    let listed = events(&env.client, &env.pool, "diego").await;
    let kinds: Vec<_> = listed.iter().map(kind).collect();
    assert_eq!(kinds, pairs(&[("SignIn", "Pass"), ("SignIn", "Pass"), ("SignIn", "Fail")]));
    assert_eq!(challenges(&listed[2]), pairs(&[("Password", "Failure")]));
    assert_eq!(challenges(&listed[1]), pairs(&[("Password", "Success")]));
    assert_eq!(ip(&listed[1]).as_deref(), Some("127.0.0.1"));
    // The administrators' sign-in names the end user's address and browser in ContextData.
    assert_eq!(ip(&listed[0]).as_deref(), Some("203.0.113.9"));
    let context = listed[0].event_context_data.clone().unwrap();
    assert_eq!(context.device_name.as_deref(), Some("Firefox 140"));
    assert_eq!(context.city.as_deref(), Some("null"));
    assert!(listed.iter().all(|e| e.event_id.is_some() && e.creation_date.is_some()));
    // In AUDIT mode the sign-in from a new address is rated, not acted on.
    assert_eq!(risk(&listed[0]), ("AccountTakeover".into(), Some("Low".into()), false));
    assert_eq!(risk(&listed[1]), ("NoRisk".into(), None, false));

    // Paged, newest first, by any alias the administrators' operations take.
    let first = env.client.admin_list_user_auth_events().user_pool_id(&env.pool).username("diego").max_results(2);
    let first = first.send().await.unwrap();
    assert_eq!(first.auth_events.as_ref().unwrap().len(), 2);
    let token = first.next_token.expect("a next page");
    let rest = env.client.admin_list_user_auth_events().user_pool_id(&env.pool).username("diego").next_token(token);
    let rest = rest.send().await.unwrap();
    assert_eq!(rest.auth_events.unwrap()[0].event_id, listed[2].event_id);
    assert_eq!(rest.next_token, None);

    let unknown = env.client.admin_list_user_auth_events().user_pool_id(&env.pool).username("nobody").send().await;
    assert_eq!(failure(unknown), pair("UserNotFoundException", "User does not exist."));
    // The events go with their user.
    env.client.admin_delete_user().user_pool_id(&env.pool).username("diego").send().await.unwrap();
    user(&env, "diego", STRONG).await;
    assert_eq!(events(&env.client, &env.pool, "diego").await.len(), 0);
}

#[tokio::test]
async fn a_sign_in_with_mfa_is_in_progress_until_the_code_then_passes_or_fails() {
    let pool = PoolBuilder::new("mfa")
        .with(|p| p.user_pool_add_ons(add_ons("AUDIT")).user_pool_tier("PLUS"))
        .ses_email()
        .email_mfa()
        .mfa("ON");
    let env = Env::start(pool, ClientBuilder::new("web").flows(&PASSWORD_FLOWS)).await;
    user(&env, "mia", STRONG).await;
    let challenge = password_auth(&env.client, &env.app, "mia", STRONG).await.expect("sign-in");
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("EMAIL_OTP"));
    let listed = events(&env.client, &env.pool, "mia").await;
    assert_eq!(kind(&listed[0]), pair("SignIn", "InProgress"));

    let answer = |code: String, session: Option<String>| {
        env.client
            .respond_to_auth_challenge()
            .client_id(&env.app)
            .challenge_name("EMAIL_OTP")
            .session(session.unwrap_or_default())
            .challenge_responses("USERNAME", "mia")
            .challenge_responses("EMAIL_OTP_CODE", code)
            .send()
    };
    let code = env.last_code("mia", "EMAIL_OTP").await;
    answer(code, challenge.session.clone()).await.expect("the right code");
    let listed = events(&env.client, &env.pool, "mia").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(kind(&listed[0]), pair("SignIn", "Pass"));
    assert_eq!(challenges(&listed[0]), pairs(&[("Password", "Success"), ("Mfa", "Success")]));

    let challenge = password_auth(&env.client, &env.app, "mia", STRONG).await.expect("sign-in");
    assert_eq!(failure(answer("000000".into(), challenge.session).await).0, "CodeMismatchException");
    let listed = events(&env.client, &env.pool, "mia").await;
    assert_eq!(kind(&listed[0]), pair("SignIn", "Fail"));
    assert_eq!(challenges(&listed[0]), pairs(&[("Password", "Success"), ("Mfa", "Failure")]));
}

#[tokio::test]
async fn sign_up_and_password_changes_are_recorded() {
    let env = env("ENFORCED").await;
    let signed_up = env
        .client
        .sign_up()
        .client_id(&env.app)
        .username("sam")
        .password(STRONG)
        .user_attributes(attr("email", "sam@example.com"))
        .user_context_data(UserContextDataType { ip_address: Some("198.51.100.20".into()), encoded_data: None })
        .send()
        .await;
    signed_up.expect("SignUp");
    env.client.admin_confirm_sign_up().user_pool_id(&env.pool).username("sam").send().await.unwrap();
    let verified = env.client.admin_update_user_attributes().user_pool_id(&env.pool).username("sam");
    verified.user_attributes(attr("email_verified", "true")).send().await.unwrap();
    let tokens = password_auth(&env.client, &env.app, "sam", STRONG).await.unwrap().authentication_result.unwrap();
    let access = tokens.access_token.unwrap();
    let changed = env
        .client
        .change_password()
        .access_token(&access)
        .previous_password(STRONG)
        .proposed_password("Another-str0ng-one")
        .send()
        .await;
    changed.expect("ChangePassword");
    env.client.forgot_password().client_id(&env.app).username("sam").send().await.expect("ForgotPassword");
    let code = env.last_code("sam", "FORGOT_PASSWORD").await;
    let confirmed = env
        .client
        .confirm_forgot_password()
        .client_id(&env.app)
        .username("sam")
        .confirmation_code(code)
        .password("Third-str0ng-one")
        .send()
        .await;
    confirmed.expect("ConfirmForgotPassword");

    let listed = events(&env.client, &env.pool, "sam").await;
    let kinds: Vec<_> = listed.iter().map(kind).collect();
    assert_eq!(
        kinds,
        pairs(&[
            ("PasswordChange", "Pass"),
            ("ForgotPassword", "Pass"),
            ("PasswordChange", "Pass"),
            ("SignIn", "Pass"),
            ("SignUp", "Pass"),
        ])
    );
    assert_eq!(ip(&listed[4]).as_deref(), Some("198.51.100.20"));
    // Without UserContextData, the caller's own address.
    assert_eq!(ip(&listed[2]).as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn a_blocked_address_cannot_sign_in_and_a_skipped_one_is_not_assessed() {
    let env = env("ENFORCED").await;
    user(&env, "ana", STRONG).await;
    set_risk(&env, |r| {
        r.risk_exception_configuration(RiskExceptionConfigurationType {
            blocked_ip_range_list: Some(vec!["192.0.2.0/24".into()]),
            skipped_ip_range_list: Some(vec!["198.51.100.0/24".into()]),
        })
    })
    .await;
    assert_eq!(
        admin_sign_in_from(&env, "ana", STRONG, "192.0.2.77").await,
        Err(pair("NotAuthorizedException", BLOCKED))
    );
    // The loopback address is neither blocked nor skipped; the skipped range is not assessed
    // for account takeover (a new address, yet no risk).
    password_auth(&env.client, &env.app, "ana", STRONG).await.expect("from 127.0.0.1");
    admin_sign_in_from(&env, "ana", STRONG, "198.51.100.3").await.expect("from a skipped address");
    let listed = events(&env.client, &env.pool, "ana").await;
    assert_eq!(kind(&listed[2]), pair("SignIn", "Fail"));
    assert_eq!(risk(&listed[2]), ("Block".into(), None, false));
    assert_eq!(ip(&listed[2]).as_deref(), Some("192.0.2.77"));
    assert_eq!(risk(&listed[0]), ("NoRisk".into(), None, false));
    assert_eq!(kind(&listed[0]), pair("SignIn", "Pass"));

    // In AUDIT mode the same address is recorded as blocked, and let through.
    let audit = env.client.update_user_pool().user_pool_id(&env.pool).user_pool_add_ons(add_ons("AUDIT"));
    audit.user_pool_tier("PLUS").send().await.unwrap();
    admin_sign_in_from(&env, "ana", STRONG, "192.0.2.77").await.expect("audited, not blocked");
    let listed = events(&env.client, &env.pool, "ana").await;
    assert_eq!((kind(&listed[0]), risk(&listed[0]).0), (pair("SignIn", "Pass"), "Block".into()));
}

#[tokio::test]
async fn a_compromised_password_is_blocked_where_configured_and_recorded_everywhere() {
    let env = env("ENFORCED").await;
    set_risk(&env, |r| {
        r.compromised_credentials_risk_configuration(CompromisedCredentialsRiskConfigurationType {
            event_filter: Some(vec![EventFilterType::from("SIGN_IN"), EventFilterType::from("SIGN_UP")]),
            actions: CompromisedCredentialsActionsType {
                event_action: CompromisedCredentialsEventActionType::from("BLOCK"),
            },
        })
    })
    .await;
    let sign_up = env.client.sign_up().client_id(&env.app).username("lee").password(BREACHED).send().await;
    assert_eq!(failure(sign_up).0, "InvalidPasswordException");
    // An administrator's password is not checked; signing in with it is.
    user(&env, "lee", BREACHED).await;
    assert_eq!(
        failure(password_auth(&env.client, &env.app, "lee", BREACHED).await),
        pair("NotAuthorizedException", BLOCKED)
    );
    let listed = events(&env.client, &env.pool, "lee").await;
    assert_eq!(kind(&listed[0]), pair("SignIn", "Fail"));
    assert_eq!(risk(&listed[0]), ("Block".into(), None, true));
    // SRP never shows the server the password: nothing to detect.
    // A password change is not in the filter: allowed, and recorded as compromised.
    set_risk(&env, |r| {
        r.compromised_credentials_risk_configuration(CompromisedCredentialsRiskConfigurationType {
            event_filter: Some(vec![EventFilterType::from("SIGN_UP")]),
            actions: CompromisedCredentialsActionsType {
                event_action: CompromisedCredentialsEventActionType::from("BLOCK"),
            },
        })
    })
    .await;
    password_auth(&env.client, &env.app, "lee", BREACHED).await.expect("SIGN_IN is no longer filtered");
    let listed = events(&env.client, &env.pool, "lee").await;
    assert_eq!((kind(&listed[0]), risk(&listed[0]).2), (pair("SignIn", "Pass"), true));
}

#[tokio::test]
async fn a_sign_in_from_a_new_address_takes_the_low_action_and_the_notification_carries_the_feedback_token() {
    let env = env("ENFORCED").await;
    user(&env, "kim", STRONG).await;
    let notify = NotifyConfigurationType {
        from: Some("security@example.com".into()),
        source_arn: "arn:aws:ses:us-east-1:000000000000:identity/example.com".into(),
        block_email: Some(NotifyEmailType {
            subject: "Blocked".into(),
            text_body: Some("Blocked {username} from {ip-address}. Not you? {one-click-link-invalid}".into()),
            html_body: None,
        }),
        ..Default::default()
    };
    let action =
        AccountTakeoverActionType { notify: true, event_action: AccountTakeoverEventActionType::from("BLOCK") };
    set_risk(&env, |r| {
        r.account_takeover_risk_configuration(AccountTakeoverRiskConfigurationType {
            notify_configuration: Some(notify),
            actions: AccountTakeoverActionsType { low_action: Some(action), ..Default::default() },
        })
    })
    .await;
    // The first sign-in has nothing to compare with; the same address again is known.
    admin_password_auth(&env.client, &env.pool, &env.app, "kim", STRONG).await.expect("first");
    admin_password_auth(&env.client, &env.pool, &env.app, "kim", STRONG).await.expect("known address");
    let refused = admin_sign_in_from(&env, "kim", STRONG, "198.51.100.7").await;
    assert_eq!(refused, Err(pair("NotAuthorizedException", BLOCKED)));
    let listed = events(&env.client, &env.pool, "kim").await;
    assert_eq!(kind(&listed[0]), pair("SignIn", "Fail"));
    assert_eq!(risk(&listed[0]), ("Block".into(), Some("Low".into()), false));
    let event_id = listed[0].event_id.clone().unwrap();

    let sent = env.messages("kim", "ACCOUNT_TAKEOVER").await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["subject"], "Blocked");
    let body = sent[0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(body.starts_with("Blocked kim from 198.51.100.7. Not you? "), "{body}");
    let token = sent[0]["code"].as_str().unwrap().to_owned();
    assert!(body.contains(&token), "{body}");

    let feedback = |token: &str, event: &str, value: &str| {
        env.client
            .update_auth_event_feedback()
            .user_pool_id(&env.pool)
            .username("kim")
            .event_id(event)
            .feedback_token(token)
            .feedback_value(value)
            .send()
    };
    assert_eq!(
        failure(feedback("forged", &event_id, "Invalid").await),
        pair("NotAuthorizedException", "Invalid session provided")
    );
    feedback(&token, &event_id, "Invalid").await.expect("the notification's token");
    let other = listed[1].event_id.clone().unwrap();
    assert_eq!(failure(feedback(&token, &other, "Valid").await).0, "NotAuthorizedException");
    let listed = events(&env.client, &env.pool, "kim").await;
    let given = listed[0].event_feedback.clone().expect("feedback");
    assert_eq!((given.feedback_value.as_str(), given.provider.as_str()), ("Invalid", "User"));

    let admin = |event: &str| {
        env.client
            .admin_update_auth_event_feedback()
            .user_pool_id(&env.pool)
            .username("kim")
            .event_id(event)
            .feedback_value("Valid")
            .send()
    };
    admin(&other).await.expect("AdminUpdateAuthEventFeedback");
    let listed = events(&env.client, &env.pool, "kim").await;
    let given = listed[1].event_feedback.clone().expect("feedback");
    assert_eq!((given.feedback_value.as_str(), given.provider.as_str()), ("Valid", "Admin"));
    assert_eq!(failure(admin("no-such-event").await), invalid("EventId is invalid"));
}

#[tokio::test]
async fn mfa_required_blocks_a_user_without_mfa() {
    let env = env("ENFORCED").await;
    user(&env, "ola", STRONG).await;
    let action =
        AccountTakeoverActionType { notify: false, event_action: AccountTakeoverEventActionType::from("MFA_REQUIRED") };
    set_risk(&env, |r| {
        r.account_takeover_risk_configuration(AccountTakeoverRiskConfigurationType {
            notify_configuration: None,
            actions: AccountTakeoverActionsType { low_action: Some(action), ..Default::default() },
        })
    })
    .await;
    admin_password_auth(&env.client, &env.pool, &env.app, "ola", STRONG).await.expect("first");
    assert_eq!(
        admin_sign_in_from(&env, "ola", STRONG, "198.51.100.8").await,
        Err(pair("NotAuthorizedException", BLOCKED))
    );
    assert!(env.messages("ola", "ACCOUNT_TAKEOVER").await.is_empty());
}

/// Risk configurations through boto3: round trips at pool and client level, the client's
/// falling back to the pool's, deletion, and the validation errors.
#[tokio::test]
async fn risk_configurations_round_trip_through_boto3() {
    let server = common::InProcessServer::start().await;
    let Some(out) = run_script(&server.url(), "risk_configuration.py").await else { return };
    let not_found = |what: &str| serde_json::json!(["ResourceNotFoundException", what]);
    let pool = out["pool"]["UserPoolId"].as_str().unwrap_or_default().to_owned();
    assert_eq!(out["nothing_set"], not_found(&format!("Risk configuration for user pool {pool} does not exist.")));
    assert_eq!(out["set_has_date"], true);
    assert_eq!(
        out["pool"],
        serde_json::json!({
            "UserPoolId": pool,
            "CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_UP"], "Actions": {"EventAction": "NO_ACTION"}},
            "RiskExceptionConfiguration": {"BlockedIPRangeList": ["10.10.10.10/32"]},
        })
    );
    let web = out["web"]["ClientId"].as_str().expect("the client's own").to_owned();
    assert_eq!(out["web"]["AccountTakeoverRiskConfiguration"]["Actions"]["HighAction"]["EventAction"], "BLOCK");
    assert_eq!(out["web"].get("RiskExceptionConfiguration"), None, "a client's replaces the pool's");
    assert_eq!(out["mobile"], out["pool"], "a client without one gets the pool's");
    assert_eq!(out["web_deleted"], out["pool"]);
    assert_eq!(out["pool_deleted"], not_found(&format!("Risk configuration for user pool {pool} does not exist.")));
    assert_eq!(out["unknown_client"], not_found("User pool client nosuchclient does not exist."));
    let invalid = |message: &str| serde_json::json!(["InvalidParameterException", message]);
    assert_eq!(
        out["notify_without_configuration"],
        invalid("NotifyConfiguration is required when an account takeover action notifies the user.")
    );
    assert_eq!(
        out["source_not_ses"],
        invalid(
            "SourceArn \"arn:aws:sns:us-east-1:000000000000:topic\" is not the ARN of an Amazon SES verified identity."
        )
    );
    assert_eq!(
        out["no_actions"],
        invalid(
            "AccountTakeoverRiskConfiguration.Actions needs at least one of LowAction, MediumAction or HighAction."
        )
    );
    assert_eq!(
        out["bad_cidr"],
        invalid(
            "SkippedIPRangeList contains \"10.0.0.0/33\", which is not a CIDR block (such as 192.0.2.0/24 or 2001:db8::/32)."
        )
    );
    assert_eq!(out["bad_event_action"][0], "InvalidParameterException");
    assert_eq!(out["after_errors"], out["pool_deleted"], "a refused configuration stores nothing");
    let _ = web;
}

async fn run_script(url: &str, name: &str) -> Option<Value> {
    if !present(tool_available("python3", &["-c", "import boto3"]), "python3 with boto3") {
        return None;
    }
    let script = format!("{}/tests/threat_protection/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut command = tokio::process::Command::new("python3");
    command.arg(script).args([url, REGION, ACCESS_KEY, SECRET_KEY]);
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"] {
        command.env_remove(var);
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    Some(common::tools::stdout_json(&common::tools::run(command).await))
}

/// The local console's user page lists the user's recent events.
#[tokio::test]
async fn the_local_consoles_user_page_shows_recent_sign_in_events() {
    let env = env("AUDIT").await;
    user(&env, "noor", STRONG).await;
    assert_eq!(failure(password_auth(&env.client, &env.app, "noor", "Wrong-pass1!").await).0, "NotAuthorizedException");
    password_auth(&env.client, &env.app, "noor", STRONG).await.expect("sign-in");
    let url = format!("{}/_local/pools/{}/users/noor", env.server.url(), env.pool);
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let events = &page[page.find("Recent sign-in events").expect("the section")..];
    assert!(events.contains("<td class=\"result\">Pass</td>"), "{events}");
    assert!(events.contains("<td class=\"result\">Fail</td>"), "{events}");
    assert!(events.contains("127.0.0.1") && events.contains("Password: Failure"), "{events}");
    assert!(events.find("Pass").unwrap() < events.find("Fail").unwrap(), "newest first");
}

/// An SRP sign-in through cognito-auth's client.
async fn srp_sign_in(env: &Env, username: &str, password: &str) -> Result<(), (String, String)> {
    use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient};
    let srp = SrpClient::new(&env.pool, username, password).unwrap();
    let call = env.client.initiate_auth().client_id(&env.app).auth_flow("USER_SRP_AUTH");
    let out = call.set_auth_parameters(Some(srp.auth_parameters())).send().await.expect("USER_SRP_AUTH");
    let challenge = PasswordVerifierChallenge::from_parameters(&out.challenge_parameters.unwrap()).unwrap();
    let answer = env
        .client
        .respond_to_auth_challenge()
        .client_id(&env.app)
        .challenge_name("PASSWORD_VERIFIER")
        .session(out.session.unwrap_or_default())
        .set_challenge_responses(Some(srp.respond(&challenge).unwrap()))
        .send()
        .await;
    answer
        .map(|_| ())
        .map_err(|e| (common::error_code(&e).unwrap_or_default(), common::error_message(&e).unwrap_or_default()))
}

/// SRP sign-ins are recorded too; SRP never shows the server the password, so a breached one
/// goes undetected there (as with AWS), while the password flow blocks it.
#[tokio::test]
async fn srp_sign_ins_are_recorded_and_cannot_reveal_a_compromised_password() {
    let env = env("ENFORCED").await;
    user(&env, "uma", BREACHED).await;
    set_risk(&env, |r| {
        r.compromised_credentials_risk_configuration(CompromisedCredentialsRiskConfigurationType {
            event_filter: None,
            actions: CompromisedCredentialsActionsType {
                event_action: CompromisedCredentialsEventActionType::from("BLOCK"),
            },
        })
    })
    .await;
    assert_eq!(
        srp_sign_in(&env, "uma", "Not-the-passw0rd").await.map_err(|e| e.0),
        Err("NotAuthorizedException".into())
    );
    srp_sign_in(&env, "uma", BREACHED).await.expect("SRP does not show the password");
    assert_eq!(
        failure(password_auth(&env.client, &env.app, "uma", BREACHED).await),
        pair("NotAuthorizedException", BLOCKED)
    );
    let listed = events(&env.client, &env.pool, "uma").await;
    let kinds: Vec<_> = listed.iter().map(|e| (kind(e), risk(e).2)).collect();
    assert_eq!(
        kinds,
        vec![(pair("SignIn", "Fail"), true), (pair("SignIn", "Pass"), false), (pair("SignIn", "Fail"), false)]
    );
    assert_eq!(challenges(&listed[2]), pairs(&[("Password", "Failure")]));
}
