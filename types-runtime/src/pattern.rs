//! [`Pattern`]: an AWS model pattern, compiled on first use.

use std::fmt;
use std::sync::OnceLock;

#[cfg(feature = "regex")]
use fancy_regex::{Regex, RegexBuilder};

#[cfg(feature = "regex")]
use crate::java_regex::to_fancy_regex;
use crate::pattern_ascii::AsciiMatcher;

/// Without the `regex` feature no regex engine is compiled in: a client that does not validate
/// locally (AWS SDKs do not) builds faster. Patterns then cannot be checked.
#[cfg(not(feature = "regex"))]
type Regex = std::convert::Infallible;

/// How many backtracking steps one match may take before it is given up (and counted as a match).
#[cfg(feature = "regex")]
const BACKTRACK_LIMIT: usize = 1_000_000;

/// A regular expression from an AWS model, as a `static` the generator emits.
///
/// It follows AWS's (Java's) semantics: the pattern must match the **whole** value, `\w`, `\d`
/// and `\s` are ASCII-only, and Unicode classes such as `\p{L}` work. Look-around is supported.
/// The regex is compiled once, on first use. A pattern that cannot be compiled, or a match
/// that exceeds the backtracking limit, cannot be checked and counts as a match.
///
/// ```
/// use awsjson_types::Pattern;
///
/// static USERNAME: Pattern = Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
/// assert!(USERNAME.is_match("Zoë"));
/// assert!(!USERNAME.is_match("a b"));
/// assert_eq!(USERNAME.source(), r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
/// ```
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Result<Compiled, String>>,
}

/// A compiled pattern: the regex, and for common shapes of pattern a way to decide ASCII values
/// without it (see [`pattern_ascii`](crate::pattern_ascii)).
#[cfg_attr(not(feature = "regex"), allow(dead_code))]
struct Compiled {
    regex: Regex,
    ascii: Option<AsciiMatcher>,
}

impl Pattern {
    /// A pattern with this source text (as written in the model). Nothing is compiled yet.
    ///
    /// ```
    /// static DIGITS: awsjson_types::Pattern = awsjson_types::Pattern::new("[0-9]+");
    /// assert!(DIGITS.is_match("123"));
    /// ```
    pub const fn new(source: &'static str) -> Self {
        Pattern { source, compiled: OnceLock::new() }
    }

    /// The source text, verbatim (AWS quotes it in validation messages).
    ///
    /// ```
    /// assert_eq!(awsjson_types::Pattern::new(r"[\w-]+").source(), r"[\w-]+");
    /// ```
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the whole of `value` matches. `true` when the pattern cannot be checked
    /// (see [`check`](Self::check)).
    ///
    /// ```
    /// let p = awsjson_types::Pattern::new(r"[\w-]+_[0-9a-zA-Z]+");
    /// assert!(p.is_match("us-east-1_AbC123"));
    /// assert!(!p.is_match("us-east-1_AbC123 trailing"));
    /// ```
    pub fn is_match(&self, value: &str) -> bool {
        self.check(value).unwrap_or(true)
    }

    /// Whether the whole of `value` matches, or `None` if that cannot be decided: the pattern
    /// does not compile, or the match ran past the backtracking limit.
    ///
    /// ```
    /// let broken = awsjson_types::Pattern::new("(unclosed");
    /// assert_eq!(broken.check("anything"), None);
    /// assert_eq!(awsjson_types::Pattern::new("a+").check("b"), Some(false));
    /// ```
    pub fn check(&self, value: &str) -> Option<bool> {
        #[cfg(feature = "regex")]
        {
            let compiled = self.compiled().ok()?;
            if let Some(verdict) = compiled.ascii.as_ref().and_then(|ascii| ascii.check(value)) {
                return Some(verdict);
            }
            compiled.regex.is_match(value).ok()
        }
        #[cfg(not(feature = "regex"))]
        {
            let _ = value;
            None
        }
    }

    /// Why the pattern does not compile, if it does not.
    ///
    /// ```
    /// assert!(awsjson_types::Pattern::new("[a-").compile_error().is_some());
    /// assert!(awsjson_types::Pattern::new("[a-z]").compile_error().is_none());
    /// ```
    pub fn compile_error(&self) -> Option<String> {
        self.compiled().err().cloned()
    }

    fn compiled(&self) -> Result<&Compiled, &String> {
        self.compiled
            .get_or_init(|| {
                let regex = compile(self.source)?;
                Ok(Compiled { regex, ascii: ascii_matcher(self.source) })
            })
            .as_ref()
    }
}

