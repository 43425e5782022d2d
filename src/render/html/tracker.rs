//! `actions/index.html`: the action-item tracker across every incident in the view — overdue (due
//! before the build's date), open by due date, by owner, the latest done and won't-do items, and
//! the completion rate; and the archive of every closed item, a page per 250 (`actions/done/`,
//! `actions/wont-do/`), when there are more than the tracker lists.

use super::context::{Label, Shared};
use super::time::Date;
use super::{Rendered, Renderer};
use crate::record::{ActionItem, ActionStatus, Priority};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct IncidentLink {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: Option<Date>,
    pub status: Label,
    pub priority: Option<Label>,
    /// Only http(s) and mailto links, or paths on this site (made relative to the page).
    pub link: Option<String>,
    pub done_on: Option<Date>,
    pub overdue: bool,
    pub incident: IncidentLink,
}

/// An action item for display on the page whose way to the site's root is `root`. Overdue: open
/// or in progress, and due before today (site zone).
pub fn action_row(s: &Shared, record: usize, a: &ActionItem, root: &str) -> ActionRow {
    let card = s.card(record);
    let overdue = a.is_overdue(s.clock.today());
    ActionRow {
        id: a.id.clone(),
        title: title(a),
        owner: owner(a).to_string(),
        due: a.due.map(|d| s.clock.date(d)),
        status: action_status(a.status, &s.words),
        priority: a.priority.map(|p| {
            let value = match p {
                Priority::Low => "low",
                Priority::Medium => "medium",
                Priority::High => "high",
            };
            let label = s.words.get(&format!("priority.{value}")).to_string();
            Label { value: value.into(), label, class: value.into() }
        }),
        link: a.link.as_deref().and_then(safe_url).map(|url| s.site_href(&url, root).unwrap_or(url)),
        done_on: a.done_on.map(|d| s.clock.date(d)),
        overdue,
        incident: IncidentLink { id: card.id.clone(), title: card.title.clone(), url: card.url.clone() },
    }
}

fn action_status(status: ActionStatus, w: &super::i18n::Words) -> Label {
    let (value, class) = match status {
        ActionStatus::Open => ("open", "open"),
        ActionStatus::InProgress => ("in_progress", "in-progress"),
        ActionStatus::Done => ("done", "done"),
        ActionStatus::WontDo => ("wont_do", "wont-do"),
    };
    let label = w.get(&format!("action_status.{value}")).to_string();
    Label { value: value.into(), label, class: class.into() }
}

/// A URL that is safe in an `href`: http, https or mailto, or a path on this site. Anything else
/// (`javascript:`, `data:`, …) is shown as text only.
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (url.starts_with('/') && !url.starts_with("//"));
    (ok && !url.chars().any(|c| c.is_control() || c.is_whitespace())).then(|| url.to_string())
}

#[derive(Serialize)]
struct Stats {
    total: usize,
    open: usize,
    overdue: usize,
    done: usize,
    wont_do: usize,
    /// Items that count towards completion: all but won't do.
    countable: usize,
    completion: String,
}

#[derive(Serialize)]
struct NextDue {
    due: Date,
    title: String,
}

#[derive(Serialize)]
struct Owner {
    name: String,
    open: usize,
    overdue: usize,
    done: usize,
    wont_do: usize,
    next: Option<NextDue>,
}

#[derive(Serialize)]
struct Page {
    today: Date,
    stats: Stats,
    overdue: Vec<ActionRow>,
    open: Vec<ActionRow>,
    /// The most recently closed items ([`CLOSED_SHOWN`] at most); all of them are in the archive.
    done: Vec<ActionRow>,
    wont_do: Vec<ActionRow>,
    /// The first archive page of each closed list, when the tracker shows only the latest items.
    done_archive: Option<String>,
    wont_do_archive: Option<String>,
    owners: Vec<Owner>,
}

/// One page of a closed list's archive (`actions/done/`, `actions/done/2/`, …).
#[derive(Serialize)]
struct ArchivePage<'a> {
    /// `done` or `wont_do`.
    kind: &'static str,
    heading: &'a str,
    /// How many items the whole list has.
    total: usize,
    /// The 1-based position of this page's first and last item in the list.
    first: usize,
    last: usize,
    items: Vec<ActionRow>,
    pagination: Pagination,
}

#[derive(Serialize)]
struct Pagination {
    page: usize,
    pages: usize,
    /// Site paths (templates write `{{ root }}{{ url }}`); `None` on the first or last page.
    previous: Option<String>,
    next: Option<String>,
    /// Every page, for a numbered list of links.
    urls: Vec<String>,
}

/// How many closed items of each kind the tracker itself lists, most recent first: at 10,000
/// incidents there are tens of thousands, which belong in the archive, not on one page.
const CLOSED_SHOWN: usize = 20;

/// How many items an archive page lists.
const ARCHIVE_PAGE: usize = 250;

/// An action item with the record it belongs to (an index into `view.records`).
type Item<'a> = (usize, &'a ActionItem);

