//! Update-level impact read back: each service's state as of a given update or time, so that the
//! status page and the Statuspage API follow an incident's updates rather than its worst level.

use super::{EventKind, ImpactLevel, Record};
use chrono::{DateTime, Utc};

impl Record {
    /// Whether any `update` entry carries `impact:`.
    pub fn has_update_impact(&self) -> bool {
        self.timeline.iter().any(|e| e.kind == EventKind::Update && !e.impact.is_empty())
    }

    /// Each service of the record (its `impact`, then services only updates list) and its state
    /// after the updates at or before `until` (`None`: every update): the latest update listing
    /// the service decides; a service no such update lists has its `impact` level, or is
    /// operational (`None`) when only a later update names it.
    pub fn states_at(&self, until: Option<DateTime<Utc>>) -> Vec<(&str, Option<ImpactLevel>)> {
        let mut out: Vec<(&str, Option<ImpactLevel>)> =
            self.impact.iter().map(|i| (i.service.value.as_str(), Some(i.level))).collect();
        for e in self.timeline_sorted() {
            if e.kind != EventKind::Update || until.is_some_and(|u| e.at > u) {
                continue;
            }
            for i in &e.impact {
                match out.iter_mut().find(|(s, _)| *s == i.service.value) {
                    Some(entry) => entry.1 = i.level,
                    None => out.push((i.service.value.as_str(), i.level)),
                }
            }
        }
        out
    }

    /// The record's level for a service as its `impact` says (`None`: not there).
    pub fn impact_of(&self, service: &str) -> Option<ImpactLevel> {
        self.impact.iter().find(|i| i.service.value == service).map(|i| i.level)
    }
}
