//! The whole site in memory: settings, policies, records and runbooks loaded from disk, parsed in
//! parallel and checked; and the one audience filter that decides what a build may show.

use crate::check;
use crate::config::{self, Config};
use crate::diag::{self, Diagnostic, Pos};
use crate::files::{self, Refusal, Root};
use crate::git::History;
use crate::record::{self, Record, Runbook};
use crate::schema::{self, Policy};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod redact;

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
    /// The content's git history, when the caller read it (`build`, `serve`); its public form is
    /// made by [`Site::view`] like everything else.
    pub history: Option<Arc<History>>,
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

/// The bytes of a settings or schema file, or `None` when it does not exist. A file incsite may
/// not read (outside the site, not a regular file, too large) is an error at its name, and is
/// then taken as empty.
fn read_optional(root: &Root, rel: &str, diagnostics: &mut Vec<Diagnostic>) -> Result<Option<Vec<u8>>> {
    read_site_file(root, rel, files::MAX_SETTINGS, diagnostics)
}

/// Reads a file of the site through [`files::Root::read`]: `None` when it is missing, or when it
/// was refused (a diagnostic that names it and prints nothing of it); `Err` only when the system
/// would not give a file that is there.
fn read_site_file(root: &Root, rel: &str, cap: u64, diagnostics: &mut Vec<Diagnostic>) -> Result<Option<Vec<u8>>> {
    match root.read(rel, cap) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(Refusal::Missing) => Ok(None),
        Err(Refusal::Io(e)) => Err(e).with_context(|| format!("cannot read {rel}")),
        Err(refusal) => {
            diagnostics.push(refused(rel, &refusal));
            Ok(Some(Vec::new()))
        }
    }
}

/// The error for a file incsite would not read.
fn refused(rel: &str, refusal: &Refusal) -> Diagnostic {
    Diagnostic::error(rel, Pos::new(1, 1), refusal.code(), format!("{rel} was not read: {refusal}"))
}

/// The Markdown files under `content/<folder>`, as [`markdown_files`] lists them; a folder that
/// resolves to somewhere outside the site is an error and is not walked.
fn content_files(
    root: &Root,
    folder: &str,
    recursive: bool,
    ignored: &mut Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, PathBuf)>> {
    let dir = root.path.join("content").join(folder);
    if dir.exists() && !root.holds_dir(&dir) {
        let rel = format!("content/{folder}");
        let target = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        diagnostics.push(refused(&rel, &Refusal::Outside(target)));
        return Ok(Vec::new());
    }
    markdown_files(&root.path, &dir, recursive, ignored)
}

