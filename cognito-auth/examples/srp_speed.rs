//! Times the SRP steps a Cognito server runs (the verifier when a password is set, `B` when the
//! challenge is issued, the claim check) and the client's, through the public API only, so the
//! same program measures any implementation of the arithmetic.
//!
//! ```text
//! cargo run --release -p cognito-auth --example srp_speed [ROUNDS]
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use cognito_auth::srp::{PasswordClaim, PasswordVerifierChallenge, SrpClient, SrpServer, verifier};

const POOL: &str = "us-east-1_AbCdEf123";

/// Runs `step` `rounds` times (after one warm-up call) and prints the mean time per call.
fn time<T>(name: &str, rounds: u32, mut step: impl FnMut(u32) -> T) -> Duration {
    black_box(step(0));
    let start = Instant::now();
    for i in 0..rounds {
        black_box(step(i));
    }
    let mean = start.elapsed() / rounds;
    println!("{name:<44} {:>9.3} ms", mean.as_secs_f64() * 1e3);
    mean
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: u32 = std::env::args().nth(1).map(|r| r.parse()).transpose()?.unwrap_or(50);
    println!("{rounds} rounds each, mean per call");

    // Ephemerals of the sizes real sign-ins use (128 random bytes each side).
    let a: Vec<u8> = (0..128u32).map(|i| (i * 37 + 11) as u8).collect();
    let b: Vec<u8> = (0..128u32).map(|i| (i * 91 + 5) as u8).collect();
    let salt = *b"0123456789abcdef";
    let block = [7u8; 48];

    let verifier_time = time("verifier g^x mod N (password set)", rounds, |i| {
        verifier(POOL, "diego", &format!("Correct-Horse-{i}"), &salt).unwrap()
    });

    let stored = verifier(POOL, "diego", "Correct-Horse-9", &salt)?;
    let client = SrpClient::with_ephemeral(POOL, "diego", "Correct-Horse-9", &a)?;
    let srp_a = client.srp_a();
    let start = time("server: B = k*v + g^b (challenge)", rounds, |_| {
        SrpServer::with_ephemeral(POOL, "diego", &stored, &srp_a, &b, &block).unwrap()
    });

    let server = SrpServer::with_ephemeral(POOL, "diego", &stored, &srp_a, &b, &block)?;
    let challenge = PasswordVerifierChallenge::from_parameters(server.challenge_parameters())?;
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let claim = PasswordClaim::from_responses(&client.respond_at(&challenge, at)?)?;
    let check = time("server: rebuild + S = (A*v^u)^b, check claim", rounds, |_| {
        SrpServer::with_ephemeral(POOL, "diego", &stored, &srp_a, &b, &block).unwrap().verify(&claim).unwrap()
    });

    time("client: A = g^a", rounds, |_| SrpClient::with_ephemeral(POOL, "diego", "Correct-Horse-9", &a).unwrap());
    time("client: S = (B - k*g^x)^(a+u*x), respond", rounds, |_| client.respond_at(&challenge, at).unwrap());

    println!(
        "{:<44} {:>9.3} ms",
        "server total (verifier + challenge + check)",
        (verifier_time + start + check).as_secs_f64() * 1e3
    );
    Ok(())
}
