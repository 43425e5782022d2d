//! `incsite diff --base REV`: what a pull request changes — incidents opened, updated and
//! resolved, and how the public status page will read — as Markdown for a bot comment or JSON.

use crate::git::base::Revision;
use crate::record::{Kind, Record, Status as RecordStatus, Visibility};
use crate::site::{self, Audience, Site};
use crate::status::{self, ComponentStatus, Indicator};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// a short summary for a pull-request comment
    Markdown,
    /// one JSON object
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The git revision to compare the working tree with (e.g. `origin/main`).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// The time both status pages are computed at (RFC 3339); default: SOURCE_DATE_EPOCH or now.
    #[arg(long)]
    pub now: Option<String>,
    /// Whose view of the records to compare: `internal` (everything, for the repository's own
    /// readers) or `public` (only what the public site shows: for a comment anyone can read).
    #[arg(long, value_enum, default_value_t = Audience::Internal)]
    pub audience: Audience,
}

/// What changed between two versions of a site.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The revision compared with, as given, and its commit.
    pub base: String,
    pub base_commit: String,
    /// Records (incidents and maintenance) that are new.
    pub opened: Vec<Entry>,
    /// Records whose status or severity changed (other than to resolved).
    pub updated: Vec<Entry>,
    /// Incidents whose status became `resolved`.
    pub resolved: Vec<Entry>,
    /// Records that are gone (`incsite check --base` reports this as an error).
    pub removed: Vec<Entry>,
    pub status_page: StatusChange,
    /// Errors in the working tree's records (`incsite check` lists them).
    pub errors: usize,
}

/// One record, as it is now (as it was, for a removed one).
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub path: String,
    pub kind: Kind,
    pub severity: Option<String>,
    pub status: Option<RecordStatus>,
    pub visibility: Visibility,
    /// What changed, for `updated` and `resolved`.
    pub changes: Vec<FieldChange>,
}

/// One public change: `field` is `status`, `severity`, `title`, `summary`, `visibility`,
/// `impact`, `window`, `timeline` (an entry the public sees, added, changed or removed) or
/// `action item: <title>` (its status); `from` is `None` for what was added, `to` for what went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The public status page at the base and in the working tree, at the same instant.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub changed: bool,
    pub indicator: FromTo<Indicator>,
    pub description: FromTo<String>,
    /// Only the components whose state changes (or that appear or disappear).
    pub components: Vec<ComponentChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FromTo<T> {
    pub from: T,
    pub to: T,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentChange {
    pub id: String,
    pub name: String,
    pub from: Option<ComponentStatus>,
    pub to: Option<ComponentStatus>,
}

pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = super::now(args.now.as_deref())?;
    let base = Revision::open(root, &args.base)?;
    let scratch = tempfile::tempdir().context("cannot make a temporary folder")?;
    base.extract(scratch.path())?;
    let before = site::load(scratch.path(), now)?;
    let after = site::load(root, now)?;
    let mut report = compare(&before, &after, now, args.audience);
    // The errors `check --base` finds: the records' own and the base rules' (history kept).
    let kept = crate::git::base::check(&after, &args.base)?;
    report.errors += kept.iter().filter(|d| d.level == crate::diag::Level::Error).count();
    report.base = args.base.clone();
    report.base_commit = base.commit.to_string();
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Markdown => markdown(&report),
    };
    let mut out = std::io::stdout().lock();
    super::check::ignore_broken_pipe(out.write_all(text.as_bytes()))?;
    Ok(0)
}

/// Compares two loads of a site as `audience` sees them (`base` and `base_commit` are left
/// empty for the caller).
pub fn compare(before: &Site, after: &Site, now: DateTime<Utc>, audience: Audience) -> Report {
    let index = |site: &Site| -> BTreeMap<String, Record> {
        let mut map = BTreeMap::new();
        for r in &site.view(audience).records {
            // The first of a duplicated id wins, as everywhere else; `check` reports the duplicate.
            map.entry(r.id.value.clone()).or_insert_with(|| (**r).clone());
        }
        map
    };
    let (old, new) = (index(before), index(after));
    let (mut opened, mut updated, mut resolved, mut removed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, now_record) in &new {
        let Some(was) = old.get(id) else {
            opened.push(entry(now_record, Vec::new()));
            continue;
        };
        let changes = super::diff_changes::changes(was, now_record);
        if changes.is_empty() {
            continue;
        }
        let is_resolved = |r: &Record| r.status.as_ref().map(|s| s.value) == Some(RecordStatus::Resolved);
        if now_record.is_incident() && is_resolved(now_record) && !is_resolved(was) {
            resolved.push(entry(now_record, changes));
        } else {
            updated.push(entry(now_record, changes));
        }
    }
    for (id, was) in &old {
        if !new.contains_key(id) {
            removed.push(entry(was, Vec::new()));
        }
    }
    Report {
        base: String::new(),
        base_commit: String::new(),
        opened,
        updated,
        resolved,
        removed,
        status_page: status_change(before, after, now),
        errors: after.diagnostics.iter().filter(|d| d.level == crate::diag::Level::Error).count(),
    }
}

