//! History from git, `check --base` and `diff --base`, on real repositories made in temporary
//! folders (commits by different people at set times).

use assert_cmd::Command;
use git2::{IndexAddOption, Oid, Repository, Signature, Time};
use serde_json::Value;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-03-10T12:00:00Z";

/// The built-in schema, copied into every fixture so that the sites check cleanly.
fn write_site(dir: &Path) {
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::create_dir_all(dir.join("content/incidents")).unwrap();
    std::fs::write(dir.join("incsite.toml"), "title = \"Fixture Status\"\ntimezone = \"UTC\"\n").unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for name in ["severities.yaml", "roles.yaml", "services.yaml"] {
        std::fs::copy(schema.join(name), dir.join("schema").join(name)).unwrap();
    }
}

/// A valid SEV-4 incident on the web app. `extra` is appended to the timeline.
fn incident(id: &str, status: &str, published: bool, extra: &str) -> String {
    let resolved =
        if status == "resolved" { "  - at: 2026-03-01T11:00:00Z\n    event: resolved\n    text: Fixed.\n" } else { "" };
    let postmortem = if published { "postmortem:\n  status: published\n  facilitator: Gina Ortiz\n" } else { "" };
    let head = format!(
        "---\nid: {id}\ntitle: Incident {id}\nseverity: SEV-4\nstatus: {status}\nsummary: Something was off.\n"
    );
    let body = "## Summary\n\nShort.\n\n## Impact\n\nSmall.\n\n## Root Cause\n\nA bug.\n\n## Action Items\n\nNone.\n";
    [
        head.as_str(),
        "impact:\n  web-app: degraded\n",
        "roles:\n  resolver: Yuki Sato\n",
        "timeline:\n",
        "  - at: 2026-03-01T10:00:00Z\n    event: started\n    text: It began.\n",
        "  - at: 2026-03-01T10:05:00Z\n    event: detected\n    text: The alert fired.\n",
        resolved,
        extra,
        postmortem,
        "---\n",
        body,
    ]
    .concat()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Commits the whole work tree (additions, changes and deletions) as `author` at `time`.
fn commit(repo: &Repository, author: &str, time: i64, message: &str) -> Oid {
    let parents: Vec<Oid> = repo.head().ok().and_then(|h| h.target()).into_iter().collect();
    commit_with(repo, author, time, message, &parents, true)
}

fn commit_with(repo: &Repository, author: &str, time: i64, message: &str, parents: &[Oid], head: bool) -> Oid {
    let mut index = repo.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let email = format!("{}@example.com", author.split(' ').next().unwrap().to_lowercase());
    let sig = Signature::new(author, &email, &Time::new(time, 120)).unwrap();
    let parents: Vec<git2::Commit> = parents.iter().map(|p| repo.find_commit(*p).unwrap()).collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(head.then_some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
}

fn authors(h: &incsite::git::History, path: &str) -> Vec<String> {
    h.by_path.get(path).map(|c| c.iter().filter_map(|c| c.author.clone()).collect()).unwrap_or_default()
}

const T0: i64 = 1_772_000_000; // 2026-02-25

#[test]
fn history_lists_each_file_s_commits_newest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Repository::init(tmp.path()).unwrap();
    // The site sits in a folder of the repository, next to files that are not part of it.
    let site = tmp.path().join("status");
    write_site(&site);
    write(&site, "content/incidents/2026/INC-1.md", &incident("INC-1", "investigating", false, ""));
    write(&site, "content/incidents/2026/INC-2.md", &incident("INC-2", "investigating", false, ""));
    write(tmp.path(), "README.md", "hello\n");
    commit(&repo, "Alice Chen", T0, "Open INC-1 and INC-2\n\nLonger text.");
    write(&site, "content/incidents/2026/INC-1.md", &incident("INC-1", "resolved", false, ""));
    commit(&repo, "Bob Diaz", T0 + 3600, "Resolve INC-1");
    write(&site, "content/incidents/2026/INC-2.md", &incident("INC-2", "identified", false, ""));
    write(tmp.path(), "README.md", "hello again\n");
    let head = commit(&repo, "Carol Ng", T0 + 7200, "INC-2: identified");

    let h = incsite::git::history(&site).expect("history");
    assert_eq!(authors(&h, "content/incidents/2026/INC-1.md"), ["Bob Diaz", "Alice Chen"]);
    assert_eq!(authors(&h, "content/incidents/2026/INC-2.md"), ["Carol Ng", "Alice Chen"]);
    assert_eq!(authors(&h, "incsite.toml"), ["Alice Chen"]);
    assert_eq!(authors(&h, "schema/roles.yaml"), ["Alice Chen"]);
    assert!(!h.by_path.keys().any(|k| k.contains("README")), "{:?}", h.by_path.keys());
    let inc1 = &h.by_path["content/incidents/2026/INC-1.md"];
    assert_eq!(inc1[0].summary.as_deref(), Some("Resolve INC-1"));
    assert_eq!(inc1[1].summary.as_deref(), Some("Open INC-1 and INC-2"));
    assert_eq!(inc1[0].date.to_rfc3339(), "2026-02-25T09:13:20+02:00");
    assert_eq!(inc1[0].short_id.len(), 7);
    assert!(inc1[0].id.starts_with(&inc1[0].short_id));
    let head_commit = h.head.expect("head");
    assert_eq!(head_commit.id, head.to_string());
    assert_eq!(head_commit.author.as_deref(), Some("Carol Ng"));
}

#[test]
fn a_merge_credits_the_branch_commit_not_the_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Repository::init(tmp.path()).unwrap();
    let dir = tmp.path();
    write_site(dir);
    let (one, two) = ("content/incidents/INC-1.md", "content/incidents/INC-2.md");
    write(dir, one, &incident("INC-1", "investigating", false, ""));
    write(dir, two, &incident("INC-2", "investigating", false, ""));
    let base = commit(&repo, "Alice Chen", T0, "Start");
    // A branch changes INC-1 …
    write(dir, one, &incident("INC-1", "monitoring", false, ""));
    let branch = commit_with(&repo, "Dave Park", T0 + 100, "INC-1: monitoring", &[base], false);
    // … while the main line changes INC-2, then merges the branch.
    write(dir, one, &incident("INC-1", "investigating", false, ""));
    write(dir, two, &incident("INC-2", "identified", false, ""));
    let main = commit(&repo, "Erin Wu", T0 + 200, "INC-2: identified");
    write(dir, one, &incident("INC-1", "monitoring", false, ""));
    commit_with(&repo, "Frank Li", T0 + 300, "Merge branch", &[main, branch], true);

    let h = incsite::git::history(dir).expect("history");
    assert_eq!(authors(&h, one), ["Dave Park", "Alice Chen"]);
    assert_eq!(authors(&h, two), ["Erin Wu", "Alice Chen"]);
}

