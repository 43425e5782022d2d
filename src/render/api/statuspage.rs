//! Statuspage's public API v2, file by file and field by field, so that existing Statuspage
//! clients, widgets and exporters work when pointed at an incsite site.
//!
//! How incsite maps onto Statuspage:
//! - `page.id` (and every `page_id`) is a slug of the base URL without its scheme
//!   (`https://status.acme.example` → `status-acme-example`); `page.url` is the base URL;
//!   `page.time_zone` is the site's `timezone`; `page.updated_at` the last change anywhere.
//! - A service is a component whose id is the service id. A group in services.yaml is a component
//!   with `group: true`, the id `group-<slug of its name>` and `components` listing its members'
//!   ids; members carry its id in `group_id`. `position` counts from 1 among the top-level entries,
//!   and within a group among its members. A component's `created_at` is the earliest time in the
//!   site's records, its `updated_at` the last time an incident or window changed its state.
//! - Incident ids are used as-is; `shortlink` is the incident's page. `impact` is
//!   [`status::incident_impact`]. `incident_updates`, newest first, are the record's public
//!   `update` entries, plus a `resolved` update at the `resolved` milestone when no update said so
//!   (with the `resolved` entry's text when it is public, else Statuspage's stock sentence).
//! - Maintenance windows have `impact: "maintenance"`, `scheduled_for` / `scheduled_until` from
//!   the window, and a status from [`status::maintenance_phase`]: upcoming → `scheduled`, inside
//!   the window → `in_progress`, over → `completed` (as Statuspage's automatic transitions do,
//!   with its stock update texts when the record has none). A cancelled window appears in none of
//!   these files: Statuspage has no such state, and a client would show it as done or due; it stays
//!   in `maintenance.ics` (as `STATUS:CANCELLED`), the Atom feed and `api/incidents.json`.
//! - `incidents.json` holds the 50 most recent incidents (by start) and every unresolved one
//!   (none that begins after the build's now: a build of an earlier day shows that day's page);
//!   `scheduled-maintenances.json` the 50 most recent windows (by start) and every active or
//!   upcoming one. An incident's status is never `postmortem`: a published post-mortem is in
//!   incsite's own export.

use super::{base_url, json, record_url, slug, time};
use crate::git::History;
use crate::record::{EventKind, ImpactLevel, Kind, Record, Status as RecordStatus};
use crate::render::{Options, Pages};
use crate::site::View;
use crate::status::{self, ComponentStatus, MaintenancePhase, Status};
use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many incidents `incidents.json` and windows `scheduled-maintenances.json` list.
const RECENT: usize = 50;

/// Statuspage's stock update texts, for the transitions it would post by itself.
const RESOLVED_TEXT: &str = "This incident has been resolved.";
const IN_PROGRESS_TEXT: &str = "Scheduled maintenance is currently in progress. We will provide updates as necessary.";
const COMPLETED_TEXT: &str = "The scheduled maintenance has been completed.";

#[derive(Debug, Clone, Serialize)]
struct Page {
    id: String,
    name: String,
    url: String,
    time_zone: String,
    updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
struct Indicator {
    indicator: &'static str,
    description: String,
}

#[derive(Debug, Clone, Serialize)]
struct Component {
    id: String,
    name: String,
    status: &'static str,
    created_at: String,
    updated_at: String,
    position: usize,
    description: Option<String>,
    showcase: bool,
    start_date: Option<String>,
    group_id: Option<String>,
    page_id: String,
    group: bool,
    only_show_if_degraded: bool,
    /// Only on groups: the members' ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    components: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
struct Incident {
    id: String,
    name: String,
    status: &'static str,
    created_at: String,
    updated_at: String,
    monitoring_at: Option<String>,
    resolved_at: Option<String>,
    impact: &'static str,
    shortlink: String,
    started_at: String,
    page_id: String,
    incident_updates: Vec<IncidentUpdate>,
    components: Vec<Component>,
    /// Only on scheduled maintenances.
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_for: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_until: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct IncidentUpdate {
    id: String,
    status: &'static str,
    body: String,
    incident_id: String,
    created_at: String,
    updated_at: String,
    display_at: String,
    affected_components: Option<Vec<AffectedComponent>>,
    deliver_notifications: bool,
}

#[derive(Debug, Clone, Serialize)]
struct AffectedComponent {
    code: String,
    name: String,
    old_status: &'static str,
    new_status: &'static str,
}

#[derive(Serialize)]
struct StatusFile<'a> {
    page: &'a Page,
    status: &'a Indicator,
}

#[derive(Serialize)]
struct ComponentsFile<'a> {
    page: &'a Page,
    components: &'a [Component],
}

#[derive(Serialize)]
struct IncidentsFile<'a> {
    page: &'a Page,
    incidents: Vec<&'a Incident>,
}

