//! Reading the exchange's values: the pool name in a pool id, Base64 parameters.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::error::SrpError;

/// The pool name SRP hashes: the part of `REGION_NAME` after the first `_`.
pub(super) fn pool_name(user_pool_id: &str) -> Result<&str, SrpError> {
    match user_pool_id.split_once('_') {
        Some((region, name)) if !region.is_empty() && !name.is_empty() => Ok(name),
        _ => Err(SrpError::InvalidPoolId(user_pool_id.to_owned())),
    }
}

/// A standard Base64 value; `name` says which parameter it is when it is not Base64.
pub(super) fn decode_base64(value: &str, name: &'static str) -> Result<Vec<u8>, SrpError> {
    STANDARD.decode(value).map_err(|_| SrpError::InvalidBase64(name))
}
