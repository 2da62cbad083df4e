//! Serde support for [`Timestamp`]: epoch seconds on the way out; numbers or strings on the way in.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::timestamp::Timestamp;

/// Longest piece of a rejected string quoted back in an error message.
const QUOTE_LIMIT: usize = 64;

impl Serialize for Timestamp {
    /// Writes epoch seconds: an integer when there is no fraction, otherwise a float
    /// (`1548099495.428`), the AWS JSON 1.1 wire form.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.subsec_nanos() == 0 {
            serializer.serialize_i64(self.secs())
        } else {
            serializer.serialize_f64(self.as_secs_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// Reads epoch seconds (integer, float, or exponent form such as `1.548099495428E9`), an
    /// RFC 3339 string, or a string holding epoch seconds.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp: epoch seconds as a number, or an RFC 3339 date-time string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp::from_secs(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v).map(Timestamp::from_secs).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        Timestamp::from_secs_f64(v).ok_or_else(|| E::invalid_value(Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse_str(v).map_err(|err| {
            let quoted: String = v.chars().take(QUOTE_LIMIT).collect();
            let more = if v.chars().count() > QUOTE_LIMIT { "..." } else { "" };
            E::custom(format_args!("{err} in \"{quoted}{more}\": expected an RFC 3339 date-time or epoch seconds"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Timestamp, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn serializes_epoch_seconds() {
        let t = Timestamp::from_parts(1_548_099_495, 428_000_000);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1548099495.428");
        assert_eq!(serde_json::to_string(&Timestamp::from_secs(1_548_099_495)).unwrap(), "1548099495");
        assert_eq!(serde_json::to_string(&Timestamp::from_secs(-5)).unwrap(), "-5");
    }

    #[test]
    fn round_trips() {
        for json in ["1548099495.428", "1548099495", "0", "-1.5", "1548099495.000001"] {
            let t = parse(json).unwrap();
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
        }
    }

    #[test]
    fn accepts_exponent_forms() {
        let expected = Timestamp::from_parts(1_548_099_495, 428_000_000);
        assert_eq!(parse("1.548099495428E9").unwrap(), expected);
        assert_eq!(parse("1.548099495428e+9").unwrap(), expected);
        assert_eq!(parse("15480994954.28E-1").unwrap(), expected);
    }

    #[test]
    fn accepts_strings() {
        let expected = Timestamp::from_parts(1_548_099_495, 428_000_000);
        assert_eq!(parse("\"2019-01-21T19:38:15.428Z\"").unwrap(), expected);
        assert_eq!(parse("\"2019-01-21T14:38:15.428-05:00\"").unwrap(), expected);
        assert_eq!(parse("\"1548099495.428\"").unwrap(), expected);
        assert_eq!(parse("\"1548099495\"").unwrap(), Timestamp::from_secs(1_548_099_495));
        // An RFC 3339 string comes back as the same instant, written as epoch seconds.
        let t = parse("\"2019-01-21T19:38:15Z\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "1548099495");
    }

    #[test]
    fn rejects_other_values_clearly() {
        for json in ["true", "null", "[]", "{}", "\"soon\"", "1e300", "18446744073709551615", "\"\""] {
            let err = parse(json).unwrap_err().to_string();
            assert!(err.contains("timestamp"), "{json}: {err}");
        }
        let long = format!("\"{}\"", "x".repeat(500));
        let err = parse(&long).unwrap_err().to_string();
        assert!(err.len() < 300, "{err}");
    }

    #[test]
    fn works_inside_structs() {
        #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
        struct Holder {
            at: Timestamp,
        }
        let h: Holder = serde_json::from_str(r#"{"at":"2019-01-21T19:38:15.428Z"}"#).unwrap();
        assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"at":1548099495.428}"#);
    }
}
