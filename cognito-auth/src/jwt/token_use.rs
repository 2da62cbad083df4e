//! The two kinds of Cognito tokens (`token_use`).

/// Which kind of Cognito token to accept: the `token_use` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// An ID token (`token_use` = `id`): who the user is; audience in `aud`.
    Id,
    /// An access token (`token_use` = `access`): what the user may do; app client in `client_id`.
    Access,
}

impl TokenUse {
    /// The claim's value: `id` or `access`.
    ///
    /// ```
    /// assert_eq!(cognito_auth::jwt::TokenUse::Access.as_str(), "access");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}
