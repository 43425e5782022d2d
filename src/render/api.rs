//! The JSON API: Statuspage API v2 shapes under `api/v2/`, incsite's own `api/incidents.json`,
//! and `api/build.json` (the commit the site was built from, for `notify --base`).
//!
//! Every machine-readable file (JSON, Atom) writes times one way: RFC 3339 in UTC with
//! milliseconds, as Statuspage does (`2026-03-04T09:12:00.000Z`).

mod export;
pub(crate) mod statuspage;

use super::{Options, Pages, Sink};
use crate::site::View;
use crate::status::Status;
use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// Every API file, into `sink`.
pub fn render(view: &View, status: &Status, opts: &Options, sink: &dyn Sink) -> Result<()> {
    let mut pages = Pages::new();
    statuspage::render(view, status, opts, &mut pages)?;
    pages.insert("api/build.json".to_string(), json("api/build.json", &build_info(view, opts))?);
    pages.into_iter().try_for_each(|(path, bytes)| sink.put(path, bytes))?;
    export::render(view, status, opts, sink)
}

/// `api/build.json`: what the site was built from, so that a workflow can pass the deployed
/// commit to `incsite notify --base`. Only the commit id: its message and author are in the
/// view's history when the public may see them, and never here.
#[derive(Debug, Serialize)]
struct BuildInfo {
    /// The commit checked out when the site was built (`null` outside git).
    commit: Option<String>,
    /// The build's now (`--now`, `SOURCE_DATE_EPOCH` or the clock).
    built_at: String,
    incsite_version: &'static str,
}

fn build_info(view: &View, opts: &Options) -> BuildInfo {
    BuildInfo {
        commit: view.history.as_ref().and_then(|h| h.head.as_ref()).map(|c| c.id.clone()),
        built_at: time(&opts.now),
        incsite_version: env!("CARGO_PKG_VERSION"),
    }
}

/// A time as every machine-readable file writes it: `2026-03-04T09:12:00.000Z`.
/// By hand: the strftime pattern was parsed anew on every call, 2 % of a build.
pub(crate) fn time<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    use super::html::time::{push_num, push_year};
    use chrono::{Datelike, Timelike};
    let t = t.with_timezone(&Utc);
    // As strftime writes them: a leap second as second 60, milliseconds truncated.
    let (second, nano) = (t.second() + t.nanosecond() / 1_000_000_000, t.nanosecond() % 1_000_000_000);
    let mut out = String::with_capacity(24);
    push_year(&mut out, t.date_naive());
    out.push('-');
    let fields: [(u64, usize, char); 6] = [
        (t.month().into(), 2, '-'),
        (t.day().into(), 2, 'T'),
        (t.hour().into(), 2, ':'),
        (t.minute().into(), 2, ':'),
        (second.into(), 2, '.'),
        ((nano / 1_000_000).into(), 3, 'Z'),
    ];
    for (n, width, then) in fields {
        push_num(&mut out, n, width);
        out.push(then);
    }
    out
}

/// The site's absolute URL, without a trailing slash.
pub(crate) fn base_url(opts: &Options) -> &str {
    opts.base_url.trim_end_matches('/')
}

/// The absolute URL of an incident's or maintenance window's page.
pub(crate) fn record_url(opts: &Options, id: &str) -> String {
    format!("{}/{}", base_url(opts), super::urls::record(id))
}

/// Lowercase letters and digits, every other run of characters one `-`: `Payments & Billing` →
/// `payments-billing`.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Pretty JSON with a final newline.
fn json<T: Serialize>(path: &str, value: &T) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_json(&mut bytes, path, value)?;
    Ok(bytes)
}

/// Writes `value` as pretty JSON with a final newline (buffered here, so that the serializer's
/// many small writes are not each a call through `dyn Write`).
fn write_json<T: Serialize>(out: &mut dyn std::io::Write, path: &str, value: &T) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, value).with_context(|| format!("cannot write {path}"))?;
    out.write_all(b"\n").and_then(|()| out.flush()).with_context(|| format!("cannot write {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_with_milliseconds() {
        let t = DateTime::parse_from_rfc3339("2026-03-04T10:12:00+01:00").unwrap();
        assert_eq!(time(&t), "2026-03-04T09:12:00.000Z");
    }

    #[test]
    fn times_are_written_as_the_strftime_pattern_would() {
        let pattern = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let mut samples: Vec<DateTime<Utc>> = [
            "0000-01-01T00:00:00Z",
            "0999-12-31T23:59:59.999999999Z",
            "1970-01-01T00:00:00.0005Z",
            "2026-03-04T09:12:07.123456Z",
            "9999-12-31T23:59:59.9Z",
            "-0001-06-15T12:00:00Z",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        // Every second of a day, in steps that cross each field, and a leap second.
        let start: DateTime<Utc> = "2024-02-28T00:00:00Z".parse().unwrap();
        samples.extend((0..2_000).map(|i| start + chrono::Duration::milliseconds(i * 97_531)));
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31).unwrap().and_hms_milli_opt(23, 59, 59, 1_500).unwrap();
        samples.push(leap.and_utc());
        samples.push(chrono::NaiveDate::from_ymd_opt(12_345, 1, 2).unwrap().and_hms_opt(3, 4, 5).unwrap().and_utc());
        for t in &samples {
            assert_eq!(time(t), pattern(t), "{t:?}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Payments & Billing"), "payments-billing");
        assert_eq!(slug("  API  "), "api");
        assert_eq!(slug("Zahlungsverkehr Ä"), "zahlungsverkehr-ä");
        assert_eq!(slug("&&"), "");
    }
}
