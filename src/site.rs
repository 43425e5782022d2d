//! The whole site in memory: settings, policies, records and runbooks loaded from disk, parsed in
//! parallel and checked; and the one audience filter that decides what a build may show.

use crate::check;
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic};
use crate::record::{self, Record, Runbook};
use crate::schema::{self, Policy};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Who a build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Leaves out private incidents and non-public timeline entries everywhere.
    Public,
    /// Everything.
    Internal,
}

/// A loaded, checked site.
#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub policy: Policy,
    /// Every record that could be read, sorted by path.
    pub records: Vec<Record>,
    pub runbooks: Vec<Runbook>,
    /// Every problem found, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// One-line notes for people (a schema file that fell back to the default, …).
    pub notes: Vec<String>,
}

/// Finds the site root: `explicit`, or the nearest directory upwards from `start` that holds
/// `incsite.toml`.
pub fn find_root(start: &Path, explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.is_dir() {
            bail!("--root {}: no such directory", dir.display());
        }
        return Ok(dir.to_path_buf());
    }
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(config::FILE).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    bail!(
        "no {} found in {} or any parent directory (run `incsite init` to make a site, or pass --root DIR)",
        config::FILE,
        start.display()
    )
}

/// The text of a file as raw bytes, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The Markdown files under `dir`, as (path relative to root with `/`, absolute path), sorted.
fn markdown_files(root: &Path, dir: &Path, recursive: bool) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walker = walkdir::WalkDir::new(dir).max_depth(if recursive { usize::MAX } else { 1 }).sort_by_file_name();
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !name.ends_with(".md") || name.starts_with('.') {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        out.push((rel, entry.path().to_path_buf()));
    }
    Ok(out)
}

/// Loads, parses and checks the site at `root`. Errors here mean the command cannot run at all
/// (an unreadable file); problems in the content are diagnostics.
pub fn load(root: &Path, now: DateTime<Utc>) -> Result<Site> {
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();

    let config_bytes = read_optional(&root.join(config::FILE))?;
    let config = match config_bytes {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let (config, mut d) = config::parse(&text);
                diagnostics.append(&mut d);
                config
            }
            Err(_) => bail!("{} is not valid UTF-8", root.join(config::FILE).display()),
        },
        None => Config::default(),
    };

    let schema_text = |name: &str| -> Result<Option<String>> {
        let Some(bytes) = read_optional(&root.join("schema").join(name))? else { return Ok(None) };
        String::from_utf8(bytes).map(Some).with_context(|| format!("schema/{name} is not valid UTF-8"))
    };
    let (sev, roles, services) =
        (schema_text("severities.yaml")?, schema_text("roles.yaml")?, schema_text("services.yaml")?);
    let missing: Vec<&str> = [("severities.yaml", &sev), ("roles.yaml", &roles), ("services.yaml", &services)]
        .iter()
        .filter(|(_, t)| t.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        notes.push(format!("no schema/{} in the site: using the built-in defaults", missing.join(", schema/")));
    }
    let (policy, mut d) = schema::parse(&schema::SchemaSources {
        severities: sev.as_deref().map(|t| ("schema/severities.yaml", t)),
        roles: roles.as_deref().map(|t| ("schema/roles.yaml", t)),
        services: services.as_deref().map(|t| ("schema/services.yaml", t)),
    });
    diagnostics.append(&mut d);

    let incident_files = markdown_files(root, &root.join("content").join("incidents"), true)?;
    let parsed: Vec<(Option<Record>, Vec<Diagnostic>)> = incident_files
        .par_iter()
        .map(|(rel, abs)| {
            std::fs::read(abs).with_context(|| format!("cannot read {rel}")).map(|b| record::parse(rel, &b))
        })
        .collect::<Result<_>>()?;
    let mut records = Vec::with_capacity(parsed.len());
    for (record, mut d) in parsed {
        records.extend(record);
        diagnostics.append(&mut d);
    }

    let runbook_files = markdown_files(root, &root.join("content").join("runbooks"), false)?;
    let mut runbooks = Vec::new();
    for (rel, abs) in runbook_files {
        let bytes = std::fs::read(&abs).with_context(|| format!("cannot read {rel}"))?;
        let (runbook, mut d) = record::parse_runbook(&rel, &bytes);
        runbooks.extend(runbook);
        diagnostics.append(&mut d);
    }

    diagnostics.extend(check::run(&check::Input {
        config: &config,
        policy: &policy,
        records: &records,
        runbooks: &runbooks,
        now,
    }));
    diag::sort(&mut diagnostics);
    Ok(Site { root: root.to_path_buf(), config, policy, records, runbooks, diagnostics, notes })
}

impl Site {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == diag::Level::Error)
    }

    /// What `audience` may see. For the public: no private record, and of each public record only
    /// its public timeline entries and, for an incident, its post-mortem only once published. This is the only place private data is dropped.
    pub fn view(&self, audience: Audience) -> View {
        let records = match audience {
            Audience::Internal => self.records.clone(),
            Audience::Public => {
                let hidden: std::collections::HashSet<&str> =
                    self.records.iter().filter(|r| !r.is_public()).map(|r| r.id.value.as_str()).collect();
                self.records
                    .iter()
                    .filter(|r| r.is_public())
                    .map(|r| {
                        let mut r = r.clone();
                        r.timeline.retain(|e| e.is_public());
                        if !r.postmortem_is_public() {
                            r.body.clear();
                        }
                        // Not even the id of a private incident may show.
                        r.related.retain(|id| !hidden.contains(id.value.as_str()));
                        r
                    })
                    .collect()
            }
        };
        View {
            audience,
            config: self.config.clone(),
            policy: self.policy.clone(),
            records,
            runbooks: self.runbooks.clone(),
        }
    }
}

/// What one audience may see of a site: the only input to rendering and metrics.
#[derive(Debug, Clone)]
pub struct View {
    pub audience: Audience,
    pub config: Config,
    pub policy: Policy,
    pub records: Vec<Record>,
    pub runbooks: Vec<Runbook>,
}
