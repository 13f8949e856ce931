//! The non-string values condition operators compare: decimal numbers, dates and IP ranges.
//!
//! Hand-written on `std` only, so the policy module stays dependency-free.

use std::cmp::Ordering;
use std::net::IpAddr;

/// An exact decimal number (`-12.50`), compared without floating-point rounding so that 12-digit account
/// numbers or long values compare exactly.
///
/// Accepted: optional sign, digits, optional `.` and digits, at least one digit in all. No exponent, no
/// surrounding whitespace. [I] (IAM documents "an integer or decimal value" and no more.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    /// No leading zeros.
    integer: String,
    /// No trailing zeros.
    fraction: String,
}

impl Decimal {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if (integer.is_empty() && fraction.is_empty())
            || !all_digits(integer)
            || !all_digits(fraction)
        {
            return None;
        }
        let integer = integer.trim_start_matches('0').to_owned();
        let fraction = fraction.trim_end_matches('0').to_owned();
        let is_zero = integer.is_empty() && fraction.is_empty();
        Some(Self {
            negative: negative && !is_zero,
            integer,
            fraction,
        })
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        self.integer
            .len()
            .cmp(&other.integer.len())
            .then_with(|| self.integer.cmp(&other.integer))
            // Digit strings without trailing zeros compare as fractions lexicographically: "05" < "5" < "51".
            .then_with(|| self.fraction.cmp(&other.fraction))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A point in time: seconds since the Unix epoch plus nanoseconds.
pub(crate) type Instant = (i64, u32);

/// Parses a date condition value: epoch seconds (`1700000000`) or a W3C profile of ISO 8601
/// (`2026-05`, `2026-05-01`, `2026-05-01T12:00Z`, `2026-05-01T12:00:00.250+02:00`).
///
/// Like IAM's legacy parser (as moto mirrors it), a value containing `t`/`T` or `-` is read as ISO 8601 and
/// anything else as whole epoch seconds, so a bare `2026` is the second 2026 after the epoch, not a year.
/// A time without a zone is read as UTC. [I]
pub(crate) fn parse_date(text: &str) -> Option<Instant> {
    if text.contains(['t', 'T', '-']) {
        parse_iso8601(text)
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i64>().ok().map(|seconds| (seconds, 0))
    } else {
        None
    }
}

fn parse_iso8601(text: &str) -> Option<Instant> {
    let (date, time) = match text.find(['t', 'T']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut date_parts = date.split('-');
    let year = fixed_digits(date_parts.next()?, 4)?;
    let month = date_parts.next().map_or(Some(1), |m| fixed_digits(m, 2))?;
    let day = date_parts.next().map_or(Some(1), |d| fixed_digits(d, 2))?;
    if date_parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (seconds_of_day, nanos, offset) = match time {
        Some(time) => parse_time(time)?,
        None => (0, 0, 0),
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + seconds_of_day - offset;
    Some((seconds, nanos))
}

/// `hh[:mm[:ss[.fraction]]][Z|±hh[:mm]]` → (seconds of day, nanoseconds, zone offset in seconds).
fn parse_time(time: &str) -> Option<(i64, u32, i64)> {
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = time.find(['+', '-']) {
        let sign = if time[at..].starts_with('-') { -1 } else { 1 };
        let zone = &time[at + 1..];
        let (hours, minutes) = match zone.split_once(':') {
            Some((hours, minutes)) => (hours, minutes),
            None if zone.len() == 4 => zone.split_at(2),
            None => (zone, "00"),
        };
        let (hours, minutes) = (fixed_digits(hours, 2)?, fixed_digits(minutes, 2)?);
        if hours > 23 || minutes > 59 {
            return None;
        }
        (&time[..at], sign * (hours * 3600 + minutes * 60))
    } else {
        (time, 0)
    };
    let mut fields = clock.split(':');
    let hours = fixed_digits(fields.next()?, 2)?;
    let minutes = fields.next().map_or(Some(0), |m| fixed_digits(m, 2))?;
    let (seconds, nanos) = match fields.next() {
        Some(seconds) => parse_seconds(seconds)?,
        None => (0, 0),
    };
    if fields.next().is_some() || hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some((hours * 3600 + minutes * 60 + seconds, nanos, offset))
}

fn parse_seconds(text: &str) -> Option<(i64, u32)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = fixed_digits(whole, 2)?;
    if text.contains('.') && (fraction.is_empty() || fraction.len() > 9) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos = format!("{fraction:0<9}").parse::<u32>().ok()?;
    Some((whole, nanos))
}

fn fixed_digits(text: &str, width: usize) -> Option<i64> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = if year >= 0 { year } else { year - 399 } / 400;
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// An IPv4 or IPv6 range. A bare address is its own /32 or /128, as IAM documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) if !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_digit()) => {
                prefix.parse::<u8>().ok().filter(|p| *p <= max)?
            }
            Some(_) => return None,
            None => max,
        };
        Some(Self { network, prefix })
    }

    pub(crate) fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}
