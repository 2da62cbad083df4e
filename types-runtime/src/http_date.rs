//! [`HttpDate`]: a [`Timestamp`] that goes over the wire as an HTTP date
//! (`Sun, 06 Nov 1994 08:49:37 GMT`), for members whose model says `timestampFormat: rfc822`
//! (the schemas' `"format": "http-date"`).

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rfc3339::{civil_from_days, days_from_civil};
use crate::timestamp::Timestamp;

/// An instant sent as an HTTP date in GMT (RFC 9110's IMF-fixdate, the form of RFC 822 dates
/// AWS's SDKs write), in whole seconds: a fraction is dropped when sending, as botocore does. It
/// reads everything a [`Timestamp`] reads (which includes HTTP dates), dereferences to one, and
/// converts to and from one.
///
/// ```
/// use awsjson_types::{HttpDate, Timestamp};
///
/// let t = HttpDate::from(Timestamp::from_secs(784_111_777));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""Sun, 06 Nov 1994 08:49:37 GMT""#);
/// assert_eq!(serde_json::from_str::<HttpDate>(r#""Sun, 06 Nov 1994 08:49:37 GMT""#).unwrap(), t);
/// assert_eq!(serde_json::from_str::<HttpDate>("784111777").unwrap(), t);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HttpDate(pub Timestamp);

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl HttpDate {
    /// The instant as a [`Timestamp`].
    #[inline]
    pub fn timestamp(self) -> Timestamp {
        self.0
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for whole seconds `secs` (1970-01-01 was a Thursday).
pub(crate) fn format(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[month as usize - 1];
    let (h, m, s) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    format!("{weekday}, {day:02} {month} {year:04} {h:02}:{m:02}:{s:02} GMT")
}

/// Reads `Sun, 06 Nov 1994 08:49:37 GMT` (also with `UTC` or `+0000`, a one-digit day, no
/// weekday, or fractional seconds): whole seconds and nanoseconds. The weekday, when given,
/// must be the date's.
pub(crate) fn parse(text: &str) -> Option<(i64, u32)> {
    let mut rest = text.trim();
    let mut weekday = None;
    if let Some((name, after)) = rest.split_once(',') {
        weekday = Some(DAYS.iter().position(|d| *d == name.trim())?);
        rest = after.trim_start();
    }
    let parts: Vec<&str> = rest.split_ascii_whitespace().collect();
    let [day, month, year, time, zone] = parts.as_slice() else { return None };
    if !matches!(*zone, "GMT" | "UTC" | "Z" | "+0000") {
        return None;
    }
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    let day = number(day, 1..=2)?;
    let month = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let year = number(year, 4..=4)? as i64;
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let [h, m, s] = clock.split(':').collect::<Vec<_>>()[..] else { return None };
    let (h, m, s) = (number(h, 2..=2)?, number(m, 2..=2)?, number(s, 2..=2)?);
    let days_in_month =
        days_from_civil(year + i64::from(month == 12), month % 12 + 1, 1) - days_from_civil(year, month, 1);
    if day == 0 || i64::from(day) > days_in_month || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let nanos = match fraction {
        "" => 0,
        f if f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    if weekday.is_some_and(|w| w != days.rem_euclid(7) as usize) {
        return None;
    }
    // A leap second reads as the next second's start, as elsewhere in this crate.
    Some((days * 86_400 + i64::from(h * 3600 + m * 60 + s), nanos))
}

impl Deref for HttpDate {
    type Target = Timestamp;

    #[inline]
    fn deref(&self) -> &Timestamp {
        &self.0
    }
}

impl From<Timestamp> for HttpDate {
    #[inline]
    fn from(value: Timestamp) -> Self {
        HttpDate(value)
    }
}

impl From<HttpDate> for Timestamp {
    #[inline]
    fn from(value: HttpDate) -> Self {
        value.0
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(self.0.secs()))
    }
}

impl fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Serialize for HttpDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HttpDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Timestamp::deserialize(deserializer).map(HttpDate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_imf_fixdate_in_whole_seconds() {
        let cases = [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (951_825_600, "Tue, 29 Feb 2000 12:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 GMT"),
        ];
        for (secs, text) in cases {
            assert_eq!(HttpDate::from(Timestamp::from_secs(secs)).to_string(), text);
            assert_eq!(parse(text), Some((secs, 0)), "{text}");
        }
        let fraction = HttpDate::from(Timestamp::from_parts(784_111_777, 900_000_000));
        assert_eq!(serde_json::to_string(&fraction).unwrap(), r#""Sun, 06 Nov 1994 08:49:37 GMT""#);
    }

    #[test]
    fn reads_the_forms_servers_send_and_refuses_others() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 UTC",
            " Sun, 06 Nov 1994 08:49:37 +0000 ",
        ] {
            assert_eq!(parse(text), Some((784_111_777, 0)), "{text}");
        }
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37.25 GMT"), Some((784_111_777, 250_000_000)));
        for bad in [
            "Mon, 06 Nov 1994 08:49:37 GMT", // not that date's weekday
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "1994-11-06T08:49:37Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_read_http_dates_too() {
        let t = Timestamp::parse_str("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t, Timestamp::from_secs(784_111_777));
        assert_eq!(serde_json::from_str::<Timestamp>(r#""Sun, 06 Nov 1994 08:49:37 GMT""#).unwrap(), t);
        let back: HttpDate = serde_json::from_str(&serde_json::to_string(&HttpDate::from(t)).unwrap()).unwrap();
        assert_eq!(back.timestamp(), t);
    }
}
