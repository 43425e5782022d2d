//! The headings of a post-mortem body, for `missing-section`: read off the lines when the body is
//! plain enough for that to be exact, parsed with pulldown-cmark otherwise.
//!
//! Parsing a body of a few KB is ~80,000 instructions, nearly all of it pulldown-cmark's block
//! pass: 3 % of a whole build. Most bodies are headings, paragraphs, lists, tables and fenced
//! code at the left margin, whose headings a line scan finds exactly; [`plain`] gives up on
//! anything where a heading could hide or be faked (HTML, containers holding `#` or a fence,
//! setext underlines, link definitions, tabs, inline markup in a heading), and the parser decides.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// The text of every heading in a Markdown body (ATX or setext, any level), normalized for
/// comparison. Lines that only look like headings (inside code blocks, …) do not count.
pub fn headings(markdown: &str) -> HashSet<String> {
    plain(markdown).unwrap_or_else(|| parsed(markdown))
}

/// Case and spacing do not matter in a section name.
pub fn normalize(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    for word in heading.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        out.to_lowercase()
    }
}

/// [`headings`] by pulldown-cmark, for any body.
fn parsed(markdown: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_HEADING_ATTRIBUTES) {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(text) = current.take() {
                    found.insert(normalize(&text));
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(current) = current.as_mut() {
                    current.push_str(&text);
                }
            }
            _ => {}
        }
    }
    found
}

/// [`headings`] by reading lines, or `None` when the body holds anything a line scan could read
/// differently from CommonMark.
///
/// Why a scan is exact for the rest: a line that starts at the left margin with `#` or a fence
/// cannot continue a list item or a block quote (only paragraph text continues lazily), so it
/// closes them. Such a line is therefore a heading or a fence unless it is inside a fenced block
/// opened at the margin, which the scan tracks, or inside an HTML block, which makes it give up.
/// Where a fence that is indented or inside a container ends depends on the containers, which
/// the scan does not track: after one, a heading or fence at the margin makes it give up too. So
/// does any `#` that is not at the margin, since it may be a heading inside a container.
fn plain(markdown: &str) -> Option<HashSet<String>> {
    if markdown.starts_with('\u{feff}') || markdown.bytes().any(|b| b == b'\r') || markdown.contains("]:") {
        return None;
    }
    let mut found = HashSet::new();
    // The fence opened at the margin that the line is in (char, length), and whether a fence
    // was opened anywhere else before.
    let mut fence: Option<(u8, usize)> = None;
    let mut inner_fence = false;
    for line in markdown.split('\n') {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        if let Some(open) = fence {
            if closes(line, indent, open) {
                fence = None;
            }
            continue;
        }
        if inner_fence && line.starts_with(['#', '`', '~']) {
            return None;
        }
        let content = without_containers(line);
        let bare = line.trim_matches([' ', '\t']);
        let underline = |s: &str| !s.is_empty() && (s.bytes().all(|b| b == b'=') || s.bytes().all(|b| b == b'-'));
        if content.starts_with(['<', '\t']) || underline(bare) || underline(content.trim_end_matches([' ', '\t'])) {
            return None;
        }
        if let Some(open) = opens_fence(content) {
            if content.len() == line.len() {
                fence = Some(open?);
            } else {
                inner_fence = true;
            }
            continue;
        }
        if content.len() != line.len() {
            // Indented or inside a container: a heading here is the parser's to judge.
            if content.starts_with('#') {
                return None;
            }
            continue;
        }
        let level = run(line, b'#');
        let text = &line[level..];
        if (1..=6).contains(&level) && (text.is_empty() || text.starts_with([' ', '\t'])) {
            let text = without_closing_sequence(text)?;
            if !text.bytes().all(|b| b.is_ascii_alphanumeric() || b" \t,.;:'\"?()/-+%=@".contains(&b)) {
                return None;
            }
            found.insert(normalize(text));
        }
    }
    Some(found)
}

/// Whether `line` (with `indent` leading spaces) closes a fence opened with `open`.
fn closes(line: &str, indent: usize, (ch, len): (u8, usize)) -> bool {
    let rest = &line[indent..];
    let n = run(rest, ch);
    indent <= 3 && n >= len && rest[n..].trim_matches([' ', '\t']).is_empty()
}

/// `Some` when `content` opens a fenced code block: its char and length, or `None` inside when it
/// only might (a backtick fence whose info string holds a backtick is no fence).
fn opens_fence(content: &str) -> Option<Option<(u8, usize)>> {
    [b'`', b'~'].into_iter().find_map(|ch| {
        let n = run(content, ch);
        (n >= 3).then(|| (ch == b'~' || !content[n..].contains('`')).then_some((ch, n)))
    })
}

