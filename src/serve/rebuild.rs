//! Keeping the previewed site up to date: what a changed file means (one record, or everything),
//! and a builder that keeps the parsed records so that a saved incident re-parses only itself.

use crate::check;
use crate::diag::{self, Diagnostic, Level, Pos};
use crate::git::History;
use crate::record;
pub use crate::render::Pages;
use crate::render::{self, Sink};
use crate::site::{self, Audience, Site, View, ViewCache};
use anyhow::Result;
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What a set of changed files asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing the site is made of.
    None,
    /// Only paths under `content/incidents/` (relative): re-read just those — a record file, or a
    /// folder of them (created, moved or deleted).
    Records(BTreeSet<String>),
    /// Settings, schema, runbooks, theme, or folders: load everything again.
    Full,
}

impl Change {
    /// The change that covers both.
    pub fn merge(self, other: Change) -> Change {
        match (self, other) {
            (Change::Full, _) | (_, Change::Full) => Change::Full,
            (Change::None, c) | (c, Change::None) => c,
            (Change::Records(mut a), Change::Records(b)) => {
                a.extend(b);
                Change::Records(a)
            }
        }
    }
}

/// Classifies changed paths (absolute, or relative to `root`).
pub fn classify(root: &Path, paths: &[PathBuf]) -> Change {
    paths.iter().fold(Change::None, |acc, p| acc.merge(classify_one(root, p)))
}

fn classify_one(root: &Path, path: &Path) -> Change {
    let Ok(rel) = path.strip_prefix(root).or_else(|_| if path.is_relative() { Ok(path) } else { Err(()) }) else {
        return Change::None;
    };
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let Some(name) = parts.last() else { return Change::Full };
    if is_scratch(name) {
        return Change::None;
    }
    match parts[0].as_str() {
        crate::config::FILE if parts.len() == 1 => Change::Full,
        "content" if parts.len() > 2 && parts[1] == "incidents" => Change::Records(BTreeSet::from([parts.join("/")])),
        "content" | "schema" | "theme" => Change::Full,
        _ => Change::None,
    }
}

/// Editors' temporary and backup files: `.x.md.swp`, `x.md~`, `#x.md#`, vim's `4913`.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// How to build the preview.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    pub audience: Audience,
    /// `--now`; `None`: the clock, read again on every build.
    pub now: Option<DateTime<Utc>>,
    pub base_url: String,
    pub history: Option<Arc<History>>,
}

/// The result of one build.
#[derive(Debug)]
pub struct Outcome {
    /// The freshly rendered pages, unless the build failed.
    pub pages: Option<Pages>,
    /// `pages` holds only the saved records' pages, rendered first so that the page being edited
    /// reloads at once; [`Builder::render_rest`] renders the whole site after them.
    pub partial: bool,
    /// The errors that make it fail (or, for the first build, that it was rendered despite).
    pub errors: Vec<Diagnostic>,
    pub warnings: usize,
    /// The site's title, for messages.
    pub title: String,
    pub records: usize,
    pub elapsed: Duration,
    /// Notes for people from the load (a schema file that fell back to the default, …).
    pub notes: Vec<String>,
}

/// The latest load of the site, kept between builds.
struct Loaded {
    site: Site,
    /// The diagnostics that do not come from [`check::run`] (parsing, settings, schema): a
    /// record's own are replaced when it is parsed again; the checks are run afresh each time.
    own: Vec<Diagnostic>,
    /// The "now" the site was checked at, which the checks must see again to be told apart.
    checked_at: DateTime<Utc>,
    /// The time-independent checks' findings per record, for the next record change.
    memo: check::Memo,
    /// The public copies of the records, for the next view.
    views: ViewCache,
}

/// Builds the site in memory, keeping what it loaded for the next, smaller build.
pub struct Builder {
    settings: Settings,
    loaded: Option<Loaded>,
    /// Whether a good build has been served yet.
    served: bool,
}

