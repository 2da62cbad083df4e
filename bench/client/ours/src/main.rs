//! N sequential AdminGetUser calls to the endpoint given as the first argument; prints the
//! mean time per call in microseconds.

use cognito_idp::{Client, Config};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().expect("usage: bench-ours ENDPOINT [CALLS]");
    let calls: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let config = Config::new()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(awsjson_credentials());
    let client = Client::new(config);
    let call = || client.admin_get_user().user_pool_id("us-east-1_bench").username("diego").send();
    call().await.expect("warm-up call"); // connection set up outside the measurement
    let started = std::time::Instant::now();
    for _ in 0..calls {
        let user = call().await.expect("AdminGetUser");
        assert_eq!(user.username, "diego");
    }
    println!("{:.1}", started.elapsed().as_secs_f64() * 1e6 / f64::from(calls));
}

fn awsjson_credentials() -> cognito_idp::Credentials {
    cognito_idp::Credentials::new("AKIDBENCH", "benchsecret")
}
