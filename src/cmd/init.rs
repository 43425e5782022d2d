//! `incsite init`: scaffolds a site repository — settings, the default policies, an example
//! incident and runbook that pass `incsite check`, and a CI workflow (GitHub Actions or GitLab CI)
//! that works as written — without ever replacing a file that is already there.

use crate::{config, schema};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

const SETTINGS: &str = include_str!("init/incsite.toml");
const INCIDENT: &str = include_str!("init/incident.md");
const RUNBOOK: &str = include_str!("init/runbook.md");
const WORKFLOW: &str = include_str!("init/workflow.yml");
const GITLAB_CI: &str = include_str!("init/gitlab-ci.yml");
const GITIGNORE: &str = include_str!("init/gitignore");

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Creates, in DIR:
  incsite.toml                           site settings, commented
  schema/severities.yaml, roles.yaml,    the built-in policies, to make your own
    services.yaml
  content/incidents/<year>/<date>-….md   an example incident (only when there are no records yet)
  content/runbooks/rollback-a-deploy.md  an example runbook
  .github/workflows/incsite.yml          checks pull requests and comments what they change; builds
                                         and publishes to GitHub Pages on main and every 10 minutes
    (or .gitlab-ci.yml with --ci gitlab)
  .gitignore                             ignores the built site, /public

Inside a git work tree, the CI file goes to the root of the repository (where GitHub and GitLab
look for it), set to run in DIR. The workflow installs the incsite version that wrote it.

The example incident (`extra: {example: true}`) and `base_url = \"https://status.example.com\"`
are placeholders: `incsite check` warns (`init-placeholder`) while they are still there.

A file that already exists is never touched: it is skipped and listed as such, and the rest is
created. So running init again, or in an existing repository, only adds what is missing.")]
pub struct Args {
    /// Where to make the site (created if missing; default: --root, else the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The time the example incident is dated from (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Which CI the workflow is for.
    #[arg(long, value_enum, default_value_t = Ci::Github)]
    pub ci: Ci,
}

/// The CI services `init` writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    /// `.github/workflows/incsite.yml`: GitHub Actions and GitHub Pages
    Github,
    /// `.gitlab-ci.yml`: GitLab CI and GitLab Pages
    Gitlab,
}

/// Where the site sits in its git repository, for the CI file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The site folder relative to the repository's work tree, `/`-separated, empty at its root.
    pub folder: String,
    /// The branch the site is published from.
    pub branch: String,
    /// Whether the site is in a git work tree at all.
    pub in_git: bool,
}

impl Placement {
    /// A site at the root of a repository whose default branch is `main`.
    pub fn root() -> Placement {
        Placement { folder: String::new(), branch: "main".into(), in_git: false }
    }

    /// Where `dir` is in the git work tree that holds it (if one does).
    pub fn find(dir: &Path) -> Placement {
        let Ok(site) = crate::git::SiteRepo::discover(dir) else { return Placement::root() };
        let branch = site
            .repo
            .find_reference("HEAD")
            .ok()
            .and_then(|head| head.symbolic_target().ok().flatten().map(str::to_string))
            .and_then(|target| target.strip_prefix("refs/heads/").map(str::to_string))
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "main".into());
        Placement { folder: site.prefix.trim_end_matches('/').to_string(), branch, in_git: true }
    }

    /// The path from the site folder up to the repository's root (`../../` for `a/b`).
    fn up(&self) -> String {
        if self.folder.is_empty() {
            return String::new();
        }
        "../".repeat(self.folder.split('/').count())
    }
}

/// One file to create: its path relative to the site root, and its text.
#[derive(Debug)]
pub struct Planned {
    pub path: String,
    pub text: String,
    /// Why it is left out even though it does not exist (the example incident, when there are
    /// records already).
    pub skip: Option<&'static str>,
}

