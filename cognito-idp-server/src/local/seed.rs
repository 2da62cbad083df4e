//! `--seed FILE`: pools, app clients and users with fixed ids, applied at start-up.

use std::path::Path;

use crate::service::Cognito;
use crate::store::Store;

/// Applies the seed file at `path` (idempotent: what exists is left as it is).
pub async fn apply<S: Store>(svc: &Cognito<S>, path: &Path) -> Result<(), String> {
    let _ = (svc, path);
    Err("--seed is not implemented yet".into())
}
