//! `incsite import statuspage|cstate`: fixtures in each system's own shapes (tests/import/) written
//! into a site with strict policies (tests/sites/import), then read back by incsite's own loader.

mod common;

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use incsite::record::{EventKind, ImpactLevel, Record};
use std::collections::BTreeMap;
use std::path::Path;

fn fixture(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(path)
}

fn incsite(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.arg("--root").arg(root).env("SOURCE_DATE_EPOCH", "1767225600"); // 2026-01-01
    cmd
}

/// Every file under the site and its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn records(root: &Path) -> Vec<std::sync::Arc<Record>> {
    let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
    incsite::site::load(root, now).unwrap().records
}

fn record<'a>(records: &'a [std::sync::Arc<Record>], id: &str) -> &'a Record {
    records.iter().find(|r| r.id.value == id).unwrap_or_else(|| panic!("no record {id}"))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn statuspage_history_imports_checks_clean_and_keeps_every_update() {
    let site = common::copy_site("import");
    let root = site.path();
    let out = incsite(root).args(["import", "statuspage"]).arg(fixture("statuspage")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    // Unmappable data: once per kind, with a count.
    assert!(err.contains("note: 1 × duplicate incident"), "{err}");
    assert!(err.contains("note: 1 × update with status `postmortem`"), "{err}");
    assert_eq!(err.matches("duplicate incident").count(), 1, "{err}");
    assert!(err.contains("wrote 5 record(s)"), "{err}");

    // The strict site's policies (roles, acknowledgement, cadence, post-mortems) do not apply.
    let check = incsite(root).arg("check").output().unwrap();
    assert!(check.status.success(), "{}{}", String::from_utf8_lossy(&check.stdout), stderr(&check));
    assert!(String::from_utf8_lossy(&check.stdout).contains("no problems"));

    let all = records(root);
    let git = record(&all, "abc123def456");
    assert_eq!(git.imported.as_deref(), Some("statuspage"));
    // The duplicate with the older `updated_at` lost.
    assert_eq!(git.title(), "Disruption with some \"Git\" services: pushes failing");
    assert_eq!(git.severity.as_ref().unwrap().value, "SEV-2", "impact major is the site's second level");
    let m = &git.milestones;
    assert_eq!(m.started.unwrap().to_rfc3339(), "2025-06-10T13:58:00+00:00", "started_at is earlier");
    assert_eq!(m.detected.unwrap().to_rfc3339(), "2025-06-10T14:05:12.123+00:00", "created_at");
    assert_eq!(m.mitigated.unwrap().to_rfc3339(), "2025-06-10T15:30:00+00:00", "monitoring_at");
    assert_eq!(m.resolved.unwrap().to_rfc3339(), "2025-06-10T16:00:00+00:00");
    let updates: Vec<_> = git.timeline_sorted().into_iter().filter(|e| e.kind == EventKind::Update).collect();
    assert_eq!(updates.len(), 3);
    // Bodies as written, HTML included.
    assert_eq!(
        updates[1].text.as_deref(),
        Some("<p>A fix has been deployed:</p><ul><li>pushes succeed again</li><li>API latency is <b>recovering</b></li></ul>")
    );
    assert_eq!(
        updates[0].text.as_deref(),
        Some("We are investigating reports of failing pushes.\n\nSome users see: `error: RPC failed`")
    );
    // Each update keeps its components; the record's impact is the worst each reached.
    let levels = |e: &incsite::record::Event| -> Vec<(String, Option<ImpactLevel>)> {
        e.impact.iter().map(|i| (i.service.value.clone(), i.level)).collect()
    };
    assert_eq!(levels(updates[0]), vec![("git-operations".to_string(), Some(ImpactLevel::Partial))]);
    assert_eq!(levels(updates[2]), vec![("git-operations".to_string(), None), ("api-requests".to_string(), None)]);
    let impact: Vec<(&str, ImpactLevel)> = git.impact.iter().map(|i| (i.service.value.as_str(), i.level)).collect();
    assert_eq!(impact, vec![("git-operations", ImpactLevel::Partial), ("api-requests", ImpactLevel::Degraded)]);
    assert_eq!(git.extra["shortlink"], "https://stspg.io/abc123");

    // No started_at: detected only; `postmortem` reads as resolved; critical is the most severe.
    let actions = record(&all, "p31zjtct2jer");
    assert!(actions.milestones.started.is_none());
    assert_eq!(actions.status.as_ref().unwrap().value.as_str(), "resolved");
    assert_eq!(actions.severity.as_ref().unwrap().value, "SEV-1");
    // An empty body is given its status as text (an update needs one).
    let quiet = record(&all, "none00000001");
    assert!(quiet.timeline.iter().any(|e| e.text.as_deref() == Some("Investigating.")));
    assert_eq!(quiet.severity.as_ref().unwrap().value, "SEV-3", "none and minor both take the least severe");
    // A window: verifying is in progress; the window from scheduled_for / scheduled_until.
    let window = record(&all, "w1maint00001");
    assert_eq!(window.window.as_ref().unwrap().from.to_rfc3339(), "2025-03-08T02:00:00+00:00");
    assert!(window.timeline.iter().any(|e| e.status.map(|s| s.as_str()) == Some("in_progress")));

    // Services appended to the user's file, in the sources' order, the existing text untouched.
    let services = std::fs::read_to_string(root.join("schema/services.yaml")).unwrap();
    let before = std::fs::read_to_string(fixture("../sites/import/schema/services.yaml")).unwrap();
    assert!(services.starts_with(&before), "{services}");
    assert!(
        services.contains("  - id: git-operations\n    name: Git Operations\n    group: Core Services\n"),
        "{services}"
    );
    assert!(services.find("id: git-operations") < services.find("id: pages"), "{services}");

    // A second run changes nothing.
    let first = snapshot(root);
    let again = incsite(root).args(["import", "statuspage"]).arg(fixture("statuspage")).output().unwrap();
    assert!(again.status.success());
    assert!(
        stderr(&again).contains("wrote 0 record(s); 5 already in the site; 0 new service(s)"),
        "{}",
        stderr(&again)
    );
    assert_eq!(snapshot(root), first);
}

#[test]
fn dry_run_writes_nothing_and_severity_map_overrides_the_order() {
    let site = common::copy_site("import");
    let root = site.path();
    let before = snapshot(root);
    let out = incsite(root)
        .args(["import", "statuspage", "--dry-run", "--severity-map", "critical=sev-2"])
        .arg(fixture("statuspage/incidents.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("content/incidents/2025/2025-05-02-elevated-errors-severe-on-actions.md"), "{stdout}");
    assert!(stdout.contains("schema/services.yaml (append to)"), "{stdout}");
    assert!(stderr(&out).contains("would write 4 record(s)"), "{}", stderr(&out));
    assert_eq!(snapshot(root), before);

    let out = incsite(root)
        .args(["import", "statuspage", "--severity-map", "critical=SEV-2"])
        .arg(fixture("statuspage/incidents.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(record(&records(root), "p31zjtct2jer").severity.as_ref().unwrap().value, "SEV-2");

    for bad in ["critical", "severe=SEV-1", "critical=SEV-9"] {
        let out = incsite(root)
            .args(["import", "statuspage", "--severity-map", bad])
            .arg(fixture("statuspage/incidents.json"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("--severity-map"), "{}", stderr(&out));
    }
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let site = common::copy_site("import");
    let root = site.path();
    let taken = root.join("content/incidents/2025/2025-06-12-slow-api-responses.md");
    std::fs::create_dir_all(taken.parent().unwrap()).unwrap();
    let mine = "---\nid: MINE-1\ntitle: Mine\nseverity: SEV-3\nstatus: resolved\ntimeline:\n  - {at: 2025-06-12T10:00:00Z, event: detected}\n  - {at: 2025-06-12T11:00:00Z, event: resolved}\n---\n";
    std::fs::write(&taken, mine).unwrap();
    let out = incsite(root).args(["import", "statuspage"]).arg(fixture("statuspage/incidents.json")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), mine);
    let moved = root.join("content/incidents/2025/2025-06-12-slow-api-responses-2.md");
    assert!(std::fs::read_to_string(moved).unwrap().contains("id: open1open2zz"));
}

#[test]
fn cstate_issues_import_with_their_track_updates() {
    let site = common::copy_site("import");
    let root = site.path();
    let out = incsite(root).args(["import", "cstate"]).arg(fixture("cstate")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("× time without an offset (read as UTC, as cState asks)"), "{err}");
    assert_eq!(err.matches("time without an offset").count(), 1, "{err}");
    let check = incsite(root).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    let all = records(root);
    let east = record(&all, "2018-05-25-us-east-conn-issues");
    assert_eq!(east.imported.as_deref(), Some("cstate"));
    assert_eq!(east.severity.as_ref().unwrap().value, "SEV-2", "disrupted is the second level");
    assert_eq!(east.milestones.detected.unwrap().to_rfc3339(), "2018-05-25T04:13:00+00:00");
    assert_eq!(east.milestones.resolved.unwrap().to_rfc3339(), "2018-05-25T05:54:00+00:00");
    let updates: Vec<_> = east.timeline_sorted().into_iter().filter(|e| e.kind == EventKind::Update).collect();
    let statuses: Vec<&str> = updates.iter().map(|e| e.status.unwrap().as_str()).collect();
    assert_eq!(statuses, ["investigating", "monitoring", "resolved"]);
    assert_eq!(
        updates[1].text.as_deref(),
        Some("We believe the issues are caused by an **isolated ISP issue**. Swapping to [public DNS](https://developers.google.com/speed/public-dns) resolves it.")
    );
    let impact: Vec<(&str, ImpactLevel)> = east.impact.iter().map(|i| (i.service.value.as_str(), i.level)).collect();
    // `API` is the site's own service (same name); Media Proxy is new.
    assert_eq!(impact, vec![("api", ImpactLevel::Partial), ("media-proxy", ImpactLevel::Partial)]);
    // Informational posts are notices: pinned kept, from `date` (an offset honoured).
    let pinned = record(&all, "2024-02-24-maintenance-window");
    assert_eq!(pinned.kind, incsite::record::Kind::Notice);
    assert!(pinned.notice.as_ref().is_some_and(|n| n.pin && n.until.is_none()));
    let text =
        std::fs::read_to_string(root.join("content/incidents/2024/2024-02-24-maintenance-announcement.md")).unwrap();
    assert!(
        text.contains("kind: notice\n")
            && text.contains("pin: true\n")
            && text.contains("from: 2024-02-24T10:35:00+01:00\n"),
        "{text}"
    );
    let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
    let loaded = incsite::site::load(root, now).unwrap();
    let notices: Vec<&str> =
        loaded.records.iter().filter(|r| r.notice.is_some()).map(|r| r.id.value.as_str()).collect();
    assert_eq!(notices.len(), 2, "{notices:?}");
    let down = record(&all, "2024-12-27-gateway-down");
    assert_eq!(down.status.as_ref().unwrap().value.as_str(), "identified");
    assert_eq!(down.severity.as_ref().unwrap().value, "SEV-1");
    let services = std::fs::read_to_string(root.join("schema/services.yaml")).unwrap();
    assert!(services.contains("  - id: gateway\n    name: Gateway\n    group: North Coast\n"), "{services}");
    assert!(!services.contains("id: api-"), "the site's API is reused: {services}");

    let first = snapshot(root);
    let again = incsite(root).args(["import", "cstate"]).arg(fixture("cstate")).output().unwrap();
    assert!(again.status.success());
    assert_eq!(snapshot(root), first);
}

/// The site's own Statuspage export imported into an empty copy of the site, built again.
#[test]
fn importing_the_sites_own_incidents_json_gives_back_the_same_incidents() {
    use incsite::render::{self, Options};
    use incsite::site::Audience;
    let now = DateTime::parse_from_rfc3339("2026-09-01T00:00:00Z").unwrap().with_timezone(&Utc);
    let build = |root: &Path| -> (serde_json::Value, serde_json::Value) {
        let site = incsite::site::load(root, now).unwrap();
        let opts = Options { now, base_url: site.config.base_url.clone(), live_reload: false, theme_dir: None };
        let pages = render::render(&site.view(Audience::Public), &opts).unwrap();
        let file = |path: &str| serde_json::from_slice(&pages[path]).unwrap();
        (file("api/v2/incidents.json"), file("api/v2/scheduled-maintenances.json"))
    };
    let demo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (original, windows) = build(demo);

    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::copy(demo.join("incsite.toml"), root.join("incsite.toml")).unwrap();
    common::copy_dir(&demo.join("schema"), &root.join("schema"));
    std::fs::create_dir_all(root.join("content/incidents")).unwrap();
    let export = root.join("incidents.json");
    std::fs::write(&export, serde_json::to_vec(&original).unwrap()).unwrap();
    // The windows too: a component's `updated_at` is the last change anywhere on the site.
    let maintenances = root.join("scheduled-maintenances.json");
    std::fs::write(&maintenances, serde_json::to_vec(&windows).unwrap()).unwrap();
    let out = incsite(root).args(["import", "statuspage"]).arg(&export).arg(&maintenances).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let check = incsite(root).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let (again, _) = build(root);

    // Update ids are the record's file positions: the only thing allowed to differ.
    let strip = |mut v: serde_json::Value| {
        for i in v["incidents"].as_array_mut().unwrap() {
            for u in i["incident_updates"].as_array_mut().unwrap() {
                u.as_object_mut().unwrap().remove("id");
            }
        }
        v
    };
    let (original, again) = (strip(original), strip(again));
    let incidents = original["incidents"].as_array().unwrap();
    assert!(incidents.len() >= 10, "the demo has enough incidents to compare");
    assert!(
        incidents.iter().any(|i| i["incident_updates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["affected_components"].as_array().is_some_and(|a| !a.is_empty()))),
        "some updates carry components"
    );
    let again_list = again["incidents"].as_array().unwrap();
    assert_eq!(again_list.len(), incidents.len());
    for (a, b) in incidents.iter().zip(again_list) {
        assert_eq!(a, b, "incident {} changed in the round trip", a["id"]);
    }
}

/// Update texts are inline Markdown on the pages (HTML from older Statuspage updates kept, but
/// sanitized like a post-mortem); the API keeps them as written.
#[test]
fn update_texts_render_as_sanitized_markdown_and_stay_as_written_in_the_api() {
    use incsite::render::{self, Options};
    use incsite::site::Audience;
    let site = common::copy_site("import");
    let root = site.path();
    let out = incsite(root).args(["import", "statuspage"]).arg(fixture("statuspage")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let evil = "---\nid: EVIL\ntitle: Evil\nseverity: SEV-3\nstatus: investigating\nimported: statuspage\ntimeline:\n  - {at: 2025-06-01T10:00:00Z, event: detected}\n  - at: 2025-06-01T10:05:00Z\n    event: update\n    status: investigating\n    text: \"Look [here](javascript:alert(2)) or <a href=x onclick=alert(3)>there</a>, `code` *now*. <script>alert(1)</script>\"\n---\n";
    std::fs::write(root.join("content/incidents/2025/evil.md"), evil).unwrap();
    let now = DateTime::parse_from_rfc3339("2025-06-13T00:00:00Z").unwrap().with_timezone(&Utc);
    let site = incsite::site::load(root, now).unwrap();
    let opts = Options { now, base_url: site.config.base_url.clone(), live_reload: false, theme_dir: None };
    let pages = render::render(&site.view(Audience::Public), &opts).unwrap();
    let page = |path: &str| String::from_utf8(pages[path].clone()).unwrap();

    let git = page("incidents/abc123def456/index.html");
    assert!(git.contains("<li>pushes succeed again</li>"), "HTML lists kept");
    assert!(git.contains("<code>error: RPC failed</code>"), "Markdown code");
    assert!(!git.contains("&lt;ul&gt;"), "not shown literally");
    let actions = page("incidents/p31zjtct2jer/index.html");
    assert!(actions.contains("<strong>back</strong>"));
    assert!(actions.contains("<a href=\"https://docs.example.com/actions\""));

    let evil = page("incidents/EVIL/index.html");
    assert!(!evil.contains("<script>alert"), "scripts dropped");
    assert!(!evil.contains("href=\"javascript:"), "javascript: links dropped: {evil}");
    assert!(!evil.contains("onclick"), "event handlers dropped");
    assert!(evil.contains("<code>code</code>") && evil.contains("<em>now</em>"), "{evil}");
    // The status page shows the open incident's updates the same way.
    let index = page("index.html");
    assert!(index.contains("<code>code</code>"), "the status page renders update Markdown");
    assert!(!index.contains("<script>alert"));

    // The API's body is the text as written.
    let api: serde_json::Value = serde_json::from_slice(&pages["api/v2/incidents.json"]).unwrap();
    let bodies: Vec<&str> = api["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["incident_updates"].as_array().unwrap())
        .map(|u| u["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"<p>A fix has been deployed:</p><ul><li>pushes succeed again</li><li>API latency is <b>recovering</b></li></ul>"));
    assert!(bodies.iter().any(|b| b.ends_with("*now*. <script>alert(1)</script>")));
}
