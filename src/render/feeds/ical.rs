//! `maintenance.ics`: the maintenance windows as an iCalendar feed (RFC 5545), so people can
//! subscribe to planned work from their calendar.
//!
//! One VEVENT per window (cancelled ones too, as `STATUS:CANCELLED`, so calendars drop them),
//! soonest first. Times are UTC (`…Z`); `DTSTAMP` is the build's now; lines end in CRLF and are
//! folded at 75 octets; text values are escaped (`\\`, `\;`, `\,`, `\n`).

use super::host;
use crate::record::{Kind, Status as RecordStatus};
use crate::render::api::record_url;
use crate::render::api::statuspage::timing;
use crate::render::{Options, Pages};
use crate::site::View;
use crate::status::Status;
use chrono::{DateTime, TimeZone, Utc};

pub(super) fn render(view: &View, _status: &Status, opts: &Options, pages: &mut Pages) {
    let host = host(opts);
    let mut windows: Vec<_> = view
        .records
        .iter()
        .filter(|r| r.kind == Kind::Maintenance)
        .filter_map(|r| Some((r, r.window.as_ref()?)))
        .collect();
    windows.sort_by(|(a, wa), (b, wb)| wa.from.cmp(&wb.from).then_with(|| a.id.value.cmp(&b.id.value)));

    let mut out = String::new();
    let mut line = |content: String| fold(&content, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!("PRODID:-//incsite//incsite {}//EN", env!("CARGO_PKG_VERSION")));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", text(&format!("{} maintenance", view.config.title))));
    for (record, window) in windows {
        let url = record_url(opts, &record.id.value);
        let mut description = String::new();
        if let Some(summary) = record.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            description.push_str(summary.trim());
            description.push_str("\n\n");
        }
        let names: Vec<&str> = record
            .impact
            .iter()
            .map(|i| view.policy.service(&i.service.value).map(|s| s.name.as_str()).unwrap_or(&i.service.value))
            .collect();
        if !names.is_empty() {
            description.push_str(&format!("Affected: {}\n\n", names.join(", ")));
        }
        description.push_str(&url);
        let cancelled = record.status.as_ref().map(|s| s.value) == Some(RecordStatus::Cancelled);

        line("BEGIN:VEVENT".into());
        line(format!("UID:{}@{}", text(&record.id.value), host));
        line(format!("DTSTAMP:{}", stamp(&opts.now)));
        line(format!("DTSTART:{}", stamp(&window.from)));
        line(format!("DTEND:{}", stamp(&window.until)));
        line(format!("LAST-MODIFIED:{}", stamp(&timing(record, opts.now, view.history.as_deref()).updated_at)));
        line(format!("SUMMARY:{}", text(record.title())));
        line(format!("DESCRIPTION:{}", text(&description)));
        line(format!("STATUS:{}", if cancelled { "CANCELLED" } else { "CONFIRMED" }));
        line("TRANSP:OPAQUE".into());
        line(format!("URL:{}", uri(&url)));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    pages.insert("maintenance.ics".to_string(), out.into_bytes());
}

/// A UTC date-time value: `20260704T020000Z`.
fn stamp<Tz: TimeZone>(t: &DateTime<Tz>) -> String {
    t.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value, escaped (RFC 5545 3.3.11); control characters other than newlines dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let value = value.replace("\r\n", "\n");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value: no escaping, but nothing that could end the line.
fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Appends one content line, folded so no physical line exceeds 75 octets (continuations start
/// with a space, never splitting a UTF-8 character), ending in CRLF.
fn fold(line: &str, out: &mut String) {
    let mut octets = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if octets + len > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        fold(&long, &mut out);
        assert!(out.ends_with("\r\n"));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a;b,c\\d\ne\r\nf\u{7}"), "a\\;b\\,c\\\\d\\ne\\nf");
    }
}
