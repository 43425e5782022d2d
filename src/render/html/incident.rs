//! `incidents/<id>/index.html`: one incident or maintenance record in full — facts, response
//! times, roles and handoffs, the timeline, the post-mortem, action items, links and git history.

use super::context::{record_status_label, Card, CommitView, Label, Shared};
use super::i18n::Words;
use super::time::{self, Time};
use super::tracker::{action_row, ActionRow};
use super::{markdown, Rendered, Renderer};
use crate::record::{EventKind, PostmortemStatus, Record};
use crate::render::urls;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Figure {
    abbr: &'static str,
    name: String,
    value: String,
}

#[derive(Serialize)]
struct RoleView {
    name: String,
    description: String,
    people: String,
}

#[derive(Serialize)]
struct Handoff {
    time: Time,
    role: String,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct EventView {
    time: Time,
    kind: &'static str,
    label: String,
    milestone: bool,
    /// A status-page update.
    update: bool,
    public: bool,
    status: Option<Label>,
    /// "SEV-2 → SEV-1", "Incident Commander: Alice Chen → Frank Li".
    detail: Option<String>,
    text: Option<String>,
    /// An update's text as sanitized HTML (inline Markdown); `None` for other entries.
    text_html: Option<String>,
    by: Option<String>,
}

#[derive(Serialize)]
struct PostmortemView {
    status: Label,
    facilitator: Option<String>,
    meeting: Option<time::Date>,
}

#[derive(Serialize)]
struct LinkView {
    id: String,
    title: String,
    url: Option<String>,
    date: Option<String>,
}

#[derive(Serialize)]
struct Page<'a> {
    card: &'a Card,
    figures: Vec<Figure>,
    figures_note: String,
    roles: Vec<RoleView>,
    handoffs: Vec<Handoff>,
    timeline: Vec<EventView>,
    postmortem: Option<PostmortemView>,
    body_html: String,
    actions: Vec<ActionRow>,
    actions_done: usize,
    related: Vec<LinkView>,
    related_from: Vec<LinkView>,
    runbooks: Vec<LinkView>,
    causes: Vec<String>,
    history: Vec<CommitView>,
    /// The record's free `extra:` map, for themes.
    extra: &'a serde_json::Value,
}

pub fn page(r: &Renderer, index: usize) -> Result<Rendered> {
    let s = r.shared;
    let record = &s.view.records[index];
    let card = s.card(index);
    let figures = if record.is_incident() { figures(s, record) } else { Vec::new() };
    let metrics = &s.view.config.metrics;
    let from = |f: crate::config::From| {
        s.words.get(match f {
            crate::config::From::Detected => "incident.from_detected",
            crate::config::From::Started => "incident.from_started",
        })
    };
    let figures_note = s
        .words
        .fill("incident.figures_note", &[("tta_from", from(metrics.mtta_from)), ("ttr_from", from(metrics.mttr_from))]);
    let path = urls::file(&urls::record(&record.id.value));
    let root = r.root(&path);
    let actions: Vec<ActionRow> = record.action_items.iter().map(|a| action_row(s, index, a, &root)).collect();
    let page = Page {
        card,
        figures,
        figures_note,
        roles: roles(s, record),
        handoffs: handoffs(s, record),
        timeline: record.timeline_sorted().into_iter().map(|e| event_view(s, record, e, &root)).collect(),
        postmortem: record.postmortem.as_ref().filter(|_| record.is_incident()).map(|p| PostmortemView {
            status: postmortem_label(p.status, &s.words),
            facilitator: p.facilitator.as_ref().map(|f| f.value.clone()),
            meeting: p.meeting.map(|d| s.clock.date(d)),
        }),
        body_html: if record.body.trim().is_empty() {
            String::new()
        } else {
            markdown::render(&record.body, 1, &s.base_path, &root)
        },
        actions_done: actions.iter().filter(|a| a.status.value == "done").count(),
        actions,
        related: record
            .related
            .iter()
            // An id the view does not hold (a private incident in a public build) is left out:
            // even its id would say too much.
            .filter_map(|id| s.by_id.get(id.value.as_str()).map(|&i| link(s, i)))
            .collect(),
        related_from: s.related_from[index]
            .iter()
            .filter(|&&i| !record.related.iter().any(|x| x.value == s.view.records[i].id.value))
            .map(|&i| link(s, i))
            .collect(),
        runbooks: record
            .runbooks
            .iter()
            .map(|id| match s.runbooks.get(id.value.as_str()) {
                Some(rb) => LinkView {
                    id: rb.id.clone(),
                    title: rb.title.clone(),
                    url: Some(urls::runbook(&rb.id)),
                    date: None,
                },
                None => LinkView { id: id.value.clone(), title: id.value.clone(), url: None, date: None },
            })
            .collect(),
        causes: record.causes.iter().map(|c| c.value.clone()).collect(),
        history: s.history(record),
        extra: &record.extra,
    };
    r.page("incident.html", &path, "incidents", record.title(), &page)
}

