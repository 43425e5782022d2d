//! Rendering a [`View`] into the site: a map from output path to bytes. The same map serves
//! `build` (written to disk by [`crate::output`]) and `serve` (kept in memory).

pub mod api;
pub mod charts;
pub mod feeds;
pub mod html;

use crate::git::History;
use crate::site::View;
use crate::status;
use anyhow::Result;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Output path (relative, `/`-separated, e.g. `incidents/INC-1/index.html`) → file contents.
pub type Pages = BTreeMap<String, Vec<u8>>;

/// What a render needs besides the view.
#[derive(Debug, Clone)]
pub struct Options {
    /// The instant the site describes: status, "12 minutes ago", overdue items.
    pub now: DateTime<Utc>,
    /// Absolute URL for feeds and the sitemap, without a trailing slash.
    pub base_url: String,
    /// The content's git history, when there is a repository.
    pub history: Option<History>,
    /// Serve mode: inject the live-reload script.
    pub live_reload: bool,
    /// The site's own `theme/` folder, whose files override the built-in theme one by one.
    pub theme_dir: Option<PathBuf>,
}

/// Renders every page of the site.
pub fn render(view: &View, opts: &Options) -> Result<Pages> {
    let status = status::compute(view, opts.now);
    let mut pages = Pages::new();
    html::render(view, &status, opts, &mut pages)?;
    api::render(view, &status, opts, &mut pages)?;
    feeds::render(view, &status, opts, &mut pages)?;
    Ok(pages)
}
