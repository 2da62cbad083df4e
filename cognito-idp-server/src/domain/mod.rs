//! Rules of the API that do not depend on storage: ids, passwords, codes, masking.

pub mod attributes;
pub mod codes;
pub mod filter;
pub mod identities;
pub mod ids;
pub mod mask;
pub mod password;
pub mod totp;
pub mod user_csv;
