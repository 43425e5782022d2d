//! `index.html`: the status page, drawn from [`crate::status::Status`] (never recomputed here):
//! the banner, each service's state and 90-day bar, active incidents with their public updates,
//! maintenance, and what was resolved recently.

use super::context::{record_status_label, state_class, state_label, Card, Label, Shared};
use super::time::Time;
use super::{Rendered, Renderer};
use crate::record::{EventKind, Record};
use crate::status::{self, ComponentStatus, Indicator};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Banner {
    class: &'static str,
    text: String,
}

/// A day of a service's 90-day bar with something on it (days without are the bar's background).
#[derive(Serialize)]
struct DayView {
    /// The day's place in the bar: 0 for the first (oldest) day.
    x: usize,
    class: &'static str,
    /// The tooltip: the date and what happened.
    text: String,
    /// The incident page, when one record touched the day (the first one otherwise).
    url: Option<String>,
}

/// Consecutive days of a service's bar with the same state and the same records, drawn as one
/// shape (an incident that lasted three days is one link, not three): what the built-in
/// `index.html` draws, so that a hundred services' bars stay light. Its tooltip gives the dates.
#[derive(Serialize)]
struct SpanView {
    /// The first day's place in the bar: 0 for the first (oldest) day.
    x: usize,
    /// How many days it covers (1 or more).
    days: usize,
    class: &'static str,
    text: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct ServiceView {
    id: String,
    name: String,
    description: String,
    status: Label,
    availability: String,
    incident_days: usize,
    /// The service's incident history (`incidents/service/<id>/`), which its bar links to.
    history: String,
    days: Vec<DayView>,
    spans: Vec<SpanView>,
    active: Vec<Link>,
}

#[derive(Serialize)]
struct GroupView {
    name: Option<String>,
    status: Label,
    services: Vec<ServiceView>,
}

/// A status-page update (a public timeline entry).
#[derive(Serialize)]
pub struct UpdateView {
    pub time: Time,
    pub label: String,
    pub text: Option<String>,
    /// An update's text as sanitized HTML (inline Markdown); `None` for other entries.
    pub text_html: Option<String>,
}

#[derive(Serialize)]
struct Active<'a> {
    card: &'a Card,
    updates: Vec<UpdateView>,
}

#[derive(Serialize)]
struct Page<'a> {
    banner: Banner,
    notices: Vec<super::notices::NoticeView>,
    groups: Vec<GroupView>,
    active_incidents: Vec<Active<'a>>,
    active_maintenance: Vec<Active<'a>>,
    upcoming_maintenance: Vec<Active<'a>>,
    /// The newest [`RECENT_ROWS`] of the incidents resolved in the last `recent_days`.
    recently_resolved: Vec<&'a Card>,
    /// How many were resolved in those days (more than are listed when over [`RECENT_ROWS`]).
    recent_total: usize,
    recent_days: i64,
    history_days: i64,
}

/// The most recently resolved incidents the status page lists: the page does not grow with a busy
/// week (the history has the rest).
const RECENT_ROWS: usize = 10;

pub fn page(r: &Renderer) -> Result<Rendered> {
    let s = r.shared;
    let st = s.status();
    // The banner's colour follows the worst service state; an incident that declares no impact
    // still turns it from green to the "minor" colour, as its words already say.
    let class = match st.worst {
        ComponentStatus::Operational if st.indicator != Indicator::None => "degraded",
        w => state_class(w),
    };
    // The words of Statuspage's description (which the API keeps in English).
    let key = if st.indicator == Indicator::None && !st.active_maintenance.is_empty() {
        "banner.maintenance".to_string()
    } else {
        format!("banner.{}", st.indicator.as_str())
    };
    let banner = Banner { class, text: s.words.get(&key).to_string() };
    let active = |list: &[usize]| -> Vec<Active> {
        list.iter().map(|&i| Active { card: s.card(i), updates: updates(s, &s.view.records[i]) }).collect()
    };
    let page = Page {
        banner,
        notices: super::notices::current(s, &super::context::relative_root(PATH)),
        groups: groups(s),
        active_incidents: active(&st.active_incidents),
        active_maintenance: active(&st.active_maintenance),
        upcoming_maintenance: active(&st.upcoming_maintenance),
        recently_resolved: st.recently_resolved.iter().take(RECENT_ROWS).map(|&i| s.card(i)).collect(),
        recent_total: st.recently_resolved.len(),
        recent_days: status::RECENT_DAYS,
        history_days: status::HISTORY_DAYS,
    };
    r.page("index.html", PATH, "status", &s.view.config.title, &page)
}

const PATH: &str = "index.html";

/// The record's public timeline entries, newest first: what the status page shows as updates.
pub fn updates(s: &Shared, record: &Record) -> Vec<UpdateView> {
    let mut events = record.timeline_sorted();
    events.retain(|e| e.is_public());
    events
        .iter()
        .rev()
        .map(|e| UpdateView {
            time: s.clock.time(&e.at),
            label: match (e.kind, e.status) {
                (EventKind::Update, Some(st)) => record_status_label(st, &s.words).label,
                (kind, _) => super::incident::event_label(kind, &s.words).to_string(),
            },
            text: e.text.clone(),
            text_html: e
                .text
                .as_deref()
                .filter(|_| e.kind == EventKind::Update)
                .map(|t| super::markdown::render_update(t, &s.base_path, &super::context::relative_root(PATH))),
        })
        .collect()
}

