//! Markdown bodies (post-mortems, runbooks) to HTML that is safe to put on a page: pulldown-cmark
//! with tables, footnotes, task lists and strikethrough, heading ids for anchors. A body with raw HTML
//! (or anything else the fast path below does not know) then goes through ammonia so that no script,
//! event handler, `javascript:` URL or style attribute survives. A body without raw HTML skips it:
//! pulldown-cmark's own writer then writes only its own tags and escapes all text, so it is enough to
//! leave out beforehand what ammonia would drop (see [`fast_path_events`]). A property test holds the
//! fast path to ammonia's output on generated bodies (it saves a fifth of a build's CPU time).

use super::context::site_href;
use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The only URL schemes a link or an image may have; relative URLs always pass.
const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

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
    let events = events(text, shift, base_path, root);
    if fast_path_applies(&events) {
        write_fast(events)
    } else {
        write_sanitized(events)
    }
}

/// A status update's text as sanitized HTML, as a post-mortem is (emphasis, links, code, lists;
/// the raw HTML older Statuspage updates hold goes through ammonia): headings kept below the
/// page's own. Feeds and the API keep the text as written.
pub fn render_update(text: &str, base_path: &str, root: &str) -> String {
    render(text, 3, base_path, root)
}

/// pulldown-cmark's events for `text`, with heading ids, shifted headings and site links (see `render`).
fn events<'a>(text: &'a str, shift: u8, base_path: &str, root: &str) -> Vec<Event<'a>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(text, options).collect();
    with_heading_ids(events, shift, &|url: &str| site_href(url, base_path, root))
}

/// The general path: pulldown-cmark's HTML, then ammonia.
fn write_sanitized(events: Vec<Event>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitizer().clean(&html).to_string()
}

/// The fast path: pulldown-cmark's HTML of [`fast_path_events`], with no sanitizer after it.
fn write_fast(events: Vec<Event>) -> String {
    // Known from the events, so that a body without footnotes is not searched for them.
    let footnotes = events.iter().any(|e| matches!(e, Event::FootnoteReference(_)));
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, fast_path_events(events));
    if footnotes {
        with_footnote_rel(html)
    } else {
        html
    }
}

/// Adds to the links of footnote references the `rel` the sanitizer adds to every link. pulldown-cmark writes
/// these itself (it numbers them as it goes) as `<sup class="footnote-reference"><a href="#label">1</a></sup>`;
/// text is escaped, so only it writes that start, and the label is escaped, so the first `">` ends the `href`.
fn with_footnote_rel(html: String) -> String {
    const START: &str = r##"<sup class="footnote-reference"><a href="#"##;
    if !html.contains(START) {
        return html;
    }
    let mut parts = html.split(START);
    let mut out = String::with_capacity(html.len() + 256);
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        out.push_str(START);
        match part.split_once("\">") {
            Some((label, rest)) => {
                out.push_str(label);
                out.push_str(r#"" rel="noopener noreferrer">"#);
                out.push_str(rest);
            }
            None => out.push_str(part),
        }
    }
    out
}

/// Whether the fast path may write these events: only events named here (no raw HTML, so every text and
/// attribute value is escaped by pulldown-cmark's writer), images whose URL the sanitizer keeps, and ids the
/// sanitizer keeps. Anything else, including event kinds added to pulldown-cmark later, takes the sanitizer.
fn fast_path_applies(events: &[Event]) -> bool {
    events.iter().all(|event| match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak | Event::Rule => true,
        Event::FootnoteReference(name) => url_kept(&format!("#{name}")),
        Event::Start(tag) => match tag {
            Tag::Paragraph
            | Tag::BlockQuote(None)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell => true,
            Tag::Heading { id, .. } => id.as_deref().is_some_and(id_kept),
            Tag::Image { dest_url, .. } => url_kept(&as_read(&href(LinkType::Inline, dest_url))),
            Tag::FootnoteDefinition(name) => id_kept(name),
            _ => false,
        },
        // Each end closes a start allowed above.
        Event::End(_) => true,
        _ => false,
    })
}

