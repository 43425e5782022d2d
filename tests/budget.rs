//! The page budget (docs/FORMAT.md, "Page budget"): at 10,000 generated records over 126 services
//! no HTML page is over 300 KB, the history and its filters are paged newest first with every record on exactly
//! one page of each list, and every page has a description.

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

/// The most bytes an HTML page may have.
const BUDGET: u64 = 300 * 1024;

/// Every HTML page under `out`, relative path → text.
fn pages(out: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

/// The ids of the records a list page shows, in order.
fn listed(html: &str) -> Vec<&str> {
    html.split(r#"<span class="row-id">"#).skip(1).map(|s| &s[..s.find('<').unwrap()]).collect()
}

#[test]
fn no_page_is_over_budget_at_10_000_records_and_the_lists_are_paged() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    // 126 services (a large status page's components: the generator's 20 and regional copies), so
    // that the status page and the reports' tables by service are held to the budget at that scale.
    let summary = gen::generate(&root, &gen::Options { services: 126, ..gen::Options::new(10_000, 1) }).unwrap();
    let out = tmp.path().join("public");
    let run = Command::cargo_bin("incsite")
        .unwrap()
        .args(["build", "--now", gen::DEFAULT_NOW, "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let pages = pages(&out);
    assert_eq!(pages["index.html"].matches(r#"<li class="service""#).count(), 126, "every service on the status page");
    // The 126 service chips fold away on the history (a phone reaches the list), open on a
    // service's own pages; the 4 severities stay out.
    let history = &pages["incidents/index.html"];
    assert_eq!(history.matches(r#"<details class="chips-more">"#).count(), 1, "only the service chips fold");
    assert!(pages["incidents/service/web-app-eu-west/index.html"].contains(r#"<details class="chips-more" open>"#));

    let over: Vec<(usize, &String)> =
        pages.iter().filter(|(_, html)| html.len() as u64 > BUDGET).map(|(path, html)| (html.len(), path)).collect();
    assert!(over.is_empty(), "pages over {BUDGET} bytes: {over:?}");
    let without: Vec<&String> = pages
        .iter()
        .filter(|(_, html)| !html.contains(r#"<meta name="description" content=""#))
        .map(|(p, _)| p)
        .collect();
    assert!(without.is_empty(), "pages without a description: {without:?}");

    // The history: page 1 is incidents/index.html, then incidents/page/<n>/, newest first, each
    // record once; pages link to the next older one.
    let public = summary.records - summary.private;
    let mut history = vec!["incidents/index.html".to_string()];
    let mut n = 2;
    while pages.contains_key(&format!("incidents/page/{n}/index.html")) {
        history.push(format!("incidents/page/{n}/index.html"));
        n += 1;
    }
    assert!(history.len() > 20, "10,000 records need many pages, not {}", history.len());
    let mut ids: Vec<&str> = Vec::new();
    for (k, path) in history.iter().enumerate() {
        let html = &pages[path];
        ids.extend(listed(html));
        if k + 1 < history.len() {
            let next =
                format!(r#"href="{}incidents/page/{}/" rel="next""#, if k == 0 { "../" } else { "../../../" }, k + 2);
            assert!(html.contains(&next), "{path} links to the next page ({next})");
        }
    }
    assert_eq!(ids.len(), public, "every public record on one page of the history");
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), public, "no record on two pages");

    // A filter is paged the same way, and the chips link to its first page.
    assert!(pages["incidents/index.html"].contains(r#"href="../incidents/severity/SEV-3/""#));
    let sev3 = &pages["incidents/severity/SEV-3/index.html"];
    assert!(sev3.contains(r#"href="../../../incidents/severity/SEV-3/page/2/" rel="next""#));
    let sev3_pages = pages.keys().filter(|p| p.starts_with("incidents/severity/SEV-3/")).count();
    assert!(sev3_pages > 10, "SEV-3 is paged: {sev3_pages}");
}
