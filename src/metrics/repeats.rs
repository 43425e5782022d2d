//! Repeat incidents: those with a cause tag that an earlier incident (by start time) already had.

use super::Incident;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repeats {
    /// The incidents looked at.
    pub incidents: usize,
    /// How many of them are repeats.
    pub repeats: usize,
    /// `repeats / incidents`; null over no incident.
    pub share: Option<f64>,
    /// The repeat incidents' ids, in start order.
    pub ids: Vec<String>,
    /// Cause tag → how many of the incidents looked at carry it, for tags on more than one
    /// counted incident.
    pub by_cause: BTreeMap<String, usize>,
}

/// `all` is every counted incident of the view: an incident before `--since` still makes a later
/// one a repeat. The share is over `selected`. An incident without a start cannot be ordered and
/// is never a repeat (nor makes one). Equal starts are not "earlier".
pub(super) fn repeats(all: &[Incident], selected: &[&Incident]) -> Repeats {
    let mut first_seen: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    let mut on_incidents: BTreeMap<&str, usize> = BTreeMap::new();
    for incident in all {
        for cause in causes(incident) {
            *on_incidents.entry(cause).or_default() += 1;
            if let Some(start) = incident.start {
                let seen = first_seen.entry(cause).or_insert(start);
                *seen = (*seen).min(start);
            }
        }
    }
    let mut repeated: Vec<&Incident> = selected
        .iter()
        .copied()
        .filter(|i| {
            i.start.is_some_and(|start| causes(i).iter().any(|c| first_seen.get(c).is_some_and(|&f| f < start)))
        })
        .collect();
    repeated.sort_by(|a, b| (a.start, a.id()).cmp(&(b.start, b.id())));
    let mut by_cause: BTreeMap<String, usize> = BTreeMap::new();
    for incident in selected {
        for cause in causes(incident) {
            if on_incidents.get(cause).is_some_and(|&n| n > 1) {
                *by_cause.entry(cause.to_string()).or_default() += 1;
            }
        }
    }
    Repeats {
        incidents: selected.len(),
        repeats: repeated.len(),
        share: (!selected.is_empty()).then(|| repeated.len() as f64 / selected.len() as f64),
        ids: repeated.iter().map(|i| i.id().to_string()).collect(),
        by_cause,
    }
}

/// An incident's distinct cause tags.
fn causes<'a>(incident: &Incident<'a>) -> Vec<&'a str> {
    let mut tags: Vec<&str> = incident.record.causes.iter().map(|c| c.value.as_str()).collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}
