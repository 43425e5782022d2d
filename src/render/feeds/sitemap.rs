//! `sitemap.xml`: every HTML page of the site (each `index.html`), as absolute URLs in sorted
//! order, so search engines find incident pages and post-mortems.

use super::xml_escape;
use crate::render::api::base_url;
use crate::render::{Options, Pages};
use std::fmt::Write as _;

pub(super) fn render(opts: &Options, html_paths: &[String], pages: &mut Pages) {
    let xml = sitemap(base_url(opts), html_paths);
    pages.insert("sitemap.xml".to_string(), xml.into_bytes());
}

/// The sitemap of the `index.html` pages among `paths`.
fn sitemap(base: &str, paths: &[String]) -> String {
    // Each page's URL after the base and its `/`: sorted, they are in the order of the whole URLs,
    // and they hold nothing to escape (only unreserved characters, `%` and `/`).
    let mut dirs: Vec<String> = paths
        .iter()
        .filter_map(|path| {
            let dir = if path == "index.html" { "" } else { path.strip_suffix("/index.html")? };
            Some(if dir.is_empty() { String::new() } else { encode_path(dir) + "/" })
        })
        .collect();
    dirs.sort_unstable();
    let base = xml_escape(base);
    const URL: [&str; 2] = ["  <url><loc>", "</loc></url>\n"];
    let size: usize = dirs.iter().map(|d| URL[0].len() + base.len() + 1 + d.len() + URL[1].len()).sum();
    let mut out = String::with_capacity(size + 128);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for dir in dirs {
        for part in [URL[0], &base, "/", &dir, URL[1]] {
            out.push_str(part);
        }
    }
    out.push_str("</urlset>\n");
    out
}

/// Percent-encodes a `/`-separated path, keeping unreserved characters and the slashes.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_html_page_and_nothing_else() {
        let paths: Vec<String> = [
            "incidents/INC-1/index.html",
            "index.html",
            "feed.xml",
            "badges/x.svg",
            "runbooks/a b/index.html",
            "notindex.html",
        ]
        .map(String::from)
        .into();
        let xml = sitemap("https://s.example", &paths);
        let locs: Vec<&str> =
            xml.lines().filter_map(|l| l.trim().strip_prefix("<url><loc>")?.strip_suffix("</loc></url>")).collect();
        assert_eq!(
            locs,
            ["https://s.example/", "https://s.example/incidents/INC-1/", "https://s.example/runbooks/a%20b/"]
        );
    }

    #[test]
    fn urls_are_in_their_own_order_with_the_base_escaped() {
        let paths: Vec<String> =
            ["incidents/a/index.html", "incidents/a-b/index.html", "incidents/a b/index.html", "index.html"]
                .map(String::from)
                .into();
        let xml = sitemap("https://s.example/x&y", &paths);
        let locs: Vec<&str> =
            xml.lines().filter_map(|l| l.trim().strip_prefix("<url><loc>")?.strip_suffix("</loc></url>")).collect();
        let mut urls: Vec<String> = ["/", "/incidents/a/", "/incidents/a-b/", "/incidents/a%20b/"]
            .map(|u| format!("https://s.example/x&amp;y{u}"))
            .into();
        urls.sort();
        assert_eq!(locs, urls);
    }

    #[test]
    fn encodes_what_urls_cannot_hold() {
        assert_eq!(encode_path("runbooks/db failover/ä"), "runbooks/db%20failover/%C3%A4");
        assert_eq!(encode_path("incidents/INC-2026.1_x"), "incidents/INC-2026.1_x");
    }
}
