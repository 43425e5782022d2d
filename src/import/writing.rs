//! Drafts written out: each record's YAML text made with the edit commands' quoting (every
//! string reads back as written), new services appended to `schema/services.yaml`, and no
//! existing file or record id ever overwritten.

use super::{Draft, DraftKind, Import, ServiceDraft};
use crate::record::edit::scalar;
use crate::schema::Policy;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What an import would do: the files to create and the services to append.
#[derive(Debug, Default)]
pub struct Plan {
    /// Relative path (`content/incidents/2026/…md`) and text, for records not yet in the site.
    pub files: Vec<(String, String)>,
    /// Records skipped because a record with their id (or their file) is already there.
    pub already: usize,
    /// The services to add, and the text appended to (or starting) `schema/services.yaml`.
    pub services: Vec<ServiceDraft>,
    pub services_text: Option<String>,
    /// Whether `schema/services.yaml` is created rather than appended to.
    pub services_new_file: bool,
    /// Notices not written because this version's records have no notices.
    pub notices_skipped: usize,
}

fn time(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Plans an import into a site with `policy`, the record ids `existing` already in it and its
/// `schema/services.yaml` text (`None`: no such file). `exists` says whether a relative path is
/// taken.
pub fn plan(
    import: &Import,
    source: &str,
    policy: &Policy,
    existing: &BTreeSet<String>,
    services_file: Option<&str>,
    exists: &dyn Fn(&str) -> bool,
) -> Result<Plan> {
    // Each source service: the site's own when one has its id or name, else a new one.
    let mut remap: BTreeMap<String, String> = BTreeMap::new();
    let mut new_services: Vec<ServiceDraft> = Vec::new();
    for s in &import.services {
        let known = policy.services.iter().find(|p| p.id == s.id || p.name.eq_ignore_ascii_case(&s.name));
        match known {
            Some(p) => {
                remap.insert(s.id.clone(), p.id.clone());
            }
            None => {
                let mut id = s.id.clone();
                let mut n = 1;
                while policy.service(&id).is_some() || new_services.iter().any(|x| x.id == id) {
                    n += 1;
                    id = format!("{}-{n}", s.id);
                }
                remap.insert(s.id.clone(), id.clone());
                new_services.push(ServiceDraft { id, ..s.clone() });
            }
        }
    }
    let mut out = Plan::default();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for draft in &import.drafts {
        if existing.contains(&draft.id) {
            out.already += 1;
            continue;
        }
        if draft.kind == DraftKind::Notice && !crate::record::Kind::ALL.iter().any(|(n, _)| *n == "notice") {
            out.notices_skipped += 1;
            continue;
        }
        let year = draft.at.format("%Y");
        let base = format!("{}-{}", draft.at.format("%Y-%m-%d"), crate::cmd::new::slug(&draft.title));
        let mut n = 1;
        let path = loop {
            let name = if n == 1 { format!("{base}.md") } else { format!("{base}-{n}.md") };
            let path = format!("content/incidents/{year}/{name}");
            if !exists(&path) && !taken.contains(&path) {
                break path;
            }
            n += 1;
            if n > 1000 {
                bail!("content/incidents/{year}/{base}.md and 999 variants of it already exist");
            }
        };
        taken.insert(path.clone());
        let text = render(draft, source, &remap);
        // What is written must read back as a record without format errors.
        let (record, diags) = crate::record::parse(&path, text.as_bytes());
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.level == crate::diag::Level::Error)
            .map(|d| format!("line {}: {}", d.line, d.message))
            .collect();
        if record.is_none() || !errors.is_empty() {
            bail!("the record made for `{}` does not read back: {}", draft.id, errors.join("; "));
        }
        out.files.push((path, text));
    }
    if !new_services.is_empty() {
        let (text, new_file) = services_append(services_file, &new_services)?;
        out.services_text = Some(text);
        out.services_new_file = new_file;
    }
    out.services = new_services;
    Ok(out)
}