#[test]
fn without_a_repository_there_is_no_history_but_the_site_builds() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(tmp.path());
    write(tmp.path(), "content/incidents/INC-1.md", &incident("INC-1", "resolved", true, ""));
    let err = incsite::git::history(tmp.path()).expect_err("no repository");
    assert!(err.starts_with("not a git repository"), "{err}");

    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let site = incsite::site::load(tmp.path(), now).unwrap();
    assert_eq!(site.records.len(), 1);
    let opts = incsite::render::Options {
        now,
        base_url: "https://status.example".into(),
        live_reload: false,
        theme_dir: None,
    };
    incsite::render::render(&site.view(incsite::site::Audience::Public), &opts).expect("renders without history");
}

#[test]
fn a_shallow_clone_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    let repo = Repository::init(&origin).unwrap();
    write_site(&origin);
    write(&origin, "content/incidents/INC-1.md", &incident("INC-1", "investigating", false, ""));
    commit(&repo, "Alice Chen", T0, "One");
    write(&origin, "content/incidents/INC-1.md", &incident("INC-1", "resolved", false, ""));
    commit(&repo, "Bob Diaz", T0 + 60, "Two");

    let clone = tmp.path().join("clone");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", origin.display()))
        .arg(&clone)
        .status()
        .expect("git runs");
    assert!(status.success());
    let err = incsite::git::history(&clone).expect_err("shallow");
    assert!(err.starts_with("shallow clone"), "{err}");
    // The site itself is all there.
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    assert_eq!(incsite::site::load(&clone, now).unwrap().records.len(), 1);
}