/// An ATX heading's text without its closing `#`s, or `None` when a `#` stays in it.
fn without_closing_sequence(text: &str) -> Option<&str> {
    let trimmed = text.trim_end_matches([' ', '\t']);
    let before = trimmed.trim_end_matches('#');
    let text = if before.len() < trimmed.len() && (before.is_empty() || before.ends_with([' ', '\t'])) {
        before
    } else {
        trimmed
    };
    (!text.contains('#')).then_some(text)
}

/// How many times `ch` repeats at the start of `s`.
fn run(s: &str, ch: u8) -> usize {
    s.bytes().take_while(|&b| b == ch).count()
}

/// `line` without its indentation and any block-quote or list-item markers before its content.
fn without_containers(line: &str) -> &str {
    let mut rest = line.trim_start_matches(' ');
    loop {
        let marker = match rest.as_bytes() {
            [b'>', ..] => 1,
            [b'-' | b'*' | b'+', b' ' | b'\t', ..] => 1,
            bytes => {
                let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                match bytes.get(digits) {
                    Some(b'.' | b')')
                        if (1..=9).contains(&digits) && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t')) =>
                    {
                        digits + 1
                    }
                    _ => return rest,
                }
            }
        };
        rest = rest[marker..].trim_start_matches([' ', '\t']);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The scan, whenever it answers, answers what the parser does.
    fn agrees(body: &str) {
        if let Some(scanned) = plain(body) {
            assert_eq!(scanned, parsed(body), "for the body {body:?}");
        }
    }

    #[test]
    fn a_plain_post_mortem_is_scanned() {
        let body = "## Summary\n\nThe API failed.\n\n## Impact\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
                    ```sh\n# not a heading\n```\n\n~~~~\n```\n# still code\n~~~~\n\n### Root Cause\n\n\
                    - a list item\n- another, with #42 in it\n  continued\n\n\
                    ## Action Items ##\n#\n#NoSpace\n####### Seven\n\n1. step\n\n   ```\n   code\n   ```\n";
        let scanned = plain(body).expect("plain enough to scan");
        let mut names: Vec<&str> = scanned.iter().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, ["", "action items", "impact", "root cause", "summary"]);
        agrees(body);
    }

    #[test]
    fn the_parser_decides_where_a_heading_could_hide() {
        for body in [
            "Summary\n=======\n",
            "Summary\n---\n",
            "- ## Summary\n",
            "> ## Summary\n",
            "1. # Summary\n",
            "   # Summary\n",
            "    # Summary\n",
            "<div>\n# Summary\n</div>\n",
            "[x]: /url '\n# Summary\n'\n",
            "\t# Summary\n",
            "# *Summary*\n",
            "# Summary {#s}\n",
            "# Root\\ Cause\n",
            "# Résumé\n",
            "```a`b\n# Summary\n",
            "# Summary\r\n",
            "  ```\n# Summary\n  ```\n",
            "- ```\ntext\n  ```\n# Summary\n",
            "# C#\n",
            "Summary\n-\n",
            "> Summary\n> -\n",
        ] {
            assert_eq!(plain(body), None, "{body:?}");
        }
    }

    #[test]
    fn hostile_bodies_agree_with_the_parser() {
        for body in [
            "```\n# a\n  ```\n# b\n",
            "```\n# a\n    ```\n# b\n",
            "````\n```\n# a\n````\n# b\n",
            "~~~\n# a\n```\n~~~ \n# b\n",
            "- item\n```\n# a\n```\n# b\n",
            "> quote\n# a\n",
            "para\n# a\npara\n",
            "- ```\n# a\n",
            "   ```\n# a\n   ```\n# b\n",
            "```\n# a",
            "#\ta\n",
            "# a #\n## b ##   \n",
            "* * *\n# a\n",
            "- ```\n  # comment\n  ```\n# b\n",
        ] {
            agrees(body);
        }
    }

    proptest! {
        #[test]
        fn random_bodies_agree_with_the_parser(lines in proptest::collection::vec(prop_oneof![
            Just("# Summary"), Just("## Root Cause ##"), Just("### Impact"), Just("#"), Just("#x"),
            Just("```"), Just("```sh"), Just("  ```"), Just("    ```"), Just("~~~"), Just("````"),
            Just("- item"), Just("- ```"), Just("  # in item"), Just("> quote"), Just("> # quoted"),
            Just("1. step"), Just("   code"), Just("    # indented"), Just(""), Just("text #1"),
            Just("| a | b |"), Just("|---|---|"), Just("---"), Just("==="), Just("<div>"),
            Just("[a]: /b"), Just("* * *"), Just("- # Action Items"), Just("\t# tab"),
            Just("## Summary {#s}"), Just("<!-- c -->"), Just("   # three"), Just("> ```"), Just("  ~~~"),
            Just("~~~ `x`"), Just("```a`b"), Just("1) item"), Just("- - -"), Just("# C#"), Just("#\ttab"),
            Just(" ```"), Just("# Action *Items*"), Just("Summary"), Just("-"), Just("> -"), Just("  - ```"),
        ], 0..24)) {
            agrees(&lines.join("\n"));
        }
    }
}
