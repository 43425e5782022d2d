//! Update-level impact: an `update` entry's `impact:` says each service's state as of it. The
//! status page, the indicator and `api/v2` follow the latest for an unresolved incident, each
//! update lists its components with `old_status` / `new_status`, and the record's `impact` stays
//! the worst level reached (checked).

mod common;

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use incsite::render::{self, Options};
use incsite::site::Audience;
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2026-03-04T12:00:00Z";

fn site_with(records: &[(&str, &str)]) -> tempfile::TempDir {
    let site = common::copy_site("import");
    let root = site.path();
    std::fs::write(
        root.join("schema/services.yaml"),
        "services:\n  - id: api\n    name: API\n  - id: web\n    name: Web\n  - id: email\n    name: Email\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/incidents/2026")).unwrap();
    for (name, text) in records {
        std::fs::write(root.join("content/incidents/2026").join(name), text).unwrap();
    }
    site
}

const OPEN: &str = "---
id: INC-OPEN
title: Slow everything
severity: SEV-3
status: identified
imported: statuspage
impact: {api: major, web: partial}
timeline:
  - {at: 2026-03-04T10:00:00Z, event: detected}
  - at: 2026-03-04T10:05:00Z
    event: update
    status: investigating
    text: The API is down.
    impact: {api: major}
  - at: 2026-03-04T11:00:00Z
    event: update
    status: identified
    text: The API recovers; the web app is fine again.
    impact: {api: degraded, web: operational, email: operational}
---
";

fn pages(root: &Path) -> incsite::render::Pages {
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc);
    let site = incsite::site::load(root, now).unwrap();
    assert!(!site.has_errors(), "{:?}", site.diagnostics);
    let opts = Options { now, base_url: site.config.base_url.clone(), live_reload: false, theme_dir: None };
    render::render(&site.view(Audience::Public), &opts).unwrap()
}

fn json(pages: &incsite::render::Pages, path: &str) -> Value {
    serde_json::from_slice(&pages[path]).unwrap()
}

fn component<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()
}

#[test]
fn the_latest_update_decides_the_current_state() {
    let site = site_with(&[("open.md", OPEN)]);
    let pages = pages(site.path());
    let components = json(&pages, "api/v2/components.json");
    assert_eq!(component(&components["components"], "api")["status"], "degraded_performance");
    assert_eq!(component(&components["components"], "web")["status"], "operational");
    // The indicator follows: degraded is minor, though the record's worst was major.
    assert_eq!(json(&pages, "api/v2/status.json")["status"]["indicator"], "minor");
    // Statuspage's incident impact stays the worst declared.
    let incidents = json(&pages, "api/v2/incidents.json");
    let incident = &incidents["incidents"][0];
    assert_eq!(incident["impact"], "critical");
    let updates = incident["incident_updates"].as_array().unwrap();
    let changes = |u: &Value| -> Vec<(String, String, String)> {
        u["affected_components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let s = |k: &str| c[k].as_str().unwrap().to_string();
                (s("code"), s("old_status"), s("new_status"))
            })
            .collect()
    };
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    // Newest first: the web app was at its recorded level until an update said operational.
    assert_eq!(
        changes(&updates[0]),
        vec![
            t("api", "major_outage", "degraded_performance"),
            t("web", "partial_outage", "operational"),
            t("email", "operational", "operational")
        ]
    );
    assert_eq!(changes(&updates[1]), vec![t("api", "operational", "major_outage")]);
    // The badge reads the same computation.
    let badge = std::str::from_utf8(&pages["badges/api.svg"]).unwrap();
    assert!(badge.to_lowercase().contains("degraded"), "{badge}");
}

#[test]
fn without_update_impact_an_incident_reads_as_before() {
    let plain = OPEN
        .replace("    impact: {api: major}\n", "")
        .replace("    impact: {api: degraded, web: operational, email: operational}\n", "");
    let site = site_with(&[("open.md", &plain)]);
    let pages = pages(site.path());
    let components = json(&pages, "api/v2/components.json");
    assert_eq!(component(&components["components"], "api")["status"], "major_outage");
    assert_eq!(component(&components["components"], "web")["status"], "partial_outage");
    assert_eq!(json(&pages, "api/v2/status.json")["status"]["indicator"], "critical");
}

#[test]
fn an_update_may_not_exceed_the_records_impact() {
    let bad = "---
id: INC-BAD
title: Bad
severity: SEV-3
status: investigating
imported: statuspage
impact: {api: degraded}
timeline:
  - at: 2026-03-04T10:00:00Z
    event: detected
    impact: {api: major}
  - at: 2026-03-04T10:05:00Z
    event: update
    status: investigating
    text: Worse than recorded.
    impact: {api: major, web: partial, nope: operational, email: sideways}
---
";
    let site = site_with(&[("bad.md", bad)]);
    let out = Command::cargo_bin("incsite").unwrap().arg("--root").arg(site.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("only an `update` entry may carry `impact`"), "{text}");
    assert!(text.contains("gives `api` the level `major`, but the record's `impact` gives it `degraded`"), "{text}");
    assert!(text.contains("gives `web` the level `partial`, but the record's `impact` does not list it"), "{text}");
    assert!(text.contains("unknown service `nope`"), "{text}");
    assert!(text.contains("sideways"), "{text}");
    assert_eq!(text.matches("update-impact-exceeds").count(), 2, "{text}");
}
