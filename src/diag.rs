//! Diagnostics: what a check found wrong, where, and how to print it for people and machines.

use serde::Serialize;
use std::fmt::Write as _;

/// How serious a diagnostic is. Errors fail `check`; warnings fail it only under `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, when known.
    pub column: Option<usize>,
    pub level: Level,
    /// A stable, kebab-case code (`unknown-key`, `milestone-order`, …).
    pub code: &'static str,
    pub message: String,
    /// A suggestion shown under the caret in human output ("did you mean `SEV-1`?"); in JSON an
    /// optional `hint` field, left out when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, pos: Pos, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Level::Error, file, pos, code, message)
    }

    pub fn warning(file: &str, pos: Pos, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, file, pos, code, message)
    }

    fn new(level: Level, file: &str, pos: Pos, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_string(),
            line: pos.line.max(1),
            column: (pos.col > 0).then_some(pos.col),
            level,
            code,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds "did you mean `x`?" when one of `candidates` is close to `got`, else lists them all
    /// (when there are few enough to read).
    pub fn suggest<'a>(self, got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        let candidates: Vec<&str> = candidates.into_iter().collect();
        if let Some(best) = closest(got, &candidates) {
            return self.with_hint(format!("did you mean `{best}`?"));
        }
        if !candidates.is_empty() && candidates.len() <= 12 {
            let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            return self.with_hint(format!("expected one of {}", list.join(", ")));
        }
        self
    }
}

/// The closest candidate to `got` by edit distance (case-insensitive), if it is close enough
/// to be a likely typo.
pub fn closest<'a>(got: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = got.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len().max(got.len()) / 3).max(1))
        .collect();
    scored.sort();
    match scored.as_slice() {
        // A tie (`SEV-9` is as close to `SEV-1` as to `SEV-2`) is no suggestion at all.
        [(a, _), (b, _), ..] if a == b => None,
        [(_, best), ..] => Some(best),
        [] => None,
    }
}

/// A 1-based line and column in a file (column 0 when unknown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }

    /// The start of a file, for problems with the file as a whole.
    pub fn file() -> Self {
        Pos { line: 1, col: 0 }
    }
}

/// Orders diagnostics by file, line, column, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message).cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

/// Human output in the style of rustc: the message, `file:line:col`, the line itself and a caret.
/// `source` returns the text of a file (relative path) when it can be read.
pub fn human(d: &Diagnostic, source: Option<&str>, color: bool) -> String {
    let (paint, reset, bold, blue) = if color {
        let paint = match d.level {
            Level::Error => "\x1b[1;31m",
            Level::Warning => "\x1b[1;33m",
        };
        (paint, "\x1b[0m", "\x1b[1m", "\x1b[1;34m")
    } else {
        ("", "", "", "")
    };
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let mut out = String::new();
    let _ = writeln!(out, "{paint}{level}[{}]{reset}{bold}: {}{reset}", d.code, d.message);
    let col = d.column.unwrap_or(1);
    let gutter = " ".repeat(d.line.to_string().len());
    let _ = writeln!(out, "{gutter}{blue}-->{reset} {}:{}:{}", d.file, d.line, col);
    if let Some(text) = source.and_then(|s| s.lines().nth(d.line - 1)) {
        let shown: String = text.chars().take(160).collect();
        let _ = writeln!(out, "{gutter} {blue}|{reset}");
        let _ = writeln!(out, "{blue}{}{reset} {blue}|{reset} {shown}", d.line);
        let indent: String =
            shown.chars().take(col.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let width = caret_width(&shown, col);
        let _ = write!(out, "{gutter} {blue}|{reset} {indent}{paint}{}{reset}", "^".repeat(width));
        if let Some(hint) = &d.hint {
            let _ = write!(out, " {paint}{hint}{reset}");
        }
        out.push('\n');
    } else if let Some(hint) = &d.hint {
        let _ = writeln!(out, "{gutter} = help: {hint}");
    }
    out
}

/// How many carets to draw: the length of the token at `col` (at least one).
fn caret_width(line: &str, col: usize) -> usize {
    let rest: String = line.chars().skip(col.saturating_sub(1)).collect();
    let token =
        rest.split(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == ']' || c == '}').next().unwrap_or("");
    token.chars().count().clamp(1, 60)
}

/// One GitHub Actions workflow command per diagnostic.
pub fn github(d: &Diagnostic) -> String {
    let kind = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let col = d.column.map(|c| format!(",col={c}")).unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(h) = &d.hint {
        message.push_str(" (");
        message.push_str(h);
        message.push(')');
    }
    format!(
        "::{kind} file={},line={}{col},title={}::{}",
        escape_property(&d.file),
        d.line,
        escape_property(d.code),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("SEV1", &["SEV-1", "SEV-2"]), Some("SEV-1"));
        assert_eq!(closest("titel", &["title", "status"]), Some("title"));
        assert_eq!(closest("zzzzzz", &["title", "status"]), None);
        assert_eq!(closest("SEV-9", &["SEV-1", "SEV-2", "SEV-3"]), None);
    }

    #[test]
    fn human_output_points_at_the_column() {
        let d = Diagnostic::error("a.md", Pos::new(2, 11), "unknown-severity", "unknown severity `SEV1`")
            .with_hint("did you mean `SEV-1`?");
        let out = human(&d, Some("---\nseverity: SEV1\n"), false);
        assert!(out.contains("--> a.md:2:11"), "{out}");
        assert!(out.contains("  |           ^^^^ did you mean `SEV-1`?"), "{out}");
    }

    #[test]
    fn github_escapes_newlines_and_commas() {
        let d = Diagnostic::warning("x,y.md", Pos::new(3, 0), "c", "a\nb");
        assert_eq!(github(&d), "::warning file=x%2Cy.md,line=3,title=c::a%0Ab");
    }
}
