//! Times and durations for people: in the site's time zone with the zone named, relative to the
//! build's "now" (never the reader's clock: the page is static), and compact durations.

use super::i18n::Words;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::sync::Arc;

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

/// Formats times for one build: one zone, one now, one language.
#[derive(Debug, Clone)]
pub struct Clock {
    pub tz: Tz,
    pub now: DateTime<Utc>,
    pub words: Arc<Words>,
}

impl Clock {
    pub fn time<Z: TimeZone>(&self, t: &DateTime<Z>) -> Time {
        let local = t.with_timezone(&self.tz);
        let utc = t.with_timezone(&Utc);
        if !self.words.plain_english {
            return self.localized(local.fixed_offset(), utc);
        }
        // By hand rather than with strftime patterns, which are parsed anew on every call, or
        // `format!`, which costs ~10× pushing the digits (a page shows dozens of times).
        let date = day_month_year(local.date_naive());
        let mut clock = String::with_capacity(5);
        push_num(&mut clock, local.hour().into(), 2);
        clock.push(':');
        push_num(&mut clock, local.minute().into(), 2);
        let zone = local.offset().to_string();
        let mut text = String::with_capacity(date.len() + clock.len() + zone.len() + 3);
        for part in [&date, ", ", &clock, " ", &zone] {
            text.push_str(part);
        }
        Time {
            iso: utc.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            text,
            date,
            clock,
            zone,
            rel: relative((utc - self.now).num_seconds()),
        }
    }

    /// [`Clock::time`] in a language other than the built-in English: month names from chrono's
    /// locale data, the patterns and relative words from the locale file.
    fn localized(&self, local: DateTime<chrono::FixedOffset>, utc: DateTime<Utc>) -> Time {
        let w = &self.words;
        let date = w.date(local.date_naive(), "day");
        let clock = local.format("%H:%M").to_string();
        let zone = t_zone(&utc.with_timezone(&self.tz));
        let text = w.fill("date.time", &[("date", &date), ("clock", &clock), ("zone", &zone)]);
        Time {
            iso: utc.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            text,
            date,
            clock,
            zone,
            rel: relative_in(w, (utc - self.now).num_seconds()),
        }
    }

    /// "12 minutes ago", "vor 2 Stunden": [`relative`] in the clock's language.
    pub fn relative(&self, delta_s: i64) -> String {
        if self.words.plain_english {
            relative(delta_s)
        } else {
            relative_in(&self.words, delta_s)
        }
    }

    /// "1h 28m", "1 Std. 28 Min.": [`duration`] in the clock's language.
    pub fn duration(&self, secs: i64) -> String {
        if self.words.plain_english {
            duration(secs)
        } else {
            let w = &self.words;
            let units = [w.get("duration.d"), w.get("duration.h"), w.get("duration.m"), w.get("duration.s")];
            duration(secs).split(' ').map(|part| localize_part(part, &units)).collect::<Vec<_>>().join(" ")
        }
    }

    pub fn date(&self, d: NaiveDate) -> Date {
        let days = (d - self.today()).num_days();
        let w = &self.words;
        let rel = match days {
            0 => w.get("date.today").to_string(),
            1 => w.get("date.tomorrow").to_string(),
            -1 => w.get("date.yesterday").to_string(),
            _ => self.relative(days * 86_400),
        };
        let mut iso = String::with_capacity(10);
        push_year(&mut iso, d);
        iso.push('-');
        push_num(&mut iso, d.month().into(), 2);
        iso.push('-');
        push_num(&mut iso, d.day().into(), 2);
        let text = if w.plain_english { day_month_year(d) } else { w.date(d, "day") };
        Date { iso, text, rel }
    }

