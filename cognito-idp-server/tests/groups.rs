//! Groups and their members through the generated client over HTTP: create, get, update,
//! delete and list with AWS's errors, membership by username or sign-in alias, and paging that
//! returns every group and member exactly once.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{AttributeType, GroupType};
use common::{InProcessServer, create_pool, create_user, failure, pair};

fn no_group() -> (String, String) {
    pair("ResourceNotFoundException", "Group not found.")
}

fn no_user() -> (String, String) {
    pair("UserNotFoundException", "User does not exist.")
}

const NO_POOL: &str = "us-east-1_nothere00";

fn no_pool() -> (String, String) {
    pair("ResourceNotFoundException", &format!("User pool {NO_POOL} does not exist."))
}

const ROLE: &str = "arn:aws:iam::000000000000:role/admins";

async fn get(client: &Client, pool: &str, name: &str) -> GroupType {
    client.get_group().user_pool_id(pool).group_name(name).send().await.expect("GetGroup").group.unwrap()
}

async fn groups_of(client: &Client, pool: &str, username: &str) -> Vec<String> {
    let out = client.admin_list_groups_for_user().user_pool_id(pool).username(username).send().await;
    out.expect("AdminListGroupsForUser").groups.unwrap().into_iter().map(|g| g.group_name.unwrap()).collect()
}

async fn members_of(client: &Client, pool: &str, group: &str) -> Vec<String> {
    let out = client.list_users_in_group().user_pool_id(pool).group_name(group).send().await;
    out.expect("ListUsersInGroup").users.unwrap().into_iter().map(|u| u.username.unwrap()).collect()
}

#[tokio::test]
async fn groups_are_created_read_updated_and_deleted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let created = client
        .create_group()
        .user_pool_id(&pool)
        .group_name("admins")
        .description("People who run things")
        .role_arn(ROLE)
        .precedence(1)
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(created.group_name.as_deref(), Some("admins"));
    assert_eq!(created.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(created.description.as_deref(), Some("People who run things"));
    assert_eq!((created.role_arn.as_deref(), created.precedence), (Some(ROLE), Some(1)));
    assert!(created.creation_date.is_some());
    assert_eq!(created.creation_date, created.last_modified_date);
    assert_eq!(get(&client, &pool, "admins").await, created);

    let plain = client.create_group().user_pool_id(&pool).group_name("readers").send().await.unwrap().group.unwrap();
    assert!(plain.description.is_none() && plain.role_arn.is_none() && plain.precedence.is_none());

    // Names are unique in a pool, and case-sensitive.
    let again = client.create_group().user_pool_id(&pool).group_name("admins").send().await;
    assert_eq!(failure(again), pair("GroupExistsException", "A group with the name already exists"));
    client.create_group().user_pool_id(&pool).group_name("Admins").send().await.unwrap();
    let other = create_pool(&client, "other").await;
    client.create_group().user_pool_id(&other).group_name("admins").send().await.unwrap();
    let unknown = client.create_group().user_pool_id(NO_POOL).group_name("admins").send().await;
    assert_eq!(failure(unknown), no_pool());

    // UpdateGroup changes what it is given.
    let updated = client
        .update_group()
        .user_pool_id(&pool)
        .group_name("admins")
        .precedence(5)
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(updated.precedence, Some(5));
    assert_eq!(updated.description, created.description);
    assert_eq!(updated.role_arn, created.role_arn);
    assert_eq!(updated.creation_date, created.creation_date);
    assert!(updated.last_modified_date.unwrap().as_secs_f64() >= created.last_modified_date.unwrap().as_secs_f64());
    assert_eq!(get(&client, &pool, "admins").await, updated);
    let described = client.update_group().user_pool_id(&pool).group_name("admins").description("New").send().await;
    assert_eq!(described.unwrap().group.unwrap().description.as_deref(), Some("New"));

    let missing = client.get_group().user_pool_id(&pool).group_name("nobody").send().await;
    assert_eq!(failure(missing), no_group());
    let missing = client.update_group().user_pool_id(&pool).group_name("nobody").precedence(1).send().await;
    assert_eq!(failure(missing), no_group());
    let missing = client.get_group().user_pool_id(NO_POOL).group_name("admins").send().await;
    assert_eq!(failure(missing), no_pool());

    client.delete_group().user_pool_id(&pool).group_name("admins").send().await.unwrap();
    assert_eq!(failure(client.get_group().user_pool_id(&pool).group_name("admins").send().await), no_group());
    assert_eq!(failure(client.delete_group().user_pool_id(&pool).group_name("admins").send().await), no_group());
    assert_eq!(failure(client.delete_group().user_pool_id(NO_POOL).group_name("admins").send().await), no_pool());
    // The group of the same name in the other pool is untouched.
    get(&client, &other, "admins").await;
}