/// The Markdown files under `dir`, as (path relative to root with `/`, absolute path), sorted:
/// the loader's file discovery, which `serve` uses too when it reloads a folder. `.markdown`
/// files, which are not read, are added to `ignored`.
pub(crate) fn markdown_files(
    root: &Path,
    dir: &Path,
    recursive: bool,
    ignored: &mut Vec<String>,
) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walker = walkdir::WalkDir::new(dir).max_depth(if recursive { usize::MAX } else { 1 });
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        // Symlinks are listed too, and resolved when read (`Root::read` refuses one that leads
        // out of the site); folders behind symlinks are not walked.
        if entry.file_type().is_dir() || !is_markdown_name(&name) {
            if !entry.file_type().is_dir() && name.ends_with(".markdown") && !name.starts_with('.') {
                ignored.push(crate::ignored::relative(root, entry.path()));
            }
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
    let safe = Root::new(root);

    let config = match read_optional(&safe, config::FILE, &mut diagnostics)? {
        Some(bytes) => {
            let text = text_of(config::FILE, bytes, &mut diagnostics);
            let (config, mut d) = config::parse(&text);
            diagnostics.append(&mut d);
            config
        }
        None => Config::default(),
    };

    let mut schema_text = |name: &str| -> Result<Option<String>> {
        let rel = format!("schema/{name}");
        let Some(bytes) = read_optional(&safe, &rel, &mut diagnostics)? else { return Ok(None) };
        Ok(Some(text_of(&rel, bytes, &mut diagnostics)))
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

    let mut ignored = Vec::new();
    let incident_files = content_files(&safe, "incidents", true, &mut ignored, &mut diagnostics)?;
    let parsed: Vec<(Option<Record>, Vec<Diagnostic>)> = incident_files
        .par_iter()
        .with_max_len(crate::PAR_JOB)
        .map(|(rel, _)| {
            let mut d = Vec::new();
            Ok(match read_site_file(&safe, rel, files::MAX_RECORD, &mut d)? {
                Some(bytes) if d.is_empty() => record::parse(rel, &bytes),
                _ => (None, d),
            })
        })
        .collect::<Result<_>>()?;
    let mut records = Vec::with_capacity(parsed.len());
    for (record, mut d) in parsed {
        records.extend(record.map(Arc::new));
        diagnostics.append(&mut d);
    }

    let runbook_files = content_files(&safe, "runbooks", false, &mut ignored, &mut diagnostics)?;
    ignored.extend(crate::ignored::elsewhere(root)?);
    diagnostics.extend(ignored.iter().map(|path| crate::ignored::warning(path)));
    let mut runbooks = Vec::new();
    for (rel, _) in runbook_files {
        let Some(bytes) = read_site_file(&safe, &rel, files::MAX_RECORD, &mut diagnostics)? else { continue };
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
    schema::drop_follow_ons(&policy, &mut diagnostics);
    diag::sort(&mut diagnostics);
    Ok(Site { root: root.to_path_buf(), config, policy, records, runbooks, diagnostics, notes, history: None })
}

impl Site {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == diag::Level::Error)
    }

    /// What `audience` may see. For the public: no private record, and of each public record
    /// only what [`redact`] lets through (its public timeline entries, its post-mortem once
    /// published, no people unless `[public] people`, only the listed `extra:` keys), and of the
    /// git history only what cannot name anything private. This is the only place private data
    /// is dropped.
    pub fn view(&self, audience: Audience) -> View {
        ViewCache::default().view(self, audience)
    }

    /// [`Site::view`] for a caller that needs the site no more (`build`): records no one else
    /// holds are filtered in place instead of copied, so memory holds one set of records.
    pub fn into_view(self, audience: Audience) -> View {
        let (records, history) = match audience {
            Audience::Internal => (self.records, self.history),
            Audience::Public => {
                let rules = rules(&self);
                // On every core: dropping private data frees memory one allocation at a time.
                let records: Vec<Arc<Record>> = self
                    .records
                    .into_par_iter()
                    .with_max_len(crate::PAR_JOB)
                    .filter(|r| r.is_public())
                    .map(|r| {
                        let mut r = Arc::unwrap_or_clone(r);
                        redact::record(&mut r, &rules);
                        Arc::new(r)
                    })
                    .collect();
                let history = public_history(self.history.as_deref(), &records, &self.runbooks, &rules);
                (records, history)
            }
        };
        let (notices, records) = split_notices(records);
        View { audience, config: self.config, policy: self.policy, records, notices, runbooks: self.runbooks, history }
    }
}

/// The notices apart from the incidents and windows, each list in its order: a notice has no
/// outage, so nothing that counts, lists or maps records ever meets one.
fn split_notices(records: Vec<Arc<Record>>) -> (Vec<Arc<Record>>, Vec<Arc<Record>>) {
    records.into_iter().partition(|r| r.kind == crate::record::Kind::Notice)
}

/// The rules a public view of `site` is made by.
fn rules(site: &Site) -> redact::Rules {
    redact::Rules {
        hidden: site.records.iter().filter(|r| !r.is_public()).map(|r| r.id.value.clone()).collect(),
        public: site.config.public.clone(),
    }
}

fn public_history(
    history: Option<&History>,
    records: &[Arc<Record>],
    runbooks: &[Runbook],
    rules: &redact::Rules,
) -> Option<Arc<History>> {
    let runbook_paths: Vec<&str> = runbooks.iter().map(|r| r.path.as_str()).collect();
    history.map(|h| Arc::new(redact::history(h, records, &runbook_paths, rules)))
}

/// The public copies of records made by the last view, so that the next view of a site in which
/// only a few records changed (`serve`, after a save) copies only those again.
#[derive(Debug, Default)]
pub struct ViewCache {
    /// The rules the copies were made by.
    rules: Option<redact::Rules>,
    /// The public history last made, and what it was made from.
    history: Option<(HistoryKey, Option<Arc<History>>)>,
    /// Record as loaded → its public copy (the loaded one is held, so its address stays its own).
    /// Keyed by address, which stays the loaded record's own while the Arc beside it holds it.
    copies: HashMap<usize, (Arc<Record>, Arc<Record>)>,
}

/// What a public history is made from, besides the rules: the history itself (held, and
/// compared by address) and the files the view shows.
#[derive(Debug)]
struct HistoryKey {
    history: Option<Arc<History>>,
    paths: Vec<String>,
}

impl PartialEq for HistoryKey {
    fn eq(&self, other: &Self) -> bool {
        let same = match (&self.history, &other.history) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        same && self.paths == other.paths
    }
}

