//! Rewrites a Java regular expression (the dialect AWS models use) into `fancy_regex` syntax.
//!
//! Only the places where the two dialects read the same text differently are rewritten:
//! * `\w \d \s` and their negations are ASCII-only in Java: they become ASCII classes.
//! * `\p{Alpha}`, `\p{Punct}` and the other POSIX names are ASCII-only in Java: likewise.
//! * `.` excludes every Java line terminator, not only `\n` (unless an inline `s` flag is set).
//! * `\uXXXX` escapes become `\x{...}`, joining UTF-16 surrogate pairs into one code point.
//! * `\Q...\E` quoting becomes escaped literals.
//!
//! Anything else is passed through; text the engine then rejects is reported by `Pattern`.

/// Java POSIX property names and the matching ASCII class names of the regex engine.
const POSIX_CLASSES: &[(&str, &str)] = &[
    ("Lower", "lower"),
    ("Upper", "upper"),
    ("ASCII", "ascii"),
    ("Alpha", "alpha"),
    ("Digit", "digit"),
    ("Alnum", "alnum"),
    ("Punct", "punct"),
    ("Graph", "graph"),
    ("Print", "print"),
    ("Blank", "blank"),
    ("Cntrl", "cntrl"),
    ("XDigit", "xdigit"),
    ("Space", "space"),
];

/// What Java's `.` matches when the `s` flag is off.
const JAVA_DOT: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";

