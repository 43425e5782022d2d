//! `api/incidents.json`: incsite's own export of every incident and maintenance window the build's
//! audience may see, with the facts as written and the times derived from them, for scripts,
//! dashboards and data warehouses that want more than Statuspage's shapes hold.
//!
//! The shape (times as in every machine file, `2026-03-04T09:12:00.000Z`; absent values `null`):
//!
//! ```text
//! {
//!   "generated_at": time,                     // the build's "now"
//!   "audience": "public" | "internal",
//!   "site": {"title", "url", "time_zone"},
//!   "metrics": {"mttr_from": "started" | "detected", "mtta_from": "detected" | "started"},
//!   "incidents": [                            // newest first (start, or window start), ties by id
//!     {
//!       "id", "kind": "incident" | "maintenance", "title", "url", "source": "content/…md",
//!       "status": "investigating" | … | "resolved" | "scheduled" | "in_progress" | "completed" | "cancelled",
//!       "active": bool,                       // affecting services now (status.rs)
//!       "phase": null | "upcoming" | "active" | "over" | "cancelled",   // maintenance only
//!       "visibility": "public" | "private",
//!       "severity": null | {"id", "name", "rank"},   // rank 0 = most severe
//!       "impact": [{"service", "name", "level": "degraded" | "partial" | "major" | "maintenance"}],
//!       "services": [service id],
//!       "statuspage_impact": "none" | "minor" | "major" | "critical" | "maintenance",
//!       "summary": null | text,
//!       "roles": {role id: [person]},         // aliases resolved to the role's id
//!       "causes": [tag], "related": [id], "runbooks": [id],
//!       "exclude_from_metrics": bool, "counts_in_metrics": bool,
//!       "window": null | {"from", "until"},
//!       "started", "detected", "acknowledged", "mitigated", "resolved": null | time,
//!       "ttd_s", "tta_s", "ttm_s", "ttr_s": null | seconds,   // FORMAT.md "Derived values"
//!       "action_items": [{"id", "title", "owner", "due", "status", "priority", "done_on", "link",
//!                         "overdue": bool}],
//!       "postmortem": null | {"status": "none" | "draft" | "review" | "published", "facilitator", "meeting"},
//!       "timeline": [{"at", "event", "status", "text", "by", "from", "to", "role"}],   // by time
//!       "extra": {…}                          // the record's free `extra:` map
//!     }
//!   ]
//! }
//! ```
//!
//! The milestones come from the whole record (so a public build keeps its durations); the
//! timeline is the audience's (a public build holds only public entries).

use super::{base_url, record_url, time, write_json};
use crate::record::{Kind, Record};
use crate::render::{Options, Sink};
use crate::site::View;
use crate::status::{self, Status};
use anyhow::Result;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Export<'a> {
    generated_at: String,
    audience: crate::site::Audience,
    site: Site<'a>,
    metrics: &'a crate::config::MetricsConfig,
    incidents: Entries<'a>,
}

/// The entries, each made as it is written: held all at once they were hundreds of megabytes at
/// 100,000 records, made and dropped only to be written in order.
struct Entries<'a> {
    view: &'a View,
    status: &'a Status,
    opts: &'a Options,
    today: NaiveDate,
    order: Vec<usize>,
}

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.order.iter().map(|&i| entry(self.view, self.status, self.opts, self.today, i)))
    }
}

#[derive(Serialize)]
struct Site<'a> {
    title: &'a str,
    url: &'a str,
    time_zone: &'a str,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    kind: Kind,
    title: &'a str,
    url: String,
    source: &'a str,
    status: Option<&'static str>,
    active: bool,
    phase: Option<status::MaintenancePhase>,
    visibility: crate::record::Visibility,
    severity: Option<Severity<'a>>,
    impact: Vec<Impact<'a>>,
    services: Vec<&'a str>,
    statuspage_impact: &'static str,
    summary: Option<&'a str>,
    roles: BTreeMap<&'a str, Vec<&'a str>>,
    causes: Vec<&'a str>,
    related: Vec<&'a str>,
    runbooks: Vec<&'a str>,
    exclude_from_metrics: bool,
    counts_in_metrics: bool,
    window: Option<Window>,
    started: Option<String>,
    detected: Option<String>,
    acknowledged: Option<String>,
    mitigated: Option<String>,
    resolved: Option<String>,
    ttd_s: Option<i64>,
    tta_s: Option<i64>,
    ttm_s: Option<i64>,
    ttr_s: Option<i64>,
    action_items: Vec<Action<'a>>,
    postmortem: Option<Postmortem<'a>>,
    timeline: Vec<Event<'a>>,
    extra: &'a serde_json::Value,
}

#[derive(Serialize)]
struct Severity<'a> {
    id: &'a str,
    name: Option<&'a str>,
    rank: Option<usize>,
}

#[derive(Serialize)]
struct Impact<'a> {
    service: &'a str,
    name: Option<&'a str>,
    level: crate::record::ImpactLevel,
}

#[derive(Serialize)]
struct Window {
    from: String,
    until: String,
}

#[derive(Serialize)]
struct Action<'a> {
    id: &'a str,
    title: Option<&'a str>,
    owner: Option<&'a str>,
    due: Option<NaiveDate>,
    status: crate::record::ActionStatus,
    priority: Option<crate::record::Priority>,
    done_on: Option<NaiveDate>,
    link: Option<&'a str>,
    overdue: bool,
}

#[derive(Serialize)]
struct Postmortem<'a> {
    status: crate::record::PostmortemStatus,
    facilitator: Option<&'a str>,
    meeting: Option<NaiveDate>,
}

