//! What a public build may show, decided in one place: private records and internal timeline
//! entries dropped, unpublished post-mortems emptied, people's names and unlisted `extra:` keys
//! removed, and of the git history only what cannot name anything private.
//!
//! [`super::Site::view`] applies these rules; every public output (pages, feeds, the API, the
//! reports, `report`, `diff`, `notify`) reads the view and nothing else.

use crate::config::PublicConfig;
use crate::git::{Commit, History};
use crate::record::{EventKind, Record};
use foldhash::HashSet;
use std::sync::Arc;

/// The rules a public view is made by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// The ids of the private records: not even named among a public record's related ones.
    pub hidden: HashSet<String>,
    /// What `[public]` in `incsite.toml` lets through.
    pub public: PublicConfig,
}

/// Makes `r` (a public record) what the public may see of it.
pub fn record(r: &mut Record, rules: &Rules) {
    r.timeline.retain(|e| e.is_public());
    // Entries are numbered among what is shown (update ids and anchors are made from the number),
    // so that gaps do not tell how many internal entries there are.
    for (i, e) in r.timeline.iter_mut().enumerate() {
        e.index = i;
    }
    if !r.postmortem_is_public() {
        r.body = String::new();
    }
    r.related.retain(|id| !rules.hidden.contains(id.value.as_str()));
    if !rules.public.people {
        // Which roles were filled stays; by whom does not.
        for role in &mut r.roles {
            role.people.clear();
        }
        for e in &mut r.timeline {
            e.by = None;
            if e.kind == EventKind::Handoff {
                e.from = None;
                e.to = None;
            }
        }
        for a in &mut r.action_items {
            a.owner = None;
        }
        if let Some(p) = &mut r.postmortem {
            p.facilitator = None;
        }
    }
    r.extra = match std::mem::take(&mut r.extra) {
        serde_json::Value::Object(map) => {
            let kept: serde_json::Map<String, serde_json::Value> =
                map.into_iter().filter(|(k, _)| rules.public.extra.iter().any(|e| e == k)).collect();
            if kept.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::Value::Object(kept)
            }
        }
        _ => serde_json::Value::Null,
    };
}

/// The history a public view may show: only the files it shows (its records and runbooks), and
/// of each commit its message (and, with `[public] people`, its author) only when every record
/// the commit touched was public as it stood then and is not private now. Ids and dates stay.
pub fn history(history: &History, records: &[Arc<Record>], runbook_paths: &[&str], rules: &Rules) -> History {
    let shown: HashSet<&str> = records.iter().map(|r| r.path.as_str()).chain(runbook_paths.iter().copied()).collect();
    // Commits that touched a record file no record of the view has now (private now, or deleted
    // or moved): its message may name what it was.
    let mut private_now: HashSet<&str> = HashSet::default();
    for (path, commits) in &history.by_path {
        if path.starts_with("content/incidents/") && !shown.contains(path.as_str()) {
            private_now.extend(commits.iter().map(|c| c.id.as_str()));
        }
    }
    let redact = |c: &Commit| {
        let open = !c.private && !private_now.contains(c.id.as_str());
        Commit {
            id: c.id.clone(),
            short_id: c.short_id.clone(),
            author: c.author.clone().filter(|_| open && rules.public.people),
            date: c.date,
            summary: c.summary.clone().filter(|_| open),
            private: c.private,
        }
    };
    let by_path = history
        .by_path
        .iter()
        .filter(|(path, _)| shown.contains(path.as_str()))
        .map(|(path, commits)| (path.clone(), commits.iter().map(&redact).collect()))
        .collect();
    let head = history.head.as_ref().map(|c| Commit { author: None, summary: None, ..c.clone() });
    History { by_path, head }
}
