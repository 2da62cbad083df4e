//! The boxed future type shared by credential providers and operation calls.

/// A boxed, sendable future: what [`ProvideCredentials`] and generated builders' `send` return.
///
/// [`ProvideCredentials`]: crate::ProvideCredentials
///
/// ```
/// use awsjson_client::BoxFuture;
///
/// fn answer() -> BoxFuture<'static, u32> {
///     Box::pin(async { 42 })
/// }
/// # let _ = answer();
/// ```
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
