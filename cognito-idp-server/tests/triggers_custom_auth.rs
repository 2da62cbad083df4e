//! `CUSTOM_AUTH` with the DefineAuthChallenge, CreateAuthChallenge and
//! VerifyAuthChallengeResponse triggers over HTTP, against a test-owned Invoke endpoint
//! (`common::lambda`): the events (session history, public and private parameters, answers),
//! several rounds, a wrong answer retried, SRP before the custom challenges,
//! `issueTokens` / `failAuthentication`, both APIs (`InitiateAuth` and `AdminInitiateAuth`),
//! failures and pools without the triggers; then amazon-cognito-identity-js driving the flow.

mod common;

use cognito_auth::srp::{PasswordVerifierChallenge, SrpClient};
use cognito_idp::Client;
use cognito_idp::types::LambdaConfigType;
use common::lambda::{FakeLambda, Reply, arn};
use common::tools::{node, node_modules, run, stdout_json};
use common::{ClientBuilder, InProcessServer, PASSWORD, PoolBuilder, UserBuilder, failure, incorrect, invalid, pair};
use serde_json::{Value, json};

const FLOWS: [&str; 3] = ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

async fn server_with(lambda: &FakeLambda) -> InProcessServer {
    let url = lambda.url();
    InProcessServer::start_with(move |o| o.lambda_endpoint = Some(url)).await
}

fn with_triggers(pool: PoolBuilder) -> PoolBuilder {
    let config = LambdaConfigType {
        define_auth_challenge: Some(arn("define")),
        create_auth_challenge: Some(arn("create")),
        verify_auth_challenge_response: Some(arn("verify")),
        ..Default::default()
    };
    pool.with(move |p| p.lambda_config(config))
}

fn session_of(event: &Value) -> Vec<Value> {
    event["request"]["session"].as_array().cloned().unwrap_or_default()
}

/// The test's functions, as AWS's guide's examples work: the password first when the client
/// started with SRP, then custom challenges `qN` (answer `aN`, metadata `round-N`); two right
/// answers complete a sign-in (one after a password), two wrong ones fail it.
fn install(lambda: &FakeLambda) {
    lambda.returns("define", |event| {
        let session = session_of(event);
        let named = |name: &str, result: bool| {
            session.iter().filter(|s| s["challengeName"] == name && s["challengeResult"] == result).count()
        };
        let response = &mut event["response"];
        match session.last().map(|s| s["challengeName"].as_str().unwrap_or_default()) {
            None => response["challengeName"] = json!("CUSTOM_CHALLENGE"),
            Some("SRP_A") => response["challengeName"] = json!("PASSWORD_VERIFIER"),
            Some("PASSWORD_VERIFIER") => response["challengeName"] = json!("CUSTOM_CHALLENGE"),
            _ => {
                let needed = if named("PASSWORD_VERIFIER", true) > 0 { 1 } else { 2 };
                if named("CUSTOM_CHALLENGE", false) >= 2 {
                    response["failAuthentication"] = json!(true);
                } else if named("CUSTOM_CHALLENGE", true) >= needed {
                    response["issueTokens"] = json!(true);
                } else {
                    response["challengeName"] = json!("CUSTOM_CHALLENGE");
                }
            }
        }
    });
    lambda.returns("create", |event| {
        let round = session_of(event).iter().filter(|s| s["challengeName"] == "CUSTOM_CHALLENGE").count();
        event["response"]["publicChallengeParameters"] = json!({"question": format!("q{round}")});
        event["response"]["privateChallengeParameters"] = json!({"answer": format!("a{round}")});
        event["response"]["challengeMetadata"] = json!(format!("round-{round}"));
    });
    lambda.returns("verify", |event| {
        let right = event["request"]["challengeAnswer"] == event["request"]["privateChallengeParameters"]["answer"];
        event["response"]["answerCorrect"] = json!(right);
    });
}

fn name_of(challenge: &Option<cognito_idp::types::ChallengeNameType>) -> Option<&str> {
    challenge.as_ref().map(|c| c.as_str())
}

async fn answer(
    client: &Client,
    app: &str,
    session: &str,
    answer: &str,
) -> Result<
    cognito_idp::types::RespondToAuthChallengeResponse,
    cognito_idp::SdkError<cognito_idp::operation::RespondToAuthChallengeError>,
> {
    client
        .respond_to_auth_challenge()
        .client_id(app)
        .challenge_name("CUSTOM_CHALLENGE")
        .session(session)
        .challenge_responses("USERNAME", "diego")
        .challenge_responses("ANSWER", answer)
        .client_metadata("device", "kiosk")
        .send()
        .await
}

