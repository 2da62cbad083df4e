//! Two server instances on one PostgreSQL database behave as one: a user written through one
//! is read, changed and deleted through the other; 64 parallel creations of one username over
//! both make one user; a paging token and a confirmation code (with its attempt count) carry
//! over; a sign-in started on one finishes on the other, whose tokens, revocation and lockout
//! both see; kill -9 of one under write load loses no acknowledged write while the other goes on.
//! Faults: PostgreSQL stopped under load (AWS-shaped 500s, nothing half-written, service back
//! by itself) and a statement past its timeout.
//!
//! Each test gets a database of its own in a throwaway PostgreSQL (see `pg/mod.rs`); without
//! PostgreSQL on the machine they print SKIPPED and pass.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::pg;
use common::{create_pool, error_code};
use pg::Postgres;
use pg::api::*;
use serde_json::Value;

// --- two instances on one database

#[tokio::test]
async fn a_user_written_through_one_instance_is_read_updated_and_deleted_through_the_other() {
    let Some(url) = database().await else { return };
    let (one, two) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]));
    let (a, b) = (one.client(), two.client());
    let pool = create_pool(&a, "shared").await;
    create(&a, &pool, "diego", &[attr("email", "diego@example.com")]).await;
    assert_eq!(attribute(&b, &pool, "diego", "email").await.as_deref(), Some("diego@example.com"));
    b.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("diego")
        .user_attributes(attr("email", "diego@example.org"))
        .send()
        .await
        .unwrap();
    assert_eq!(attribute(&a, &pool, "diego", "email").await.as_deref(), Some("diego@example.org"));
    b.admin_delete_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    let gone = a.admin_get_user().user_pool_id(&pool).username("diego").send().await;
    assert_eq!(failure(gone), pair("UserNotFoundException", "User does not exist."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_parallel_creations_over_two_instances_make_one_user() {
    let Some(url) = database().await else { return };
    let (one, two) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]));
    let clients = [one.client(), two.client()];
    let pool = create_pool(&clients[0], "race").await;
    let attempts = (0..64).map(|i| {
        let client = clients[i % 2].clone();
        let pool = pool.clone();
        tokio::spawn(async move {
            client
                .admin_create_user()
                .user_pool_id(&pool)
                .username("same")
                .user_attributes(attr("email", &format!("same{i}@example.com")))
                .temporary_password("Temp0rary!")
                .message_action("SUPPRESS")
                .send()
                .await
        })
    });
    let results: Vec<_> = futures_util::future::join_all(attempts).await.into_iter().map(|r| r.unwrap()).collect();
    let created = results.iter().filter(|r| r.is_ok()).count();
    let exists = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .filter(|e| error_code(e).as_deref() == Some("UsernameExistsException"))
        .count();
    let others: Vec<String> = results.iter().filter_map(|r| r.as_ref().err()).map(|e| e.to_string()).collect();
    assert_eq!((created, exists), (1, 63), "{others:?}");
    for client in &clients {
        assert_eq!(client.list_users().user_pool_id(&pool).send().await.unwrap().users.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_paging_token_from_one_instance_continues_on_the_other() {
    let Some(url) = database().await else { return };
    let (one, two) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]));
    let clients = [one.client(), two.client()];
    let pool = create_pool(&clients[0], "paging").await;
    let expected: Vec<String> = (0..23).map(|i| format!("user{i:02}")).collect();
    for (i, name) in expected.iter().enumerate() {
        create(&clients[i % 2], &pool, name, &[]).await;
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for page_number in 0.. {
        let mut call = clients[page_number % 2].list_users().user_pool_id(&pool).limit(4);
        if let Some(t) = &token {
            call = call.pagination_token(t);
        }
        let page = call.send().await.unwrap();
        seen.extend(page.users.unwrap().into_iter().filter_map(|u| u.username));
        match page.pagination_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, expected, "every user once, in creation order");
}

#[tokio::test]
async fn a_code_sent_by_one_instance_works_on_the_other_and_its_attempts_count_across_both() {
    let Some(url) = database().await else { return };
    let (one, two) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]));
    let clients = [one.client(), two.client()];
    let (pool, app) = sign_up_pool(&clients[0]).await;

    sign_up(&clients[0], &app, "ana").await;
    let code = last_code(&two.url(), &pool, "ana").await;
    clients[1].confirm_sign_up().client_id(&app).username("ana").confirmation_code(&code).send().await.unwrap();
    let user = clients[0].admin_get_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "CONFIRMED");

    // Five wrong guesses spread over both instances use up the code's attempts on both.
    sign_up(&clients[1], &app, "bea").await;
    let code = last_code(&one.url(), &pool, "bea").await;
    for i in 0..5 {
        let guess = clients[i % 2].confirm_sign_up().client_id(&app).username("bea").confirmation_code(wrong(&code));
        assert_eq!(failure(guess.send().await).0, "CodeMismatchException", "guess {i}");
    }
    for client in &clients {
        let right = client.confirm_sign_up().client_id(&app).username("bea").confirmation_code(&code).send().await;
        assert_eq!(
            failure(right),
            pair("LimitExceededException", "Attempt limit exceeded, please try after some time.")
        );
    }
    // A new code (sent through one) resets them; it confirms through the other.
    clients[0].resend_confirmation_code().client_id(&app).username("bea").send().await.unwrap();
    let code = last_code(&two.url(), &pool, "bea").await;
    clients[1].confirm_sign_up().client_id(&app).username("bea").confirmation_code(&code).send().await.unwrap();
}

