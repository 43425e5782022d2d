//! The rules of FORMAT.md "Checks" that look across a record, the policies and the other records:
//! one function per rule, each adding diagnostics with a stable code.
//!
//! Rules about a single file's shape (types, unknown keys, required fields) live in the parser.
//! Rules here skip what would only repeat an earlier error: a record the parser marked `damaged`
//! may have lost timeline entries or roles, so the rules that count or order them stay quiet.
//!
//! Errors: `duplicate-id`, `unknown-severity`, `unknown-role`, `unknown-service`,
//! `unknown-runbook`, `unknown-incident`, `milestone-repeated`, `milestone-order`,
//! `resolved-without-event`, `status-not-resolved`, `severity-mismatch`, `missing-role`,
//! `too-few-in-role`, `missing-section`, `facilitator-held-role`.
//! Warnings (the time-dependent ones measure against [`Input::now`]): `late-acknowledgement`,
//! `update-gap`, `postmortem-late`, `action-overdue`, `done-without-date`, `exclusive-role`,
//! `handoff-not-in-roles`, `init-placeholder`, `future-time`.

mod actions;
mod headings;
mod notice;
mod postmortem;
mod refs;
mod roles;
mod service;
mod timeline;
mod update_impact;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::record::{EventKind, Record, Runbook};
use crate::schema::{Policy, Role, Severity};
use chrono::{DateTime, NaiveDate, Utc};
use foldhash::{HashMap, HashMapExt, HashSet};
use rayon::prelude::*;
use std::sync::Arc;

pub(crate) use roles::is_placeholder;

/// Everything a rule may look at.
pub struct Input<'a> {
    pub config: &'a Config,
    pub policy: &'a Policy,
    pub records: &'a [Arc<Record>],
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
    /// Each severity's required roles, resolved: (role, how many people).
    required_roles: HashMap<&'a str, Vec<(&'a Role, u32)>>,
    /// Every role name the records use, as written, resolved once (ids and aliases).
    roles: HashMap<&'a str, Option<&'a Role>>,
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
            roles: role_names(input),
            required_roles: input
                .policy
                .severities
                .iter()
                .map(|s| {
                    let roles = s.required_roles.iter().filter_map(|(r, n, _)| Some((input.policy.role(r)?, *n)));
                    (s.id.as_str(), roles.collect())
                })
                .collect(),
            today: input.now.with_timezone(&input.config.tz()).date_naive(),
        }
    }

    fn policy(&self) -> &'a Policy {
        self.input.policy
    }

    /// The role a name as written stands for.
    fn role(&self, name: &str) -> Option<&'a Role> {
        match self.roles.get(name) {
            Some(role) => *role,
            None => self.input.policy.role(name),
        }
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

/// The per-record rules that do not depend on the time, grouped by subject: a record's findings
/// change only with the record (or the policies, which `serve` reloads everything for).
const TIMELESS: &[Rule] = &[
    refs::unknown_severity,
    refs::unknown_role,
    refs::unknown_service,
    refs::unknown_runbook,
    timeline::milestone_repeated,
    timeline::milestone_order,
    timeline::resolved_status,
    timeline::severity_matches,
    roles::exclusive_roles,
    roles::handoff_people,
    postmortem::facilitator,
    actions::duplicate_ids,
    actions::done_without_date,
    roles::placeholders,
    service::example_record,
    update_impact::within_record,
    notice::services,
];

/// The time-independent rules that ask for what an imported record's source never recorded
/// (roles, post-mortem sections, acknowledgement): skipped for records with `imported:`.
const TIMELESS_POLICIES: &[Rule] =
    &[timeline::late_acknowledgement, roles::required_roles, postmortem::required_sections];

/// The per-record rules that measure against [`Input::now`].
const TIMELY: &[Rule] = &[actions::overdue, service::future_times];

