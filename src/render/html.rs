//! The HTML pages: status page, incident pages, history, action tracker, reports, runbooks.
//!
//! Every value reaches a page either through tera's autoescaping or, for Markdown bodies, through
//! [`markdown::render`] (pulldown-cmark then ammonia). Templates use `| safe` only on those bodies
//! and on fragments the theme's own templates rendered (the incident rows, rendered once and
//! reused on every list).

pub mod context;
mod incident;
mod listing;
pub mod markdown;
mod reports;
mod status_page;
pub mod theme;
pub mod time;
mod tracker;

use super::{Options, Pages};
use crate::site::View;
use crate::status::Status;
use anyhow::{anyhow, Context as _, Result};
use context::{Card, Shared};
use rayon::prelude::*;
use serde::Serialize;
use theme::Theme;

/// The script serve mode adds to every page.
pub const LIVE_RELOAD_TAG: &str = r#"<script src="/__incsite/livereload.js" defer></script>"#;

pub fn render(view: &View, status: &Status, opts: &Options, pages: &mut Pages) -> Result<()> {
    let theme = theme::load(opts.theme_dir.as_deref())?;
    let shared = Shared::new(view, status, opts);
    let r = Renderer { theme: &theme, shared: &shared };

    let rows: Vec<String> = shared.cards.par_iter().map(|c| r.row(c)).collect::<Result<_>>()?;

    let mut out: Vec<(String, String)> = Vec::new();
    out.push(status_page::page(&r, &rows)?);
    out.extend(listing::pages(&r, &rows)?);
    out.push(tracker::page(&r)?);
    out.push(reports::page(&r)?);
    out.extend(runbook_pages(&r, &rows)?);
    out.push(not_found_page(&r)?);
    let incident_pages: Vec<(String, String)> =
        (0..view.records.len()).into_par_iter().map(|i| incident::page(&r, i)).collect::<Result<_>>()?;
    out.extend(incident_pages);

    for (path, html) in out {
        let html = if opts.live_reload { inject_live_reload(html) } else { html };
        pages.insert(path, html.into_bytes());
    }
    for (name, bytes) in theme.statics {
        pages.insert(format!("static/{name}"), bytes);
    }
    Ok(())
}

/// Puts the live-reload script just before `</body>` (or at the end when there is none).
fn inject_live_reload(mut html: String) -> String {
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &format!("{LIVE_RELOAD_TAG}\n")),
        None => html.push_str(LIVE_RELOAD_TAG),
    }
    html
}

/// Renders templates with the values every page shares.
pub struct Renderer<'a> {
    pub theme: &'a Theme,
    pub shared: &'a Shared<'a>,
}

impl Renderer<'_> {
    /// Renders `template` for the page at `path` (e.g. `incidents/INC-1/index.html`) with `data`'s
    /// fields at the top level of the context.
    pub fn page<T: Serialize>(
        &self,
        template: &str,
        path: &str,
        nav: &str,
        title: &str,
        data: &T,
    ) -> Result<(String, String)> {
        let mut ctx = tera::Context::from_serialize(data)
            .map_err(|e| anyhow!("{}", theme::tera_error(&e)))
            .with_context(|| format!("cannot prepare {path}"))?;
        let s = self.shared;
        ctx.insert("site", &s.site);
        ctx.insert("root", &s.root);
        ctx.insert("nav", nav);
        ctx.insert("page_title", title);
        ctx.insert("page_path", path);
        if path != "404.html" {
            let url_path = path.strip_suffix("index.html").unwrap_or(path);
            ctx.insert("canonical", &format!("{}/{}", s.opts.base_url.trim_end_matches('/'), url_path));
        }
        let html = self
            .theme
            .tera
            .render(template, &ctx)
            .map_err(|e| anyhow!("{}", theme::tera_error(&e)))
            .with_context(|| format!("cannot render {path} with the template {template}"))?;
        Ok((path.to_string(), html))
    }

    /// One record as a list row (`incident_row.html`), rendered once for every list.
    fn row(&self, card: &Card) -> Result<String> {
        let mut ctx = tera::Context::new();
        ctx.insert("card", card);
        ctx.insert("site", &self.shared.site);
        ctx.insert("root", &self.shared.root);
        self.theme
            .tera
            .render("incident_row.html", &ctx)
            .map_err(|e| anyhow!("{}", theme::tera_error(&e)))
            .with_context(|| format!("cannot render the list row of {}", card.id))
    }
}

fn not_found_page(r: &Renderer) -> Result<(String, String)> {
    #[derive(Serialize)]
    struct NotFound {}
    r.page("404.html", "404.html", "", "Page not found", &NotFound {})
}

/// `runbooks/index.html` and one page per runbook.
fn runbook_pages(r: &Renderer, rows: &[String]) -> Result<Vec<(String, String)>> {
    #[derive(Serialize)]
    struct RunbookView {
        id: String,
        title: String,
        url: String,
        services: String,
        uses: usize,
    }
    #[derive(Serialize)]
    struct Index {
        runbooks: Vec<RunbookView>,
    }
    #[derive(Serialize)]
    struct Page<'a> {
        runbook: &'a RunbookView,
        body_html: String,
        used_in: Vec<&'a str>,
    }
    let s = r.shared;
    let views: Vec<RunbookView> = s
        .view
        .runbooks
        .iter()
        .map(|rb| RunbookView {
            id: rb.id.clone(),
            title: rb.title.clone(),
            url: format!("{}runbooks/{}/", s.root, rb.id),
            services: rb.services.iter().map(|x| s.service_name(x)).collect::<Vec<_>>().join(", "),
            uses: s.runbook_users.get(rb.id.as_str()).map_or(0, Vec::len),
        })
        .collect();
    let mut out = Vec::with_capacity(views.len() + 1);
    for (rb, v) in s.view.runbooks.iter().zip(&views) {
        let mut users: Vec<usize> = s.runbook_users.get(rb.id.as_str()).cloned().unwrap_or_default();
        users.sort_by(|&a, &b| listing::newest_first(s, a, b));
        let page = Page {
            runbook: v,
            body_html: markdown::render(&rb.body, 0, &s.root),
            used_in: users.iter().map(|&i| rows[i].as_str()).collect(),
        };
        out.push(r.page("runbook.html", &format!("runbooks/{}/index.html", rb.id), "runbooks", &rb.title, &page)?);
    }
    out.push(r.page("runbooks.html", "runbooks/index.html", "runbooks", "Runbooks", &Index { runbooks: views })?);
    Ok(out)
}
