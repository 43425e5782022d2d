//! The JSON API: Statuspage API v2 shapes under `api/v2/`, and incsite's own `api/incidents.json`.
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
    pages.into_iter().try_for_each(|(path, bytes)| sink.put(path, bytes))?;
    export::render(view, status, opts, sink)
}

/// A time as every machine-readable file writes it: `2026-03-04T09:12:00.000Z`.
pub(crate) fn time<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    t.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The site's absolute URL, without a trailing slash.
pub(crate) fn base_url(opts: &Options) -> &str {
    opts.base_url.trim_end_matches('/')
}

/// The absolute URL of an incident's or maintenance window's page.
pub(crate) fn record_url(opts: &Options, id: &str) -> String {
    format!("{}/incidents/{}/", base_url(opts), id)
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
    fn slugs() {
        assert_eq!(slug("Payments & Billing"), "payments-billing");
        assert_eq!(slug("  API  "), "api");
        assert_eq!(slug("Zahlungsverkehr Ä"), "zahlungsverkehr-ä");
        assert_eq!(slug("&&"), "");
    }
}
