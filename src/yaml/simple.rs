//! A fast reader for the plain block YAML that records are written in (`key: value` lines, `- `
//! lists, one-line quoted strings and `[a, b]` lists). It builds the very tree saphyr-parser's
//! events give, lines and columns included, and gives up (`None`) on anything else — comments,
//! anchors, tags, flow mappings, block scalars, multi-line or escaped strings, tabs, odd
//! indentation, any error — so that [`super::parse`] falls back to the full parser and its messages.

use super::{Node, Value, MAX_DEPTH, MAX_NODES};
use std::borrow::Cow;

/// One non-blank line: its 1-based number, the column (0-based, in characters) where `text`
/// starts, and the text without its indentation and trailing spaces.
#[derive(Clone, Copy)]
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    next: usize,
    nodes: usize,
}

/// The tree of `text`, or `None` when `text` is not in the subset (or is empty).
pub fn parse<'a>(text: &'a str) -> Option<Node<'a>> {
    let mut lines = Vec::with_capacity(text.len() / 24);
    let mut push = |no: usize, raw: &'a str| {
        let body = raw.trim_start_matches(' ');
        let indent = raw.len() - body.len();
        let body = body.trim_end_matches(' ');
        if !body.is_empty() {
            lines.push(Line { no, indent, text: body });
        }
    };
    // One pass over the bytes finds the lines and refuses control characters (other than the
    // line breaks); `split('\n')` searched each short line with `memchr`'s setup.
    let (mut start, mut no) = (0, 1);
    for (at, &b) in text.as_bytes().iter().enumerate() {
        if b < b' ' || b == 0x7f {
            if b != b'\n' {
                return None;
            }
            push(no, &text[start..at]);
            (start, no) = (at + 1, no + 1);
        }
    }
    push(no, &text[start..]);
    let first = *lines.first()?;
    let mut reader = Reader { lines, next: 0, nodes: 0 };
    let root = reader.block(first.indent, 0)?;
    (reader.next == reader.lines.len() && reader.nodes <= MAX_NODES).then_some(root)
}

/// The length of a key at the start of `text` when `text` is `key:` or `key: …`: letters, digits,
/// `_`, `-` and `.`, starting with a letter, digit or `_`.
fn key_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let len = bytes.iter().position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))?;
    (bytes[len] == b':' && matches!(bytes.get(len + 1), None | Some(b' '))).then_some(len)
}

