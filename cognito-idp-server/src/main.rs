//! `cognito-idp-server`: a local Amazon Cognito user-pools server. `--help` lists the options.

use clap::Parser;
use cognito_idp_server::{Options, serve};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let options = Options::parse();
    match serve(options).await {
        Ok(server) => {
            server.until_signal().await;
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("cannot start: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
