//! User pool domains through the generated client and the AWS CLI: a prefix domain created,
//! described (and an unknown one described as AWS does, empty), shown by `DescribeUserPool`,
//! updated, deleted; AWS's refusals (reserved words, a prefix another pool holds, a second
//! prefix for one pool, versions other than 1 and 2); and the domain going with its pool.

mod common;

use common::aws_cli::AwsCli;
use common::{InProcessServer, create_pool, failure, pair};

#[tokio::test]
async fn prefix_domains_are_created_described_updated_and_deleted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "web").await;

    let created = client.create_user_pool_domain().user_pool_id(&pool).domain("my-app-1").send().await.unwrap();
    assert_eq!(created.managed_login_version, Some(1));
    assert_eq!(created.cloud_front_domain, None, "a prefix domain's answer names no CloudFront domain");

    let described = client.describe_user_pool_domain().domain("my-app-1").send().await.unwrap();
    let description = described.domain_description.unwrap();
    assert_eq!(description.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(description.domain.as_deref(), Some("my-app-1"));
    assert_eq!(description.status.as_ref().map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(description.aws_account_id.as_deref(), Some("000000000000"));
    assert!(description.cloud_front_distribution.unwrap().ends_with(".cloudfront.net"));
    assert_eq!(description.version.as_ref().map(String::len), Some(14), "yyyyMMddHHmmss");
    assert_eq!(description.managed_login_version, Some(1));
    let pool_view = client.describe_user_pool().user_pool_id(&pool).send().await.unwrap().user_pool.unwrap();
    assert_eq!(pool_view.domain.as_deref(), Some("my-app-1"));
    assert_eq!(pool_view.custom_domain, None);

    // An unknown domain: no error, an empty description.
    let unknown = client.describe_user_pool_domain().domain("nobody-here").send().await.unwrap();
    assert_eq!(unknown.domain_description, Some(Default::default()));

    // Refusals.
    let other = create_pool(&client, "other").await;
    let taken = client.create_user_pool_domain().user_pool_id(&other).domain("my-app-1").send().await;
    assert_eq!(failure(taken), pair("InvalidParameterException", "Domain already associated with another user pool."));
    let second = client.create_user_pool_domain().user_pool_id(&pool).domain("my-app-2").send().await;
    assert_eq!(failure(second).0, "InvalidParameterException");
    for (prefix, word) in [("myawsapp", "aws"), ("amazon-login", "amazon"), ("login-cognito", "cognito")] {
        let reserved = client.create_user_pool_domain().user_pool_id(&other).domain(prefix).send().await;
        let expected = format!("Domain cannot contain reserved word: {word}");
        assert_eq!(failure(reserved), pair("InvalidParameterException", &expected));
    }
    let version = client.create_user_pool_domain().user_pool_id(&other).domain("v3").managed_login_version(3);
    assert_eq!(failure(version.send().await).0, "InvalidParameterException");
    let pattern = client.create_user_pool_domain().user_pool_id(&other).domain("Upper_Case").send().await;
    let (code, message) = failure(pattern);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.starts_with("The domain name contains an invalid character."), "{message}");
    let no_pool = client.create_user_pool_domain().user_pool_id("us-east-1_Nowhere1").domain("free").send().await;
    assert_eq!(failure(no_pool).0, "ResourceNotFoundException");

    // Managed login version 2.
    let updated = client.update_user_pool_domain().user_pool_id(&pool).domain("my-app-1").managed_login_version(2);
    assert_eq!(updated.send().await.unwrap().managed_login_version, Some(2));
    let described = client.describe_user_pool_domain().domain("my-app-1").send().await.unwrap();
    assert_eq!(described.domain_description.unwrap().managed_login_version, Some(2));
    let wrong_pool = client.update_user_pool_domain().user_pool_id(&other).domain("my-app-1").managed_login_version(1);
    assert_eq!(failure(wrong_pool.send().await).0, "ResourceNotFoundException");

    // Deleted: free for another pool, gone from DescribeUserPool.
    let wrong_pool = client.delete_user_pool_domain().user_pool_id(&other).domain("my-app-1").send().await;
    assert_eq!(failure(wrong_pool).0, "ResourceNotFoundException");
    client.delete_user_pool_domain().user_pool_id(&pool).domain("my-app-1").send().await.unwrap();
    let pool_view = client.describe_user_pool().user_pool_id(&pool).send().await.unwrap().user_pool.unwrap();
    assert_eq!(pool_view.domain, None);
    client
        .create_user_pool_domain()
        .user_pool_id(&other)
        .domain("my-app-1")
        .managed_login_version(2)
        .send()
        .await
        .unwrap();

    // A deleted pool frees its domain.
    client.delete_user_pool().user_pool_id(&other).send().await.unwrap();
    let empty = client.describe_user_pool_domain().domain("my-app-1").send().await.unwrap();
    assert_eq!(empty.domain_description, Some(Default::default()));
    client.create_user_pool_domain().user_pool_id(&pool).domain("my-app-1").send().await.unwrap();
}

