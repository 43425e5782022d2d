//! Editing a record file by text surgery at the lines the parser knows, never by re-dumping YAML:
//! every byte stays as it was (comments, key order, quoting, blank lines, CRLF) except the lines
//! added or the one value changed. Each edit is verified by parsing the result again.

use super::{parse, split_front_matter, EventKind, Record, Status};
use crate::yaml::{self, Node, Value};
use chrono::{DateTime, Utc};

/// One timeline entry to append, in the order its fields are written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Written in UTC with `Z`, to the second.
    pub at: DateTime<Utc>,
    pub event: EventKind,
    pub status: Option<Status>,
    pub role: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub text: Option<String>,
    pub by: Option<String>,
    pub public: Option<bool>,
}

impl Entry {
    pub fn new(at: DateTime<Utc>, event: EventKind) -> Self {
        Entry { at, event, status: None, role: None, from: None, to: None, text: None, by: None, public: None }
    }

    /// `at` as written: RFC 3339 in UTC, to the second.
    pub fn at_text(&self) -> String {
        self.at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// The fields as (key, YAML scalar), in the order they are written.
    fn fields(&self, flow: bool) -> Vec<(&'static str, String)> {
        let quote = if flow { flow_scalar } else { scalar };
        let mut out = vec![("at", self.at_text()), ("event", self.event.as_str().to_string())];
        if let Some(s) = self.status {
            out.push(("status", s.as_str().to_string()));
        }
        for (key, value) in [("role", &self.role), ("from", &self.from), ("to", &self.to), ("text", &self.text)] {
            if let Some(v) = value {
                out.push((key, quote(v)));
            }
        }
        if let Some(by) = &self.by {
            out.push(("by", quote(by)));
        }
        if let Some(public) = self.public {
            out.push(("public", public.to_string()));
        }
        out
    }
}

/// One change to a record file.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// An entry at the end of `timeline:` (created when missing or empty).
    Append(Entry),
    /// A top-level scalar (`status`, `severity`) set to a plain word.
    Set { key: &'static str, value: String },
    /// A person added under a role in `roles:`: under the key written `written` when the record
    /// has one for the role, else under a new key `role`.
    AddPerson { written: Option<String>, role: String, person: String },
    /// A placeholder (`TBD (Scribe)`) under the role written `written` replaced by a person.
    ReplacePerson { written: String, old: String, person: String },
}

/// `text` as a YAML scalar in block context that reads back as exactly `text`: plain when that is
/// unambiguous (a sentence of letters, digits and common punctuation), else double-quoted with
/// every character that could be misread escaped.
pub fn scalar(text: &str) -> String {
    if plain_is_safe(text, false) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

/// [`scalar`] for a value inside `[…]` or `{…}`, where `,` `[` `]` `{` `}` `:` also end a plain one.
pub fn flow_scalar(text: &str) -> String {
    if plain_is_safe(text, true) {
        text.to_string()
    } else {
        double_quoted(text)
    }
}

fn plain_is_safe(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else { return false };
    let keyword = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~"
    );
    let ok_char = |c: char| c.is_alphanumeric() || " .;-_()/'+?!&%@=$".contains(c) || (!flow && c == ',');
    let colon_ok = !flow
        && !text.ends_with(':')
        && text.char_indices().all(|(i, c)| c != ':' || text[i + 1..].chars().next().is_some_and(|n| n != ' '));
    // A letter first: no indicator, quote, digit (a number or a date) or sign.
    let letter_first = first.is_ascii_alphabetic() || (!first.is_ascii() && first.is_alphanumeric());
    letter_first
        && !keyword
        && text.trim() == text
        && !text.contains("  ")
        && text.parse::<f64>().is_err()
        && text.chars().all(|c| ok_char(c) || (c == ':' && colon_ok))
}

/// A double-quoted YAML scalar: `\` and `"` escaped, and every character that is not plainly
/// printable (controls, line and paragraph separators, the BOM, noncharacters) as an escape.
fn double_quoted(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let n = u32::from(c);
                let _ = if n <= 0xffff { write!(out, "\\u{n:04X}") } else { write!(out, "\\U{n:08X}") };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_escape(c: char) -> bool {
    let n = u32::from(c);
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        || (0xfdd0..=0xfdef).contains(&n)
        || (n & 0xfffe) == 0xfffe
}

/// Why a file could not be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

fn fail<T>(message: impl Into<String>) -> Result<T, EditError> {
    Err(EditError(message.into()))
}

/// `bytes` (the file at `path`, relative to the site root) with `change` made, verified: the
/// result parses to the same record with just that change.
pub fn apply(path: &str, bytes: &[u8], change: &Change) -> Result<Vec<u8>, EditError> {
    let Ok(text) = std::str::from_utf8(bytes) else { return fail("the file is not UTF-8 text") };
    let edited = match change {
        Change::Append(entry) => with_doc(text, |doc, root| append(doc, root, entry))?,
        Change::Set { key, value } => with_doc(text, |doc, root| set(doc, root, key, value))?,
        Change::AddPerson { written, role, person } => {
            with_doc(text, |doc, root| add_person(doc, root, written.as_deref(), role, person))?
        }
        Change::ReplacePerson { written, old, person } => {
            with_doc(text, |doc, root| replace_person(doc, root, written, old, person))?
        }
    };
    verify(path, bytes, edited.as_bytes(), change)?;
    Ok(edited.into_bytes())
}

/// A file's text cut into lines, with where the front matter is.
struct Doc<'t> {
    text: &'t str,
    /// Each line's start and end (before its line break), 0-based by line.
    lines: Vec<(usize, usize)>,
    eol: &'static str,
    /// The file line (1-based) of the closing `---`.
    close: usize,
    /// Add to a YAML line to get the file line.
    offset: usize,
}

/// A splice: the bytes in `range` replaced by `with`.
struct Splice {
    at: usize,
    end: usize,
    with: String,
}

fn with_doc(text: &str, edit: impl FnOnce(&Doc, &Node) -> Result<Vec<Splice>, EditError>) -> Result<String, EditError> {
    let split = split_front_matter("", text.as_bytes()).map_err(|d| EditError(d.message))?;
    let root = match yaml::parse(&split.matter) {
        Ok(Some(root)) => root,
        Ok(None) => Node { line: 1, col: 1, value: Value::Map(Vec::new()) },
        Err(e) => return fail(format!("the front matter is not valid YAML (line {})", e.line + split.matter_offset)),
    };
    if !matches!(root.value, Value::Map(_)) {
        return fail("the front matter is not a mapping");
    }
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' { i - 1 } else { i };
            lines.push((start, end));
            start = i + 1;
        }
    }
    lines.push((start, text.len()));
    let eol = if text.split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
    let close = (1..lines.len())
        .find(|&i| {
            let line = &text[lines[i].0..lines[i].1];
            line.starts_with("---") && line[3..].trim_end().is_empty()
        })
        .map(|i| i + 1)
        .ok_or_else(|| EditError("the front matter is never closed".into()))?;
    let doc = Doc { text, lines, eol, close, offset: split.matter_offset };
    let mut splices = edit(&doc, &root)?;
    splices.sort_by_key(|s| std::cmp::Reverse(s.at));
    let mut out = text.to_string();
    for s in splices {
        out.replace_range(s.at..s.end, &s.with);
    }
    Ok(out)
}