fn link(s: &Shared, i: usize) -> LinkView {
    let c = s.card(i);
    LinkView {
        id: c.id.clone(),
        title: c.title.clone(),
        url: Some(c.url.clone()),
        date: c.start.as_ref().map(|t| t.date.clone()),
    }
}

fn figures(s: &Shared, record: &Record) -> Vec<Figure> {
    let d = record.milestones.durations(&s.view.config.metrics);
    let show = |v: Option<i64>| v.map(|secs| s.clock.duration(secs)).unwrap_or_else(|| "—".to_string());
    vec![
        Figure { abbr: "TTD", name: s.words.get("incident.ttd").to_string(), value: show(d.ttd) },
        Figure { abbr: "TTA", name: s.words.get("incident.tta").to_string(), value: show(d.tta) },
        Figure { abbr: "TTM", name: s.words.get("incident.ttm").to_string(), value: show(d.ttm) },
        Figure { abbr: "TTR", name: s.words.get("incident.ttr").to_string(), value: show(d.ttr) },
    ]
}

/// The roles in the catalogue's order (ids and aliases resolved to names), people merged when a
/// role was written twice; roles the catalogue does not know come last, as written.
fn roles(s: &Shared, record: &Record) -> Vec<RoleView> {
    if !s.view.shows_people() {
        return filled_roles(s, record);
    }
    let policy = &s.view.policy;
    let mut known: Vec<(usize, RoleView)> = Vec::new();
    let mut unknown: Vec<RoleView> = Vec::new();
    for assignment in &record.roles {
        let people: Vec<&str> = assignment.people.iter().map(|p| p.value.as_str()).collect();
        match policy.role(&assignment.role) {
            Some(role) => {
                let rank = policy.roles.iter().position(|x| x.id == role.id).unwrap_or(usize::MAX);
                match known.iter_mut().find(|(r, _)| *r == rank) {
                    Some((_, view)) => {
                        for p in people {
                            if !view.people.split(", ").any(|x| x == p) {
                                view.people.push_str(", ");
                                view.people.push_str(p);
                            }
                        }
                    }
                    None => known.push((
                        rank,
                        RoleView {
                            name: role.name.clone(),
                            description: role.description.clone(),
                            people: people.join(", "),
                        },
                    )),
                }
            }
            None => unknown.push(RoleView {
                name: assignment.role.value.clone(),
                description: String::new(),
                people: people.join(", "),
            }),
        }
    }
    known.sort_by_key(|(rank, _)| *rank);
    known.into_iter().map(|(_, v)| v).chain(unknown).collect()
}

