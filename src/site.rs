//! The whole site in memory: settings, policies, records and runbooks loaded from disk, parsed in
//! parallel and checked; and the one audience filter that decides what a build may show.

use crate::check;
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic};
use crate::record::{self, Record, Runbook};
use crate::schema::{self, Policy};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashMapExt, HashSet};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// Every record that could be read, sorted by path. Shared, so that a view (and `serve`'s
    /// next view) copies only the records it must change.
    pub records: Vec<Arc<Record>>,
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

/// The Markdown files under `dir`, as (path relative to root with `/`, absolute path), sorted:
/// the loader's file discovery, which `serve` uses too when it reloads a folder.
pub(crate) fn markdown_files(root: &Path, dir: &Path, recursive: bool) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walker = walkdir::WalkDir::new(dir).max_depth(if recursive { usize::MAX } else { 1 });
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if !entry.file_type().is_file() || !is_markdown_name(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        out.push((rel, entry.path().to_path_buf()));
    }
    // In the order of a walk with each folder's entries sorted by name, as `sort_by_file_name`
    // gives it; sorted here at once, as that parsed both paths for every comparison (~1 % of a
    // build, before the records can be read in parallel).
    out.sort_by(|(a, _), (b, _)| walk_order(a, b));
    Ok(out)
}

/// Whether a file named `name` is one the loader reads as Markdown: `*.md`, not hidden.
pub(crate) fn is_markdown_name(name: &str) -> bool {
    name.ends_with(".md") && !name.starts_with('.')
}

/// The order of `/`-separated paths in a walk with each folder's entries sorted by name: by their
/// components in turn, which is their bytes' order with `/` below every other byte.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let next = |path: &[u8]| path.get(common).map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 });
    next(a).cmp(&next(b))
}

/// A settings or schema file's text. One that is not UTF-8 is an error at its line, and the rest
/// of it is still read (each bad byte a U+FFFD), so that one bad byte does not hide its other
/// problems.
fn text_of(file: &str, bytes: Vec<u8>, diagnostics: &mut Vec<Diagnostic>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| {
        diagnostics.push(record::not_utf8(file, e.as_bytes(), &e.utf8_error()));
        String::from_utf8_lossy(e.as_bytes()).into_owned()
    })
}

