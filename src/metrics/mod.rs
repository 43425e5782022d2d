//! MTTD / MTTA / MTTM / MTTR and the other figures, as plain functions over a [`crate::site::View`].
//!
//! The CLI (`incsite report`), the reports page and its charts all read one [`Report`], so they
//! cannot disagree. Durations come from [`crate::record::Milestones::durations`]; nothing here
//! recomputes them. Only incidents that [`Record::counts_in_metrics`] are counted: maintenance
//! windows and `exclude_from_metrics` incidents never are.

mod actions;
mod figures;
mod people;
mod repeats;
mod response;
pub mod show;
mod volume;

pub use actions::{ActionFigures, OpenPoint, OwnerActions};
pub use figures::{Figure, Group};
pub use people::Load;
pub use repeats::Repeats;
pub use response::{Compliance, PostmortemFigures};
pub use volume::{Bin, Longest, Tally, Volume};

use crate::config::From;
use crate::record::{Durations, Record};
use crate::site::{Audience, View};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Which incidents a report looks at. Everything is `None` / empty by default: every incident.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The first UTC day (inclusive) an incident's start may fall on.
    pub since: Option<NaiveDate>,
    /// The last UTC day (inclusive) an incident's start may fall on.
    pub until: Option<NaiveDate>,
    /// Severity ids; an incident must have one of them (any, when empty).
    pub severities: Vec<String>,
    /// Service ids; an incident must have impacted one of them (any, when empty).
    pub services: Vec<String>,
}

impl Filter {
    fn selects(&self, incident: &Incident) -> bool {
        let record = incident.record;
        if self.since.is_some() || self.until.is_some() {
            let Some(day) = incident.start.map(|s| s.date_naive()) else { return false };
            if self.since.is_some_and(|s| day < s) || self.until.is_some_and(|u| day > u) {
                return false;
            }
        }
        if !self.severities.is_empty() {
            let Some(sev) = &record.severity else { return false };
            if !self.severities.contains(&sev.value) {
                return false;
            }
        }
        self.services.is_empty() || record.impact.iter().any(|i| self.services.contains(&i.service.value))
    }
}

/// An incident being counted, with what every figure needs from it.
struct Incident<'a> {
    record: &'a Record,
    durations: Durations,
    /// When impact began (`started`, else `detected`), in UTC.
    start: Option<DateTime<Utc>>,
}

impl Incident<'_> {
    fn id(&self) -> &str {
        &self.record.id.value
    }

    fn severity(&self) -> Option<&str> {
        self.record.severity.as_ref().map(|s| s.value.as_str())
    }

    /// `2026-03`: the UTC month of the start.
    fn month(&self) -> Option<String> {
        self.start.map(|s| month_key(s.date_naive()))
    }
}

/// `2026-03` for a day.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// `2026-W09` for a day: its ISO 8601 week.
pub fn week_key(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{:04}-W{:02}", w.year(), w.week())
}

/// What a report covered, so that a reader of the JSON knows what the figures are over.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub audience: Audience,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub severities: Vec<String>,
    pub services: Vec<String>,
    /// The time that overdue items were measured against (RFC 3339, UTC).
    pub now: String,
    pub mttr_from: From,
    pub mtta_from: From,
}

/// Every figure about one View. The first four fields are FORMAT.md's `report --format json`
/// object; the rest are additional keys.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub overall: Group,
    /// By the incident's (final) severity; an incident without one (an error) is only in `overall`.
    pub by_severity: BTreeMap<String, Group>,
    /// An incident counts for each service it impacted. With a service filter, only those services.
    pub by_service: BTreeMap<String, Group>,
    /// By the UTC month of the incident's start.
    pub by_month: BTreeMap<String, Group>,
    pub scope: Scope,
    pub volume: Volume,
    /// TTR histogram on a human scale (`< 15m`, `15–30m`, … `≥ 3d`).
    pub ttr_histogram: Vec<Bin>,
    /// The longest incidents by TTR, longest first (at most [`volume::LONGEST`]).
    pub longest: Vec<Longest>,
    pub repeats: Repeats,
    pub action_items: ActionFigures,
    /// Response compliance by severity.
    pub compliance: BTreeMap<String, Compliance>,
    /// Post-mortem timeliness by severity.
    pub postmortems: BTreeMap<String, PostmortemFigures>,
    /// Load per person: incidents and roles held (aliases resolved), acknowledgements.
    pub people: BTreeMap<String, Load>,
}

/// Computes every figure over the incidents of `view` that count in metrics and that `filter`
/// selects. `now` decides what is overdue.
pub fn report(view: &View, filter: &Filter, now: DateTime<Utc>) -> Report {
    let settings = &view.config.metrics;
    let counted: Vec<Incident> = view
        .records
        .iter()
        .filter(|r| r.counts_in_metrics())
        .map(|r| Incident {
            record: r,
            durations: r.milestones.durations(settings),
            start: r.milestones.start().map(|s| s.with_timezone(&Utc)),
        })
        .collect();
    let selected: Vec<&Incident> = counted.iter().filter(|i| filter.selects(i)).collect();

    let group = |incidents: &[&Incident]| Group::of(&incidents.iter().map(|i| i.durations).collect::<Vec<_>>());
    // Every level and service of the policy that the filter lets through is listed, with no
    // incident if none had it: "no SEV-1 this quarter" is a figure too.
    let allowed = |list: &[String], id: &str| list.is_empty() || list.iter().any(|x| x == id);
    let mut by_severity: BTreeMap<String, Vec<&Incident>> = (view.policy.severities.iter())
        .filter(|s| allowed(&filter.severities, &s.id))
        .map(|s| (s.id.clone(), Vec::new()))
        .collect();
    let mut by_service: BTreeMap<String, Vec<&Incident>> = (view.policy.services.iter())
        .filter(|s| allowed(&filter.services, &s.id))
        .map(|s| (s.id.clone(), Vec::new()))
        .collect();
    let mut by_month: BTreeMap<String, Vec<&Incident>> = BTreeMap::new();
    for &incident in &selected {
        if let Some(sev) = incident.severity() {
            by_severity.entry(sev.to_string()).or_default().push(incident);
        }
        let mut services: Vec<&str> = incident.record.impact.iter().map(|i| i.service.value.as_str()).collect();
        services.sort_unstable();
        services.dedup();
        for service in services {
            if allowed(&filter.services, service) {
                by_service.entry(service.to_string()).or_default().push(incident);
            }
        }
        if let Some(month) = incident.month() {
            by_month.entry(month).or_default().push(incident);
        }
    }
    let groups = |map: BTreeMap<String, Vec<&Incident>>| map.into_iter().map(|(k, v)| (k, group(&v))).collect();

    Report {
        overall: group(&selected),
        by_severity: groups(by_severity),
        by_service: groups(by_service),
        by_month: groups(by_month),
        scope: Scope {
            audience: view.audience,
            since: filter.since,
            until: filter.until,
            severities: filter.severities.clone(),
            services: filter.services.clone(),
            now: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            mttr_from: settings.mttr_from,
            mtta_from: settings.mtta_from,
        },
        volume: volume::volume(&selected),
        ttr_histogram: volume::histogram(&selected),
        longest: volume::longest(&selected),
        repeats: repeats::repeats(&counted, &selected),
        action_items: actions::actions(&selected, now),
        compliance: response::compliance(&view.policy, &selected, now),
        postmortems: response::postmortems(&view.policy, &selected, now),
        people: people::load(&view.policy, &selected),
    }
}
