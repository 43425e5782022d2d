//! `incsite init`: scaffolds a site repository — settings, the default policies, an example
//! incident and runbook that pass `incsite check`, and a GitHub Actions workflow — without ever
//! replacing a file that is already there.

use crate::{config, schema};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

const SETTINGS: &str = include_str!("init/incsite.toml");
const INCIDENT: &str = include_str!("init/incident.md");
const RUNBOOK: &str = include_str!("init/runbook.md");
const WORKFLOW: &str = include_str!("init/workflow.yml");
const GITIGNORE: &str = include_str!("init/gitignore");
const SERVICES_HEADER: &str = "# Example services: replace them with yours. Incidents name them under `impact`.\n";

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Creates, in DIR:
  incsite.toml                           site settings, commented
  schema/severities.yaml, roles.yaml,    the built-in policies, to make your own
    services.yaml
  content/incidents/<year>/<date>-….md   an example incident (only when there are no records yet)
  content/runbooks/rollback-a-deploy.md  an example runbook
  .github/workflows/incsite.yml          checks pull requests; builds and publishes to GitHub Pages
  .gitignore                             ignores the built site, /public

A file that already exists is never touched: it is skipped and listed as such, and the rest is
created. So running init again, or in an existing repository, only adds what is missing.")]
pub struct Args {
    /// Where to make the site (created if missing; default: --root, else the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The time the example incident is dated from (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
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
    let plan = plan(&site_title(dir), now, has_records);

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
    Ok(0)
}

/// Every file `init` makes, in the order it reports them.
pub fn plan(title: &str, now: DateTime<Utc>, has_records: bool) -> Vec<Planned> {
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
        file("schema/services.yaml".into(), format!("{SERVICES_HEADER}{}", schema::DEFAULT_SERVICES)),
        incident,
        file("content/runbooks/rollback-a-deploy.md".into(), RUNBOOK.into()),
        file(".github/workflows/incsite.yml".into(), WORKFLOW.into()),
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
        let plan = plan("X Status", now, false);
        let incident = plan.iter().find(|p| p.path.starts_with("content/incidents/")).unwrap();
        assert_eq!(incident.path, "content/incidents/2026/2026-03-01-slow-order-listings.md");
        let (record, diags) = crate::record::parse(&incident.path, incident.text.as_bytes());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(record.unwrap().id.value, "INC-2026-0001");
    }
}
