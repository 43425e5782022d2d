//! The rules of FORMAT.md "Checks" that look across a record, the policies and the other records:
//! one function per rule, each adding diagnostics with a stable code.
//!
//! Rules about a single file's shape (types, unknown keys, required fields) live in the parser.
//! Rules here skip what would only repeat an earlier error: a record the parser marked `damaged`
//! may have lost timeline entries or roles, so the rules that count or order them stay quiet.

mod actions;
mod postmortem;
mod refs;
mod roles;
mod timeline;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::record::{Record, Runbook};
use crate::schema::{Policy, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Everything a rule may look at.
pub struct Input<'a> {
    pub config: &'a Config,
    pub policy: &'a Policy,
    pub records: &'a [Record],
    pub runbooks: &'a [Runbook],
    /// For the rules that depend on the current time (always warnings).
    pub now: DateTime<Utc>,
}

/// What the rules look things up in, indexed once for the whole site.
struct Index<'a> {
    input: &'a Input<'a>,
    severities: HashMap<&'a str, &'a Severity>,
    services: HashSet<&'a str>,
    runbooks: HashSet<&'a str>,
    /// Every record id (incidents and maintenance windows).
    ids: HashSet<&'a str>,
    /// Today's date in the site's time zone, for due dates.
    today: NaiveDate,
}

impl<'a> Index<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        Index {
            input,
            severities: input.policy.severities.iter().map(|s| (s.id.as_str(), s)).collect(),
            services: input.policy.services.iter().map(|s| s.id.as_str()).collect(),
            runbooks: input.runbooks.iter().map(|r| r.id.as_str()).collect(),
            ids: input.records.iter().map(|r| r.id.value.as_str()).collect(),
            today: input.now.with_timezone(&input.config.tz()).date_naive(),
        }
    }

    fn policy(&self) -> &'a Policy {
        self.input.policy
    }

    /// The policy of the record's severity, when it has a known one.
    fn severity_of(&self, record: &Record) -> Option<&'a Severity> {
        record.severity.as_ref().and_then(|s| self.severities.get(s.value.as_str()).copied())
    }

    fn severity_ids(&self) -> impl Iterator<Item = &'a str> {
        self.input.policy.severities.iter().map(|s| s.id.as_str())
    }
}

/// One rule over one record.
type Rule = fn(&Index, &Record, &mut Vec<Diagnostic>);

/// The per-record rules, grouped by subject.
const RULES: &[Rule] = &[
    refs::unknown_severity,
    refs::unknown_role,
    refs::unknown_service,
    refs::unknown_runbook,
    refs::unknown_related,
    timeline::milestone_repeated,
    timeline::milestone_order,
    timeline::resolved_status,
    timeline::severity_matches,
    timeline::late_acknowledgement,
    timeline::update_gaps,
    roles::required_roles,
    roles::exclusive_roles,
    roles::handoff_people,
    postmortem::required_sections,
    postmortem::facilitator,
    postmortem::late,
    actions::duplicate_ids,
    actions::overdue,
    actions::done_without_date,
];

/// Runs every rule over every record. The order of the result is not meaningful; callers sort.
pub fn run(input: &Input) -> Vec<Diagnostic> {
    let index = Index::new(input);
    let mut out = refs::duplicate_ids(input.records);
    refs::runbook_services(&index, &mut out);
    let per_record: Vec<Vec<Diagnostic>> = input
        .records
        .par_iter()
        .map(|record| {
            let mut found = Vec::new();
            for rule in RULES {
                rule(&index, record, &mut found);
            }
            found
        })
        .collect();
    out.extend(per_record.into_iter().flatten());
    out
}

/// How a person's name is compared across roles, handoffs and the facilitator: case and spacing
/// do not matter.
fn person_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether any role the record names is not in the catalogue (rules that count role holders stay
/// quiet then: the typo is already an error).
fn has_unknown_role(policy: &Policy, record: &Record) -> bool {
    record.roles.iter().any(|r| policy.role(&r.role).is_none())
}

#[cfg(test)]
mod tests;
