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
    let mut urls: Vec<String> = paths
        .iter()
        .filter_map(|path| {
            let dir = if path == "index.html" { "" } else { path.strip_suffix("/index.html")? };
            let dir = if dir.is_empty() { String::new() } else { format!("{}/", encode_path(dir)) };
            Some(format!("{base}/{dir}"))
        })
        .collect();
    urls.sort();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for url in urls {
        let _ = writeln!(out, "  <url><loc>{}</loc></url>", xml_escape(&url));
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
    fn encodes_what_urls_cannot_hold() {
        assert_eq!(encode_path("runbooks/db failover/ä"), "runbooks/db%20failover/%C3%A4");
        assert_eq!(encode_path("incidents/INC-2026.1_x"), "incidents/INC-2026.1_x");
    }
}
