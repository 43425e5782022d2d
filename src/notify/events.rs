//! What subscribers are told: the events between the public view of a site at a base revision
//! and the public view of the working tree. Pure: two views and two instants in, events out.
//!
//! - Content events come from comparing the views: an incident that is new (or newly public) is
//!   `opened` (carrying its first public update), each public update not in the base is an
//!   `update`, and an incident that became resolved is `resolved` (its resolving update, or the
//!   resolution itself when no update said so).
//! - Clock events come from a maintenance window's phase at `since` in the base against its
//!   phase at `now` in the tree: `scheduled` (new and not yet over), `started`, `completed`,
//!   `cancelled`. When each run's `since` is the previous run's `now` (the deployed build's
//!   `built_at`), the runs' intervals tile time, so every edge of a window falls in exactly one.
//!
//! Each event has a stable id, `<record id>/<entry>`, the same whenever the same two versions
//! are compared, so a receiver can drop a repeat when a job is retried.

use crate::record::{Kind, Record, Status as RecordStatus};
use crate::render::api::statuspage::{timing, PublicUpdate, Timing};
use crate::site::View;
use crate::status::{self, MaintenancePhase};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    Opened,
    Update,
    Resolved,
    Scheduled,
    Started,
    Completed,
    Cancelled,
}

impl What {
    pub fn as_str(self) -> &'static str {
        match self {
            What::Opened => "opened",
            What::Update => "update",
            What::Resolved => "resolved",
            What::Scheduled => "scheduled",
            What::Started => "started",
            What::Completed => "completed",
            What::Cancelled => "cancelled",
        }
    }

    /// Words for a subject line: "Resolved".
    pub fn label(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (What::Opened, _) => "New incident",
            (What::Update, Kind::Incident) => "Incident update",
            (What::Update, Kind::Maintenance) => "Maintenance update",
            (What::Update, Kind::Notice) => "Notice",
            (What::Resolved, _) => "Resolved",
            (What::Scheduled, _) => "Maintenance scheduled",
            (What::Started, _) => "Maintenance started",
            (What::Completed, _) => "Maintenance completed",
            (What::Cancelled, _) => "Maintenance cancelled",
        }
    }
}

/// One thing to tell subscribers.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Stable: `<record id>/<entry>` (`opened`, `resolved`, `update-20260304T091200Z`, …).
    pub id: String,
    pub what: What,
    /// The record's index in the tree's public view.
    #[serde(skip)]
    pub record: usize,
    pub record_id: String,
    pub title: String,
    pub kind: Kind,
    /// When it happened (an update's time, a window's edge).
    pub at: DateTime<Utc>,
    /// The status the event announces.
    pub status: RecordStatus,
    /// The public text: the update's, or the record's summary.
    pub text: String,
    /// The services the record affects (their ids).
    pub services: Vec<String>,
}

/// The events between `before` (the public view at the base) at `since` and `after` (the public
/// view of the tree) at `now`, oldest first. Both views must be public ones.
pub fn compute(before: &View, after: &View, since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Event> {
    let old: BTreeMap<&str, &Record> = before.records.iter().map(|r| (r.id.value.as_str(), &**r)).collect();
    let mut out = Vec::new();
    for (index, record) in after.records.iter().enumerate() {
        let was = old.get(record.id.value.as_str()).copied();
        let new = Entry { index, record, timing: timing(record, now, after.history.as_deref()) };
        let old_timing = was.map(|r| timing(r, since, before.history.as_deref()));
        match record.kind {
            Kind::Incident => incident(&new, old_timing.as_ref(), &mut out),
            Kind::Maintenance => maintenance(&new, was, old_timing.as_ref(), since, now, &mut out),
            // Notices are kept apart in the view (`View::notices`), never among its records.
            Kind::Notice => {}
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    out
}

struct Entry<'a> {
    index: usize,
    record: &'a Record,
    timing: Timing,
}

impl Entry<'_> {
    fn event(&self, entry: &str, what: What, at: DateTime<Utc>, status: RecordStatus, text: String) -> Event {
        let r = self.record;
        let mut services: Vec<String> = Vec::new();
        for i in &r.impact {
            if !services.contains(&i.service.value) {
                services.push(i.service.value.clone());
            }
        }
        Event {
            id: format!("{}/{entry}", r.id.value),
            what,
            record: self.index,
            record_id: r.id.value.clone(),
            title: r.title().to_string(),
            kind: r.kind,
            at,
            status,
            text,
            services,
        }
    }

    /// The record's summary, else its title: the text of an event that has no update of its own.
    fn summary(&self) -> String {
        self.record.summary.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| self.record.title().to_string())
    }
}

/// An update's entry name: its time, with a counter for a second update at the same second.
fn update_entries(updates: &[PublicUpdate]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    updates
        .iter()
        .map(|u| {
            let stamp = format!("update-{}", u.at.format("%Y%m%dT%H%M%SZ"));
            let mut name = stamp.clone();
            let mut n = 1;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{stamp}-{n}");
            }
            name
        })
        .collect()
}

