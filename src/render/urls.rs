//! Every page's address in the built site, in one place: the site paths templates link to
//! (`incidents/INC-1/`, relative to the site's root, no leading `/`) and the output files they are
//! written to (`incidents/INC-1/index.html`).

use crate::record::valid_id;

/// The incident history (page 1 of the unfiltered list).
pub const HISTORY: &str = "incidents/";

/// A record's page: `incidents/INC-1/`.
pub fn record(id: &str) -> String {
    format!("{HISTORY}{id}/")
}

/// The history filtered by severity: `incidents/severity/SEV-1/`.
pub fn severity(id: &str) -> String {
    format!("{HISTORY}severity/{}/", segment(id))
}

/// The history filtered by service: `incidents/service/checkout-api/`.
pub fn service(id: &str) -> String {
    format!("{HISTORY}service/{}/", segment(id))
}

/// The history filtered by record status: `incidents/status/resolved/`.
pub fn status(status: &str) -> String {
    format!("{HISTORY}status/{status}/")
}

/// Page `n` (from 1) of the paged list at `list` (`incidents/`, `incidents/severity/SEV-1/`):
/// the list itself for page 1, then `<list>page/<n>/`.
pub fn list_page(list: &str, n: usize) -> String {
    if n <= 1 {
        list.to_string()
    } else {
        format!("{list}page/{n}/")
    }
}

/// A runbook's page: `runbooks/db-failover/`.
pub fn runbook(id: &str) -> String {
    format!("runbooks/{id}/")
}

/// Page `n` (from 1) of the archive of closed action items of `kind` (`done`, `wont_do`):
/// `actions/done/`, `actions/done/2/`, `actions/wont-do/`, …
pub fn actions_archive(kind: &str, n: usize) -> String {
    let folder = kind.replace('_', "-");
    if n <= 1 {
        format!("actions/{folder}/")
    } else {
        format!("actions/{folder}/{n}/")
    }
}

/// The file a site path is written to: `incidents/INC-1/` → `incidents/INC-1/index.html`.
pub fn file(url: &str) -> String {
    format!("{url}index.html")
}

/// A path segment for a filter value: the value itself when it is URL-safe, else its slug.
pub fn segment(value: &str) -> String {
    if valid_id(value) {
        value.to_string()
    } else {
        crate::render::html::markdown::slug(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(file(&record("INC-1")), "incidents/INC-1/index.html");
        assert_eq!(list_page(&severity("SEV-1"), 1), "incidents/severity/SEV-1/");
        assert_eq!(
            file(&list_page(&service("Payments & Billing"), 3)),
            "incidents/service/payments-billing/page/3/index.html"
        );
        assert_eq!(list_page(HISTORY, 2), "incidents/page/2/");
        assert_eq!(actions_archive("wont_do", 2), "actions/wont-do/2/");
        assert_eq!(runbook("db"), "runbooks/db/");
    }
}
