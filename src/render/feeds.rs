//! The feeds and machine files: Atom (site-wide and per service), iCalendar, sitemap and SVG
//! status badges.
//!
//! No record string may become markup here: everything is escaped for its format on the way out,
//! and characters XML cannot hold at all are dropped.

mod atom;
mod badges;
mod ical;
mod services;
mod sitemap;

pub use services::path as service_feed_path;

use super::{Options, Pages};
use crate::site::View;
use crate::status::Status;
use anyhow::Result;

/// The feeds and badges.
pub fn render(view: &View, status: &Status, opts: &Options, pages: &mut Pages) -> Result<()> {
    atom::render(view, status, opts, pages);
    services::render(view, opts, pages);
    ical::render(view, status, opts, pages);
    badges::render(view, status, opts, pages);
    Ok(())
}

/// `sitemap.xml`: the pages among `html_paths`.
pub fn sitemap(opts: &Options, html_paths: &[String], pages: &mut Pages) {
    sitemap::render(opts, html_paths, pages);
}

/// Text made safe for XML (and HTML) content and attribute values. Characters that XML 1.0 does
/// not allow even escaped (most control characters) are dropped.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The host of the site's URL, for identifiers such as iCalendar UIDs.
pub(crate) fn host(opts: &Options) -> String {
    let url = super::api::base_url(opts);
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') { host } else { host.split(':').next().unwrap_or("") };
    if host.is_empty() {
        "incsite".to_string()
    } else {
        host.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            xml_escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(xml_escape("a\u{1}b\u{b}c\nd"), "abc\nd");
    }
}
