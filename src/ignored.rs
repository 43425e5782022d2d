//! Markdown files under `content/` that incsite does not read (a misplaced record, a `.markdown`
//! file, a runbook in a sub-folder): each one is an `ignored-file` warning naming it, so that no
//! update is left unpublished without a word.

use crate::diag::{Diagnostic, Pos};
use anyhow::{Context, Result};
use std::path::Path;

/// `path` relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Whether a file name is Markdown that someone meant incsite to read (hidden files, such as an
/// editor's lock files, are not).
fn is_markdown(name: &str) -> bool {
    !name.starts_with('.') && (name.ends_with(".md") || name.ends_with(".markdown"))
}

/// The Markdown files under `content/` outside the places incsite reads: anywhere but
/// `content/incidents/` (walked by the loader itself, which reports its `.markdown` files), and
/// in `content/runbooks/` those in sub-folders. Sorted by path.
pub fn elsewhere(root: &Path) -> Result<Vec<String>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Ok(Vec::new());
    }
    let incidents = content.join("incidents");
    let runbooks = content.join("runbooks");
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.path() != incidents && !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot list {}", content.display()))?;
        if !entry.file_type().is_file() || !is_markdown(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let read_as_runbook =
            entry.path().parent() == Some(runbooks.as_path()) && entry.file_name().to_string_lossy().ends_with(".md");
        if !read_as_runbook {
            out.push(relative(root, entry.path()));
        }
    }
    Ok(out)
}

/// The warning for one file that is not read, saying where it would be.
pub fn warning(path: &str) -> Diagnostic {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (message, hint) = if let Some(stem) = name.strip_suffix(".markdown") {
        (format!("`{path}` is not read: incsite reads `.md` files only"), format!("rename it to `{stem}.md`"))
    } else if path.starts_with("content/runbooks/") {
        (
            format!("`{path}` is not read: runbooks are read only directly in content/runbooks/"),
            format!("move it to `content/runbooks/{name}`"),
        )
    } else {
        (
            format!("`{path}` is not read: records are read from content/incidents/, runbooks from content/runbooks/"),
            format!("move it to `content/incidents/{name}` (a record) or `content/runbooks/{name}` (a runbook)"),
        )
    };
    Diagnostic::warning(path, Pos::file(), "ignored-file", message).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_the_loader_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "content/incidents/2026/a.md",
            "content/incidents/b.markdown",
            "content/incident/x.md",
            "content/x.md",
            "content/y.markdown",
            "content/runbooks/ok.md",
            "content/runbooks/old.markdown",
            "content/runbooks/deep/z.md",
            "content/notes.txt",
            "content/.draft.md",
            "content/.hidden/q.md",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        assert_eq!(
            elsewhere(root).unwrap(),
            [
                "content/incident/x.md",
                "content/runbooks/deep/z.md",
                "content/runbooks/old.markdown",
                "content/x.md",
                "content/y.markdown"
            ]
        );
        let w = warning("content/incident/x.md");
        assert_eq!((w.code, w.line), ("ignored-file", 1));
        assert!(w.hint.unwrap().contains("content/incidents/x.md"));
        assert_eq!(warning("content/incidents/b.markdown").hint.as_deref(), Some("rename it to `b.md`"));
    }
}
