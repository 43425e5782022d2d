//! What the status page says right now: each service's state, the overall indicator, active
//! incidents and maintenance, and the 90-day history — one computation shared by the HTML page,
//! the badges and the Statuspage-shaped API, so they can never disagree.
//!
//! Rules (ARCHITECTURE.md, "Status"):
//! - An incident affects its `impact` services from its start (`started`, else `detected`) until
//!   its `resolved` event; an unresolved incident affects them until now.
//! - A maintenance window puts its services under maintenance only inside `[from, until)`, and
//!   not when it is `completed` or `cancelled`.
//! - A service's state is the worst that applies: major > partial > degraded > maintenance.
//! - Availability counts major-outage time fully and partial-outage time at 30 %, as Statuspage
//!   does; degraded performance and maintenance count as up. Incidents excluded from metrics
//!   (game days) are shown but never count as downtime.

use crate::record::{ImpactLevel, Kind, Record, Status as RecordStatus};
use crate::site::View;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

/// How many days the history bar covers.
pub const HISTORY_DAYS: i64 = 90;
/// How long a resolved incident stays under "recently resolved".
pub const RECENT_DAYS: i64 = 7;

/// A component state, named as in Statuspage's API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    #[default]
    Operational,
    UnderMaintenance,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
}

impl ComponentStatus {
    pub fn from_impact(level: ImpactLevel) -> Self {
        match level {
            ImpactLevel::Maintenance => ComponentStatus::UnderMaintenance,
            ImpactLevel::Degraded => ComponentStatus::DegradedPerformance,
            ImpactLevel::Partial => ComponentStatus::PartialOutage,
            ImpactLevel::Major => ComponentStatus::MajorOutage,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "operational",
            ComponentStatus::UnderMaintenance => "under_maintenance",
            ComponentStatus::DegradedPerformance => "degraded_performance",
            ComponentStatus::PartialOutage => "partial_outage",
            ComponentStatus::MajorOutage => "major_outage",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "Operational",
            ComponentStatus::UnderMaintenance => "Under maintenance",
            ComponentStatus::DegradedPerformance => "Degraded performance",
            ComponentStatus::PartialOutage => "Partial outage",
            ComponentStatus::MajorOutage => "Major outage",
        }
    }
}

/// Statuspage's overall indicator, also used as an incident's `impact`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Indicator {
    None,
    Minor,
    Major,
    Critical,
}

impl Indicator {
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::None => "none",
            Indicator::Minor => "minor",
            Indicator::Major => "major",
            Indicator::Critical => "critical",
        }
    }

    /// Statuspage's page descriptions.
    pub fn description(self) -> &'static str {
        match self {
            Indicator::None => "All Systems Operational",
            Indicator::Minor => "Minor Service Outage",
            Indicator::Major => "Partial System Outage",
            Indicator::Critical => "Major Service Outage",
        }
    }
}

/// An incident's Statuspage `impact`, from the worst impact it declares (minor when it declares none).
pub fn incident_impact(record: &Record) -> Indicator {
    match record.impact.iter().map(|i| i.level).max() {
        Some(ImpactLevel::Major) => Indicator::Critical,
        Some(ImpactLevel::Partial) => Indicator::Major,
        Some(ImpactLevel::Degraded) | None => Indicator::Minor,
        Some(ImpactLevel::Maintenance) => Indicator::None,
    }
}

/// [`incident_impact`] as of `until`, for an incident whose updates say the services' states:
/// from the worst state then (minor when every service is operational again).
pub fn incident_impact_at(record: &Record, until: Option<DateTime<Utc>>) -> Indicator {
    if !record.has_update_impact() {
        return incident_impact(record);
    }
    match record.states_at(until).iter().filter_map(|(_, l)| *l).max() {
        Some(ImpactLevel::Major) => Indicator::Critical,
        Some(ImpactLevel::Partial) => Indicator::Major,
        Some(ImpactLevel::Degraded) | None => Indicator::Minor,
        Some(ImpactLevel::Maintenance) => Indicator::None,
    }
}

