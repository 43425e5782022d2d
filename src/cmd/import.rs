//! `incsite import`: history from Statuspage (API v2 JSON) or a cState site written as records,
//! new services appended to `schema/services.yaml`; nothing existing is replaced, so a second run
//! changes nothing.

use crate::import::{self, cstate, statuspage, writing, Import};
use crate::site;
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(Debug, clap::Subcommand)]
pub enum Source {
    /// Statuspage API v2 JSON: incidents.json, scheduled-maintenances.json, summary.json,
    /// single incident objects, or folders of them.
    #[command(after_help = "\
Writes one record per incident under content/incidents/<year>/ (`imported: statuspage`), and adds
the components it needs to schema/services.yaml. impact critical / major / minor / none maps to the
site's severities in order (the first to the most severe), unless --severity-map says otherwise.

Example:
  incsite import statuspage incidents.json scheduled-maintenances.json --severity-map none=SEV-4")]
    Statuspage {
        /// JSON files or folders holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// A cState site: content/issues/*.md and the systems in config.yml.
    #[command(after_help = "\
Issues become incidents (severity down / disrupted / notice mapped to the site's severities in
order), their `{{< track \"time\" >}}` paragraphs updates, `informational` posts notices. Times
without an offset are read as UTC, as cState asks.

Example:
  incsite import cstate ../old-status-site --dry-run")]
    Cstate {
        /// The cState site's folder.
        dir: PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Show what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The source's levels mapped to severity ids: `critical=SEV-1,major=SEV-2` (the rest by order).
    #[arg(long, value_name = "LEVEL=SEVERITY,…")]
    pub severity_map: Option<String>,
}

pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = super::now(None)?;
    let site = site::load(root, now)?;
    let severities: Vec<String> = site.policy.severities.iter().map(|s| s.id.clone()).collect();
    let (name, import, common) = match &args.source {
        Source::Statuspage { paths, common } => {
            let map = import::severity_map(&statuspage::LEVELS, &severities, common.severity_map.as_deref())?;
            let files = json_files(paths)?;
            ("statuspage", statuspage::read(&files, &map), common)
        }
        Source::Cstate { dir, common } => {
            let map = import::severity_map(&cstate::LEVELS, &severities, common.severity_map.as_deref())?;
            let (config, issues) = cstate_files(dir)?;
            ("cstate", cstate::read(config.as_deref(), &issues, &map), common)
        }
    };
    let mut existing: BTreeSet<String> = site.records.iter().map(|r| r.id.value.clone()).collect();
    existing.extend(super::new::scan_ids(&root.join("content"))?);
    let services_path = root.join("schema").join("services.yaml");
    let services_text = match std::fs::read_to_string(&services_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", services_path.display())),
    };
    let exists = |rel: &str| root.join(rel).exists();
    let plan = writing::plan(&import, name, &site.policy, &existing, services_text.as_deref(), &exists)?;
    report_unmapped(&import);
    if plan.notices_skipped > 0 {
        eprintln!("note: {} × informational post (no notices in this version; not written)", plan.notices_skipped);
    }

    let verb = if common.dry_run { "would write" } else { "wrote" };
    if common.dry_run {
        for (path, _) in &plan.files {
            println!("{path}");
        }
        if let Some(text) = &plan.services_text {
            let how = if plan.services_new_file { "create" } else { "append to" };
            println!("schema/services.yaml ({how}):\n{text}");
        }
    } else {
        for path in writing::apply(root, &plan)? {
            println!("{}", path.strip_prefix(root).unwrap_or(&path).display());
        }
    }
    eprintln!(
        "{name}: {verb} {} record(s); {} already in the site; {} new service(s){}",
        plan.files.len(),
        plan.already,
        plan.services.len(),
        if plan.services.is_empty() { String::new() } else { " in schema/services.yaml".to_string() }
    );
    Ok(0)
}

/// Each kind of data that could not be mapped, once, with how often it was met.
fn report_unmapped(import: &Import) {
    for (what, count) in &import.unmapped {
        eprintln!("note: {count} × {what}");
    }
}

/// The JSON documents named, folders read for their `*.json` files (sorted, not recursing into
/// hidden folders).
fn json_files(paths: &[PathBuf]) -> Result<Vec<(String, serde_json::Value)>> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "json"))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        bail!(
            "no JSON files found in {}",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| anyhow::anyhow!("{}:{}:{}: not valid JSON: {e}", path.display(), e.line(), e.column()))?;
            Ok((path.display().to_string(), value))
        })
        .collect()
}

/// A cState site's `config.yml` text (or `config.yaml`, `hugo.yml`, `hugo.yaml`) and its issues.
fn cstate_files(dir: &Path) -> Result<(Option<String>, Vec<cstate::Source>)> {
    let issues_dir = dir.join("content").join("issues");
    if !issues_dir.is_dir() {
        bail!("{} is not a cState site: it has no content/issues/ folder", dir.display());
    }
    let mut config = None;
    for name in ["config.yml", "config.yaml", "hugo.yml", "hugo.yaml"] {
        let path = dir.join(name);
        if path.is_file() {
            config = Some(std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?);
            break;
        }
    }
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&issues_dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_')))
        .collect();
    paths.sort();
    let mut issues = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", path.display()))?;
        let name = path.strip_prefix(&issues_dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        issues.push(cstate::Source { name, text });
    }
    Ok((config, issues))
}