    /// The build's date in the site's zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

/// The zone's abbreviation (`CET`), as the English path writes it.
fn t_zone(local: &DateTime<Tz>) -> String {
    local.offset().to_string()
}

/// One part of an English compact duration (`28m`, `−2d`) with the unit in `units` (d, h, m, s).
fn localize_part(part: &str, units: &[&str; 4]) -> String {
    let Some(unit) = part.chars().last() else { return part.to_string() };
    let number = &part[..part.len() - unit.len_utf8()];
    match "dhms".find(unit) {
        Some(i) => format!("{number}{}", units[i]),
        None => part.to_string(),
    }
}

/// [`crate::duration::human`] ("1h 05m", the reports' form) in the units of `w` ("1 Std. 05 Min.").
pub fn human_in(w: &Words, secs: i64) -> String {
    let units = [w.get("duration.d"), w.get("duration.h"), w.get("duration.m"), w.get("duration.s")];
    crate::duration::human(secs).split(' ').map(|part| localize_part(part, &units)).collect::<Vec<_>>().join(" ")
}

/// Compact unit letters after a number ("15–30m", "8h–1d", "≥ 3d") in the units of `w`
/// ("15–30 Min."): the reports' histogram bins.
pub fn units_in(w: &Words, text: &str) -> String {
    let units = [w.get("duration.d"), w.get("duration.h"), w.get("duration.m"), w.get("duration.s")];
    let mut out = String::with_capacity(text.len());
    let mut after_digit = false;
    for c in text.chars() {
        match "dhms".find(c) {
            Some(i) if after_digit => out.push_str(units[i]),
            _ => out.push(c),
        }
        after_digit = c.is_ascii_digit();
    }
    out
}

/// [`relative`] with the words of `w`.
pub fn relative_in(w: &Words, delta_s: i64) -> String {
    let abs = delta_s.unsigned_abs();
    if abs < 60 {
        return w.get("date.just_now").to_string();
    }
    let (n, unit) = amount(abs);
    let amount = w.count(&format!("date.unit.{unit}"), n);
    w.fill(if delta_s < 0 { "date.past" } else { "date.future" }, &[("n", &amount)])
}

/// "4 Mar 2026" (strftime's `%-d %b %Y`).
fn day_month_year(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut out = String::with_capacity(11);
    push_num(&mut out, d.day().into(), 1);
    out.push(' ');
    out.push_str(MONTHS[d.month0() as usize % 12]);
    out.push(' ');
    push_year(&mut out, d);
    out
}

/// The year as strftime's `%Y` writes it: four digits, with a sign beyond 0–9999 (the API's times
/// use it too).
pub(crate) fn push_year(out: &mut String, d: NaiveDate) {
    match d.year() {
        y @ 0..=9999 => push_num(out, y as u64, 4),
        _ => out.push_str(&d.format("%Y").to_string()),
    }
}

/// Appends `n` in decimal, zero-padded to at least `width` digits (the API's times use it too).
pub(crate) fn push_num(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width));
    out.extend(digits[start..].iter().map(|&b| char::from(b)));
}

/// A span of a minute or more (in seconds) in the largest unit that reads naturally: how many,
/// and the unit's name.
fn amount(abs: u64) -> (u64, &'static str) {
    match abs {
        a if a < 3_600 => (a / 60, "minute"),
        a if a < 86_400 => (a / 3_600, "hour"),
        a if a < 86_400 * 14 => (a / 86_400, "day"),
        a if a < 86_400 * 60 => (a / (86_400 * 7), "week"),
        a if a < 86_400 * 730 => (a / (86_400 * 30), "month"),
        a => (a / (86_400 * 365), "year"),
    }
}

/// "just now", "12 minutes ago", "in 3 days".
pub fn relative(delta_s: i64) -> String {
    let abs = delta_s.unsigned_abs();
    if abs < 60 {
        return "just now".into();
    }
    let (n, unit) = amount(abs);
    let mut out = String::with_capacity(16);
    if delta_s >= 0 {
        out.push_str("in ");
    }
    push_num(&mut out, n, 1);
    out.push(' ');
    out.push_str(unit);
    if n != 1 {
        out.push('s');
    }
    if delta_s < 0 {
        out.push_str(" ago");
    }
    out
}