impl Doc<'_> {
    /// File line `n` (1-based) without its line break.
    fn line(&self, n: usize) -> &str {
        self.lines.get(n.wrapping_sub(1)).map(|&(s, e)| &self.text[s..e]).unwrap_or("")
    }

    fn indent(&self, n: usize) -> usize {
        let line = self.line(n);
        line.len() - line.trim_start_matches(' ').len()
    }

    fn is_blank(&self, n: usize) -> bool {
        self.line(n).trim().is_empty()
    }

    fn is_comment(&self, n: usize) -> bool {
        self.line(n).trim_start().starts_with('#')
    }

    /// The byte where the line after `n` starts (after `n`'s line break).
    fn after_line(&self, n: usize) -> usize {
        self.lines.get(n).map(|&(s, _)| s).unwrap_or(self.text.len())
    }

    fn line_start(&self, n: usize) -> usize {
        self.lines.get(n.wrapping_sub(1)).map(|&(s, _)| s).unwrap_or(self.text.len())
    }

    /// The file line and byte offset of a node.
    fn locate(&self, node: &Node) -> (usize, usize) {
        let line = node.line + self.offset;
        let text = self.line(line);
        let col = text.char_indices().nth(node.col.saturating_sub(1)).map(|(i, _)| i).unwrap_or(text.len());
        (line, self.line_start(line) + col)
    }

    /// The last line of a block that starts on line `first` and goes on over the lines indented
    /// more than `indent` (blank and comment lines between included; comment lines right after
    /// its last line, indented as deep, too).
    fn block_end(&self, first: usize, indent: usize) -> usize {
        let mut end = first;
        let mut n = first + 1;
        while n < self.close {
            if self.is_blank(n) || self.is_comment(n) {
                n += 1;
                continue;
            }
            if self.indent(n) <= indent {
                break;
            }
            end = n;
            n += 1;
        }
        while end + 1 < self.close
            && !self.is_blank(end + 1)
            && self.is_comment(end + 1)
            && self.indent(end + 1) > indent
        {
            end += 1;
        }
        end
    }

    /// The indentation one level adds in this file (2 unless it shows another).
    fn unit(&self) -> usize {
        (2..self.close)
            .find(|&n| !self.is_blank(n) && !self.is_comment(n) && self.indent(n) > 0)
            .map(|n| self.indent(n))
            .unwrap_or(2)
    }

    /// The end of the single-line scalar starting at byte `at`, or `None` when it goes on.
    fn scalar_end(&self, at: usize) -> Option<usize> {
        self.scalar_end_in(at, false)
    }

    /// [`Doc::scalar_end`]; `flow`: inside `[…]` or `{…}`, where `,` `]` `}` end a plain scalar.
    fn scalar_end_in(&self, at: usize, flow: bool) -> Option<usize> {
        let line_end = self.lines.iter().find(|&&(s, e)| s <= at && at <= e).map(|&(_, e)| e)?;
        let rest = &self.text[at..line_end];
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, '"')) => {
                let mut escaped = false;
                for (i, c) in chars {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => return Some(at + i + 1),
                        _ => {}
                    }
                }
                None
            }
            Some((_, '\'')) => {
                let bytes = rest.as_bytes();
                let mut i = 1;
                while i < bytes.len() {
                    if bytes[i] == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        return Some(at + i + 1);
                    }
                    i += 1;
                }
                None
            }
            _ => {
                let mut cut = rest.find(" #").or_else(|| rest.find("\t#")).unwrap_or(rest.len());
                if flow {
                    cut = cut.min(rest.find([',', ']', '}']).unwrap_or(rest.len()));
                }
                Some(at + rest[..cut].trim_end().len())
            }
        }
    }

    /// Where the `[…]` or `{…}` opening at byte `at` closes (the byte of its closer).
    fn flow_close(&self, at: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut i = at;
        while i < bytes.len() {
            match bytes[i] {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                b'"' | b'\'' if starts_value(&self.text[..i]) => i = self.scalar_end(i)? - 1,
                b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                    i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p);
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// What follows `key:` on the key's line: the byte range of a written null (`~`, `null`) and
    /// whether there is nothing at all.
    fn after_key(&self, key: &Node) -> Option<(usize, usize)> {
        let (_, at) = self.locate(key);
        let key_end = match (&key.value, self.text[at..].starts_with(['"', '\''])) {
            (Value::Scalar { text, .. }, false) => at + text.len(),
            _ => self.scalar_end(at)?,
        };
        let (line, _) = self.locate(key);
        let line_end = self.lines.get(line - 1)?.1;
        let rest = &self.text[key_end..line_end];
        let colon = rest.find(':')?;
        let value_at = key_end + colon + 1 + (rest[colon + 1..].len() - rest[colon + 1..].trim_start().len());
        if self.text[value_at..].starts_with('#') {
            return Some((value_at, value_at));
        }
        Some((value_at, self.scalar_end(value_at).unwrap_or(value_at)))
    }
}

/// `value` for the null written at `s..e` after a key: a space before it when the colon is right
/// there, and one after it when a comment follows.
fn spaced(doc: &Doc, s: usize, e: usize, value: String) -> String {
    let before = if doc.text[..s].ends_with([' ', '\t']) { "" } else { " " };
    let after = if s == e && doc.text[s..].starts_with('#') { " " } else { "" };
    format!("{before}{value}{after}")
}

/// Whether a quote after `before` opens a quoted scalar (and is not inside a plain one).
fn starts_value(before: &str) -> bool {
    before.trim_end().chars().next_back().is_none_or(|c| matches!(c, '[' | '{' | ',' | ':' | '?' | '-'))
}

/// The entry of a mapping with key `key`.
fn entry<'n, 'a>(map: &'n Node<'a>, key: &str) -> Option<&'n (Node<'a>, Node<'a>)> {
    match &map.value {
        Value::Map(entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)),
        _ => None,
    }
}