impl Builder {
    pub fn new(settings: Settings) -> Builder {
        Builder { settings, loaded: None, served: false }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Brings the site up to date with `change` and renders it. An `Err` means the files could
    /// not be read at all (the caller keeps serving the last good build). When records were saved
    /// into a site already served, only their pages are rendered ([`Outcome::partial`]).
    pub fn build(&mut self, change: &Change) -> Result<Outcome> {
        let started = Instant::now();
        let now = self.settings.now.unwrap_or_else(Utc::now);
        let saved = match (change, self.loaded.as_mut()) {
            (Change::None, Some(_)) => None,
            (Change::Records(paths), Some(loaded)) => {
                reload_records(&self.settings.root, loaded, paths, now)?;
                Some(paths)
            }
            _ => {
                let mut loaded = load(&self.settings.root, now)?;
                loaded.site.history = self.settings.history.clone();
                self.loaded = Some(loaded);
                None
            }
        };
        let Some(loaded) = self.loaded.as_ref() else { anyhow::bail!("the site is not loaded") };
        let site = &loaded.site;
        let errors: Vec<Diagnostic> = site.diagnostics.iter().filter(|d| d.level == Level::Error).cloned().collect();
        let warnings = site.diagnostics.len() - errors.len();
        let mut outcome = Outcome {
            pages: None,
            partial: false,
            errors,
            warnings,
            title: site.config.title.clone(),
            records: site.records.len(),
            elapsed: Duration::ZERO,
            notes: site.notes.clone(),
        };
        // A broken record keeps the last good site up; only the very first build renders anyway,
        // so that there is something to look at while the errors are fixed.
        if outcome.errors.is_empty() || !self.served {
            let partial = self.served && saved.is_some();
            let view = self.view()?;
            let rendered = match saved {
                Some(paths) if partial => {
                    let first: Vec<usize> =
                        (0..view.records.len()).filter(|&i| under_any(paths, &view.records[i].path)).collect();
                    render::render_records(&view, &self.options(now), &first)
                }
                _ => render::render(&view, &self.options(now)),
            };
            match rendered {
                Ok(pages) => {
                    outcome.pages = Some(pages);
                    outcome.partial = partial;
                    self.served = true;
                }
                Err(e) => outcome.errors.push(render_failed(e)),
            }
        }
        outcome.elapsed = started.elapsed();
        Ok(outcome)
    }

    /// After a partial build: the whole site. `None` when `cancel` was set first (another save
    /// came in, whose build will render the rest again).
    pub fn render_rest(&mut self, cancel: &AtomicBool) -> Result<Option<Pages>> {
        let now = self.settings.now.unwrap_or_else(Utc::now);
        let view = self.view()?;
        let sink = Cancellable { pages: Mutex::new(Pages::new()), cancel };
        match render::render_into(&view, &self.options(now), &sink) {
            Ok(()) => Ok(Some(sink.pages.into_inner().unwrap_or_else(|e| e.into_inner()))),
            Err(_) if cancel.load(Ordering::SeqCst) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// What the audience sees of the site as loaded (copies reused from the last view).
    fn view(&mut self) -> Result<View> {
        let Some(loaded) = self.loaded.as_mut() else { anyhow::bail!("the site is not loaded") };
        Ok(loaded.views.view(&loaded.site, self.settings.audience))
    }

    fn options(&self, now: DateTime<Utc>) -> render::Options {
        let theme = self.settings.root.join("theme");
        render::Options {
            now,
            base_url: self.settings.base_url.clone(),
            live_reload: true,
            theme_dir: theme.is_dir().then_some(theme),
        }
    }
}

fn render_failed(e: anyhow::Error) -> Diagnostic {
    Diagnostic::error("theme", Pos::file(), "render-failed", format!("the site could not be rendered: {e:#}"))
}

/// Pages kept in memory until `cancel` is set, which ends the render at its next page.
struct Cancellable<'a> {
    pages: Mutex<Pages>,
    cancel: &'a AtomicBool,
}

impl Sink for Cancellable<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            anyhow::bail!("superseded by a newer save");
        }
        self.pages.put(path, bytes)
    }
}

/// Whether `file` is one of `paths` or inside one of them.
fn under_any(paths: &BTreeSet<String>, file: &str) -> bool {
    paths.iter().any(|p| file == p || file.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('/')))
}

/// The check rules' input for a site.
fn check_input(site: &Site, now: DateTime<Utc>) -> check::Input<'_> {
    check::Input { config: &site.config, policy: &site.policy, records: &site.records, runbooks: &site.runbooks, now }
}

/// A full load, with the checks' findings told apart from the rest (once more, on top of the
/// load's own run: a one-off cost, which fills the memo the first save then needs).
fn load(root: &Path, now: DateTime<Utc>) -> Result<Loaded> {
    let site = site::load(root, now)?;
    let mut memo = check::Memo::default();
    let checks = check::run_with(&check_input(&site, now), &mut memo);
    let own = without(&site.diagnostics, checks);
    Ok(Loaded { site, own, checked_at: now, memo, views: ViewCache::default() })
}