/// Creates the files that do not exist yet in DIR (else `root`, else `.`) and reports each one.
pub fn run(root: Option<&Path>, args: &Args) -> Result<u8> {
    let now = match args.now.as_deref() {
        Some(text) => super::now(Some(text))?,
        None => Utc::now(),
    };
    let dir = args.dir.as_deref().or(root).unwrap_or(Path::new("."));
    if dir.exists() && !dir.is_dir() {
        bail!("{} exists and is not a directory", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let has_records = has_markdown(&dir.join("content").join("incidents"));
    let placement = Placement::find(dir);
    let plan = plan(&site_title(dir), now, has_records, args.ci, &placement);

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut created = 0;
    for file in &plan {
        let path = dir.join(&file.path);
        if let Some(why) = file.skip {
            writeln!(out, "  skipped  {} ({why})", file.path)?;
            continue;
        }
        if create(&path, &file.text)? {
            created += 1;
            writeln!(out, "  created  {}", file.path)?;
        } else {
            writeln!(out, "  skipped  {} (already exists; left as it is)", file.path)?;
        }
    }
    let shown = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
    if created == 0 {
        writeln!(out, "Nothing to create: every file is already there.")?;
    } else {
        writeln!(out, "Made an incsite site. Next: {shown}incsite check && incsite serve")?;
    }
    for line in advice(args.ci, &placement) {
        writeln!(out, "{line}")?;
    }
    Ok(0)
}

/// What to do once for the CI file to run, and where it must be.
fn advice(ci: Ci, placement: &Placement) -> Vec<String> {
    let mut out = Vec::new();
    let file = ci_file(ci);
    if !placement.in_git {
        out.push(format!(
            "The site is not in a git repository yet: `git init` it here, so that {file} is at the root of the \
             repository (if this folder becomes a sub-folder of another repository, move {file} to that \
             repository's root and run init there again for the paths in it)."
        ));
    } else if !placement.folder.is_empty() {
        out.push(format!("{file} is at the root of the repository, set to run in `{}`.", placement.folder));
    }
    match ci {
        Ci::Github => out.push(
            "Before the first run: Settings → Pages → Source: \"GitHub Actions\". Then set base_url in \
             incsite.toml and delete the example incident."
                .into(),
        ),
        Ci::Gitlab => out.push(
            "Add a pipeline schedule (`*/10 * * * *`) so the site follows the clock (see the comment in \
             .gitlab-ci.yml). Then set base_url in incsite.toml and delete the example incident."
                .into(),
        ),
    }
    out
}

/// The CI file's path relative to the repository root.
fn ci_file(ci: Ci) -> &'static str {
    match ci {
        Ci::Github => ".github/workflows/incsite.yml",
        Ci::Gitlab => ".gitlab-ci.yml",
    }
}

/// The CI file's text for a site at `placement`, pinned to this incsite's version.
pub fn ci_text(ci: Ci, placement: &Placement) -> String {
    let dir = if placement.folder.is_empty() { ".".to_string() } else { placement.folder.clone() };
    let public = if placement.folder.is_empty() { "public/".to_string() } else { format!("{dir}/public/") };
    // JSON strings are YAML double-quoted scalars: any folder or branch name is quoted safely.
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\".\"".into());
    let template = match ci {
        Ci::Github => WORKFLOW,
        Ci::Gitlab => GITLAB_CI,
    };
    template
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("[@BRANCH@]", &format!("[{}]", quote(&placement.branch)))
        .replace("@BRANCH@", &placement.branch)
        .replace("@DIR@", &quote(&dir))
        .replace("@PUBLIC@", &quote(&public))
}