/// The events with what ammonia would drop left out: classes and attributes on headings, table alignment
/// (written as a style), a code class the sanitizer would not keep, and a link's URL when its scheme is not
/// allowed. Links are written here, to add the `rel` that the sanitizer adds. Events in an image's alt text
/// are left alone: pulldown-cmark writes only their text.
fn fast_path_events(events: Vec<Event<'_>>) -> impl Iterator<Item = Event<'_>> {
    let mut in_image = 0usize;
    events.into_iter().map(move |event| match event {
        Event::Start(Tag::Heading { level, id, .. }) => {
            Event::Start(Tag::Heading { level, id, classes: Vec::new(), attrs: Vec::new() })
        }
        Event::Start(Tag::Table(alignments)) => Event::Start(Tag::Table(vec![Alignment::None; alignments.len()])),
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if !code_class_kept(&info) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(""))))
        }
        Event::Start(Tag::Link { link_type, dest_url, title, .. }) if in_image == 0 => {
            Event::InlineHtml(CowStr::from(link_start(link_type, &dest_url, &title)))
        }
        event @ Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            event
        }
        event @ Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            event
        }
        event => event,
    })
}

/// A link's start tag as pulldown-cmark writes it, with the `href` only when the sanitizer would keep it,
/// and with the `rel` the sanitizer adds.
fn link_start(link_type: LinkType, dest_url: &str, title: &str) -> String {
    let href = href(link_type, dest_url);
    let mut tag = String::from("<a");
    if url_kept(&as_read(&href)) {
        tag.push_str(" href=\"");
        tag.push_str(&href);
        tag.push('"');
    }
    if !title.is_empty() {
        tag.push_str(" title=\"");
        // Writing to a String cannot fail.
        let _ = escape_html(&mut tag, title);
        tag.push('"');
    }
    tag.push_str(r#" rel="noopener noreferrer">"#);
    tag
}

/// A link's or image's URL as pulldown-cmark writes it into `href` or `src`.
fn href(link_type: LinkType, dest_url: &str) -> String {
    let mut href = String::from(if link_type == LinkType::Email { "mailto:" } else { "" });
    // Writing to a String cannot fail.
    let _ = escape_href(&mut href, dest_url);
    href
}

/// The value a browser (and ammonia) reads from an attribute written by `escape_href`: percent-encoded, and
/// with `&` and `'` as the only entities it writes.
fn as_read(href: &str) -> Cow<'_, str> {
    if href.contains('&') {
        Cow::Owned(href.replace("&#x27;", "'").replace("&amp;", "&"))
    } else {
        Cow::Borrowed(href)
    }
}