/// A missing top-level key, inserted before the closing `---`: `key: inline`, or `key:` with the
/// `block` lines below it, one level in.
fn new_key(doc: &Doc, root: &Node, key: &str, inline: Option<&str>, block: &[String]) -> Splice {
    let indent = " ".repeat(root.col.saturating_sub(1));
    let mut with = match inline {
        Some(value) => format!("{indent}{key}: {value}{}", doc.eol),
        None => format!("{indent}{key}:{}", doc.eol),
    };
    let inner = " ".repeat(root.col.saturating_sub(1) + doc.unit());
    for line in block {
        with.push_str(&format!("{inner}{line}{}", doc.eol));
    }
    let at = doc.line_start(doc.close);
    Splice { at, end: at, with }
}

/// Lines holding `fields` as a block list item: `- k: v` then `  k: v`, each prefixed.
fn item_lines(dash_indent: usize, key_indent: usize, fields: &[(&str, String)], eol: &str) -> String {
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        if i == 0 {
            let gap = " ".repeat(key_indent.saturating_sub(dash_indent + 1).max(1));
            out.push_str(&format!("{}-{gap}{key}: {value}{eol}", " ".repeat(dash_indent)));
        } else {
            out.push_str(&format!("{}{key}: {value}{eol}", " ".repeat(key_indent)));
        }
    }
    out
}

