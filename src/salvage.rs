//! `build --skip-invalid`, the emergency publish: the site less every record and runbook that
//! has an error, so that one bad file (after a policy change, say) does not hold back the update
//! customers are waiting for. A record with an error is never published this way, whatever its
//! visibility says: with an error in it, what it says cannot be trusted.

use crate::check;
use crate::diag::{Diagnostic, Level};
use crate::site::Site;
use std::collections::BTreeSet;

/// What was left out of a site, and why.
#[derive(Debug, Default)]
pub struct LeftOut {
    /// Each file left out with its first error, sorted by path.
    pub files: Vec<(String, Diagnostic)>,
}

/// Removes every record and runbook with an error from `site`, and the links of the others to
/// them, checking the rest again until no error is left. `Err` holds the
/// errors that no leaving-out can mend: those in the settings or the policies.
pub fn without_invalid(site: &mut Site, now: chrono::DateTime<chrono::Utc>) -> Result<LeftOut, Vec<Diagnostic>> {
    let fatal: Vec<Diagnostic> = site
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error && !d.file.starts_with("content/"))
        .cloned()
        .collect();
    if !fatal.is_empty() {
        return Err(fatal);
    }
    let mut left_out = LeftOut::default();
    let mut errors: Vec<Diagnostic> = site.diagnostics.iter().filter(|d| d.level == Level::Error).cloned().collect();
    let mut removed: BTreeSet<String> = BTreeSet::new();
    while !errors.is_empty() {
        for d in &errors {
            if removed.insert(d.file.clone()) {
                left_out.files.push((d.file.clone(), d.clone()));
            }
        }
        let gone_ids: BTreeSet<String> =
            site.records.iter().filter(|r| removed.contains(&r.path)).map(|r| r.id.value.clone()).collect();
        let gone_runbooks: BTreeSet<String> =
            site.runbooks.iter().filter(|r| removed.contains(&r.path)).map(|r| r.id.clone()).collect();
        site.records.retain(|r| !removed.contains(&r.path));
        site.runbooks.retain(|r| !removed.contains(&r.path));
        // A valid record that links to one left out keeps its place, without that link.
        for record in &mut site.records {
            let dangling = |r: &crate::record::Record| {
                r.related.iter().any(|id| gone_ids.contains(&id.value))
                    || r.runbooks.iter().any(|id| gone_runbooks.contains(&id.value))
            };
            if dangling(record) {
                let r = std::sync::Arc::make_mut(record);
                r.related.retain(|id| !gone_ids.contains(&id.value));
                r.runbooks.retain(|id| !gone_runbooks.contains(&id.value));
            }
        }
        errors = check::run(&check::Input {
            config: &site.config,
            policy: &site.policy,
            records: &site.records,
            runbooks: &site.runbooks,
            now,
        })
        .into_iter()
        .filter(|d| d.level == Level::Error)
        .collect();
        // Each round's errors are about files still in the site, so each round leaves one out at
        // least; one about a file already left out (no record the rules can see) is not mended by
        // leaving anything out.
        if errors.iter().any(|d| removed.contains(&d.file)) {
            return Err(errors);
        }
    }
    site.diagnostics.retain(|d| !removed.contains(&d.file));
    left_out.files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(left_out)
}