#[tokio::test]
async fn sign_in_sessions_tokens_revocation_and_lockout_are_shared_by_both_instances() {
    let Some(url) = database().await else { return };
    // Behind one load balancer both instances present one issuer.
    let base = ["--issuer-base", "http://cognito.test"];
    let (one, two) = tokio::join!(child_on(&url, &base), child_on(&url, &base));
    let clients = [one.client(), two.client()];
    let pool = create_pool(&clients[0], "signin").await;
    let app = clients[0]
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app")
        .explicit_auth_flows("ALLOW_USER_PASSWORD_AUTH")
        .explicit_auth_flows("ALLOW_REFRESH_TOKEN_AUTH")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    create(&clients[0], &pool, "ana", &[]).await;
    let sign_in = |client: &cognito_idp::Client, password: &str| {
        client
            .initiate_auth()
            .client_id(&app)
            .auth_flow("USER_PASSWORD_AUTH")
            .auth_parameters("USERNAME", "ana")
            .auth_parameters("PASSWORD", password)
    };

    // The temporary password's challenge, started on one, is answered on the other.
    let started = sign_in(&clients[0], "Temp0rary!").send().await.unwrap();
    assert_eq!(started.challenge_name.unwrap().as_str(), "NEW_PASSWORD_REQUIRED");
    let answered = clients[1]
        .respond_to_auth_challenge()
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .session(started.session.unwrap())
        .challenge_responses("USERNAME", "ana")
        .challenge_responses("NEW_PASSWORD", "Perm4nent!Pass")
        .send()
        .await
        .unwrap();
    let tokens = answered.authentication_result.unwrap();
    let access = tokens.access_token.unwrap();

    // Each instance accepts the other's tokens (the keys are the pool's, in the database).
    assert_eq!(clients[0].get_user().access_token(&access).send().await.unwrap().username, "ana");
    let refreshed = clients[0]
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token.unwrap())
        .send()
        .await
        .unwrap();
    let second = refreshed.authentication_result.unwrap().access_token.unwrap();
    clients[1].get_user().access_token(&second).send().await.unwrap();

    // A sign-out through one ends the tokens on both.
    clients[1].global_sign_out().access_token(&second).send().await.unwrap();
    for (client, token) in [(&clients[0], &access), (&clients[1], &second)] {
        let after = client.get_user().access_token(token).send().await;
        assert_eq!(failure(after), pair("NotAuthorizedException", "Access Token has been revoked"));
    }

    // Five wrong passwords spread over both instances lock the user out on both.
    for i in 0..5 {
        let wrong = sign_in(&clients[i % 2], "Wr0ng!Password").send().await;
        assert_eq!(failure(wrong), pair("NotAuthorizedException", "Incorrect username or password."), "try {i}");
    }
    // Both asked at once: the first lockout lasts one second.
    let (a, b) =
        tokio::join!(sign_in(&clients[0], "Perm4nent!Pass").send(), sign_in(&clients[1], "Perm4nent!Pass").send());
    for right in [a, b] {
        assert_eq!(failure(right), pair("NotAuthorizedException", "Password attempts exceeded"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_one_instance_under_write_load_loses_no_acknowledged_write() {
    let Some(url) = database().await else { return };
    let (mut one, two) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]));
    let pool = create_pool(&two.client(), "load").await;
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for (w, client) in [one.client(), one.client(), two.client(), two.client()].into_iter().enumerate() {
        let (pool, stop, acknowledged) = (pool.clone(), stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let mut failures_after_kill = 0;
            for i in 0..2000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let username = format!("w{w}-{i}");
                let call =
                    client.admin_create_user().user_pool_id(&pool).username(&username).message_action("SUPPRESS");
                match call.send().await {
                    Ok(_) => acknowledged.lock().unwrap().push(username),
                    Err(_) => failures_after_kill += 1,
                }
            }
            failures_after_kill
        }));
    }
    // Waits (bounded) until more than `n` writes were acknowledged; how many were.
    let acknowledged_past = |n: usize| {
        let acknowledged = acknowledged.clone();
        async move {
            pg::eventually(Duration::from_secs(30), || async { acknowledged.lock().unwrap().len() > n }).await;
            acknowledged.lock().unwrap().len()
        }
    };
    let before_kill = acknowledged_past(40).await;
    one.kill();
    // The other instance keeps serving: its writers go on being acknowledged.
    let after_kill = acknowledged_past(before_kill + 40).await;
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<i32> = futures_util::future::join_all(writers).await.into_iter().map(|r| r.unwrap()).collect();
    assert!(before_kill > 0, "writes were acknowledged before the kill");
    assert!(after_kill > before_kill, "the surviving instance went on writing ({before_kill} -> {after_kill})");
    assert_eq!(failures[2] + failures[3], 0, "the surviving instance failed no write");

    let acknowledged = acknowledged.lock().unwrap().clone();
    let stored: std::collections::HashSet<String> = all_usernames(&two.client(), &pool).await.into_iter().collect();
    let lost: Vec<_> = acknowledged.iter().filter(|u| !stored.contains(*u)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // The killed instance comes back on the same database.
    one.restart().await;
    let count = one.client().describe_user_pool().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(count.user_pool.unwrap().estimated_number_of_users, Some(stored.len() as i32));
}