#[derive(Serialize)]
struct MaintenancesFile<'a> {
    page: &'a Page,
    scheduled_maintenances: Vec<&'a Incident>,
}

#[derive(Serialize)]
struct SummaryFile<'a> {
    page: &'a Page,
    components: &'a [Component],
    incidents: Vec<&'a Incident>,
    scheduled_maintenances: Vec<&'a Incident>,
    status: &'a Indicator,
}

/// One public status update of a record, as Statuspage (and the Atom feed) shows it.
#[derive(Debug, Clone)]
pub(crate) struct PublicUpdate {
    /// Unique across the site: `<record id>-<file position>` or `<record id>-<synthetic status>`.
    pub id: String,
    pub status: RecordStatus,
    pub body: String,
    pub at: DateTime<Utc>,
    /// Written in the record (not one of Statuspage's automatic updates made up for it).
    pub written: bool,
    /// The update's `impact:` (service → level, `None` operational); empty when it says none.
    pub impact: Vec<(String, Option<ImpactLevel>)>,
}

/// A record's public updates and the times Statuspage reports for it.
#[derive(Debug, Clone)]
pub(crate) struct Timing {
    /// Oldest first.
    pub updates: Vec<PublicUpdate>,
    /// When the incident began, or the window opens.
    pub started_at: DateTime<Utc>,
    /// The earliest time the record mentions (never after now).
    pub created_at: DateTime<Utc>,
    /// The latest time up to now at which the record changed.
    pub updated_at: DateTime<Utc>,
    pub monitoring_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The public updates and times of a record in a view, at `now`. The record file's first commit
/// (from `history`, when the site is a git repository) stands in for when a maintenance window
/// without any timeline entry was announced.
pub(crate) fn timing(record: &Record, now: DateTime<Utc>, history: Option<&History>) -> Timing {
    let utc = |t: &DateTime<chrono::FixedOffset>| t.with_timezone(&Utc);
    let committed =
        history.and_then(|h| h.by_path.get(&record.path)).and_then(|c| c.iter().map(|c| utc(&c.date)).min());
    let timeline = record.timeline_sorted();
    let mut updates: Vec<PublicUpdate> = timeline
        .iter()
        .filter(|e| e.kind == EventKind::Update && utc(&e.at) <= now)
        .map(|e| PublicUpdate {
            id: format!("{}-{}", record.id.value, e.index + 1),
            status: e.status.unwrap_or(if record.is_incident() {
                RecordStatus::Investigating
            } else {
                RecordStatus::Scheduled
            }),
            body: e.text.clone().unwrap_or_default(),
            at: utc(&e.at),
            written: true,
            impact: e.impact.iter().map(|i| (i.service.value.clone(), i.level)).collect(),
        })
        .collect();
    let first_event = timeline.first().map(|e| utc(&e.at));
    let window = record.window.as_ref().map(|w| (utc(&w.from), utc(&w.until)));
    let said = |updates: &[PublicUpdate], s: RecordStatus| updates.iter().any(|u| u.status == s);
    let synthetic = |status: RecordStatus, body: String, at: DateTime<Utc>| PublicUpdate {
        id: format!("{}-{}", record.id.value, status.as_str().replace('_', "-")),
        status,
        body,
        at,
        written: false,
        impact: Vec::new(),
    };

    let started_at = match record.kind {
        Kind::Incident => record.milestones.start().map(|t| utc(&t)),
        Kind::Maintenance => window.map(|(from, _)| from),
        Kind::Notice => record.notice.as_ref().map(|n| utc(&n.from)),
    }
    .or(updates.first().map(|u| u.at))
    .or(first_event)
    .unwrap_or(now);
    let mut resolved_at = None;
    match record.kind {
        Kind::Incident => {
            if let Some(resolved) = record.milestones.resolved.map(|t| utc(&t)).filter(|t| *t <= now) {
                resolved_at = Some(resolved);
                if !said(&updates, RecordStatus::Resolved) {
                    let text = timeline.iter().find(|e| e.kind == EventKind::Resolved).and_then(|e| e.text.clone());
                    let body = text.unwrap_or_else(|| RESOLVED_TEXT.to_string());
                    updates.push(synthetic(RecordStatus::Resolved, body, resolved));
                }
            }
        }
        Kind::Maintenance => {
            let phase = status::maintenance_phase(record, now);
            if updates.is_empty() && phase != Some(MaintenancePhase::Cancelled) {
                let at = first_event.or(committed).unwrap_or(started_at).min(now);
                let body = record.summary.clone().unwrap_or_else(|| record.title().to_string());
                updates.push(synthetic(RecordStatus::Scheduled, body, at));
            }
            match (phase, window) {
                (Some(MaintenancePhase::Active), Some((from, _))) if !said(&updates, RecordStatus::InProgress) => {
                    updates.push(synthetic(RecordStatus::InProgress, IN_PROGRESS_TEXT.to_string(), from));
                }
                (Some(MaintenancePhase::Over), Some((_, until))) => {
                    let done = updates.iter().find(|u| u.status == RecordStatus::Completed).map(|u| u.at);
                    resolved_at = Some(done.unwrap_or_else(|| until.min(now)));
                    if done.is_none() {
                        updates.push(synthetic(RecordStatus::Completed, COMPLETED_TEXT.to_string(), until.min(now)));
                    }
                }
                _ => {}
            }
        }
        Kind::Notice => {}
    }
    updates.sort_by_key(|u| u.at);

    let mentioned = || updates.iter().map(|u| u.at).chain(timeline.iter().map(|e| utc(&e.at))).chain(resolved_at);
    let created_at = mentioned().chain([started_at, now]).min().unwrap_or(now);
    let updated_at = mentioned().filter(|t| *t <= now).chain([created_at]).max().unwrap_or(created_at);
    let monitoring_at = updates.iter().find(|u| u.status == RecordStatus::Monitoring).map(|u| u.at);
    Timing { updates, started_at, created_at, updated_at, monitoring_at, resolved_at }
}

/// A record status in Statuspage's words (a cancelled window has none; it reads as completed).
fn statuspage_status(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Cancelled => "completed",
        other => other.as_str(),
    }
}