/// Whether an update (by time, status and text) is among `old`.
fn known(u: &PublicUpdate, old: Option<&Timing>) -> bool {
    old.is_some_and(|t| t.updates.iter().any(|o| o.at == u.at && o.status == u.status && o.body == u.body))
}

fn incident(new: &Entry, old: Option<&Timing>, out: &mut Vec<Event>) {
    let t = &new.timing;
    let written: Vec<&PublicUpdate> = t.updates.iter().filter(|u| u.written).collect();
    let names = update_entries(&t.updates);
    let mut opened = false;
    if old.is_none() {
        let first = written.first();
        let text = first.map(|u| u.body.clone()).filter(|b| !b.trim().is_empty()).unwrap_or_else(|| new.summary());
        let status = first.map(|u| u.status).unwrap_or(RecordStatus::Investigating);
        // Announced with its first public update (else when it began).
        let at = first.map(|u| u.at).unwrap_or(t.started_at);
        out.push(new.event("opened", What::Opened, at, status, text));
        opened = true;
    }
    let mut resolved_said = false;
    for (i, u) in t.updates.iter().enumerate() {
        let synthetic = !u.written;
        if synthetic || known(u, old) || (opened && written.first().is_some_and(|f| std::ptr::eq(*f, u))) {
            continue;
        }
        // The first word of a resolution is `resolved`; a later resolved update is an update.
        if u.status == RecordStatus::Resolved && !resolved_said && !resolved_before(old) {
            resolved_said = true;
            out.push(new.event("resolved", What::Resolved, u.at, u.status, u.body.clone()));
        } else {
            out.push(new.event(&names[i], What::Update, u.at, u.status, u.body.clone()));
        }
    }
    if let (Some(at), false, false) = (t.resolved_at, resolved_said, resolved_before(old)) {
        // Resolved without a written update saying so: the update `timing` made for it (the
        // public `resolved` entry's text, or Statuspage's stock sentence).
        let body = t.updates.iter().rev().find(|u| u.status == RecordStatus::Resolved).map(|u| u.body.clone());
        out.push(new.event(
            "resolved",
            What::Resolved,
            at,
            RecordStatus::Resolved,
            body.unwrap_or_else(|| new.summary()),
        ));
    }
}

/// Whether the base already told of a resolution (by the clock or by an update).
fn resolved_before(old: Option<&Timing>) -> bool {
    old.is_some_and(|o| o.resolved_at.is_some() || o.updates.iter().any(|u| u.status == RecordStatus::Resolved))
}