fn append(doc: &Doc, root: &Node, e: &Entry) -> Result<Vec<Splice>, EditError> {
    let Some((key, value)) = entry(root, "timeline") else {
        let fields = e.fields(false);
        let unit = doc.unit();
        let base = root.col.saturating_sub(1) + unit;
        let lines = item_lines(base, base + 2, &fields, doc.eol);
        let at = doc.line_start(doc.close);
        let indent = " ".repeat(root.col.saturating_sub(1));
        return Ok(vec![Splice { at, end: at, with: format!("{indent}timeline:{}{lines}", doc.eol) }]);
    };
    let (key_line, _) = doc.locate(key);
    let key_indent = doc.indent(key_line);
    let below = |doc: &Doc, replace: Option<(usize, usize)>| {
        let base = key_indent + doc.unit();
        let lines = item_lines(base, base + 2, &e.fields(false), doc.eol);
        let at = doc.after_line(key_line);
        let mut out = vec![Splice { at, end: at, with: lines }];
        if let Some((s, end)) = replace {
            // Drop the written `[]` / `~` and the spaces before it.
            let start = doc.text[..s].trim_end_matches([' ', '\t']).len();
            out.push(Splice { at: start, end, with: String::new() });
        }
        out
    };
    if value.is_null() {
        let range = doc.after_key(key).filter(|(s, e)| s < e);
        return Ok(below(doc, range));
    }
    let Value::Seq(items) = &value.value else { return fail("`timeline` is not a list") };
    let (_, value_at) = doc.locate(value);
    if doc.text[value_at..].starts_with('[') {
        let close = doc.flow_close(value_at).ok_or_else(|| EditError("`timeline`'s `[` is never closed".into()))?;
        if items.is_empty() {
            return Ok(below(doc, Some((value_at, close + 1))));
        }
        let fields: Vec<String> = e.fields(true).iter().map(|(k, v)| format!("{k}: {v}")).collect();
        let before = doc.text[..close].trim_end_matches([' ', '\t', '\r', '\n']).len();
        return Ok(vec![Splice { at: before, end: before, with: format!(", {{{}}}", fields.join(", ")) }]);
    }
    let Some(last) = items.last() else { return fail("`timeline` is an empty list written oddly") };
    let (_, item_at) = doc.locate(last);
    let dash = doc.text[..item_at].trim_end_matches([' ', '\t', '\r', '\n']);
    if !dash.ends_with('-') {
        return fail("cannot find the `-` of the last timeline entry");
    }
    let dash_at = dash.len() - 1;
    let dash_line = doc.lines.iter().position(|&(s, e)| s <= dash_at && dash_at < e).map(|i| i + 1).unwrap_or(1);
    let dash_col = doc.text[doc.line_start(dash_line)..dash_at].chars().count();
    let item_key_indent = match &last.value {
        Value::Map(_) if !doc.text[item_at..].starts_with('{') => {
            doc.text[doc.line_start(doc.locate(last).0)..item_at].chars().count()
        }
        _ => dash_col + 2,
    };
    let end = doc.block_end(dash_line, dash_col);
    let at = doc.after_line(end);
    let mut with = String::new();
    if at == doc.text.len() || doc.text[..at].ends_with(|c| c != '\n') {
        with.push_str(doc.eol);
    }
    with.push_str(&item_lines(dash_col, item_key_indent, &e.fields(false), doc.eol));
    Ok(vec![Splice { at, end: at, with }])
}

