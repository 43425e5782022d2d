//! The commonest mistakes, one test each: `incsite check` points at the right line with a hint,
//! and following the hint makes the check pass. Also the files skipped and the times in the
//! future that used to pass silently.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2026-11-23T12:00:00Z";
const RECORD: &str = "content/incidents/2026/2026-11-01-alerts.md";

/// A record that passes: the mistakes are made in copies of it.
const GOOD: &str = "---
id: INC-900
title: Alerts fired
severity: SEV-3
status: resolved
impact:
  api: degraded
roles:
  resolver: Alice Chen
timeline:
  - at: 2026-11-01T12:00:00Z
    event: detected
    text: An alert fired.
  - at: 2026-11-01T12:05:00Z
    event: update
    status: investigating
    text: We are looking into slow responses.
  - at: 2026-11-01T12:30:00Z
    event: resolved
  - at: 2026-11-01T12:30:00Z
    event: update
    status: resolved
    text: Fixed.
---
";

fn incsite() -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

/// A copy of the `valid` fixture site with `GOOD` written with `from` replaced by `to`.
fn site_with(from: &str, to: &str) -> tempfile::TempDir {
    assert!(GOOD.contains(from), "{from}");
    let dir = common::copy_site("valid");
    write(dir.path(), RECORD, &GOOD.replacen(from, to, 1));
    dir
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `check --format json`: the exit code and the diagnostics.
fn check(root: &Path) -> (i32, Vec<Value>) {
    let out = incsite().current_dir(root).args(["check", "--format", "json", "--now", NOW]).output().unwrap();
    let diags: Vec<Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), diags)
}

