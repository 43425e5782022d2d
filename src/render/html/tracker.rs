//! `actions/index.html`: the action-item tracker across every incident in the view — overdue (due
//! before the build's date), open by due date, by owner, done and won't do, and the completion rate.

use super::context::{Label, Shared};
use super::time::Date;
use super::Renderer;
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
    let overdue = !a.status.is_closed() && a.due.is_some_and(|d| d < s.clock.today());
    ActionRow {
        id: a.id.clone(),
        title: a.title.clone().unwrap_or_else(|| a.id.clone()),
        owner: a.owner.clone().unwrap_or_else(|| "—".into()),
        due: a.due.map(|d| s.clock.date(d)),
        status: action_status(a.status),
        priority: a.priority.map(|p| {
            let (value, label) = match p {
                Priority::Low => ("low", "Low"),
                Priority::Medium => ("medium", "Medium"),
                Priority::High => ("high", "High"),
            };
            Label { value: value.into(), label: label.into(), class: value.into() }
        }),
        link: a.link.as_deref().and_then(safe_url).map(|url| s.site_href(&url, root).unwrap_or(url)),
        done_on: a.done_on.map(|d| s.clock.date(d)),
        overdue,
        incident: IncidentLink { id: card.id.clone(), title: card.title.clone(), url: card.url.clone() },
    }
}

fn action_status(status: ActionStatus) -> Label {
    let (value, label, class) = match status {
        ActionStatus::Open => ("open", "Open", "open"),
        ActionStatus::InProgress => ("in_progress", "In progress", "in-progress"),
        ActionStatus::Done => ("done", "Done", "done"),
        ActionStatus::WontDo => ("wont_do", "Won’t do", "wont-do"),
    };
    Label { value: value.into(), label: label.into(), class: class.into() }
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
    done: Vec<ActionRow>,
    wont_do: Vec<ActionRow>,
    owners: Vec<Owner>,
}

pub fn page(r: &Renderer) -> Result<(String, String)> {
    let s = r.shared;
    let root = r.root(PATH);
    let mut items: Vec<(&ActionItem, ActionRow)> = (0..s.view.records.len())
        .into_par_iter()
        .flat_map_iter(|i| s.view.records[i].action_items.iter().map(move |a| (i, a)))
        .map(|(i, a)| (a, action_row(s, i, a, &root)))
        .collect();
    let by_due = |a: &(&ActionItem, ActionRow), b: &(&ActionItem, ActionRow)| {
        (a.0.due.is_none(), a.0.due, &a.1.incident.id, &a.1.id).cmp(&(
            b.0.due.is_none(),
            b.0.due,
            &b.1.incident.id,
            &b.1.id,
        ))
    };
    items.sort_by(by_due);

    let mut owners: BTreeMap<String, Owner> = BTreeMap::new();
    for (a, row) in &items {
        let o = owners.entry(row.owner.clone()).or_insert_with(|| Owner {
            name: row.owner.clone(),
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
                o.overdue += usize::from(row.overdue);
                if o.next.is_none() {
                    o.next = row.due.clone().map(|due| NextDue { due, title: row.title.clone() });
                }
            }
        }
    }
    let mut owners: Vec<Owner> = owners.into_values().collect();
    owners.sort_by(|a, b| (b.overdue, b.open).cmp(&(a.overdue, a.open)).then_with(|| a.name.cmp(&b.name)));

    let (mut overdue, mut open, mut done, mut wont_do) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (a, row) in items {
        match a.status {
            ActionStatus::Done => done.push(row),
            ActionStatus::WontDo => wont_do.push(row),
            _ if row.overdue => overdue.push(row),
            _ => open.push(row),
        }
    }
    // Closed items: most recently closed first.
    fn key(r: &ActionRow) -> Option<&str> {
        r.done_on.as_ref().map(|d| d.iso.as_str())
    }
    let closed_order = |a: &ActionRow, b: &ActionRow| {
        key(b).cmp(&key(a)).then_with(|| a.incident.id.cmp(&b.incident.id)).then_with(|| a.id.cmp(&b.id))
    };
    done.sort_by(closed_order);
    wont_do.sort_by(closed_order);

    let total = overdue.len() + open.len() + done.len() + wont_do.len();
    let countable = total - wont_do.len();
    let completion = (done.len() * 100).checked_div(countable).map_or_else(|| "—".to_string(), |pct| format!("{pct}%"));
    let page = Page {
        today: s.clock.date(s.clock.today()),
        stats: Stats {
            total,
            open: overdue.len() + open.len(),
            overdue: overdue.len(),
            done: done.len(),
            wont_do: wont_do.len(),
            countable,
            completion,
        },
        overdue,
        open,
        done,
        wont_do,
        owners,
    };
    r.page("actions.html", PATH, "actions", "Action items", &page)
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
