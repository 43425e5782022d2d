//! The post-mortem: a published one has the required sections and an independent facilitator; a
//! required one is published in time.

use super::headings::{headings, normalize};
use super::{same_person, Index};
use crate::diag::Diagnostic;
use crate::duration;
use crate::record::{EventKind, PostmortemStatus, Record};
use crate::schema::PostmortemPolicy;

fn is_published(record: &Record) -> bool {
    record.postmortem.as_ref().is_some_and(|p| p.status == PostmortemStatus::Published)
}

/// `missing-section`: a published post-mortem without a heading for each of
/// `[postmortem] required_sections`.
pub(super) fn required_sections(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let required = &ix.input.config.postmortem.required_sections;
    let Some(postmortem) = record.postmortem.as_ref().filter(|_| is_published(record)) else { return };
    if required.is_empty() {
        return;
    }
    let found = headings(&record.body);
    for section in required {
        if !found.contains(&normalize(section)) {
            out.push(
                Diagnostic::error(
                    &record.path,
                    postmortem.pos,
                    "missing-section",
                    format!("the post-mortem is published but has no `{section}` section"),
                )
                .with_hint(format!("add a `## {section}` heading to the body")),
            );
        }
    }
}

/// `facilitator-held-role`: a published post-mortem whose facilitator held a role in the incident
/// (under `roles`, or in a handoff).
pub(super) fn facilitator(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if !is_published(record) {
        return;
    }
    let Some(facilitator) = record.postmortem.as_ref().and_then(|p| p.facilitator.as_ref()) else { return };
    let in_roles = record
        .roles
        .iter()
        .find(|a| a.people.iter().any(|p| same_person(p, facilitator)))
        .map(|a| format!("`{}` (line {})", a.role.value, a.role.pos.line));
    let in_handoff = || {
        record
            .timeline
            .iter()
            .filter(|e| e.kind == EventKind::Handoff)
            .find(|e| [&e.from, &e.to].into_iter().flatten().any(|p| same_person(p, facilitator)))
            .map(|e| format!("`{}` in a handoff (line {})", e.role.as_deref().unwrap_or("a role"), e.pos.line))
    };
    if let Some(held) = in_roles.or_else(in_handoff) {
        out.push(
            Diagnostic::error(
                &record.path,
                facilitator.pos,
                "facilitator-held-role",
                format!("the facilitator {} held {held} in this incident", facilitator.value),
            )
            .with_hint("a blameless review is facilitated by someone who was not part of the response"),
        );
    }
}

/// `postmortem-late` (warning): the severity requires a post-mortem, and it is still not published
/// `postmortem_within` after `resolved`.
pub(super) fn late(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if !record.is_incident() || record.damaged || is_published(record) {
        return;
    }
    let Some(severity) = ix.severity_of(record) else { return };
    let Some(within) = severity.postmortem_within.filter(|_| severity.postmortem == PostmortemPolicy::Required) else {
        return;
    };
    let Some(resolved) = record.milestone(EventKind::Resolved) else { return };
    let overdue = (ix.input.now - resolved.at.to_utc()).num_seconds().saturating_sub(within);
    if overdue <= 0 {
        return;
    }
    let pos = record.postmortem.as_ref().map(|p| p.pos).unwrap_or(resolved.pos);
    out.push(
        Diagnostic::warning(
            &record.path,
            pos,
            "postmortem-late",
            format!(
                "{} requires a post-mortem published within {} of resolution; it is {} late",
                severity.id,
                duration::human(within),
                duration::human(overdue)
            ),
        )
        .with_hint("publish it (`postmortem: {status: published}`) once the review is written"),
    );
}
