//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod recorder;

use serde_json::Value;

/// JSON equality where numbers compare by value (`1548099495` == `1548099495.0`), because AWS
/// sends timestamps in either form and we serialize whole seconds as integers.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The first difference between two JSON values, for failure messages.
pub fn json_diff(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    None => return Some(format!("{path}.{k}: missing after the round trip")),
                    Some(w) => {
                        if let Some(d) = json_diff(v, w, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                }
            }
            // Only required members can appear from nowhere (optional ones are omitted when
            // absent): the sample left out a member the model requires, and parsing filled in
            // its default, as documented. Anything else added is a difference.
            y.iter()
                .find(|(k, v)| !x.contains_key(*k) && !is_default(v))
                .map(|(k, _)| format!("{path}.{k}: added by the round trip"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (v, w))| json_diff(v, w, &format!("{path}[{i}]")))
        }
        _ if json_eq(a, b) => None,
        // The AWS CLI prints timestamps as dates; the wire (and we) use epoch seconds.
        (Value::String(text), Value::Number(n)) if same_instant(text, n) => None,
        _ => Some(format!("{path}: {a} became {b}")),
    }
}

fn is_default(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Bool(b) => !b,
        Value::Null => true,
    }
}

fn same_instant(text: &str, n: &serde_json::Number) -> bool {
    let parsed = awsjson_types::Timestamp::parse_str(text).ok();
    let number = n.as_f64().and_then(awsjson_types::Timestamp::from_secs_f64);
    parsed.is_some() && parsed == number
}
