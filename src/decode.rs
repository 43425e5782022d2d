//! Reading typed values out of a YAML tree, collecting a diagnostic at the right line for every
//! wrong type, unknown key or bad value instead of stopping at the first.

use crate::diag::{Diagnostic, Pos};
use crate::yaml::{Node, Value};
use chrono::{DateTime, FixedOffset, NaiveDate};

/// Where a tree came from (the file, and the line its text starts at) and what was found wrong.
pub struct Ctx {
    pub file: String,
    /// Added to the tree's 1-based lines: the line of the file the YAML text starts on, less one.
    pub line_offset: usize,
    pub diags: Vec<Diagnostic>,
}

impl Ctx {
    pub fn new(file: &str, line_offset: usize) -> Self {
        Ctx { file: file.to_string(), line_offset, diags: Vec::new() }
    }

    /// The position of a node in the file.
    pub fn pos(&self, node: &Node) -> Pos {
        Pos::new(node.line + self.line_offset, node.col)
    }

    pub fn error(&mut self, node: &Node, code: &'static str, message: impl Into<String>) {
        let d = Diagnostic::error(&self.file, self.pos(node), code, message);
        self.diags.push(d);
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Reports a value of the wrong type.
    pub fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let msg = format!("`{what}` must be {expected}, found {}", node.kind_name());
        self.error(node, "wrong-type", msg);
    }

    /// A string (any non-null scalar). Numbers and booleans are taken as written.
    pub fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        self.text(node, what).map(str::to_string)
    }

    /// [`Ctx::string`] without the copy, for values that are parsed further.
    fn text<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let text = node.as_str();
        if text.is_none() {
            self.wrong_type(node, what, "a string");
        }
        text
    }

    /// A boolean: `true` or `false`.
    pub fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar { text, plain: true } if text == "true" => Some(true),
            Value::Scalar { text, plain: true } if text == "false" => Some(false),
            _ => {
                self.wrong_type(node, what, "`true` or `false`");
                None
            }
        }
    }

    /// A non-negative whole number.
    pub fn count(&mut self, node: &Node, what: &str) -> Option<u32> {
        match node.as_str().and_then(|s| s.parse::<u32>().ok()) {
            Some(n) => Some(n),
            None => {
                self.wrong_type(node, what, "a whole number");
                None
            }
        }
    }

    /// One of a fixed set of words, reported with the allowed values (and a close match) when not.
    pub fn one_of<T: Copy>(&mut self, node: &Node, what: &str, options: &[(&str, T)]) -> Option<T> {
        let text = self.text(node, what)?;
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == text) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let d = Diagnostic::error(&self.file, self.pos(node), "bad-value", format!("`{text}` is not a valid {what}"))
            .suggest(text, names.iter().copied());
        self.push(d);
        None
    }

    /// A list of items; a lone scalar is reported as the wrong type.
    pub fn list<'n>(&mut self, node: &'n Node<'n>, what: &str) -> &'n [Node<'n>] {
        match &node.value {
            Value::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.wrong_type(node, what, "a list");
                &[]
            }
        }
    }

    /// A list of strings; a lone string is accepted as a list of one.
    pub fn strings(&mut self, node: &Node, what: &str) -> Vec<(String, Pos)> {
        match &node.value {
            Value::Scalar { .. } if !node.is_null() => {
                self.string(node, what).map(|s| vec![(s, self.pos(node))]).unwrap_or_default()
            }
            _ => {
                let mut out = Vec::new();
                for item in self.list(node, what) {
                    if let Some(s) = self.string(item, what) {
                        out.push((s, self.pos(item)));
                    }
                }
                out
            }
        }
    }

    /// A mapping's entries, with keys checked to be strings and unique.
    pub fn map<'n>(&mut self, node: &'n Node<'n>, what: &str) -> Option<Fields<'n>> {
        match &node.value {
            Value::Map(entries) => {
                let mut seen: Vec<&str> = Vec::new();
                let mut keep = Vec::new();
                for (k, v) in entries {
                    let Some(key) = k.as_str() else {
                        self.error(
                            k,
                            "wrong-type",
                            format!("keys in `{what}` must be strings, found {}", k.kind_name()),
                        );
                        continue;
                    };
                    if seen.contains(&key) {
                        self.error(k, "duplicate-key", format!("`{key}` appears twice in `{what}`"));
                        continue;
                    }
                    seen.push(key);
                    keep.push((key, k, v));
                }
                Some(Fields { node, entries: keep, used: Vec::new() })
            }
            _ => {
                self.wrong_type(node, what, "a mapping");
                None
            }
        }
    }

    /// A date, `YYYY-MM-DD`.
    pub fn date(&mut self, node: &Node, what: &str) -> Option<NaiveDate> {
        let text = self.text(node, what)?;
        match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(node, "bad-date", format!("`{what}` must be a date like 2026-03-18, found `{text}`"));
                None
            }
        }
    }

    /// An RFC 3339 time with an offset.
    pub fn time(&mut self, node: &Node, what: &str) -> Option<DateTime<FixedOffset>> {
        let text = self.text(node, what)?;
        match parse_time(text) {
            Ok(t) => Some(t),
            Err(TimeError::NoOffset) => {
                let d = Diagnostic::error(
                    &self.file,
                    self.pos(node),
                    "time-without-offset",
                    format!("`{what}` has no UTC offset: `{text}`"),
                )
                .with_hint(match utc_form(text) {
                    Some(utc) => format!(
                        "write it with its offset: `{utc}` if it is UTC (or `+01:00` for UTC+1 in place of `Z`)"
                    ),
                    None => "write it with its offset, like 2026-03-04T09:12:00Z".to_string(),
                });
                self.push(d);
                None
            }
            Err(TimeError::Invalid) => {
                self.error(
                    node,
                    "bad-time",
                    format!("`{what}` must be an RFC 3339 time like 2026-03-04T09:12:00Z, found `{text}`"),
                );
                None
            }
        }
    }
}