fn maintenance(
    new: &Entry,
    was: Option<&Record>,
    old: Option<&Timing>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    out: &mut Vec<Event>,
) {
    let record = new.record;
    let before = was.and_then(|r| status::maintenance_phase(r, since));
    let after = status::maintenance_phase(record, now);
    let window = record.window.as_ref().map(|w| (w.from.with_timezone(&Utc), w.until.with_timezone(&Utc)));
    let (from, until) = window.unwrap_or((now, now));
    use MaintenancePhase::{Active, Cancelled, Over, Upcoming};
    let first = new.timing.updates.iter().find(|u| u.written);
    match after {
        Some(Upcoming | Active) if before.is_none() => {
            let text = first.map(|u| u.body.clone()).filter(|b| !b.trim().is_empty()).unwrap_or_else(|| new.summary());
            out.push(new.event(
                "scheduled",
                What::Scheduled,
                first.map(|u| u.at).unwrap_or(now).min(now).min(from),
                RecordStatus::Scheduled,
                text,
            ));
        }
        _ => {}
    }
    let started = match (before, after) {
        (None | Some(Upcoming), Some(Active)) => true,
        (Some(Upcoming), Some(Over)) => from > since && from <= now,
        _ => false,
    };
    if started {
        out.push(new.event("started", What::Started, from.min(now), RecordStatus::InProgress, new.summary()));
    }
    if matches!(after, Some(Over)) && matches!(before, Some(Upcoming | Active)) {
        let done = new.timing.resolved_at.unwrap_or_else(|| until.min(now));
        out.push(new.event("completed", What::Completed, done, RecordStatus::Completed, new.summary()));
    }
    if matches!(after, Some(Cancelled)) && matches!(before, Some(Upcoming | Active)) {
        let text = record
            .timeline_sorted()
            .into_iter()
            .rev()
            .find(|e| e.status == Some(RecordStatus::Cancelled))
            .and_then(|e| e.text.clone())
            .unwrap_or_else(|| new.summary());
        out.push(new.event("cancelled", What::Cancelled, now, RecordStatus::Cancelled, text));
    }
    // The window's own written updates that are new, other than the one `scheduled` carried.
    if was.is_some() {
        let names = update_entries(&new.timing.updates);
        for (i, u) in new.timing.updates.iter().enumerate() {
            if u.written && !known(u, old) {
                out.push(new.event(&names[i], What::Update, u.at, u.status, u.body.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Audience, View};
    use std::sync::Arc;

    fn at(t: &str) -> DateTime<Utc> {
        t.parse().unwrap()
    }

    /// A public view of the records, made by the rules `Site::view` applies.
    fn view(records: &[&str]) -> View {
        let records = records
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut r = crate::record::parse(&format!("content/incidents/{i}.md"), text.as_bytes()).0.unwrap();
                let rules = crate::site::redact::Rules { hidden: Default::default(), public: Default::default() };
                crate::site::redact::record(&mut r, &rules);
                Arc::new(r)
            })
            .collect();
        View {
            audience: Audience::Public,
            config: Default::default(),
            policy: Default::default(),
            records,
            notices: Vec::new(),
            runbooks: Vec::new(),
            history: None,
        }
    }

    fn window(status: &str) -> String {
        format!("---\nkind: maintenance\nid: W\ntitle: Upgrade\nstatus: {status}\nwindow: {{from: 2026-03-10T11:00:00Z, until: 2026-03-10T13:00:00Z}}\nimpact:\n  database: maintenance\n---\n")
    }

    fn ids(before: &[&str], after: &[&str], since: &str, now: &str) -> Vec<String> {
        compute(&view(before), &view(after), at(since), at(now)).into_iter().map(|e| e.id).collect()
    }

    #[test]
    fn a_window_is_scheduled_started_and_completed_once_each() {
        let w = window("scheduled");
        assert_eq!(ids(&[], &[&w], "2026-03-10T08:00:00Z", "2026-03-10T09:00:00Z"), ["W/scheduled"]);
        assert_eq!(ids(&[&w], &[&w], "2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z"), Vec::<String>::new());
        assert_eq!(ids(&[&w], &[&w], "2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"), ["W/started"]);
        assert_eq!(ids(&[&w], &[&w], "2026-03-10T11:00:00Z", "2026-03-10T12:00:00Z"), Vec::<String>::new());
        assert_eq!(ids(&[&w], &[&w], "2026-03-10T12:00:00Z", "2026-03-10T13:00:00Z"), ["W/completed"]);
        assert_eq!(ids(&[&w], &[&w], "2026-03-10T13:00:00Z", "2026-03-10T14:00:00Z"), Vec::<String>::new());
        // A run that spans the whole window tells both edges.
        assert_eq!(ids(&[&w], &[&w], "2026-03-10T10:00:00Z", "2026-03-10T14:00:00Z"), ["W/started", "W/completed"]);
        // A new window announced while it runs: scheduled and started.
        assert_eq!(ids(&[], &[&w], "2026-03-10T11:30:00Z", "2026-03-10T12:00:00Z"), ["W/scheduled", "W/started"]);
        // A window recorded after it ended is history, not news.
        assert_eq!(ids(&[], &[&w], "2026-03-10T14:00:00Z", "2026-03-10T15:00:00Z"), Vec::<String>::new());
    }

    #[test]
    fn a_cancelled_window_is_told_once_and_a_new_cancelled_one_not_at_all() {
        let (w, c) = (window("scheduled"), window("cancelled"));
        assert_eq!(ids(&[&w], &[&c], "2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z"), ["W/cancelled"]);
        assert_eq!(ids(&[&c], &[&c], "2026-03-10T10:00:00Z", "2026-03-10T11:30:00Z"), Vec::<String>::new());
        assert_eq!(ids(&[], &[&c], "2026-03-10T09:00:00Z", "2026-03-10T10:00:00Z"), Vec::<String>::new());
    }

    const OPEN: &str = "---\nid: I\ntitle: Down\nseverity: SEV-4\nstatus: investigating\nimpact:\n  api: major\ntimeline:\n  - at: 2026-03-10T09:00:00Z\n    event: started\n  - at: 2026-03-10T09:10:00Z\n    event: update\n    text: Looking.\n---\n";
    const RESOLVED_SILENTLY: &str = "---\nid: I\ntitle: Down\nseverity: SEV-4\nstatus: resolved\nimpact:\n  api: major\ntimeline:\n  - at: 2026-03-10T09:00:00Z\n    event: started\n  - at: 2026-03-10T09:10:00Z\n    event: update\n    text: Looking.\n  - at: 2026-03-10T09:40:00Z\n    event: resolved\n    text: internal detail\n---\n";

    #[test]
    fn an_incident_opens_once_and_a_resolution_without_an_update_is_still_told() {
        assert_eq!(ids(&[], &[OPEN], "2026-03-10T09:00:00Z", "2026-03-10T09:15:00Z"), ["I/opened"]);
        assert_eq!(ids(&[OPEN], &[OPEN], "2026-03-10T09:15:00Z", "2026-03-10T09:30:00Z"), Vec::<String>::new());
        // The `resolved` entry is internal: the event says Statuspage's stock sentence.
        let events = compute(
            &view(&[OPEN]),
            &view(&[RESOLVED_SILENTLY]),
            at("2026-03-10T09:30:00Z"),
            at("2026-03-10T10:00:00Z"),
        );
        assert_eq!(events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["I/resolved"]);
        assert_eq!(events[0].services, ["api"]);
        assert_eq!(events[0].text, "This incident has been resolved.");
    }
}
