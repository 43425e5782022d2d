//! A notice's `services` name services of the site.

use super::Index;
use crate::diag::Diagnostic;
use crate::record::Record;

/// `unknown-service` in a notice's `services` list.
pub(super) fn services(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for service in record.notice.iter().flat_map(|n| &n.services) {
        super::refs::known_service(ix, &record.path, service, out);
    }
}