/// A character that stops a plain scalar from being read here: a comment, or a character the full
/// parser treats specially or refuses.
fn unsafe_char(c: char) -> bool {
    matches!(c, '#' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// Whether `text` holds an [`unsafe_char`]; ASCII text is checked a byte at a time (nearly every
/// value: decoding chars and `contains(": ")`'s substring search were most of this reader's time).
fn has_unsafe_char(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().any(|b| b == b'#' || b == 0x7f)
    } else {
        text.chars().any(unsafe_char)
    }
}

/// Whether `text` holds `": "`, which would make it a mapping.
fn has_colon_space(text: &str) -> bool {
    text.as_bytes().windows(2).any(|pair| pair == b": ")
}

/// The column (0-based, in characters) of byte `at` of a line's `text`.
fn col(line: &Line, at: usize) -> usize {
    let before = &line.text[..at];
    line.indent + if before.is_ascii() { at } else { before.chars().count() }
}

impl<'a> Reader<'a> {
    fn node(&mut self, line: &Line, at: usize, value: Value<'a>) -> Node<'a> {
        self.nodes += 1;
        Node { line: line.no, col: col(line, at) + 1, value }
    }

    /// The block node (a mapping or a list) whose first line is the next line, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node<'a>> {
        if depth >= MAX_DEPTH / 2 {
            return None;
        }
        let line = *self.lines.get(self.next)?;
        if line.indent != indent {
            return None;
        }
        if line.text.starts_with("- ") {
            self.seq(line, depth, false)
        } else {
            self.map(line, depth)
        }
    }

    /// A block list whose first `- ` is at the start of `first`. saphyr places a list at its first
    /// `-`, but one at its key's indentation (`key:` then `- item`) at its first item.
    fn seq(&mut self, first: Line<'a>, depth: usize, indentless: bool) -> Option<Node<'a>> {
        let mut items = Vec::new();
        while let Some(&line) = self.lines.get(self.next) {
            if line.indent < first.indent {
                break;
            }
            if line.indent > first.indent {
                return None;
            }
            let Some(rest) = line.text.strip_prefix("- ") else { break };
            let skip = 2 + rest.len() - rest.trim_start_matches(' ').len();
            let item = Line { no: line.no, indent: col(&line, skip), text: &line.text[skip..] };
            if item.text.starts_with('-') {
                return None;
            }
            if key_len(item.text).is_some() {
                self.lines[self.next] = item;
                items.push(self.map(item, depth + 1)?);
            } else {
                self.next += 1;
                items.push(self.inline(&item, 0, first.indent, depth + 1)?);
            }
        }
        let (line, col) = match items.first() {
            Some(item) if indentless => (item.line, item.col),
            _ => (first.no, first.indent + 1),
        };
        self.nodes += 1;
        Some(Node { line, col, value: Value::Seq(items) })
    }

    /// A block mapping whose first key starts `first`.
    fn map(&mut self, first: Line<'a>, depth: usize) -> Option<Node<'a>> {
        let mut entries = Vec::new();
        while let Some(&line) = self.lines.get(self.next) {
            if line.indent < first.indent {
                break;
            }
            if line.indent > first.indent {
                return None;
            }
            let len = key_len(line.text)?;
            self.next += 1;
            let key = self.node(&line, 0, Value::Scalar { text: Cow::Borrowed(&line.text[..len]), plain: true });
            let rest = &line.text[len + 1..];
            let value = if rest.is_empty() {
                // The value is the block below: indented further, or a list at the key's indent.
                let below = *self.lines.get(self.next)?;
                let list_here = below.indent == line.indent && below.text.starts_with("- ");
                if list_here {
                    self.seq(below, depth + 1, true)?
                } else if below.indent > line.indent {
                    self.block(below.indent, depth + 1)?
                } else {
                    return None;
                }
            } else {
                let at = len + 1 + rest.len() - rest.trim_start_matches(' ').len();
                self.inline(&line, at, line.indent, depth + 1)?
            };
            entries.push((key, value));
        }
        Some(self.node(&first, 0, Value::Map(entries)))
    }

    /// The value written on `line` from byte `at` to its end: a plain or double-quoted scalar or a
    /// flow list of plain scalars. Nothing may follow it more indented than `parent`.
    fn inline(&mut self, line: &Line<'a>, at: usize, parent: usize, depth: usize) -> Option<Node<'a>> {
        if self.lines.get(self.next).is_some_and(|next| next.indent > parent) || depth >= MAX_DEPTH / 2 {
            return None;
        }
        let text = &line.text[at..];
        let value = match text.as_bytes()[0] {
            b'"' => {
                let inner = text[1..].strip_suffix('"')?;
                if inner.contains(['"', '\\']) || has_unsafe_char(inner) {
                    return None;
                }
                Value::Scalar { text: Cow::Borrowed(inner), plain: false }
            }
            b'[' => {
                let inner = text[1..].strip_suffix(']')?;
                let mut items = Vec::new();
                if !inner.trim_start_matches(' ').is_empty() {
                    let mut offset = at + 1;
                    for item in inner.split(',') {
                        let lead = item.len() - item.trim_start_matches(' ').len();
                        let word = item.trim_matches(' ');
                        if !flow_word(word) {
                            return None;
                        }
                        let node =
                            self.node(line, offset + lead, Value::Scalar { text: Cow::Borrowed(word), plain: true });
                        items.push(node);
                        offset += item.len() + 1;
                    }
                }
                Value::Seq(items)
            }
            first => {
                let indicator = b"-?:,[]{}#&*!|>'\"%@`".contains(&first);
                if indicator || text.ends_with(':') || has_colon_space(text) || has_unsafe_char(text) {
                    return None;
                }
                Value::Scalar { text: Cow::Borrowed(text), plain: true }
            }
        };
        Some(self.node(line, at, value))
    }
}

/// A plain scalar that reads the same inside `[…]` as on its own: letters, digits, spaces and
/// `_-./+`, starting with a letter, digit or `_`.
fn flow_word(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '/' | '+'))
}
