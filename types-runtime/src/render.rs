//! Java-style rendering of JSON values for validation messages, with sensitive parts redacted.

use serde_json::Value;

use crate::redact::REDACTED;
use crate::shape::{Shape, ShapeKind};

/// Deeper than this, values are rendered as `...`.
const MAX_RENDER_DEPTH: usize = 64;

/// Renders `value` the way AWS quotes values: strings raw, lists `[a, b]`, objects `{k=v}`.
///
/// With a shape, parts whose shape is sensitive print as [`REDACTED`], and structure members
/// the model does not know are left out (they could be secrets a newer model marks sensitive).
pub(crate) fn render(value: &Value, shape: Option<&Shape>) -> String {
    let mut out = String::new();
    render_into(&mut out, value, shape, 0);
    out
}

fn render_into(out: &mut String, value: &Value, shape: Option<&Shape>, depth: usize) {
    if shape.is_some_and(|s| s.sensitive) {
        out.push_str(REDACTED);
        return;
    }
    if depth >= MAX_RENDER_DEPTH {
        out.push_str("...");
        return;
    }
    let kind = shape.map(|s| &s.kind);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            let member = match kind {
                Some(ShapeKind::List { member, .. }) => Some(*member),
                _ => None,
            };
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_into(out, item, member, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            let mut first = true;
            let mut entry = |out: &mut String, key: &str, key_shape: Option<&Shape>| {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                render_into(out, &Value::String(key.to_owned()), key_shape, depth + 1);
                out.push('=');
            };
            match kind {
                Some(ShapeKind::Structure { members } | ShapeKind::Union { members }) => {
                    for member in members.iter() {
                        if let Some(v) = map.get(member.name).filter(|v| !v.is_null()) {
                            entry(out, member.name, None);
                            render_into(out, v, Some(member.target), depth + 1);
                        }
                    }
                }
                Some(ShapeKind::Map { key, value: value_shape, .. }) => {
                    for (k, v) in map {
                        entry(out, k, Some(key));
                        render_into(out, v, Some(value_shape), depth + 1);
                    }
                }
                _ => {
                    for (k, v) in map {
                        entry(out, k, None);
                        render_into(out, v, None, depth + 1);
                    }
                }
            }
            out.push('}');
        }
    }
}

/// Writes a floating-point bound the way Java's `Double.toString` does (`0.0`, `1.5`, `1.0E7`).
pub(crate) fn java_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let magnitude = x.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let text = x.to_string();
        return if text.contains('.') { text } else { format!("{text}.0") };
    }
    let text = format!("{x:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
    format!("{mantissa}E{exponent}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::{Member, StringRules};
    use serde_json::json;

    static PLAIN: Shape = Shape {
        name: "Plain",
        sensitive: false,
        kind: ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: None }),
    };
    static SECRET: Shape = Shape {
        name: "Secret",
        sensitive: true,
        kind: ShapeKind::String(StringRules { min: None, max: None, pattern: None, values: None }),
    };
    static ATTRIBUTE: Shape = Shape {
        name: "Attribute",
        sensitive: false,
        kind: ShapeKind::Structure {
            members: &[
                Member { name: "Name", target: &PLAIN, required: true },
                Member { name: "Value", target: &SECRET, required: false },
            ],
        },
    };
    static ATTRIBUTES: Shape = Shape {
        name: "Attributes",
        sensitive: false,
        kind: ShapeKind::List { member: &ATTRIBUTE, min: None, max: None },
    };
    static SECRET_VALUES: Shape = Shape {
        name: "SecretValues",
        sensitive: false,
        kind: ShapeKind::Map { key: &PLAIN, value: &SECRET, min: None, max: None },
    };

    #[test]
    fn java_style_without_shape() {
        let value = json!({"a": [1, "x", true, null], "b": {"c": 2.5}});
        assert_eq!(render(&value, None), "{a=[1, x, true, null], b={c=2.5}}");
        assert_eq!(render(&json!("raw 'text'"), None), "raw 'text'");
        assert_eq!(render(&json!([]), None), "[]");
    }

    #[test]
    fn redacts_sensitive_parts() {
        let value = json!([{"Name": "email", "Value": "me@example.com", "Extra": "hidden"}]);
        let text = render(&value, Some(&ATTRIBUTES));
        assert_eq!(text, format!("[{{Name=email, Value={REDACTED}}}]"));
        assert!(!text.contains("me@example.com") && !text.contains("hidden"));
        let text = render(&json!({"k": "pw"}), Some(&SECRET_VALUES));
        assert_eq!(text, format!("{{k={REDACTED}}}"));
        assert_eq!(render(&json!("pw"), Some(&SECRET)), REDACTED);
    }

    #[test]
    fn deep_values_are_cut() {
        let mut value = json!(1);
        for _ in 0..200 {
            value = json!([value]);
        }
        let text = render(&value, None);
        assert!(text.contains("..."));
        assert!(text.len() < 200);
    }

    #[test]
    fn java_doubles() {
        assert_eq!(java_double(0.0), "0.0");
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(-2.5), "-2.5");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1.5e-5), "1.5E-5");
        assert_eq!(java_double(f64::NAN), "NaN");
        assert_eq!(java_double(f64::NEG_INFINITY), "-Infinity");
    }
}
