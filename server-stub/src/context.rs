//! What a handler knows about the request besides its input.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Deref;

/// The request's context, handed to every trait method.
///
/// The router fills it in before the handler runs; a handler reads it (for example to scope
/// data by [`caller`](Self::caller)) and never has to touch headers or status codes.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The id sent back in `x-amzn-RequestId` (a UUID, as AWS uses).
    pub request_id: RequestId,
    /// The operation's name, e.g. `AdminCreateUser`.
    pub operation: &'static str,
    /// The access key id whose SigV4 signature was verified; `None` when verification is off
    /// or the operation is public.
    pub caller: Option<String>,
    /// The client's address, when the server runs with connect info
    /// (`into_make_service_with_connect_info::<SocketAddr>()`).
    pub source: Option<SocketAddr>,
    /// The request's headers as received (including `Authorization`: do not log them).
    pub headers: http::HeaderMap,
}

impl RequestContext {
    /// A context with a fresh request id.
    ///
    /// ```
    /// let ctx = awsjson_server::RequestContext::new("AdminCreateUser");
    /// assert_eq!(ctx.request_id.len(), 36);
    /// assert_eq!(ctx.operation, "AdminCreateUser");
    /// ```
    pub fn new(operation: &'static str) -> Self {
        RequestContext { request_id: RequestId::new(), operation, ..Default::default() }
    }
}

/// A request id: a version 4 UUID in its hyphenated form, as AWS sends them. It is `Copy` and
/// reads as a `&str`.
///
/// Ids come from a per-thread generator seeded once from the OS (a system call per request
/// cost a tenth of the stub's time): each thread's seed is random and its outputs are a
/// bijection of a counter, so ids do not repeat. They are unique, not secret.
///
/// ```
/// use awsjson_server::RequestId;
///
/// let (a, b) = (RequestId::new(), RequestId::new());
/// assert_ne!(a, b);
/// assert_eq!(a.len(), 36);
/// assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 4);
/// assert_eq!(a, a.to_string());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId([u8; 36]);

impl RequestId {
    /// A fresh id.
    pub fn new() -> Self {
        use std::cell::Cell;
        thread_local! {
            static STATE: Cell<Option<(u64, u64)>> = const { Cell::new(None) };
        }
        let (seed, counter) = STATE.with(|state| {
            let (seed, counter) = state.get().unwrap_or_else(|| {
                let random = uuid::Uuid::new_v4().as_u64_pair();
                (random.0, random.1)
            });
            state.set(Some((seed, counter.wrapping_add(1))));
            (seed, counter)
        });
        let high = splitmix64(counter ^ seed);
        let low = splitmix64(counter.wrapping_add(seed.rotate_left(32)));
        let bytes = ((u128::from(high) << 64) | u128::from(low)).to_be_bytes();
        let mut id = [0; 36];
        uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().encode_lower(&mut id);
        RequestId(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // A hyphenated UUID is ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The id's bytes (ASCII).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Default for RequestId {
    fn default() -> Self {
        RequestId::new()
    }
}

impl Deref for RequestId {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for RequestId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for RequestId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RequestId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for RequestId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl From<RequestId> for String {
    fn from(id: RequestId) -> String {
        id.to_string()
    }
}

/// A fresh request id as a `String` (see [`RequestId`]).
///
/// ```
/// let (a, b) = (awsjson_server::new_request_id(), awsjson_server::new_request_id());
/// assert_ne!(a, b);
/// assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 4);
/// ```
pub fn new_request_id() -> String {
    RequestId::new().to_string()
}

/// SplitMix64's output function: a bijection on `u64` that scrambles neighbouring inputs.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_v4_uuids_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(10) {
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(uuid.get_version_num(), 4);
            assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122);
        }
    }
}