/// The time-dependent rules skipped for imported records (update cadence, post-mortem deadline).
const TIMELY_POLICIES: &[Rule] = &[timeline::update_gaps, postmortem::late];

/// The rules that apply to a record: every format rule, and the policies unless it was imported.
fn rules<'r>(record: &Record, always: &'r [Rule], policies: &'r [Rule]) -> impl Iterator<Item = &'r Rule> {
    let policies = if record.imported.is_some() { &[][..] } else { policies };
    always.iter().chain(policies)
}

/// The time-independent rules' findings per record, kept between runs by `serve`, so that after
/// a save only the saved record is looked at by them again.
#[derive(Debug, Default)]
pub struct Memo {
    /// Keyed by the record's address, which stays its own while the Arc beside it holds it.
    found: HashMap<usize, (Arc<Record>, Vec<Diagnostic>)>,
}

/// Runs every rule over every record. The order of the result is not meaningful; callers sort.
pub fn run(input: &Input) -> Vec<Diagnostic> {
    run_with(input, &mut Memo::default())
}

/// [`run`], reusing `memo`'s findings for records that are the same as at its last run. The
/// policies and runbooks must be the same as then (a fresh memo otherwise).
pub fn run_with(input: &Input, memo: &mut Memo) -> Vec<Diagnostic> {
    let index = Index::new(input);
    let mut out = refs::duplicate_ids(input.records);
    refs::runbook_services(&index, &mut out);
    refs::unknown_related(&index, &mut out);
    let old = std::mem::take(&mut memo.found);
    let per_record: Vec<(Vec<Diagnostic>, Vec<Diagnostic>)> = input
        .records
        .par_iter()
        .with_max_len(crate::PAR_JOB)
        .map(|record| {
            let timeless = match old.get(&(Arc::as_ptr(record) as usize)) {
                Some((_, found)) => found.clone(),
                None => {
                    let mut found = Vec::new();
                    for rule in rules(record, TIMELESS, TIMELESS_POLICIES) {
                        rule(&index, record, &mut found);
                    }
                    found
                }
            };
            let mut timely = Vec::new();
            for rule in rules(record, TIMELY, TIMELY_POLICIES) {
                rule(&index, record, &mut timely);
            }
            (timeless, timely)
        })
        .collect();
    for (record, (timeless, timely)) in input.records.iter().zip(per_record) {
        out.extend(timeless.iter().cloned());
        out.extend(timely);
        memo.found.insert(Arc::as_ptr(record) as usize, (Arc::clone(record), timeless));
    }
    out
}

/// Each distinct role name in the records, resolved through the policy once.
fn role_names<'a>(input: &'a Input<'a>) -> HashMap<&'a str, Option<&'a Role>> {
    let mut names: HashMap<&'a str, Option<&'a Role>> = HashMap::new();
    let written = input.records.iter().flat_map(|r| {
        let handoffs = r.timeline.iter().filter(|e| e.kind == EventKind::Handoff).filter_map(|e| e.role.as_deref());
        r.roles.iter().map(|a| a.role.value.as_str()).chain(handoffs)
    });
    for name in written {
        names.entry(name).or_insert_with(|| input.policy.role(name));
    }
    names
}

/// Whether two names are the same person: case and spacing do not matter ("alice  Chen" is
/// "Alice Chen"). Compared without allocating: the rules compare names often.
pub(crate) fn same_person(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.split_whitespace(), b.split_whitespace());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.eq_ignore_ascii_case(q) => {}
            (Some(p), Some(q)) if !(p.is_ascii() && q.is_ascii()) && p.to_lowercase() == q.to_lowercase() => {}
            _ => return false,
        }
    }
}

/// Whether any role the record names is not in the catalogue (rules that count role holders stay
/// quiet then: the typo is already an error).
fn has_unknown_role(ix: &Index, record: &Record) -> bool {
    record.roles.iter().any(|r| ix.role(&r.role).is_none())
}

#[cfg(test)]
mod tests;