/// Services in their groups, as services.yaml orders them; consecutive services without a group
/// share one untitled card.
fn groups(s: &Shared) -> Vec<GroupView> {
    let st = s.status();
    let mut out: Vec<GroupView> = Vec::new();
    for g in &st.groups {
        let services: Vec<ServiceView> = g.services.iter().map(|&i| service(s, &st.services[i])).collect();
        match out.last_mut() {
            Some(last) if last.name.is_none() && g.name.is_none() => last.services.extend(services),
            _ => out.push(GroupView { name: g.name.clone(), status: state_label(g.status, &s.words), services }),
        }
    }
    out
}

fn service(s: &Shared, svc: &status::ServiceState) -> ServiceView {
    let marked: Vec<(usize, &status::Day)> =
        svc.days.iter().enumerate().filter(|(_, d)| !d.records.is_empty() || d.worst.is_some()).collect();
    // A day's (or a span's) tooltip: its dates, its worst state, and the first record's id and how
    // many more. It stays short however busy the day was, and a page of a hundred services' bars
    // stays light (the record pages and the service's history have the rest).
    let tooltip = |d: &status::Day, dates: &str| {
        let what = match d.records.first() {
            None => String::new(),
            Some(first) => match d.records.len() - 1 {
                0 => first.clone(),
                more => s.words.fill("status_page.and_more", &[("first", first), ("n", &more.to_string())]),
            },
        };
        match (d.worst, what.is_empty()) {
            (Some(w), false) => format!("{dates}: {}. {what}", state_label(w, &s.words).label),
            (Some(w), true) => format!("{dates}: {}", state_label(w, &s.words).label),
            (None, _) => format!("{dates}: {what}"),
        }
    };
    let class = |d: &status::Day| state_class(d.worst.unwrap_or(ComponentStatus::Operational));
    let url =
        |d: &status::Day| d.records.first().filter(|id| s.by_id.contains_key(id.as_str())).map(|id| s.record_url(id));
    let days: Vec<DayView> = marked
        .iter()
        .map(|&(x, d)| DayView { x, class: class(d), text: tooltip(d, &s.words.date(d.date, "day")), url: url(d) })
        .collect();
    // A span is a run of following days with the same worst state and the same records.
    let keys: Vec<_> = marked.iter().map(|&(x, d)| (x, (d.worst, d.records.as_slice()))).collect();
    let spans: Vec<SpanView> = runs(&keys)
        .into_iter()
        .map(|(first, len)| {
            let (x, d) = marked[first];
            let from = s.words.date(d.date, "day");
            let dates = match len {
                1 => from,
                _ => format!("{from} – {}", s.words.date(marked[first + len - 1].1.date, "day")),
            };
            SpanView { x, days: len, class: class(d), text: tooltip(d, &dates), url: url(d) }
        })
        .collect();
    ServiceView {
        id: svc.id.clone(),
        name: svc.name.clone(),
        description: svc.description.clone(),
        status: state_label(svc.status, &s.words),
        availability: availability(svc.availability),
        incident_days: svc.days.iter().filter(|d| !d.records.is_empty()).count(),
        history: crate::render::urls::service(&svc.id),
        days,
        spans,
        active: svc
            .active
            .iter()
            .map(|&i| Link { title: s.card(i).title.clone(), url: s.card(i).url.clone() })
            .collect(),
    }
}

/// The runs of `items` (each a day's place in the bar and its key, in order) whose places follow
/// one another and whose keys are equal: (index of the run's first item, how many items).
fn runs<K: PartialEq>(items: &[(usize, K)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, (x, key)) in items.iter().enumerate() {
        match out.last_mut() {
            Some((first, len)) if items[*first + *len - 1].0 + 1 == *x && items[*first].1 == *key => *len += 1,
            _ => out.push((i, 1)),
        }
    }
    out
}

/// "99.95%", rounded down so that a little downtime never shows as 100%.
pub fn availability(pct: f64) -> String {
    if pct >= 100.0 {
        return "100%".into();
    }
    let floored = (pct * 100.0).floor() / 100.0;
    format!("{floored:.2}%")
}

#[cfg(test)]
mod tests {
    use super::{availability, runs};

    #[test]
    fn runs_join_following_days_with_equal_keys_only() {
        // Days 3, 4, 5 alike; 6 differs; 8 is alike but not next to 5; 9 follows 8.
        let items = [(3, "a"), (4, "a"), (5, "a"), (6, "b"), (8, "b"), (9, "b"), (10, "a")];
        assert_eq!(runs(&items), vec![(0, 3), (3, 1), (4, 2), (6, 1)]);
        assert_eq!(runs::<&str>(&[]), vec![]);
        assert_eq!(runs(&[(0, 1)]), vec![(0, 1)]);
    }

    #[test]
    fn availability_never_rounds_up_to_full() {
        assert_eq!(availability(100.0), "100%");
        assert_eq!(availability(99.9999), "99.99%");
        assert_eq!(availability(99.951), "99.95%");
        assert_eq!(availability(87.5), "87.50%");
    }
}
