//! An update's `impact:` (each service's state as of it) stays within the record's: a service it
//! names exists, and no level is worse than the one the record's `impact` gives that service.

use super::Index;
use crate::diag::Diagnostic;
use crate::record::{EventKind, Record};

/// `unknown-service` for a service an update names; `update-impact-exceeds` for a level worse
/// than operational that the record's `impact` lacks or ranks lower.
pub(super) fn within_record(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for e in record.timeline.iter().filter(|e| e.kind == EventKind::Update) {
        for i in &e.impact {
            let service = &i.service;
            if !super::refs::known_service(ix, &record.path, service, out) {
                continue;
            }
            let Some(level) = i.level else { continue };
            let declared = record.impact_of(&service.value);
            if declared.is_none_or(|d| level > d) {
                let has = match declared {
                    Some(d) => format!("gives it `{}`", d.as_str()),
                    None => "does not list it".to_string(),
                };
                out.push(
                    Diagnostic::error(
                        &record.path,
                        service.pos,
                        "update-impact-exceeds",
                        format!(
                            "this update gives `{}` the level `{}`, but the record's `impact` {has}",
                            service.value,
                            level.as_str()
                        ),
                    )
                    .with_hint(format!(
                        "the record's `impact` is the worst level each service reached: set `{}: {}` there",
                        service.value,
                        level.as_str()
                    )),
                );
            }
        }
    }
}