/// The page id: a slug of the base URL without its scheme.
pub(crate) fn page_id(opts: &Options) -> String {
    let url = base_url(opts);
    let without_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let id = slug(without_scheme);
    if id.is_empty() {
        "incsite".to_string()
    } else {
        id
    }
}

/// Everything the files share, computed once.
struct Api {
    page: Page,
    indicator: Indicator,
    /// In Statuspage order: each top-level entry, a group followed by its members.
    components: Vec<Component>,
    /// Per record of the view: `Some` for the records a file lists (made only for those: at
    /// 10,000 records, the recent 50 and the unresolved, active and upcoming ones).
    incidents: Vec<Option<Incident>>,
    /// The incidents of `api/v2/incidents.json` and the windows of
    /// `api/v2/scheduled-maintenances.json`, as indexes into `incidents`.
    recent_incidents: Vec<usize>,
    recent_maintenances: Vec<usize>,
}

pub fn render(view: &View, status: &Status, opts: &Options, pages: &mut Pages) -> Result<()> {
    let api = build(view, status, opts, &[]);
    let page = &api.page;
    let pick =
        |indexes: &[usize]| -> Vec<&Incident> { indexes.iter().filter_map(|&i| api.incidents[i].as_ref()).collect() };
    let unresolved = pick(&status.active_incidents);
    let active = pick(&status.active_maintenance);
    let upcoming = pick(&status.upcoming_maintenance);
    let in_summary: Vec<&Incident> = active.iter().chain(&upcoming).copied().collect();

    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "api/v2/summary.json",
            json(
                "api/v2/summary.json",
                &SummaryFile {
                    page,
                    components: &api.components,
                    incidents: unresolved.clone(),
                    scheduled_maintenances: in_summary,
                    status: &api.indicator,
                },
            )?,
        ),
        ("api/v2/status.json", json("api/v2/status.json", &StatusFile { page, status: &api.indicator })?),
        (
            "api/v2/components.json",
            json("api/v2/components.json", &ComponentsFile { page, components: &api.components })?,
        ),
        (
            "api/v2/incidents.json",
            json("api/v2/incidents.json", &IncidentsFile { page, incidents: pick(&api.recent_incidents) })?,
        ),
        (
            "api/v2/incidents/unresolved.json",
            json("api/v2/incidents/unresolved.json", &IncidentsFile { page, incidents: unresolved })?,
        ),
        (
            "api/v2/scheduled-maintenances.json",
            json(
                "api/v2/scheduled-maintenances.json",
                &MaintenancesFile { page, scheduled_maintenances: pick(&api.recent_maintenances) },
            )?,
        ),
        (
            "api/v2/scheduled-maintenances/upcoming.json",
            json(
                "api/v2/scheduled-maintenances/upcoming.json",
                &MaintenancesFile { page, scheduled_maintenances: upcoming },
            )?,
        ),
        (
            "api/v2/scheduled-maintenances/active.json",
            json(
                "api/v2/scheduled-maintenances/active.json",
                &MaintenancesFile { page, scheduled_maintenances: active },
            )?,
        ),
    ];
    for (path, bytes) in files {
        pages.insert(path.to_string(), bytes);
    }
    Ok(())
}

