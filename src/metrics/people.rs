//! Load per person: in how many incidents each person held a role, which roles (aliases resolved
//! through the role catalogue), and how many incidents they acknowledged.

use super::Incident;
use crate::record::EventKind;
use crate::schema::Policy;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Load {
    /// Incidents in which the person held at least one role.
    pub incidents: usize,
    /// Role id → in how many incidents the person held it. A role the catalogue does not know is
    /// kept as written.
    pub roles: BTreeMap<String, usize>,
    /// Incidents the person acknowledged (`by` of the `acknowledged` event).
    pub acknowledged: usize,
}

pub(super) fn load(policy: &Policy, incidents: &[&Incident]) -> BTreeMap<String, Load> {
    let mut out: BTreeMap<String, Load> = BTreeMap::new();
    for incident in incidents {
        // (person, role id) pairs, each once per incident.
        let mut held: BTreeSet<(&str, String)> = BTreeSet::new();
        for assignment in &incident.record.roles {
            let role =
                policy.role(&assignment.role).map(|r| r.id.clone()).unwrap_or_else(|| assignment.role.value.clone());
            for person in &assignment.people {
                let person = person.value.trim();
                if !person.is_empty() {
                    held.insert((person, role.clone()));
                }
            }
        }
        let people: BTreeSet<&str> = held.iter().map(|(p, _)| *p).collect();
        for person in people {
            out.entry(person.to_string()).or_default().incidents += 1;
        }
        for (person, role) in held {
            *out.entry(person.to_string()).or_default().roles.entry(role).or_default() += 1;
        }
        let acked = incident.record.timeline.iter().find(|e| e.kind == EventKind::Acknowledged);
        if let Some(by) = acked.and_then(|e| e.by.as_deref()).map(str::trim).filter(|b| !b.is_empty()) {
            out.entry(by.to_string()).or_default().acknowledged += 1;
        }
    }
    out
}
