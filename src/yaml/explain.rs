//! The YAML mistakes scribes make most, in plain words with a fix that works when followed: a
//! value holding `: ` or starting with a character YAML reserves ("quote the text", with the line
//! quoted), and a tab in the indentation (reported on the tab's own line).

use super::YamlError;

/// A YAML error as it is reported: where (1-based, in the parsed text), what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Characters that cannot start a plain (unquoted) YAML value.
const RESERVED_START: &[char] = &['@', '`', '[', ']', '{', '}', '*', '&', '!', '|', '>', '%', '\'', '"', '#', ','];

/// Explains `e`, an error in `text`.
pub fn explain(e: &YamlError, text: &str) -> Explained {
    let lines: Vec<&str> = text.lines().collect();
    // A tab in the indentation: parsers report it on the line above, or as something else.
    let tab = lines.iter().enumerate().take(e.line + 1).find_map(|(i, l)| {
        let indent = &l[..l.len() - l.trim_start_matches([' ', '\t']).len()];
        indent.find('\t').filter(|_| !l.trim().is_empty()).map(|at| (i + 1, indent[..at].chars().count() + 1))
    });
    if let Some((line, col)) = tab.filter(|(line, _)| e.message.contains("tab") || line.abs_diff(e.line) <= 1) {
        return Explained {
            line,
            col,
            message: "invalid YAML: a tab in the indentation (YAML indents with spaces only)".into(),
            hint: Some("replace the tab with spaces, as many as the lines around it use".into()),
        };
    }
    let line_text = lines.get(e.line.saturating_sub(1)).copied().unwrap_or("");
    let entry = key_value(line_text);
    let plain = format!("invalid YAML: {}", e.message);
    let Some((prefix, key, value)) = entry else {
        return Explained { line: e.line, col: e.col, message: plain, hint: None };
    };
    let quoted = format!("{prefix}{key}: \"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    let hint = Some(match quoted.contains('`') {
        true => format!("quote the text: {}", quoted.trim_start()),
        false => format!("quote the text: `{}`", quoted.trim_start()),
    });
    if e.message.contains("mapping values are not allowed") && (value.contains(": ") || value.ends_with(':')) {
        return Explained {
            line: e.line,
            col: e.col,
            message: format!(
                "invalid YAML: the value of `{key}` holds `: `, which YAML reads as the start of another key"
            ),
            hint,
        };
    }
    if value.starts_with(RESERVED_START) || value.contains(" #") {
        let first = match value.chars().next() {
            Some('`') => "a backtick".to_string(),
            Some(c) => format!("`{c}`"),
            None => String::new(),
        };
        return Explained {
            line: e.line,
            col: e.col,
            message: format!(
                "invalid YAML: the value of `{key}` starts with {first}, which YAML reserves ({})",
                e.message
            ),
            hint,
        };
    }
    Explained { line: e.line, col: e.col, message: plain, hint: None }
}

/// A `key: value` line (or `- key: value`) with an unquoted value: its indentation and dash, its
/// key and its value.
fn key_value(line: &str) -> Option<(&str, &str, &str)> {
    let body = line.trim_start_matches(' ');
    let body = body.strip_prefix("- ").map(|b| b.trim_start_matches(' ')).unwrap_or(body);
    let prefix = &line[..line.len() - body.len()];
    let (key, value) = body.split_once(": ")?;
    let (key, value) = (key.trim(), value.trim());
    let simple_key = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let quoted = value.starts_with('"') && value.ends_with('"') && value.len() > 1;
    (simple_key && !value.is_empty() && !quoted).then_some((prefix, key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: usize, col: usize, message: &str) -> YamlError {
        YamlError { line, col, message: message.into() }
    }

    #[test]
    fn colon_in_a_value_asks_for_quotes() {
        let text = "title: x\ntimeline:\n  - at: 2026-01-01T00:00:00Z\n    text: PagerDuty: 5xx > 20%\n";
        let x = explain(&err(4, 20, "mapping values are not allowed in this context"), text);
        assert_eq!(x.line, 4);
        assert_eq!(x.hint.as_deref(), Some("quote the text: `text: \"PagerDuty: 5xx > 20%\"`"));
        assert!(x.message.contains("`text`"), "{}", x.message);
    }

    #[test]
    fn a_reserved_first_character_asks_for_quotes() {
        let x = explain(&err(1, 7, "found character that cannot start any token"), "text: @here \"x\"\n");
        assert_eq!(x.hint.as_deref(), Some("quote the text: `text: \"@here \\\"x\\\"\"`"));
    }

    #[test]
    fn a_tab_is_reported_on_its_own_line() {
        let text = "title: x\nroles:\n\tic: Alice\n";
        let x = explain(&err(2, 6, "some other message"), text);
        assert_eq!((x.line, x.col), (3, 1));
        assert!(x.hint.unwrap().contains("spaces"));
    }

    #[test]
    fn other_errors_keep_their_words() {
        let x = explain(&err(1, 3, "did not find expected key"), "- [b\n");
        assert_eq!(x.message, "invalid YAML: did not find expected key");
        assert_eq!(x.hint, None);
    }
}