/// The Statuspage shapes `notify`'s webhooks carry, as the API files show them at `opts.now`:
/// the page (as Statuspage's webhooks describe it), and the incident (or scheduled maintenance)
/// of each record at `indexes` with its components. A cancelled window, which the API files leave
/// out, is shaped as it would stand by the clock, with the status `cancelled`.
pub struct Shapes {
    pub page: serde_json::Value,
    pub incidents: BTreeMap<usize, serde_json::Value>,
    pub components: BTreeMap<String, serde_json::Value>,
}

pub(crate) fn shapes(view: &View, opts: &Options, indexes: &[usize]) -> Shapes {
    let status = status::compute(view, opts.now);
    let api = build(view, &status, opts, indexes);
    let page = serde_json::json!({
        "id": api.page.id,
        "status_indicator": api.indicator.indicator,
        "status_description": api.indicator.description,
    });
    let mut incidents = BTreeMap::new();
    for &i in indexes {
        let shaped = api.incidents.get(i).and_then(Option::as_ref).and_then(|inc| serde_json::to_value(inc).ok());
        let shaped = shaped.or_else(|| {
            let record = view.records.get(i)?;
            if status::maintenance_phase(record, opts.now) != Some(MaintenancePhase::Cancelled) {
                return None;
            }
            let mut by_clock = (**record).clone();
            by_clock.status = None;
            let timing = timing(&by_clock, opts.now, view.history.as_deref());
            let by_service: BTreeMap<String, usize> =
                api.components.iter().enumerate().map(|(n, c)| (c.id.clone(), n)).collect();
            let inc = incident(&by_clock, &timing, opts.now, opts, &api.page.id, &api.components, &by_service)?;
            let mut value = serde_json::to_value(inc).ok()?;
            value["status"] = "cancelled".into();
            Some(value)
        });
        if let Some(value) = shaped {
            incidents.insert(i, value);
        }
    }
    let components =
        api.components.iter().filter_map(|c| Some((c.id.clone(), serde_json::to_value(c).ok()?))).collect();
    Shapes { page, incidents, components }
}

