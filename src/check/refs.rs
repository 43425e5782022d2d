//! References that must resolve: severities, roles, services, runbooks and related incidents
//! named by a record, and record ids that must be unique across the site.

use super::Index;
use crate::diag::Diagnostic;
use crate::record::{At, EventKind, Record};
use foldhash::{HashMap, HashMapExt};

/// `duplicate-id`: two records with the same id (their pages would have the same URL). Every
/// later record is reported naming the first, and the first naming the others.
pub(super) fn duplicate_ids(records: &[std::sync::Arc<Record>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    let mut others: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        match first.get(record.id.value.as_str()) {
            Some(&f) => {
                others.entry(f).or_default().push(i);
                let d = Diagnostic::error(
                    &record.path,
                    record.id.pos,
                    "duplicate-id",
                    format!("id `{}`{} is already used by {}", record.id.value, from_name(record), records[f].path),
                )
                .with_hint("ids are unique across the site; set a different `id:`");
                out.push(d);
            }
            None => {
                first.insert(&record.id.value, i);
            }
        }
    }
    let mut firsts: Vec<(usize, Vec<usize>)> = others.into_iter().collect();
    firsts.sort_unstable();
    for (f, later) in firsts {
        let record = &records[f];
        let paths: Vec<&str> = later.iter().map(|&i| records[i].path.as_str()).collect();
        out.push(Diagnostic::error(
            &record.path,
            record.id.pos,
            "duplicate-id",
            format!("id `{}`{} is also used by {}", record.id.value, from_name(record), paths.join(", ")),
        ));
    }
    out
}

/// " (from the file name)" when the record has no `id:` of its own.
fn from_name(record: &Record) -> &'static str {
    let stem = record.path.rsplit('/').next().unwrap_or(&record.path).trim_end_matches(".md");
    if record.id.value == stem && record.id.pos.line == 1 {
        " (from the file name)"
    } else {
        ""
    }
}

/// `unknown-severity`: the front-matter severity, or a `severity` event's `from` / `to`, is not a
/// level in schema/severities.yaml.
pub(super) fn unknown_severity(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if let Some(sev) = &record.severity {
        if ix.severity_of(record).is_none() {
            out.push(
                Diagnostic::error(
                    &record.path,
                    sev.pos,
                    "unknown-severity",
                    format!("unknown severity `{}` (not a level in schema/severities.yaml)", sev.value),
                )
                .suggest(&sev.value, ix.severity_ids()),
            );
        }
    }
    for event in record.timeline.iter().filter(|e| e.kind == EventKind::Severity) {
        for (field, value) in [("from", &event.from), ("to", &event.to)] {
            let Some(value) = value else { continue };
            if !ix.severities.contains_key(value.as_str()) {
                out.push(
                    Diagnostic::error(
                        &record.path,
                        event.pos,
                        "unknown-severity",
                        format!("unknown severity `{value}` in this `severity` event's `{field}`"),
                    )
                    .suggest(value, ix.severity_ids()),
                );
            }
        }
    }
}

/// `unknown-role`: a key under `roles`, or a `handoff` event's role, that is neither a role id
/// nor an alias in schema/roles.yaml.
pub(super) fn unknown_role(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let policy = ix.policy();
    for assignment in &record.roles {
        if ix.role(&assignment.role).is_none() {
            out.push(
                Diagnostic::error(
                    &record.path,
                    assignment.role.pos,
                    "unknown-role",
                    format!("unknown role `{}` (not a role id or alias in schema/roles.yaml)", assignment.role.value),
                )
                .suggest(&assignment.role, policy.role_names()),
            );
        }
    }
    for event in record.timeline.iter().filter(|e| e.kind == EventKind::Handoff) {
        let Some(role) = &event.role else { continue };
        if ix.role(role).is_none() {
            out.push(
                Diagnostic::error(
                    &record.path,
                    event.pos,
                    "unknown-role",
                    format!("unknown role `{role}` in this `handoff`"),
                )
                .suggest(role, policy.role_names()),
            );
        }
    }
}

/// `unknown-service`: an `impact` key that is not a service in schema/services.yaml.
pub(super) fn unknown_service(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for impact in &record.impact {
        known_service(ix, &record.path, &impact.service, out);
    }
}

/// `unknown-service` in a runbook's `services` list.
pub(super) fn runbook_services(ix: &Index, out: &mut Vec<Diagnostic>) {
    for runbook in ix.input.runbooks {
        for service in &runbook.services {
            known_service(ix, &runbook.path, service, out);
        }
    }
}

/// `unknown-runbook`: a `runbooks` entry with no `content/runbooks/<id>.md`.
pub(super) fn unknown_runbook(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for runbook in &record.runbooks {
        if !ix.runbooks.contains(runbook.value.as_str()) {
            out.push(
                Diagnostic::error(
                    &record.path,
                    runbook.pos,
                    "unknown-runbook",
                    format!("unknown runbook `{}` (no content/runbooks/{}.md)", runbook.value, runbook.value),
                )
                .suggest(runbook, ix.input.runbooks.iter().map(|r| r.id.as_str())),
            );
        }
    }
}

/// How many unknown related ids get a "did you mean" from a scan of every id.
const MAX_ID_SEARCHES: usize = 100;

/// `unknown-incident`: a `related` entry that is not the id of any record in the site. Runs over
/// the records in order (not per record in parallel) so that which unknown ids get a "did you
/// mean" — a scan of every id, capped at [`MAX_ID_SEARCHES`] — is the same on every run.
pub(super) fn unknown_related(ix: &Index, out: &mut Vec<Diagnostic>) {
    let mut searches = 0;
    let mut ids: Vec<&str> = Vec::new();
    for record in ix.input.records {
        for related in record.related.iter().filter(|r| !ix.ids.contains(r.value.as_str())) {
            let d = Diagnostic::error(
                &record.path,
                related.pos,
                "unknown-incident",
                format!("`related` names `{}`, which is not the id of any record in the site", related.value),
            );
            // Only a close match helps here; a list of every id would not.
            searches += 1;
            if searches <= MAX_ID_SEARCHES && ids.is_empty() {
                ids = ix.input.records.iter().map(|r| r.id.value.as_str()).collect();
            }
            let best = if searches <= MAX_ID_SEARCHES { crate::diag::closest(related, &ids) } else { None };
            out.push(match best {
                Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                None => d,
            });
        }
    }
}

/// Whether `service` (named anywhere in the record or runbook at `path`) is in
/// schema/services.yaml; an `unknown-service` error with the closest id when it is not. The one
/// wording for every place that names services.
pub(super) fn known_service(ix: &Index, path: &str, service: &At<String>, out: &mut Vec<Diagnostic>) -> bool {
    if ix.services.contains(service.value.as_str()) {
        return true;
    }
    out.push(
        Diagnostic::error(
            path,
            service.pos,
            "unknown-service",
            format!("unknown service `{}` (not in schema/services.yaml)", service.value),
        )
        .suggest(service, ix.policy().services.iter().map(|s| s.id.as_str())),
    );
    false
}