impl ViewCache {
    /// [`Site::view`], reusing the copies of records that did not change since the last call.
    pub fn view(&mut self, site: &Site, audience: Audience) -> View {
        let (records, history) = match audience {
            Audience::Internal => (site.records.clone(), site.history.clone()),
            Audience::Public => {
                let rules = rules(site);
                let mut old = std::mem::take(&mut self.copies);
                if self.rules.as_ref() != Some(&rules) {
                    old.clear();
                }
                let mut copies = HashMap::with_capacity(site.records.len());
                let records: Vec<Arc<Record>> = site
                    .records
                    .iter()
                    .filter(|r| r.is_public())
                    .map(|r| {
                        let key = Arc::as_ptr(r) as usize;
                        let copy = match old.remove(&key) {
                            Some((_, copy)) => copy,
                            None => {
                                let mut copy = (**r).clone();
                                redact::record(&mut copy, &rules);
                                Arc::new(copy)
                            }
                        };
                        copies.insert(key, (Arc::clone(r), Arc::clone(&copy)));
                        copy
                    })
                    .collect();
                // The public history depends on the history, the rules and which files are shown:
                // made again only when one of them changed (not on every save in `serve`).
                let key = HistoryKey {
                    history: site.history.clone(),
                    paths: records.iter().map(|r| r.path.clone()).collect(),
                };
                let history = match self.history.take() {
                    Some((k, h)) if k == key && self.rules.as_ref() == Some(&rules) => h,
                    _ => public_history(site.history.as_deref(), &records, &site.runbooks, &rules),
                };
                self.history = Some((key, history.clone()));
                self.copies = copies;
                self.rules = Some(rules);
                (records, history)
            }
        };
        let (notices, records) = split_notices(records);
        View {
            audience,
            config: site.config.clone(),
            policy: site.policy.clone(),
            records,
            notices,
            runbooks: site.runbooks.clone(),
            history,
        }
    }
}

/// What one audience may see of a site: the only input to rendering and metrics.
#[derive(Debug, Clone)]
pub struct View {
    pub audience: Audience,
    pub config: Config,
    pub policy: Policy,
    /// Incidents and maintenance windows: what the lists, pages, API and metrics read.
    pub records: Vec<Arc<Record>>,
    /// `kind: notice` records (redacted like the rest): the status page and the Atom feed only.
    pub notices: Vec<Arc<Record>>,
    pub runbooks: Vec<Runbook>,
    /// The git history of the files the view shows, redacted for a public view.
    pub history: Option<Arc<History>>,
}

impl View {
    /// Whether the view may name people (internal, or `[public] people = true`).
    pub fn shows_people(&self) -> bool {
        self.audience == Audience::Internal || self.config.public.people
    }
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

    /// Every field of every record, and the history, for comparing views.
    fn records(v: &View) -> String {
        let history = v.history.as_ref().map(|h| {
            let mut paths: Vec<_> = h.by_path.iter().collect();
            paths.sort_by(|a, b| a.0.cmp(b.0));
            format!("{paths:?} {:?}", h.head)
        });
        format!("{:?} {history:?}", v.records)
    }

    /// A history in which every record file has one commit, the first also touching a private one.
    fn history_of(site: &Site) -> Arc<History> {
        let commit = |id: &str, private: bool| crate::git::Commit {
            id: id.into(),
            short_id: id.into(),
            author: Some("Ann".into()),
            date: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
            summary: Some(format!("message {id}")),
            private,
        };
        let mut h = History::default();
        for (i, r) in site.records.iter().enumerate() {
            h.by_path.insert(r.path.clone(), vec![commit(&format!("c{i}"), i == 0)]);
        }
        Arc::new(h)
    }

    #[test]
    fn a_cached_view_copies_only_changed_records_and_equals_a_fresh_one() {
        let mut site = demo();
        site.history = Some(history_of(&site));
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
        let private_path = private.path.clone();
        site.records[j] = Arc::new(private);
        let third = cache.view(&site, Audience::Public);
        assert_eq!(records(&third), records(&site.view(Audience::Public)));
        assert!(records(&second).contains(&private_path), "the second view showed the record");
        assert!(!records(&third).contains(&private_path), "the third shows neither it nor its history");
        assert!(!records(&third).contains("message c0"), "a commit marked private shows no message");
        assert_eq!(third.records.len(), second.records.len() - 1);
        assert_eq!(records(&site.clone().into_view(Audience::Public)), records(&third), "into_view filters alike");
        assert_eq!(records(&site.clone().into_view(Audience::Internal)), records(&site.view(Audience::Internal)));
    }
}
