//! The server on PostgreSQL (`--db postgres://...`), through the generated client over HTTP:
//! the API's behaviour on this store (pools, clients, users with aliases and uniqueness,
//! groups, ListUsers filters and paging, sign-up codes), migrations (an older schema with data,
//! several instances starting at once, a newer schema refused) and the options that select
//! the store. Two instances and faults are in `postgres_instances.rs`.
//!
//! Each test gets a database of its own in a throwaway PostgreSQL (see `pg/mod.rs`); without
//! PostgreSQL on the machine they print SKIPPED and pass.

mod common;

use cognito_idp::types::UsernameConfigurationType;
use cognito_idp_server::store::postgres::{PgOptions, SCHEMA_VERSION, migrate};
use common::pg;
use common::{InProcessServer, create_app_client, create_pool};
use pg::api::*;

#[tokio::test]
async fn pools_clients_and_tags() {
    let Some(url) = database().await else { return };
    let server = server_on(&url).await;
    let client = server.client();
    let pools: Vec<String> = futures_util::future::join_all((0..3).map(|i| {
        let client = client.clone();
        async move { create_pool(&client, &format!("pool{i}")).await }
    }))
    .await;
    // Paging through pools in creation order, one per page.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_user_pools().max_results(1);
        if let Some(t) = &token {
            call = call.next_token(t);
        }
        let page = call.send().await.unwrap();
        seen.extend(page.user_pools.unwrap().into_iter().filter_map(|p| p.id));
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let mut expected = pools.clone();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);

    let pool = &pools[0];
    client.update_user_pool().user_pool_id(pool).mfa_configuration("OFF").send().await.unwrap();
    let arn = client.describe_user_pool().user_pool_id(pool).send().await.unwrap().user_pool.unwrap().arn.unwrap();
    client.tag_resource().resource_arn(&arn).tags("b", "2").tags("a", "1").send().await.unwrap();
    client.untag_resource().resource_arn(&arn).tag_keys("b").send().await.unwrap();
    let tags = client.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(tags.into_iter().collect::<Vec<_>>(), [("a".to_owned(), "1".to_owned())]);

    let app = client
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name("web")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = app.client_id.clone().unwrap();
    let described = client.describe_user_pool_client().user_pool_id(pool).client_id(&id).send().await.unwrap();
    assert_eq!(described.user_pool_client.unwrap().client_secret, app.client_secret);
    create_app_client(&client, pool, "second").await;
    let listed = client.list_user_pool_clients().user_pool_id(pool).max_results(1).send().await.unwrap();
    assert_eq!(listed.user_pool_clients.unwrap().len(), 1);
    assert!(listed.next_token.is_some());
    client.delete_user_pool_client().user_pool_id(pool).client_id(&id).send().await.unwrap();
    assert_eq!(
        failure(client.describe_user_pool_client().user_pool_id(pool).client_id(&id).send().await),
        pair("ResourceNotFoundException", &format!("User pool client {id} does not exist."))
    );

    client.delete_user_pool().user_pool_id(pool).send().await.unwrap();
    assert_eq!(
        failure(client.describe_user_pool().user_pool_id(pool).send().await),
        pair("ResourceNotFoundException", &format!("User pool {pool} does not exist."))
    );
}