fn set(doc: &Doc, root: &Node, key: &str, value: &str) -> Result<Vec<Splice>, EditError> {
    let word = scalar(value);
    let Some((k, v)) = entry(root, key) else {
        return Ok(vec![new_key(doc, root, key, Some(&word), &[])]);
    };
    if v.is_null() {
        let (s, e) = doc.after_key(k).ok_or_else(|| EditError(format!("cannot find the value of `{key}`")))?;
        return Ok(vec![Splice { at: s, end: e, with: spaced(doc, s, e, word) }]);
    }
    if !matches!(v.value, Value::Scalar { .. }) {
        return fail(format!("`{key}` is not a single value"));
    }
    let (_, at) = doc.locate(v);
    let end = doc.scalar_end(at).ok_or_else(|| EditError(format!("`{key}` spans several lines")))?;
    Ok(vec![Splice { at, end, with: word }])
}

fn add_person(
    doc: &Doc,
    root: &Node,
    written: Option<&str>,
    role: &str,
    person: &str,
) -> Result<Vec<Splice>, EditError> {
    let Some((roles_key, roles)) = entry(root, "roles") else {
        return Ok(vec![new_key(doc, root, "roles", None, &[format!("{role}: {}", scalar(person))])]);
    };
    let (roles_line, _) = doc.locate(roles_key);
    if roles.is_null() {
        let range = doc.after_key(roles_key).filter(|(s, e)| s < e);
        let indent = " ".repeat(doc.indent(roles_line) + doc.unit());
        let at = doc.after_line(roles_line);
        let mut out = vec![Splice { at, end: at, with: format!("{indent}{role}: {}{}", scalar(person), doc.eol) }];
        if let Some((s, e)) = range {
            let start = doc.text[..s].trim_end_matches([' ', '\t']).len();
            out.push(Splice { at: start, end: e, with: String::new() });
        }
        return Ok(out);
    }
    let Value::Map(entries) = &roles.value else { return fail("`roles` is not a mapping") };
    let (_, roles_at) = doc.locate(roles);
    let flow_map = doc.text[roles_at..].starts_with('{');
    let found = written.and_then(|w| entries.iter().find(|(k, _)| k.as_str() == Some(w)));
    let Some((key, value)) = found else {
        if flow_map {
            let close = doc.flow_close(roles_at).ok_or_else(|| EditError("`roles`' `{` is never closed".into()))?;
            let before = doc.text[..close].trim_end_matches([' ', '\t', '\r', '\n']).len();
            let sep = if entries.is_empty() { "" } else { ", " };
            return Ok(vec![Splice { at: before, end: before, with: format!("{sep}{role}: {}", flow_scalar(person)) }]);
        }
        let Some((last_key, _)) = entries.last() else { return fail("`roles` is empty and written oddly") };
        let (last_line, _) = doc.locate(last_key);
        let indent = doc.indent(last_line);
        let end = doc.block_end(last_line, indent);
        let at = doc.after_line(end);
        return Ok(vec![Splice {
            at,
            end: at,
            with: format!("{}{role}: {}{}", " ".repeat(indent), scalar(person), doc.eol),
        }]);
    };
    let in_flow = flow_map;
    let quote = |p: &str| if in_flow { flow_scalar(p) } else { scalar(p) };
    if value.is_null() {
        let (s, e) = doc.after_key(key).ok_or_else(|| EditError("cannot find the role's value".into()))?;
        return Ok(vec![Splice { at: s, end: e, with: spaced(doc, s, e, quote(person)) }]);
    }
    let (value_line, value_at) = doc.locate(value);
    match &value.value {
        Value::Scalar { plain, text } => {
            let end = doc
                .scalar_end_in(value_at, in_flow)
                .ok_or_else(|| EditError("the role's person spans several lines".into()))?;
            let raw = &doc.text[value_at..end];
            // Plain text that would read differently inside `[…]` is quoted; quoted text is kept.
            let first = if *plain && flow_scalar(text) != raw.trim() { flow_scalar(text) } else { raw.to_string() };
            Ok(vec![Splice { at: value_at, end, with: format!("[{first}, {}]", flow_scalar(person)) }])
        }
        Value::Seq(items) if doc.text[value_at..].starts_with('[') => {
            let close = doc.flow_close(value_at).ok_or_else(|| EditError("a role's `[` is never closed".into()))?;
            let before = doc.text[..close].trim_end_matches([' ', '\t', '\r', '\n']).len();
            let sep = if items.is_empty() { "" } else { ", " };
            Ok(vec![Splice { at: before, end: before, with: format!("{sep}{}", flow_scalar(person)) }])
        }
        Value::Seq(items) if !in_flow => {
            let Some(last) = items.last() else { return fail("a role's list is empty and written oddly") };
            let (_, item_at) = doc.locate(last);
            let dash = doc.text[..item_at].trim_end_matches([' ', '\t']);
            if !dash.ends_with('-') {
                return fail("cannot find the `-` of the role's last person");
            }
            let dash_at = dash.len() - 1;
            let dash_line = doc.locate(last).0;
            let dash_col = doc.text[doc.line_start(dash_line)..dash_at].chars().count();
            let end = doc.block_end(dash_line, dash_col);
            let at = doc.after_line(end);
            let _ = value_line;
            Ok(vec![Splice { at, end: at, with: format!("{}- {}{}", " ".repeat(dash_col), scalar(person), doc.eol) }])
        }
        _ => fail("the role's people are neither a name nor a list"),
    }
}