/// Every file `init` makes, in the order it reports them.
pub fn plan(title: &str, now: DateTime<Utc>, has_records: bool, ci: Ci, placement: &Placement) -> Vec<Planned> {
    let start = (now - Duration::days(14)).date_naive().and_time(NaiveTime::from_hms_opt(13, 5, 0).unwrap_or_default());
    let start = start.and_utc();
    let file = |path: String, text: String| Planned { path, text, skip: None };
    let incident = Planned {
        path: format!("content/incidents/{}/{}-slow-order-listings.md", start.year(), start.format("%Y-%m-%d")),
        text: fill(INCIDENT, start),
        skip: has_records.then_some("content/incidents already holds records"),
    };
    vec![
        file(config::FILE.to_string(), SETTINGS.replace("@TITLE@", &title.replace('"', "'"))),
        file("schema/severities.yaml".into(), schema::DEFAULT_SEVERITIES.into()),
        file("schema/roles.yaml".into(), schema::DEFAULT_ROLES.into()),
        file("schema/services.yaml".into(), format!("{}{}", schema::INIT_SERVICES_HEADER, schema::DEFAULT_SERVICES)),
        incident,
        file("content/runbooks/rollback-a-deploy.md".into(), RUNBOOK.into()),
        file(format!("{}{}", placement.up(), ci_file(ci)), ci_text(ci, placement)),
        file(".gitignore".into(), GITIGNORE.into()),
    ]
}

/// Replaces the template's `@YEAR@`, `@T+<minutes>@` (an RFC 3339 time), `@HM+<minutes>@` (its
/// `HH:MM`) and `@D+<days>@` (a date) with values counted from `start`.
fn fill(template: &str, start: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('@') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let token = after.find('@').map(|close| &after[..close]);
        let value = token.and_then(|t| expand(t, start));
        match (token, value) {
            (Some(t), Some(v)) => {
                out.push_str(&v);
                rest = &after[t.len() + 1..];
            }
            _ => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn expand(token: &str, start: DateTime<Utc>) -> Option<String> {
    if token == "YEAR" {
        return Some(start.year().to_string());
    }
    let (kind, n) = token.split_once('+')?;
    let n: i64 = n.parse().ok()?;
    match kind {
        "T" => Some((start + Duration::minutes(n)).format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        "HM" => Some((start + Duration::minutes(n)).format("%H:%M").to_string()),
        "D" => Some((start + Duration::days(n)).format("%Y-%m-%d").to_string()),
        _ => None,
    }
}

/// "Acme Status" for a directory named `acme-status` or `acme`; "Status" when there is no name.
pub fn site_title(dir: &Path) -> String {
    let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = absolute.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect();
    if words.last().is_some_and(|w| w.eq_ignore_ascii_case("status")) {
        words.pop();
    }
    words.push("Status".into());
    words.join(" ")
}

/// Whether `dir` (recursively) holds a Markdown file.
fn has_markdown(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .any(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".md"))
}

/// Creates `path` with `text`, or returns false when it exists already (it is never replaced).
fn create(path: &Path, text: &str) -> Result<bool> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_times_from_the_start() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T13:05:00Z").unwrap().to_utc();
        assert_eq!(
            fill("a @T+75@ b @HM+41@ c @D+30@ @YEAR@ x@y.z", start),
            "a 2026-03-01T14:20:00Z b 13:46 c 2026-03-31 2026 x@y.z"
        );
    }

    #[test]
    fn titles_from_directory_names() {
        assert_eq!(site_title(Path::new("/tmp/no-such-dir/acme-status")), "Acme Status");
        assert_eq!(site_title(Path::new("/tmp/no-such-dir/northwind")), "Northwind Status");
    }

    #[test]
    fn the_example_incident_parses_cleanly() {
        let now = DateTime::parse_from_rfc3339("2026-03-15T10:00:00Z").unwrap().to_utc();
        let plan = plan("X Status", now, false, Ci::Github, &Placement::root());
        let incident = plan.iter().find(|p| p.path.starts_with("content/incidents/")).unwrap();
        assert_eq!(incident.path, "content/incidents/2026/2026-03-01-slow-order-listings.md");
        let (record, diags) = crate::record::parse(&incident.path, incident.text.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(record.unwrap().id.value, "INC-2026-0001");
    }
}