#[tokio::test]
async fn custom_challenges_run_round_after_round_and_issue_tokens() {
    let lambda = FakeLambda::start().await;
    install(&lambda);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_triggers(PoolBuilder::new("custom")).create(&client).await;
    let app = ClientBuilder::new("web").flows(&FLOWS).create(&client, &pool).await.id;
    common::confirmed_user(&client, &pool, "diego", PASSWORD).await;

    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("CUSTOM_AUTH")
        .auth_parameters("USERNAME", "diego")
        .client_metadata("not", "sent")
        .send()
        .await
        .expect("CUSTOM_AUTH");
    assert_eq!(name_of(&out.challenge_name), Some("CUSTOM_CHALLENGE"));
    let params = out.challenge_parameters.unwrap();
    assert_eq!(params, [("USERNAME".to_owned(), "diego".to_owned()), ("question".into(), "q0".into())].into());
    assert!(out.authentication_result.is_none());

    let define = lambda.events("define");
    assert_eq!(define.len(), 1);
    let event = &define[0];
    assert_eq!(event["triggerSource"], "DefineAuthChallenge_Authentication");
    assert_eq!(event["userName"], "diego");
    assert_eq!(event["callerContext"]["clientId"], app.as_str());
    assert_eq!(event["request"]["session"], json!([]));
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(event["request"]["userAttributes"]["email"], "diego@example.com");
    assert!(event["request"].get("clientMetadata").is_none(), "InitiateAuth's ClientMetadata is not sent: {event}");
    assert!(event["request"].get("userNotFound").is_none(), "only for clients that hide users: {event}");
    assert_eq!(event["response"], json!({"challengeName": null, "issueTokens": false, "failAuthentication": false}));
    let create = lambda.events("create").pop().unwrap();
    assert_eq!(create["triggerSource"], "CreateAuthChallenge_Authentication");
    assert_eq!(create["request"]["challengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(create["request"]["session"], json!([]));
    assert_eq!(
        create["response"],
        json!({"publicChallengeParameters": {}, "privateChallengeParameters": {}, "challengeMetadata": null})
    );

    // Round 1: right.
    let first = out.session.unwrap();
    let out = answer(&client, &app, &first, "a0").await.expect("a right answer");
    assert_eq!(name_of(&out.challenge_name), Some("CUSTOM_CHALLENGE"));
    assert_eq!(out.challenge_parameters.as_ref().unwrap()["question"], "q1");
    let verify = lambda.events("verify").pop().unwrap();
    assert_eq!(verify["triggerSource"], "VerifyAuthChallengeResponse_Authentication");
    assert_eq!(verify["request"]["privateChallengeParameters"], json!({"answer": "a0"}));
    assert_eq!(verify["request"]["challengeAnswer"], "a0");
    assert_eq!(verify["request"]["clientMetadata"], json!({"device": "kiosk"}));
    assert_eq!(verify["response"], json!({"answerCorrect": false}));
    let define = lambda.events("define").pop().unwrap();
    assert_eq!(
        define["request"]["session"],
        json!([{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "round-0"}])
    );
    assert_eq!(define["request"]["clientMetadata"], json!({"device": "kiosk"}));
    // The answered session is spent.
    assert_eq!(
        failure(answer(&client, &app, &first, "a0").await),
        pair("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    );

    // Round 2: wrong; the functions ask again (round 3), and a right answer completes it.
    let out = answer(&client, &app, out.session.as_deref().unwrap(), "nope").await.expect("a wrong answer goes on");
    assert_eq!(out.challenge_parameters.as_ref().unwrap()["question"], "q2");
    let define = lambda.events("define").pop().unwrap();
    assert_eq!(
        define["request"]["session"][1],
        json!({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "round-1"})
    );
    let out = answer(&client, &app, out.session.as_deref().unwrap(), "a2").await.expect("tokens");
    let tokens = out.authentication_result.expect("tokens");
    assert!(out.challenge_name.is_none());
    let user = client.get_user().access_token(tokens.access_token.unwrap()).send().await.unwrap();
    assert_eq!(user.username, "diego");
    assert_eq!(session_of(&lambda.events("define").pop().unwrap()).len(), 3);
}

#[tokio::test]
async fn the_password_first_then_a_custom_challenge_through_the_administrators_api() {
    let lambda = FakeLambda::start().await;
    install(&lambda);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_triggers(PoolBuilder::new("custom")).create(&client).await;
    let app = ClientBuilder::new("web").flows(&FLOWS).create(&client, &pool).await.id;
    common::confirmed_user(&client, &pool, "diego", PASSWORD).await;

    let start = |password: &str| {
        let srp = SrpClient::new(&pool, "diego", password).unwrap();
        let mut params = srp.auth_parameters();
        params.insert("CHALLENGE_NAME".into(), "SRP_A".into());
        (srp, params)
    };
    let (srp, params) = start(PASSWORD);
    let out = client
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&app)
        .auth_flow("CUSTOM_AUTH")
        .set_auth_parameters(Some(params))
        .send()
        .await
        .expect("CUSTOM_AUTH with SRP_A");
    assert_eq!(name_of(&out.challenge_name), Some("PASSWORD_VERIFIER"));
    let define = lambda.events("define").pop().unwrap();
    assert_eq!(
        define["request"]["session"],
        json!([{"challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null}])
    );
    let params = out.challenge_parameters.unwrap();
    let proof = srp.respond(&PasswordVerifierChallenge::from_parameters(&params).unwrap()).unwrap();
    let out = client
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool)
        .client_id(&app)
        .challenge_name("PASSWORD_VERIFIER")
        .set_session(out.session)
        .set_challenge_responses(Some(proof))
        .send()
        .await
        .expect("the password proof");
    assert_eq!(name_of(&out.challenge_name), Some("CUSTOM_CHALLENGE"));
    let define = lambda.events("define").pop().unwrap();
    assert_eq!(
        define["request"]["session"][1],
        json!({"challengeName": "PASSWORD_VERIFIER", "challengeResult": true, "challengeMetadata": null})
    );
    let create = lambda.events("create").pop().unwrap();
    assert_eq!(session_of(&create).len(), 2);
    let done = client
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool)
        .client_id(&app)
        .challenge_name("CUSTOM_CHALLENGE")
        .set_session(out.session)
        .challenge_responses("USERNAME", "diego")
        .challenge_responses("ANSWER", "a0")
        .send()
        .await
        .expect("tokens");
    assert!(done.authentication_result.is_some());

    // A wrong password fails as SRP does, before any custom challenge.
    let (srp, params) = start("Wrong-Passw0rd!");
    let out = client
        .initiate_auth()
        .client_id(&app)
        .auth_flow("CUSTOM_AUTH")
        .set_auth_parameters(Some(params))
        .send()
        .await
        .unwrap();
    let proof =
        srp.respond(&PasswordVerifierChallenge::from_parameters(&out.challenge_parameters.unwrap()).unwrap()).unwrap();
    let creates = lambda.events("create").len();
    let wrong = client
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("PASSWORD_VERIFIER")
        .set_session(out.session)
        .set_challenge_responses(Some(proof))
        .send()
        .await;
    assert_eq!(failure(wrong), incorrect());
    assert_eq!(lambda.events("create").len(), creates);
}

#[tokio::test]
async fn failures_unknown_users_and_pools_without_the_triggers() {
    let lambda = FakeLambda::start().await;
    install(&lambda);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_triggers(PoolBuilder::new("custom")).create(&client).await;
    let app = ClientBuilder::new("web").flows(&FLOWS).create(&client, &pool).await.id;
    common::confirmed_user(&client, &pool, "diego", PASSWORD).await;
    let start = |app: String, name: &'static str| {
        client.initiate_auth().client_id(app).auth_flow("CUSTOM_AUTH").auth_parameters("USERNAME", name).send()
    };

    // Two wrong answers: failAuthentication.
    let out = start(app.clone(), "diego").await.unwrap();
    let out = answer(&client, &app, out.session.as_deref().unwrap(), "nope").await.unwrap();
    assert_eq!(failure(answer(&client, &app, out.session.as_deref().unwrap(), "nope").await), incorrect());

    // Unknown users: not found, or (hiding client) the functions run with userNotFound and no
    // tokens come of it whatever they say.
    assert_eq!(failure(start(app.clone(), "nobody").await), pair("UserNotFoundException", "User does not exist."));
    let hiding = ClientBuilder::new("hiding").flows(&FLOWS).hide_users().create(&client, &pool).await.id;
    let out = start(hiding.clone(), "nobody").await.expect("a challenge, as for anyone");
    assert_eq!(out.challenge_parameters.as_ref().unwrap()["USERNAME"], "nobody");
    let define = lambda.events("define").pop().unwrap();
    assert_eq!((define["userName"].as_str(), &define["request"]["userNotFound"]), (Some("nobody"), &json!(true)));
    assert_eq!(define["request"]["userAttributes"], json!({}));
    let known = start(hiding.clone(), "diego").await.unwrap();
    assert_eq!(lambda.events("define").pop().unwrap()["request"]["userNotFound"], false);
    let respond = |session: String| {
        client
            .respond_to_auth_challenge()
            .client_id(&hiding)
            .challenge_name("CUSTOM_CHALLENGE")
            .session(session)
            .challenge_responses("USERNAME", "nobody")
            .challenge_responses("ANSWER", "a0")
            .send()
    };
    let out = respond(out.session.unwrap()).await.unwrap();
    lambda.returns("define", |e| e["response"]["issueTokens"] = json!(true));
    assert_eq!(failure(respond(out.session.unwrap()).await), incorrect());
    drop(known);

    // Broken functions.
    lambda.on("define", |_| Reply::FunctionError("no way".into()));
    assert_eq!(
        failure(start(app.clone(), "diego").await),
        pair("UserLambdaValidationException", "DefineAuthChallenge failed with error no way.")
    );
    lambda.returns("define", |_| {});
    assert_eq!(
        failure(start(app.clone(), "diego").await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
    install(&lambda);
    lambda.on("create", |_| Reply::Raw("oops".into()));
    assert_eq!(
        failure(start(app.clone(), "diego").await),
        pair("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
    install(&lambda);
    client.admin_disable_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    assert_eq!(failure(start(app.clone(), "diego").await), pair("NotAuthorizedException", "User is disabled."));

    // Pools without the triggers, and clients without the flow.
    let plain = PoolBuilder::new("plain").create(&client).await;
    let plain_app = ClientBuilder::new("web").flows(&FLOWS).create(&client, &plain).await.id;
    UserBuilder::new("diego").verified_email().password(PASSWORD).create(&client, &plain).await;
    assert_eq!(
        failure(start(plain_app, "diego").await),
        invalid("Custom auth lambda trigger is not configured for the user pool.")
    );
    let no_custom = ClientBuilder::new("no-custom").flows(&["ALLOW_USER_SRP_AUTH"]).create(&client, &pool).await.id;
    assert_eq!(failure(start(no_custom, "diego").await), invalid("CUSTOM_AUTH flow not enabled for this client"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_cognito_identity_js_drives_custom_auth() {
    let Some(modules) = tokio::task::spawn_blocking(node_modules).await.unwrap() else { return };
    let lambda = FakeLambda::start().await;
    install(&lambda);
    let server = server_with(&lambda).await;
    let client = server.client();
    let pool = with_triggers(PoolBuilder::new("custom-js")).create(&client).await;
    let app = ClientBuilder::new("web").flows(&FLOWS).create(&client, &pool).await.id;
    common::confirmed_user(&client, &pool, "diego", PASSWORD).await;

    let args = [server.url(), pool.clone(), app.clone(), "diego".into(), PASSWORD.into()];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = stdout_json(&run(node(&modules, "cognito_identity_js_custom_auth.js", &args)).await);

    let custom = &out["customOnly"];
    assert_eq!(custom["session"]["valid"], true, "the library accepts the session: {out}");
    assert_eq!(custom["session"]["idPayload"]["cognito:username"], "diego");
    let questions: Vec<&str> =
        custom["challenges"].as_array().unwrap().iter().map(|c| c["question"].as_str().unwrap()).collect();
    assert_eq!(questions, ["q0", "q1", "q2"], "a wrong answer in round 2, asked again: {out}");
    assert_eq!(custom["challenges"][0]["USERNAME"], "diego");
    let verified: Vec<Value> = lambda.events("verify").iter().map(|e| e["request"]["clientMetadata"].clone()).collect();
    assert!(
        verified.contains(&json!({"attempt": "second"})),
        "sendCustomChallengeAnswer's ClientMetadata: {verified:?}"
    );

    let password_first = &out["passwordFirst"];
    assert_eq!(password_first["session"]["valid"], true, "{out}");
    assert_eq!(password_first["flow"], "CUSTOM_AUTH");
    assert_eq!(password_first["challenges"].as_array().unwrap().len(), 1, "one custom challenge after the password");
    let sessions: Vec<Vec<Value>> = lambda.events("define").iter().map(session_of).collect();
    assert!(
        sessions.iter().any(|s| s.len() == 2
            && s[0]["challengeName"] == "SRP_A"
            && s[1]
                == json!({"challengeName": "PASSWORD_VERIFIER", "challengeResult": true, "challengeMetadata": null})),
        "{sessions:?}"
    );

    assert_eq!(
        out["allWrong"]["error"],
        json!({"code": "NotAuthorizedException", "name": "NotAuthorizedException", "message": "Incorrect username or password."}),
        "{out}"
    );
    // The library's tokens are the server's.
    let token = custom["session"]["accessToken"].as_str().unwrap();
    assert_eq!(client.get_user().access_token(token).send().await.unwrap().username, "diego");
}