/// Translates Java regex text into text with the same meaning for `fancy_regex`.
pub(crate) fn to_fancy_regex(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let translate_dots = !has_dotall_flag(source);
    let mut out = String::with_capacity(source.len() + 16);
    let mut depth = 0usize; // how many character classes we are inside
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i = escape(&chars, i, depth > 0, &mut out),
            '[' => {
                depth += 1;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` right after the opening bracket is literal (as the engine reads it).
                if chars.get(i) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
            }
            ']' => {
                depth = depth.saturating_sub(1);
                out.push(']');
                i += 1;
            }
            '.' if depth == 0 && translate_dots => {
                out.push_str(JAVA_DOT);
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Handles the escape starting at `chars[i] == '\\'`; returns the index after it.
fn escape(chars: &[char], i: usize, in_class: bool, out: &mut String) -> usize {
    let Some(&c) = chars.get(i + 1) else {
        out.push('\\'); // a dangling backslash: let the engine reject it
        return i + 1;
    };
    let ascii_class = |name: &str, negated: bool, out: &mut String| {
        let caret = if negated { "^" } else { "" };
        if in_class {
            out.push_str(&format!("[:{caret}{name}:]"));
        } else {
            out.push_str(&format!("[[:{caret}{name}:]]"));
        }
    };
    match c {
        'w' | 'W' => ascii_class("word", c == 'W', out),
        'd' | 'D' => ascii_class("digit", c == 'D', out),
        's' | 'S' => ascii_class("space", c == 'S', out),
        'p' | 'P' => {
            let posix = braced_name(chars, i + 2).and_then(|(name, end)| {
                let (_, ascii) = POSIX_CLASSES.iter().find(|(java, _)| *java == name)?;
                Some((*ascii, end))
            });
            if let Some((ascii, end)) = posix {
                ascii_class(ascii, c == 'P', out);
                return end;
            }
            out.push('\\');
            out.push(c);
        }
        'u' => {
            if let Some(unit) = hex4(chars, i + 2) {
                let mut end = i + 6;
                let mut code = unit;
                let low = if (0xD800..0xDC00).contains(&unit)
                    && chars.get(end) == Some(&'\\')
                    && chars.get(end + 1) == Some(&'u')
                {
                    hex4(chars, end + 2).filter(|l| (0xDC00..0xE000).contains(l))
                } else {
                    None
                };
                if let Some(low) = low {
                    code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    end += 6;
                }
                if char::from_u32(code).is_some() {
                    out.push_str(&format!("\\x{{{code:X}}}"));
                    return end;
                }
            }
            out.push_str("\\u"); // a lone surrogate or bad digits: let the engine reject it
        }
        'Q' => {
            let mut j = i + 2;
            while j < chars.len() && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E')) {
                out.push_str(&format!("\\x{{{:X}}}", u32::from(chars[j])));
                j += 1;
            }
            return if j < chars.len() { j + 2 } else { j };
        }
        other => {
            out.push('\\');
            out.push(other);
        }
    }
    i + 2
}

/// Reads `{Name}` at `chars[start..]`; returns the name and the index after `}`.
fn braced_name(chars: &[char], start: usize) -> Option<(String, usize)> {
    if chars.get(start) != Some(&'{') {
        return None;
    }
    let close = chars[start..].iter().position(|&c| c == '}')? + start;
    Some((chars[start + 1..close].iter().collect(), close + 1))
}

/// Reads exactly four hex digits at `chars[start..]`.
fn hex4(chars: &[char], start: usize) -> Option<u32> {
    let digits = chars.get(start..start + 4)?;
    digits.iter().try_fold(0u32, |acc, c| Some(acc * 16 + c.to_digit(16)?))
}

/// Whether an inline flag group such as `(?s)` or `(?is:` turns on "dot matches all".
fn has_dotall_flag(source: &str) -> bool {
    source
        .match_indices("(?")
        .any(|(at, _)| source[at + 2..].chars().take_while(|c| c.is_ascii_alphabetic()).any(|c| c == 's'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_classes_become_ascii() {
        assert_eq!(to_fancy_regex(r"[\w-]+_[0-9a-zA-Z]+"), r"[[:word:]-]+_[0-9a-zA-Z]+");
        assert_eq!(to_fancy_regex(r"\w\D"), r"[[:word:]][[:^digit:]]");
        assert_eq!(to_fancy_regex(r"[\S]+"), r"[[:^space:]]+");
    }

    #[test]
    fn posix_properties_become_ascii() {
        assert_eq!(to_fancy_regex(r"\p{Punct}"), r"[[:punct:]]");
        assert_eq!(to_fancy_regex(r"[\P{Alpha}]"), r"[[:^alpha:]]");
        assert_eq!(to_fancy_regex(r"[\p{L}\p{M}]+"), r"[\p{L}\p{M}]+");
        assert_eq!(to_fancy_regex(r"\p{L"), r"\p{L");
    }

    #[test]
    fn dots_follow_java() {
        assert_eq!(to_fancy_regex("a.b"), format!("a{JAVA_DOT}b"));
        assert_eq!(to_fancy_regex("[.]"), "[.]");
        assert_eq!(to_fancy_regex(r"\."), r"\.");
        assert_eq!(to_fancy_regex("(?s).*"), "(?s).*");
        assert_eq!(to_fancy_regex("[]a]."), format!("[]a]{JAVA_DOT}"));
    }

    #[test]
    fn unicode_escapes() {
        assert_eq!(to_fancy_regex(r"\u0020-\uD7FF"), r"\x{20}-\x{D7FF}");
        assert_eq!(to_fancy_regex(r"\uD800\uDC00-\uDBFF\uDFFF"), r"\x{10000}-\x{10FFFF}");
        assert_eq!(to_fancy_regex(r"\uD800"), r"\uD800");
        assert_eq!(to_fancy_regex(r"\u12"), r"\u12");
    }

    #[test]
    fn quoting_and_edges() {
        assert_eq!(to_fancy_regex(r"\Q.*\E"), r"\x{2E}\x{2A}");
        assert_eq!(to_fancy_regex(r"\Q.*"), r"\x{2E}\x{2A}");
        assert_eq!(to_fancy_regex("a\\"), "a\\");
        assert_eq!(to_fancy_regex(r"(?<!\.)$"), r"(?<!\.)$");
        assert_eq!(to_fancy_regex("é+"), "é+");
    }
}