fn build(view: &View, status: &Status, opts: &Options, extra: &[usize]) -> Api {
    let now = opts.now;
    let page_id = page_id(opts);
    let timings: Vec<Timing> = view.records.iter().map(|r| timing(r, now, view.history.as_deref())).collect();
    let epoch = timings.iter().map(|t| t.created_at).chain([now]).min().unwrap_or(now);

    // When each service last changed state: an incident's start and end, a window's edges.
    let mut changed: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    for record in &view.records {
        let edges: Vec<DateTime<Utc>> = match status::maintenance_phase(record, now) {
            Some(MaintenancePhase::Cancelled) => Vec::new(),
            Some(_) => record
                .window
                .as_ref()
                .map(|w| vec![w.from.with_timezone(&Utc), w.until.with_timezone(&Utc)])
                .unwrap_or_default(),
            None => status::incident_span(record)
                .map(|(s, e)| [Some(s), e].into_iter().flatten().collect())
                .unwrap_or_default(),
        };
        for impact in &record.impact {
            for &t in edges.iter().filter(|t| **t <= now) {
                let entry = changed.entry(impact.service.value.as_str()).or_insert(t);
                *entry = (*entry).max(t);
            }
        }
    }

    // Components: groups (with their members after them) and ungrouped services, in file order.
    let mut components = Vec::new();
    let mut by_service = BTreeMap::new();
    let mut taken: BTreeSet<String> = status.services.iter().map(|s| s.id.clone()).collect();
    let component = |svc: &status::ServiceState, position: usize, group_id: Option<String>| Component {
        id: svc.id.clone(),
        name: svc.name.clone(),
        status: svc.status.as_str(),
        created_at: time(&epoch),
        updated_at: time(&changed.get(svc.id.as_str()).copied().unwrap_or(epoch).max(epoch)),
        position,
        description: Some(svc.description.clone()).filter(|d| !d.trim().is_empty()),
        showcase: true,
        start_date: None,
        group_id,
        page_id: page_id.clone(),
        group: false,
        only_show_if_degraded: false,
        components: None,
    };
    for (top, group) in status.groups.iter().enumerate() {
        let position = top + 1;
        let Some(name) = &group.name else {
            for &si in &group.services {
                by_service.insert(status.services[si].id.clone(), components.len());
                components.push(component(&status.services[si], position, None));
            }
            continue;
        };
        let base = format!("group-{}", slug(name)).trim_end_matches('-').to_string();
        let mut id = base.clone();
        let mut n = 1;
        while taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        taken.insert(id.clone());
        let members: Vec<Component> = group
            .services
            .iter()
            .enumerate()
            .map(|(m, &si)| component(&status.services[si], m + 1, Some(id.clone())))
            .collect();
        let updated = members.iter().map(|c| c.updated_at.clone()).max().unwrap_or_else(|| time(&epoch));
        components.push(Component {
            id: id.clone(),
            name: name.clone(),
            status: group.status.as_str(),
            created_at: time(&epoch),
            updated_at: updated,
            position,
            description: None,
            showcase: false,
            start_date: None,
            group_id: None,
            page_id: page_id.clone(),
            group: true,
            only_show_if_degraded: false,
            components: Some(members.iter().map(|c| c.id.clone()).collect()),
        });
        for member in members {
            by_service.insert(member.id.clone(), components.len());
            components.push(member);
        }
    }

    let records = &view.records;
    let listed: Vec<bool> = records.iter().zip(&timings).map(|(r, t)| listed(r, t, now)).collect();
    // Newest first by start; ties by id. Unresolved / active / upcoming ones always included.
    let recent = |kind: Kind, always: &[usize]| -> Vec<usize> {
        let mut idx: Vec<usize> = (0..records.len()).filter(|&i| records[i].kind == kind && listed[i]).collect();
        idx.sort_by_cached_key(|&i| std::cmp::Reverse((time(&timings[i].started_at), records[i].id.value.clone())));
        idx.iter().enumerate().filter(|(n, i)| *n < RECENT || always.contains(i)).map(|(_, &i)| i).collect()
    };
    let recent_incidents = recent(Kind::Incident, &status.active_incidents);
    let ongoing: Vec<usize> = status.active_maintenance.iter().chain(&status.upcoming_maintenance).copied().collect();
    let recent_maintenances = recent(Kind::Maintenance, &ongoing);
    let wanted: BTreeSet<usize> = [&recent_incidents, &recent_maintenances, &status.active_incidents, &ongoing]
        .into_iter()
        .flatten()
        .chain(extra)
        .copied()
        .filter(|&i| i < records.len())
        .collect();
    let mut incidents: Vec<Option<Incident>> = (0..records.len()).map(|_| None).collect();
    for i in wanted {
        incidents[i] = incident(&records[i], &timings[i], now, opts, &page_id, &components, &by_service);
    }

    let updated_at = (0..records.len())
        .filter(|&i| listed[i])
        .map(|i| time(&timings[i].updated_at))
        .chain(components.iter().map(|c| c.updated_at.clone()))
        .max()
        .unwrap_or_else(|| time(&epoch));
    let page = Page {
        id: page_id,
        name: view.config.title.clone(),
        url: base_url(opts).to_string(),
        time_zone: view.config.timezone.clone(),
        updated_at,
    };
    let indicator = Indicator { indicator: status.indicator.as_str(), description: status.description.clone() };
    Api { page, indicator, components, incidents, recent_incidents, recent_maintenances }
}

