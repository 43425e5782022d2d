//! `incidents/index.html` and its filtered twins: every record newest first, grouped by month
//! (in the site's time zone), with filter chips for severity, service and status that link to
//! pre-rendered pages — filtering works without JavaScript.
//!
//! Each list is paged so that no page outgrows a phone during an outage: a page holds whole
//! months, newest first, as many as fit in [`PAGE_ROWS`] records (a month with more is split
//! over pages of its own). Page 1 is the list's own `index.html`; page `n` is `page/<n>/index.html`
//! under it. A history that fits on one page has one page, with every record on it.

use super::context::{record_status_label, Card, Shared};
use super::{Rendered, Renderer};
use crate::record::Status as RecordStatus;
use crate::render::urls;
use crate::status;
use anyhow::Result;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use std::cmp::Ordering;

#[derive(Serialize, Clone)]
struct Chip {
    label: String,
    url: String,
    count: usize,
    active: bool,
}

#[derive(Serialize, Clone)]
struct ChipGroup {
    key: &'static str,
    name: String,
    chips: Vec<Chip>,
    /// Whether the page is this group's filter (one of its chips is active).
    active: bool,
}

#[derive(Serialize)]
struct Month<'a> {
    key: String,
    label: String,
    count: usize,
    /// The records listed, in order: `incidents.html` includes `incident_row.html` for each.
    cards: Vec<&'a Card>,
}

/// The most records a list page holds: rows are ~1.2 KB each, so a page stays well under the
/// 300 KB budget (docs/FORMAT.md) with room for the filter chips of a hundred services, and at
/// about 2,000 elements for a phone to lay out.
pub const PAGE_ROWS: usize = 100;

/// One page of a paged list, as the pager shows it.
#[derive(Serialize, Clone)]
struct PageLink {
    number: usize,
    /// The months it holds: "March 2026", "March – January 2026", "March 2026 (continued)".
    label: String,
    url: String,
}

/// The pager of a list page.
#[derive(Serialize)]
struct Pagination {
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
    /// This page's months (its link's label).
    label: String,
    /// Every page of the list, newest first.
    links: Vec<PageLink>,
}

#[derive(Serialize)]
struct Filter {
    dimension: &'static str,
    label: String,
}

#[derive(Serialize)]
struct Page<'a> {
    heading: String,
    filter: Option<Filter>,
    count: usize,
    total: usize,
    chips: Vec<ChipGroup>,
    months: Vec<Month<'a>>,
    pagination: Pagination,
}

/// When a record happened, for ordering: an incident's start, a maintenance window's start.
pub fn when(s: &Shared, i: usize) -> Option<DateTime<Utc>> {
    let r = &s.view.records[i];
    r.milestones.start().or_else(|| r.window.as_ref().map(|w| w.from)).map(|t| t.with_timezone(&Utc))
}

/// Newest first; records without a time last; ties by id.
pub fn newest_first(s: &Shared, a: usize, b: usize) -> Ordering {
    let (ta, tb) = (when(s, a), when(s, b));
    match (ta, tb) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| s.view.records[a].id.value.cmp(&s.view.records[b].id.value))
}

/// One list to build: its site path (page 1), heading, and which records it lists.
struct Spec {
    path: String,
    heading: String,
    filter: Option<Filter>,
    /// (group key, chip index) of the chip that is active.
    active: Option<(usize, usize)>,
    members: Vec<usize>,
}

