//! The search index (`search/index.json`) is built from the same view as every other output: a
//! public build's index holds no word of a private incident, of a draft post-mortem, or of an
//! internal timeline entry; the internal build's holds them. The box is on the history pages and
//! loads only the site's own script.

mod common;

use assert_cmd::Command;
use std::path::Path;

const NOW: &str = "2026-03-21T12:00:00Z";

/// A public incident whose post-mortem is still a draft: its body stays internal.
const DRAFT: &str = "---
id: INC-DRAFT-PM
title: Queue backlog
severity: SEV-2
status: resolved
impact:
  api: degraded
roles:
  resolver: Dana Park
timeline:
  - at: 2026-03-12T08:00:00Z
    event: detected
    text: Backlog alarm.
  - at: 2026-03-12T08:30:00Z
    event: update
    status: identified
    public: false
    text: internal only canaryinternalnote4d2c
  - at: 2026-03-12T09:00:00Z
    event: resolved
    text: Drained.
postmortem:
  status: draft
---
## Summary

The canarydraftword9f3a consumer stalled.
";

fn build(root: &Path, out: &Path, audience: &str) -> serde_json::Value {
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(["build", "--now", NOW, "--audience", audience, "--out"])
        .arg(out)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("search/index.json")).expect("the build writes search/index.json");
    serde_json::from_str(&text).expect("the index is JSON")
}

/// Every word of every entry, lowercased as the index holds them.
fn words(index: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for doc in index["docs"].as_array().unwrap() {
        for field in doc.as_array().unwrap() {
            let text = field.as_str().unwrap().to_lowercase();
            out.extend(text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string));
        }
    }
    out
}

fn ids(index: &serde_json::Value) -> Vec<&str> {
    index["docs"].as_array().unwrap().iter().map(|d| d[0].as_str().unwrap()).collect()
}

#[test]
fn the_public_index_holds_no_private_word_and_the_internal_one_does() {
    let site = common::copy_site("basic");
    std::fs::write(site.path().join("content/incidents/2026/2026-03-12-draft.md"), DRAFT).unwrap();
    let out = tempfile::tempdir().unwrap();
    let canaries = ["5d1e", "0c44", "77aa", "1b9f", "3e21", "91b2", "canarydraftword9f3a", "canaryinternalnote4d2c"];

    let public = build(site.path(), &out.path().join("public"), "public");
    assert_eq!(public["fields"][0], "id");
    let public_ids = ids(&public);
    assert!(public_ids.contains(&"INC-DRAFT-PM") && public_ids.contains(&"INC-2026-0001"), "{public_ids:?}");
    assert!(!public_ids.contains(&"INC-SECRET-CANARY"));
    let public_words = words(&public);
    for canary in canaries {
        assert!(!public_words.iter().any(|w| w == canary), "{canary} reached the public index");
    }
    assert!(public_words.iter().any(|w| w == "queue"), "the public record's title is indexed");

    let internal = build(site.path(), &out.path().join("internal"), "internal");
    assert!(ids(&internal).contains(&"INC-SECRET-CANARY"));
    let internal_words = words(&internal);
    for seen in ["5d1e", "0c44", "3e21", "canarydraftword9f3a"] {
        assert!(internal_words.iter().any(|w| w == seen), "{seen} is in the internal index");
    }
}

#[test]
fn the_history_has_the_box_and_every_header_links_to_it() {
    let site = common::copy_site("basic");
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path(), "public");
    let history = std::fs::read_to_string(out.path().join("incidents/index.html")).unwrap();
    assert!(history.contains(r#"<script src="../static/search.js" defer></script>"#));
    assert!(history.contains(r#"id="search""#) && history.contains(r#"data-index="../search/index.json""#));
    // The box is in the page from the start (showing it later would move the list), and a
    // stylesheet loaded only without JavaScript hides it.
    assert!(!history.contains(" hidden "), "the box is not shown late");
    assert!(history.contains(r#"<noscript><link rel="stylesheet" href="../static/noscript.css"></noscript>"#));
    let noscript = std::fs::read_to_string(out.path().join("static/noscript.css")).unwrap();
    assert!(noscript.contains(".search { display: none"), "{noscript}");
    assert!(out.path().join("static/search.js").is_file());
    let status = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(status.contains(r#"href="./incidents/#search""#), "the header links to the search");
    assert!(!status.contains("search.js"), "only the history loads the search script");
}
