//! Redaction of sensitive values in `Debug` output and messages.

use std::fmt;

/// The text printed in place of a sensitive value.
///
/// ```
/// assert_eq!(awsjson_types::REDACTED, "*** Sensitive Data Redacted ***");
/// ```
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// A stand-in whose `Debug` and `Display` print [`REDACTED`].
///
/// Generated `Debug` implementations pass it instead of a sensitive field's value.
///
/// ```
/// use std::fmt;
/// use awsjson_types::Redacted;
///
/// struct Login { user: String, password: String }
///
/// impl fmt::Debug for Login {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         f.debug_struct("Login")
///             .field("user", &self.user)
///             .field("password", &Redacted)
///             .finish()
///     }
/// }
///
/// let login = Login { user: "diego".into(), password: "hunter2".into() };
/// assert_eq!(
///     format!("{login:?}"),
///     r#"Login { user: "diego", password: *** Sensitive Data Redacted *** }"#
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_marker() {
        assert_eq!(format!("{Redacted:?}"), REDACTED);
        assert_eq!(format!("{Redacted:#?}"), REDACTED);
        assert_eq!(Redacted.to_string(), REDACTED);
    }

    #[test]
    fn works_as_a_debug_field() {
        struct Secretive;
        impl fmt::Debug for Secretive {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Secretive").field("password", &Redacted).finish()
            }
        }
        let text = format!("{:?}", Secretive);
        assert_eq!(text, "Secretive { password: *** Sensitive Data Redacted *** }");
    }
}