fn entry(r: &Record, changes: Vec<FieldChange>) -> Entry {
    Entry {
        id: r.id.value.clone(),
        title: r.title().to_string(),
        path: r.path.clone(),
        kind: r.kind,
        severity: r.severity.as_ref().map(|s| s.value.clone()),
        status: r.status.as_ref().map(|s| s.value),
        visibility: r.visibility,
        changes,
    }
}

fn status_change(before: &Site, after: &Site, now: DateTime<Utc>) -> StatusChange {
    let old = status::compute(&before.view(Audience::Public), now);
    let new = status::compute(&after.view(Audience::Public), now);
    let mut components = Vec::new();
    for svc in &new.services {
        let was = old.services.iter().find(|s| s.id == svc.id).map(|s| s.status);
        if was != Some(svc.status) {
            components.push(ComponentChange {
                id: svc.id.clone(),
                name: svc.name.clone(),
                from: was,
                to: Some(svc.status),
            });
        }
    }
    for svc in old.services.iter().filter(|s| !new.services.iter().any(|n| n.id == s.id)) {
        components.push(ComponentChange {
            id: svc.id.clone(),
            name: svc.name.clone(),
            from: Some(svc.status),
            to: None,
        });
    }
    let indicator = FromTo { from: old.indicator, to: new.indicator };
    let description = FromTo { from: old.description, to: new.description };
    StatusChange {
        changed: !components.is_empty() || indicator.from != indicator.to || description.from != description.to,
        indicator,
        description,
        components,
    }
}

/// The report as a pull-request comment.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let short: String = r.base_commit.chars().take(7).collect();
    let _ = writeln!(out, "### incsite: incident changes against {} ({short})\n", code(&r.base));
    if r.errors > 0 {
        let _ = writeln!(
            out,
            "> **{} in the records.** Run `incsite check` for the details.\n",
            if r.errors == 1 { "1 error".to_string() } else { format!("{} errors", r.errors) }
        );
    }
    let sections: [(&str, &[Entry]); 4] =
        [("Opened", &r.opened), ("Updated", &r.updated), ("Resolved", &r.resolved), ("Removed", &r.removed)];
    if sections.iter().all(|(_, list)| list.is_empty()) {
        let _ = writeln!(out, "No incident or maintenance changes.\n");
    }
    for (heading, list) in sections {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "**{heading}**\n");
        for e in list {
            let mut facts: Vec<String> = Vec::new();
            if e.kind == Kind::Maintenance {
                facts.push("maintenance".into());
            }
            let inline = |c: &&FieldChange| matches!(c.field.as_str(), "status" | "severity" | "visibility");
            if e.changes.is_empty() {
                facts.extend(e.severity.as_deref().map(md));
                facts.extend(e.status.map(|s| s.label().to_lowercase()));
            } else {
                for c in e.changes.iter().filter(inline) {
                    let show = |v: &Option<String>| v.as_deref().map(md).unwrap_or_else(|| "none".into());
                    facts.push(format!("{}: {} → {}", c.field, show(&c.from), show(&c.to)));
                }
            }
            if e.visibility == Visibility::Private {
                facts.push("private".into());
            }
            let _ = writeln!(out, "- `{}` {} — {}", e.id, md(&e.title), facts.join(", "));
            for c in e.changes.iter().filter(|c| !inline(c)) {
                let quote = |v: &str| format!("“{}”", md(v));
                let line = match (&c.from, &c.to) {
                    (None, Some(to)) => format!("{} added: {}", md(&c.field), quote(to)),
                    (Some(from), None) => format!("{} removed: {}", md(&c.field), quote(from)),
                    (Some(from), Some(to)) => format!("{}: {} → {}", md(&c.field), quote(from), quote(to)),
                    (None, None) => continue,
                };
                let _ = writeln!(out, "  - {line}");
            }
        }
        out.push('\n');
    }
    let page = &r.status_page;
    let _ = writeln!(out, "**Public status page**\n");
    if !page.changed {
        let _ = writeln!(out, "No change: {}.", page.description.to);
        return out;
    }
    if page.description.from != page.description.to || page.indicator.from != page.indicator.to {
        let _ = writeln!(
            out,
            "Overall: {} → **{}** (indicator `{}` → `{}`)\n",
            page.description.from,
            page.description.to,
            page.indicator.from.as_str(),
            page.indicator.to.as_str()
        );
    }
    if !page.components.is_empty() {
        let _ = writeln!(out, "| Component | Before | After |\n|---|---|---|");
        let label = |s: Option<ComponentStatus>| s.map(|s| s.label().to_string()).unwrap_or_else(|| "—".into());
        for c in &page.components {
            let _ = writeln!(out, "| {} | {} | {} |", md(&c.name), label(c.from), label(c.to));
        }
    }
    out
}

/// Text as inline code, exactly as written (`HEAD~1`, not `HEAD\~1`): no escaping applies inside
/// a code span, which takes a longer fence when the text holds backticks.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 || text.starts_with(' ') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Text safe inside Markdown (and the HTML GitHub allows in it).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_is_escaped() {
        assert_eq!(md("a|b <img> *x*"), "a\\|b &lt;img&gt; \\*x\\*");
    }

    #[test]
    fn revisions_are_code_as_written() {
        assert_eq!(code("HEAD~1"), "`HEAD~1`");
        assert_eq!(code("origin/main_x"), "`origin/main_x`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
