//! [`Pattern`]: an AWS model pattern, compiled on first use.

use std::fmt;
use std::sync::OnceLock;

#[cfg(feature = "regex")]
use fancy_regex::{Regex, RegexBuilder};

#[cfg(feature = "regex")]
use crate::java_regex::to_fancy_regex;

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

/// A compiled pattern: the regex, and for patterns that are one repeated character class (most
/// of AWS's: `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, `[\w+=,.@-]+`...) the set of ASCII characters
/// the class admits, which decides ASCII values without running the regex. Servers check
/// patterns on every request; the regex engine's search was a measured share of a request's
/// cost.
#[cfg_attr(not(feature = "regex"), allow(dead_code))]
struct Compiled {
    regex: Regex,
    ascii: Option<AsciiClass>,
}

/// A pattern `[class]+` or `[class]*`, over ASCII values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AsciiClass {
    /// Bit `c` is set when the class admits the ASCII character `c`.
    admits: u128,
    /// `+`: at least one character.
    non_empty: bool,
}

#[cfg_attr(not(feature = "regex"), allow(dead_code))]
impl AsciiClass {
    fn check(&self, value: &str) -> Option<bool> {
        if !value.is_ascii() {
            return None;
        }
        let admitted = value.bytes().all(|b| self.admits & (1u128 << b) != 0);
        Some(admitted && (!self.non_empty || !value.is_empty()))
    }
}

impl Pattern {
    /// A pattern with this source text (as written in the model). Nothing is compiled yet.
    ///
    /// ```
    /// static DIGITS: awsjson_types::Pattern = awsjson_types::Pattern::new("[0-9]+");
    /// assert!(DIGITS.is_match("123"));
    /// ```
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
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
            if let Some(verdict) = compiled.ascii.and_then(|class| class.check(value)) {
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
                Ok(Compiled { regex, ascii: ascii_class(self.source) })
            })
            .as_ref()
    }
}

/// The ASCII set of a pattern that is one repeated character class, found by asking the regex
/// of the class itself about each ASCII character (so it agrees with the regex by construction).
#[cfg(feature = "regex")]
fn ascii_class(source: &str) -> Option<AsciiClass> {
    let inner = source.strip_prefix('^').unwrap_or(source);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    let (class, non_empty) = match (inner.strip_suffix("]+"), inner.strip_suffix("]*")) {
        (Some(class), _) => (class, true),
        (_, Some(class)) => (class, false),
        _ => return None,
    };
    let class = class.strip_prefix('[')?;
    // Only a flat class: no nested classes, intersections, or an early end.
    let mut chars = class.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next()?;
            }
            '[' | ']' => return None,
            '&' if chars.clone().next() == Some('&') => return None,
            _ => {}
        }
    }
    let single = compile(&format!("[{class}]")).ok()?;
    let mut admits = 0u128;
    for c in 0u8..128 {
        let text = [c];
        let text = std::str::from_utf8(&text).ok()?;
        if single.is_match(text).ok()? {
            admits |= 1 << c;
        }
    }
    Some(AsciiClass { admits, non_empty })
}

#[cfg(not(feature = "regex"))]
fn ascii_class(_: &str) -> Option<AsciiClass> {
    None
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
    let build = |text: String| {
        RegexBuilder::new(&text)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| e.to_string())
    };
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
    fn ascii_fast_path_agrees_with_the_regex() {
        let sources = [
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
            r"[\S]+",
            r"[\w\s+=,.@-]+",
            r"[\x21\x23-\x5B\x5D-\x7E]+",
            r"^[a-zA-Z0-9_-]+$",
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*",
            r"[A-Za-z0-9-_+/=.]+",
            r"[^_\p{Z}]+",
            r"[\]]+",
        ];
        let values = ["", "diego", "a b", "a\tb", "x_y-z", "a+b=c,d.e@f", "!#$%&'()*", "\"", "[]\\", "\u{7f}", "Zoë"];
        for source in sources {
            let pattern = Pattern::new(source);
            let compiled = pattern.compiled().unwrap();
            assert!(compiled.ascii.is_some(), "{source} is one repeated class");
            for value in values {
                assert_eq!(pattern.check(value), compiled.regex.is_match(value).ok(), "{source} on {value:?}");
            }
        }
        for source in [r"[\w-]+_[0-9a-zA-Z]+", r"[a-z&&[^b]]+", r"[a[b]]+", "Level[1-4]", r"[0-9]{4}"] {
            assert!(Pattern::new(source).compiled().unwrap().ascii.is_none(), "{source}");
        }
        // Values outside ASCII go to the regex.
        assert!(USERNAME.is_match("Zoë"));
        assert!(!USERNAME.is_match("Zo ë"));
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
        assert_eq!(
            format!("{USERNAME:?}"),
            r#"Pattern("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")"#
        );
        assert_eq!(USERNAME.source(), r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+");
    }
}
