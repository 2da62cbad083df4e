//! The README's client example (`examples/client.rs`, compiled here as a module) runs as the
//! README says against a freshly started local server: its pool, its user, the modeled
//! `UserNotFoundException`, the listing and the deletion all succeed, and it leaves no pool.

mod common;

#[allow(dead_code)]
#[path = "../../examples/client.rs"]
mod readme_example;

use common::InProcessServer;

#[tokio::test]
async fn the_readme_client_example_runs_against_a_fresh_server() {
    let server = InProcessServer::start().await;
    readme_example::run(Some(server.url())).await.expect("the README's example fails against a fresh server");
    let pools = server.client().list_user_pools().max_results(60).send().await.unwrap();
    assert!(pools.user_pools.unwrap_or_default().is_empty(), "the example deletes the pool it made");
}