fn replace_person(doc: &Doc, root: &Node, written: &str, old: &str, person: &str) -> Result<Vec<Splice>, EditError> {
    let missing = || EditError(format!("`{old}` is not under `{written}` in `roles`"));
    let (_, roles) = entry(root, "roles").ok_or_else(missing)?;
    let (_, value) = entry(roles, written).ok_or_else(missing)?;
    let node = match &value.value {
        Value::Scalar { .. } => Some(value),
        Value::Seq(items) => items.iter().find(|n| n.as_str() == Some(old)),
        Value::Map(_) => None,
    }
    .filter(|n| n.as_str() == Some(old))
    .ok_or_else(missing)?;
    let (_, at) = doc.locate(node);
    // Inside `[…]` or `{…}` a plain name must also be flow-safe.
    let (_, roles_at) = doc.locate(roles);
    let (_, value_at) = doc.locate(value);
    let in_flow = doc.text[roles_at..].starts_with('{') || doc.text[value_at..].starts_with('[');
    let end = doc.scalar_end_in(at, in_flow).ok_or_else(|| EditError(format!("`{old}` spans several lines")))?;
    let with = if in_flow { flow_scalar(person) } else { scalar(person) };
    Ok(vec![Splice { at, end, with }])
}

/// The record a file holds, as JSON (positions left out), or why it cannot be read.
fn record_of(path: &str, bytes: &[u8]) -> Result<(Record, serde_json::Value), EditError> {
    let (record, _) = parse(path, bytes);
    let record = record.ok_or_else(|| EditError("the record cannot be read (run `incsite check`)".into()))?;
    let json = serde_json::to_value(&record).map_err(|e| EditError(e.to_string()))?;
    Ok((record, json))
}

