//! `incsite build --skip-invalid`, the emergency publish: the valid records are published, each
//! record with errors is left out and named, never the default, and a private record (or one whose
//! visibility cannot be trusted) with errors is never published.

mod common;

use assert_cmd::Command;
use std::path::Path;

const NOW: &str = "2026-11-23T12:00:00Z";

fn incsite() -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A valid incident with `line` added to its front matter.
fn record(id: &str, title: &str, line: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\nseverity: SEV-3\nstatus: investigating\n{line}impact:\n  api: degraded\nroles:\n  resolver: Alice Chen\ntimeline:\n  - at: 2026-11-23T11:00:00Z\n    event: detected\n  - at: 2026-11-23T11:05:00Z\n    event: update\n    status: investigating\n    text: We are looking into {title}.\n---\n"
    )
}

/// Every file of a built site, concatenated.
fn everything(dir: &Path) -> String {
    let mut all = String::new();
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()));
        }
    }
    all
}

#[test]
fn the_valid_records_are_published_and_each_bad_one_is_named() {
    let dir = common::copy_site("valid");
    let root = dir.path();
    let incidents = "content/incidents/2026";
    // The update customers wait for, which links to a record that is left out.
    write(root, &format!("{incidents}/ok.md"), &record("INC-100", "Slow checkout", "related: [INC-101]\n"));
    // Broken after a policy change: a severity the policy no longer has.
    write(root, &format!("{incidents}/bad.md"), &record("INC-101", "Broken thing", "").replace("SEV-3", "SEV-9"));
    // Private, with an error: never published.
    let private = record("INC-102", "Customer data exposed", "visibility: private\n").replace("SEV-3", "SEV-9");
    write(root, &format!("{incidents}/private.md"), &private);
    // Its visibility cannot be trusted (a misspelt key), so it is not published either.
    write(root, &format!("{incidents}/typo.md"), &record("INC-103", "Leaked secrets", "visibilty: private\n"));
    // Not a record at all.
    write(root, &format!("{incidents}/yaml.md"), "---\ntitle: [Unclosed\n---\n");

    let out = root.join("public");
    // Never the default: without the flag, nothing is built.
    let plain = incsite().current_dir(root).args(["build", "--now", NOW]).output().unwrap();
    assert_eq!(plain.status.code(), Some(1));
    assert!(!out.exists());

    let salvaged = incsite().current_dir(root).args(["build", "--skip-invalid", "--now", NOW]).output().unwrap();
    let stderr = String::from_utf8_lossy(&salvaged.stderr);
    assert_eq!(salvaged.status.code(), Some(0), "{stderr}");
    for name in ["bad.md", "private.md", "typo.md", "yaml.md"] {
        assert!(stderr.contains(&format!("left out {incidents}/{name}: ")), "{name}: {stderr}");
    }
    assert!(!stderr.contains("left out content/incidents/2026/ok.md"), "{stderr}");
    assert!(stderr.contains("4 files with errors left out"), "{stderr}");

    let site = everything(&out);
    assert!(out.join("incidents/INC-100/index.html").is_file(), "the valid record is published");
    assert!(site.contains("We are looking into Slow checkout."));
    for (id, words) in
        [("INC-101", "Broken thing"), ("INC-102", "Customer data exposed"), ("INC-103", "Leaked secrets")]
    {
        assert!(!out.join(format!("incidents/{id}")).exists(), "{id} left out");
        assert!(!site.contains(words), "{words} appears in the built site");
        assert!(!site.contains(id), "{id} appears in the built site");
    }
    // The fixture site's public records are all there (its INC-2 is private).
    for id in ["INC-1", "INC-3"] {
        assert!(out.join(format!("incidents/{id}/index.html")).is_file(), "{id}");
    }
}

#[test]
fn errors_in_the_settings_still_stop_it() {
    let dir = common::copy_site("valid");
    let root = dir.path();
    write(root, "schema/services.yaml", "");
    let out = incsite().current_dir(root).args(["build", "--skip-invalid", "--now", NOW]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!root.join("public").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("schema/services.yaml"));
}
