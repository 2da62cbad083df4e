//! The operations, one module per resource. A handler validates what the model cannot, calls
//! the store, and maps the store's answers to AWS's errors.

pub mod auth;
pub mod cimd;
pub mod client_secrets;
pub mod client_tokens;
pub mod clients;
pub mod derived_tokens;
pub mod devices;
pub mod domains;
pub mod events;
pub mod groups;
pub mod identity_providers;
pub mod log_delivery;
pub mod managed_login_branding;
pub mod messages;
pub mod mfa;
pub mod one_time_codes;
pub mod passkeys;
pub mod pitr;
pub mod pools;
pub mod provider_links;
pub mod provisioned_limits;
pub mod recovery;
pub mod replicas;
pub mod resource_servers;
pub mod risk;
pub mod secret_hash;
pub mod self_service;
pub mod sessions;
pub(crate) mod shared;
pub mod signing_certificate;
pub mod signup;
pub mod tags;
pub mod terms;
pub mod tokens;
pub mod triggered;
pub mod ui_customization;
pub mod user_import;
pub mod users;

pub use shared::*;