/// A repository whose first commit holds a published incident (INC-1), a resolved one whose
/// post-mortem is not published (INC-2) and an open one (INC-3); the work tree starts equal to it.
fn based_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let repo = Repository::init(&dir).unwrap();
    write_site(&dir);
    let note = "  - at: 2026-03-01T10:30:00Z\n    event: note\n    by: Yuki Sato\n    text: Found the bad query.\n";
    write(&dir, "content/incidents/INC-1.md", &incident("INC-1", "resolved", true, note));
    write(&dir, "content/incidents/INC-2.md", &incident("INC-2", "resolved", false, note));
    write(&dir, "content/incidents/INC-3.md", &incident("INC-3", "investigating", false, note));
    commit(&repo, "Alice Chen", T0, "Record incidents");
    (tmp, dir)
}

/// Runs `check --base HEAD --format json`: the exit status and the `base-*` diagnostics as
/// (code, file, line).
fn check_base(dir: &Path) -> (i32, Vec<(String, String, u64)>, Vec<Value>) {
    let out = Command::cargo_bin("incsite")
        .unwrap()
        .args(["check", "--format", "json", "--now", NOW, "--base", "HEAD", "--root"])
        .arg(dir)
        .output()
        .unwrap();
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    let base = all
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("base-"))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (out.status.code().unwrap(), base, all)
}

fn line_of(dir: &Path, rel: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} not in {rel}")) as u64 + 1
}

#[test]
fn base_unchanged_site_is_clean() {
    let (_tmp, dir) = based_site();
    let (code, base, all) = check_base(&dir);
    assert_eq!(base, []);
    assert_eq!(code, 0, "{all:?}");
}

#[test]
fn base_a_published_timeline_entry_may_not_change() {
    let (_tmp, dir) = based_site();
    let rel = "content/incidents/INC-1.md";
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    std::fs::write(dir.join(rel), text.replace("Found the bad query.", "Found the slow query.")).unwrap();
    let (code, base, _) = check_base(&dir);
    let entry = line_of(&dir, rel, "Found the slow query.") - 3; // the entry's `- at:` line
    assert_eq!(base, [("base-timeline-changed".to_string(), rel.to_string(), entry)]);
    assert_eq!(code, 1);
}

#[test]
fn base_a_published_timeline_entry_may_not_be_removed() {
    let (_tmp, dir) = based_site();
    let rel = "content/incidents/INC-1.md";
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    let note = "  - at: 2026-03-01T10:30:00Z\n    event: note\n    by: Yuki Sato\n    text: Found the bad query.\n";
    std::fs::write(dir.join(rel), text.replace(note, "")).unwrap();
    let (code, base, _) = check_base(&dir);
    assert_eq!(base, [("base-timeline-changed".to_string(), rel.to_string(), line_of(&dir, rel, "timeline:"))]);
    assert_eq!(code, 1);
}

