//! A link checker over the built demo site (the repository root): every internal `href` and `src`
//! of every HTML page resolves to a file of the output (a folder to its `index.html`), every
//! `#fragment` to an id of its page, and every page but `404.html` links relative to itself, so
//! the site works at a domain's root, under a sub-path and opened from disk alike.

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const DEMO_NOW: &str = "2026-11-22T23:00:00+01:00";

fn build(out: &Path, args: &[&str]) {
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--now", DEMO_NOW, "--out"])
        .arg(out)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
        .success();
}

/// One HTML page: its ids and the URLs of its `href` and `src` attributes.
#[derive(Default)]
struct Page {
    ids: BTreeSet<String>,
    urls: Vec<String>,
}

/// The attributes of every start tag of `html`, as (name, value) pairs with `&amp;` and friends
/// decoded. Text never holds a raw `<` (it is escaped), so every `<` opens a tag, a comment or a
/// doctype; quoted values may hold `>`.
fn attributes(html: &str) -> Vec<(String, String)> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        if !bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        // Skip the tag name.
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let start = i;
            while i < bytes.len() && !b" \t\n\r=>/".contains(&bytes[i]) {
                i += 1;
            }
            let name = html[start..i].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                match bytes.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[i + 1..].find(q as char).map_or(bytes.len(), |e| i + 1 + e);
                        value = html[i + 1..end].to_string();
                        i = end + 1;
                    }
                    _ => {
                        let start = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                            i += 1;
                        }
                        value = html[start..i].to_string();
                    }
                }
            }
            let value = value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            out.push((name, value));
        }
    }
    out
}

fn parse(html: &str) -> Page {
    let mut page = Page::default();
    for (name, value) in attributes(html) {
        match name.as_str() {
            "id" => {
                page.ids.insert(value);
            }
            "href" | "src" => page.urls.push(value),
            _ => {}
        }
    }
    page
}

/// Every `.html` file under `out`, by its `/`-separated path.
fn pages(out: &Path) -> BTreeMap<String, Page> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
            (rel, parse(&std::fs::read_to_string(e.path()).unwrap()))
        })
        .collect()
}

fn is_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http:", "https:", "mailto:", "data:", "//"].iter().any(|p| lower.starts_with(p))
}

/// `url` from the page at `page` as a path under the output (`None` when it leaves the site), with
/// its fragment. Root-relative URLs start at `base_path` (`/` or `/status/`).
fn resolve(page: &str, url: &str, base_path: &str) -> Result<(String, Option<String>), String> {
    let (url, fragment) = match url.split_once('#') {
        Some((u, f)) => (u, Some(f.to_string())),
        None => (url, None),
    };
    let url = url.split('?').next().unwrap_or("");
    let mut parts: Vec<&str> = Vec::new();
    let rest = if let Some(abs) = url.strip_prefix('/') {
        let base = base_path.trim_matches('/');
        let inside =
            if base.is_empty() { Some(abs) } else { abs.strip_prefix(base).map(|r| r.trim_start_matches('/')) };
        inside.ok_or_else(|| format!("{url} is outside the published path {base_path}"))?
    } else {
        parts.extend(page.split('/'));
        parts.pop(); // the page's own file name
        url
    };
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or_else(|| format!("{url} leaves the site"))?;
            }
            s => parts.push(s),
        }
    }
    let mut target = parts.join("/");
    if rest.is_empty() || rest.ends_with('/') || rest.ends_with("/.") || rest == "." {
        target = if target.is_empty() { "index.html".to_string() } else { format!("{target}/index.html") };
    }
    Ok((target, fragment))
}

/// Checks every internal link of the site in `out`; returns the problems.
fn check(out: &Path, base_path: &str) -> Vec<String> {
    let pages = pages(out);
    assert!(pages.len() > 20, "the demo site has its pages");
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, page) in &pages {
        for url in &page.urls {
            if is_external(url) {
                continue;
            }
            if path != "404.html" && url.starts_with('/') {
                problems.push(format!("{path}: {url} is root-relative, not relative to the page"));
            }
            if let Some(id) = url.strip_prefix('#') {
                if !page.ids.contains(id) {
                    problems.push(format!("{path}: #{id} is no id of the page"));
                }
                continue;
            }
            checked += 1;
            match resolve(path, url, base_path) {
                Err(e) => problems.push(format!("{path}: {e}")),
                Ok((target, fragment)) => {
                    let mut file = out.join(&target);
                    if file.is_dir() {
                        file = file.join("index.html");
                    }
                    if !file.is_file() {
                        problems.push(format!("{path}: {url} → {target}, which does not exist"));
                    } else if let (Some(id), Some(linked)) = (fragment, pages.get(&target)) {
                        if !id.is_empty() && !linked.ids.contains(&id) {
                            problems.push(format!("{path}: {url} → {target}, which has no id {id}"));
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked: is the scan broken?");
    problems
}

#[test]
fn every_internal_link_of_the_demo_site_resolves() {
    for audience in ["public", "internal"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        build(&out, &["--audience", audience]);
        let problems = check(&out, "/");
        assert!(problems.is_empty(), "{audience} build:\n{}", problems.join("\n"));
    }
}

#[test]
fn a_site_published_under_a_sub_path_links_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&out, &["--base-url", "https://acme.github.io/status"]);
    let problems = check(&out, "/status/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Absolute URLs only where they must be: the canonical link; 404.html from the sub-path.
    let page = std::fs::read_to_string(out.join("incidents/INC-2026-0015/index.html")).unwrap();
    assert!(page.contains(r#"<link rel="canonical" href="https://acme.github.io/status/incidents/INC-2026-0015/">"#));
    assert!(page.contains(r#"<link rel="stylesheet" href="../../static/style.css">"#));
    let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(not_found.contains(r#"<link rel="stylesheet" href="/status/static/style.css">"#), "{not_found}");
}

#[test]
fn the_checker_catches_broken_links() {
    let page = parse(r#"<a href="../x/">x</a> <img src='y.png' alt=""> <p id="here" title="a > b">"#);
    assert_eq!(page.urls, ["../x/", "y.png"]);
    assert!(page.ids.contains("here"));
    assert_eq!(resolve("incidents/A/index.html", "../../", "/").unwrap().0, "index.html");
    assert_eq!(
        resolve("incidents/A/index.html", "../B/#t", "/").unwrap(),
        ("incidents/B/index.html".into(), Some("t".into()))
    );
    assert_eq!(resolve("index.html", "./static/style.css", "/").unwrap().0, "static/style.css");
    assert_eq!(resolve("404.html", "/status/incidents/", "/status/").unwrap().0, "incidents/index.html");
    assert!(resolve("index.html", "../up/", "/").is_err());
    assert!(resolve("404.html", "/elsewhere/", "/status/").is_err());
}