/// The ASCII fast path of a pattern, if it has one; each class's ASCII set comes from asking
/// the class's own regex about every ASCII character.
#[cfg(feature = "regex")]
fn ascii_matcher(source: &str) -> Option<AsciiMatcher> {
    AsciiMatcher::analyze(source, |class| {
        let single = compile(&format!("[{class}]")).ok()?;
        let mut admits = 0u128;
        for c in 0u8..128 {
            let text = [c];
            if single.is_match(std::str::from_utf8(&text).ok()?).ok()? {
                admits |= 1 << c;
            }
        }
        Some(admits)
    })
}

#[cfg(not(feature = "regex"))]
fn ascii_matcher(_: &str) -> Option<AsciiMatcher> {
    None
}

#[cfg(all(test, feature = "regex"))]
impl Pattern {
    pub(crate) fn ascii_matcher(&self) -> Option<AsciiMatcher> {
        self.compiled().ok()?.ascii.clone()
    }

    pub(crate) fn regex_check(&self, value: &str) -> Option<bool> {
        self.compiled().ok()?.regex.is_match(value).ok()
    }
}

/// Compiles Java-dialect `source` anchored at both ends, as Java's `matches()` reads it.
#[cfg(not(feature = "regex"))]
fn compile(_source: &str) -> Result<Regex, String> {
    Err("patterns are not checked: awsjson-types was built without its `regex` feature".into())
}

/// Compiles Java-dialect `source` anchored at both ends, as Java's `matches()` reads it.
#[cfg(feature = "regex")]
fn compile(source: &str) -> Result<Regex, String> {
    let body = to_fancy_regex(source);
    let build =
        |text: String| RegexBuilder::new(&text).backtrack_limit(BACKTRACK_LIMIT).build().map_err(|e| e.to_string());
    // First on its own, so that text like `a)|(b` cannot escape the anchoring group below.
    build(body.clone())?;
    build(format!("^(?:{body})$"))
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

#[cfg(all(test, feature = "regex"))]
mod tests {
    use super::*;

    static USERNAME: Pattern = Pattern::new(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");

    #[test]
    fn unicode_classes() {
        assert!(USERNAME.is_match("diego"));
        assert!(USERNAME.is_match("Zoë"));
        assert!(!USERNAME.is_match("a b"));
        assert!(!USERNAME.is_match(""));
        assert_eq!(USERNAME.compile_error(), None);
    }

    #[test]
    fn whole_value_must_match() {
        let p = Pattern::new("abc");
        assert!(p.is_match("abc"));
        assert!(!p.is_match("xabc"));
        assert!(!p.is_match("abcx"));
        assert!(!p.is_match("abc\n"));
        let alt = Pattern::new("a|b");
        assert!(alt.is_match("b"));
        assert!(!alt.is_match("ab"));
        let anchored = Pattern::new("^[0-9]+$");
        assert!(anchored.is_match("42"));
    }

    #[test]
    fn look_behind() {
        let p = Pattern::new(r"^[0-9A-Za-z\.\-_]*(?<!\.)$");
        assert!(p.is_match("my.domain"));
        assert!(p.is_match(""));
        assert!(!p.is_match("my.domain."));
        assert_eq!(p.compile_error(), None);
    }

    #[test]
    fn java_ascii_shorthands() {
        let pool = Pattern::new(r"[\w-]+_[0-9a-zA-Z]+");
        assert!(pool.is_match("us-east-1_abc"));
        assert!(!pool.is_match("é_abc"));
        let not_space = Pattern::new(r"[\S]+");
        assert!(not_space.is_match("pässword!"));
        assert!(!not_space.is_match("a b"));
        assert!(Pattern::new(r"\p{Punct}+").is_match("!?"));
        assert!(!Pattern::new(r"\p{Punct}+").is_match("¿"));
        assert!(!Pattern::new(".+").is_match("a\rb"));
        assert!(Pattern::new(r"[\u0020-\uD7FF\uD800\uDC00-\uDBFF\uDFFF]+").is_match("a😀"));
    }

    #[test]
    fn broken_patterns_count_as_match() {
        for source in ["(unclosed", "[a-", "a)|(b", "trailing\\", r"\uD800"] {
            let p = Pattern::new(source);
            assert!(p.compile_error().is_some(), "{source}");
            assert!(p.is_match("anything"), "{source}");
            assert_eq!(p.check("anything"), None);
        }
    }

    #[test]
    fn catastrophic_backtracking_counts_as_match() {
        // A back-reference forces the backtracking engine.
        let p = Pattern::new(r"(a*)*\1b");
        let input = "a".repeat(40);
        assert_eq!(p.check(&input), None);
        assert!(p.is_match(&input));
    }

    #[test]
    fn statics_are_sync_and_debug() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<Pattern>();
        assert_eq!(format!("{USERNAME:?}"), r#"Pattern("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")"#);
        assert_eq!(USERNAME.source(), r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
    }
}
