//! `feed.xml`: an Atom 1.0 feed (RFC 4287) with one entry per incident or maintenance window,
//! holding its public status updates, newest first — what Statuspage's history feed offers.
//!
//! Entry ids and links are the record's page URL; an entry's `updated` is its latest update (the
//! same time the Statuspage API reports), the feed's the newest entry's (or the build's now).
//! The 50 most recently updated records are listed. [`feed`] makes the same feed over any list of
//! records (the per-service feeds of `services.rs`).

use super::xml_escape;
use crate::render::api::statuspage::{timing, Timing};
use crate::render::api::{base_url, record_url, time};
use crate::render::{Options, Pages};
use crate::site::View;
use crate::status::{self, MaintenancePhase, Status};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::fmt::Write as _;

/// How many entries the feed holds.
const ENTRIES: usize = 50;

pub(super) fn render(view: &View, _status: &Status, opts: &Options, pages: &mut Pages) {
    let base = base_url(opts);
    let head = Head {
        id: format!("{base}/"),
        title: format!("{} - Incident History", view.config.title),
        alternate: format!("{base}/"),
        path: "feed.xml".to_string(),
    };
    let all: Vec<usize> = (0..view.records.len()).collect();
    pages.insert(head.path.clone(), feed(view, opts, &head, &all).into_bytes());
}

/// What one feed says about itself.
pub(super) struct Head {
    /// The feed's `<id>`: a URL that stays the same.
    pub id: String,
    /// Its title, unescaped.
    pub title: String,
    /// The page the feed stands for.
    pub alternate: String,
    /// Its path in the site, for the `self` link.
    pub path: String,
}

/// An Atom feed of the records at `indexes` (into `view.records`): every one but incidents that
/// begin after now (as in the Statuspage API), the most recently updated first.
pub(super) fn feed(view: &View, opts: &Options, head: &Head, indexes: &[usize]) -> String {
    let tz = view.config.tz();
    let mut entries: Vec<(usize, Timing)> = indexes
        .iter()
        .map(|&i| (i, timing(&view.records[i], opts.now, view.history.as_deref())))
        .filter(|(i, t)| !view.records[*i].is_incident() || t.started_at <= opts.now)
        .collect();
    entries.sort_by(|(a, ta), (b, tb)| {
        tb.updated_at.cmp(&ta.updated_at).then_with(|| view.records[*a].id.value.cmp(&view.records[*b].id.value))
    });
    entries.truncate(ENTRIES);
    let updated = entries.first().map(|(_, t)| t.updated_at).unwrap_or(opts.now);

    let base = base_url(opts);
    let site_title = xml_escape(&view.config.title);
    let mut out = String::with_capacity(4096 + entries.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&head.id));
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(&head.title));
    let _ = writeln!(out, "  <updated>{}</updated>", time(&updated));
    let _ = writeln!(out, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&head.alternate));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}/{}\"/>",
        xml_escape(base),
        xml_escape(&head.path)
    );
    let _ = writeln!(out, "  <author><name>{site_title}</name><uri>{}/</uri></author>", xml_escape(base));
    let _ = writeln!(out, "  <generator version=\"{}\">incsite</generator>", env!("CARGO_PKG_VERSION"));
    for (index, timing) in &entries {
        entry(&mut out, view, *index, timing, opts, &tz);
    }
    out.push_str("</feed>\n");
    out
}

fn entry(out: &mut String, view: &View, index: usize, timing: &Timing, opts: &Options, tz: &Tz) {
    let record = &view.records[index];
    let url = xml_escape(&record_url(opts, &record.id.value));
    let when = |t: &DateTime<Utc>| t.with_timezone(tz).format("%b %-d, %Y %H:%M %Z").to_string();

    // The entry's body, as HTML (escaped once for HTML, then once more for the XML around it).
    let mut html = String::new();
    if let Some(summary) = record.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = write!(html, "<p>{}</p>", xml_escape(summary));
    }
    if let (Some(w), Some(phase)) = (&record.window, status::maintenance_phase(record, opts.now)) {
        let _ = write!(
            html,
            "<p><strong>Scheduled:</strong> {} – {}</p>",
            xml_escape(&when(&w.from.with_timezone(&Utc))),
            xml_escape(&when(&w.until.with_timezone(&Utc)))
        );
        let state = match phase {
            MaintenancePhase::Upcoming => "Scheduled",
            MaintenancePhase::Active => "In progress",
            MaintenancePhase::Over => "Completed",
            MaintenancePhase::Cancelled => "Cancelled",
        };
        let _ = write!(html, "<p><strong>Status:</strong> {state}</p>");
    }
    let names: Vec<&str> = record
        .impact
        .iter()
        .map(|i| view.policy.service(&i.service.value).map(|s| s.name.as_str()).unwrap_or(i.service.value.as_str()))
        .collect();
    if !names.is_empty() {
        let _ = write!(html, "<p><strong>Affected:</strong> {}</p>", xml_escape(&names.join(", ")));
    }
    for u in timing.updates.iter().rev() {
        let _ = write!(
            html,
            "<p><small>{}</small><br><strong>{}</strong> - {}</p>",
            xml_escape(&when(&u.at)),
            xml_escape(u.status.label()),
            xml_escape(&u.body)
        );
    }

    out.push_str("  <entry>\n");
    let _ = writeln!(out, "    <id>{url}</id>");
    let _ = writeln!(out, "    <title>{}</title>", xml_escape(record.title()));
    let _ = writeln!(out, "    <published>{}</published>", time(&timing.created_at));
    let _ = writeln!(out, "    <updated>{}</updated>", time(&timing.updated_at));
    let _ = writeln!(out, "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>");
    let _ = writeln!(out, "    <content type=\"html\">{}</content>", xml_escape(&html));
    out.push_str("  </entry>\n");
}
