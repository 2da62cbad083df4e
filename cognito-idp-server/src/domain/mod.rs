//! Rules of the API that do not depend on storage: ids, passwords, codes, masking.

pub mod codes;
pub mod ids;
pub mod password;