/// Loads, parses and checks the site at `root`. Errors here mean the command cannot run at all
/// (an unreadable file); problems in the content are diagnostics.
pub fn load(root: &Path, now: DateTime<Utc>) -> Result<Site> {
    let mut diagnostics = Vec::new();
    let mut notes = Vec::new();

    let config = match read_optional(&root.join(config::FILE))? {
        Some(bytes) => {
            let text = text_of(config::FILE, bytes, &mut diagnostics);
            let (config, mut d) = config::parse(&text);
            diagnostics.append(&mut d);
            config
        }
        None => Config::default(),
    };

    let mut schema_text = |name: &str| -> Result<Option<String>> {
        let Some(bytes) = read_optional(&root.join("schema").join(name))? else { return Ok(None) };
        Ok(Some(text_of(&format!("schema/{name}"), bytes, &mut diagnostics)))
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
        .with_max_len(crate::PAR_JOB)
        .map(|(rel, abs)| {
            std::fs::read(abs).with_context(|| format!("cannot read {rel}")).map(|b| record::parse(rel, &b))
        })
        .collect::<Result<_>>()?;
    let mut records = Vec::with_capacity(parsed.len());
    for (record, mut d) in parsed {
        records.extend(record.map(Arc::new));
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
    /// its public timeline entries and, for an incident, its post-mortem only once published. This
    /// is the only place private data is dropped.
    pub fn view(&self, audience: Audience) -> View {
        ViewCache::default().view(self, audience)
    }

    /// [`Site::view`] for a caller that needs the site no more (`build`): records no one else
    /// holds are filtered in place instead of copied, so memory holds one set of records.
    pub fn into_view(self, audience: Audience) -> View {
        let records = match audience {
            Audience::Internal => self.records,
            Audience::Public => {
                let hidden = hidden_ids(&self);
                // On every core: dropping private data frees memory one allocation at a time.
                self.records
                    .into_par_iter()
                    .with_max_len(crate::PAR_JOB)
                    .filter(|r| r.is_public())
                    .map(|r| {
                        let mut r = Arc::unwrap_or_clone(r);
                        make_public(&mut r, &hidden);
                        Arc::new(r)
                    })
                    .collect()
            }
        };
        View { audience, config: self.config, policy: self.policy, records, runbooks: self.runbooks }
    }
}

/// The ids of the private records.
fn hidden_ids(site: &Site) -> HashSet<String> {
    site.records.iter().filter(|r| !r.is_public()).map(|r| r.id.value.clone()).collect()
}

/// The public copies of records made by the last view, so that the next view of a site in which
/// only a few records changed (`serve`, after a save) copies only those again.
#[derive(Debug, Default)]
pub struct ViewCache {
    /// The private ids the copies were made without.
    hidden: HashSet<String>,
    /// Record as loaded → its public copy (the loaded one is held, so its address stays its own).
    /// Keyed by address, which stays the loaded record's own while the Arc beside it holds it.
    copies: HashMap<usize, (Arc<Record>, Arc<Record>)>,
}

impl ViewCache {
    /// [`Site::view`], reusing the copies of records that did not change since the last call.
    pub fn view(&mut self, site: &Site, audience: Audience) -> View {
        let records = match audience {
            Audience::Internal => site.records.clone(),
            Audience::Public => {
                let hidden = hidden_ids(site);
                let mut old = std::mem::take(&mut self.copies);
                if hidden != self.hidden {
                    old.clear();
                }
                let mut copies = HashMap::with_capacity(site.records.len());
                let records = site
                    .records
                    .iter()
                    .filter(|r| r.is_public())
                    .map(|r| {
                        let key = Arc::as_ptr(r) as usize;
                        let copy = match old.remove(&key) {
                            Some((_, copy)) => copy,
                            None => Arc::new(public_copy(r, &hidden)),
                        };
                        copies.insert(key, (Arc::clone(r), Arc::clone(&copy)));
                        copy
                    })
                    .collect();
                self.copies = copies;
                self.hidden = hidden;
                records
            }
        };
        View {
            audience,
            config: site.config.clone(),
            policy: site.policy.clone(),
            records,
            runbooks: site.runbooks.clone(),
        }
    }
}

/// What the public may see of a public record: its public timeline entries, its post-mortem once
/// published, and not even the id of a private incident among its related ones.
fn public_copy(r: &Record, hidden: &HashSet<String>) -> Record {
    let mut r = r.clone();
    make_public(&mut r, hidden);
    r
}

fn make_public(r: &mut Record, hidden: &HashSet<String>) {
    r.timeline.retain(|e| e.is_public());
    if !r.postmortem_is_public() {
        r.body = String::new();
    }
    r.related.retain(|id| !hidden.contains(id.value.as_str()));
}

/// What one audience may see of a site: the only input to rendering and metrics.
#[derive(Debug, Clone)]
pub struct View {
    pub audience: Audience,
    pub config: Config,
    pub policy: Policy,
    pub records: Vec<Arc<Record>>,
    pub runbooks: Vec<Runbook>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Site {
        let now = DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").unwrap().to_utc();
        load(Path::new(env!("CARGO_MANIFEST_DIR")), now).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn walk_order_compares_paths_component_by_component(
            a in "[a/.\\-_é]{0,8}", b in "[a/.\\-_é]{0,8}"
        ) {
            proptest::prop_assert_eq!(walk_order(&a, &b), a.split('/').cmp(b.split('/')));
        }
    }

    #[test]
    fn walk_order_puts_a_folder_before_its_longer_named_siblings() {
        let mut paths = ["a-b.md", "a/x.md", "a.md", "a/b/c.md", "a/b.md", "ab/c.md"];
        paths.sort_by(|a, b| walk_order(a, b));
        assert_eq!(paths, ["a/b/c.md", "a/b.md", "a/x.md", "a-b.md", "a.md", "ab/c.md"]);
    }

    /// Every field of every record, for comparing views.
    fn records(v: &View) -> String {
        format!("{:?}", v.records)
    }

    #[test]
    fn a_cached_view_copies_only_changed_records_and_equals_a_fresh_one() {
        let mut site = demo();
        let mut cache = ViewCache::default();
        let first = cache.view(&site, Audience::Public);
        // An edited record: a new Arc, as serve's reload makes.
        let i = site.records.iter().position(|r| r.is_public()).unwrap();
        let mut edited = (*site.records[i]).clone();
        edited.summary = Some("Edited".into());
        site.records[i] = Arc::new(edited);
        let second = cache.view(&site, Audience::Public);
        assert_eq!(records(&second), records(&site.view(Audience::Public)));
        let same = first.records.iter().zip(&second.records).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert_eq!(same, first.records.len() - 1, "only the edited record is copied again");

        // A record turned private: every copy is made again, and its id leaves the others' related.
        let j = site.records.iter().position(|r| r.is_public() && r.is_incident()).unwrap();
        let mut private = (*site.records[j]).clone();
        private.visibility = crate::record::Visibility::Private;
        site.records[j] = Arc::new(private);
        let third = cache.view(&site, Audience::Public);
        assert_eq!(records(&third), records(&site.view(Audience::Public)));
        assert_eq!(third.records.len(), second.records.len() - 1);
        assert_eq!(records(&site.clone().into_view(Audience::Public)), records(&third), "into_view filters alike");
        assert_eq!(records(&site.clone().into_view(Audience::Internal)), records(&site.view(Audience::Internal)));
    }
}
