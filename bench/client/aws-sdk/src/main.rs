//! N sequential AdminGetUser calls with aws-sdk-cognitoidentityprovider; prints the mean time
//! per call in microseconds.

use aws_config::BehaviorVersion;
use aws_sdk_cognitoidentityprovider::config::{Credentials, Region};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().expect("usage: bench-aws-sdk ENDPOINT [CALLS]");
    let calls: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let shared = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDBENCH", "benchsecret", None, None, "bench"))
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = aws_sdk_cognitoidentityprovider::Client::new(&shared);
    let call = || client.admin_get_user().user_pool_id("us-east-1_bench").username("diego").send();
    call().await.expect("warm-up call");
    let started = std::time::Instant::now();
    for _ in 0..calls {
        let user = call().await.expect("AdminGetUser");
        assert_eq!(user.username(), "diego");
    }
    println!("{:.1}", started.elapsed().as_secs_f64() * 1e6 / f64::from(calls));
}