/// Writes a plan under `root`: each record created (never replacing a file), then the services.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    use std::io::Write;
    let mut written = Vec::new();
    if let Some(text) = &plan.services_text {
        let path = root.join("schema").join("services.yaml");
        std::fs::create_dir_all(root.join("schema")).context("cannot create schema/")?;
        let mut file = if plan.services_new_file {
            std::fs::OpenOptions::new().write(true).create_new(true).open(&path)
        } else {
            std::fs::OpenOptions::new().append(true).open(&path)
        }
        .with_context(|| format!("cannot open {}", path.display()))?;
        file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    }
    for (rel, text) in &plan.files {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {} (an import never replaces a file)", path.display()))?;
        file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The text appended to `schema/services.yaml` (or the whole new file) for `services`, in the
/// list's own indentation; the result is parsed to make sure every service reads back.
fn services_append(current: Option<&str>, services: &[ServiceDraft]) -> Result<(String, bool)> {
    let (prefix, indent, new_file) = match current {
        None => (
            "# The services (components) shown on the status page, in display order.\nservices:\n".to_string(),
            2,
            true,
        ),
        Some(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let Some(head) = lines.iter().position(|l| l.starts_with("services:")) else {
                bail!("schema/services.yaml has no top-level `services:` list to append to");
            };
            if !lines[head]["services:".len()..].split('#').next().unwrap_or("").trim().is_empty() {
                bail!("schema/services.yaml writes `services:` on one line; make it a block list (`services:` then `  - id: …`) and import again");
            }
            let after_head = &lines[head + 1..];
            let item = after_head.iter().find(|l| l.trim_start().starts_with("- "));
            let indent = item.map(|l| l.len() - l.trim_start().len()).unwrap_or(2);
            // Appending at the end must still be inside the list: nothing after it at the top level.
            if after_head.iter().any(|l| !l.trim().is_empty() && !l.starts_with([' ', '#', '-'])) {
                bail!("schema/services.yaml has other keys after `services:`; move `services:` last and import again");
            }
            let newline = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
            (newline.to_string(), indent, false)
        }
    };
    let pad = " ".repeat(indent);
    let mut out = prefix;
    for s in services {
        let _ = writeln!(out, "{pad}- id: {}", scalar(&s.id));
        let _ = writeln!(out, "{pad}  name: {}", scalar(&s.name));
        if let Some(group) = &s.group {
            let _ = writeln!(out, "{pad}  group: {}", scalar(group));
        }
        if let Some(d) = &s.description {
            let _ = writeln!(out, "{pad}  description: {}", scalar(d));
        }
    }
    let whole = format!("{}{out}", current.unwrap_or(""));
    let (policy, diags) = crate::schema::parse(&crate::schema::SchemaSources {
        severities: None,
        roles: None,
        services: Some(("schema/services.yaml", &whole)),
    });
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.level == crate::diag::Level::Error && d.file == "schema/services.yaml")
        .map(|d| format!("line {}: {}", d.line, d.message))
        .collect();
    if !errors.is_empty() || services.iter().any(|s| policy.service(&s.id).is_none()) {
        bail!("schema/services.yaml would not read back with the new services: {}", errors.join("; "));
    }
    Ok((out, new_file))
}

/// A draft's record file: front matter in a fixed order, then the body.
pub fn render(draft: &Draft, source: &str, remap: &BTreeMap<String, String>) -> String {
    let service = |id: &str| remap.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut o = String::from("---\n");
    let _ = writeln!(o, "id: {}", scalar(&draft.id));
    if draft.kind != DraftKind::Incident {
        let _ = writeln!(o, "kind: {}", if draft.kind == DraftKind::Notice { "notice" } else { "maintenance" });
    }
    let _ = writeln!(o, "title: {}", scalar(&draft.title));
    let _ = writeln!(o, "imported: {source}");
    if let Some(sev) = &draft.severity {
        let _ = writeln!(o, "severity: {}", scalar(sev));
    }
    if let Some(status) = draft.status {
        let _ = writeln!(o, "status: {status}");
    }
    if let Some((from, until)) = &draft.window {
        let _ = writeln!(o, "window:\n  from: {}\n  until: {}", time(from), time(until));
    }
    if let Some((from, until)) = &draft.shown {
        let _ = writeln!(o, "from: {}", time(from));
        if let Some(until) = until {
            let _ = writeln!(o, "until: {}", time(until));
        }
        if draft.pin {
            o.push_str("pin: true\n");
        }
    }
    if draft.kind == DraftKind::Notice {
        if !draft.impact.is_empty() {
            o.push_str("services:\n");
            for (s, _) in &draft.impact {
                let _ = writeln!(o, "  - {}", scalar(&service(s)));
            }
        }
    } else if !draft.impact.is_empty() {
        o.push_str("impact:\n");
        for (s, level) in &draft.impact {
            let _ = writeln!(o, "  {}: {level}", scalar(&service(s)));
        }
    }
    if draft.kind != DraftKind::Notice {
        o.push_str(if draft.timeline.is_empty() { "timeline: []\n" } else { "timeline:\n" });
    }
    for e in &draft.timeline {
        let _ = writeln!(o, "  - at: {}", time(&e.at));
        let _ = writeln!(o, "    event: {}", e.event);
        if let Some(s) = e.status {
            let _ = writeln!(o, "    status: {s}");
        }
        if let Some(t) = &e.text {
            let _ = writeln!(o, "    text: {}", scalar(t));
        }
        if !e.impact.is_empty() {
            o.push_str("    impact:\n");
            for (s, level) in &e.impact {
                let _ = writeln!(o, "      {}: {level}", scalar(&service(s)));
            }
        }
    }
    if !draft.extra.is_empty() {
        o.push_str("extra:\n");
        let mut seen = BTreeSet::new();
        for (k, v) in &draft.extra {
            if seen.insert(k.as_str()) {
                let _ = writeln!(o, "  {}: {}", scalar(k), scalar(v));
            }
        }
    }
    o.push_str("---\n");
    if !draft.body.trim().is_empty() {
        o.push('\n');
        o.push_str(draft.body.trim_end());
        o.push('\n');
    }
    o
}