/// Why a time did not parse.
#[derive(Debug, PartialEq, Eq)]
pub enum TimeError {
    NoOffset,
    Invalid,
}

/// Parses an RFC 3339 time (a space may stand for the `T`), telling a missing offset apart.
pub fn parse_time(text: &str) -> Result<DateTime<FixedOffset>, TimeError> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t);
    }
    let with_t = text.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&with_t) {
        return Ok(t);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f"] {
        if chrono::NaiveDateTime::parse_from_str(&with_t, fmt).is_ok() {
            return Err(TimeError::NoOffset);
        }
    }
    Err(TimeError::Invalid)
}

/// A time written without an offset, as the RFC 3339 time it would be in UTC
/// (`2026-12-06 14:35` → `2026-12-06T14:35:00Z`), for the hint.
pub fn utc_form(text: &str) -> Option<String> {
    let with_t = text.trim().replacen(' ', "T", 1);
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"].iter().find_map(|fmt| {
        let t = chrono::NaiveDateTime::parse_from_str(&with_t, fmt).ok()?;
        Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    })
}

/// The entries of one mapping, handed out by key; whatever is left unread is an unknown key.
pub struct Fields<'n> {
    pub node: &'n Node<'n>,
    entries: Vec<(&'n str, &'n Node<'n>, &'n Node<'n>)>,
    used: Vec<&'n str>,
}

impl<'n> Fields<'n> {
    /// The value under `key`, if present (null values count as absent).
    pub fn get(&mut self, key: &str) -> Option<&'n Node<'n>> {
        let found = self.entries.iter().find(|(k, _, _)| *k == key)?;
        self.used.push(found.0);
        (!found.2.is_null()).then_some(found.2)
    }

    /// True when `key` is present with a non-null value.
    pub fn has_value(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _, v)| *k == key && !v.is_null())
    }

    /// The key node of `key`, for pointing at the key line itself.
    pub fn key_node(&self, key: &str) -> Option<&'n Node<'n>> {
        self.entries.iter().find(|(k, _, _)| *k == key).map(|(_, k, _)| *k)
    }

    /// All entries in file order, for free-form maps (impact, roles, extra).
    pub fn all(&mut self) -> Vec<(&'n str, &'n Node<'n>, &'n Node<'n>)> {
        self.used.extend(self.entries.iter().map(|(k, _, _)| *k));
        self.entries.clone()
    }

    /// Whether an unread key is a misspelling of `key` (its closest known key), so that the
    /// unknown key's "did you mean" is the one error rather than also "missing `key`".
    pub fn misspells(&self, key: &str, known: &[&str]) -> bool {
        self.entries.iter().any(|(k, _, _)| {
            !self.used.contains(k) && !known.contains(k) && crate::diag::closest(k, known) == Some(key)
        })
    }

    /// Reports every key not read, with the closest known key as a hint.
    pub fn finish(self, ctx: &mut Ctx, what: &str, known: &[&str]) {
        for (key, k, _) in &self.entries {
            if self.used.contains(key) {
                continue;
            }
            let d = Diagnostic::error(&ctx.file, ctx.pos(k), "unknown-key", format!("unknown key `{key}` in {what}"))
                .suggest(key, known.iter().copied());
            ctx.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_need_offsets() {
        assert!(parse_time("2026-03-04T09:12:00Z").is_ok());
        assert!(parse_time("2026-03-04T10:12:00+01:00").is_ok());
        assert!(parse_time("2026-03-04 10:12:00+01:00").is_ok());
        assert_eq!(parse_time("2026-03-04T09:12:00"), Err(TimeError::NoOffset));
        assert_eq!(parse_time("yesterday"), Err(TimeError::Invalid));
        assert_eq!(parse_time("2026-13-04T09:12:00Z"), Err(TimeError::Invalid));
        let suggested = utc_form("2026-12-06 14:35").unwrap();
        assert_eq!(suggested, "2026-12-06T14:35:00Z");
        assert!(parse_time(&suggested).is_ok(), "the suggestion parses");
        assert_eq!(utc_form("2026-12-06T14:35:07").as_deref(), Some("2026-12-06T14:35:07Z"));
    }
}
