//! A notice's `services` name services of the site.

use super::Index;
use crate::diag::Diagnostic;
use crate::record::Record;

/// `unknown-service` in a notice's `services` list.
pub(super) fn services(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for service in record.notice.iter().flat_map(|n| &n.services) {
        if !ix.services.contains(service.value.as_str()) {
            out.push(
                Diagnostic::error(
                    &record.path,
                    service.pos,
                    "unknown-service",
                    format!("unknown service `{}` (not in schema/services.yaml)", service.value),
                )
                .suggest(service, ix.policy().services.iter().map(|s| s.id.as_str())),
            );
        }
    }
}