#[tokio::test]
async fn list_groups_pages_through_every_group_once() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let names: Vec<String> = (0..7).map(|i| format!("group-{i}")).collect();
    for name in &names {
        client.create_group().user_pool_id(&pool).group_name(name).send().await.unwrap();
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = client.list_groups().user_pool_id(&pool).limit(3).set_next_token(token).send().await.unwrap();
        let groups = page.groups.unwrap();
        assert!(groups.len() <= 3);
        seen.extend(groups.into_iter().map(|g| g.group_name.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, names);
    for limit in [None, Some(0), Some(60)] {
        let all = client.list_groups().user_pool_id(&pool).set_limit(limit).send().await.unwrap();
        assert_eq!(all.groups.unwrap().len(), 7, "limit {limit:?}");
        assert!(all.next_token.is_none());
    }
    let empty = create_pool(&client, "empty").await;
    assert_eq!(client.list_groups().user_pool_id(&empty).send().await.unwrap().groups, Some(vec![]));
    assert_eq!(failure(client.list_groups().user_pool_id(NO_POOL).send().await), no_pool());
    let bad = client.list_groups().user_pool_id(&pool).next_token("garbage").send().await;
    assert_eq!(failure(bad).0, "InvalidParameterException");
}

#[tokio::test]
async fn users_join_and_leave_groups() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    create_user(&client, &pool, "diego", "diego@example.com").await;
    create_user(&client, &pool, "ana", "ana@example.com").await;
    for group in ["admins", "readers"] {
        client.create_group().user_pool_id(&pool).group_name(group).send().await.unwrap();
    }
    let add = |user: &'static str, group: &'static str| {
        let (client, pool) = (client.clone(), pool.clone());
        async move { client.admin_add_user_to_group().user_pool_id(pool).username(user).group_name(group).send().await }
    };
    let remove = |user: &'static str, group: &'static str| {
        let (client, pool) = (client.clone(), pool.clone());
        async move { client.admin_remove_user_from_group().user_pool_id(pool).username(user).group_name(group).send().await }
    };
    add("diego", "readers").await.unwrap();
    add("diego", "admins").await.unwrap();
    add("diego", "admins").await.unwrap(); // again: not an error
    add("ana", "admins").await.unwrap();
    assert_eq!(groups_of(&client, &pool, "diego").await, ["admins", "readers"], "in group creation order");
    assert_eq!(groups_of(&client, &pool, "ana").await, ["admins"]);
    assert_eq!(members_of(&client, &pool, "admins").await, ["diego", "ana"], "in user creation order");

    // Members come with their attributes and status, as ListUsers shows them.
    let users = client.list_users_in_group().user_pool_id(&pool).group_name("readers").send().await.unwrap();
    let diego = &users.users.unwrap()[0];
    let attributes = diego.attributes.as_deref().unwrap();
    assert!(attributes.iter().any(|a| a.name == "email" && a.value.as_deref() == Some("diego@example.com")));
    assert!(attributes.iter().any(|a| a.name == "sub"));
    assert_eq!(diego.enabled, Some(true));
    assert_eq!(diego.user_status.as_ref().map(|s| s.as_str()), Some("FORCE_CHANGE_PASSWORD"));

    remove("diego", "admins").await.unwrap();
    remove("diego", "admins").await.unwrap(); // not a member any more: not an error
    assert_eq!(groups_of(&client, &pool, "diego").await, ["readers"]);
    assert_eq!(members_of(&client, &pool, "admins").await, ["ana"]);

    // Unknown groups and users.
    assert_eq!(failure(add("diego", "nobody").await), no_group());
    assert_eq!(failure(remove("diego", "nobody").await), no_group());
    assert_eq!(failure(add("nobody", "admins").await), no_user());
    assert_eq!(failure(remove("nobody", "admins").await), no_user());
    let listed = client.admin_list_groups_for_user().user_pool_id(&pool).username("nobody").send().await;
    assert_eq!(failure(listed), no_user());
    let members = client.list_users_in_group().user_pool_id(&pool).group_name("nobody").send().await;
    assert_eq!(failure(members), no_group());
    let add_elsewhere = client.admin_add_user_to_group().user_pool_id(NO_POOL).username("diego").group_name("admins");
    assert_eq!(failure(add_elsewhere.send().await), no_pool());
    let listed = client.admin_list_groups_for_user().user_pool_id(NO_POOL).username("diego").send().await;
    assert_eq!(failure(listed), no_pool());
    let members = client.list_users_in_group().user_pool_id(NO_POOL).group_name("admins").send().await;
    assert_eq!(failure(members), no_pool());

    // Deleting a group or a user ends their memberships.
    client.delete_group().user_pool_id(&pool).group_name("readers").send().await.unwrap();
    assert!(groups_of(&client, &pool, "diego").await.is_empty());
    client.admin_delete_user().user_pool_id(&pool).username("ana").send().await.unwrap();
    assert!(members_of(&client, &pool, "admins").await.is_empty());
    client.create_group().user_pool_id(&pool).group_name("readers").send().await.unwrap();
    assert!(members_of(&client, &pool, "readers").await.is_empty(), "a new group of the same name starts empty");
}

