//! `feed.xml`: an Atom 1.0 feed (RFC 4287) with one entry per incident or maintenance window,
//! holding its public status updates, newest first — what Statuspage's history feed offers.
//!
//! Entry ids and links are the record's page URL; an entry's `updated` is its latest update (the
//! same time the Statuspage API reports), the feed's the newest entry's (or the build's now).
//! The 50 most recently updated records are listed. Notices are entries too, from their `from`
//! on, linked to the status page (`#notice-<id>`), their body as written. [`feed`] makes the same
//! feed over any list of records and notices (the per-service feeds of `services.rs`).

use super::xml_escape;
use crate::render::api::statuspage::{timing, Timing};
use crate::render::api::{base_url, record_url, time};
use crate::render::{Options, Pages};
use crate::site::View;
use crate::status::{self, Status};
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
    let notices: Vec<usize> = (0..view.notices.len()).collect();
    pages.insert(head.path.clone(), feed(view, opts, &head, &all, &notices).into_bytes());
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

/// An Atom feed of the records at `indexes` (into `view.records`) and the notices at `notices`
/// (into `view.notices`): every record but incidents that begin after now (as in the Statuspage
/// API), every notice from its `from` on, the most recently updated first.
pub(super) fn feed(view: &View, opts: &Options, head: &Head, indexes: &[usize], notices: &[usize]) -> String {
    let tz = view.config.tz();
    let entries: Vec<(usize, Timing)> = indexes
        .iter()
        .map(|&i| (i, timing(&view.records[i], opts.now, view.history.as_deref())))
        .filter(|(i, t)| !view.records[*i].is_incident() || t.started_at <= opts.now)
        .collect();
    let notices: Vec<(usize, DateTime<Utc>)> = notices
        .iter()
        .filter_map(|&i| view.notices[i].notice.as_ref().map(|n| (i, n.from.with_timezone(&Utc))))
        .filter(|(_, from)| *from <= opts.now)
        .collect();
    // Records and notices together, newest first; ties by id.
    let mut items: Vec<(DateTime<Utc>, &str, Item)> = entries
        .into_iter()
        .map(|(i, t)| (t.updated_at, view.records[i].id.value.as_str(), Item::Record(i, t)))
        .chain(notices.into_iter().map(|(i, from)| (from, view.notices[i].id.value.as_str(), Item::Notice(i))))
        .collect();
    items.sort_by(|(ta, a, _), (tb, b, _)| tb.cmp(ta).then_with(|| a.cmp(b)));
    items.truncate(ENTRIES);
    let updated = items.first().map(|(t, _, _)| *t).unwrap_or(opts.now);

    let base = base_url(opts);
    let site_title = xml_escape(&view.config.title);
    let mut out = String::with_capacity(4096 + items.len() * 2048);
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
    for (_, _, item) in &items {
        match item {
            Item::Record(index, timing) => entry(&mut out, view, *index, timing, opts, &tz),
            Item::Notice(index) => notice_entry(&mut out, view, *index, opts),
        }
    }
    out.push_str("</feed>\n");
    out
}

/// One feed entry: a record with its timing, or a notice.
enum Item {
    Record(usize, Timing),
    Notice(usize),
}

/// A notice's entry: its title, its body as written and the services it names.
fn notice_entry(out: &mut String, view: &View, index: usize, opts: &Options) {
    let record = &view.notices[index];
    let Some(notice) = &record.notice else { return };
    let url = xml_escape(&format!("{}/#notice-{}", base_url(opts), record.id.value));
    let mut html = String::new();
    if !record.body.trim().is_empty() {
        let _ = write!(html, "<p>{}</p>", xml_escape(record.body.trim()));
    }
    let names: Vec<&str> = notice
        .services
        .iter()
        .map(|id| view.policy.service(id).map(|s| s.name.as_str()).unwrap_or(id.value.as_str()))
        .collect();
    if !names.is_empty() {
        let _ = write!(html, "<p><strong>Services:</strong> {}</p>", xml_escape(&names.join(", ")));
    }
    let from = time(&notice.from.with_timezone(&Utc));
    out.push_str("  <entry>\n");
    let _ = writeln!(out, "    <id>{url}</id>");
    let _ = writeln!(out, "    <title>{}</title>", xml_escape(record.title()));
    let _ = writeln!(out, "    <published>{from}</published>");
    let _ = writeln!(out, "    <updated>{from}</updated>");
    let _ = writeln!(out, "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>");
    let _ = writeln!(out, "    <content type=\"html\">{}</content>", xml_escape(&html));
    out.push_str("  </entry>\n");
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
        let _ = write!(html, "<p><strong>Status:</strong> {}</p>", phase.status().label());
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
