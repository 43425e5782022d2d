//! `incsite build`: check the site, render it for one audience and swap it into the output folder.

use crate::cmd::check::{self, Format};
use crate::render::{self, Options};
use crate::site::{self, Audience};
use crate::{git, output};
use anyhow::Result;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The output folder (default: public/ in the site root). Replaced whole on success.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Who the site is for: `public` leaves out private incidents and internal timeline entries.
    #[arg(long, value_enum, default_value_t = Audience::Public)]
    pub audience: Audience,
    /// The instant the site describes (RFC 3339 or seconds since 1970); default: SOURCE_DATE_EPOCH or now.
    #[arg(long)]
    pub now: Option<String>,
    /// The absolute URL the site is published at (overrides base_url in incsite.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Emergency publish: build without every record and runbook that has errors (each named on
    /// stderr) instead of refusing to build. Errors in the settings or policies still stop it.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Builds the site; returns the exit status (0 built, 1 the records have errors). The last thing
/// an `incsite build` process does: it leaves the records it read for the exit to free.
pub fn run(root: &Path, args: &Args) -> Result<u8> {
    let started = Instant::now();
    let now = super::now(args.now.as_deref())?;
    // The git history does not depend on the records: walk it on another thread while they load
    // (at 10,000 records each takes over a second); the theme compiles meanwhile too (rendering
    // loads it again from the cache, and reports any error in it then).
    let spinner = Spinner::new("reading the records and their git history");
    let theme_dir = root.join("theme");
    let theme_dir = theme_dir.is_dir().then_some(theme_dir);
    let (site, history) = std::thread::scope(|scope| {
        scope.spawn(|| render::html::theme::load(theme_dir.as_deref()).ok());
        let history = scope.spawn(|| git::history(root));
        let site = site::load(root, now);
        (site, history.join().unwrap_or_else(|_| Err("the history walk failed".into())))
    });
    drop(spinner);
    let mut site = site?;
    if site.has_errors() && args.skip_invalid {
        match crate::salvage::without_invalid(&mut site, now) {
            Ok(left_out) => {
                for (file, first) in &left_out.files {
                    eprintln!("left out {file}: line {}: {}", first.line, first.message);
                }
                let n = left_out.files.len();
                eprintln!(
                    "warning: --skip-invalid: {n} file{} with errors left out of this build (`incsite check` lists every error)",
                    if n == 1 { "" } else { "s" }
                );
            }
            Err(errors) => {
                for d in &errors {
                    eprintln!("{}", crate::diag::human(d, None, false));
                }
                eprintln!("error: not building: these errors are not in a record that --skip-invalid can leave out");
                return Ok(1);
            }
        }
    }
    if site.has_errors() {
        check::print(&site, Format::Human)?;
        eprintln!("error: not building: fix the errors above first (the previous output is untouched)");
        return Ok(1);
    }
    for note in &site.notes {
        eprintln!("note: {note}");
    }
    let warnings = site.diagnostics.len();
    if warnings > 0 {
        eprintln!("note: {warnings} warning{} (see `incsite check`)", if warnings == 1 { "" } else { "s" });
    }
    let history = match history {
        Ok(h) => Some(h),
        Err(reason) => {
            eprintln!("note: building without git history: {reason}");
            None
        }
    };
    site.history = history.map(std::sync::Arc::new);
    let mut view = site.into_view(args.audience);
    // An empty --base-url (an unset CI variable) keeps the settings' one.
    if let Some(url) = args.base_url.as_ref().filter(|u| !u.is_empty()) {
        view.config.base_url = url.trim_end_matches('/').to_string();
    }
    let opts = Options { now, base_url: view.config.base_url.clone(), live_reload: false, theme_dir };
    let out = args.out.clone().unwrap_or_else(|| root.join("public"));
    let spinner = Spinner::new(format!("rendering {} records", view.records.len()));
    // Each page is written as soon as it is rendered, into a folder swapped in only at the end.
    let staging = output::Staging::new(&out, root)?;
    render::render_into(&view, &opts, &staging)?;
    spinner.say("swapping the new site in");
    let files = staging.commit()?;
    drop(spinner);
    eprintln!(
        "built {files} files ({} records, {} audience) into {} in {} ms",
        view.records.len(),
        match args.audience {
            Audience::Public => "public",
            Audience::Internal => "internal",
        },
        out.display(),
        started.elapsed().as_millis()
    );
    // The process ends here: freeing every record and index one allocation at a time would only
    // delay the exit (~0.4 s at 100,000 records, on one core).
    std::mem::forget(view);
    std::mem::forget(opts);
    Ok(0)
}

/// A spinner on stderr naming the step a build is at (10,000 records take seconds), cleared when
/// dropped. Nothing at all when stderr is not a terminal, so CI logs get only the summary line.
struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    fn new(message: impl Into<std::borrow::Cow<'static, str>>) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = indicatif::ProgressBar::new_spinner().with_message(message);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Spinner(Some(bar))
    }

    fn say(&self, message: impl Into<std::borrow::Cow<'static, str>>) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
