//! Markdown bodies (post-mortems, runbooks) to HTML that is safe to put on a page: pulldown-cmark
//! with tables, footnotes, task lists and strikethrough, heading ids for anchors, then ammonia so
//! that no script, event handler, `javascript:` URL or style attribute survives.

use super::context::site_href;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Ids the page templates use themselves; a heading in a body never takes one of them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "summary",
    "details",
    "figures",
    "impact",
    "roles",
    "timeline",
    "postmortem",
    "actions",
    "related",
    "history",
    "updates",
    "services",
    "maintenance",
    "incidents",
];

/// Renders `text` to sanitized HTML. Headings move down by `shift` levels and never above `<h2>`,
/// so the page keeps its single `<h1>`. Links and images written from the site's root
/// (`/incidents/INC-1/`, or with the published path: `/status/incidents/INC-1/` when `base_path`
/// is `/status/`) become relative to the page, whose way to the site's root is `root` (`../../`).
pub fn render(text: &str, shift: u8, base_path: &str, root: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(text, options).collect();
    let events = with_heading_ids(events, shift, &|url: &str| site_href(url, base_path, root));
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitizer().clean(&html).to_string()
}

/// Lower-case words joined by `-`: the anchor for a heading.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Gives every heading an id (its slug, made unique), shifts heading levels, and turns task-list
/// markers into plain ballot-box characters (no form inputs on the page).
fn with_heading_ids<'a>(
    mut events: Vec<Event<'a>>,
    shift: u8,
    href: &dyn Fn(&str) -> Option<String>,
) -> Vec<Event<'a>> {
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    for i in 0..events.len() {
        let replacement = match &events[i] {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let text: String = events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let wanted = id.as_ref().map(|s| slug(s)).unwrap_or_else(|| slug(&text));
                let mut unique = wanted.clone();
                let mut n = 1;
                while !used.insert(unique.clone()) {
                    unique = format!("{wanted}-{n}");
                    n += 1;
                }
                Event::Start(Tag::Heading {
                    level: shifted(*level, shift),
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                })
            }
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(*level, shift))),
            Event::TaskListMarker(done) => Event::Text(CowStr::from(if *done { "☑ " } else { "☐ " })),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => match href(dest_url) {
                Some(url) => Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: CowStr::from(url),
                    title: title.clone(),
                    id: id.clone(),
                }),
                None => continue,
            },
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => match href(dest_url) {
                Some(url) => Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: CowStr::from(url),
                    title: title.clone(),
                    id: id.clone(),
                }),
                None => continue,
            },
            _ => continue,
        };
        events[i] = replacement;
    }
    events
}

fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as u8 + shift).clamp(2, 6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

/// The one sanitizer, built once: ammonia's defaults (no script, no event handlers, no style, only
/// safe URL schemes) plus ids on headings and footnotes and the classes pulldown-cmark emits.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.rm_tags(["center", "map", "area", "strike", "tt", "acronym"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("sup", ["class"])
            .add_tag_attributes("div", ["class", "id"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .strip_comments(true)
            .link_rel(Some("noopener noreferrer"));
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b.attribute_filter(filter_attribute);
        b
    })
}

/// Keeps only the attribute values the theme expects: language classes on code, footnote classes,
/// plain ids, and table alignment (pulldown-cmark writes it as `style="text-align: …"`, which
/// becomes a class so that the page needs no inline style).
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("code", "class") => {
            let ok = value.split_whitespace().all(|c| {
                c.strip_prefix("language-").is_some_and(|l| {
                    !l.is_empty() && l.chars().all(|ch| ch.is_ascii_alphanumeric() || "+-_#.".contains(ch))
                })
            });
            ok.then_some(Cow::Borrowed(value))
        }
        ("sup" | "div", "class") => {
            matches!(value, "footnote-reference" | "footnote-definition" | "footnote-definition-label")
                .then_some(Cow::Borrowed(value))
        }
        (_, "id") => (!value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)))
            .then_some(Cow::Borrowed(value)),
        // Alignment is dropped rather than kept as an inline style (the CSP forbids them).
        (_, "style") => None,
        _ => Some(Cow::Borrowed(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids_and_move_down() {
        let html = render("# Title\n\n## Summary\n\n## Root Cause\n\n## Root cause\n", 1, "/", "../../");
        assert!(html.contains(r#"<h2 id="title">Title</h2>"#), "{html}");
        assert!(html.contains(r#"<h3 id="summary-1">Summary</h3>"#), "{html}");
        assert!(html.contains(r#"<h3 id="root-cause">"#), "{html}");
        assert!(html.contains(r#"<h3 id="root-cause-1">"#), "{html}");
    }

    #[test]
    fn gfm_features() {
        let html = render(
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~gone~~ x[^1]\n\n[^1]: note\n",
            0,
            "/",
            "../../",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>2</td>"), "{html}");
        assert!(html.contains("☑ done") && html.contains("☐ todo"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(html.contains(r#"class="footnote-definition""#), "{html}");
        assert!(!html.contains("style"), "{html}");
    }

    #[test]
    fn code_keeps_its_language_class() {
        let html = render("```rust\nfn main() {}\n```\n", 0, "/", "./");
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let evil = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3)) \
                    <a href=\"JaVaScRiPt:alert(4)\">y</a> <p style=\"color:red\" onclick=\"z()\">p</p>\n\n\
                    <iframe src=\"https://evil.example\"></iframe><svg onload=alert(5)></svg>\n\n\
                    <h2 id=\"x\" onmouseover=\"a()\">h</h2>";
        let html = render(evil, 0, "/", "./").to_lowercase();
        for bad in ["<script", "onerror", "javascript:", "onclick", "style=", "<iframe", "onload", "onmouseover"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }

    #[test]
    fn site_links_become_relative_to_the_page() {
        let text = "[a](/incidents/X/) [b](https://x.example/) [c](//cdn.example/x) [d](other/) ![i](/static/i.png) \
                    [e](/status/runbooks/r/#steps) [f](#impact)";
        let html = render(text, 0, "/status/", "../../");
        assert!(html.contains(r#"href="../../incidents/X/""#), "{html}");
        assert!(html.contains(r#"href="https://x.example/""#), "{html}");
        assert!(html.contains(r#"href="//cdn.example/x""#), "{html}");
        assert!(html.contains(r#"href="other/""#), "{html}");
        assert!(html.contains(r#"src="../../static/i.png""#), "{html}");
        assert!(html.contains(r#"href="../../runbooks/r/#steps""#), "{html}");
        assert!(html.contains(r##"href="#impact""##), "{html}");
        assert!(render(text, 0, "/", "./").contains(r#"href="./incidents/X/""#));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Root Cause"), "root-cause");
        assert_eq!(slug("  What went well? "), "what-went-well");
        assert_eq!(slug("Über straße"), "über-straße");
        assert_eq!(slug("!!!"), "section");
    }
}
