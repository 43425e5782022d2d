//! The theme: the built-in templates and static files embedded in the binary, with a site's own
//! `theme/templates/*` and `theme/static/*` overriding them file by file.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The built-in templates, by the name templates refer to them with.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../../theme/templates/base.html")),
    ("macros.html", include_str!("../../../theme/templates/macros.html")),
    ("index.html", include_str!("../../../theme/templates/index.html")),
    ("incidents.html", include_str!("../../../theme/templates/incidents.html")),
    ("incident_row.html", include_str!("../../../theme/templates/incident_row.html")),
    ("incident.html", include_str!("../../../theme/templates/incident.html")),
    ("actions.html", include_str!("../../../theme/templates/actions.html")),
    ("actions_archive.html", include_str!("../../../theme/templates/actions_archive.html")),
    ("runbooks.html", include_str!("../../../theme/templates/runbooks.html")),
    ("runbook.html", include_str!("../../../theme/templates/runbook.html")),
    ("reports.html", include_str!("../../../theme/templates/reports.html")),
    ("404.html", include_str!("../../../theme/templates/404.html")),
];

/// The built-in static files, by their path under `static/`.
pub const STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../../theme/static/style.css")),
    ("logo.svg", include_bytes!("../../../theme/static/logo.svg")),
    ("live.js", include_bytes!("../../../theme/static/live.js")),
    ("search.js", include_bytes!("../../../theme/static/search.js")),
    ("noscript.css", include_bytes!("../../../theme/static/noscript.css")),
];

/// The theme a render uses: templates compiled once, and the static files to copy.
pub struct Theme {
    pub tera: tera::Tera,
    /// Path under `static/` → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// The template and static sources a theme was compiled from.
type Sources = (BTreeMap<String, String>, BTreeMap<String, Vec<u8>>);

/// The last theme compiled, with its sources: `serve` renders after every save, and compiling
/// the templates costs more than rendering the saved incident's page.
static LAST: Mutex<Option<(Sources, Arc<Theme>)>> = Mutex::new(None);

/// Loads the built-in theme with the site's overrides from `dir` (its `templates/` and `static/`).
/// The files are read every time; they are compiled again only when they changed.
pub fn load(dir: Option<&Path>) -> Result<Arc<Theme>> {
    let mut templates: BTreeMap<String, String> =
        TEMPLATES.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
    let mut statics: BTreeMap<String, Vec<u8>> =
        STATIC.iter().map(|(name, bytes)| (name.to_string(), bytes.to_vec())).collect();
    if let Some(dir) = dir {
        for (name, bytes) in files_under(&dir.join("templates"))? {
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("theme/templates/{name} is not valid UTF-8 text"))?;
            templates.insert(name, text);
        }
        statics.extend(files_under(&dir.join("static"))?);
    }
    let sources = (templates, statics);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((compiled, theme)) = last.as_ref() {
        if *compiled == sources {
            return Ok(Arc::clone(theme));
        }
    }
    let theme = Arc::new(compile(&sources)?);
    *last = Some((sources, Arc::clone(&theme)));
    Ok(theme)
}

fn compile((templates, statics): &Sources) -> Result<Theme> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| anyhow::anyhow!("{}", tera_error(&e)))
        .context("the theme's templates do not compile")?;
    Ok(Theme { tera, statics: statics.clone() })
}

/// Every file under `dir` (recursively), by its `/`-separated path relative to `dir`, sorted.
fn files_under(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    // Symlinks inside are not followed (walkdir's default); the folder itself must not be one.
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!("{} is a symlink: incsite reads only files inside the site", dir.display());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if parts.iter().any(|p| p == "..") {
            bail!("unexpected path in the theme: {}", entry.path().display());
        }
        let bytes = crate::files::read_regular(entry.path(), crate::files::MAX_THEME)
            .map_err(|refusal| anyhow::anyhow!("{} was not read: {refusal}", entry.path().display()))?;
        out.push((parts.join("/"), bytes));
    }
    Ok(out)
}

/// Escapes text for HTML content and quoted attribute values: `&`, `<`, `>`, `"` and `'`.
/// (tera's default also escapes `/`, which is safe but turns every URL into `&#x2F;` soup.)
pub fn escape_html(input: &str) -> String {
    // Most values have nothing to escape: find the first byte that needs it before allocating.
    let Some(first) = input.bytes().position(escaped) else {
        return input.to_owned();
    };
    let mut out = String::with_capacity(input.len() + input.len() / 8 + 8);
    let (mut at, mut rest) = (first, input);
    // From one byte to escape to the next, copying the text between in one piece.
    loop {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
        match rest.bytes().position(escaped) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// A byte [`escape_html`] replaces.
fn escaped(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
}

/// A tera error with its whole chain of causes on one line (tera puts the useful part last).
pub fn tera_error(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_nothing_else() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & Jerry's / ü</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s / ü&lt;/a&gt;"
        );
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn the_built_in_theme_compiles() {
        let theme = load(None).unwrap();
        assert!(theme.statics.contains_key("style.css"));
        assert!(theme.tera.get_template_names().any(|n| n == "incident.html"));
    }
}
