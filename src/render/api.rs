//! The JSON API: Statuspage API v2 shapes under `api/v2/`, and incsite's own `api/incidents.json`.
//!
//! Every machine-readable file (JSON, Atom) writes times one way: RFC 3339 in UTC with
//! milliseconds, as Statuspage does (`2026-03-04T09:12:00.000Z`).

mod export;
pub(crate) mod statuspage;

use super::{Options, Pages};
use crate::site::View;
use crate::status::Status;
use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

pub fn render(view: &View, status: &Status, opts: &Options, pages: &mut Pages) -> Result<()> {
    statuspage::render(view, status, opts, pages)?;
    export::render(view, status, opts, pages)
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
    let mut bytes = serde_json::to_vec_pretty(value).with_context(|| format!("cannot write {path}"))?;
    bytes.push(b'\n');
    Ok(bytes)
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