#[tokio::test]
async fn custom_domains_need_a_certificate_and_sit_beside_a_prefix() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "custom").await;
    let config = cognito_idp::types::CustomDomainConfigType {
        certificate_arn: "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000".into(),
        security_policy: None,
    };
    let without = client.create_user_pool_domain().user_pool_id(&pool).domain("auth.example.com").send().await;
    assert_eq!(failure(without).0, "InvalidParameterException");
    let created = client
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("auth.example.com")
        .custom_domain_config(config.clone())
        .send()
        .await
        .unwrap();
    let cloudfront = created.cloud_front_domain.expect("a custom domain's answer names its CloudFront domain");
    assert!(cloudfront.ends_with(".cloudfront.net"), "{cloudfront}");
    // A prefix beside it; a second custom domain is refused.
    client.create_user_pool_domain().user_pool_id(&pool).domain("custom-prefix").send().await.unwrap();
    let second = client
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("login.example.com")
        .custom_domain_config(config.clone())
        .send()
        .await;
    assert_eq!(failure(second).0, "InvalidParameterException");
    let bad =
        client.create_user_pool_domain().user_pool_id(&pool).domain("Auth.Example.com").custom_domain_config(config);
    assert_eq!(failure(bad.send().await).0, "InvalidParameterException");

    let view = client.describe_user_pool().user_pool_id(&pool).send().await.unwrap().user_pool.unwrap();
    assert_eq!(
        (view.domain.as_deref(), view.custom_domain.as_deref()),
        (Some("custom-prefix"), Some("auth.example.com"))
    );
    let described = client.describe_user_pool_domain().domain("auth.example.com").send().await.unwrap();
    let description = described.domain_description.unwrap();
    assert_eq!(description.cloud_front_distribution.as_deref(), Some(cloudfront.as_str()));
    assert!(description.custom_domain_config.unwrap().certificate_arn.starts_with("arn:aws:acm:"));
}

#[tokio::test]
async fn the_aws_cli_manages_domains() {
    let server = InProcessServer::start().await;
    let Some(aws) = AwsCli::new(&server.url()) else { return };
    let pool = create_pool(&server.client(), "cli").await;
    let created = aws.run(&["create-user-pool-domain", "--user-pool-id", &pool, "--domain", "cli-app"]).await.unwrap();
    assert_eq!(created["ManagedLoginVersion"], 1, "{created}");
    let described = aws.run(&["describe-user-pool-domain", "--domain", "cli-app"]).await.unwrap();
    assert_eq!(described["DomainDescription"]["UserPoolId"], pool.as_str(), "{described}");
    assert_eq!(described["DomainDescription"]["Status"], "ACTIVE");
    let updated = aws
        .run(&[
            "update-user-pool-domain",
            "--user-pool-id",
            &pool,
            "--domain",
            "cli-app",
            "--managed-login-version",
            "2",
        ])
        .await
        .unwrap();
    assert_eq!(updated["ManagedLoginVersion"], 2);
    aws.run(&["delete-user-pool-domain", "--user-pool-id", &pool, "--domain", "cli-app"]).await.unwrap();
    let empty = aws.run(&["describe-user-pool-domain", "--domain", "cli-app"]).await.unwrap();
    assert_eq!(empty["DomainDescription"], serde_json::json!({}));
}
