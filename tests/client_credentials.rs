//! Where the client finds credentials and its region: explicit, environment, shared files.
//! One test function, because it changes the process environment.

use awsjson_client::{
    Config, CredentialsError, DefaultCredentialsChain, EnvironmentCredentials, ProfileCredentials, ProvideCredentials,
};

const VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL",
];

#[tokio::test]
async fn environment_then_shared_files() {
    // SAFETY: this test binary has one test, so nothing else reads the environment meanwhile.
    let set = |k: &str, v: &str| unsafe { std::env::set_var(k, v) };
    let unset = |k: &str| unsafe { std::env::remove_var(k) };
    VARS.iter().for_each(|v| unset(v));

    let dir = std::env::temp_dir().join(format!("awsjson-creds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n").unwrap();
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n\
        [dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\naws_session_token = devtoken\n",
    )
    .unwrap();
    set("AWS_CONFIG_FILE", config.to_str().unwrap());
    set("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap());

    // Shared files, default profile.
    let c = DefaultCredentialsChain::default().provide_credentials().await.unwrap();
    assert_eq!((c.access_key_id(), c.secret_access_key()), ("AKIDFILE", "filesecret"));
    assert_eq!(Config::from_env().region_name(), Some("eu-west-1"));

    // AWS_PROFILE selects another profile, in both files.
    set("AWS_PROFILE", "dev");
    let c = ProfileCredentials::default().provide_credentials().await.unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("AKIDDEV", Some("devtoken")));
    assert_eq!(Config::from_env().region_name(), Some("ap-south-1"));

    // The environment comes first, for keys and region.
    set("AWS_ACCESS_KEY_ID", "AKIDENV");
    set("AWS_SECRET_ACCESS_KEY", "envsecret");
    set("AWS_SESSION_TOKEN", "envtoken");
    set("AWS_DEFAULT_REGION", "us-east-2");
    let c = DefaultCredentialsChain::default().provide_credentials().await.unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("AKIDENV", Some("envtoken")));
    assert_eq!(Config::from_env().region_name(), Some("us-east-2"));
    set("AWS_REGION", "us-west-2");
    assert_eq!(Config::from_env().region_name(), Some("us-west-2"));
    set("AWS_ENDPOINT_URL", "http://127.0.0.1:9229");
    assert_eq!(Config::from_env().endpoint(), Some("http://127.0.0.1:9229"));

    // A key without its secret is an error, not a silent fallback.
    unset("AWS_SECRET_ACCESS_KEY");
    assert!(matches!(EnvironmentCredentials.provide_credentials().await, Err(CredentialsError::Invalid(_))));

    // Nothing anywhere: a clear "not found" naming what was tried.
    VARS.iter().for_each(|v| unset(v));
    set("AWS_CONFIG_FILE", dir.join("none").to_str().unwrap());
    set("AWS_SHARED_CREDENTIALS_FILE", dir.join("none").to_str().unwrap());
    let e = DefaultCredentialsChain::default().provide_credentials().await.unwrap_err();
    assert!(matches!(&e, CredentialsError::NotFound(m) if m.contains("environment") && m.contains("profile")), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
