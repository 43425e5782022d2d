//! `reports/index.html` on tests/sites/metrics, against the figures worked out by hand in
//! tests/metrics.rs: the public build counts the public view (INC-E is private), the internal one
//! everything; both carry the four charts; only the internal one shows load per person.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-06-01T00:00:00Z";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/metrics")
}

/// Builds the fixture for `audience` and returns the reports page.
fn reports_page(audience: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(fixture())
        .args(["build", "--now", NOW, "--audience", audience, "--out"])
        .arg(&out)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
        .success();
    std::fs::read_to_string(out.join("reports/index.html")).unwrap()
}

/// The cells of the overall table's row for `figure` (count, mean, median, p90).
fn overall_row(page: &str, figure: &str) -> Vec<String> {
    let table = &page[page.find("overall-table").expect("the overall table")..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = table
        .split("<tr>")
        .find(|r| r.contains(&format!(">{figure}</abbr>")))
        .unwrap_or_else(|| panic!("no {figure} row in {table}"));
    row.split("<td class=\"num\">").skip(1).map(|c| c[..c.find("</td>").unwrap()].to_string()).collect()
}

/// The `<svg>` elements of the page.
fn charts(page: &str) -> Vec<&str> {
    page.match_indices("<svg xmlns").map(|(i, _)| &page[i..i + page[i..].find("</svg>").unwrap()]).collect()
}

#[test]
fn public_reports_count_the_public_view() {
    let page = reports_page("public");
    // Without the private INC-E: 10 incidents. TTD 60 120 180 240 300 300 600 600 1200 (n 9):
    // mean 400 s = 6m 40s, median 300 s = 5m, p90 1200 s = 20m.
    assert_eq!(overall_row(&page, "MTTD"), ["9", "6m 40s", "5m", "20m"]);
    // TTR 900 1860 2400 3600 4800 6600 7200 7200 9000 (n 9): mean 4840 s = 1h 20m 40s → "1h 20m",
    // median 4800 s, p90 9000 s.
    assert_eq!(overall_row(&page, "MTTR"), ["9", "1h 20m", "1h 20m", "2h 30m"]);
    assert!(page.contains("<dt>Incidents</dt><dd>10</dd>"), "the headline count");
    // Only B and L repeat a cause the public sees (F's cause was first seen on E): 2 of 10.
    assert!(page.contains("<strong class=\"big-number\">20%</strong>"), "repeat share");
    assert!(page.contains("(2 of 10)"));
    // The longest public incident is D (TTR 9000 s), linked to its page.
    let longest = &page[page.find("id=\"longest\"").unwrap()..];
    let first_row = &longest[longest.find("<tbody>").unwrap()..];
    let first_row = &first_row[..first_row.find("</tr>").unwrap()];
    assert!(first_row.contains("incidents/INC-D/\">") && first_row.contains("2h 30m"), "{first_row}");
    // Nothing of the private incident, and no per-person figures.
    assert!(!page.contains("INC-E"), "the private incident stays out of the public reports");
    assert!(!page.contains("Load per person") && !page.contains("id=\"people\""));
    for person in ["Ann", "Bo", "Dee", "Fay"] {
        assert!(!page.contains(&format!(">{person}<")), "{person} is named on the public page");
    }
}

#[test]
fn internal_reports_count_everything_and_show_load_per_person() {
    let page = reports_page("internal");
    // TTD (n 10): mean 510 s = 8m 30s, median 300 s, p90 1200 s.
    assert_eq!(overall_row(&page, "MTTD"), ["10", "8m 30s", "5m", "20m"]);
    // TTA (n 9): mean 580 s = 9m 40s, median 300 s, p90 1740 s = 29m.
    assert_eq!(overall_row(&page, "MTTA"), ["9", "9m 40s", "5m", "29m"]);
    // TTM (n 10): mean 2436 s = 40m 36s → "40m", median 2550 s = 42m 30s → "42m", p90 3600 s.
    assert_eq!(overall_row(&page, "MTTM"), ["10", "40m", "42m", "1h 00m"]);
    // TTR (n 10): mean 5436 s → "1h 30m", median 5700 s → "1h 35m", p90 9000 s.
    assert_eq!(overall_row(&page, "MTTR"), ["10", "1h 30m", "1h 35m", "2h 30m"]);
    assert!(page.contains("<dt>Incidents</dt><dd>11</dd>"));
    assert!(page.contains("<strong class=\"big-number\">27%</strong>") && page.contains("(3 of 11)"));
    // SEV-1 acknowledged in time: A and L of A, B, L; its post-mortems: L's draft is overdue.
    assert!(page.contains("2 of 3 (67%)"), "SEV-1 response compliance");
    // By severity: SEV-2's MTTD is over C-less 120 s and 1200 s: mean = median = 11m, p90 20m, n 2.
    assert!(page.contains("<b>11m</b><small>median 11m</small><small>p90 20m · n 2</small>"));
    // Months are named, with the UTC month as their machine-readable value.
    assert!(page.contains("<time datetime=\"2026-02\">February 2026</time>"));
    // Load per person, busiest first: Ann, Bo (3 incidents each, Ann acknowledged one).
    let people = &page[page.find("id=\"people\"").expect("load per person")..];
    let ann = people.find("<th scope=\"row\">Ann</th>").expect("Ann's row");
    let bo = people.find("<th scope=\"row\">Bo</th>").expect("Bo's row");
    assert!(ann < bo);
    assert!(people.contains("Incident Commander ×2, Resolver"), "roles by their names");
}

#[test]
fn reports_carry_four_accessible_charts() {
    let page = reports_page("public");
    let svgs = charts(&page);
    assert_eq!(svgs.len(), 4, "MTTx by month, weekly volume, TTR histogram, open action items");
    for (svg, kind) in svgs.iter().zip(["mttx", "volume", "ttr", "actions"]) {
        assert!(svg.contains(&format!("class=\"chart chart-{kind}\"")), "{kind}");
        assert!(svg.contains("role=\"img\""), "{kind} has role=img");
        assert!(
            svg.contains("<title id=\"chart-") && svg.contains("<desc id=\"chart-"),
            "{kind} has a text alternative"
        );
        assert!(!svg.contains("<script"), "{kind}");
    }
    // The histogram states its bins in words: K in 15–30m, F and I in 30m–1h, A J L in 1–2h,
    // B C D in 2–4h (E is private).
    assert!(page.contains("9 resolved incidents by time to resolve: &lt; 15m 0, 15–30m 1, 30m–1h 2, 1–2h 3, 2–4h 3,"));
    // No script on the page but the site's own, from its own origin (static/live.js).
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("<script src=\"../static/live.js\" defer></script>"));
}
