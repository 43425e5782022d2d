//! `language = "de"`: the demo site built in German has no English word of the theme left on
//! its status page, an incident page, the history, the action tracker, the runbooks, 404 and the
//! reports page (with its charts' titles, descriptions and tooltips). Every text and every shown attribute (`title`,
//! `aria-label`, `placeholder`, `data-*`) of the two pages is compared with every English text of
//! `theme/i18n/en.toml` that German words differently (`{n}` and the like match anything).
//!
//! Exceptions, which are not the theme's words: the records' own text and the site's schema
//! (titles, summaries, updates, post-mortems, service, severity and role names and descriptions,
//! causes, people), ids, the time zone's abbreviation (`CET`), and the figures' abbreviations
//! (TTD, TTA, TTM, TTR; their titles are German). The demo's schema names a service "Search"
//! and a severity "Low", which read like the English `nav.search` and `priority.low`.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const DEMO_NOW: &str = "2026-11-22T23:00:00+01:00";

/// Names from the demo's schema that are also English words of the theme.
const SITE_NAMES: [&str; 2] = ["Search", "Low"];

fn demo_in(language: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&repo.join("content"), &dir.path().join("content"));
    common::copy_dir(&repo.join("schema"), &dir.path().join("schema"));
    let settings = std::fs::read_to_string(repo.join("incsite.toml")).unwrap();
    std::fs::write(dir.path().join("incsite.toml"), format!("language = \"{language}\"\n{settings}")).unwrap();
    dir
}

fn build(root: &Path, out: &Path) {
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(["build", "--now", DEMO_NOW, "--out"])
        .arg(out)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
        .success();
}

/// Every string value of a locale file, by dotted key.
fn strings(prefix: &str, table: &toml::Table, out: &mut Vec<(String, String)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => strings(&key, t, out),
            toml::Value::String(s) => out.push((key, s.clone())),
            _ => {}
        }
    }
}

fn locale(lang: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("theme/i18n/{lang}.toml"));
    let table: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    strings("", &table, &mut out);
    out
}

/// Whether `text` is `pattern` with each `{name}` standing for a number (`{n}`, `{count}`, …)
/// or for at most 30 characters of anything else (a label, a name: not a record's sentence).
fn matches(pattern: &str, text: &str) -> bool {
    let names: Vec<&str> = pattern.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n)).collect();
    let literal: usize = pattern.split('{').map(|p| p.split_once('}').map_or(p, |(_, r)| r).len()).sum();
    let numeric = |n: &str| matches!(n, "n" | "count" | "done" | "total" | "page" | "pages" | "days" | "pct" | "last");
    if !names.is_empty() && names.iter().all(|n| numeric(n)) {
        let digits = text.chars().filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '%')).count();
        if text.len() > literal + digits {
            return false;
        }
    } else if !names.is_empty() && text.len() > literal + 30 * names.len() {
        return false;
    }
    let pieces: Vec<&str> = pattern
        .split('{')
        .enumerate()
        .map(|(i, p)| if i == 0 { p } else { p.split_once('}').map_or(p, |(_, rest)| rest) })
        .collect();
    if pieces.len() == 1 {
        return text == pattern;
    }
    // A pattern that is mostly placeholders ("{heading} on {site}") would match any sentence.
    if pieces.iter().map(|p| p.trim().len()).max().unwrap_or(0) < 5 {
        return false;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// The texts and shown attribute values of a page, without the Markdown body (the record's own).
fn shown(html: &str) -> Vec<String> {
    let html = match html.split_once(r#"<div class="card prose">"#) {
        Some((before, after)) => format!("{before}{}", after.split_once("</div>").map_or("", |(_, rest)| rest)),
        None => html.to_string(),
    };
    let unescape = |s: &str| {
        s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
    };
    let mut out = Vec::new();
    for chunk in html.split('>').skip(1) {
        let text = chunk.split('<').next().unwrap_or("").trim().trim_start_matches('·').trim();
        if !text.is_empty() {
            out.push(unescape(text));
        }
    }
    for attr in ["title=\"", "aria-label=\"", "placeholder=\"", "data-"] {
        for part in html.split(attr).skip(1) {
            let part = if attr == "data-" { part.split_once("=\"").map_or("", |(_, v)| v) } else { part };
            if let Some((value, _)) = part.split_once('"') {
                out.push(unescape(value));
            }
        }
    }
    out
}

#[test]
fn a_german_site_has_no_english_label_left() {
    let site = demo_in("de");
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let german: std::collections::HashMap<String, String> = locale("de").into_iter().collect();
    let english: Vec<(String, String)> = locale("en")
        .into_iter()
        .filter(|(key, text)| !key.starts_with("meta.") && !key.starts_with("date.") && german.get(key) != Some(text))
        .filter(|(key, _)| !key.starts_with("duration."))
        .collect();
    let mut problems = Vec::new();
    let pages = ["index.html", "incidents/INC-2026-0015/index.html", "incidents/index.html", "actions/index.html"];
    for path in pages.into_iter().chain(["runbooks/index.html", "404.html", "reports/index.html"]) {
        let html = std::fs::read_to_string(out.path().join(path)).unwrap();
        assert!(html.contains(r#"<html lang="de">"#), "{path}");
        for text in shown(&html) {
            if SITE_NAMES.contains(&text.as_str()) {
                continue;
            }
            for (key, en) in &english {
                if matches(en, &text) {
                    problems.push(format!("{path}: {text:?} is the English `{key}`"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let status = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    for german in ["Leichte Störung", "vor 3 Stunden", "22. November 2026, 23:00 CET", "Wird untersucht"] {
        assert!(status.contains(german), "the status page says {german:?}");
    }
    let page = std::fs::read_to_string(out.path().join("incidents/INC-2026-0015/index.html")).unwrap();
    for german in
        ["4. November 2026, 09:31 CET", "Nachbetrachtung", "Zeit bis zur Behebung", "1 Std. 27 Min.", "Erledigt"]
    {
        assert!(page.contains(german), "the incident page says {german:?}");
    }
    let reports = std::fs::read_to_string(out.path().join("reports/index.html")).unwrap();
    for german in [
        "<h1>Berichte</h1>",
        "Mittlere Zeit bis zur Erkennung",
        "Offene Maßnahmen im Zeitverlauf",
        "2–4 Std.",
        "Dezember 2025",
        "Verlangt",
    ] {
        assert!(reports.contains(german), "the reports page says {german:?}");
    }
    // The API keeps Statuspage's English value sets.
    let summary = std::fs::read_to_string(out.path().join("api/v2/summary.json")).unwrap();
    assert!(
        summary.contains(r#""status":"degraded_performance""#)
            || summary.contains(r#""status": "degraded_performance""#)
    );
    assert!(summary.contains("Minor Service Outage"), "the indicator's description stays Statuspage's");
}

#[test]
fn the_english_site_is_found_english_by_the_same_check() {
    // The check above would find the English words: the English build fails it.
    let site = demo_in("en");
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    let german: std::collections::HashMap<String, String> = locale("de").into_iter().collect();
    let found = locale("en")
        .into_iter()
        .filter(|(key, text)| !key.starts_with("meta.") && german.get(key) != Some(text))
        .filter(|(_, en)| shown(&html).iter().any(|t| matches(en, t)))
        .count();
    assert!(found > 20, "only {found} English texts found on the English status page");
}

#[test]
fn an_unknown_language_is_an_error_at_its_line() {
    let site = demo_in("xx");
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(site.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("incsite.toml:1").and(predicates::str::contains("`xx` is not a language")));
}
