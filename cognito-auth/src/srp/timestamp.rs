//! The `TIMESTAMP` of a password claim, in the one format Cognito accepts.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use super::error::SrpError;

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Monday, "Mon"),
    (Weekday::Tuesday, "Tue"),
    (Weekday::Wednesday, "Wed"),
    (Weekday::Thursday, "Thu"),
    (Weekday::Friday, "Fri"),
    (Weekday::Saturday, "Sat"),
    (Weekday::Sunday, "Sun"),
];

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Formats an instant the way Cognito expects in `TIMESTAMP`: `Mon Jan 2 03:04:05 UTC 2006`
/// (English weekday and month, day of month without zero padding, 24-hour time, always UTC).
///
/// Sub-second precision is dropped. Fails only for instants outside the years 1970 to 9999.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let at = UNIX_EPOCH + Duration::from_secs(1_136_171_045);
/// assert_eq!(cognito_auth::srp::format_timestamp(at).unwrap(), "Mon Jan 2 03:04:05 UTC 2006");
/// ```
pub fn format_timestamp(at: SystemTime) -> Result<String, SrpError> {
    let out_of_range = || SrpError::InvalidTimestamp(format!("{at:?}"));
    let secs = at.duration_since(UNIX_EPOCH).map_err(|_| out_of_range())?.as_secs();
    let secs = i64::try_from(secs).map_err(|_| out_of_range())?;
    let dt = OffsetDateTime::from_unix_timestamp(secs).map_err(|_| out_of_range())?;
    if dt.year() > 9999 {
        return Err(out_of_range());
    }
    let weekday = WEEKDAYS.iter().find(|(w, _)| *w == dt.weekday()).map_or("", |(_, name)| name);
    let month = MONTHS[usize::from(u8::from(dt.month())) - 1];
    Ok(format!(
        "{weekday} {month} {} {:02}:{:02}:{:02} UTC {}",
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.year()
    ))
}

/// Parses a `TIMESTAMP` written by [`format_timestamp`], strictly: anything that would not be
/// written back identically (a zero-padded day, a weekday that does not match the date, another
/// zone) is rejected, as a server emulating Cognito should.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use cognito_auth::srp::parse_timestamp;
/// assert_eq!(parse_timestamp("Mon Jan 2 03:04:05 UTC 2006").unwrap(), UNIX_EPOCH + Duration::from_secs(1_136_171_045));
/// assert!(parse_timestamp("Mon Jan 02 03:04:05 UTC 2006").is_err());
/// assert!(parse_timestamp("Sun Jan 2 03:04:05 UTC 2006").is_err());
/// ```
pub fn parse_timestamp(value: &str) -> Result<SystemTime, SrpError> {
    let invalid = || SrpError::InvalidTimestamp(value.chars().take(64).collect());
    let fields: Vec<&str> = value.split(' ').collect();
    let [_weekday, month, day, clock, "UTC", year] = fields.as_slice() else {
        return Err(invalid());
    };
    let month_index = MONTHS.iter().position(|m| m == month).ok_or_else(invalid)?;
    let month = Month::try_from(u8::try_from(month_index + 1).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let day: u8 = parse_digits(day).ok_or_else(invalid)?;
    let year: i32 = parse_digits(year).ok_or_else(invalid)?;
    let mut hms = clock.split(':').map(parse_digits::<u8>);
    let (Some(Some(hour)), Some(Some(minute)), Some(Some(second)), None) =
        (hms.next(), hms.next(), hms.next(), hms.next())
    else {
        return Err(invalid());
    };
    let date = Date::from_calendar_date(year, month, day).map_err(|_| invalid())?;
    let time = Time::from_hms(hour, minute, second).map_err(|_| invalid())?;
    let secs = PrimitiveDateTime::new(date, time).assume_utc().unix_timestamp();
    let at = u64::try_from(secs).map(|s| UNIX_EPOCH + Duration::from_secs(s)).map_err(|_| invalid())?;
    // Writing it back and comparing checks the weekday, the padding and the field widths at once.
    if format_timestamp(at).ok().as_deref() != Some(value) {
        return Err(invalid());
    }
    Ok(at)
}

fn parse_digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn days_are_not_padded_but_times_are() {
        // 2024-02-29T09:05:07Z, a leap day.
        assert_eq!(format_timestamp(at(1_709_197_507)).unwrap(), "Thu Feb 29 09:05:07 UTC 2024");
        // 1970-01-01T00:00:00Z.
        assert_eq!(format_timestamp(at(0)).unwrap(), "Thu Jan 1 00:00:00 UTC 1970");
        // 2023-12-31T23:59:59Z.
        assert_eq!(format_timestamp(at(1_704_067_199)).unwrap(), "Sun Dec 31 23:59:59 UTC 2023");
    }

    #[test]
    fn sub_seconds_are_dropped_and_out_of_range_instants_fail() {
        assert_eq!(format_timestamp(at(0) + Duration::from_millis(999)).unwrap(), "Thu Jan 1 00:00:00 UTC 1970");
        assert!(format_timestamp(UNIX_EPOCH - Duration::from_secs(1)).is_err());
        assert!(format_timestamp(at(400_000_000_000)).is_err());
    }

    #[test]
    fn parsing_round_trips_and_is_strict() {
        for secs in [0, 1_136_171_045, 1_709_197_507, 1_704_067_199, 4_102_444_799] {
            let text = format_timestamp(at(secs)).unwrap();
            assert_eq!(parse_timestamp(&text).unwrap(), at(secs), "{text}");
        }
        for bad in [
            "",
            "Mon Jan 2 03:04:05 GMT 2006",
            "Mon Jan  2 03:04:05 UTC 2006",
            "Mon Jan 2 3:04:05 UTC 2006",
            "Mon Jan 2 03:04:05:06 UTC 2006",
            "Mon Jan 2 03:04 UTC 2006",
            "Mon Jan 2 03:04:65 UTC 2006",
            "Mon Foo 2 03:04:05 UTC 2006",
            "Mon Jan 32 03:04:05 UTC 2006",
            "Mon Jan +2 03:04:05 UTC 2006",
            "Mon Jan 2 03:04:05 UTC 99999",
            "mon jan 2 03:04:05 UTC 2006",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad:?}");
        }
    }
}