/// The human output of `check`.
fn human(root: &Path) -> String {
    let out = incsite().current_dir(root).args(["check", "--now", NOW]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one diagnostic with `code` (and no other error).
fn only(diags: &[Value], code: &str) -> Value {
    let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "one {code}: {diags:#?}");
    let errors: Vec<&Value> = diags.iter().filter(|d| d["level"] == "error" && d["code"] != code).collect();
    assert!(errors.is_empty(), "no other error: {errors:#?}");
    found[0].clone()
}

fn hint(d: &Value) -> &str {
    d["hint"].as_str().unwrap_or_else(|| panic!("a hint: {d:#}"))
}

/// The code inside the first `…` of a hint.
fn quoted(hint: &str) -> &str {
    hint.split('`').nth(1).unwrap_or_else(|| panic!("a quoted fix in {hint}"))
}

#[test]
fn the_base_record_passes() {
    let dir = site_with("", "");
    let (code, diags) = check(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
}

#[test]
fn a_colon_in_a_text_asks_for_quotes_that_work() {
    let dir = site_with("text: An alert fired.", "text: PagerDuty: 5xx > 20%");
    let (code, diags) = check(dir.path());
    assert_eq!(code, 1);
    let d = only(&diags, "yaml");
    assert_eq!(d["line"], 13, "the line of the text: {d:#}");
    assert!(!d["message"].as_str().unwrap().contains("mapping values are not allowed"), "{d:#}");
    let fix = quoted(hint(&d));
    assert_eq!(fix, "text: \"PagerDuty: 5xx > 20%\"");
    // Followed, the hint passes.
    let dir = site_with("text: An alert fired.", fix);
    assert_eq!(check(dir.path()).0, 0);
}

#[test]
fn a_time_without_offset_suggests_one_that_passes() {
    let dir = site_with("  - at: 2026-11-01T12:00:00Z", "  - at: 2026-11-01 12:00");
    let (code, diags) = check(dir.path());
    assert_eq!(code, 1);
    let d = only(&diags, "time-without-offset");
    assert_eq!(d["line"], 11, "{d:#}");
    let fix = quoted(hint(&d));
    assert_eq!(fix, "2026-11-01T12:00:00Z");
    let dir = site_with("  - at: 2026-11-01T12:00:00Z", &format!("  - at: {fix}"));
    assert_eq!(check(dir.path()).0, 0);
}

#[test]
fn a_tab_is_reported_on_its_own_line() {
    let dir = site_with("  resolver: Alice Chen", "\tresolver: Alice Chen");
    let (code, diags) = check(dir.path());
    assert_eq!(code, 1);
    let d = only(&diags, "yaml");
    assert_eq!(d["line"], 9, "the tab's line, not the one above: {d:#}");
    assert!(hint(&d).contains("spaces"), "{d:#}");
    let out = human(dir.path());
    assert!(out.contains(&format!("{RECORD}:9:1")), "{out}");
}

#[test]
fn a_misspelt_key_gets_did_you_mean_on_its_line() {
    let dir = site_with("severity: SEV-3", "severty: SEV-3");
    let (code, diags) = check(dir.path());
    assert_eq!(code, 1);
    let d = only(&diags, "unknown-key");
    assert_eq!(d["line"], 4, "{d:#}");
    assert_eq!(hint(&d), "did you mean `severity`?");
    let out = human(dir.path());
    assert!(out.contains("4 | severty: SEV-3\n  | ^^^^^^^ did you mean `severity`?"), "{out}");
}

#[test]
fn a_misspelt_setting_gets_did_you_mean() {
    let dir = common::copy_site("valid");
    let settings = dir.path().join("incsite.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("timezone", "timzone")).unwrap();
    let (code, diags) = check(dir.path());
    assert_eq!(code, 1);
    let d = only(&diags, "unknown-key");
    assert_eq!(d["file"], "incsite.toml");
    let line = text.lines().position(|l| l.starts_with("timezone")).unwrap() + 1;
    assert_eq!(d["line"], line, "{d:#}");
    assert_eq!(hint(&d), "did you mean `timezone`?");
}

#[test]
fn an_empty_services_file_is_one_error_not_a_cascade() {
    let dir = common::copy_site("valid");
    write(dir.path(), "schema/services.yaml", "");
    let (code, diags) = check(dir.path());
    assert_eq!(code, 1);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["level"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["file"], "schema/services.yaml");
    assert_eq!(errors[0]["code"], "empty-file");
    assert!(hint(errors[0]).contains("delete the file"), "{:#}", errors[0]);
}

#[test]
fn a_broken_severities_file_is_one_error_not_a_cascade() {
    let dir = common::copy_site("valid");
    write(dir.path(), "schema/severities.yaml", "levels: [\n");
    let (_, diags) = check(dir.path());
    let errors: Vec<&Value> = diags.iter().filter(|d| d["level"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["file"], "schema/severities.yaml");
}

#[test]
fn files_that_are_not_read_are_named() {
    let dir = site_with("", "");
    let root = dir.path();
    for file in ["content/incident/x.md", "content/x.md", "content/incidents/y.markdown"] {
        write(root, file, GOOD);
    }
    let (code, diags) = check(root);
    assert_eq!(code, 0, "warnings: {diags:#?}");
    let mut named: Vec<&str> =
        diags.iter().filter(|d| d["code"] == "ignored-file").map(|d| d["file"].as_str().unwrap()).collect();
    named.sort();
    assert_eq!(named, ["content/incident/x.md", "content/incidents/y.markdown", "content/x.md"]);
    let out = human(root);
    assert!(out.contains("checked 5 records"), "{out}");
    assert!(out.contains("3 warnings"), "{out}");
}

#[test]
fn a_time_in_the_future_is_a_warning() {
    // Local time written with `Z`: an hour ahead of now.
    let dir = site_with("2026-11-01T12:30:00Z", "2026-11-23T13:00:00Z");
    write(dir.path(), RECORD, &GOOD.replace("2026-11-01T12:30:00Z", "2026-11-23T13:00:00Z"));
    let (code, diags) = check(dir.path());
    assert_eq!(code, 0, "{diags:#?}");
    let future: Vec<&Value> = diags.iter().filter(|d| d["code"] == "future-time").collect();
    assert_eq!(future.len(), 2, "{diags:#?}");
    assert_eq!(future[0]["line"], 18);
    assert!(hint(future[0]).contains("offset"));
    // Four minutes ahead is a clock difference, not a mistake.
    let near = GOOD.replace("2026-11-01T12:30:00Z", "2026-11-23T12:04:00Z");
    write(dir.path(), RECORD, &near);
    let (_, diags) = check(dir.path());
    assert!(!diags.iter().any(|d| d["code"] == "future-time"), "{diags:#?}");
}