/// Whether a record is a Statuspage incident or scheduled maintenance at `now`: not a cancelled
/// window, nor an incident that has not begun.
fn listed(record: &Record, timing: &Timing, now: DateTime<Utc>) -> bool {
    match status::maintenance_phase(record, now) {
        Some(MaintenancePhase::Cancelled) => false,
        Some(_) => true,
        None => timing.started_at <= now,
    }
}

/// A record as a Statuspage incident or scheduled maintenance (`None`: a cancelled window, or an
/// incident that has not begun by `now`).
fn incident(
    record: &Record,
    timing: &Timing,
    now: DateTime<Utc>,
    opts: &Options,
    page_id: &str,
    components: &[Component],
    by_service: &BTreeMap<String, usize>,
) -> Option<Incident> {
    if !listed(record, timing, now) {
        return None;
    }
    let phase = status::maintenance_phase(record, now);
    let (status_word, impact) = match phase {
        Some(MaintenancePhase::Cancelled) => return None,
        Some(phase) => (statuspage_status(phase.status()), "maintenance"),
        None => {
            // As written, unless `now` lies before some of the record's updates (a build of an
            // earlier day): then as the latest update by `now` said.
            let written = record.status.as_ref().map(|s| s.value);
            let later = record.timeline.iter().any(|e| e.kind == EventKind::Update && e.at > now);
            let latest = timing.updates.last().map(|u| u.status).filter(|s| *s != RecordStatus::Resolved);
            let word = if timing.resolved_at.is_some()
                || (written == Some(RecordStatus::Resolved) && record.milestones.resolved.is_none())
            {
                "resolved"
            } else {
                match written.filter(|s| *s != RecordStatus::Resolved && !later) {
                    Some(s) => statuspage_status(s),
                    None => latest.map(statuspage_status).unwrap_or("investigating"),
                }
            };
            (word, status::incident_impact(record).as_str())
        }
    };

    // The affected components, once each, in the record's order.
    let mut affected: Vec<(&Component, ComponentStatus)> = Vec::new();
    for i in &record.impact {
        let Some(&ci) = by_service.get(i.service.value.as_str()) else { continue };
        if affected.iter().all(|(c, _)| c.id != components[ci].id) {
            let state =
                if phase.is_some() { ComponentStatus::UnderMaintenance } else { ComponentStatus::from_impact(i.level) };
            affected.push((&components[ci], state));
        }
    }
    // An incident whose updates say each service's state: each update lists what it says.
    if phase.is_none() && record.has_update_impact() {
        for (service, _) in record.states_at(None) {
            let Some(&ci) = by_service.get(service) else { continue };
            if affected.iter().all(|(c, _)| c.id != components[ci].id) {
                affected.push((&components[ci], ComponentStatus::Operational));
            }
        }
        let updates = stated_updates(record, timing, &affected);
        return Some(as_incident(record, timing, opts, page_id, status_word, impact, updates, &affected, phase));
    }
    // What each update did to them: an incident holds them at their impact until resolved; a
    // window holds them under maintenance while in progress.
    let mut before: Vec<ComponentStatus> = vec![ComponentStatus::Operational; affected.len()];
    let mut held = false;
    let mut updates = Vec::with_capacity(timing.updates.len());
    for u in &timing.updates {
        let holding = match u.status {
            RecordStatus::Resolved | RecordStatus::Scheduled | RecordStatus::Completed | RecordStatus::Cancelled => {
                false
            }
            RecordStatus::InProgress => true,
            _ => phase.is_none(),
        };
        if phase.is_none() && !holding && !held {
            // An incident resolved without an earlier public update (its one update the
            // "resolved" made for it): its services were down until then, not operational.
            before = affected.iter().map(|(_, s)| *s).collect();
        }
        held |= holding;
        let after: Vec<ComponentStatus> =
            affected.iter().map(|(_, s)| if holding { *s } else { ComponentStatus::Operational }).collect();
        let list: Vec<AffectedComponent> = affected
            .iter()
            .zip(before.iter().zip(&after))
            .map(|((c, _), (old, new))| AffectedComponent {
                code: c.id.clone(),
                name: c.name.clone(),
                old_status: old.as_str(),
                new_status: new.as_str(),
            })
            .collect();
        before = after;
        updates.push(incident_update(record, u, list));
    }
    Some(as_incident(record, timing, opts, page_id, status_word, impact, updates, &affected, phase))
}