/// Checks that `after` is `before` with `change` made and nothing else changed in meaning.
fn verify(path: &str, before: &[u8], after: &[u8], change: &Change) -> Result<(), EditError> {
    let unsafe_edit = || {
        EditError(
            "the edit could not be made safely in this file's formatting; nothing was written (edit it by hand)".into(),
        )
    };
    let (_, mut old) = record_of(path, before)?;
    let (new_record, mut new) = record_of(path, after).map_err(|_| unsafe_edit())?;
    match change {
        Change::Append(e) => {
            let old_timeline = old.get("timeline").and_then(|t| t.as_array()).cloned().unwrap_or_default();
            let new_timeline = new.get("timeline").and_then(|t| t.as_array()).cloned().unwrap_or_default();
            let last = new_record.timeline.last().ok_or_else(unsafe_edit)?;
            let same = new_timeline.len() == old_timeline.len() + 1
                && new_timeline[..old_timeline.len()] == old_timeline[..]
                && last.at.to_utc() == e.at
                && last.kind == e.event
                && last.status == e.status
                && last.role == e.role
                && last.from == e.from
                && last.to == e.to
                && last.text == e.text
                && last.by == e.by
                && last.public == e.public;
            if !same {
                return Err(unsafe_edit());
            }
            for key in ["timeline", "milestones"] {
                old.as_object_mut().map(|o| o.remove(key));
                new.as_object_mut().map(|o| o.remove(key));
            }
        }
        Change::Set { key, value } => {
            if new.get(*key).and_then(|v| v.as_str()) != Some(value.as_str()) {
                return Err(unsafe_edit());
            }
            if let Some(o) = old.as_object_mut() {
                o.insert((*key).to_string(), serde_json::Value::String(value.clone()));
            }
        }
        Change::AddPerson { written, role, person } => {
            let roles = old.get_mut("roles").and_then(|r| r.as_array_mut()).ok_or_else(unsafe_edit)?;
            let key = written.as_deref().unwrap_or(role);
            let found = written
                .as_ref()
                .and_then(|_| roles.iter_mut().find(|r| r.get("role").and_then(|v| v.as_str()) == Some(key)));
            match found.and_then(|r| r.get_mut("people")).and_then(|p| p.as_array_mut()) {
                Some(people) => people.push(serde_json::Value::String(person.clone())),
                None => roles.push(serde_json::json!({"role": key, "people": [person]})),
            }
        }
        Change::ReplacePerson { written, old: was, person } => {
            let roles = old.get_mut("roles").and_then(|r| r.as_array_mut()).ok_or_else(unsafe_edit)?;
            let people = roles
                .iter_mut()
                .find(|r| r.get("role").and_then(|v| v.as_str()) == Some(written.as_str()))
                .and_then(|r| r.get_mut("people"))
                .and_then(|p| p.as_array_mut())
                .ok_or_else(unsafe_edit)?;
            let slot = people.iter_mut().find(|p| p.as_str() == Some(was.as_str())).ok_or_else(unsafe_edit)?;
            *slot = serde_json::Value::String(person.clone());
        }
    }
    if old != new {
        return Err(unsafe_edit());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