/// "45s", "3m", "1h 28m", "2d 4h": the two largest units.
pub fn duration(secs: i64) -> String {
    let sign = if secs < 0 { "−" } else { "" };
    let s = secs.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    let parts: &[(u64, char)] = match (d, h, m) {
        (0, 0, 0) => &[(sec, 's')],
        (0, 0, m) if sec == 0 => &[(m, 'm')],
        (0, 0, m) => &[(m, 'm'), (sec, 's')],
        (0, h, 0) => &[(h, 'h')],
        (0, h, m) => &[(h, 'h'), (m, 'm')],
        (d, 0, _) => &[(d, 'd')],
        (d, h, _) => &[(d, 'd'), (h, 'h')],
    };
    let mut out = String::with_capacity(12);
    out.push_str(sign);
    for (i, &(n, unit)) in parts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_num(&mut out, n, 1);
        out.push(unit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english_words() -> Arc<Words> {
        Arc::new(Words::load("en", None).unwrap())
    }

    #[test]
    fn german_times() {
        let now = DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z").unwrap().with_timezone(&Utc);
        let clock =
            Clock { tz: "Europe/Berlin".parse().unwrap(), now, words: Arc::new(Words::load("de", None).unwrap()) };
        let shown = clock.time(&DateTime::parse_from_rfc3339("2026-03-04T09:12:00Z").unwrap());
        assert_eq!(shown.text, "4. März 2026, 10:12 CET");
        assert_eq!(shown.rel, "vor 2 Stunden");
        assert_eq!(clock.relative(3 * 86_400 + 5), "in 3 Tagen");
        assert_eq!(clock.duration(5280), "1 Std. 28 Min.");
        assert_eq!(clock.date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()).rel, "morgen");
    }

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
        let clock = Clock { tz: "Europe/Berlin".parse().unwrap(), now, words: english_words() };
        let t = DateTime::parse_from_rfc3339("2026-03-04T09:12:00Z").unwrap();
        let shown = clock.time(&t);
        assert_eq!(shown.text, "4 Mar 2026, 10:12 CET");
        assert_eq!(shown.iso, "2026-03-04T09:12:00Z");
        assert_eq!(shown.rel, "2 hours ago");
        let summer = DateTime::parse_from_rfc3339("2026-07-04T09:12:00Z").unwrap();
        assert_eq!(clock.time(&summer).text, "4 Jul 2026, 11:12 CEST");
    }

    #[test]
    fn relative_times_and_durations_read_as_format_wrote_them() {
        fn relative_formatted(delta_s: i64) -> String {
            let abs = delta_s.unsigned_abs();
            if abs < 60 {
                return "just now".into();
            }
            let (n, unit) = amount(abs);
            let s = if n == 1 { "" } else { "s" };
            if delta_s < 0 {
                format!("{n} {unit}{s} ago")
            } else {
                format!("in {n} {unit}{s}")
            }
        }
        fn duration_formatted(secs: i64) -> String {
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
        let mut samples: Vec<i64> = (-4_000..4_000).collect();
        samples.extend((0..3_000).map(|i| i * 7_919 - 11_000_000));
        samples.extend((0..3_000).map(|i| i * 1_234_567 - 2_000_000_000));
        samples.extend([i64::MIN, i64::MIN + 1, i64::MAX, 86_400 * 14, 86_400 * 730 - 1]);
        for s in samples {
            assert_eq!(relative(s), relative_formatted(s), "{s}");
            assert_eq!(duration(s), duration_formatted(s), "{s}");
        }
    }

    #[test]
    fn formatted_as_strftime_would() {
        let now = DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z").unwrap().with_timezone(&Utc);
        for zone in ["Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "UTC"] {
            let clock = Clock { tz: zone.parse().unwrap(), now, words: english_words() };
            for t in [
                "0000-01-01T12:00:00Z",
                "0007-02-03T04:05:06Z",
                "0999-01-09T05:07:00Z",
                "2026-12-31T23:59:59Z",
                "2026-10-25T01:30:00Z",
                "9999-06-01T00:00:00Z",
            ] {
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