// --- faults

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_under_load_answers_500_and_service_resumes_by_itself() {
    let Some(postgres) = Postgres::start() else { return };
    let url = postgres.create_database().await;
    let server = child_on(&url, &["--db-statement-timeout-ms", "2000"]).await;
    let client = server.client();
    let pool = client.create_user_pool().pool_name("faults").alias_attributes("email").send().await.unwrap();
    let pool = pool.user_pool.unwrap().id.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::new()));
    let statuses = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for w in 0..3 {
        let (url, pool, stop) = (server.url(), pool.clone(), stop.clone());
        let (acknowledged, statuses) = (acknowledged.clone(), statuses.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..5000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let username = format!("w{w}-{i}");
                let body = serde_json::json!({
                    "UserPoolId": pool,
                    "Username": username,
                    "MessageAction": "SUPPRESS",
                    "UserAttributes": [
                        {"Name": "email", "Value": format!("{username}@example.com")},
                        {"Name": "email_verified", "Value": "true"},
                    ],
                });
                match raw_call(&url, "AdminCreateUser", &body).await {
                    Some((200, _)) => acknowledged.lock().unwrap().push(username),
                    Some((status, body)) => statuses.lock().unwrap().push((status, body)),
                    None => statuses.lock().unwrap().push((0, Value::Null)),
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }
    // Waits (bounded) until more than `n` writes were acknowledged; how many were.
    let acknowledged_past = |n: usize| {
        let acknowledged = acknowledged.clone();
        async move {
            pg::eventually(Duration::from_secs(30), || async { acknowledged.lock().unwrap().len() > n }).await;
            acknowledged.lock().unwrap().len()
        }
    };
    acknowledged_past(20).await;
    postgres.stop();
    let stopped_at = acknowledged.lock().unwrap().len();
    // While the database is down: AWS-shaped internal errors, fast, and reads fail the same way.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let read = raw_call(&server.url(), "ListUsers", &serde_json::json!({ "UserPoolId": pool })).await;
    let (status, body) = read.expect("an answer while the database is down");
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["__type"], "InternalErrorException", "{body}");
    postgres.start_again();
    let url = server.url();
    let resumed = pg::eventually(Duration::from_secs(30), || async {
        matches!(raw_call(&url, "ListUsers", &serde_json::json!({ "UserPoolId": pool })).await, Some((200, _)))
    })
    .await;
    assert!(resumed, "service did not resume:\n{}", server.log());
    acknowledged_past(stopped_at + 20).await;
    stop.store(true, Ordering::Relaxed);
    futures_util::future::join_all(writers).await;

    let statuses = statuses.lock().unwrap().clone();
    assert!(!statuses.is_empty(), "some writes failed while the database was down");
    for (status, body) in &statuses {
        assert_eq!(*status, 500, "{body}");
        assert_eq!(body["__type"], "InternalErrorException", "{body}");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > stopped_at, "writes were acknowledged again after the restart");
    assert!(!server.log().contains("panicked"), "{}", server.log());

    // Every acknowledged user is there, and every user there is whole: found by its email
    // alias too (the user and its alias were written together or not at all).
    let stored = all_usernames(&client, &pool).await;
    let lost: Vec<_> = acknowledged.iter().filter(|u| !stored.contains(u)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    for username in &stored {
        let by_alias = client.admin_get_user().user_pool_id(&pool).username(format!("{username}@example.com"));
        assert_eq!(&by_alias.send().await.unwrap().username, username);
    }
}

#[tokio::test]
async fn a_statement_that_outlives_its_timeout_is_an_internal_error() {
    let Some(url) = database().await else { return };
    let server = child_on(&url, &["--db-pool-size", "2", "--db-statement-timeout-ms", "300"]).await;
    let client = server.client();
    let pool = create_pool(&client, "timeout").await;
    // Another session holds the users table: the server's statements wait for it.
    let mut blocker = pg::connect(&url).await;
    let tx = blocker.transaction().await.unwrap();
    tx.batch_execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let started = Instant::now();
    let body = serde_json::json!({ "UserPoolId": pool, "Username": "late", "MessageAction": "SUPPRESS" });
    let (status, body) = raw_call(&server.url(), "AdminCreateUser", &body).await.expect("an answer");
    assert_eq!((status, body["__type"].as_str()), (500, Some("InternalErrorException")), "{body}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    tx.rollback().await.unwrap();
    create(&client, &pool, "late", &[]).await;
}
