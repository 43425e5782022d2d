//! Notices (`kind: notice`): announcements with no outage, on the status page while current
//! (pinned first), in the Atom feed, never in metrics, lists or the Statuspage API.

mod common;

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use incsite::render::{self, Options};
use incsite::site::Audience;

const NOW: &str = "2026-03-04T12:00:00Z";

fn notice(id: &str, extra: &str) -> String {
    format!("---\nid: {id}\nkind: notice\ntitle: Notice {id}\n{extra}---\nBody of {id} with **bold**.\n")
}

fn site() -> tempfile::TempDir {
    let site = common::copy_site("import");
    let dir = site.path().join("content/incidents/2026");
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("pinned.md", notice("N-PINNED", "from: 2026-01-01T00:00:00Z\npin: true\nservices: [api]\n")),
        ("newer.md", notice("N-NEWER", "from: 2026-03-01T00:00:00Z\nuntil: 2026-03-10T00:00:00Z\n")),
        ("expired.md", notice("N-EXPIRED", "from: 2026-02-01T00:00:00Z\nuntil: 2026-02-02T00:00:00Z\n")),
        ("future.md", notice("N-FUTURE", "from: 2026-04-01T00:00:00Z\n")),
        ("private.md", notice("N-PRIVATE", "from: 2026-03-01T00:00:00Z\nvisibility: private\n")),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    site
}

#[test]
fn current_notices_are_on_the_status_page_pinned_first_and_in_the_feed() {
    let site = site();
    let now = DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc);
    let loaded = incsite::site::load(site.path(), now).unwrap();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let opts = Options { now, base_url: loaded.config.base_url.clone(), live_reload: false, theme_dir: None };
    let pages = render::render(&loaded.view(Audience::Public), &opts).unwrap();
    let page = |p: &str| String::from_utf8(pages[p].clone()).unwrap();
    let index = page("index.html");
    let (pinned, newer) = (index.find("Notice N-PINNED").unwrap(), index.find("Notice N-NEWER").unwrap());
    assert!(pinned < newer, "pinned first");
    assert!(index.contains("<strong>bold</strong>"), "the body is Markdown");
    for absent in ["N-EXPIRED", "N-FUTURE", "N-PRIVATE"] {
        assert!(!index.contains(absent), "{absent} is not shown");
    }
    let feed = page("feed.xml");
    assert!(feed.contains("Notice N-PINNED") && feed.contains("Notice N-EXPIRED"), "{feed}");
    assert!(feed.contains("#notice-N-NEWER"));
    assert!(!feed.contains("N-FUTURE") && !feed.contains("N-PRIVATE"));
    // Never an incident: no page, not in the lists or the Statuspage API.
    assert!(!pages.contains_key("incidents/N-PINNED/index.html"));
    assert!(!page("api/v2/incidents.json").contains("N-PINNED"));
    assert!(!page("api/v2/scheduled-maintenances.json").contains("N-PINNED"));

    // The internal view keeps the private one.
    let internal = render::render(&loaded.view(Audience::Internal), &opts).unwrap();
    assert!(String::from_utf8_lossy(&internal["index.html"]).contains("Notice N-PRIVATE"));
}

#[test]
fn notices_are_never_counted_in_metrics() {
    // One incident, with and without the notices beside it: the same figures.
    let incident = "---\nid: INC-1\ntitle: Inc\nseverity: SEV-3\nstatus: resolved\nimported: x\nimpact: {api: major}\ntimeline:\n  - {at: 2026-03-01T00:00:00Z, event: detected}\n  - {at: 2026-03-01T01:00:00Z, event: resolved}\n---\n";
    let report = |root: &std::path::Path| {
        std::fs::write(root.join("content/incidents/2026/inc.md"), incident).unwrap();
        let out = Command::cargo_bin("incsite")
            .unwrap()
            .arg("--root")
            .arg(root)
            .args(["report", "--format", "json", "--now", NOW])
            .env("SOURCE_DATE_EPOCH", "1772625600")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let with = site();
    let without = common::copy_site("import");
    std::fs::create_dir_all(without.path().join("content/incidents/2026")).unwrap();
    let (a, b) = (report(with.path()), report(without.path()));
    assert!(a.to_string().contains("INC-1") || a.to_string().contains("\"incidents\":1"), "{a}");
    assert_eq!(a, b);
}

#[test]
fn a_notice_has_no_severity_status_or_timeline_and_needs_from() {
    let site = common::copy_site("import");
    let dir = site.path().join("content/incidents/2026");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.md"), notice("N-BAD", "severity: SEV-1\nstatus: resolved\ntimeline: []\n")).unwrap();
    std::fs::write(dir.join("svc.md"), notice("N-SVC", "from: 2026-03-01T00:00:00Z\nservices: [nope]\n")).unwrap();
    std::fs::write(
        dir.join("inc.md"),
        "---\nid: INC-1\ntitle: Inc\nseverity: SEV-3\nstatus: investigating\nimported: x\npin: true\ntimeline:\n  - {at: 2026-03-01T00:00:00Z, event: detected}\n---\n",
    )
    .unwrap();
    let out = Command::cargo_bin("incsite").unwrap().arg("--root").arg(site.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a notice has no `severity`"), "{text}");
    assert!(text.contains("a notice has no `status`"), "{text}");
    assert!(!text.contains("is not a valid status"), "{text}");
    assert!(text.contains("a notice has no `timeline`"), "{text}");
    assert!(text.contains("missing `from`"), "{text}");
    assert!(text.contains("unknown service `nope`"), "{text}");
    assert!(text.contains("only a notice (`kind: notice`) has `pin`"), "{text}");
}

#[test]
fn incident_commands_leave_a_notice_alone() {
    let site = site();
    let path = site.path().join("content/incidents/2026/pinned.md");
    let before = std::fs::read(&path).unwrap();
    let out = Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(site.path())
        .args(["note", "N-PINNED", "A note"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a notice"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