#[derive(Serialize)]
struct Event<'a> {
    at: String,
    event: &'static str,
    status: Option<&'static str>,
    text: Option<&'a str>,
    by: Option<&'a str>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    role: Option<&'a str>,
}

pub fn render(view: &View, status: &Status, opts: &Options, sink: &dyn Sink) -> Result<()> {
    let today = opts.now.with_timezone(&view.config.tz()).date_naive();
    let mut order: Vec<usize> = (0..view.records.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&view.records[a], &view.records[b]);
        start(rb).cmp(&start(ra)).then_with(|| ra.id.value.cmp(&rb.id.value))
    });
    let export = Export {
        generated_at: time(&opts.now),
        audience: view.audience,
        site: Site { title: &view.config.title, url: base_url(opts), time_zone: &view.config.timezone },
        metrics: &view.config.metrics,
        incidents: Entries { view, status, opts, today, order },
    };
    let path = "api/incidents.json";
    sink.put_with(path.to_string(), &mut |out| write_json(out, path, &export))
}

/// When a record begins: its start milestone, or its window.
fn start(record: &Record) -> Option<DateTime<FixedOffset>> {
    match record.kind {
        Kind::Incident => record.milestones.start(),
        Kind::Maintenance => record.window.as_ref().map(|w| w.from),
        Kind::Notice => record.notice.as_ref().map(|n| n.from),
    }
}

fn entry<'a>(view: &'a View, status: &Status, opts: &Options, today: NaiveDate, index: usize) -> Entry<'a> {
    let record = &view.records[index];
    let policy = &view.policy;
    let severity = record.severity.as_ref().map(|s| {
        let known = policy.severity(&s.value);
        Severity { id: &s.value, name: known.map(|k| k.name.as_str()), rank: known.map(|k| k.rank) }
    });
    let mut roles: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for assignment in &record.roles {
        let id = policy.role(&assignment.role).map(|r| r.id.as_str()).unwrap_or(assignment.role.value.as_str());
        let people = roles.entry(id).or_default();
        for person in &assignment.people {
            if !people.contains(&person.value.as_str()) {
                people.push(&person.value);
            }
        }
    }
    let mut services: Vec<&str> = Vec::new();
    for i in &record.impact {
        if !services.contains(&i.service.value.as_str()) {
            services.push(&i.service.value);
        }
    }
    let m = &record.milestones;
    let t = |x: Option<DateTime<FixedOffset>>| x.map(|x| time(&x));
    let durations = m.durations(&view.config.metrics);
    let phase = status::maintenance_phase(record, opts.now);
    let active = status.active_incidents.contains(&index) || status.active_maintenance.contains(&index);
    let statuspage_impact = match record.kind {
        Kind::Maintenance => "maintenance",
        Kind::Incident => status::incident_impact(record).as_str(),
        Kind::Notice => "none",
    };
    Entry {
        id: &record.id.value,
        kind: record.kind,
        title: record.title(),
        url: record_url(opts, &record.id.value),
        source: &record.path,
        status: record.status.as_ref().map(|s| s.value.as_str()),
        active,
        phase,
        visibility: record.visibility,
        severity,
        impact: record
            .impact
            .iter()
            .map(|i| Impact {
                service: &i.service.value,
                name: policy.service(&i.service.value).map(|s| s.name.as_str()),
                level: i.level,
            })
            .collect(),
        services,
        statuspage_impact,
        summary: record.summary.as_deref(),
        roles,
        causes: record.causes.iter().map(|c| c.value.as_str()).collect(),
        related: record.related.iter().map(|c| c.value.as_str()).collect(),
        runbooks: record.runbooks.iter().map(|c| c.value.as_str()).collect(),
        exclude_from_metrics: record.exclude_from_metrics,
        counts_in_metrics: record.counts_in_metrics(),
        window: record.window.as_ref().map(|w| Window { from: time(&w.from), until: time(&w.until) }),
        started: t(m.started),
        detected: t(m.detected),
        acknowledged: t(m.acknowledged),
        mitigated: t(m.mitigated),
        resolved: t(m.resolved),
        ttd_s: durations.ttd,
        tta_s: durations.tta,
        ttm_s: durations.ttm,
        ttr_s: durations.ttr,
        action_items: record
            .action_items
            .iter()
            .map(|a| Action {
                id: &a.id,
                title: a.title.as_deref(),
                owner: a.owner.as_deref(),
                due: a.due,
                status: a.status,
                priority: a.priority,
                done_on: a.done_on,
                link: a.link.as_deref(),
                overdue: a.is_overdue(today),
            })
            .collect(),
        postmortem: match (record.kind, &record.postmortem) {
            (_, Some(p)) => Some(Postmortem {
                status: p.status,
                facilitator: p.facilitator.as_ref().map(|f| f.value.as_str()),
                meeting: p.meeting,
            }),
            (Kind::Incident, None) => {
                Some(Postmortem { status: crate::record::PostmortemStatus::None, facilitator: None, meeting: None })
            }
            (Kind::Maintenance | Kind::Notice, None) => None,
        },
        timeline: record
            .timeline_sorted()
            .into_iter()
            .map(|e| Event {
                at: time(&e.at),
                event: e.kind.as_str(),
                status: e.status.map(|s| s.as_str()),
                text: e.text.as_deref(),
                by: e.by.as_deref(),
                from: e.from.as_deref(),
                to: e.to.as_deref(),
                role: e.role.as_deref(),
            })
            .collect(),
        extra: &record.extra,
    }
}