/// Renders the list and its filter pages, handing each to `put` as it is made.
pub fn pages(r: &Renderer, put: &(dyn Fn(Rendered) -> Result<()> + Sync)) -> Result<()> {
    let s = r.shared;
    let records = &s.view.records;
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by(|&a, &b| newest_first(s, a, b));

    let mut specs: Vec<Spec> = vec![Spec {
        path: urls::HISTORY.into(),
        heading: s.words.get("history.heading").into(),
        filter: None,
        active: None,
        members: order.clone(),
    }];
    let mut groups: Vec<ChipGroup> = Vec::new();

    // Severity: every level of the policy, most severe first.
    let mut chips = Vec::new();
    for sev in &s.view.policy.severities {
        let members: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| records[i].severity.as_ref().is_some_and(|x| x.value == sev.id))
            .collect();
        let label = if sev.name.is_empty() { sev.id.clone() } else { format!("{} · {}", sev.id, sev.name) };
        chips.push(Chip { label: sev.id.clone(), url: urls::severity(&sev.id), count: members.len(), active: false });
        specs.push(Spec {
            path: urls::severity(&sev.id),
            heading: s.words.fill("history.severity_heading", &[("id", &sev.id)]),
            filter: Some(Filter { dimension: "severity", label }),
            active: Some((groups.len(), chips.len() - 1)),
            members,
        });
    }
    groups.push(ChipGroup { key: "severity", name: s.words.get("history.severity").into(), chips, active: false });

    // Service: every service of the policy, in its order.
    let mut chips = Vec::new();
    for svc in &s.view.policy.services {
        let members: Vec<usize> =
            order.iter().copied().filter(|&i| records[i].impact.iter().any(|x| x.service.value == svc.id)).collect();
        chips.push(Chip { label: svc.name.clone(), url: urls::service(&svc.id), count: members.len(), active: false });
        specs.push(Spec {
            path: urls::service(&svc.id),
            heading: s.words.fill("history.service_heading", &[("name", &svc.name)]),
            filter: Some(Filter { dimension: "service", label: svc.name.clone() }),
            active: Some((groups.len(), chips.len() - 1)),
            members,
        });
    }
    groups.push(ChipGroup { key: "service", name: s.words.get("history.service").into(), chips, active: false });

    // Status: the four incident states, then the maintenance states that occur.
    let mut chips = Vec::new();
    let statuses = RecordStatus::INCIDENT
        .iter()
        .map(|(_, st)| (*st, true))
        .chain(RecordStatus::MAINTENANCE.iter().map(|(_, st)| (*st, false)));
    let shown: Vec<Option<RecordStatus>> = records.iter().map(|r| status::shown_status(r, s.clock.now)).collect();
    for (st, always) in statuses {
        let members: Vec<usize> = order.iter().copied().filter(|&i| shown[i] == Some(st)).collect();
        if members.is_empty() && !always {
            continue;
        }
        let label = record_status_label(st, &s.words).label;
        chips.push(Chip { label: label.clone(), url: urls::status(st.as_str()), count: members.len(), active: false });
        specs.push(Spec {
            path: urls::status(st.as_str()),
            heading: s.words.fill(
                if always { "history.incidents_with_status" } else { "history.maintenance_with_status" },
                &[("label", &label)],
            ),
            filter: Some(Filter { dimension: "status", label }),
            active: Some((groups.len(), chips.len() - 1)),
            members,
        });
    }
    groups.push(ChipGroup { key: "status", name: s.words.get("history.status").into(), chips, active: false });

    let total = records.len();
    let month_of: Vec<Option<(i32, u32)>> =
        (0..total).map(|i| when(s, i).map(|t| t.with_timezone(&s.clock.tz)).map(|t| (t.year(), t.month()))).collect();
    // Every page of every list, rendered on every core: at most PAGE_ROWS cards in a context.
    let jobs: Vec<(&Spec, Vec<Vec<usize>>)> =
        specs.iter().map(|spec| (spec, paged(&spec.members, &month_of))).collect();
    let jobs: Vec<(&Spec, &Vec<Vec<usize>>, usize)> =
        jobs.iter().flat_map(|(spec, pages)| (0..pages.len()).map(move |n| (*spec, pages, n))).collect();
    use rayon::prelude::*;
    jobs.par_iter().try_for_each(|&(spec, pages, n)| {
        let mut chips = groups.clone();
        if let Some((g, c)) = spec.active {
            chips[g].chips[c].active = true;
            chips[g].active = true;
        }
        let url = |k: usize| urls::list_page(&spec.path, k + 1);
        let links: Vec<PageLink> = (0..pages.len())
            .map(|k| PageLink { number: k + 1, label: page_label(s, pages, k, &month_of), url: url(k) })
            .collect();
        let page = Page {
            heading: spec.heading.clone(),
            filter: spec.filter.as_ref().map(|f| Filter { dimension: f.dimension, label: f.label.clone() }),
            count: spec.members.len(),
            total,
            chips,
            months: months(s, &pages[n], &month_of),
            pagination: Pagination {
                page: n + 1,
                pages: pages.len(),
                previous: (n > 0).then(|| url(n - 1)),
                next: (n + 1 < pages.len()).then(|| url(n + 1)),
                label: links[n].label.clone(),
                links,
            },
        };
        let path = urls::file(&url(n));
        let title = if n == 0 {
            spec.heading.clone()
        } else {
            s.words.fill("history.page_title", &[("heading", &spec.heading), ("n", &(n + 1).to_string())])
        };
        put(r.page("incidents.html", &path, "incidents", &title, &page)?)
    })
}

