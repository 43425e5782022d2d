//! `incsite build` end to end: the real binary on the demo site and on the fixture under
//! tests/sites/basic (copied into a temporary folder, so that no test writes into the repository).

mod common;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-03-21T12:00:00Z";
const DEMO_NOW: &str = "2026-11-22T23:00:00+01:00";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a fixture site into a fresh temporary folder and returns (guard, site root).
fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name);
    common::copy_dir(&repo().join("tests/sites").join(name), &root);
    (dir, root)
}

fn build(root: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(root)
        .arg("build")
        .arg("--out")
        .arg(out)
        .args(["--now", NOW])
        .args(extra)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
}

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The raw tags in an HTML or XML text (escaped text never contains a raw `<`).
fn tags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push(&after[..end]);
        }
        rest = &after[end..];
    }
    out
}

#[test]
fn demo_site_builds_with_every_key_page() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(repo())
        .args(["build", "--now", DEMO_NOW, "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains("built "));

    let index = read(&out, "index.html");
    assert!(index.contains("<title>Northwind Status</title>"));
    assert!(index.contains(r#"class="banner banner-degraded""#), "an active SEV-3 with degraded email");
    assert!(index.contains("Minor Service Outage"));
    assert!(index.contains("Email notifications delayed"), "the active incident is on the status page");
    assert!(index.contains("New emails are being delivered on time again."), "with its public updates");
    assert!(index.contains("Checkout API") && index.contains("Email Notifications"));
    assert!(index.contains("Search cluster upgrade"), "upcoming maintenance");
    assert_eq!(index.matches(r#"<svg class="bars" viewBox="0 0 90 10""#).count(), 13, "a 90-day bar per service");
    assert!(index.contains(r#"<meta name="description" content="#), "every page has a description");
    assert!(index.contains(r#"<time datetime="2026-11-22T22:00:00Z">22 Nov 2026, 23:00 CET</time>"#));

    let list = read(&out, "incidents/index.html");
    assert!(list.contains("Customers unable to sign in after an authentication release"));
    assert!(list.contains(">November 2026 <"), "grouped by month");
    let newest = list.find("Search cluster upgrade").unwrap();
    let older = list.find("Customers unable to sign in").unwrap();
    assert!(newest < older, "newest first");
    assert!(!list.contains("Expired data-export links"), "the private demo incident stays out");
    for filter in [
        "incidents/severity/SEV-1/index.html",
        "incidents/service/auth/index.html",
        "incidents/status/resolved/index.html",
    ] {
        assert!(out.join(filter).is_file(), "{filter}");
    }
    let sev1 = read(&out, "incidents/severity/SEV-1/index.html");
    assert!(sev1.contains("Customers unable to sign in") && !sev1.contains("Email notifications delayed"));

    let page = read(&out, "incidents/INC-2026-0015/index.html");
    assert_eq!(page.matches("<h1").count(), 1);
    for text in [
        "Customers unable to sign in after an authentication release",
        "SEV-1",
        "Incident Commander",
        "<dd>Filled</dd>",
        "Many customers cannot sign in to Northwind",
        "Rollback complete; sign-in success rate back above 96%.",
        "Pin the allowed JWT algorithms explicitly in every service",
        r#"<h3 id="root-cause">Root Cause</h3>"#,
        "<table>",
        "1h 27m",
    ] {
        assert!(page.contains(text), "the incident page lacks {text:?}");
    }
    assert!(!page.contains("Half our active keys are RS256"), "an internal note stays out of the public page");
    assert!(!page.contains("Priya Raman"), "nor does the incident commander's name");

    let actions = read(&out, "actions/index.html");
    assert!(actions.contains("Contract test that every active signing key validates in every service"));
    assert!(actions.contains("Overdue") && actions.contains("%"));
    for path in [
        "reports/index.html",
        "runbooks/checkout-rollback/index.html",
        "404.html",
        "static/style.css",
        "static/logo.svg",
    ] {
        assert!(out.join(path).is_file(), "{path}");
    }
    assert!(out.join(".incsite-output").is_file());
}

#[test]
fn the_public_build_leaves_private_records_and_entries_out_everywhere() {
    let (_guard, root) = fixture("basic");
    let canaries = [
        "INC-SECRET-CANARY",
        "CANARY-PRIVATE-TITLE-5d1e",
        "CANARY-PRIVATE-SUMMARY-0c44",
        "CANARY-PRIVATE-UPDATE-77aa",
        "CANARY-PRIVATE-ACTION-1b9f",
        "CANARY-PRIVATE-BODY-3e21",
        "CANARY-NOTE-91b2",
    ];
    let public = root.join("public");
    build(&root, &public, &[]).success();
    let files = tree(&public);
    assert!(files.len() > 10);
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for canary in canaries {
            assert!(!text.contains(canary), "{canary} leaked into {path}");
        }
    }
    assert!(!public.join("incidents/INC-SECRET-CANARY").exists());

    let internal = root.join("internal");
    build(&root, &internal, &["--audience", "internal"]).success();
    let page = read(&internal, "incidents/INC-SECRET-CANARY/index.html");
    assert!(page.contains("CANARY-PRIVATE-TITLE-5d1e") && page.contains("CANARY-PRIVATE-BODY-3e21"));
    assert!(read(&internal, "incidents/index.html").contains("CANARY-PRIVATE-TITLE-5d1e"));
    assert!(read(&internal, "actions/index.html").contains("CANARY-PRIVATE-ACTION-1b9f"));
    let page = read(&internal, "incidents/INC-2026-0001/index.html");
    assert!(page.contains("CANARY-NOTE-91b2"));
    assert!(page.contains("Incident Commander: Alice Chen → Frank Li"), "the handoff, its role alias resolved");
}

#[test]
fn injected_markup_never_survives() {
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    build(&root, &out, &["--audience", "internal"]).success();
    let mut checked = 0;
    for (path, bytes) in tree(&out) {
        if path.ends_with(".json") || path.ends_with(".css") || path.ends_with(".ics") || path.ends_with(".js") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for tag in tags(&text) {
            let lower = tag.to_ascii_lowercase();
            let name = lower.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
            // The theme's own scripts only: external files under static/ (live.js, the search).
            let own_script = name == "script"
                && tag.split_whitespace().nth(1).is_some_and(|a| {
                    a.starts_with("src=\"") && a.contains("static/") && a.ends_with(".js\"") && !a.contains("//")
                });
            assert!(own_script || !matches!(name, "script" | "iframe" | "object" | "embed"), "<{tag}> in {path}");
            assert!(!lower.contains("javascript:"), "a javascript: URL in <{tag}> in {path}");
            assert!(!lower.contains(" style="), "an inline style in <{tag}> in {path}");
            let attrs = lower.split_whitespace().skip(1);
            for attr in attrs {
                assert!(!(attr.starts_with("on") && attr.contains('=')), "an event handler in <{tag}> in {path}");
            }
            checked += 1;
        }
    }
    assert!(checked > 100);
    // The words are still there, as text.
    let page = read(&out, "incidents/INC-2026-0001/index.html");
    assert!(page.contains("API down &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;"));
    assert!(page.contains("Add a canary stage to deploys"), "the action item stays, without its link");
    assert!(page.contains(r#"<a href="https://tracker.example/OPS-2""#));
    assert!(page.contains("<del>") || page.contains("☑ rolled back"), "task lists are rendered");
    assert!(page.contains(r#"class="footnote-definition""#));
}

#[test]
fn two_builds_with_the_same_now_are_byte_identical() {
    let (_guard, root) = fixture("basic");
    let (a, b) = (root.join("a"), root.join("b"));
    build(&root, &a, &["--audience", "internal"]).success();
    build(&root, &b, &["--audience", "internal"]).success();
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between two builds");
    }
}

#[test]
fn a_failed_build_exits_1_and_leaves_the_previous_output() {
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    build(&root, &out, &[]).success();
    let before = tree(&out);
    std::fs::write(
        root.join("content/incidents/2026/broken.md"),
        "---\ntitle: Broken\nseverity: SEV-1\nstatus: resolved\nsevrity: typo\n---\n",
    )
    .unwrap();
    build(&root, &out, &[])
        .code(1)
        .stdout(predicates::str::contains("broken.md"))
        .stderr(predicates::str::contains("not building"));
    assert_eq!(tree(&out), before, "the previous output is untouched");
    assert_no_leftovers(&root);
}

/// No temporary or set-aside output folder is left next to the output.
fn assert_no_leftovers(root: &Path) {
    let leftovers: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Pages are written as they render: a template that fails on the incident pages (rendered while
/// other pages are already written) must still leave the previous site whole and nothing
/// half-written beside it.
#[test]
fn a_render_failure_midway_leaves_the_previous_output_and_no_partial_folder() {
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    build(&root, &out, &[]).success();
    let before = tree(&out);
    std::fs::create_dir_all(root.join("theme/templates")).unwrap();
    std::fs::write(root.join("theme/templates/incident.html"), "{{ no_such_value.field }}").unwrap();
    build(&root, &out, &[]).failure().stderr(predicates::str::contains("incident.html"));
    assert_eq!(tree(&out), before, "the previous output is untouched");
    assert_no_leftovers(&root);
}

#[test]
fn build_refuses_to_overwrite_a_folder_it_did_not_write() {
    let (_guard, root) = fixture("basic");
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("notes.txt"), "mine").unwrap();
    build(&root, &docs, &[]).failure().stderr(predicates::str::contains("not written by incsite"));
    assert_eq!(std::fs::read_to_string(docs.join("notes.txt")).unwrap(), "mine");
    build(&root, &root.join("content"), &[]).failure().stderr(predicates::str::contains("refusing"));
    build(&root, &root, &[]).failure().stderr(predicates::str::contains("refusing"));
    assert!(root.join("content/incidents/2026/2026-03-04-api-down.md").is_file());
}

#[test]
fn a_static_build_has_no_live_reload_and_serve_mode_has_it_on_every_page() {
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    build(&root, &out, &[]).success();
    for (path, bytes) in tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("livereload"), "{path}");
    }

    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&chrono::Utc);
    let site = incsite::site::load(&root, now).unwrap();
    let view = site.view(incsite::site::Audience::Public);
    let opts =
        incsite::render::Options { now, base_url: view.config.base_url.clone(), live_reload: true, theme_dir: None };
    let pages = incsite::render::render(&view, &opts).unwrap();
    let html: Vec<_> = pages.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(html.len() > 10);
    for (path, bytes) in html {
        let text = String::from_utf8_lossy(bytes);
        let tag = r#"<script src="/__incsite/livereload.js" defer></script>"#;
        assert_eq!(text.matches(tag).count(), 1, "{path}");
        assert!(text.find(tag) < text.rfind("</body>"), "{path}: the script goes before </body>");
    }
}

#[test]
fn a_site_theme_overrides_built_in_files_one_by_one() {
    let (_guard, root) = fixture("basic");
    std::fs::create_dir_all(root.join("theme/templates")).unwrap();
    std::fs::create_dir_all(root.join("theme/static/img")).unwrap();
    std::fs::write(
        root.join("theme/templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Custom 404 for {{ site.title }}</h1>{% endblock content %}",
    )
    .unwrap();
    std::fs::write(root.join("theme/static/style.css"), "body { color: rebeccapurple; }\n").unwrap();
    std::fs::write(root.join("theme/static/img/brand.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let out = root.join("public");
    build(&root, &out, &[]).success();
    assert!(read(&out, "404.html").contains("<h1>Custom 404 for Fixture Status</h1>"));
    assert_eq!(read(&out, "static/style.css"), "body { color: rebeccapurple; }\n");
    assert!(out.join("static/img/brand.svg").is_file());
    assert!(out.join("static/logo.svg").is_file(), "files the site does not override stay built-in");
    assert!(read(&out, "index.html").contains("Fixture Status"), "templates it does not override stay built-in");

    std::fs::write(root.join("theme/templates/index.html"), "{% if %}").unwrap();
    build(&root, &out, &[]).failure().stderr(predicates::str::contains("index.html"));
    assert_eq!(read(&out, "static/style.css"), "body { color: rebeccapurple; }\n", "the previous output stays");
}

#[test]
fn list_rows_are_right_at_every_depth_whatever_the_row_template_or_the_records_hold() {
    // Rows are rendered once and copied for each folder depth with a mark standing for `root`
    // (U+FFFF); a record holding that character, or a row template that tests `root`, must not
    // change what the lists say.
    let (_guard, root) = fixture("basic");
    let record = root.join("content/incidents/2026/2026-03-20-web-slow.md");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, text.replace("title: Dashboard loading slowly", "title: \"Dashboard \\uFFFF slowly\""))
        .unwrap();
    let out = root.join("public");
    build(&root, &out, &[]).success();
    let list = read(&out, "incidents/index.html");
    assert!(list.contains("<a href=\"../incidents/INC-2026-0003/\">Dashboard \u{FFFF} slowly</a>"), "{list}");
    let filtered = read(&out, "incidents/severity/SEV-2/index.html");
    assert!(filtered.contains("<a href=\"../../../incidents/INC-2026-0003/\">Dashboard \u{FFFF} slowly</a>"));

    // A list page's months are filled in after rendering through the same mark: a service named
    // like the placeholder must not be taken for one.
    let services = root.join("schema/services.yaml");
    let text = std::fs::read_to_string(&services).unwrap();
    std::fs::write(&services, text.replace("name: Web App", "name: \"Web \\uFFFFrows 0\\uFFFF App\"")).unwrap();
    build(&root, &out, &[]).success();
    let web = read(&out, "incidents/service/web/index.html");
    assert!(web.contains("<h1>Web \u{FFFF}rows 0\u{FFFF} App incidents</h1>"), "{web}");
    assert_eq!(web.matches("<a href=\"../../../incidents/INC-2026-0003/\">").count(), 1, "{web}");

    // A row template that tests `root`, on a site whose records and services hold no mark.
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    std::fs::create_dir_all(root.join("theme/templates")).unwrap();
    std::fs::write(
        root.join("theme/templates/incident_row.html"),
        "<li class=\"{% if root == '../' %}shallow{% elif root == '../../' %}middle{% else %}deep{% endif %}\"><a href=\"{{ root }}{{ card.url }}\">{{ card.id }}</a></li>",
    )
    .unwrap();
    build(&root, &out, &[]).success();
    let list = read(&out, "incidents/index.html");
    assert!(
        list.contains("<li class=\"shallow\"><a href=\"../incidents/INC-2026-0001/\">INC-2026-0001</a></li>"),
        "{list}"
    );
    assert!(!list.contains("deep"));
    let filtered = read(&out, "incidents/severity/SEV-1/index.html");
    assert!(filtered.contains("<li class=\"deep\"><a href=\"../../../incidents/INC-2026-0001/\">"), "{filtered}");
    assert!(!filtered.contains("shallow"));
    // The runbook pages list the incidents that use them, two folders deep.
    let runbook = read(&out, "runbooks/restart-api/index.html");
    assert!(runbook.contains("<li class=\"middle\"><a href=\"../../incidents/INC-2026-0001/\">"), "{runbook}");
}

#[test]
fn fixture_pages_say_what_they_must() {
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    build(&root, &out, &["--base-url", "https://status.acme.example/"]).success();
    let index = read(&out, "index.html");
    assert!(index.contains(r#"class="banner banner-partial""#));
    assert!(index.contains("Partial System Outage"));
    assert!(index.contains(r#"<link rel="canonical" href="https://status.acme.example/">"#), "--base-url wins");
    // The active incident, its updates newest first.
    let identified = index.find("A slow database query is the cause").unwrap();
    let investigating = index.find("The dashboard is slow. We are investigating.").unwrap();
    assert!(identified < investigating);
    assert!(index.contains("Database upgrade"), "upcoming maintenance");
    assert!(index.contains("Email Delivery"), "a service without a group");
    assert!(index.contains(r#"<title>4 Mar 2026: Major outage. INC-2026-0001</title>"#), "the day's tooltip");
    assert!(
        index.contains(r#"<a class="bars-link" href="./incidents/service/api/">"#),
        "the bar links to the service's history"
    );

    let page = read(&out, "incidents/INC-2026-0001/index.html");
    assert!(
        page.contains("<dt>Resolved</dt><dd><time datetime=\"2026-03-04T10:40:00Z\">4 Mar 2026, 11:40 CET</time></dd>")
    );
    assert!(page.contains(">TTD</abbr>") && page.contains("<dd>3m</dd>") && page.contains("<dd>1h 28m</dd>"));
    assert!(page.contains("Incident Commander") && page.contains("Resolver"), "role ids and aliases resolved to names");
    assert!(page.contains(r#"<a href="../../runbooks/restart-api/">Restart the API</a>"#));
    assert!(!page.contains("CANARY"), "a related private incident is not even named");

    let maint = read(&out, "incidents/MNT-2026-03-db/index.html");
    assert!(maint.contains("25 Mar 2026, 01:00 – 03:00 CET"));

    let actions = read(&out, "actions/index.html");
    let overdue = &actions[actions.find(r#"id="overdue""#).unwrap()..actions.find(r#"id="open""#).unwrap()];
    assert!(overdue.contains("Add a canary stage to deploys"), "due 18 Mar, open on 21 Mar: overdue");
    assert!(actions.contains("<dd>50%</dd>"), "one of two done");
}

#[test]
fn git_history_is_shown_but_a_public_build_withholds_messages_that_touch_private_records() {
    use incsite::git::{Commit, History};
    let (_guard, root) = fixture("basic");
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&chrono::Utc);
    let commit = |id: &str, summary: &str| Commit {
        id: id.repeat(40 / id.len()),
        short_id: id.repeat(7 / id.len() + 1)[..7].to_string(),
        author: Some("Alice Chen".into()),
        date: chrono::DateTime::parse_from_rfc3339("2026-03-05T09:00:00+01:00").unwrap(),
        summary: Some(summary.into()),
        private: false,
    };
    let public_path = "content/incidents/2026/2026-03-04-api-down.md";
    let private_path = "content/incidents/2026/2026-03-10-secret.md";
    let mut history = History::default();
    history.by_path.insert(
        public_path.into(),
        vec![commit("b", "Add INC-SECRET-CANARY and fix a typo"), commit("a", "Post-mortem for the API outage")],
    );
    history.by_path.insert(private_path.into(), vec![commit("b", "Add INC-SECRET-CANARY and fix a typo")]);
    history.head = Some(commit("b", "Add INC-SECRET-CANARY and fix a typo"));

    let mut site = incsite::site::load(&root, now).unwrap();
    site.history = Some(std::sync::Arc::new(history));
    let render = |audience| {
        let view = site.view(audience);
        let opts = incsite::render::Options {
            now,
            base_url: view.config.base_url.clone(),
            live_reload: false,
            theme_dir: None,
        };
        let pages = incsite::render::render(&view, &opts).unwrap();
        String::from_utf8(pages["incidents/INC-2026-0001/index.html"].clone()).unwrap()
    };
    let public = render(incsite::site::Audience::Public);
    assert!(public.contains("Post-mortem for the API outage") && public.contains("aaaaaaa"));
    assert!(public.contains("bbbbbbb"), "the shared commit is listed");
    assert!(!public.contains("INC-SECRET-CANARY"), "but not its message, nor in the footer");
    assert!(public.contains("from commit <code"), "the footer names the commit");
    let internal = render(incsite::site::Audience::Internal);
    assert!(internal.contains("Add INC-SECRET-CANARY and fix a typo"));
}

/// The text from the start of the element that opens just before `marker` to the end of `close`
/// after it, whitespace collapsed: a small, readable snapshot.
fn snapshot(html: &str, open: &str, marker: &str, close: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} not found"));
    let start = html[..at].rfind(open).unwrap();
    let end = at + html[at..].find(close).unwrap() + close.len();
    html[start..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn snapshots_of_the_banner_and_a_list_row() {
    let (_guard, root) = fixture("basic");
    let out = root.join("public");
    build(&root, &out, &[]).success();
    let index = read(&out, "index.html");
    let banner = snapshot(&index, "<section class=\"banner", "banner-text", "</section>");
    let banner = banner.split("</svg>").nth(1).unwrap().trim().to_string();
    assert_eq!(
        banner,
        r#"<div> <p class="banner-text" id="banner-text">Partial System Outage</p> <p class="banner-sub">As of <time datetime="2026-03-21T12:00:00Z">21 Mar 2026, 13:00 CET</time></p> </div> </section>"#
    );
    let list = read(&out, "incidents/index.html");
    assert_eq!(
        snapshot(&list, "<li class=\"row", "INC-2026-0003/", "</li>"),
        concat!(
            r#"<li class="row edge-partial"> <div class="row-main"> <h3 class="row-title"><a href="../incidents/INC-2026-0003/">Dashboard loading slowly</a></h3> "#,
            r#"<p class="row-meta"> <span class="row-id">INC-2026-0003</span> · <time datetime="2026-03-21T10:40:00Z">21 Mar 2026, 11:40 CET</time> · 1h 20m so far </p> "#,
            r#"<p class="row-summary">The dashboard takes up to 30 seconds to load.</p> "#,
            r#"<p class="row-services"><span class="impact-chip impact-partial"><span class="dot" aria-hidden="true"></span>Web App<span class="visually-hidden">: Partial outage</span></span></p> </div> "#,
            r#"<p class="badges row-badges"><span class="badge sev-rank-1" title="Major">SEV-2<span class="badge-extra"> · Major</span></span>"#,
            r#"<span class="badge status-identified">Identified</span> </p> </li>"#
        )
    );
}

#[test]
fn a_draft_post_mortem_is_in_the_internal_build_only() {
    // The demo's INC-2026-0006 is public, and its post-mortem is still a draft.
    let dir = tempfile::tempdir().unwrap();
    let (public, internal) = (dir.path().join("public"), dir.path().join("internal"));
    for (out, audience) in [(&public, "public"), (&internal, "internal")] {
        Command::cargo_bin("incsite")
            .unwrap()
            .arg("--root")
            .arg(repo())
            .args(["build", "--now", DEMO_NOW, "--audience", audience, "--out"])
            .arg(out)
            .env_remove("SOURCE_DATE_EPOCH")
            .assert()
            .success();
    }
    let draft = ["Yuki to finish the root-cause section", "scanned the whole tag table"];
    let page = read(&public, "incidents/INC-2026-0006/index.html");
    assert!(page.contains("Slow order list in the dashboard for large accounts"), "the incident itself is public");
    assert!(page.contains("The post-mortem is being written"), "the page says why there is none");
    for (path, bytes) in tree(&public) {
        let text = String::from_utf8_lossy(&bytes);
        for words in draft {
            assert!(!text.contains(words), "{path} shows the draft post-mortem: {words:?}");
        }
    }
    let page = read(&internal, "incidents/INC-2026-0006/index.html");
    for words in draft {
        assert!(page.contains(words), "the internal build shows the draft: {words:?}");
    }
}
