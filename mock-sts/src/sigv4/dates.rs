//! SigV4 date formats.

use std::time::SystemTime;

use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset, macros::format_description};

use super::error::{SigV4Error, malformed};

pub(super) fn parse_amz_date(value: &str) -> Result<OffsetDateTime, SigV4Error> {
    let bad = || malformed(format!("X-Amz-Date {value:?} is not yyyymmddTHHMMSSZ"));
    // `[year]` alone would also accept a sign or extra digits.
    let shape_ok = value.len() == 16
        && value.bytes().enumerate().all(|(i, b)| match i {
            8 => b == b'T',
            15 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(bad());
    }
    PrimitiveDateTime::parse(
        value,
        format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .map(PrimitiveDateTime::assume_utc)
    .map_err(|_| bad())
}

pub(super) fn parse_scope_date(value: &str) -> Result<Date, SigV4Error> {
    let bad = || malformed(format!("Credential date {value:?} is not yyyymmdd"));
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Date::parse(value, format_description!("[year][month][day]")).map_err(|_| bad())
}

/// aws-sigv4 takes the scope date as a point in time and formats its UTC day.
pub(super) fn scope_date_time(date: &str) -> Result<SystemTime, SigV4Error> {
    Ok(SystemTime::from(
        parse_scope_date(date)?.midnight().assume_utc(),
    ))
}

pub(super) fn format_amz_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
