//! `incsite diff --base`: every public change of a pull request shown (an update's text, an
//! action item's status, the impact), the revision written as given, and the same error count as
//! `check --base`.

use assert_cmd::Command;
use git2::{IndexAddOption, Repository, Signature, Time};
use serde_json::{json, Value};
use std::path::Path;

const NOW: &str = "2026-03-10T12:00:00Z";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit(repo: &Repository, time: i64, message: &str) {
    let mut index = repo.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("Alice Chen", "alice@example.com", &Time::new(time, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap();
}

/// An open incident with a public update and two action items.
const OPEN: &str = "---
id: INC-1
title: Slow pages
severity: SEV-4
status: identified
impact:
  web-app: degraded
roles:
  resolver: Yuki Sato
timeline:
  - at: 2026-03-01T10:05:00Z
    event: detected
  - at: 2026-03-01T10:10:00Z
    event: update
    status: identified
    text: We know why pages are slow.
  - at: 2026-03-01T10:12:00Z
    event: note
    text: Internal only.
action_items:
  - title: Add an index
    owner: Yuki Sato
    due: 2026-03-20
    status: open
  - title: Alert on slow pages
    owner: Yuki Sato
    due: 2026-03-20
    status: open
---
";

/// A resolved incident with a published post-mortem: its timeline may only grow.
const PUBLISHED: &str = "---
id: INC-2
title: Outage
severity: SEV-4
status: resolved
impact:
  web-app: degraded
roles:
  resolver: Yuki Sato
timeline:
  - at: 2026-03-02T10:05:00Z
    event: detected
    text: The alert fired.
  - at: 2026-03-02T11:00:00Z
    event: resolved
postmortem:
  status: published
  facilitator: Gina Ortiz
---
## Summary

Short.

## Impact

Small.

## Root Cause

A bug.

## Action Items

None.
";

/// A repository with the two incidents committed twice (so that `HEAD~1` exists), and the pull
/// request's edits in the work tree.
fn pull_request() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let repo = Repository::init(dir).unwrap();
    write(dir, "incsite.toml", "title = \"Fixture Status\"\ntimezone = \"UTC\"\n");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for name in ["severities.yaml", "roles.yaml", "services.yaml"] {
        write(dir, &format!("schema/{name}"), &std::fs::read_to_string(schema.join(name)).unwrap());
    }
    write(dir, "content/incidents/INC-1.md", OPEN);
    write(dir, "content/incidents/INC-2.md", PUBLISHED);
    commit(&repo, 1_772_000_000, "Record incidents");
    write(dir, "content/incidents/INC-2.md", &PUBLISHED.replace("Short.", "Short and clear."));
    commit(&repo, 1_772_000_100, "Reword");
    // The pull request: an update's text, an action item done, the impact worse; and a published
    // timeline entry changed, which `check --base` refuses.
    let edited = OPEN
        .replace("We know why pages are slow.", "We know why pages are slow and are fixing it.")
        .replacen("    status: open\n", "    status: done\n    done_on: 2026-03-09\n", 1)
        .replace("web-app: degraded", "web-app: partial");
    write(dir, "content/incidents/INC-1.md", &edited);
    write(dir, "content/incidents/INC-2.md", &PUBLISHED.replace("The alert fired.", "An alert fired."));
    tmp
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("incsite")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--now", NOW, "--root"])
        .arg(dir)
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn every_public_change_is_shown() {
    let tmp = pull_request();
    let (code, out) = run(tmp.path(), &["diff", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    let updated = json["updated"].as_array().unwrap();
    let inc1 = updated.iter().find(|e| e["id"] == "INC-1").expect("INC-1 updated");
    let changes = inc1["changes"].as_array().unwrap();
    assert!(changes.contains(&json!({"field": "impact", "from": "web-app: degraded", "to": "web-app: partial"})));
    assert!(changes.contains(&json!({"field": "action item: Add an index", "from": "open", "to": "done"})));
    assert!(changes.contains(&json!({
        "field": "timeline",
        "from": "2026-03-01T10:10:00+00:00 update (identified): We know why pages are slow.",
        "to": "2026-03-01T10:10:00+00:00 update (identified): We know why pages are slow and are fixing it."
    })));
    assert_eq!(changes.len(), 3, "the internal note and the other item did not change: {changes:#?}");

    let (_, md) = run(tmp.path(), &["diff", "--base", "HEAD"]);
    assert!(md.contains("We know why pages are slow and are fixing it."), "{md}");
    assert!(md.contains("action item: Add an index: “open” → “done”"), "{md}");
    assert!(md.contains("impact: “web-app: degraded” → “web-app: partial”"), "{md}");
}

#[test]
fn the_revision_is_written_as_given() {
    let tmp = pull_request();
    let (_, md) = run(tmp.path(), &["diff", "--base", "HEAD~1"]);
    assert!(md.starts_with("### incsite: incident changes against `HEAD~1` ("), "{md}");
    assert!(!md.contains('\\'), "{md}");
}

#[test]
fn the_error_count_is_check_base_s() {
    let tmp = pull_request();
    let (code, out) = run(tmp.path(), &["check", "--base", "HEAD", "--format", "json"]);
    assert_eq!(code, 1);
    let diags: Vec<Value> = serde_json::from_str(&out).unwrap();
    let errors = diags.iter().filter(|d| d["level"] == "error").count();
    assert_eq!(errors, 1, "the changed published entry: {diags:#?}");
    let (_, out) = run(tmp.path(), &["diff", "--base", "HEAD", "--format", "json"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["errors"], errors);
    let (_, md) = run(tmp.path(), &["diff", "--base", "HEAD"]);
    assert!(md.contains("**1 error in the records.**"), "{md}");
}

#[test]
fn a_public_diff_shows_only_what_the_public_site_shows() {
    let tmp = pull_request();
    let private = OPEN
        .replace("id: INC-1", "id: INC-SECRET")
        .replace("title: Slow pages", "title: Breach at ACME")
        .replace("severity: SEV-4", "severity: SEV-4\nvisibility: private");
    write(tmp.path(), "content/incidents/secret.md", &private);
    let internal_note = "Internal only.";
    let (code, public) = run(tmp.path(), &["diff", "--base", "HEAD", "--audience", "public"]);
    assert_eq!(code, 0);
    assert!(!public.contains("ACME") && !public.contains("INC-SECRET"), "{public}");
    assert!(!public.contains(internal_note) && !public.contains("Yuki Sato"), "{public}");
    assert!(public.contains("We know why pages are slow and are fixing it."), "public changes stay: {public}");
    let (_, internal) = run(tmp.path(), &["diff", "--base", "HEAD"]);
    assert!(internal.contains("Breach at ACME"), "the internal diff (the default) shows it: {internal}");
}