/// `all` less each diagnostic of `remove` (counted: two equal ones remove two).
fn without(all: &[Diagnostic], remove: Vec<Diagnostic>) -> Vec<Diagnostic> {
    type Key<'a> = (&'a str, usize, Option<usize>, Level, &'a str, &'a str, Option<&'a str>);
    fn key(d: &Diagnostic) -> Key<'_> {
        (&d.file, d.line, d.column, d.level, d.code, &d.message, d.hint.as_deref())
    }
    let mut counts: HashMap<Key, usize> = HashMap::new();
    for d in &remove {
        *counts.entry(key(d)).or_default() += 1;
    }
    all.iter()
        .filter(|d| match counts.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

/// Reads `paths` again — record files, or folders of them — dropping what is gone, then re-runs
/// the checks over all records: the cost of a saved incident is one parse plus the cross-record
/// checks.
fn reload_records(root: &Path, loaded: &mut Loaded, paths: &BTreeSet<String>, now: DateTime<Utc>) -> Result<()> {
    let own = &mut loaded.own;
    let under = |file: &str| under_any(paths, file);
    let site = &mut loaded.site;
    site.records.retain(|r| !under(&r.path));
    own.retain(|d| !under(&d.file));
    let mut files = BTreeSet::new();
    for path in paths {
        let abs = root.join(path);
        if abs.is_dir() {
            // The loader's own discovery, so that a reloaded folder yields what a full load would.
            let mut ignored = Vec::new();
            files.extend(crate::site::markdown_files(root, &abs, true, &mut ignored)?.into_iter().map(|(rel, _)| rel));
        } else if abs.is_file() && is_record_file(path) {
            files.insert(path.clone());
        }
    }
    let safe = crate::files::Root::new(root);
    for path in &files {
        let bytes = match safe.read(path, crate::files::MAX_RECORD) {
            Ok(b) => b,
            // Gone again since it was listed: as if it had never been there.
            Err(crate::files::Refusal::Missing) => continue,
            Err(refusal) => anyhow::bail!("{path} was not read: {refusal}"),
        };
        let (record, diags) = record::parse(path, &bytes);
        if let Some(record) = record {
            // The loader's order: by path, folder by folder.
            let at = site.records.partition_point(|r| r.path.split('/').lt(record.path.split('/')));
            site.records.insert(at, std::sync::Arc::new(record));
        }
        own.extend(diags);
    }
    let mut diagnostics = own.clone();
    diagnostics.extend(check::run_with(&check_input(site, now), &mut loaded.memo));
    diag::sort(&mut diagnostics);
    site.diagnostics = diagnostics;
    loaded.checked_at = now;
    Ok(())
}

/// A file the loader reads as a record: `*.md`, not hidden.
fn is_record_file(path: &str) -> bool {
    crate::site::is_markdown_name(path.rsplit('/').next().unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(paths: &[&str]) -> Change {
        let root = Path::new("/site");
        classify(root, &paths.iter().map(|p| root.join(p)).collect::<Vec<_>>())
    }

    #[test]
    fn a_saved_record_is_a_record_change() {
        assert_eq!(
            change(&["content/incidents/2026/a.md", "content/incidents/2026/.a.md.swp"]),
            Change::Records(BTreeSet::from(["content/incidents/2026/a.md".to_string()]))
        );
    }

    #[test]
    fn settings_schema_theme_and_runbooks_rebuild_everything() {
        for p in ["incsite.toml", "schema/roles.yaml", "theme/templates/base.html", "content/runbooks/x.md"] {
            assert_eq!(change(&["content/incidents/a.md", p]), Change::Full, "{p}");
        }
    }

    #[test]
    fn anything_under_incidents_is_read_again_by_itself() {
        // A folder moved in, or an editor's temporary file (which the reload then skips).
        assert_eq!(
            change(&["content/incidents/2027", "content/incidents/sed4Xk1"]),
            Change::Records(BTreeSet::from(["content/incidents/2027".into(), "content/incidents/sed4Xk1".into()]))
        );
    }

    #[test]
    fn other_files_are_ignored() {
        assert_eq!(change(&["README.md", "public/index.html", "target/x", "content/incidents/a.md~"]), Change::None);
        assert_eq!(classify(Path::new("/site"), &[PathBuf::from("/elsewhere/incsite.toml")]), Change::None);
    }

    /// A copy of the demo site (the repository's own) in a temporary folder.
    fn demo_copy() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(src.join("incsite.toml"), tmp.path().join("incsite.toml")).unwrap();
        for dir in ["schema", "content"] {
            for entry in walkdir::WalkDir::new(src.join(dir)) {
                let entry = entry.unwrap();
                let target = tmp.path().join(entry.path().strip_prefix(src).unwrap());
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&target).unwrap();
                } else {
                    std::fs::copy(entry.path(), &target).unwrap();
                }
            }
        }
        tmp
    }

    /// A demo copy and the settings of a public preview of it at a fixed time.
    fn demo_settings() -> (tempfile::TempDir, Settings) {
        let tmp = demo_copy();
        let settings = Settings {
            root: tmp.path().into(),
            audience: Audience::Public,
            now: Some(DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").unwrap().to_utc()),
            base_url: "http://x".into(),
            history: None,
        };
        (tmp, settings)
    }

    #[test]
    fn a_record_reload_matches_a_full_load() {
        let (tmp, settings) = demo_settings();
        let (root, now) = (tmp.path(), settings.now.unwrap());
        let mut builder = Builder::new(settings);
        builder.build(&Change::Full).unwrap();
        let incidents = root.join("content/incidents");
        let mut names: Vec<PathBuf> = walkdir::WalkDir::new(&incidents)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.is_file())
            .collect();
        names.sort();
        // Edit one, break one, delete one, and move a whole folder.
        let text = std::fs::read_to_string(&names[0]).unwrap();
        std::fs::write(&names[0], text.replacen("title:", "title: Edited", 1)).unwrap();
        let text = std::fs::read_to_string(&names[1]).unwrap();
        std::fs::write(&names[1], text.replacen("severity:", "severity: [", 1)).unwrap();
        std::fs::remove_file(&names[2]).unwrap();
        std::fs::rename(incidents.join("2025"), incidents.join("old")).unwrap();
        let changed: Vec<PathBuf> =
            vec![names[0].clone(), names[1].clone(), names[2].clone(), incidents.join("2025"), incidents.join("old")];
        let change = classify(root, &changed);
        assert!(matches!(change, Change::Records(_)), "{change:?}");
        let outcome = builder.build(&change).unwrap();
        assert!(!outcome.errors.is_empty());

        let full = site::load(root, now).unwrap();
        let incremental = &builder.loaded.as_ref().unwrap().site;
        let paths = |s: &Site| s.records.iter().map(|r| (r.path.clone(), r.title().to_string())).collect::<Vec<_>>();
        assert_eq!(paths(incremental), paths(&full));
        assert_eq!(incremental.diagnostics, full.diagnostics);
        assert!(paths(incremental).iter().any(|(p, _)| p.starts_with("content/incidents/old/")));
    }

    #[test]
    fn a_saved_record_renders_its_page_first_then_the_rest_equals_a_full_render() {
        let (tmp, settings) = demo_settings();
        let (root, now) = (tmp.path(), settings.now.unwrap());
        let mut builder = Builder::new(settings.clone());
        let first = builder.build(&Change::Full).unwrap();
        assert!(!first.partial);
        let full_count = first.pages.unwrap().len();

        let site = site::load(root, now).unwrap();
        let record = site.records.iter().find(|r| r.is_public() && r.is_incident()).unwrap();
        let text = std::fs::read_to_string(root.join(&record.path)).unwrap();
        let edited = text.replacen("title:", "title: Edited", 1);
        assert_ne!(text, edited);
        std::fs::write(root.join(&record.path), edited).unwrap();
        let change = Change::Records(BTreeSet::from([record.path.clone()]));
        let outcome = builder.build(&change).unwrap();
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        assert!(outcome.partial);
        let pages = outcome.pages.unwrap();
        let key = crate::render::urls::file(&crate::render::urls::record(&record.id.value));
        assert_eq!(pages.keys().collect::<Vec<_>>(), [&key], "only the saved record's page comes first");
        assert!(String::from_utf8_lossy(&pages[&key]).contains("Edited"));

        let cancelled = AtomicBool::new(true);
        assert!(builder.render_rest(&cancelled).unwrap().is_none(), "a newer save stops the rest");
        let rest = builder.render_rest(&AtomicBool::new(false)).unwrap().unwrap();
        assert_eq!(rest.len(), full_count);
        assert_eq!(rest[&key], pages[&key], "the page rendered first is the page of the whole site");
        let mut fresh = Builder::new(settings);
        let expected = fresh.build(&Change::Full).unwrap().pages.unwrap();
        assert!(rest == expected, "the rest equals a full build of the saved site");
    }

    #[test]
    fn without_removes_counted_copies() {
        let d = |m: &str| Diagnostic::error("a.md", Pos::new(1, 1), "c", m);
        let all = vec![d("x"), d("x"), d("y")];
        assert_eq!(without(&all, vec![d("x")]), vec![d("x"), d("y")]);
    }
}
