//! `incsite schema`: the JSON Schema of a record's front matter, for editor completion and
//! checking as you type (with the site's severities, services and roles when run inside a site).

use crate::record::jsonschema;
use crate::site;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Save it in the site and point your editor at it:
  incsite schema > incsite.schema.json
With VS Code's YAML extension, map it in the `yaml.schemas` setting, or start the front matter
with a `# yaml-language-server: $schema=<relative path>/incsite.schema.json` comment.
Regenerate it when schema/*.yaml changes.")]
pub struct Args {
    /// Print the site-independent schema (free-text severities, services and roles) even inside a site.
    #[arg(long)]
    pub generic: bool,
}

/// Prints the schema. `root` is the site root when one was found (or given).
pub fn run(root: Option<&Path>, args: &Args) -> Result<u8> {
    let site = match root {
        Some(root) if !args.generic => Some(site::load(root, chrono::Utc::now())?),
        _ => None,
    };
    if let Some(site) = &site {
        let policy_problems = site.diagnostics.iter().any(|d| d.file.starts_with("schema/"));
        if policy_problems {
            eprintln!("warning: schema/*.yaml has problems (see `incsite check`); the schema uses what could be read");
        }
    }
    let schema = jsonschema::front_matter(site.as_ref().map(|s| &s.policy));
    let text = serde_json::to_string_pretty(&schema)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    super::check::ignore_broken_pipe(writeln!(out, "{text}"))?;
    Ok(0)
}