#[tokio::test]
async fn users_aliases_and_uniqueness() {
    let Some(url) = database().await else { return };
    let server = server_on(&url).await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("aliases")
        .alias_attributes("email")
        .alias_attributes("preferred_username")
        .username_configuration(UsernameConfigurationType { case_sensitive: false })
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();

    // Usernames are unique, here regardless of case.
    create(&client, &pool, "Diego", &[attr("email", "diego@example.com")]).await;
    let again = client.admin_create_user().user_pool_id(&pool).username("diego").send().await;
    assert_eq!(failure(again), pair("UsernameExistsException", "User account already exists"));

    // Verified emails are aliases: unique, and movable with ForceAliasCreation.
    let verified = [attr("email", "shared@example.com"), attr("email_verified", "true")];
    create(&client, &pool, "first", &verified).await;
    let taken = client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("second")
        .user_attributes(verified[0].clone())
        .user_attributes(verified[1].clone())
        .send()
        .await;
    assert_eq!(failure(taken), pair("UsernameExistsException", "An account with the given email already exists."));
    let by_alias = client.admin_get_user().user_pool_id(&pool).username("shared@example.com").send().await.unwrap();
    assert_eq!(by_alias.username, "first");
    client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("second")
        .user_attributes(verified[0].clone())
        .user_attributes(verified[1].clone())
        .force_alias_creation(true)
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap();
    let by_alias = client.admin_get_user().user_pool_id(&pool).username("shared@example.com").send().await.unwrap();
    assert_eq!(by_alias.username, "second");
    assert_eq!(attribute(&client, &pool, "first", "email_verified").await.as_deref(), Some("false"));

    create(&client, &pool, "neo", &[attr("preferred_username", "the-one")]).await;
    let update = client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("first")
        .user_attributes(attr("preferred_username", "the-one"))
        .send()
        .await;
    assert_eq!(
        failure(update),
        pair("AliasExistsException", "An account with the given preferred_username already exists.")
    );

    // Attributes, enabling, deletion.
    client
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("diego")
        .user_attributes(attr("given_name", "Diego"))
        .send()
        .await
        .unwrap();
    assert_eq!(attribute(&client, &pool, "DIEGO", "given_name").await.as_deref(), Some("Diego"));
    client
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("diego")
        .user_attribute_names("given_name")
        .send()
        .await
        .unwrap();
    assert_eq!(attribute(&client, &pool, "diego", "given_name").await, None);
    client.admin_disable_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    let user = client.admin_get_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    assert_eq!(user.enabled, Some(false));
    client.admin_enable_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    client.admin_delete_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    let gone = client.admin_get_user().user_pool_id(&pool).username("diego").send().await;
    assert_eq!(failure(gone), pair("UserNotFoundException", "User does not exist."));
    let gone = client.admin_delete_user().user_pool_id(&pool).username("diego").send().await;
    assert_eq!(failure(gone), pair("UserNotFoundException", "User does not exist."));
}