/// When an incident's impact began and ended (`None`: not over).
pub fn incident_span(record: &Record) -> Option<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let start = record.milestones.start()?.with_timezone(&Utc);
    let end = record.milestones.resolved.map(|t| t.with_timezone(&Utc));
    Some((start, end))
}

/// True for an incident that has begun by `now` and is not resolved by then (a `now` before its
/// `resolved` event shows it as it was; a `status: resolved` without that event is never active).
pub fn is_active_incident(record: &Record, now: DateTime<Utc>) -> bool {
    let resolved_without_time =
        record.status.as_ref().map(|s| s.value) == Some(RecordStatus::Resolved) && record.milestones.resolved.is_none();
    record.is_incident()
        && !resolved_without_time
        && incident_span(record).is_some_and(|(start, end)| start <= now && end.is_none_or(|end| now < end))
}

/// True for a maintenance window in effect at `now`.
pub fn is_active_maintenance(record: &Record, now: DateTime<Utc>) -> bool {
    record.kind == Kind::Maintenance
        && !matches!(record.status.as_ref().map(|s| s.value), Some(RecordStatus::Completed | RecordStatus::Cancelled))
        && record.window.as_ref().is_some_and(|w| w.from <= now && now < w.until)
}

/// True for a maintenance window still to come.
pub fn is_upcoming_maintenance(record: &Record, now: DateTime<Utc>) -> bool {
    record.kind == Kind::Maintenance
        && !matches!(record.status.as_ref().map(|s| s.value), Some(RecordStatus::Completed | RecordStatus::Cancelled))
        && record.window.as_ref().is_some_and(|w| w.from > now)
}

/// Where a maintenance window stands at an instant, as the status page tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenancePhase {
    /// Announced, not begun: [`is_upcoming_maintenance`].
    Upcoming,
    /// Inside its window: [`is_active_maintenance`].
    Active,
    /// Completed, or its window has ended.
    Over,
    /// Called off: never shown as upcoming or active.
    Cancelled,
}

/// The phase of a maintenance window at `now` (`None` for an incident), from the same rules as
/// [`is_active_maintenance`] and [`is_upcoming_maintenance`].
pub fn maintenance_phase(record: &Record, now: DateTime<Utc>) -> Option<MaintenancePhase> {
    if record.kind != Kind::Maintenance {
        return None;
    }
    Some(if record.status.as_ref().map(|s| s.value) == Some(RecordStatus::Cancelled) {
        MaintenancePhase::Cancelled
    } else if is_active_maintenance(record, now) {
        MaintenancePhase::Active
    } else if is_upcoming_maintenance(record, now) {
        MaintenancePhase::Upcoming
    } else {
        MaintenancePhase::Over
    })
}

impl MaintenancePhase {
    /// The status a window in this phase shows, on the pages as in the API: Statuspage moves a
    /// window from scheduled to in progress to completed by the clock.
    pub fn status(self) -> RecordStatus {
        match self {
            MaintenancePhase::Upcoming => RecordStatus::Scheduled,
            MaintenancePhase::Active => RecordStatus::InProgress,
            MaintenancePhase::Over => RecordStatus::Completed,
            MaintenancePhase::Cancelled => RecordStatus::Cancelled,
        }
    }
}

/// The status a record shows at `now`: a maintenance window's phase, else the status it was
/// written with (a window's `status: scheduled` is not left standing once its window is over).
pub fn shown_status(record: &Record, now: DateTime<Utc>) -> Option<RecordStatus> {
    match maintenance_phase(record, now) {
        Some(phase) => Some(phase.status()),
        None => record.status.as_ref().map(|s| s.value),
    }
}

/// One day of a service's history bar.
#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    /// The worst incident impact that day, if any.
    pub worst: Option<ComponentStatus>,
    /// Ids of the incidents and maintenance windows that touched the service that day.
    pub records: Vec<String>,
    /// Seconds of outage counted against availability that day (partial weighted 0.3).
    pub downtime_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceState {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: String,
    pub status: ComponentStatus,
    /// Indexes into `View::records` of what affects the service now.
    pub active: Vec<usize>,
    /// Oldest first, `HISTORY_DAYS` of them, ending today (in the site's time zone).
    pub days: Vec<Day>,
    /// Percent over the history window, e.g. 99.95.
    pub availability: f64,
}

