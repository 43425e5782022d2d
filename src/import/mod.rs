//! Importing history kept in other status-page systems (Statuspage, cState): each source is read
//! into [`Draft`] records, which [`writing`] turns into record files without touching existing ones.

pub mod cstate;
pub mod statuspage;
pub mod writing;

use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;

/// What kind of record a draft becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftKind {
    Incident,
    Maintenance,
    Notice,
}

/// One timeline entry to write.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftEvent {
    pub at: DateTime<FixedOffset>,
    /// `started`, `detected`, `mitigated`, `resolved` or `update`.
    pub event: &'static str,
    pub status: Option<&'static str>,
    pub text: Option<String>,
    /// For updates: each listed service's state as of the update (`operational` included).
    pub impact: Vec<(String, &'static str)>,
}

/// One record to write, as read from the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: String,
    pub kind: DraftKind,
    pub title: String,
    pub severity: Option<String>,
    pub status: Option<&'static str>,
    /// Service id → the worst level it reached.
    pub impact: Vec<(String, &'static str)>,
    pub timeline: Vec<DraftEvent>,
    pub window: Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    /// Notices: shown from / until, and pinned.
    pub shown: Option<(DateTime<FixedOffset>, Option<DateTime<FixedOffset>>)>,
    pub pin: bool,
    /// Source-only fields kept under `extra:` (key → text).
    pub extra: Vec<(String, String)>,
    pub body: String,
    /// The time that names the file and its year folder.
    pub at: DateTime<FixedOffset>,
}

/// A service the drafts refer to, as the source names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDraft {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
}

/// What one source read gave: records, the services they name, and what could not be mapped.
#[derive(Debug, Default)]
pub struct Import {
    pub drafts: Vec<Draft>,
    pub services: Vec<ServiceDraft>,
    /// Kind of unmappable data → how many times it was met.
    pub unmapped: BTreeMap<String, usize>,
}

impl Import {
    /// Counts one more instance of an unmappable kind of data (reported once per kind).
    pub fn lost(&mut self, kind: impl Into<String>) {
        *self.unmapped.entry(kind.into()).or_insert(0) += 1;
    }

    /// Keeps the fields the reader does not map (those not in `known`) under the record's `extra:`
    /// when they hold text, a number or a boolean; a list or a `nested` value cannot be kept, and
    /// is reported as lost (`"{what} `key` (a list or {nested}; not kept)"`). Nulls are skipped.
    pub fn keep_unmapped<'a>(
        &mut self,
        fields: impl IntoIterator<Item = (&'a String, &'a serde_json::Value)>,
        known: &[&str],
        (what, nested): (&str, &str),
        extra: &mut Vec<(String, String)>,
    ) {
        use serde_json::Value;
        for (key, value) in fields {
            if known.contains(&key.as_str()) || value.is_null() {
                continue;
            }
            match value {
                Value::String(s) => extra.push((key.clone(), s.clone())),
                Value::Bool(_) | Value::Number(_) => extra.push((key.clone(), value.to_string())),
                _ => self.lost(format!("{what} `{key}` (a list or {nested}; not kept)")),
            }
        }
    }

    /// The service id for a name the source uses, adding the service when it is new.
    pub fn service(&mut self, name: &str, group: Option<&str>, description: Option<&str>) -> String {
        let name = name.trim();
        if let Some(s) = self.services.iter_mut().find(|s| s.name.eq_ignore_ascii_case(name)) {
            if s.group.is_none() {
                s.group = group.map(str::to_string);
            }
            if s.description.is_none() {
                s.description = description.map(str::to_string);
            }
            return s.id.clone();
        }
        let base = id_slug(name, "service");
        let mut id = base.clone();
        let mut n = 1;
        while self.services.iter().any(|s| s.id == id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.services.push(ServiceDraft {
            id: id.clone(),
            name: name.to_string(),
            group: group.map(str::to_string),
            description: description.map(str::to_string).filter(|d| !d.trim().is_empty()),
        });
        id
    }
}

/// The record's impact levels, worst first, for "worse than".
pub fn level_rank(level: &str) -> u8 {
    match level {
        "major" => 4,
        "partial" => 3,
        "degraded" => 2,
        "maintenance" => 1,
        _ => 0,
    }
}

/// An id usable in URLs and file names: lowercase ASCII letters and digits joined by hyphens
/// (`fallback` when the text has none to keep).
pub fn id_slug(text: &str, fallback: &str) -> String {
    if text.chars().any(|c| c.is_alphanumeric()) && crate::cmd::new::slug(text) != "incident" {
        crate::cmd::new::slug(text)
    } else {
        fallback.to_string()
    }
}

/// The severity id for each of a source's levels (most severe first), from `--severity-map`
/// (`critical=SEV-1,major=SEV-2`) over a default by order: the source's first level is the
/// site's most severe, and so on, the rest taking the least severe.
pub fn severity_map(levels: &[&str], site: &[String], given: Option<&str>) -> anyhow::Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for (i, level) in levels.iter().enumerate() {
        if let Some(sev) = site.get(i.min(site.len().saturating_sub(1))) {
            map.insert(level.to_string(), sev.clone());
        }
    }
    for pair in given.unwrap_or("").split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((from, to)) = pair.split_once('=') else {
            anyhow::bail!("--severity-map takes `level=SEVERITY` pairs separated by commas, not `{pair}`");
        };
        let (from, to) = (from.trim(), to.trim());
        if !levels.contains(&from) {
            anyhow::bail!("--severity-map: `{from}` is not a level of this source (one of {})", levels.join(", "));
        }
        let Some(sev) = site.iter().find(|s| s.eq_ignore_ascii_case(to)) else {
            anyhow::bail!("--severity-map: `{to}` is not a severity of this site (one of {})", site.join(", "));
        };
        map.insert(from.to_string(), sev.clone());
    }
    Ok(map)
}
