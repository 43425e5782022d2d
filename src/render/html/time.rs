//! Times and durations for people: in the site's time zone with the zone named, relative to the
//! build's "now" (never the reader's clock: the page is static), and compact durations.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// A time ready for a `<time>` element.
#[derive(Debug, Clone, Serialize)]
pub struct Time {
    /// RFC 3339 in UTC, for `datetime=""`.
    pub iso: String,
    /// "4 Mar 2026, 10:12 CET".
    pub text: String,
    /// "4 Mar 2026".
    pub date: String,
    /// "10:12".
    pub clock: String,
    /// "CET".
    pub zone: String,
    /// "12 minutes ago" / "in 3 days", against the build's now.
    pub rel: String,
}

/// A calendar date ready for a `<time>` element.
#[derive(Debug, Clone, Serialize)]
pub struct Date {
    /// `YYYY-MM-DD`.
    pub iso: String,
    /// "4 Mar 2026".
    pub text: String,
    /// "in 3 days", "today", "2 weeks ago".
    pub rel: String,
}

/// Formats times for one build: one zone, one now.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

impl Clock {
    pub fn time<Z: TimeZone>(&self, t: &DateTime<Z>) -> Time {
        let local = t.with_timezone(&self.tz);
        let utc = t.with_timezone(&Utc);
        // By hand rather than with strftime patterns, which are parsed anew on every call (a page
        // shows dozens of times).
        let date = day_month_year(local.date_naive());
        let clock = format!("{:02}:{:02}", local.hour(), local.minute());
        let zone = local.offset().to_string();
        Time {
            iso: utc.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            text: format!("{date}, {clock} {zone}"),
            date,
            clock,
            zone,
            rel: relative((utc - self.now).num_seconds()),
        }
    }

    pub fn date(&self, d: NaiveDate) -> Date {
        let days = (d - self.today()).num_days();
        let rel = match days {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            -1 => "yesterday".to_string(),
            _ => relative(days * 86_400),
        };
        Date { iso: format!("{}-{:02}-{:02}", year(d), d.month(), d.day()), text: day_month_year(d), rel }
    }

    /// The build's date in the site's zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

/// "4 Mar 2026" (strftime's `%-d %b %Y`).
fn day_month_year(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize % 12], year(d))
}

/// The year as strftime's `%Y` writes it: four digits, with a sign beyond 0–9999.
fn year(d: NaiveDate) -> String {
    match d.year() {
        y @ 0..=9999 => format!("{y:04}"),
        _ => d.format("%Y").to_string(),
    }
}

/// "just now", "12 minutes ago", "in 3 days".
pub fn relative(delta_s: i64) -> String {
    let abs = delta_s.unsigned_abs();
    if abs < 60 {
        return "just now".into();
    }
    let (n, unit) = match abs {
        a if a < 3_600 => (a / 60, "minute"),
        a if a < 86_400 => (a / 3_600, "hour"),
        a if a < 86_400 * 14 => (a / 86_400, "day"),
        a if a < 86_400 * 60 => (a / (86_400 * 7), "week"),
        a if a < 86_400 * 730 => (a / (86_400 * 30), "month"),
        a => (a / (86_400 * 365), "year"),
    };
    let s = if n == 1 { "" } else { "s" };
    if delta_s < 0 {
        format!("{n} {unit}{s} ago")
    } else {
        format!("in {n} {unit}{s}")
    }
}

/// "45s", "3m", "1h 28m", "2d 4h": the two largest units.
pub fn duration(secs: i64) -> String {
    let sign = if secs < 0 { "−" } else { "" };
    let s = secs.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    let text = match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, m) if sec == 0 => format!("{m}m"),
        (0, 0, m) => format!("{m}m {sec}s"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(180), "3m");
        assert_eq!(duration(190), "3m 10s");
        assert_eq!(duration(5280), "1h 28m");
        assert_eq!(duration(7200), "2h");
        assert_eq!(duration(86_400 * 2 + 3600 * 4 + 60), "2d 4h");
        assert_eq!(duration(86_400 * 3), "3d");
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(-30), "just now");
        assert_eq!(relative(-12 * 60), "12 minutes ago");
        assert_eq!(relative(3 * 86_400 + 5), "in 3 days");
        assert_eq!(relative(-3_600), "1 hour ago");
    }

    #[test]
    fn shown_in_the_site_zone_with_its_name() {
        let now = DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z").unwrap().with_timezone(&Utc);
        let clock = Clock { tz: "Europe/Berlin".parse().unwrap(), now };
        let t = DateTime::parse_from_rfc3339("2026-03-04T09:12:00Z").unwrap();
        let shown = clock.time(&t);
        assert_eq!(shown.text, "4 Mar 2026, 10:12 CET");
        assert_eq!(shown.iso, "2026-03-04T09:12:00Z");
        assert_eq!(shown.rel, "2 hours ago");
        let summer = DateTime::parse_from_rfc3339("2026-07-04T09:12:00Z").unwrap();
        assert_eq!(clock.time(&summer).text, "4 Jul 2026, 11:12 CEST");
    }

    #[test]
    fn formatted_as_strftime_would() {
        let now = DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z").unwrap().with_timezone(&Utc);
        for zone in ["Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "UTC"] {
            let clock = Clock { tz: zone.parse().unwrap(), now };
            for t in ["0999-01-09T05:07:00Z", "2026-12-31T23:59:59Z", "2026-10-25T01:30:00Z", "9999-06-01T00:00:00Z"] {
                let t = DateTime::parse_from_rfc3339(t).unwrap();
                let local = t.with_timezone(&clock.tz);
                let shown = clock.time(&t);
                assert_eq!(shown.text, local.format("%-d %b %Y, %H:%M %Z").to_string());
                assert_eq!(shown.date, local.format("%-d %b %Y").to_string());
                assert_eq!(shown.clock, local.format("%H:%M").to_string());
                assert_eq!(shown.zone, local.format("%Z").to_string());
                let day = clock.date(local.date_naive());
                assert_eq!(day.iso, local.format("%Y-%m-%d").to_string());
                assert_eq!(day.text, local.format("%-d %b %Y").to_string());
            }
        }
    }
}
