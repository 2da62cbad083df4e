//! N sequential AdminGetUser calls as raw, unsigned HTTP requests to the endpoint given as the
//! first argument; prints the mean time per call in microseconds.

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().expect("usage: bench-floor ENDPOINT [CALLS]");
    let calls: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let http = reqwest::Client::new();
    let call = || {
        http.post(&endpoint)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.AdminGetUser")
            .body(r#"{"UserPoolId":"us-east-1_bench","Username":"diego"}"#)
            .send()
    };
    call().await.expect("warm-up call"); // connection set up outside the measurement
    let started = std::time::Instant::now();
    for _ in 0..calls {
        let body = call().await.expect("AdminGetUser").bytes().await.expect("body");
        assert!(body.windows(7).any(|w| w == b"\"diego\""));
    }
    println!("{:.1}", started.elapsed().as_secs_f64() * 1e6 / f64::from(calls));
}
