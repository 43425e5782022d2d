//! What changed in one record between two versions, as `incsite diff` lists it: every change the
//! public can see (status, severity, title, summary, impact, the window, each public timeline
//! entry added, changed or removed, each action item's status).

use super::diff::FieldChange;
use crate::record::{ActionItem, ActionStatus, Event, Record};

/// The changes from `was` to `now`, in a stable order.
pub fn changes(was: &Record, now: &Record) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut field = |field: &str, from: Option<String>, to: Option<String>| {
        if from != to {
            out.push(FieldChange { field: field.to_string(), from, to });
        }
    };
    let status = |r: &Record| r.status.as_ref().map(|s| s.value.as_str().to_string());
    let severity = |r: &Record| r.severity.as_ref().map(|s| s.value.clone());
    let title = |r: &Record| r.title.as_ref().map(|s| s.value.clone());
    let visibility = |r: &Record| Some(if r.is_public() { "public" } else { "private" }.to_string());
    field("status", status(was), status(now));
    field("severity", severity(was), severity(now));
    field("visibility", visibility(was), visibility(now));
    field("title", title(was), title(now));
    field("summary", was.summary.clone(), now.summary.clone());
    field("impact", impact(was), impact(now));
    field("window", window(was), window(now));
    out.extend(timeline(was, now));
    out.extend(actions(was, now));
    out
}

/// `checkout-api: major, payments: degraded`, or `None` without impact.
fn impact(r: &Record) -> Option<String> {
    let parts: Vec<String> = r.impact.iter().map(|i| format!("{}: {}", i.service.value, i.level.as_str())).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn window(r: &Record) -> Option<String> {
    r.window.as_ref().map(|w| format!("{} – {}", w.value.from.to_rfc3339(), w.value.until.to_rfc3339()))
}

/// A public timeline entry in one line: `2026-03-04T09:25:00+00:00 update (investigating): text`.
fn describe(e: &Event) -> String {
    let mut s = format!("{} {}", e.at.to_rfc3339(), e.kind.as_str());
    if let Some(status) = e.status {
        s.push_str(&format!(" ({})", status.as_str()));
    }
    if let Some(text) = &e.text {
        s.push_str(": ");
        s.push_str(text.trim());
    }
    s
}

/// The public entries added, changed (same time and kind, other text or status) and removed.
fn timeline(was: &Record, now: &Record) -> Vec<FieldChange> {
    let public = |r: &Record| -> Vec<Event> { r.timeline.iter().filter(|e| e.is_public()).cloned().collect() };
    let (old, new) = (public(was), public(now));
    let key = |e: &Event| (e.at, e.kind);
    let mut out = Vec::new();
    let mut matched = vec![false; old.len()];
    for e in &new {
        let same = old.iter().enumerate().position(|(i, o)| !matched[i] && key(o) == key(e));
        match same {
            Some(i) => {
                matched[i] = true;
                let (from, to) = (describe(&old[i]), describe(e));
                if from != to {
                    out.push(FieldChange { field: "timeline".into(), from: Some(from), to: Some(to) });
                }
            }
            None => out.push(FieldChange { field: "timeline".into(), from: None, to: Some(describe(e)) }),
        }
    }
    for (o, _) in old.iter().zip(&matched).filter(|(_, m)| !**m) {
        out.push(FieldChange { field: "timeline".into(), from: Some(describe(o)), to: None });
    }
    out
}

fn action_status(s: ActionStatus) -> String {
    ActionStatus::ALL.iter().find(|(_, v)| *v == s).map(|(n, _)| n.to_string()).unwrap_or_default()
}

/// Each action item's status, matched by id (`<incident>#<n>` when not written) or title.
fn actions(was: &Record, now: &Record) -> Vec<FieldChange> {
    let name = |a: &ActionItem| a.title.clone().unwrap_or_else(|| a.id.clone());
    let find = |items: &[ActionItem], a: &ActionItem| -> Option<ActionStatus> {
        items
            .iter()
            .find(|o| o.title.is_some() && o.title == a.title)
            .or_else(|| items.iter().find(|o| o.id == a.id))
            .map(|o| o.status)
    };
    let mut out = Vec::new();
    for a in &now.action_items {
        let from = find(&was.action_items, a).map(action_status);
        let to = Some(action_status(a.status));
        if from != to {
            out.push(FieldChange { field: format!("action item: {}", name(a)), from, to });
        }
    }
    for a in &was.action_items {
        if find(&now.action_items, a).is_none() {
            out.push(FieldChange {
                field: format!("action item: {}", name(a)),
                from: Some(action_status(a.status)),
                to: None,
            });
        }
    }
    out
}