/// Renders the tracker and the archive of its closed items, handing each page to `put`.
pub fn pages(r: &Renderer, put: &(dyn Fn(Rendered) -> Result<()> + Sync)) -> Result<()> {
    let s = r.shared;
    let today = s.clock.today();
    let mut items: Vec<Item> = s
        .view
        .records
        .iter()
        .enumerate()
        .flat_map(|(i, record)| record.action_items.iter().map(move |a| (i, a)))
        .collect();
    let incident = |i: usize| s.card(i).id.as_str();
    items.sort_by(|&(ia, a), &(ib, b)| {
        (a.due.is_none(), a.due, incident(ia), &a.id).cmp(&(b.due.is_none(), b.due, incident(ib), &b.id))
    });

    let mut owners: BTreeMap<&str, Owner> = BTreeMap::new();
    for &(_, a) in items.iter().filter(|_| s.view.shows_people()) {
        let name = owner(a);
        let o = owners.entry(name).or_insert_with(|| Owner {
            name: name.to_string(),
            open: 0,
            overdue: 0,
            done: 0,
            wont_do: 0,
            next: None,
        });
        match a.status {
            ActionStatus::Done => o.done += 1,
            ActionStatus::WontDo => o.wont_do += 1,
            _ => {
                o.open += 1;
                o.overdue += usize::from(a.is_overdue(today));
                if o.next.is_none() {
                    o.next = a.due.map(|d| NextDue { due: s.clock.date(d), title: title(a) });
                }
            }
        }
    }
    let mut owners: Vec<Owner> = owners.into_values().collect();
    owners.sort_by(|a, b| (b.overdue, b.open).cmp(&(a.overdue, a.open)).then_with(|| a.name.cmp(&b.name)));

    let (mut overdue, mut open, mut done, mut wont_do) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in items {
        match item.1.status {
            ActionStatus::Done => done.push(item),
            ActionStatus::WontDo => wont_do.push(item),
            _ if item.1.is_overdue(today) => overdue.push(item),
            _ => open.push(item),
        }
    }
    // Closed items: most recently closed first.
    let closed_order = |&(ia, a): &Item, &(ib, b): &Item| {
        b.done_on.cmp(&a.done_on).then_with(|| incident(ia).cmp(incident(ib))).then_with(|| a.id.cmp(&b.id))
    };
    done.sort_by(closed_order);
    wont_do.sort_by(closed_order);

    let root = r.root(PATH);
    let rows = |items: &[Item], root: &str| -> Vec<ActionRow> {
        items.par_iter().with_max_len(crate::PAR_JOB).map(|&(i, a)| action_row(s, i, a, root)).collect()
    };
    let archive = |kind: &str, items: &[Item]| (items.len() > CLOSED_SHOWN).then(|| archive_url(kind, 1));
    let total = overdue.len() + open.len() + done.len() + wont_do.len();
    let countable = total - wont_do.len();
    let completion = (done.len() * 100).checked_div(countable).map_or_else(|| "—".to_string(), |pct| format!("{pct}%"));
    let page = Page {
        today: s.clock.date(today),
        stats: Stats {
            total,
            open: overdue.len() + open.len(),
            overdue: overdue.len(),
            done: done.len(),
            wont_do: wont_do.len(),
            countable,
            completion,
        },
        overdue: rows(&overdue, &root),
        open: rows(&open, &root),
        done: rows(&done[..done.len().min(CLOSED_SHOWN)], &root),
        wont_do: rows(&wont_do[..wont_do.len().min(CLOSED_SHOWN)], &root),
        done_archive: archive("done", &done),
        wont_do_archive: archive("wont_do", &wont_do),
        owners,
    };
    put(r.page("actions.html", PATH, "actions", s.words.get("actions.heading"), &page)?)?;
    drop(page);

    let (done_heading, wont_do_heading) = (s.words.get("actions.done_heading"), s.words.get("actions.wont_do_heading"));
    for (kind, heading, items) in [("done", done_heading, &done), ("wont_do", wont_do_heading, &wont_do)] {
        if items.len() <= CLOSED_SHOWN {
            continue;
        }
        let pages = items.len().div_ceil(ARCHIVE_PAGE);
        let urls: Vec<String> = (1..=pages).map(|n| archive_url(kind, n)).collect();
        for (n, chunk) in items.chunks(ARCHIVE_PAGE).enumerate() {
            let path = format!("{}index.html", urls[n]);
            let archive = ArchivePage {
                kind,
                heading,
                total: items.len(),
                first: n * ARCHIVE_PAGE + 1,
                last: n * ARCHIVE_PAGE + chunk.len(),
                items: rows(chunk, &r.root(&path)),
                pagination: Pagination {
                    page: n + 1,
                    pages,
                    previous: n.checked_sub(1).map(|p| urls[p].clone()),
                    next: urls.get(n + 1).cloned(),
                    urls: urls.clone(),
                },
            };
            put(r.page("actions_archive.html", &path, "actions", heading, &archive)?)?;
        }
    }
    Ok(())
}

/// The site path of page `n` (from 1) of a closed list's archive: `actions/done/`,
/// `actions/done/2/`, `actions/wont-do/`, …
fn archive_url(kind: &str, n: usize) -> String {
    crate::render::urls::actions_archive(kind, n)
}

fn title(a: &ActionItem) -> String {
    a.title.clone().unwrap_or_else(|| a.id.clone())
}

/// Who owns an item, "—" when nobody does.
fn owner(a: &ActionItem) -> &str {
    a.owner.as_deref().unwrap_or("—")
}

const PATH: &str = "actions/index.html";

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn only_safe_links() {
        assert_eq!(safe_url("https://tracker.example/A-1").as_deref(), Some("https://tracker.example/A-1"));
        assert_eq!(safe_url("/incidents/X/").as_deref(), Some("/incidents/X/"));
        assert_eq!(safe_url("mailto:a@b.example").as_deref(), Some("mailto:a@b.example"));
        for bad in
            ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example", "java\tscript:x"]
        {
            assert_eq!(safe_url(bad), None, "{bad}");
        }
    }
}
