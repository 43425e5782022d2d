//! Rules that keep a site honest once it is in service: `incsite init`'s example incident still
//! present, and timeline times in the future (local time written with `Z`, a wrong year).

use super::Index;
use crate::diag::Diagnostic;
use chrono::Duration;

/// How far past now a timeline time may be before it is a `future-time` warning: clocks differ.
pub const FUTURE_SLACK: Duration = Duration::minutes(5);

/// `init-placeholder`: the example incident `incsite init` wrote (`extra: {example: true}`).
pub(super) fn example_record(_: &Index, record: &crate::record::Record, out: &mut Vec<Diagnostic>) {
    if record.extra.get("example") != Some(&serde_json::Value::Bool(true)) {
        return;
    }
    let d = Diagnostic::warning(
        &record.path,
        record.pos,
        "init-placeholder",
        format!("`{}` is an example incident (`extra: {{example: true}}`), not a real one", record.id.value),
    )
    .with_hint("delete this file before the site goes live (or remove `example: true` to keep it)");
    out.push(d);
}

/// `future-time`: a timeline entry later than now (plus [`FUTURE_SLACK`]).
pub(super) fn future_times(index: &Index, record: &crate::record::Record, out: &mut Vec<Diagnostic>) {
    let limit = index.input.now + FUTURE_SLACK;
    for event in record.timeline.iter().filter(|e| e.at > limit) {
        let d = Diagnostic::warning(
            &record.path,
            event.pos,
            "future-time",
            format!(
                "this `{}` entry is in the future: {} is later than now ({})",
                event.kind.as_str(),
                event.at.to_rfc3339(),
                index.input.now.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
        .with_hint("a `Z` time is UTC: write local times with their offset, e.g. `+01:00`");
        out.push(d);
    }
}