#[tokio::test]
async fn groups_and_memberships() {
    let Some(url) = database().await else { return };
    let server = server_on(&url).await;
    let client = server.client();
    let pool = create_pool(&client, "groups").await;
    for name in ["admins", "readers", "writers"] {
        client.create_group().user_pool_id(&pool).group_name(name).send().await.unwrap();
    }
    let again = client.create_group().user_pool_id(&pool).group_name("admins").send().await;
    assert_eq!(failure(again), pair("GroupExistsException", "A group with the name already exists"));
    client.create_group().user_pool_id(&pool).group_name("Admins").send().await.unwrap();
    client.update_group().user_pool_id(&pool).group_name("admins").precedence(3).send().await.unwrap();
    let group = client.get_group().user_pool_id(&pool).group_name("admins").send().await.unwrap().group.unwrap();
    assert_eq!(group.precedence, Some(3));

    for name in ["ana", "bea", "cai"] {
        create(&client, &pool, name, &[]).await;
        client.admin_add_user_to_group().user_pool_id(&pool).username(name).group_name("readers").send().await.unwrap();
    }
    // Twice is not an error.
    client.admin_add_user_to_group().user_pool_id(&pool).username("ana").group_name("readers").send().await.unwrap();
    client.admin_add_user_to_group().user_pool_id(&pool).username("ana").group_name("writers").send().await.unwrap();
    client.admin_add_user_to_group().user_pool_id(&pool).username("ana").group_name("admins").send().await.unwrap();

    let groups = client.admin_list_groups_for_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    let names: Vec<_> = groups.groups.unwrap().into_iter().filter_map(|g| g.group_name).collect();
    assert_eq!(names, ["admins", "readers", "writers"], "in group creation order");
    let first = client.list_users_in_group().user_pool_id(&pool).group_name("readers").limit(2).send().await.unwrap();
    let mut members: Vec<_> = first.users.unwrap().into_iter().filter_map(|u| u.username).collect();
    let rest = client
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("readers")
        .next_token(first.next_token.expect("a third member"))
        .send()
        .await
        .unwrap();
    members.extend(rest.users.unwrap().into_iter().filter_map(|u| u.username));
    assert_eq!(members, ["ana", "bea", "cai"]);

    client
        .admin_remove_user_from_group()
        .user_pool_id(&pool)
        .username("ana")
        .group_name("readers")
        .send()
        .await
        .unwrap();
    client.delete_group().user_pool_id(&pool).group_name("writers").send().await.unwrap();
    let groups = client.admin_list_groups_for_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    let names: Vec<_> = groups.groups.unwrap().into_iter().filter_map(|g| g.group_name).collect();
    assert_eq!(names, ["admins"]);
    let none = client.admin_list_groups_for_user().user_pool_id(&pool).username("nobody").send().await;
    assert_eq!(failure(none), pair("UserNotFoundException", "User does not exist."));
    let none = client.list_users_in_group().user_pool_id(&pool).group_name("nobody").send().await;
    assert_eq!(failure(none).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn list_users_filters_and_paging() {
    let Some(url) = database().await else { return };
    let server = server_on(&url).await;
    let client = server.client();
    let pool = create_pool(&client, "filters").await;
    create(&client, &pool, "ana", &[attr("email", "ana@example.com"), attr("family_name", "Lopez")]).await;
    create(&client, &pool, "andres", &[attr("email", "andres@example.org"), attr("family_name", "Lopez")]).await;
    create(&client, &pool, "bea", &[attr("email", "bea@example.com"), attr("given_name", "Bea")]).await;
    // Code-point order, not a locale's: "Zoë" sorts after "Zoe", "É" after "z".
    create(&client, &pool, "zoe", &[attr("name", "Zoë"), attr("given_name", "Élodie")]).await;
    create(&client, &pool, "pct", &[attr("family_name", "50%_off")]).await;
    client.admin_disable_user().user_pool_id(&pool).username("andres").send().await.unwrap();
    let cases: &[(&str, &[&str])] = &[
        (r#"username = "ana""#, &["ana"]),
        (r#"username ^= "an""#, &["ana", "andres"]),
        (r#"email ^= "an""#, &["ana", "andres"]),
        (r#"email = "bea@example.com""#, &["bea"]),
        (r#"family_name = "Lopez""#, &["ana", "andres"]),
        (r#"given_name ^= "É""#, &["zoe"]),
        (r#"given_name ^= "E""#, &[]),
        (r#"name ^= "Zoë""#, &["zoe"]),
        (r#"name ^= "Zoe""#, &[]),
        (r#"family_name ^= "50%""#, &["pct"]),
        (r#"family_name ^= "5_""#, &[]),
        (r#"status = "Disabled""#, &["andres"]),
        (r#"status = "Enabled""#, &["ana", "bea", "zoe", "pct"]),
        (r#"cognito:user_status = "FORCE_CHANGE_PASSWORD""#, &["ana", "andres", "bea", "zoe", "pct"]),
    ];
    for (filter, expected) in cases {
        assert_eq!(usernames(&client, &pool, filter).await, *expected, "{filter}");
    }

    // Paging, in creation order, every user once.
    for i in 0..20 {
        create(&client, &pool, &format!("user{i:02}"), &[attr("family_name", if i % 2 == 0 { "Even" } else { "Odd" })])
            .await;
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut call = client.list_users().user_pool_id(&pool).filter(r#"family_name = "Odd""#).limit(3);
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
    let odd: Vec<String> = (0..20).filter(|i| i % 2 == 1).map(|i| format!("user{i:02}")).collect();
    assert_eq!(seen, odd);
}

/// A pool verifying emails and an app client without a secret: (pool, client id).
#[tokio::test]
async fn sign_up_with_codes() {
    let Some(url) = database().await else { return };
    let server = server_on(&url).await;
    let client = server.client();
    let (pool, app) = sign_up_pool(&client).await;
    sign_up(&client, &app, "diego").await;
    let again = client.sign_up().client_id(&app).username("diego").password("Passw0rd!").send().await;
    assert_eq!(failure(again), pair("UsernameExistsException", "User account already exists"));
    let code = last_code(&server.url(), &pool, "diego").await;
    let mismatch = client.confirm_sign_up().client_id(&app).username("diego").confirmation_code(wrong(&code)).send();
    assert_eq!(
        failure(mismatch.await),
        pair("CodeMismatchException", "Invalid verification code provided, please try again.")
    );
    client.confirm_sign_up().client_id(&app).username("diego").confirmation_code(&code).send().await.unwrap();
    assert_eq!(attribute(&client, &pool, "diego", "email_verified").await.as_deref(), Some("true"));
    let user = client.admin_get_user().user_pool_id(&pool).username("diego").send().await.unwrap();
    assert_eq!(user.user_status.unwrap().as_str(), "CONFIRMED");
}

// --- migrations and options

async fn migrations_applied(url: &str) -> Vec<i64> {
    let client = pg::connect(url).await;
    let rows = client.query("SELECT version FROM cognito_migrations ORDER BY version", &[]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

/// The tables of the sign-in state (migration 3) and of pool-owned resources (4) the database has.
async fn sign_in_tables(db: &tokio_postgres::Client) -> Vec<String> {
    let rows = db
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1)
             ORDER BY 1",
            &[&vec!["resources", "resource_names", "sessions", "token_families", "refresh_tokens", "sign_in_failures"]],
        )
        .await
        .unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn an_older_schema_with_data_is_migrated_by_one_of_several_instances_starting_at_once() {
    let Some(url) = database().await else { return };
    let options = PgOptions { url: url.clone(), ..PgOptions::default() };
    assert_eq!(migrate(&options, 1).await.unwrap(), 0, "a new database is at version 0");
    assert_eq!(migrations_applied(&url).await, [1]);

    // Data in it: written by a server (which brings the schema to the current version), after
    // which the schema is taken back to version 1 by undoing what later migrations added (the
    // indexes of 2, the sign-in tables of 3, the resources of 4), so that the database is what a version-1 server
    // left.
    let (pool, server_at_current) = {
        let mut server = server_on(&url).await;
        let client = server.client();
        let pool = create_pool(&client, "old").await;
        create(&client, &pool, "veteran", &[attr("email", "veteran@example.com")]).await;
        client.create_group().user_pool_id(&pool).group_name("old-timers").send().await.unwrap();
        server.shutdown().await;
        (pool, migrations_applied(&url).await)
    };
    assert_eq!(server_at_current, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
    let db = pg::connect(&url).await;
    db.batch_execute(
        "DROP INDEX users_by_pool_seq; DROP INDEX groups_by_pool_seq; DROP INDEX outbox_by_pool_seq;
         DROP TABLE refresh_tokens; DROP TABLE token_families; DROP TABLE sign_in_failures;
         DROP TABLE sessions; DROP TABLE resource_names; DROP TABLE resources;
         DELETE FROM cognito_migrations WHERE version > 1;",
    )
    .await
    .unwrap();
    assert_eq!(migrations_applied(&url).await, [1]);
    assert_eq!(sign_in_tables(&db).await, Vec::<String>::new(), "a version-1 database has no sign-in state");

    // Three instances start at once: one migrates, the others wait, all serve.
    let (a, b, c) = tokio::join!(child_on(&url, &[]), child_on(&url, &[]), child_on(&url, &[]));
    let expected: Vec<i64> = (1..=SCHEMA_VERSION).collect();
    assert_eq!(migrations_applied(&url).await, expected);
    let indexes = db
        .query("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_by_pool_seq' ORDER BY 1", &[])
        .await
        .unwrap();
    let indexes: Vec<String> = indexes.iter().map(|r| r.get(0)).collect();
    assert_eq!(indexes, ["groups_by_pool_seq", "outbox_by_pool_seq", "users_by_pool_seq"]);
    assert_eq!(
        sign_in_tables(&db).await,
        ["refresh_tokens", "resource_names", "resources", "sessions", "sign_in_failures", "token_families"]
    );
    for server in [&a, &b, &c] {
        let client = server.client();
        assert_eq!(attribute(&client, &pool, "veteran", "email").await.as_deref(), Some("veteran@example.com"));
        let groups = client.list_groups().user_pool_id(&pool).send().await.unwrap().groups.unwrap();
        assert_eq!(groups[0].group_name.as_deref(), Some("old-timers"));
    }
    // New writes go on from where the old rows' sequence numbers end.
    create(&a.client(), &pool, "newcomer", &[]).await;
    assert_eq!(usernames(&b.client(), &pool, "").await, ["veteran", "newcomer"]);
    // The old user signs in through the new tables: a challenge session, signing keys, a
    // refresh token in its family, used through another instance.
    let app = a
        .client()
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("signs-in")
        .explicit_auth_flows("ALLOW_ADMIN_USER_PASSWORD_AUTH")
        .explicit_auth_flows("ALLOW_REFRESH_TOKEN_AUTH")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let challenge = a
        .client()
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&app)
        .auth_flow("ADMIN_USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "veteran")
        .auth_parameters("PASSWORD", "Temp0rary!")
        .send()
        .await
        .expect("the old user's temporary password");
    assert_eq!(challenge.challenge_name.as_ref().map(|c| c.as_str()), Some("NEW_PASSWORD_REQUIRED"));
    let done = b
        .client()
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool)
        .client_id(&app)
        .challenge_name("NEW_PASSWORD_REQUIRED")
        .set_session(challenge.session)
        .challenge_responses("USERNAME", "veteran")
        .challenge_responses("NEW_PASSWORD", "Perm4nent!Pass")
        .send()
        .await
        .expect("the new password");
    let refresh = done.authentication_result.unwrap().refresh_token.unwrap();
    let refreshed = c
        .client()
        .initiate_auth()
        .client_id(&app)
        .auth_flow("REFRESH_TOKEN_AUTH")
        .auth_parameters("REFRESH_TOKEN", refresh)
        .send()
        .await
        .expect("a refresh through a third instance");
    assert!(refreshed.authentication_result.unwrap().access_token.is_some());
    assert_eq!(migrate(&options, SCHEMA_VERSION).await.unwrap(), SCHEMA_VERSION, "nothing left to apply");
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let Some(url) = database().await else { return };
    let options = PgOptions { url: url.clone(), ..PgOptions::default() };
    migrate(&options, SCHEMA_VERSION).await.unwrap();
    let client = pg::connect(&url).await;
    client.execute("INSERT INTO cognito_migrations (version) VALUES ($1)", &[&(SCHEMA_VERSION + 1)]).await.unwrap();
    let options = cognito_idp_server::Options { port: 0, db: url.into(), ..cognito_idp_server::Options::default() };
    let Err(e) = cognito_idp_server::serve(options).await else { panic!("a newer schema was accepted") };
    assert!(e.to_string().contains("newer than this server's"), "{e}");
}

#[tokio::test]
async fn cognito_db_in_the_environment_selects_postgresql_and_sqlite_urls_keep_sqlite() {
    let Some(url) = database().await else { return };
    // COGNITO_DB (the variable of --db) with a URL: the data lands in PostgreSQL.
    let mut command = std::process::Command::new(common::server_binary());
    for (key, _) in std::env::vars() {
        if key.starts_with("COGNITO_") {
            command.env_remove(key);
        }
    }
    let mut child = command
        .env("COGNITO_DB", &url)
        .env("COGNITO_DB_POOL_SIZE", "3")
        .env("COGNITO_PORT", "0")
        .env("COGNITO_DEV", "true")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let address = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.ok()?;
            if let Some(rest) = line.split("address=").nth(1) {
                return rest.split_whitespace().next().map(str::to_owned);
            }
        }
        None
    })
    .await
    .unwrap();
    let address = address.expect("the server listens");
    let client = common::client_for(&format!("http://{address}"));
    let pool = create_pool(&client, "env").await;
    let _ = child.kill();
    let _ = child.wait();
    let db = pg::connect(&url).await;
    let stored: String = db.query_one("SELECT id FROM pools", &[]).await.unwrap().get(0);
    assert_eq!(stored, pool);

    // `sqlite:PATH` is an SQLite file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("via-url.db");
    let sqlite = format!("sqlite:{}", file.display());
    let server = InProcessServer::start_with(move |o| o.db = sqlite.into()).await;
    create_pool(&server.client(), "file").await;
    assert!(file.exists());
}

// --- the store's contract, called directly

#[tokio::test]
async fn the_store_answers_the_traits_errors() {
    use cognito_idp_server::store::postgres::PgStore;
    use cognito_idp_server::store::*;
    let Some(url) = database().await else { return };
    let store = PgStore::open(&PgOptions { url, ..PgOptions::default() }).await.unwrap();
    let doc = serde_json::json!({"Name": "p"});
    let pool = store.insert_pool(PoolRecord { seq: 0, id: "us-east-1_Store".into(), version: 0, doc }).await.unwrap();
    assert_eq!(pool.version, 1);
    let again = PoolRecord { seq: 0, id: pool.id.clone(), version: 0, doc: serde_json::json!({}) };
    assert_eq!(store.insert_pool(again).await.unwrap_err(), StoreError::Conflict);

    // Rows of a pool that does not exist (or no longer does) are NotFound.
    let user = |pool: &str, name: &str, sub: &str| UserRecord {
        pool_id: pool.into(),
        username: name.into(),
        username_key: name.into(),
        sub: sub.into(),
        status: "CONFIRMED".into(),
        enabled: true,
        attributes: vec![("sub".into(), sub.into()), ("email".into(), format!("{name}@example.com"))],
        ..UserRecord::default()
    };
    let nowhere = store.insert_user(user("us-east-1_None", "a", "s0"), vec![], AliasConflict::Fail, vec![]).await;
    assert_eq!(nowhere.unwrap_err(), StoreError::NotFound);
    let group = |pool: &str, name: &str| GroupRecord {
        seq: 0,
        pool_id: pool.into(),
        name: name.into(),
        version: 0,
        doc: serde_json::json!({}),
    };
    assert_eq!(store.insert_group(group("us-east-1_None", "g")).await.unwrap_err(), StoreError::NotFound);
    let client = ClientRecord {
        seq: 0,
        pool_id: "us-east-1_None".into(),
        id: "c".into(),
        version: 0,
        doc: serde_json::json!({}),
    };
    assert_eq!(store.insert_client(client).await.unwrap_err(), StoreError::NotFound);

    // Uniqueness: usernames (and subs), aliases by kind, group names.
    let alias = |key: &str| vec![Alias { kind: "email".into(), key: key.into() }];
    let ana =
        store.insert_user(user(&pool.id, "ana", "s1"), alias("ana@x"), AliasConflict::Fail, vec![]).await.unwrap();
    let twin = store.insert_user(user(&pool.id, "ana", "s2"), vec![], AliasConflict::Fail, vec![]).await;
    assert_eq!(twin.unwrap_err(), StoreError::UsernameExists);
    let same_sub = store.insert_user(user(&pool.id, "other", "s1"), vec![], AliasConflict::Fail, vec![]).await;
    assert_eq!(same_sub.unwrap_err(), StoreError::UsernameExists);
    let taken = store.insert_user(user(&pool.id, "bea", "s3"), alias("ana@x"), AliasConflict::Fail, vec![]).await;
    assert_eq!(taken.unwrap_err(), StoreError::AliasExists("email".into()));
    assert!(store.get_user(&pool.id, "bea").await.is_err(), "nothing of a failed insert remains");
    store.insert_user(user(&pool.id, "bea", "s3"), alias("ana@x"), AliasConflict::Take, vec![]).await.unwrap();
    let holder = store.get_user_by_alias(&pool.id, &alias("ana@x")[0]).await.unwrap();
    assert_eq!(holder.username, "bea");
    store.insert_group(group(&pool.id, "g")).await.unwrap();
    assert_eq!(store.insert_group(group(&pool.id, "g")).await.unwrap_err(), StoreError::GroupExists);

    // Optimistic versions: a stale write is a Conflict, a missing record NotFound.
    let updated = store.update_user(ana.clone(), vec![], AliasConflict::Fail, vec![]).await.unwrap();
    assert_eq!(updated.version, ana.version + 1);
    let stale = store.update_user(ana.clone(), vec![], AliasConflict::Fail, vec![]).await;
    assert_eq!(stale.unwrap_err(), StoreError::Conflict);
    store.delete_user(&pool.id, "ana").await.unwrap();
    let gone = store.update_user(updated, vec![], AliasConflict::Fail, vec![]).await;
    assert_eq!(gone.unwrap_err(), StoreError::NotFound);
    assert_eq!(store.delete_user(&pool.id, "ana").await.unwrap_err(), StoreError::NotFound);

    // Codes: attempts count in the database; a new code resets them.
    let code = CodeRecord { hash: "h".into(), expires_ms: 1, attempts: 0 };
    store.put_code(&pool.id, "bea", "signup", code.clone(), vec![]).await.unwrap();
    assert_eq!(store.code_failed(&pool.id, "bea", "signup").await.unwrap(), 1);
    assert_eq!(store.code_failed(&pool.id, "bea", "signup").await.unwrap(), 2);
    assert_eq!(store.get_code(&pool.id, "bea", "signup").await.unwrap().attempts, 2);
    store.put_code(&pool.id, "bea", "signup", code, vec![]).await.unwrap();
    assert_eq!(store.get_code(&pool.id, "bea", "signup").await.unwrap().attempts, 0);
    assert_eq!(store.code_failed(&pool.id, "bea", "other").await.unwrap_err(), StoreError::NotFound);
    assert_eq!(store.get_code(&pool.id, "nobody", "signup").await.unwrap_err(), StoreError::NotFound);
    assert_eq!(store.count_users(&pool.id).await.unwrap(), 1);

    // Text PostgreSQL cannot hold (NUL) in searchable attributes and tags does not fail.
    let mut odd = user(&pool.id, "odd", "s4");
    odd.attributes.push(("name".into(), "a\0b".into()));
    store.insert_user(odd, vec![], AliasConflict::Fail, vec![]).await.unwrap();
    assert_eq!(store.get_user(&pool.id, "odd").await.unwrap().attribute("name"), Some("a\0b"));
    store.tag("arn:x", vec![("k".into(), "v\0".into())]).await.unwrap();
}
