//! Rendering a [`View`] into the site's files, handed to a [`Sink`] as they are made: `build`
//! writes each to disk at once (see [`crate::output`]), so the whole site is never held in
//! memory; `serve` keeps them in a map.

pub mod api;
pub mod charts;
pub mod feeds;
pub mod html;
pub mod search;
pub mod urls;

use crate::site::View;
use crate::status;
use anyhow::Result;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Output path (relative, `/`-separated, e.g. `incidents/INC-1/index.html`) → file contents.
pub type Pages = BTreeMap<String, Vec<u8>>;

/// What a render needs besides the view.
#[derive(Debug, Clone)]
pub struct Options {
    /// The instant the site describes: status, "12 minutes ago", overdue items.
    pub now: DateTime<Utc>,
    /// Absolute URL for feeds and the sitemap, without a trailing slash.
    pub base_url: String,
    /// Serve mode: inject the live-reload script.
    pub live_reload: bool,
    /// The site's own `theme/` folder, whose files override the built-in theme one by one.
    pub theme_dir: Option<PathBuf>,
}

/// Where rendered files go, as they are made (from several threads at once).
pub trait Sink: Sync {
    /// Takes the file at `path` (relative, `/`-separated).
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()>;

    /// Takes the file at `path` as `write` writes it: for files too large to hold whole (the
    /// export is tens of megabytes at 10,000 records), which a sink on disk streams.
    fn put_with(&self, path: String, write: &mut dyn FnMut(&mut dyn std::io::Write) -> Result<()>) -> Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

/// Files kept in memory.
impl Sink for Mutex<Pages> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.lock().unwrap_or_else(|e| e.into_inner()).insert(path, bytes);
        Ok(())
    }
}

/// Renders every file of the site into `sink`.
pub fn render_into(view: &View, opts: &Options, sink: &dyn Sink) -> Result<()> {
    let status = status::compute(view, opts.now);
    // The machine files are made alongside the pages, each kind on its own core when there are
    // cores to spare, each batch handed on as soon as it is made (the export streams to its
    // file); the sitemap last, as it lists the pages.
    let machine = || -> Result<()> {
        let (api, (search, feeds)) = rayon::join(
            || api::render(view, &status, opts, sink),
            || {
                rayon::join(
                    || search::render(view, sink),
                    || -> Result<()> {
                        let mut pages = Pages::new();
                        feeds::render(view, &status, opts, &mut pages)?;
                        pages.into_iter().try_for_each(|(path, bytes)| sink.put(path, bytes))
                    },
                )
            },
        );
        api.and(search).and(feeds)
    };
    let html_paths = html::render(view, &status, opts, sink, &machine)?;
    let mut sitemap = Pages::new();
    feeds::sitemap(opts, &html_paths, &mut sitemap);
    sitemap.into_iter().try_for_each(|(path, bytes)| sink.put(path, bytes))
}

/// Renders only the pages of the records at `indexes` (into `view.records`), into memory.
pub fn render_records(view: &View, opts: &Options, indexes: &[usize]) -> Result<Pages> {
    let pages = Mutex::new(Pages::new());
    html::record_pages(view, opts, indexes, &pages)?;
    Ok(pages.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Renders every file of the site into memory.
pub fn render(view: &View, opts: &Options) -> Result<Pages> {
    let pages = Mutex::new(Pages::new());
    render_into(view, opts, &pages)?;
    Ok(pages.into_inner().unwrap_or_else(|e| e.into_inner()))
}