/// A list's records cut into pages: whole months, newest first, as many as fit in [`PAGE_ROWS`];
/// a month with more is split. Always at least one page (an empty list has one, empty).
fn paged(members: &[usize], month_of: &[Option<(i32, u32)>]) -> Vec<Vec<usize>> {
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut k = 0;
    while k < members.len() {
        let month = month_of[members[k]];
        let len = members[k..].iter().take_while(|&&i| month_of[i] == month).count();
        let mut rest = &members[k..k + len];
        k += len;
        while !rest.is_empty() {
            let page = pages.last_mut().map_or(0, |p| p.len());
            if page > 0 && page + rest.len() > PAGE_ROWS {
                pages.push(Vec::new());
                continue;
            }
            let take = rest.len().min(PAGE_ROWS);
            if let Some(p) = pages.last_mut() {
                p.extend_from_slice(&rest[..take]);
            }
            rest = &rest[take..];
        }
    }
    pages
}

/// What page `k` of `pages` holds, for the pager: its months, newest first.
fn page_label(s: &Shared, pages: &[Vec<usize>], k: usize, month_of: &[Option<(i32, u32)>]) -> String {
    let w = &s.words;
    let page = &pages[k];
    let (Some(&first), Some(&last)) = (page.first(), page.last()) else {
        return w.get("history.no_records").to_string();
    };
    let date = |m: Option<(i32, u32)>| m.and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1));
    let (newest, oldest) = (date(month_of[first]), date(month_of[last]));
    let mut label = match (newest, oldest) {
        (Some(a), Some(b)) if a == b => w.date(a, "month"),
        (Some(a), Some(b)) if a.year() == b.year() => format!("{} – {}", w.date(a, "month_only"), w.date(b, "month")),
        (Some(a), Some(b)) => format!("{} – {}", w.date(a, "month"), w.date(b, "month")),
        (Some(a), None) => format!("{} – {}", w.date(a, "month"), w.get("history.undated")),
        (None, _) => w.get("history.undated").to_string(),
    };
    let continued = k > 0 && pages[k - 1].last().is_some_and(|&i| month_of[i] == month_of[first]);
    if continued {
        label.push(' ');
        label.push_str(w.get("history.continued"));
    }
    label
}
/// Consecutive members grouped by the month (site zone) they happened in.
fn months<'a>(s: &'a Shared, members: &[usize], month_of: &[Option<(i32, u32)>]) -> Vec<Month<'a>> {
    let mut out: Vec<Month> = Vec::new();
    let mut current = None;
    for &i in members {
        match out.last_mut() {
            Some(m) if current == Some(month_of[i]) => {
                m.count += 1;
                m.cards.push(s.card(i));
            }
            _ => {
                current = Some(month_of[i]);
                let (key, label) = match month_of[i].and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1)) {
                    Some(d) => (d.format("%Y-%m").to_string(), s.words.date(d, "month")),
                    None => ("undated".to_string(), s.words.get("history.undated").to_string()),
                };
                out.push(Month { key, label, count: 1, cards: vec![s.card(i)] });
            }
        }
    }
    out
}
