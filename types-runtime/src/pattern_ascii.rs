//! Deciding common AWS patterns on ASCII values without running a regex.
//!
//! Servers check patterns on every request, and the regex engine's search was a measured share
//! of a request's cost (and of its code footprint under load). Most AWS patterns are one
//! repeated character class (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, `[\w+=,.@-]+`) or two joined by a
//! literal (`[\w-]+_[0-9a-zA-Z]+`, Cognito's user pool ids). For those, the set of ASCII
//! characters each class admits is computed once by asking the class's own regex about every
//! ASCII character, so the fast path agrees with the regex by construction; values with other
//! characters, and other patterns, go to the regex.

#![cfg_attr(not(feature = "regex"), allow(dead_code))]

/// The ASCII characters a character class admits, and whether it must match at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repeated {
    /// `admits[c]`: the class admits the ASCII character `c`.
    admits: [bool; 128],
    /// `+` rather than `*`.
    non_empty: bool,
}

impl Repeated {
    /// Whether `bytes` match; `None` when they are not all ASCII.
    fn matches(&self, bytes: &[u8]) -> Option<bool> {
        let mut ok = !self.non_empty || !bytes.is_empty();
        for &b in bytes {
            ok &= *self.admits.get(usize::from(b))?;
        }
        Some(ok)
    }

    fn admits(&self, byte: u8) -> bool {
        self.admits.get(usize::from(byte)).copied().unwrap_or(false)
    }
}

/// A pattern decidable on ASCII values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AsciiMatcher {
    /// `[A]+` or `[A]*`.
    One(Repeated),
    /// `[A]+ L [B]+` where the literal `L` is outside `A` or outside `B`, so that where the
    /// value splits is not a guess: at the last `L` when `B` cannot hold one, at the first when
    /// `A` cannot.
    Joined { first: Repeated, literal: u8, second: Repeated },
}

impl AsciiMatcher {
    /// Whether `value` matches; `None` when the value is not ASCII.
    pub(crate) fn check(&self, value: &str) -> Option<bool> {
        let bytes = value.as_bytes();
        match self {
            AsciiMatcher::One(class) => class.matches(bytes),
            AsciiMatcher::Joined { first, literal, second } => {
                let split = if !second.admits(*literal) {
                    bytes.iter().rposition(|b| b == literal)
                } else {
                    bytes.iter().position(|b| b == literal)
                };
                let Some(at) = split else { return value.is_ascii().then_some(false) };
                Some(first.matches(&bytes[..at])? & second.matches(&bytes[at + 1..])?)
            }
        }
    }

    /// The matcher for `source`, if it has one of the forms above. `class_set` gives the ASCII
    /// set of a class body (the text between the brackets), from the class's own regex.
    pub(crate) fn analyze(source: &str, class_set: impl Fn(&str) -> Option<u128>) -> Option<AsciiMatcher> {
        let inner = source.strip_prefix('^').unwrap_or(source);
        let inner = inner.strip_suffix('$').filter(|rest| !rest.ends_with('\\')).unwrap_or(inner);
        let (first, rest) = repeated_class(inner, &class_set)?;
        if rest.is_empty() {
            return Some(AsciiMatcher::One(first));
        }
        let (literal, rest) = literal(rest)?;
        let (second, rest) = repeated_class(rest, &class_set)?;
        let unambiguous = !first.admits(literal) || !second.admits(literal);
        (rest.is_empty() && first.non_empty && second.non_empty && unambiguous).then_some(AsciiMatcher::Joined {
            first,
            literal,
            second,
        })
    }
}

/// `[class]+` or `[class]*` at the start of `text`, and what follows it.
fn repeated_class<'t>(text: &'t str, class_set: &impl Fn(&str) -> Option<u128>) -> Option<(Repeated, &'t str)> {
    let body = text.strip_prefix('[')?;
    // Only a flat class: no nested classes or intersections.
    let mut end = None;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next()?;
            }
            '[' => return None,
            '&' if body[i + 1..].starts_with('&') => return None,
            ']' if i > 0 => {
                end = Some(i);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let (class, after) = (&body[..end], &body[end + 1..]);
    let (non_empty, rest) = match after.as_bytes().first() {
        Some(b'+') => (true, &after[1..]),
        Some(b'*') => (false, &after[1..]),
        _ => return None,
    };
    // `+?`, `++`, `*?` and friends change nothing about what matches, but stay on the safe side.
    if rest.starts_with(['+', '*', '?', '{']) {
        return None;
    }
    let set = class_set(class)?;
    let admits = std::array::from_fn(|c| set & (1u128 << c) != 0);
    Some((Repeated { admits, non_empty }, rest))
}