/// The sanitizer's rule for `href` and `src`: an absolute URL needs an allowed scheme, a relative one passes,
/// one that does not parse is dropped.
fn url_kept(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(url) => URL_SCHEMES.contains(&url.scheme()),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// Whether the sanitizer keeps `id` as an id.
fn id_kept(id: &str) -> bool {
    filter_attribute("div", "id", id).is_some()
}

/// Whether the sanitizer keeps the class pulldown-cmark writes for a fenced code block with this info string.
fn code_class_kept(info: &str) -> bool {
    let lang = info.split(' ').next().unwrap_or_default();
    lang.is_empty() || filter_attribute("code", "class", &format!("language-{lang}")).is_some()
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
            .url_schemes(URL_SCHEMES.into_iter().collect())
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
/// and plain ids. Table alignment (pulldown-cmark writes it as `style="text-align: …"`) is dropped.
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

    /// Whether `render` takes the fast path for `text` (no sanitizer).
    fn takes_fast_path(text: &str) -> bool {
        fast_path_applies(&events(text, 0, "/", "./"))
    }

    #[test]
    fn headings_get_unique_ids_and_move_down() {
        let text = "# Title\n\n## Summary\n\n## Root Cause\n\n## Root cause\n\n## Odd {#Own_id .big onclick=x()}\n";
        let html = render(text, 1, "/", "../../");
        assert!(html.contains(r#"<h2 id="title">Title</h2>"#), "{html}");
        assert!(html.contains(r#"<h3 id="summary-1">Summary</h3>"#), "{html}");
        assert!(html.contains(r#"<h3 id="root-cause">"#), "{html}");
        assert!(html.contains(r#"<h3 id="root-cause-1">"#), "{html}");
        assert!(html.contains(r#"<h3 id="own-id">Odd</h3>"#), "only the id survives: {html}");
        assert!(takes_fast_path(text));
    }

    #[test]
    fn gfm_features() {
        let text = "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~gone~~ x[^1]\n\n[^1]: note\n";
        let html = render(text, 0, "/", "../../");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>2</td>"), "{html}");
        assert!(html.contains("☑ done") && html.contains("☐ todo"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(html.contains(r#"class="footnote-definition""#), "{html}");
        assert!(!html.contains("style"), "{html}");
        assert!(html.contains(r##"<a href="#1" rel="noopener noreferrer">1</a>"##), "{html}");
        assert!(takes_fast_path(text));
    }

    #[test]
    fn code_keeps_its_language_class() {
        let text = "```rust\nfn main() {}\n```\n";
        let html = render(text, 0, "/", "./");
        assert!(html.contains(r#"<code class="language-rust">"#), "{html}");
        assert!(takes_fast_path(text));
        let odd = render("```\"><b>x\ny\n```\n", 0, "/", "./");
        assert!(odd.contains("<pre><code>y"), "{odd}");
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
        assert!(!takes_fast_path(evil), "raw HTML takes the sanitizer");
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
        assert!(html.contains(r#"<a href="../../incidents/X/" rel="noopener noreferrer">"#), "{html}");
        assert!(takes_fast_path(text));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Root Cause"), "root-cause");
        assert_eq!(slug("  What went well? "), "what-went-well");
        assert_eq!(slug("Über straße"), "über-straße");
        assert_eq!(slug("!!!"), "section");
    }

    /// Checks one body both ways (site at `/` and at `/status/`). When the fast path applies, ammonia run over its
    /// output gives exactly the old path's output (so it lost nothing and added nothing that ammonia would keep) and
    /// its markup is safe on its own; `render` is the fast output. When it declines, `render` is the old path.
    /// Returns whether the fast path applied.
    fn differential(text: &str) -> bool {
        let mut applied = false;
        for (base_path, root) in [("/", "../../"), ("/status/", "./")] {
            let events = events(text, 1, base_path, root);
            let slow = write_sanitized(events.clone());
            applied = fast_path_applies(&events);
            let rendered = render(text, 1, base_path, root);
            if applied {
                let fast = write_fast(events);
                assert_eq!(
                    sanitizer().clean(&fast).to_string(),
                    slow,
                    "ammonia changes the fast output of {text:?}: {fast}"
                );
                assert_markup_safe(&fast, text);
                assert_eq!(rendered, fast, "{text:?}");
            } else {
                assert_eq!(rendered, slow, "{text:?}");
            }
        }
        applied
    }

    /// The fast output's markup on its own: no script, only the attributes pulldown-cmark writes that the
    /// sanitizer keeps (so no `on…` handler and no style), no URL with a scheme but http, https and mailto (so no
    /// `javascript:`, `vbscript:` or `data:`), and `rel` on every link. Text may show `javascript:` (an autolink
    /// to it shows its URL as text), so this looks at the tags only: all text is escaped, and so are `<` and `>`
    /// in attribute values, so each `<` starts a tag that ends at the next `>`.
    fn assert_markup_safe(html: &str, text: &str) {
        assert!(!html.to_lowercase().contains("<script"), "{text:?}: {html}");
        for tag in html.split('<').skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or_else(|| panic!("unclosed tag in {html}"))];
            let (name, mut rest) = tag.split_once(' ').unwrap_or((tag, ""));
            let mut attrs = Vec::new();
            while let Some((attr, after)) = rest.trim_start().split_once("=\"") {
                let (value, after) = after.split_once('"').unwrap_or_else(|| panic!("unquoted value in <{tag}>"));
                attrs.push((attr, value));
                rest = after;
            }
            assert!(matches!(rest.trim(), "" | "/"), "{text:?}: <{tag}> has more than name=\"value\" pairs");
            for &(attr, value) in &attrs {
                assert!(
                    matches!(attr, "href" | "src" | "alt" | "title" | "id" | "class" | "rel" | "start"),
                    "{text:?}: {attr} in <{tag}>"
                );
                // Only the entities pulldown-cmark's escaping writes, so none spells out a scheme.
                let entities = ["&amp;", "&quot;", "&lt;", "&gt;", "&#39;", "&#x27;"];
                let plain = entities.iter().fold(value.to_string(), |v, e| v.replace(e, ""));
                assert!(!plain.contains('&'), "{text:?}: odd entity in <{tag}>");
                if matches!(attr, "href" | "src") {
                    // The scheme as a browser reads it (WHATWG URL: trim C0 controls and spaces, drop tabs and
                    // newlines, then letters, digits, `+-.` up to a `:`). Not a plain search for `javascript:`:
                    // `%20javascript:x` is a relative path and `?next=javascript:x` a query, harmless, and ammonia
                    // keeps both too.
                    let url =
                        value.replace("&amp;", "&").trim_matches(|c: char| c <= ' ').replace(['\t', '\n', '\r'], "");
                    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).filter(|s| {
                        s.starts_with(|c: char| c.is_ascii_alphabetic())
                            && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    });
                    assert!(
                        matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto")),
                        "{text:?}: scheme {scheme:?} in <{tag}>"
                    );
                }
                if attr == "class" {
                    assert!(
                        value.starts_with("language-") || value.starts_with("footnote-"),
                        "{text:?}: class in <{tag}>"
                    );
                }
            }
            if name == "a" {
                assert!(attrs.contains(&("rel", "noopener noreferrer")), "{text:?}: <{tag}> has no rel");
            }
        }
    }

    /// Bodies without raw HTML that try to get something past the fast path, and whether it applies (`false`:
    /// the sanitizer writes the body, as before).
    const TRICKY: &[(&str, bool)] = &[
        ("[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](  javascript:alert(3) )", true),
        ("[v](vbscript:msgbox(1)) [d](data:text/html;base64,PHNjcmlwdD4=) [f](file:///etc/passwd)", true),
        ("[e](java&#115;cript:alert(1)) [f](&#106;avascript:x) [g](javascript&colon;x) [h](&#x6A;avascript:x)", true),
        ("<javascript:alert(1)> <JAVASCRIPT:alert(2)> <data:text/html,x> <vbscript:x>", true),
        ("[x](<java script:x>) [y](<javascript:x> \"t\") [z](<  javascript:x>)", true),
        ("[t](java&#9;script:alert(1)) [n](java&#10;script:x) [r](java&#13;script:x) [s](&#32;javascript:x)", true),
        ("[a](&#0;javascript:x) [b](&#1;javascript:x) [c](javascript&#0;:x) [d](&#x0C;javascript:x)", true),
        ("[r][1] [s][2] [t][u]\n\n[1]: javascript:alert(1)\n[2]: <data:x> 'title'\n[u]: https://ok.example/ \"fine\"", true),
        ("<https://example.com/a?b=1&c='d'&e=\"f\"> <mailto:a@b.example> <a@b.example> <HTTP://X.EXAMPLE>", true),
        ("[x](https://e.example \"a \\\"q\\\" ' <b> onclick=x &amp;\") [y](https://e.example/?a=1&b=2#f'g)", true),
        ("[//](//cdn.example/x) [u](https://user:pw@x.example/) [i](http://[::1]/) [bad](http://exa%20mple/)", true),
        ("[ftp](ftp://x.example/) [tel](tel:123) [sms](sms:1) [m](mailto:) [rel](?q=1) [f](#frag) [e]() [s](/)", true),
        ("[p](http://a b) [q](https://x.example/<) [w](https://xn--e-ufa.example/é?ü=ß)", true),
        ("![i](javascript:alert(1))", false),
        ("![i](data:image/svg+xml;base64,AAAA)", false),
        ("![i](JaVaScRiPt:x \"t\")", false),
        ("![ok](/static/i.png \"a \\\"title\\\"\") ![alt *em* `code` [l](javascript:x)](https://x.example/i.png)", true),
        ("[![i](/i.png)](https://x.example/) ![a ![b](/b.png) c](/c.png) ![x[^n]](/x.png)\n\n[^n]: n", true),
        ("# H {#my-id .cls onclick=alert(1) style=color:red}\n\n## H2 {.a .b data-x=\"y\"}\n\n### {#}\n", true),
        ("# Onclick {onclick=\"alert(1)\" onmouseover=x}\n\n## x {#a\"b}\n", true),
        ("## x {#\"><script>alert(1)</script>}\n", false),
        ("# Summary\n\n# Summary\n\n# main\n\n# `code` *em* [link](javascript:x)\n", true),
        ("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | **2** | [3](javascript:x) | `4` |\n| x |\n", true),
        ("```rust,ignore\nfn main() {}\n```\n\n```\"><script>alert(1)</script>\nx\n```\n", true),
        ("```a b\nx\n```\n\n```c++\ny\n```\n\n~~~{.python}\nz\n~~~\n\n```language-x\nw\n```\n\n```\tpy\nv\n```\n", true),
        ("~~~ js`x\nq\n~~~\n\n```日本\nr\n```\n\n```a&b\ns\n```\n\n    indented <script>\n", true),
        ("x[^1] y[^a.b_c-d] z[^Ünï]\n\n[^1]: one\n[^a.b_c-d]: two\n[^Ünï]: three\n", true),
        ("x[^a b]\n\n[^a b]: spaced label\n", false),
        ("x[^\"><script>]\n\n[^\"><script>]: quoted label\n", false),
        ("x[^x&y]\n\n[^x&y]: ampersand\n", false),
        ("[see[^1]](https://x.example/) and [^1] again[^2]\n\n[^2]: two\n[^1]: one *em*\n", true),
        ("***a** b* *a **b** c* ~~a *b*~~ **`c`** _a_b_ *a*b* ***", true),
        ("a  \nb\\\nc\n\n---\n\n***\n\nd\n___\n", true),
        ("&nbsp; &copy; &#0; &lt;script&gt; &amp;lt; a < b > c x <3 5 > 4 \u{a0} \u{0} \u{1} \u{fffd}", true),
        ("# T\r\n\r\ntext\r\nmore  \r\nbreak\r\n\r\n```\r\ncode\r\n```\r\n\r\n[l](https://x.example \"a\r\nb\")\r\n", true),
        ("> quote\n> - [x] done\n> - [ ] todo\n>\n> > nested\n\n3. three\n4. four\n\n1) one\n\n- a\n\n  b\n", true),
        ("[a](/incidents/X/) [b](/status/x/#y) [c](/static/../../etc) ![d](/status/static/i.png) [e](/)", true),
        ("", true),
        ("   \n\n\t\n", true),
        ("<b>raw</b> html", false),
        ("<!-- comment -->\n\ntext", false),
        ("<img src=x onerror=alert(1)>", false),
        ("a <span style=\"color:red\">b</span>", false),
    ];

    #[test]
    fn fast_path_on_tricky_bodies() {
        let wrong: Vec<_> = TRICKY.iter().filter(|&&(text, fast)| differential(text) != fast).collect();
        assert!(wrong.is_empty(), "the fast path does not apply as expected: {wrong:#?}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(1000))]
        /// Generated bodies, made of the pieces the fast path decides on (headings with ids and
        /// attributes, links and images of every kind of URL, code fences with odd info strings,
        /// tables with alignment, footnotes, task lists, raw HTML, entities): each is rendered both
        /// ways by [`differential`], which holds the fast path to ammonia's output of the general
        /// path wherever it applies, and checks its markup on its own.
        #[test]
        fn the_fast_path_matches_ammonia_on_generated_bodies(parts in proptest::collection::vec(proptest::sample::select(&[
            "# ", "## ", "### ", "Summary", "Root Cause", " {#id}", " {#main}", " {.c onclick=x()}", "\n", "\n\n",
            "text ", "é ü ", "*em*", "**strong**", "~~del~~", "`code`", "[a](", "![i](", ")", "](", "/incidents/X/",
            "/status/x", "https://x.example/", "javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "mailto:a@b.example",
            "//cdn.example/x", "#frag", "other/", " \"title\"", "<https://auto.example>", "<javascript:x>",
            "```", "```rust", "```\"><b>", "~~~", "    indented", "| a | b |\n|---|:-:|\n| 1 | 2 |", "- ", "- [x] ",
            "1. ", "> ", "[^1]", "[^1]: note", "[^a b]", "---", "<b>", "</b>", "<script>", "<!-- c -->", "&amp;",
            "&#x3C;", "&lt;", "\\", "<", ">", "\"", "'", "  \n",
        ][..]), 0..30)) {
            differential(&parts.concat());
        }
    }

    /// A body like those of examples/gen.rs: sections, a table, code blocks, lists with bold.
    const GENERATED: &str = "## Summary\n\nCheckout errors. A deploy went wrong. The response team restored service \
        after the change was reverted and the affected queues drained.\n\n## Impact\n\n| Measure | Value |\n|---|---|\n\
        | Failed requests | 12% at worst |\n| Customers affected | about 4300 |\n\nCheckout was the most affected \
        service.\n\n## Root Cause\n\nA recent change.\n\n```yaml\n# before\ncheckout:\n  pool_size: 20\n  timeout: 30s\n\
        ```\n\n## What went well\n\n- Paging worked. We rolled back.\n- Dashboards helped.\n\n```sh\nkubectl -n checkout \
        rollout undo deployment/checkout\n```\n\n## Action Items\n\n- **open:** Add a canary\n- **done:** Alert on \
        pool saturation\n";

    #[test]
    fn fast_path_on_the_demo_content_and_a_generated_body() {
        assert!(differential(GENERATED), "a generated body takes the fast path");
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let (mut files, mut fast) = (0, 0);
        for entry in walkdir::WalkDir::new(&content) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).into_path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let body = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).map_or(&*text, |(_, b)| b);
                files += 1;
                fast += usize::from(differential(body));
                // The whole file too: its front matter is more Markdown to try.
                differential(&text);
            }
        }
        assert!(files >= 20, "{files} files under {}", content.display());
        assert!(fast * 10 >= files * 9, "only {fast} of {files} bodies take the fast path");
    }
}
