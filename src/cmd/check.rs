//! `incsite check`: every problem in the records, for people, for machines and for GitHub.

use crate::diag::{self, Diagnostic, Level};
use crate::site::{self, Site};
use anyhow::Result;
use std::io::{IsTerminal, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style messages with the offending line and a caret
    Human,
    /// one JSON array of diagnostics
    Json,
    /// GitHub Actions annotations
    Github,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// The time that time-dependent rules measure against (RFC 3339); default: SOURCE_DATE_EPOCH or now.
    #[arg(long)]
    pub now: Option<String>,
    /// Also compare each record with its version at this git revision (e.g. `origin/main`): a
    /// published timeline may only grow, ids are permanent, records are never deleted.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
}

/// Runs the check and returns the exit status (0 clean, 1 problems).
pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let now = super::now(args.now.as_deref())?;
    let mut site = site::load(root, now)?;
    if let Some(rev) = &args.base {
        site.diagnostics.extend(crate::git::base::check(&site, rev)?);
        diag::sort(&mut site.diagnostics);
    }
    print(&site, args.format)?;
    let status = status(&site.diagnostics, args.strict);
    // The process ends next: freeing every record's small allocations one by one only costs time.
    std::mem::forget(site);
    Ok(status)
}

/// 1 when there is an error (or, under `strict`, a warning); else 0.
pub fn status(diags: &[Diagnostic], strict: bool) -> u8 {
    let fails = |d: &Diagnostic| d.level == Level::Error || (strict && d.level == Level::Warning);
    u8::from(diags.iter().any(fails))
}

/// Prints the site's diagnostics (and notes, on stderr) in `format`.
pub fn print(site: &Site, format: Format) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Notes go to stderr, except as GitHub notices: standard output holds the diagnostics alone.
    if !matches!(format, Format::Github) {
        for note in &site.notes {
            eprintln!("note: {note}");
        }
    }
    let result = match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&site.diagnostics)?),
        Format::Github => {
            for note in &site.notes {
                writeln!(out, "::notice::{note}")?;
            }
            site.diagnostics.iter().try_for_each(|d| writeln!(out, "{}", diag::github(d)))
        }
        Format::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut cache: Option<(String, Option<String>)> = None;
            for d in &site.diagnostics {
                if cache.as_ref().map(|(f, _)| f != &d.file).unwrap_or(true) {
                    let text = crate::files::source_text(&site.root, &d.file);
                    cache = Some((d.file.clone(), text));
                }
                let source = cache.as_ref().and_then(|(_, t)| t.as_deref());
                writeln!(out, "{}", diag::human(d, source, color))?;
            }
            writeln!(out, "{}", summary(site))
        }
    };
    ignore_broken_pipe(result)
}

/// "checked 17 records: 2 errors, 1 warning".
fn summary(site: &Site) -> String {
    let errors = site.diagnostics.iter().filter(|d| d.level == Level::Error).count();
    let warnings = site.diagnostics.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let counted =
        format!("checked {} and {}", plural(site.records.len(), "record"), plural(site.runbooks.len(), "runbook"));
    if site.diagnostics.is_empty() {
        format!("{counted}: no problems")
    } else {
        format!("{counted}: {}, {}", plural(errors, "error"), plural(warnings, "warning"))
    }
}

/// A closed pipe (`incsite check | head`) is not an error.
pub fn ignore_broken_pipe(result: std::io::Result<()>) -> Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