#[test]
fn base_appending_to_a_published_timeline_and_editing_open_incidents_is_fine() {
    let (_tmp, dir) = based_site();
    let rel = "content/incidents/INC-1.md";
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    let appended = "  - at: 2026-03-02T09:00:00Z\n    event: note\n    text: Customers were told.\npostmortem:";
    std::fs::write(dir.join(rel), text.replacen("postmortem:", appended, 1)).unwrap();
    // Not yet published, or not resolved: entries may still be corrected.
    for rel in ["content/incidents/INC-2.md", "content/incidents/INC-3.md"] {
        let text = std::fs::read_to_string(dir.join(rel)).unwrap();
        std::fs::write(dir.join(rel), text.replace("Found the bad query.", "Found the slow query.")).unwrap();
    }
    let (code, base, all) = check_base(&dir);
    assert_eq!(base, []);
    assert_eq!(code, 0, "{all:?}");
}

#[test]
fn base_an_id_may_not_change() {
    let (_tmp, dir) = based_site();
    let rel = "content/incidents/INC-3.md";
    let text = std::fs::read_to_string(dir.join(rel)).unwrap();
    std::fs::write(dir.join(rel), text.replace("id: INC-3", "id: INC-33")).unwrap();
    let (code, base, all) = check_base(&dir);
    assert_eq!(base, [("base-id-changed".to_string(), rel.to_string(), 2)]);
    let message = all.iter().find(|d| d["code"] == "base-id-changed").unwrap()["message"].as_str().unwrap();
    assert!(message.contains("INC-3") && message.contains("INC-33"), "{message}");
    assert_eq!(code, 1);
}

#[test]
fn base_a_record_may_not_be_deleted_but_may_move() {
    let (_tmp, dir) = based_site();
    std::fs::remove_file(dir.join("content/incidents/INC-2.md")).unwrap();
    // Moving a record into a folder keeps it.
    std::fs::create_dir_all(dir.join("content/incidents/2026")).unwrap();
    std::fs::rename(dir.join("content/incidents/INC-3.md"), dir.join("content/incidents/2026/INC-3.md")).unwrap();
    let (code, base, all) = check_base(&dir);
    assert_eq!(base, [("base-record-deleted".to_string(), "content/incidents/INC-2.md".to_string(), 1)]);
    let message = all.iter().find(|d| d["code"] == "base-record-deleted").unwrap()["message"].as_str().unwrap();
    let head = Repository::open(&dir).unwrap().head().unwrap().target().unwrap().to_string();
    assert!(message.contains(&head[..7]) && message.contains("Record incidents"), "{message}");
    assert_eq!(code, 1);
}