/// One literal ASCII character (plain, or escaped punctuation) at the start of `text`.
fn literal(text: &str) -> Option<(u8, &str)> {
    let bytes = text.as_bytes();
    match bytes.first()? {
        b'\\' => {
            let c = *bytes.get(1)?;
            c.is_ascii_punctuation().then_some((c, &text[2..]))
        }
        &c if c.is_ascii_alphanumeric() || b"_-@:/=,#%!~'\" <>&".contains(&c) => Some((c, &text[1..])),
        _ => None,
    }
}

#[cfg(all(test, feature = "regex"))]
mod tests {
    use crate::Pattern;

    #[test]
    fn agrees_with_the_regex() {
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
            r"[\w-]+_[0-9a-zA-Z]+",
            r"[\w-]+_[0-9a-f-]+",
            r"[a-z]+\.[a-z.]+",
            r"[0-9]+:[\w:]+",
        ];
        let values = [
            "",
            "diego",
            "a b",
            "a\tb",
            "x_y-z",
            "a+b=c,d.e@f",
            "!#$%&'()*",
            "\"",
            "[]\\",
            "\u{7f}",
            "Zoë",
            "us-east-1_AbC123",
            "us_east_1_abc",
            "_abc",
            "abc_",
            "a__b",
            "us-east-1_",
            "a.b.c",
            "a..",
            ".a",
            "1:a:b",
            "1::",
            ":a",
            "12:",
        ];
        for source in sources {
            let pattern = Pattern::new(source);
            assert!(pattern.ascii_matcher().is_some(), "{source} has a fast path");
            for value in values {
                assert_eq!(pattern.check(value), pattern.regex_check(value), "{source} on {value:?}");
            }
        }
    }

    #[test]
    fn other_patterns_go_to_the_regex() {
        for source in [
            r"[a-z&&[^b]]+",
            r"[a[b]]+",
            "Level[1-4]",
            r"[0-9]{4}",
            r"[a-z]+?",
            r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+@[\p{L}\p{M}\p{S}\p{N}\p{P}]+",
            r"[\w-]+_[0-9a-zA-Z]+_[a-z]+",
            r"[a-z]+.[a-z]+",
            "(a|b)+",
        ] {
            assert!(Pattern::new(source).ascii_matcher().is_none(), "{source}");
        }
    }
}

/// Every pattern of the Cognito model (read from `schemas/`), checked through the fast path and
/// through the regex alone on a corpus of ASCII values: they must agree.
#[cfg(all(test, feature = "regex"))]
mod model_patterns {
    use crate::Pattern;

    fn model_patterns() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
        let mut patterns = std::collections::BTreeSet::new();
        let mut stack = vec![];
        for entry in std::fs::read_dir(&dir).expect("schemas/ next to the crate") {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            stack.push(serde_json::from_str::<serde_json::Value>(&text).unwrap());
        }
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(p)) = map.get("pattern") {
                        patterns.insert(p.clone());
                    }
                    stack.extend(map.into_iter().map(|(_, v)| v));
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        patterns.into_iter().collect()
    }

    /// Values built from the characters that matter to AWS patterns, by a fixed-seed generator.
    fn corpus() -> Vec<String> {
        let alphabet: Vec<char> = " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\t\n\u{7f}".chars().collect();
        let mut values: Vec<String> = (0u8..128).map(|c| char::from(c).to_string()).collect();
        values.extend(
            [
                "",
                "us-east-1_AbC123",
                "us-east-1_",
                "_abc",
                "a__b",
                "arn:aws:iam::123456789012:role/x",
                "{####}",
                "diego@example.com",
            ]
            .map(String::from),
        );
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 14) as usize;
            let value =
                (0..len).map(|i| alphabet[((state >> (i * 4 % 60)) as usize + i * 7) % alphabet.len()]).collect();
            values.push(value);
        }
        values
    }

    #[test]
    fn fast_path_agrees_with_the_regex_on_every_model_pattern() {
        let patterns = model_patterns();
        assert!(patterns.len() > 30, "found {} patterns", patterns.len());
        let corpus = corpus();
        let mut with_fast_path = 0;
        for source in &patterns {
            let pattern = Pattern::new(Box::leak(source.clone().into_boxed_str()));
            if pattern.ascii_matcher().is_none() {
                continue;
            }
            with_fast_path += 1;
            for value in &corpus {
                assert_eq!(pattern.check(value), pattern.regex_check(value), "{source} on {value:?}");
            }
        }
        eprintln!("{with_fast_path} of {} model patterns have a fast path", patterns.len());
        assert!(with_fast_path >= 20, "only {with_fast_path} model patterns have a fast path");
    }
}
