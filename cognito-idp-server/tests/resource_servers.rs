//! Resource servers and their custom scopes, through the generated client and the AWS CLI:
//! create, describe, update (name and scopes replaced), delete, list with paging, AWS's
//! refusals, and their going with the pool.

mod common;

use cognito_idp::types::ResourceServerScopeType;
use common::aws_cli::AwsCli;
use common::{InProcessServer, create_pool, failure, pair};

fn scope(name: &str, description: &str) -> ResourceServerScopeType {
    ResourceServerScopeType { scope_name: name.into(), scope_description: description.into() }
}

#[tokio::test]
async fn resource_servers_are_created_read_updated_listed_and_deleted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "api").await;

    let created = client
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("https://api.example.com")
        .name("orders")
        .scopes(scope("orders.read", "Read orders"))
        .scopes(scope("orders.write", "Write orders"))
        .send()
        .await
        .unwrap()
        .resource_server;
    assert_eq!(created.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(created.identifier.as_deref(), Some("https://api.example.com"));
    assert_eq!(created.scopes.as_ref().unwrap().len(), 2);

    let described =
        client.describe_resource_server().user_pool_id(&pool).identifier("https://api.example.com").send().await;
    assert_eq!(described.unwrap().resource_server.name.as_deref(), Some("orders"));

    // The identifier is unique in the pool; another pool may use it.
    let again = client.create_resource_server().user_pool_id(&pool).identifier("https://api.example.com").name("x");
    let again = failure(again.send().await);
    assert_eq!(again.0, "InvalidParameterException", "{again:?}");
    let other = create_pool(&client, "other").await;
    client
        .create_resource_server()
        .user_pool_id(&other)
        .identifier("https://api.example.com")
        .name("y")
        .send()
        .await
        .unwrap();
    // Duplicate scope names in one request are refused.
    let duplicate = client
        .create_resource_server()
        .user_pool_id(&pool)
        .identifier("dup")
        .name("dup")
        .scopes(scope("a", "one"))
        .scopes(scope("a", "two"))
        .send()
        .await;
    assert_eq!(failure(duplicate).0, "InvalidParameterException");

    // An update replaces the name and the scopes (none given: none left).
    let updated = client
        .update_resource_server()
        .user_pool_id(&pool)
        .identifier("https://api.example.com")
        .name("orders-v2")
        .scopes(scope("orders.admin", "Everything"))
        .send()
        .await
        .unwrap()
        .resource_server;
    assert_eq!(updated.name.as_deref(), Some("orders-v2"));
    assert_eq!(updated.scopes.unwrap(), vec![scope("orders.admin", "Everything")]);
    let emptied = client.update_resource_server().user_pool_id(&pool).identifier("https://api.example.com").name("n");
    assert_eq!(emptied.send().await.unwrap().resource_server.scopes, Some(vec![]));

    // Listing: creation order, paged by MaxResults and NextToken.
    for i in 0..4 {
        client
            .create_resource_server()
            .user_pool_id(&pool)
            .identifier(format!("rs{i}"))
            .name("n")
            .send()
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let mut request = client.list_resource_servers().user_pool_id(&pool).max_results(2);
        if let Some(t) = token.take() {
            request = request.next_token(t);
        }
        let page = request.send().await.unwrap();
        assert!(page.resource_servers.len() <= 2);
        seen.extend(page.resource_servers.into_iter().map(|s| s.identifier.unwrap()));
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, ["https://api.example.com", "rs0", "rs1", "rs2", "rs3"]);

    // Unknown ones, and a deleted one.
    client.delete_resource_server().user_pool_id(&pool).identifier("rs1").send().await.unwrap();
    for result in [
        failure(client.describe_resource_server().user_pool_id(&pool).identifier("rs1").send().await),
        failure(client.delete_resource_server().user_pool_id(&pool).identifier("rs1").send().await),
        failure(client.update_resource_server().user_pool_id(&pool).identifier("rs1").name("n").send().await),
    ] {
        assert_eq!(result, pair("ResourceNotFoundException", "Resource server rs1 does not exist."));
    }
    let missing_pool = client.list_resource_servers().user_pool_id("us-east-1_Nowhere1").max_results(5).send().await;
    assert_eq!(failure(missing_pool).0, "ResourceNotFoundException");

    // They go with their pool.
    client.delete_user_pool().user_pool_id(&other).send().await.unwrap();
    let recreated = create_pool(&client, "other").await;
    let listed = client.list_resource_servers().user_pool_id(&recreated).max_results(50).send().await.unwrap();
    assert!(listed.resource_servers.is_empty());
}

#[tokio::test]
async fn the_aws_cli_manages_resource_servers() {
    let server = InProcessServer::start().await;
    let Some(aws) = AwsCli::new(&server.url()) else { return };
    let pool = create_pool(&server.client(), "cli").await;
    let created = aws
        .run(&[
            "create-resource-server",
            "--user-pool-id",
            &pool,
            "--identifier",
            "orders",
            "--name",
            "Orders",
            "--scopes",
            "ScopeName=read,ScopeDescription=Read",
            "ScopeName=write,ScopeDescription=Write",
        ])
        .await
        .unwrap();
    assert_eq!(created["ResourceServer"]["Scopes"][1]["ScopeName"], "write", "{created}");
    let described = aws.run(&["describe-resource-server", "--user-pool-id", &pool, "--identifier", "orders"]).await;
    assert_eq!(described.unwrap()["ResourceServer"]["Name"], "Orders");
    let updated = aws
        .run(&["update-resource-server", "--user-pool-id", &pool, "--identifier", "orders", "--name", "Orders 2"])
        .await
        .unwrap();
    assert_eq!(updated["ResourceServer"]["Name"], "Orders 2");
    let listed = aws.run(&["list-resource-servers", "--user-pool-id", &pool, "--max-results", "10"]).await.unwrap();
    assert_eq!(listed["ResourceServers"].as_array().unwrap().len(), 1, "{listed}");
    aws.run(&["delete-resource-server", "--user-pool-id", &pool, "--identifier", "orders"]).await.unwrap();
    let gone = aws.run(&["describe-resource-server", "--user-pool-id", &pool, "--identifier", "orders"]).await;
    assert_eq!(gone.unwrap_err(), pair("ResourceNotFoundException", "Resource server orders does not exist."));
}