#[test]
fn base_errors_reach_every_output_format() {
    let (_tmp, dir) = based_site();
    std::fs::remove_file(dir.join("content/incidents/INC-2.md")).unwrap();
    let run = |format: &str| {
        let out = Command::cargo_bin("incsite")
            .unwrap()
            .args(["check", "--now", NOW, "--base", "HEAD", "--format", format, "--root"])
            .arg(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let github = run("github");
    assert!(github.contains("::error file=content/incidents/INC-2.md,line=1,title=base-record-deleted::"), "{github}");
    let human = run("human");
    assert!(human.contains("error[base-record-deleted]") && human.contains("content/incidents/INC-2.md:1"), "{human}");
}

#[test]
fn base_an_unknown_revision_cannot_run() {
    let (_tmp, dir) = based_site();
    Command::cargo_bin("incsite")
        .unwrap()
        .args(["check", "--now", NOW, "--base", "no-such-branch", "--root"])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--base no-such-branch: no such revision"));
}

#[test]
fn diff_reports_opened_resolved_and_the_status_page() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let repo = Repository::init(dir).unwrap();
    write_site(dir);
    write(dir, "content/incidents/INC-1.md", &incident("INC-1", "investigating", false, ""));
    write(dir, "content/incidents/INC-2.md", &incident("INC-2", "resolved", false, ""));
    commit(&repo, "Alice Chen", T0, "Open INC-1");
    // The pull request: INC-1 is resolved, INC-3 opened (a major API outage), INC-2's severity raised.
    write(dir, "content/incidents/INC-1.md", &incident("INC-1", "resolved", false, ""));
    let major = incident("INC-3", "investigating", false, "")
        .replace("web-app: degraded", "public-api: major")
        .replace("2026-03-01T1", "2026-03-10T1");
    write(dir, "content/incidents/INC-3.md", &major);
    let inc2 = std::fs::read_to_string(dir.join("content/incidents/INC-2.md")).unwrap();
    let raised = inc2.replace("severity: SEV-4", "severity: SEV-3").replace(
        "timeline:\n",
        "timeline:\n  - at: 2026-03-01T10:20:00Z\n    event: severity\n    from: SEV-4\n    to: SEV-3\n",
    );
    write(dir, "content/incidents/INC-2.md", &raised);

    let run = |format: &str| {
        let out = Command::cargo_bin("incsite")
            .unwrap()
            .args(["diff", "--base", "HEAD", "--now", NOW, "--format", format, "--root"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let ids = |key: &str| -> Vec<String> {
        json[key].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids("opened"), ["INC-3"]);
    assert_eq!(ids("resolved"), ["INC-1"]);
    assert_eq!(ids("updated"), ["INC-2"]);
    assert_eq!(ids("removed"), Vec::<String>::new());
    assert_eq!(
        json["resolved"][0]["changes"][0],
        serde_json::json!({"field": "status", "from": "investigating", "to": "resolved"})
    );
    assert_eq!(
        json["updated"][0]["changes"][0],
        serde_json::json!({"field": "severity", "from": "SEV-4", "to": "SEV-3"})
    );
    assert_eq!(json["base"], "HEAD");
    assert_eq!(json["base_commit"].as_str().unwrap().len(), 40);
    let page = &json["status_page"];
    assert_eq!(page["changed"], true);
    assert_eq!(page["indicator"], serde_json::json!({"from": "minor", "to": "critical"}));
    let components = page["components"].as_array().unwrap();
    let change = |id: &str| components.iter().find(|c| c["id"] == id).cloned();
    assert_eq!(change("public-api").unwrap()["to"], "major_outage");
    assert_eq!(change("public-api").unwrap()["from"], "operational");
    assert_eq!(change("web-app").unwrap()["from"], "degraded_performance");
    assert_eq!(change("web-app").unwrap()["to"], "operational");
    assert_eq!(components.len(), 2, "{components:?}");

    let md = run("markdown");
    assert!(md.contains("**Opened**\n\n- `INC-3` Incident INC-3 — SEV-4, investigating"), "{md}");
    assert!(md.contains("**Resolved**\n\n- `INC-1` Incident INC-1 — status: investigating → resolved"), "{md}");
    assert!(md.contains("- `INC-2` Incident INC-2 — severity: SEV-4 → SEV-3"), "{md}");
    assert!(md.contains("| Public API | Operational | Major outage |"), "{md}");
    assert!(md.contains("Overall: Minor Service Outage → **Major Service Outage**"), "{md}");
}

#[test]
fn history_keeps_the_newest_commits_of_a_busy_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Repository::init(tmp.path()).unwrap();
    write_site(tmp.path());
    for n in 0..25 {
        let extra = format!("  - at: 2026-03-01T10:{n:02}:30Z\n    event: note\n    text: Step {n}.\n");
        write(tmp.path(), "content/incidents/INC-1.md", &incident("INC-1", "investigating", false, &extra));
        commit(&repo, "Alice Chen", T0 + n * 60, &format!("Step {n}"));
    }
    let h = incsite::git::history(tmp.path()).unwrap();
    let commits = &h.by_path["content/incidents/INC-1.md"];
    assert_eq!(commits.len(), incsite::git::MAX_COMMITS_PER_FILE);
    assert_eq!(commits[0].summary.as_deref(), Some("Step 24"));
    assert_eq!(commits[19].summary.as_deref(), Some("Step 5"));
    // Settings and schema changed only in the first commit.
    assert_eq!(h.by_path["incsite.toml"].len(), 1);
}
