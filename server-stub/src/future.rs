//! The boxed future type shared by the dispatch functions, the credential store and the tower
//! services.

/// A boxed, sendable future: what a generated dispatch function, a [`CredentialStore`] lookup
/// and the runtime's tower services return.
///
/// [`CredentialStore`]: crate::CredentialStore
///
/// ```
/// use awsjson_server::BoxFuture;
///
/// fn answer() -> BoxFuture<'static, u32> {
///     Box::pin(async { 42 })
/// }
/// # let _ = answer();
/// ```
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