/// The roles that were filled, in the catalogue's order, without the people holding them: what a
/// public page shows unless `[public] people = true`.
fn filled_roles(s: &Shared, record: &Record) -> Vec<RoleView> {
    let policy = &s.view.policy;
    let mut out: Vec<(usize, RoleView)> = Vec::new();
    for assignment in &record.roles {
        let (rank, name, description) = match policy.role(&assignment.role) {
            Some(role) => (
                policy.roles.iter().position(|x| x.id == role.id).unwrap_or(usize::MAX),
                role.name.clone(),
                role.description.clone(),
            ),
            None => (usize::MAX, assignment.role.value.clone(), String::new()),
        };
        if !out.iter().any(|(_, v)| v.name == name) {
            out.push((rank, RoleView { name, description, people: s.words.get("incident.role_filled").to_string() }));
        }
    }
    out.sort_by_key(|(rank, _)| *rank);
    out.into_iter().map(|(_, v)| v).collect()
}

fn role_name(s: &Shared, written: &str) -> String {
    s.view.policy.role(written).map(|r| r.name.clone()).unwrap_or_else(|| written.to_string())
}

fn handoffs(s: &Shared, record: &Record) -> Vec<Handoff> {
    record
        .timeline_sorted()
        .into_iter()
        // A public view without people has no names to show.
        .filter(|e| e.kind == EventKind::Handoff && (e.from.is_some() || e.to.is_some()))
        .map(|e| Handoff {
            time: s.clock.time(&e.at),
            role: e.role.as_deref().map(|r| role_name(s, r)).unwrap_or_default(),
            from: e.from.clone().unwrap_or_default(),
            to: e.to.clone().unwrap_or_default(),
        })
        .collect()
}

/// Words for a timeline entry's kind.
pub fn event_label(kind: EventKind, w: &Words) -> &str {
    w.get(match kind {
        EventKind::Started => "event.started",
        EventKind::Detected => "event.detected",
        EventKind::Acknowledged => "event.acknowledged",
        EventKind::Mitigated => "event.mitigated",
        EventKind::Resolved => "event.resolved",
        EventKind::Update => "event.update",
        EventKind::Severity => "event.severity",
        EventKind::Handoff => "event.handoff",
        EventKind::Action => "event.action",
        EventKind::Decision => "event.decision",
        EventKind::Note => "event.note",
    })
}

fn event_view(s: &Shared, record: &Record, e: &crate::record::Event, root: &str) -> EventView {
    let arrow = |from: &Option<String>, to: &Option<String>| match (from, to) {
        (Some(f), Some(t)) => Some(format!("{f} → {t}")),
        (None, Some(t)) => Some(format!("→ {t}")),
        (Some(f), None) => Some(format!("{f} →")),
        (None, None) => None,
    };
    let detail = match e.kind {
        EventKind::Severity => arrow(&e.from, &e.to),
        EventKind::Handoff => {
            let role = e.role.as_deref().map(|r| role_name(s, r));
            match (role, arrow(&e.from, &e.to)) {
                (Some(role), Some(a)) => Some(format!("{role}: {a}")),
                (role, a) => role.or(a),
            }
        }
        _ => None,
    };
    EventView {
        time: s.clock.time(&e.at),
        kind: e.kind.as_str(),
        label: event_label(e.kind, &s.words).to_string(),
        milestone: e.kind.is_milestone(),
        update: e.kind == EventKind::Update,
        // A private record publishes nothing, whatever its entries say.
        public: e.is_public() && record.is_public(),
        status: e.status.map(|st| record_status_label(st, &s.words)),
        detail,
        text: e.text.clone(),
        text_html: e
            .text
            .as_deref()
            .filter(|_| e.kind == EventKind::Update)
            .map(|t| markdown::render_update(t, &s.base_path, root)),
        by: e.by.clone(),
    }
}

fn postmortem_label(status: PostmortemStatus, w: &Words) -> Label {
    let value = match status {
        PostmortemStatus::None => "none",
        PostmortemStatus::Draft => "draft",
        PostmortemStatus::Review => "review",
        PostmortemStatus::Published => "published",
    };
    let label = w.get(&format!("postmortem.{value}")).to_string();
    Label { value: value.into(), label, class: format!("pm-{value}") }
}