/// A group of services as in services.yaml (services without a group form their own entries).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: Option<String>,
    /// Indexes into `Status::services`.
    pub services: Vec<usize>,
    /// The worst state of its services.
    pub status: ComponentStatus,
}

/// The whole page state at one instant.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub now: DateTime<Utc>,
    pub indicator: Indicator,
    pub description: String,
    /// The worst component state: what the banner says.
    pub worst: ComponentStatus,
    pub services: Vec<ServiceState>,
    pub groups: Vec<Group>,
    /// Indexes into `View::records`, newest first.
    pub active_incidents: Vec<usize>,
    pub active_maintenance: Vec<usize>,
    /// Soonest first.
    pub upcoming_maintenance: Vec<usize>,
    /// Incidents resolved within `RECENT_DAYS`, newest first.
    pub recently_resolved: Vec<usize>,
}

/// Computes the status of every service at `now`.
pub fn compute(view: &View, now: DateTime<Utc>) -> Status {
    let tz = view.config.tz();
    let records = &view.records;
    let active_incidents = sorted_by(records, |r| is_active_incident(r, now), |r| std::cmp::Reverse(start_key(r)));
    let active_maintenance = sorted_by(records, |r| is_active_maintenance(r, now), window_start);
    let upcoming_maintenance = sorted_by(records, |r| is_upcoming_maintenance(r, now), window_start);
    let recent_cutoff = now - Duration::days(RECENT_DAYS);
    let recently_resolved = sorted_by(
        records,
        |r| {
            r.is_incident() && r.milestones.resolved.is_some_and(|t| t.with_timezone(&Utc) >= recent_cutoff && t <= now)
        },
        |r| std::cmp::Reverse(r.milestones.resolved),
    );

    let today = now.with_timezone(&tz).date_naive();
    let first_day = today - Duration::days(HISTORY_DAYS - 1);
    let day_start = |d: NaiveDate| -> DateTime<Utc> {
        let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| naive.and_utc())
    };
    let window_start_utc = day_start(first_day);

    let mut services: Vec<ServiceState> = Vec::with_capacity(view.policy.services.len());
    let index: std::collections::HashMap<&str, usize> =
        view.policy.services.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut days: Vec<Vec<Day>> = view
        .policy
        .services
        .iter()
        .map(|_| {
            (0..HISTORY_DAYS)
                .map(|i| Day { date: first_day + Duration::days(i), worst: None, records: Vec::new(), downtime_s: 0.0 })
                .collect()
        })
        .collect();
    let mut current: Vec<(ComponentStatus, Vec<usize>)> =
        view.policy.services.iter().map(|_| (ComponentStatus::Operational, Vec::new())).collect();

    for (ri, record) in records.iter().enumerate() {
        let active_now = is_active_incident(record, now) || is_active_maintenance(record, now);
        // An unresolved incident whose updates say each service's state: the latest says it now.
        let now_states =
            (active_now && record.is_incident() && record.has_update_impact()).then(|| record.states_at(Some(now)));
        for impact in &record.impact {
            let Some(&si) = index.get(impact.service.value.as_str()) else { continue };
            let state = if record.kind == Kind::Maintenance {
                ComponentStatus::UnderMaintenance
            } else {
                ComponentStatus::from_impact(impact.level)
            };
            if active_now {
                let now_state = match &now_states {
                    Some(states) => states
                        .iter()
                        .find(|(s, _)| *s == impact.service.value)
                        .and_then(|(_, l)| l.map(ComponentStatus::from_impact))
                        .unwrap_or(ComponentStatus::Operational),
                    None => state,
                };
                let (status, ids) = &mut current[si];
                *status = (*status).max(now_state);
                ids.push(ri);
            }
            // History: what touched the service on each day.
            let span = match record.kind {
                Kind::Maintenance => record
                    .window
                    .as_ref()
                    .filter(|_| record.status.as_ref().map(|s| s.value) != Some(RecordStatus::Cancelled))
                    .map(|w| (w.from.with_timezone(&Utc), w.until.with_timezone(&Utc).min(now))),
                Kind::Incident => incident_span(record).map(|(s, e)| (s, e.unwrap_or(now).min(now))),
                Kind::Notice => None,
            };
            let Some((from, until)) = span else { continue };
            if until <= window_start_utc || from > now || until < from {
                continue;
            }
            let weight = match state {
                _ if !record.counts_in_metrics() => 0.0,
                ComponentStatus::MajorOutage => 1.0,
                ComponentStatus::PartialOutage => 0.3,
                _ => 0.0,
            };
            let first = (from.with_timezone(&tz).date_naive() - first_day).num_days().max(0);
            let last = (until.with_timezone(&tz).date_naive() - first_day).num_days().min(HISTORY_DAYS - 1);
            for i in first..=last {
                let day = &mut days[si][i as usize];
                let (ds, de) = (day_start(day.date), day_start(day.date + Duration::days(1)));
                let overlap = (until.min(de) - from.max(ds)).num_seconds().max(0) as f64;
                if overlap <= 0.0 && !(from == until && from >= ds && from < de) {
                    continue;
                }
                if record.counts_in_metrics() || record.kind == Kind::Maintenance {
                    day.worst = Some(day.worst.map_or(state, |w| w.max(state)));
                }
                day.downtime_s += overlap * weight;
                if !day.records.contains(&record.id.value) {
                    day.records.push(record.id.value.clone());
                }
            }
        }
    }

    let period = (now - window_start_utc).num_seconds().max(1) as f64;
    for (si, svc) in view.policy.services.iter().enumerate() {
        let svc_days = std::mem::take(&mut days[si]);
        let downtime: f64 = svc_days.iter().map(|d| d.downtime_s).sum();
        let availability = ((1.0 - downtime / period) * 100.0).clamp(0.0, 100.0);
        let (status, active) = std::mem::take(&mut current[si]);
        services.push(ServiceState {
            id: svc.id.clone(),
            name: svc.name.clone(),
            group: svc.group.clone(),
            description: svc.description.clone(),
            status,
            active,
            days: svc_days,
            availability,
        });
    }

    let mut groups: Vec<Group> = Vec::new();
    for (si, svc) in services.iter().enumerate() {
        let existing = svc.group.as_ref().and_then(|g| groups.iter_mut().find(|x| x.name.as_ref() == Some(g)));
        match existing {
            Some(group) => {
                group.services.push(si);
                group.status = group.status.max(svc.status);
            }
            None => groups.push(Group { name: svc.group.clone(), services: vec![si], status: svc.status }),
        }
    }

    let worst = services.iter().map(|s| s.status).max().unwrap_or(ComponentStatus::Operational);
    let indicator =
        active_incidents.iter().map(|&i| incident_impact_at(&records[i], Some(now))).max().unwrap_or(Indicator::None);
    let description = if indicator == Indicator::None && !active_maintenance.is_empty() {
        "Service Under Maintenance".to_string()
    } else {
        indicator.description().to_string()
    };
    Status {
        now,
        indicator,
        description,
        worst,
        services,
        groups,
        active_incidents,
        active_maintenance,
        upcoming_maintenance,
        recently_resolved,
    }
}

