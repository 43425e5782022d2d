//! What is happening now, for the person running an incident (`incsite status`): each open
//! incident with its age, roles and public-update cadence, the maintenance upcoming or running,
//! the post-mortems due and the action items overdue — a pure function of a site and a time.

use crate::check::{is_placeholder, same_person};
use crate::record::{EventKind, Kind, PostmortemStatus, Record, Status};
use crate::schema::{Policy, PostmortemPolicy};
use crate::site::Site;
use crate::status::{maintenance_phase, MaintenancePhase};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub now: DateTime<Utc>,
    /// Most severe first, then the oldest.
    pub incidents: Vec<OpenIncident>,
    pub maintenance: Vec<Maintenance>,
    pub postmortems_due: Vec<PostmortemDue>,
    pub actions_overdue: Vec<ActionOverdue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenIncident {
    pub id: String,
    pub title: String,
    pub path: String,
    pub severity: Option<String>,
    pub status: Option<&'static str>,
    pub public: bool,
    /// Impact began (`started`, else `detected`).
    pub started_at: Option<DateTime<Utc>>,
    pub detected_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
    /// Seconds since it started.
    pub age_s: Option<i64>,
    /// Every role the record lists real people under (placeholders left out).
    pub roles: Vec<RoleHeld>,
    /// The roles the severity requires that have fewer people than it asks for.
    pub roles_missing: Vec<RoleHeld>,
    pub last_public_update_at: Option<DateTime<Utc>>,
    /// The severity's `update_every`, for a public incident.
    pub update_every_s: Option<i64>,
    /// When the next public update is due: `update_every` after the last one (or detection).
    pub next_update_due_at: Option<DateTime<Utc>>,
    /// Seconds until it is due; negative when overdue.
    pub update_due_in_s: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleHeld {
    pub role: String,
    pub name: String,
    pub people: Vec<String>,
    /// How many people the severity requires in it (0 when not required).
    pub required: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Maintenance {
    pub id: String,
    pub title: String,
    /// `running` or `upcoming`.
    pub phase: &'static str,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Seconds until it starts (upcoming) or ends (running).
    pub in_s: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PostmortemDue {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: &'static str,
    pub resolved_at: DateTime<Utc>,
    /// `postmortem_within` after resolution, when the severity sets it.
    pub due_at: Option<DateTime<Utc>>,
    /// Seconds until due; negative when overdue.
    pub due_in_s: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionOverdue {
    pub id: String,
    pub incident: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub due: NaiveDate,
    pub days_overdue: i64,
}

/// The board of `site` at `now`.
pub fn board(site: &Site, now: DateTime<Utc>) -> Board {
    let policy = &site.policy;
    let today = now.with_timezone(&site.config.tz()).date_naive();
    let mut incidents = Vec::new();
    let mut maintenance = Vec::new();
    let mut postmortems_due = Vec::new();
    let mut actions_overdue = Vec::new();
    for record in &site.records {
        let record = record.as_ref();
        match record.kind {
            Kind::Incident => {
                if let Some(open) = open_incident(policy, record, now) {
                    incidents.push(open);
                }
                if let Some(due) = postmortem_due(policy, record, now) {
                    postmortems_due.push(due);
                }
            }
            Kind::Maintenance => maintenance.extend(window(record, now)),
            Kind::Notice => {}
        }
        for item in record.action_items.iter().filter(|a| a.is_overdue(today)) {
            let Some(due) = item.due else { continue };
            actions_overdue.push(ActionOverdue {
                id: item.id.clone(),
                incident: record.id.value.clone(),
                title: item.title.clone(),
                owner: item.owner.clone(),
                due,
                days_overdue: (today - due).num_days(),
            });
        }
    }
    let rank = |severity: &Option<String>| {
        severity.as_deref().and_then(|s| policy.severity(s)).map(|s| s.rank).unwrap_or(usize::MAX)
    };
    incidents.sort_by(|a, b| (rank(&a.severity), a.started_at, &a.id).cmp(&(rank(&b.severity), b.started_at, &b.id)));
    maintenance.sort_by(|a, b| (a.phase != "running", a.from, &a.id).cmp(&(b.phase != "running", b.from, &b.id)));
    postmortems_due.sort_by(|a, b| (a.due_at.is_none(), a.due_at, &a.id).cmp(&(b.due_at.is_none(), b.due_at, &b.id)));
    actions_overdue.sort_by(|a, b| (a.due, &a.incident, &a.id).cmp(&(b.due, &b.incident, &b.id)));
    Board { now, incidents, maintenance, postmortems_due, actions_overdue }
}

/// An incident that is not resolved at `now` (and had begun by then).
fn open_incident(policy: &Policy, record: &Record, now: DateTime<Utc>) -> Option<OpenIncident> {
    let m = &record.milestones;
    let utc = |t: Option<DateTime<chrono::FixedOffset>>| t.map(|t| t.to_utc());
    let resolved = m.resolved.is_some_and(|t| t.to_utc() <= now)
        || (m.resolved.is_none() && record.status.as_ref().is_some_and(|s| s.value == Status::Resolved));
    let started = utc(m.start());
    if resolved || started.is_some_and(|s| s > now) {
        return None;
    }
    let severity = record.severity.as_ref().map(|s| s.value.clone());
    let level = severity.as_deref().and_then(|s| policy.severity(s));
    let required: Vec<(String, u32)> = level
        .map(|l| {
            l.required_roles
                .iter()
                .map(|(r, n, _)| (policy.role(r).map(|r| r.id.clone()).unwrap_or_else(|| r.clone()), *n))
                .collect()
        })
        .unwrap_or_default();
    let mut roles: Vec<RoleHeld> = Vec::new();
    for assignment in &record.roles {
        let (id, name) = match policy.role(&assignment.role) {
            Some(r) => (r.id.clone(), r.name.clone()),
            None => (assignment.role.value.clone(), assignment.role.value.clone()),
        };
        let i = match roles.iter().position(|h| h.role == id) {
            Some(i) => i,
            None => {
                let wanted = required.iter().find(|(r, _)| *r == id).map(|(_, n)| *n).unwrap_or(0);
                roles.push(RoleHeld { role: id, name, people: Vec::new(), required: wanted });
                roles.len() - 1
            }
        };
        for person in assignment.people.iter().map(|p| p.value.trim()) {
            if !is_placeholder(person) && !roles[i].people.iter().any(|p| same_person(p, person)) {
                roles[i].people.push(person.to_string());
            }
        }
    }
    roles.retain(|r| !r.people.is_empty());
    let roles_missing = required
        .iter()
        .filter_map(|(id, n)| {
            let people = roles.iter().find(|r| r.role == *id).map(|r| r.people.clone()).unwrap_or_default();
            (people.len() < *n as usize).then(|| RoleHeld {
                role: id.clone(),
                name: policy.role(id).map(|r| r.name.clone()).unwrap_or_else(|| id.clone()),
                people,
                required: *n,
            })
        })
        .collect();

    let detected = utc(m.detected);
    let last_update = record
        .timeline_sorted()
        .into_iter()
        .filter(|e| e.kind == EventKind::Update && e.is_public() && e.at.to_utc() <= now)
        .map(|e| e.at.to_utc())
        .next_back();
    let every = level.and_then(|l| l.update_every).filter(|_| record.is_public());
    let due = every.and_then(|every| {
        let from = last_update.or(detected)?;
        Some(from + chrono::Duration::seconds(every))
    });
    Some(OpenIncident {
        id: record.id.value.clone(),
        title: record.title().to_string(),
        path: record.path.clone(),
        severity,
        status: record.status.as_ref().map(|s| s.value.as_str()),
        public: record.is_public(),
        started_at: started,
        detected_at: detected,
        acknowledged_at: utc(m.acknowledged).filter(|t| *t <= now),
        mitigated_at: utc(m.mitigated).filter(|t| *t <= now),
        age_s: started.map(|s| (now - s).num_seconds()),
        roles,
        roles_missing,
        last_public_update_at: last_update,
        update_every_s: every,
        next_update_due_at: due,
        update_due_in_s: due.map(|d| (d - now).num_seconds()),
    })
}

/// A resolved incident whose severity requires a post-mortem that is not published yet.
fn postmortem_due(policy: &Policy, record: &Record, now: DateTime<Utc>) -> Option<PostmortemDue> {
    let resolved = record.milestones.resolved?.to_utc();
    let severity = record.severity.as_ref()?;
    let level = policy.severity(&severity.value)?;
    let status = record.postmortem.as_ref().map(|p| p.status).unwrap_or(PostmortemStatus::None);
    if resolved > now || level.postmortem != PostmortemPolicy::Required || status == PostmortemStatus::Published {
        return None;
    }
    let due_at = level.postmortem_within.map(|w| resolved + chrono::Duration::seconds(w));
    let status = PostmortemStatus::ALL.iter().find(|(_, s)| *s == status).map(|(n, _)| *n).unwrap_or("none");
    Some(PostmortemDue {
        id: record.id.value.clone(),
        title: record.title().to_string(),
        severity: severity.value.clone(),
        status,
        resolved_at: resolved,
        due_at,
        due_in_s: due_at.map(|d| (d - now).num_seconds()),
    })
}

/// A maintenance window running or upcoming at `now`.
fn window(record: &Record, now: DateTime<Utc>) -> Option<Maintenance> {
    let w = record.window.as_ref()?;
    let (from, until) = (w.from.to_utc(), w.until.to_utc());
    let (phase, in_s) = match maintenance_phase(record, now)? {
        MaintenancePhase::Active => ("running", (until - now).num_seconds()),
        MaintenancePhase::Upcoming => ("upcoming", (from - now).num_seconds()),
        MaintenancePhase::Over | MaintenancePhase::Cancelled => return None,
    };
    Some(Maintenance { id: record.id.value.clone(), title: record.title().to_string(), phase, from, until, in_s })
}

/// "4 min", "2h 05m": how long, for the cadence line.
pub fn minutes(seconds: i64) -> String {
    let s = seconds.abs();
    if s < 3600 {
        format!("{} min", s / 60)
    } else {
        crate::duration::human(s)
    }
}

/// "update due in 4 min", "update overdue by 6 min", "update due now".
pub fn cadence(due_in_s: i64) -> String {
    match due_in_s {
        s if s >= 60 => format!("update due in {}", minutes(s)),
        s if s > -60 => "update due now".to_string(),
        s => format!("update overdue by {}", minutes(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadence_in_words() {
        assert_eq!(cadence(4 * 60 + 59), "update due in 4 min");
        assert_eq!(cadence(59), "update due now");
        assert_eq!(cadence(-59), "update due now");
        assert_eq!(cadence(-6 * 60), "update overdue by 6 min");
        assert_eq!(cadence(-(2 * 3600 + 5 * 60)), "update overdue by 2h 05m");
    }
}
