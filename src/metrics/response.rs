//! How well the response kept to the severity policy: acknowledged within `respond_within`,
//! public updates at least every `update_every`, and post-mortems published on time.

use super::Incident;
use crate::record::PostmortemStatus;
use crate::schema::{Policy, PostmortemPolicy};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Response compliance for one severity. Incidents whose severity the policy does not define
/// are left out (`check` reports them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    pub incidents: usize,
    /// The policy's limit, seconds; null when the severity sets none (then nothing is late).
    pub respond_within_s: Option<i64>,
    /// Acknowledged at most `respond_within` after detection.
    pub acknowledged_in_time: usize,
    pub acknowledged_late: usize,
    /// Without a `detected` or `acknowledged` time.
    pub acknowledged_unknown: usize,
    /// `in_time / (in_time + late)`; null when neither.
    pub acknowledged_rate: Option<f64>,
    pub update_every_s: Option<i64>,
    /// No gap longer than `update_every` between detection, each public update and resolution
    /// (or `now` while unresolved).
    pub updated_in_time: usize,
    pub updated_late: usize,
    /// Without a `detected` time.
    pub updated_unknown: usize,
    pub updated_rate: Option<f64>,
}

pub(super) fn compliance(policy: &Policy, incidents: &[&Incident], now: DateTime<Utc>) -> BTreeMap<String, Compliance> {
    let mut out: BTreeMap<String, Compliance> = BTreeMap::new();
    for incident in incidents {
        let Some(severity) = incident.severity().and_then(|s| policy.severity(s)) else { continue };
        let c = out.entry(severity.id.clone()).or_insert_with(|| Compliance {
            incidents: 0,
            respond_within_s: severity.respond_within,
            acknowledged_in_time: 0,
            acknowledged_late: 0,
            acknowledged_unknown: 0,
            acknowledged_rate: None,
            update_every_s: severity.update_every,
            updated_in_time: 0,
            updated_late: 0,
            updated_unknown: 0,
            updated_rate: None,
        });
        c.incidents += 1;
        let m = &incident.record.milestones;
        match (m.detected, m.acknowledged) {
            (Some(detected), Some(acknowledged)) => {
                let late = severity.respond_within.is_some_and(|limit| (acknowledged - detected).num_seconds() > limit);
                if late {
                    c.acknowledged_late += 1;
                } else {
                    c.acknowledged_in_time += 1;
                }
            }
            _ => c.acknowledged_unknown += 1,
        }
        match m.detected {
            Some(detected) => {
                let end = m.resolved.unwrap_or_else(|| now.fixed_offset());
                let late = severity.update_every.is_some_and(|limit| longest_gap(incident, detected, end) > limit);
                if late {
                    c.updated_late += 1;
                } else {
                    c.updated_in_time += 1;
                }
            }
            None => c.updated_unknown += 1,
        }
    }
    for c in out.values_mut() {
        c.acknowledged_rate = rate(c.acknowledged_in_time, c.acknowledged_late);
        c.updated_rate = rate(c.updated_in_time, c.updated_late);
    }
    out
}

/// The longest stretch, in seconds, between `from`, the public updates in between, and `until`.
fn longest_gap(incident: &Incident, from: DateTime<FixedOffset>, until: DateTime<FixedOffset>) -> i64 {
    let mut times: Vec<DateTime<FixedOffset>> =
        incident.record.public_updates(from, Some(until)).into_iter().map(|e| e.at).collect();
    times.push(from);
    times.push(until);
    times.sort_unstable();
    times.windows(2).map(|w| (w[1] - w[0]).num_seconds()).max().unwrap_or(0)
}

fn rate(good: usize, bad: usize) -> Option<f64> {
    (good + bad > 0).then(|| good as f64 / (good + bad) as f64)
}

/// Post-mortem timeliness for one severity, over its resolved incidents.
///
/// The record format has no publication date, so a published post-mortem counts as on time when
/// its retrospective `meeting` date is on or before the deadline (`resolved` + `postmortem_within`,
/// as a UTC day), late when after it; without a meeting date or a deadline it is only `published`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostmortemFigures {
    /// `required` or `optional`, from the policy.
    pub policy: PostmortemPolicy,
    pub within_s: Option<i64>,
    /// Resolved incidents of this severity.
    pub resolved: usize,
    pub published: usize,
    pub on_time: usize,
    pub late: usize,
    /// Not (yet) published.
    pub unpublished: usize,
    /// Unpublished, required, and past the deadline at `now`.
    pub overdue: usize,
}

pub(super) fn postmortems(
    policy: &Policy,
    incidents: &[&Incident],
    now: DateTime<Utc>,
) -> BTreeMap<String, PostmortemFigures> {
    let mut out: BTreeMap<String, PostmortemFigures> = BTreeMap::new();
    for incident in incidents {
        let Some(severity) = incident.severity().and_then(|s| policy.severity(s)) else { continue };
        let Some(resolved) = incident.record.milestones.resolved else { continue };
        let f = out.entry(severity.id.clone()).or_insert_with(|| PostmortemFigures {
            policy: severity.postmortem,
            within_s: severity.postmortem_within,
            resolved: 0,
            published: 0,
            on_time: 0,
            late: 0,
            unpublished: 0,
            overdue: 0,
        });
        f.resolved += 1;
        let deadline = severity.postmortem_within.and_then(|s| resolved.checked_add_signed(Duration::seconds(s)));
        let pm = incident.record.postmortem.as_ref();
        if pm.is_some_and(|p| p.status == PostmortemStatus::Published) {
            f.published += 1;
            if let (Some(meeting), Some(deadline)) = (pm.and_then(|p| p.meeting), deadline) {
                if meeting <= deadline.with_timezone(&Utc).date_naive() {
                    f.on_time += 1;
                } else {
                    f.late += 1;
                }
            }
        } else {
            f.unpublished += 1;
            let required = severity.postmortem == PostmortemPolicy::Required;
            if required && deadline.is_some_and(|d| now > d) {
                f.overdue += 1;
            }
        }
    }
    out
}
