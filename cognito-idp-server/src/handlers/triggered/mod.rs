//! What the operations ask of a pool's Lambda triggers: one module per trigger, each building
//! its event from what the operation knows and reading the answer into what the operation
//! does next. The invocation itself is [`crate::triggers`].

pub mod pre_sign_up;

/// `callerContext.clientId` of an event that no app client caused (administrators'
/// operations): the value AWS's sample events for `AdminCreateUser` carry.
pub const NO_CLIENT: &str = "CLIENT_ID_NOT_APPLICABLE";