/// The updates of an incident whose updates carry `impact:`, oldest first: each lists the
/// components it names, from the state the one before left them in; a `resolved` update made
/// for the record (no update said so) returns every component still affected to operational.
fn stated_updates(record: &Record, timing: &Timing, affected: &[(&Component, ComponentStatus)]) -> Vec<IncidentUpdate> {
    // Before the first update a component is operational, unless no update ever makes it worse
    // though the record's `impact` lists it: then it was at that level until an update said not.
    let worsened = |service: &str| {
        record.timeline.iter().any(|e| {
            e.kind == EventKind::Update && e.impact.iter().any(|i| i.service.value == service && i.level.is_some())
        })
    };
    let mut state: BTreeMap<&str, ComponentStatus> = affected
        .iter()
        .map(|(c, _)| {
            let before = match record.impact_of(&c.id) {
                Some(level) if !worsened(&c.id) => ComponentStatus::from_impact(level),
                _ => ComponentStatus::Operational,
            };
            (c.id.as_str(), before)
        })
        .collect();
    let mut out = Vec::with_capacity(timing.updates.len());
    for u in &timing.updates {
        let changes: Vec<(&str, ComponentStatus)> = if u.impact.is_empty() && u.status == RecordStatus::Resolved {
            state
                .iter()
                .filter(|(_, s)| **s != ComponentStatus::Operational)
                .map(|(c, _)| (*c, ComponentStatus::Operational))
                .collect()
        } else {
            u.impact
                .iter()
                .map(|(service, level)| (service.as_str(), level.map(ComponentStatus::from_impact).unwrap_or_default()))
                .collect()
        };
        let mut list = Vec::new();
        for (service, new) in changes {
            let Some((c, _)) = affected.iter().find(|(c, _)| c.id == service) else { continue };
            let Some(old) = state.get_mut(c.id.as_str()) else { continue };
            list.push(AffectedComponent {
                code: c.id.clone(),
                name: c.name.clone(),
                old_status: old.as_str(),
                new_status: new.as_str(),
            });
            *old = new;
        }
        out.push(incident_update(record, u, list));
    }
    out
}

/// One public update in Statuspage's shape, with the components it changed (none: left out).
fn incident_update(record: &Record, u: &PublicUpdate, changed: Vec<AffectedComponent>) -> IncidentUpdate {
    IncidentUpdate {
        id: u.id.clone(),
        status: statuspage_status(u.status),
        body: u.body.clone(),
        incident_id: record.id.value.clone(),
        created_at: time(&u.at),
        updated_at: time(&u.at),
        display_at: time(&u.at),
        affected_components: Some(changed).filter(|l| !l.is_empty()),
        deliver_notifications: true,
    }
}

/// The Statuspage incident or window from its parts; `updates` oldest first.
#[allow(clippy::too_many_arguments)]
fn as_incident(
    record: &Record,
    timing: &Timing,
    opts: &Options,
    page_id: &str,
    status_word: &'static str,
    impact: &'static str,
    mut updates: Vec<IncidentUpdate>,
    affected: &[(&Component, ComponentStatus)],
    phase: Option<MaintenancePhase>,
) -> Incident {
    updates.reverse();

    let window = record.window.as_ref().map(|w| (time(&w.from), time(&w.until)));
    let started = time(&timing.started_at);
    let (scheduled_for, scheduled_until) = match (phase, window) {
        (None, _) => (None, None),
        (Some(_), Some((from, until))) => (Some(from), Some(until)),
        (Some(_), None) => (Some(started.clone()), Some(started.clone())),
    };
    Incident {
        id: record.id.value.clone(),
        name: record.title().to_string(),
        status: status_word,
        created_at: time(&timing.created_at),
        updated_at: time(&timing.updated_at),
        monitoring_at: timing.monitoring_at.map(|t| time(&t)),
        resolved_at: timing.resolved_at.map(|t| time(&t)),
        impact,
        shortlink: record_url(opts, &record.id.value),
        started_at: started,
        page_id: page_id.to_string(),
        incident_updates: updates,
        components: affected.iter().map(|(c, _)| (*c).clone()).collect(),
        scheduled_for,
        scheduled_until,
    }
}
