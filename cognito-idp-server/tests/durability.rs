//! What a 200 promises: data survives restarts and `kill -9` under write load (every
//! acknowledged user is there afterwards, and the file passes `PRAGMA integrity_check`), and
//! uniqueness holds under concurrency (64 parallel creations of one username: one succeeds).

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cognito_idp::types::AttributeType;
use cognito_idp::{Client, RetryConfig};
use common::{
    ChildServer, InProcessServer, config_for, create_app_client, create_pool, create_user, error_code, error_message,
    integrity_check,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_a_restart_and_a_kill() {
    let mut server = ChildServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "survivor").await;
    let app = create_app_client(&client, &pool, "app").await;
    create_user(&client, &pool, "diego", "diego@example.com").await;
    client.create_group().user_pool_id(&pool).group_name("admins").send().await.expect("CreateGroup");
    client
        .admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("diego")
        .group_name("admins")
        .send()
        .await
        .expect("AdminAddUserToGroup");
    let before = client.admin_get_user().user_pool_id(&pool).username("diego").send().await.unwrap();

    // A graceful stop, then a crash: the same data after each.
    server.terminate();
    assert!(server.wait_exit(Duration::from_secs(20)).await.is_some_and(|s| s.success()));
    for round in 0..2 {
        server.restart().await;
        let client = server.client();
        let pool_out = client.describe_user_pool().user_pool_id(&pool).send().await.expect("DescribeUserPool");
        assert_eq!(pool_out.user_pool.unwrap().name.as_deref(), Some("survivor"), "round {round}");
        let app_out = client
            .describe_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&app)
            .send()
            .await
            .expect("DescribeUserPoolClient");
        assert_eq!(app_out.user_pool_client.unwrap().client_name.as_deref(), Some("app"));
        let after = client.admin_get_user().user_pool_id(&pool).username("diego").send().await.expect("AdminGetUser");
        assert_eq!(after.user_attributes, before.user_attributes, "round {round}");
        assert_eq!(after.user_status, before.user_status);
        assert_eq!(after.user_create_date, before.user_create_date);
        let groups = client.admin_list_groups_for_user().user_pool_id(&pool).username("diego").send().await.unwrap();
        let names: Vec<_> = groups.groups.unwrap_or_default().into_iter().filter_map(|g| g.group_name).collect();
        assert_eq!(names, ["admins"]);
        server.kill();
        assert_eq!(integrity_check(&server.db), "ok");
    }
}

/// Writers at work at least this long, and until [`ACKS_BEFORE_KILL`] users are acknowledged
/// (for at most [`MAX_LOAD_BEFORE_KILL`], on a busy machine), before the kill.
const LOAD_BEFORE_KILL: Duration = Duration::from_millis(500);
/// Acknowledged creations wanted before the kill.
const ACKS_BEFORE_KILL: usize = 200;
/// The longest the load runs before the kill.
const MAX_LOAD_BEFORE_KILL: Duration = Duration::from_secs(20);
/// Concurrent writers.
const WRITERS: usize = 8;
/// Each writer's most requests (bounds the test when the server is fast).
const MAX_PER_WRITER: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_write_load_loses_no_acknowledged_user() {
    let mut server = ChildServer::start().await;
    let pool = create_pool(&server.client(), "crash").await;
    // No retries: a request is acknowledged exactly when its one attempt answered 200.
    let client = Client::new(config_for(&server.url()).retry(RetryConfig::disabled()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (client, pool, acknowledged, stop) = (client.clone(), pool.clone(), acknowledged.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut failures = 0;
            for n in 0..MAX_PER_WRITER {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let username = format!("w{writer}-{n}");
                let result = client
                    .admin_create_user()
                    .user_pool_id(&pool)
                    .username(&username)
                    .user_attributes(AttributeType {
                        name: "email".into(),
                        value: Some(format!("{username}@example.com")),
                    })
                    .message_action("SUPPRESS")
                    .send()
                    .await;
                match result {
                    Ok(_) => acknowledged.lock().unwrap().push(username),
                    // Refused connections once the server is gone: stop soon after.
                    Err(_) => {
                        failures += 1;
                        if failures > 3 {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
        }));
    }
    // Let the load run, then kill the server in the middle of it.
    let started = Instant::now();
    loop {
        let enough = started.elapsed() >= LOAD_BEFORE_KILL && acknowledged.lock().unwrap().len() >= ACKS_BEFORE_KILL;
        if enough || started.elapsed() >= MAX_LOAD_BEFORE_KILL || writers.iter().all(|w| w.is_finished()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let at_kill = acknowledged.lock().unwrap().len();
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        tokio::time::timeout(Duration::from_secs(30), writer).await.expect("writers stop").unwrap();
    }
    let acknowledged: BTreeSet<String> = acknowledged.lock().unwrap().iter().cloned().collect();
    assert!(at_kill >= 20, "too little load before the kill to mean anything: {at_kill} acknowledged");

    assert_eq!(integrity_check(&server.db), "ok", "the file right after the kill");
    server.restart().await;
    let client = server.client();
    let mut missing = Vec::new();
    for username in &acknowledged {
        match client.admin_get_user().user_pool_id(&pool).username(username).send().await {
            Ok(user) => assert_eq!(user.username, *username),
            Err(e) if error_code(&e).as_deref() == Some("UserNotFoundException") => missing.push(username.clone()),
            Err(e) => panic!("AdminGetUser {username}: {e}"),
        }
    }
    assert!(missing.is_empty(), "{} of {} acknowledged users lost: {missing:?}", missing.len(), acknowledged.len());
    server.kill();
    assert_eq!(integrity_check(&server.db), "ok", "the file after recovery");
    eprintln!("crash test: {} users acknowledged before the kill, all present after restart", acknowledged.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_creations_of_one_username_succeed_exactly_once() {
    let mut server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "race").await;
    let mut tasks = Vec::new();
    for n in 0..64 {
        let (client, pool) = (client.clone(), pool.clone());
        tasks.push(tokio::spawn(async move {
            client
                .admin_create_user()
                .user_pool_id(pool)
                .username("same")
                .user_attributes(AttributeType { name: "email".into(), value: Some(format!("same{n}@example.com")) })
                .message_action("SUPPRESS")
                .send()
                .await
        }));
    }
    let (mut created, mut exists) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => {
                assert_eq!(error_code(&e).as_deref(), Some("UsernameExistsException"), "{e}");
                assert_eq!(error_message(&e).as_deref(), Some("User account already exists"));
                exists += 1;
            }
        }
    }
    assert_eq!((created, exists), (1, 63));
    let users = client.list_users().user_pool_id(&pool).send().await.expect("ListUsers");
    assert_eq!(users.users.unwrap_or_default().len(), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_data_survives_a_graceful_stop() {
    let mut server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "in-process").await;
    create_user(&client, &pool, "ana", "ana@example.com").await;
    server.shutdown().await;
    // The binary opens the file the library wrote (kept until `server` is dropped).
    let child = ChildServer::start_on(&server.db, &[]).await;
    let out = child.client().admin_get_user().user_pool_id(&pool).username("ana").send().await.expect("AdminGetUser");
    assert_eq!(out.username, "ana");
    drop(child);
    assert_eq!(integrity_check(&server.db), "ok");
}
