//! The timeline's own rules: milestones once each and in order, the status agreeing with the
//! `resolved` event and the severity with the last `severity` event, and the response-time
//! warnings (acknowledgement and public-update cadence) from the severity's policy.

use super::Index;
use crate::diag::{Diagnostic, Pos};
use crate::duration;
use crate::record::{Event, EventKind, Record, Status};

/// `milestone-repeated`: one of the five milestones appears more than once.
pub(super) fn milestone_repeated(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let mut first: [Option<&Event>; 5] = [None; 5];
    for event in &record.timeline {
        let Some(slot) = EventKind::MILESTONES.iter().position(|k| *k == event.kind) else { continue };
        match first[slot] {
            Some(earlier) => out.push(
                Diagnostic::error(
                    &record.path,
                    event.pos,
                    "milestone-repeated",
                    format!("a second `{}` event (the first is at line {})", event.kind.as_str(), earlier.pos.line),
                )
                .with_hint("each milestone happens once; use a `note` or an `update` for later news"),
            ),
            None => first[slot] = Some(event),
        }
    }
}

/// `milestone-order`: a milestone earlier than the one before it (started ≤ detected ≤
/// acknowledged ≤ mitigated ≤ resolved; equal times are fine). Times compare as instants, so
/// offsets do not matter. Each present milestone is compared with the nearest earlier one that is
/// present: a record passes exactly when the whole chain is in order, and one wrong time is
/// reported once rather than against every later milestone.
pub(super) fn milestone_order(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let present: Vec<&Event> = EventKind::MILESTONES.iter().filter_map(|k| record.milestone(*k)).collect();
    for pair in present.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        if after.at < before.at {
            out.push(
                Diagnostic::error(
                    &record.path,
                    after.pos,
                    "milestone-order",
                    format!(
                        "`{}` at {} is earlier than `{}` at {} (line {})",
                        after.kind.as_str(),
                        after.at.to_rfc3339(),
                        before.kind.as_str(),
                        before.at.to_rfc3339(),
                        before.pos.line
                    ),
                )
                .with_hint("milestones go started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved"),
            );
        }
    }
}

/// `resolved-without-event`: `status: resolved` but no `resolved` event;
/// `status-not-resolved`: a `resolved` event but another status.
pub(super) fn resolved_status(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let Some(status) = &record.status else { return };
    if !record.is_incident() {
        return;
    }
    let resolved = record.milestone(EventKind::Resolved);
    match (status.value, resolved) {
        (Status::Resolved, None) if !record.damaged => out.push(
            Diagnostic::error(
                &record.path,
                status.pos,
                "resolved-without-event",
                "`status` is `resolved` but the timeline has no `resolved` event",
            )
            .with_hint("add `- {at: <time>, event: resolved}` to `timeline`"),
        ),
        (other, Some(event)) if other != Status::Resolved => out.push(
            Diagnostic::error(
                &record.path,
                status.pos,
                "status-not-resolved",
                format!(
                    "`status` is `{}` but the timeline has a `resolved` event (line {})",
                    other.as_str(),
                    event.pos.line
                ),
            )
            .with_hint("set `status: resolved`, or remove the `resolved` event if the incident is still open"),
        ),
        _ => {}
    }
}

/// `severity-mismatch`: the last `severity` event (by time) changes the level to something other
/// than the front-matter `severity`.
pub(super) fn severity_matches(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let Some(severity) = &record.severity else { return };
    if record.damaged || ix.severity_of(record).is_none() {
        return;
    }
    if !record.timeline.iter().any(|e| e.kind == EventKind::Severity) {
        return;
    }
    let last = record.timeline_sorted().into_iter().rfind(|e| e.kind == EventKind::Severity);
    let Some((event, to)) = last.and_then(|e| e.to.as_deref().map(|to| (e, to))) else { return };
    if to != severity.value && ix.severities.contains_key(to) {
        out.push(
            Diagnostic::error(
                &record.path,
                event.pos,
                "severity-mismatch",
                format!(
                    "the last `severity` event changes the level to `{to}`, but `severity` (line {}) is `{}`",
                    severity.pos.line, severity.value
                ),
            )
            .with_hint(format!("set `severity: {to}`, or add the `severity` event that changed it")),
        );
    }
}

/// `late-acknowledgement` (warning): acknowledged more than the severity's `respond_within` after
/// detection.
pub(super) fn late_acknowledgement(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    let Some(limit) = ix.severity_of(record).and_then(|s| s.respond_within) else { return };
    let (Some(detected), Some(ack)) =
        (record.milestone(EventKind::Detected), record.milestone(EventKind::Acknowledged))
    else {
        return;
    };
    let took = (ack.at - detected.at).num_seconds();
    if took > limit {
        let severity = record.severity.as_ref().map(|s| s.value.as_str()).unwrap_or_default();
        out.push(Diagnostic::warning(
            &record.path,
            ack.pos,
            "late-acknowledgement",
            format!(
                "acknowledged {} after detection; {severity} asks for a response within {}",
                duration::human(took),
                duration::human(limit)
            ),
        ));
    }
}

/// `update-gap` (warning): public status updates further apart than the severity's
/// `update_every` while the incident was unresolved — from detection to the first update, between
/// updates, and from the last update to resolution (or to now, while it is still open).
pub(super) fn update_gaps(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    // A private incident has no public updates to space out.
    if !record.is_incident() || !record.is_public() || record.damaged {
        return;
    }
    let Some(severity) = ix.severity_of(record) else { return };
    let Some(limit) = severity.update_every else { return };
    let Some(detected) = record.milestone(EventKind::Detected) else { return };
    let resolved = record.milestone(EventKind::Resolved);
    let claims_resolved = record.status.as_ref().is_some_and(|s| s.value == Status::Resolved);
    let updates = record.public_updates(detected.at, resolved.map(|r| r.at));
    let warn = |pos: Pos, message: String| {
        Diagnostic::warning(&record.path, pos, "update-gap", message).with_hint(format!(
            "{} asks for a public update at least every {}",
            severity.id,
            duration::human(limit)
        ))
    };
    let mut last = detected;
    for update in updates {
        let gap = (update.at - last.at).num_seconds();
        if gap > limit {
            out.push(warn(
                update.pos,
                format!(
                    "{} without a public update before this one (since line {})",
                    duration::human(gap),
                    last.pos.line
                ),
            ));
        }
        last = update;
    }
    match resolved {
        Some(end) => {
            let gap = (end.at - last.at).num_seconds();
            if gap > limit {
                out.push(warn(
                    end.pos,
                    format!(
                        "{} without a public update before resolution (since line {})",
                        duration::human(gap),
                        last.pos.line
                    ),
                ));
            }
        }
        // `status: resolved` without the event is already an error; there is no end to measure to.
        None if claims_resolved => {}
        None => {
            let gap = (ix.input.now - last.at.to_utc()).num_seconds();
            if gap > limit {
                let since = if last.kind == EventKind::Update { "the last public update" } else { "detection" };
                out.push(warn(
                    last.pos,
                    format!(
                        "no public update for {} since {since} while the incident is unresolved",
                        duration::human(gap)
                    ),
                ));
            }
        }
    }
}