#[tokio::test]
async fn members_are_found_by_username_attributes_and_case_rules() {
    let server = InProcessServer::start().await;
    let client = server.client();
    // Users of this pool sign in with their email; their usernames are generated.
    let pool = client
        .create_user_pool()
        .pool_name("by-email")
        .username_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let user = client
        .admin_create_user()
        .user_pool_id(&pool)
        .username("ana@example.com")
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let username = user.username.unwrap();
    client.create_group().user_pool_id(&pool).group_name("g").send().await.unwrap();
    client
        .admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("ana@example.com")
        .group_name("g")
        .send()
        .await
        .unwrap();
    assert_eq!(members_of(&client, &pool, "g").await, std::slice::from_ref(&username));
    assert_eq!(groups_of(&client, &pool, "ana@example.com").await, ["g"]);
    assert_eq!(groups_of(&client, &pool, &username).await, ["g"]);

    // In a case-insensitive pool, any capitalization of the username is the user.
    let relaxed = client
        .create_user_pool()
        .pool_name("relaxed")
        .username_configuration(cognito_idp::types::UsernameConfigurationType { case_sensitive: false })
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    client
        .admin_create_user()
        .user_pool_id(&relaxed)
        .username("Diego")
        .user_attributes(AttributeType { name: "email".into(), value: Some("d@example.com".into()) })
        .message_action("SUPPRESS")
        .send()
        .await
        .unwrap();
    client.create_group().user_pool_id(&relaxed).group_name("g").send().await.unwrap();
    client.admin_add_user_to_group().user_pool_id(&relaxed).username("DIEGO").group_name("g").send().await.unwrap();
    assert_eq!(groups_of(&client, &relaxed, "diego").await, ["g"]);
}

#[tokio::test]
async fn membership_listings_page_through_every_item_once() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    client.create_group().user_pool_id(&pool).group_name("everyone").send().await.unwrap();
    let mut users = Vec::new();
    for i in 0..7 {
        let name = format!("user-{i}");
        create_user(&client, &pool, &name, &format!("{name}@example.com")).await;
        client
            .admin_add_user_to_group()
            .user_pool_id(&pool)
            .username(&name)
            .group_name("everyone")
            .send()
            .await
            .unwrap();
        users.push(name);
    }
    // One user who is in no group, between members.
    create_user(&client, &pool, "loner", "loner@example.com").await;
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_users_in_group()
            .user_pool_id(&pool)
            .group_name("everyone")
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        let page_users = page.users.unwrap();
        assert!(page_users.len() <= 2);
        seen.extend(page_users.into_iter().map(|u| u.username.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, users);

    let mut groups = Vec::new();
    for i in 0..5 {
        let name = format!("g{i}");
        client.create_group().user_pool_id(&pool).group_name(&name).send().await.unwrap();
        client.admin_add_user_to_group().user_pool_id(&pool).username("user-3").group_name(&name).send().await.unwrap();
        groups.push(name);
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .admin_list_groups_for_user()
            .user_pool_id(&pool)
            .username("user-3")
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        seen.extend(page.groups.unwrap().into_iter().map(|g| g.group_name.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    groups.insert(0, "everyone".to_owned());
    assert_eq!(seen, groups);
}