fn start_key(r: &Record) -> Option<DateTime<Utc>> {
    r.milestones.start().map(|t| t.with_timezone(&Utc))
}

fn window_start(r: &Record) -> Option<DateTime<Utc>> {
    r.window.as_ref().map(|w| w.from.with_timezone(&Utc))
}

/// Indexes of the records matching `keep`, sorted by `key` (ties by id, for stable output).
fn sorted_by<K: Ord>(
    records: &[std::sync::Arc<Record>],
    keep: impl Fn(&Record) -> bool,
    key: impl Fn(&Record) -> K,
) -> Vec<usize> {
    let mut out: Vec<usize> = (0..records.len()).filter(|&i| keep(&records[i])).collect();
    out.sort_by(|&a, &b| {
        key(&records[a]).cmp(&key(&records[b])).then_with(|| records[a].id.value.cmp(&records[b].id.value))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::schema::{self, SchemaSources};
    use crate::site::{Audience, View};

    const SERVICES: &str = "services:\n  - id: db\n    name: Database\n    group: Data\n  - id: api\n    name: API\n    group: Data\n  - id: web\n    name: Web\n";

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn view(records: &[&str]) -> View {
        let (policy, diags) = schema::parse(&SchemaSources {
            severities: None,
            roles: None,
            services: Some(("schema/services.yaml", SERVICES)),
        });
        assert!(diags.is_empty(), "{diags:?}");
        let records = records
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let (record, diags) = crate::record::parse(&format!("content/incidents/{i}.md"), text.as_bytes());
                assert!(diags.is_empty(), "{diags:?}");
                std::sync::Arc::new(record.unwrap())
            })
            .collect();
        View {
            audience: Audience::Internal,
            config: Config::default(),
            policy,
            records,
            notices: Vec::new(),
            runbooks: Vec::new(),
            history: None,
        }
    }

    fn maintenance(status: &str, impact: &str) -> String {
        format!(
            "---\nkind: maintenance\nid: MNT-{status}\ntitle: Upgrade\nstatus: {status}\n\
             window: {{from: 2026-03-04T11:00:00Z, until: 2026-03-04T13:00:00Z}}\nimpact: {{{impact}}}\n---\n"
        )
    }

    fn incident(id: &str, impact: &str, started: &str, resolved: Option<&str>, extra: &str) -> String {
        let status = if resolved.is_some() { "resolved" } else { "investigating" };
        let resolved = resolved.map(|t| format!("  - at: {t}\n    event: resolved\n")).unwrap_or_default();
        format!(
            "---\nid: {id}\ntitle: Broken\nseverity: SEV-3\nstatus: {status}\nimpact: {{{impact}}}\n{extra}\
             timeline:\n  - at: {started}\n    event: started\n  - at: {started}\n    event: detected\n{resolved}---\n"
        )
    }

    fn state(status: &Status, id: &str) -> ComponentStatus {
        status.services.iter().find(|s| s.id == id).unwrap().status
    }

    #[test]
    fn maintenance_applies_only_inside_its_window() {
        let v = view(&[&maintenance("scheduled", "db: maintenance")]);
        let r = &v.records[0];
        for (now, expected, phase) in [
            ("2026-03-04T10:59:59Z", ComponentStatus::Operational, MaintenancePhase::Upcoming),
            ("2026-03-04T11:00:00Z", ComponentStatus::UnderMaintenance, MaintenancePhase::Active),
            ("2026-03-04T12:59:59Z", ComponentStatus::UnderMaintenance, MaintenancePhase::Active),
            ("2026-03-04T13:00:00Z", ComponentStatus::Operational, MaintenancePhase::Over),
        ] {
            let s = compute(&v, at(now));
            assert_eq!(state(&s, "db"), expected, "at {now}");
            assert_eq!(maintenance_phase(r, at(now)), Some(phase), "at {now}");
            assert_eq!(s.active_maintenance.len(), usize::from(phase == MaintenancePhase::Active));
            assert_eq!(s.upcoming_maintenance.len(), usize::from(phase == MaintenancePhase::Upcoming));
        }
        // Completed or cancelled: never under maintenance, even inside the window.
        for status in ["completed", "cancelled"] {
            let v = view(&[&maintenance(status, "db: maintenance")]);
            let s = compute(&v, at("2026-03-04T12:00:00Z"));
            assert_eq!(state(&s, "db"), ComponentStatus::Operational, "{status}");
            assert!(s.active_maintenance.is_empty() && s.upcoming_maintenance.is_empty());
        }
        // A maintenance declaring a degraded service still shows it as under maintenance.
        let v = view(&[&maintenance("in_progress", "api: degraded")]);
        assert_eq!(state(&compute(&v, at("2026-03-04T12:00:00Z")), "api"), ComponentStatus::UnderMaintenance);
    }

    #[test]
    fn the_worst_state_wins() {
        let v = view(&[
            &maintenance("scheduled", "db: maintenance, api: maintenance"),
            &incident("INC-1", "db: degraded", "2026-03-04T10:00:00Z", None, ""),
            &incident("INC-2", "db: major, api: degraded", "2026-03-04T10:30:00Z", None, ""),
            &incident("INC-3", "web: partial", "2026-03-04T09:00:00Z", None, ""),
        ]);
        let s = compute(&v, at("2026-03-04T12:00:00Z"));
        assert_eq!(state(&s, "db"), ComponentStatus::MajorOutage);
        assert_eq!(state(&s, "api"), ComponentStatus::DegradedPerformance);
        assert_eq!(state(&s, "web"), ComponentStatus::PartialOutage);
        assert_eq!(s.worst, ComponentStatus::MajorOutage);
        let data = s.groups.iter().find(|g| g.name.as_deref() == Some("Data")).unwrap();
        assert_eq!(data.status, ComponentStatus::MajorOutage);
        assert_eq!(data.services.len(), 2);
        assert_eq!(s.indicator, Indicator::Critical);
        // Newest first.
        let ids: Vec<&str> = s.active_incidents.iter().map(|&i| v.records[i].id.value.as_str()).collect();
        assert_eq!(ids, ["INC-2", "INC-1", "INC-3"]);
        // Once resolved, nothing applies and the indicator falls back.
        let v = view(&[&incident("INC-1", "db: major", "2026-03-04T10:00:00Z", Some("2026-03-04T11:00:00Z"), "")]);
        let s = compute(&v, at("2026-03-04T12:00:00Z"));
        assert_eq!((state(&s, "db"), s.indicator), (ComponentStatus::Operational, Indicator::None));
        assert_eq!(s.recently_resolved.len(), 1);
        // Before its resolution, it is shown as it was then.
        let s = compute(&v, at("2026-03-04T10:30:00Z"));
        assert_eq!((state(&s, "db"), s.indicator), (ComponentStatus::MajorOutage, Indicator::Critical));
        assert!(s.recently_resolved.is_empty());
    }

    #[test]
    fn availability_weighs_partial_outages_at_30_percent() {
        let now = at("2026-03-04T12:00:00Z");
        let v = view(&[
            &incident("INC-1", "db: partial", "2026-03-01T00:00:00Z", Some("2026-03-01T10:00:00Z"), ""),
            &incident("INC-2", "api: major", "2026-03-01T00:00:00Z", Some("2026-03-01T10:00:00Z"), ""),
            &incident("INC-3", "web: degraded", "2026-03-01T00:00:00Z", Some("2026-03-01T10:00:00Z"), ""),
            &incident(
                "INC-4",
                "web: major",
                "2026-03-02T00:00:00Z",
                Some("2026-03-02T10:00:00Z"),
                "exclude_from_metrics: true\n",
            ),
        ]);
        let s = compute(&v, now);
        // The history covers HISTORY_DAYS days ending today (UTC here), up to now.
        let first_day = at("2026-03-04T00:00:00Z") - Duration::days(HISTORY_DAYS - 1);
        let period = (now - first_day).num_seconds() as f64;
        let avail = |id: &str| s.services.iter().find(|x| x.id == id).unwrap().availability;
        let ten_hours = 36_000.0;
        assert!((avail("db") - 100.0 * (1.0 - 0.3 * ten_hours / period)).abs() < 1e-9, "{}", avail("db"));
        assert!((avail("api") - 100.0 * (1.0 - ten_hours / period)).abs() < 1e-9, "{}", avail("api"));
        // Degraded performance counts as up; an excluded incident never counts as downtime.
        assert_eq!(avail("web"), 100.0);
        let day = s.services.iter().find(|x| x.id == "db").unwrap().days.iter().find(|d| d.downtime_s > 0.0).unwrap();
        assert_eq!((day.date.to_string(), day.downtime_s), ("2026-03-01".to_string(), 0.3 * ten_hours));
        assert_eq!(day.worst, Some(ComponentStatus::PartialOutage));
    }
}
