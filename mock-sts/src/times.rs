//! The timestamp formats AWS puts on the wire.

use time::OffsetDateTime;
use time::macros::format_description;

/// `2021-08-16T20:52:53Z`: second precision, no fraction (STS credentials).
pub(crate) fn iso8601(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

/// `2012-05-08T23:34:01.495Z` (IAM entity dates).
pub(crate) fn iso8601_millis(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

/// `Mon, 16 Aug 2021 19:52:53 GMT` for the `Date` header.
pub(crate) fn http_date(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_aws() {
        let t = OffsetDateTime::from_unix_timestamp(1_629_143_573).unwrap();
        assert_eq!(iso8601(t), "2021-08-16T19:52:53Z");
        assert_eq!(http_date(t), "Mon, 16 Aug 2021 19:52:53 GMT");
        assert_eq!(iso8601_millis(t), "2021-08-16T19:52:53.000Z");
    }
}
