//! The HTML pages: status page, incident pages, history, action tracker, reports, runbooks.
//!
//! Every value reaches a page either through tera's autoescaping or, for Markdown bodies, through
//! [`markdown::render`] (pulldown-cmark then ammonia). Templates use `| safe` only on those bodies
//! and on the SVG charts incsite draws. A page is one template render and nothing is filled into
//! its output afterwards: the list rows are `incident_row.html`, included by the list templates
//! for each card, so a theme can change a row (or test `root` in it) and it holds on every page.
//!
//! Every link between pages is relative to the page (`root` is `./`, `../` or `../../`), so a
//! site works from a domain's root, under any sub-path and opened from disk alike. Only
//! `404.html`, which hosts serve at any depth, links from the path of `base_url`; feeds, the
//! sitemap, the canonical link and the API give absolute URLs.

pub mod context;
pub mod i18n;
mod incident;
mod listing;
pub mod markdown;
mod notices;
mod reports;
mod status_page;
pub mod theme;
pub mod time;
mod tracker;

use super::{urls, Options, Sink};
use crate::site::View;
use crate::status::Status;
use anyhow::{anyhow, Context as _, Result};
use context::Shared;
use rayon::prelude::*;
use serde::Serialize;
use theme::Theme;

/// A rendered page: its path in the site and its bytes.
pub type Rendered = (String, Vec<u8>);

/// The script serve mode adds to every page.
pub const LIVE_RELOAD_TAG: &str = r#"<script src="/__incsite/livereload.js" defer></script>"#;

/// Renders every page into `sink` as it is made; returns the pages' paths. `then` runs alongside
/// the site-wide pages (on any core).
pub fn render(
    view: &View,
    status: &Status,
    opts: &Options,
    sink: &dyn Sink,
    then: &(dyn Fn() -> Result<()> + Sync),
) -> Result<Vec<String>> {
    let theme = theme::load(opts.theme_dir.as_deref())?;
    let shared = Shared::new(view, Some(status), opts, words(view, opts)?);
    let r = Renderer::new(&theme, &shared);
    let paths = std::sync::Mutex::new(Vec::new());
    let put = |(path, html): Rendered| -> Result<()> {
        paths.lock().unwrap_or_else(|e| e.into_inner()).push(path.clone());
        sink.put(path, finished(opts, html))
    };

    // The site-wide pages (the lists, the tracker, the reports and `then`'s machine files each
    // take long at 10,000 records) are rendered alongside the incident pages and alongside one
    // another, so that no core waits for them, however many there are.
    let (site_wide, incidents) = rayon::join(
        || -> Result<()> {
            let (lists, rest) = rayon::join(
                || -> Result<()> {
                    put(status_page::page(&r)?)?;
                    listing::pages(&r, &put)?;
                    for page in runbook_pages(&r)? {
                        put(page)?;
                    }
                    put(not_found_page(&r)?)
                },
                || -> Result<()> {
                    let (tracker, machine) = rayon::join(
                        || -> Result<()> {
                            tracker::pages(&r, &put)?;
                            put(reports::page(&r)?)
                        },
                        then,
                    );
                    tracker.and(machine)
                },
            );
            lists.and(rest)
        },
        || {
            (0..view.records.len())
                .into_par_iter()
                .with_max_len(crate::PAR_JOB)
                .try_for_each(|i| put(incident::page(&r, i)?))
        },
    );
    site_wide?;
    incidents?;

    for (name, bytes) in &theme.statics {
        sink.put(format!("static/{name}"), bytes.clone())?;
    }
    Ok(paths.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Renders only the pages of the records at `indexes` (into `view.records`) into `sink`: what
/// `serve` renders first after a save, so that the page being edited reloads at once.
pub fn record_pages(view: &View, opts: &Options, indexes: &[usize], sink: &dyn Sink) -> Result<()> {
    let theme = theme::load(opts.theme_dir.as_deref())?;
    let shared = Shared::new(view, None, opts, words(view, opts)?);
    let r = Renderer::new(&theme, &shared);
    indexes.par_iter().try_for_each(|&i| {
        let (path, html) = incident::page(&r, i)?;
        sink.put(path, finished(opts, html))
    })
}

/// The words of the site's language, with the site's own overrides.
fn words(view: &View, opts: &Options) -> Result<std::sync::Arc<i18n::Words>> {
    Ok(std::sync::Arc::new(i18n::Words::load(&view.config.language, opts.theme_dir.as_deref())?))
}

/// A rendered page as the file to write: with the live-reload script in serve mode.
fn finished(opts: &Options, html: Vec<u8>) -> Vec<u8> {
    if opts.live_reload {
        with_live_reload(html)
    } else {
        html
    }
}

/// Puts the live-reload script just before `</body>` (or at the end when there is none): the one
/// place it is added, for every page `serve` shows (its own "not found" page too).
pub fn with_live_reload(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("{LIVE_RELOAD_TAG}\n");
    match html.windows(7).rposition(|w| w == b"</body>") {
        Some(at) => drop(html.splice(at..at, tag.into_bytes())),
        None => html.extend_from_slice(LIVE_RELOAD_TAG.as_bytes()),
    }
    html
}

/// Renders templates with the values every page shares.
pub struct Renderer<'a> {
    pub theme: &'a Theme,
    pub shared: &'a Shared<'a>,
    /// Contexts that hold only `site` and `t`, one per thread rendering at once: a page's own
    /// values are moved into one for its render and taken out again, so the words (hundreds of
    /// strings) are not copied for each of 10,000 pages.
    contexts: std::sync::Mutex<Vec<tera::Context>>,
}

impl<'a> Renderer<'a> {
    pub fn new(theme: &'a Theme, shared: &'a Shared<'a>) -> Self {
        Renderer { theme, shared, contexts: std::sync::Mutex::new(Vec::new()) }
    }

    /// The way from the page at `path` to the site's root, which every link of the page starts
    /// with: `./`, `../`, … (relative), except on `404.html`, which hosts serve at any depth: there
    /// it is the path of `base_url` (`/`, `/status/`).
    pub fn root(&self, path: &str) -> String {
        if path == NOT_FOUND {
            self.shared.base_path.clone()
        } else {
            context::relative_root(path)
        }
    }

    /// Renders `template` for the page at `path` (e.g. `incidents/INC-1/index.html`) with `data`'s
    /// fields at the top level of the context, beside `site`, `t`, `root`, `nav`, `page_title`,
    /// `page_path` and `canonical`.
    pub fn page<T: Serialize>(&self, template: &str, path: &str, nav: &str, title: &str, data: &T) -> Result<Rendered> {
        let s = self.shared;
        let mut fields = match serde_json::to_value(data) {
            Ok(serde_json::Value::Object(fields)) => fields,
            Ok(_) => return Err(anyhow!("cannot prepare {path}: its values are not a map")),
            Err(e) => return Err(anyhow!("cannot prepare {path}: {e}")),
        };
        fields.insert("root".into(), self.root(path).into());
        fields.insert("nav".into(), nav.into());
        fields.insert("page_title".into(), title.into());
        fields.insert("page_path".into(), path.into());
        if path != NOT_FOUND {
            let url_path = path.strip_suffix("index.html").unwrap_or(path);
            fields.insert("canonical".into(), format!("{}/{}", s.opts.base_url.trim_end_matches('/'), url_path).into());
        }
        if let Some(shared) = SHARED_KEYS.iter().find(|k| fields.contains_key(**k)) {
            return Err(anyhow!("cannot prepare {path}: `{shared}` is a value every page shares"));
        }
        let keys: Vec<String> = fields.keys().cloned().collect();

        let mut ctx = self.contexts.lock().unwrap_or_else(|e| e.into_inner()).pop().unwrap_or_else(|| {
            let mut ctx = tera::Context::new();
            ctx.insert("site", &*s.site_value);
            ctx.insert("t", &*s.words.value);
            ctx
        });
        // Moved in, not copied: `extend` appends the page's map.
        ctx.extend(tera::Context::from_value(serde_json::Value::Object(fields)).map_err(|e| anyhow!("{e}"))?);
        // Rendered as bytes: tera would check a `String` it made for valid UTF-8, which every
        // write into it is already. Sized for most pages at once, instead of growing from 2 KB.
        let mut html = Vec::with_capacity(PAGE_CAPACITY);
        let rendered = self.theme.tera.render_to(template, &ctx, &mut html);
        // The page's values go, whatever the render did: the next page sees `site` and `t` only.
        for key in &keys {
            ctx.remove(key);
        }
        self.contexts.lock().unwrap_or_else(|e| e.into_inner()).push(ctx);
        rendered
            .map_err(|e| anyhow!("{}", theme::tera_error(&e)))
            .with_context(|| format!("cannot render {path} with the template {template}"))?;
        Ok((path.to_string(), html))
    }
}

/// The values in every page's context, made once per render.
const SHARED_KEYS: [&str; 2] = ["site", "t"];

/// The room a page is rendered into at first: an incident page at 10,000 generated records is
/// 18 KB on average.
const PAGE_CAPACITY: usize = 32 * 1024;

/// The output path of the page for addresses that have none.
const NOT_FOUND: &str = "404.html";

fn not_found_page(r: &Renderer) -> Result<Rendered> {
    #[derive(Serialize)]
    struct NotFound {}
    r.page("404.html", NOT_FOUND, "", r.shared.words.get("not_found.title"), &NotFound {})
}

/// `runbooks/index.html` and one page per runbook.
fn runbook_pages(r: &Renderer) -> Result<Vec<Rendered>> {
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
        /// The latest [`listing::PAGE_ROWS`] records that link the runbook, newest first.
        used_in: Vec<&'a context::Card>,
        /// How many records link it in all.
        used_count: usize,
    }
    let s = r.shared;
    let views: Vec<RunbookView> = s
        .view
        .runbooks
        .iter()
        .map(|rb| RunbookView {
            id: rb.id.clone(),
            title: rb.title.clone(),
            url: urls::runbook(&rb.id),
            services: rb.services.iter().map(|x| s.service_name(x)).collect::<Vec<_>>().join(", "),
            uses: s.runbook_users.get(rb.id.as_str()).map_or(0, Vec::len),
        })
        .collect();
    let mut out = Vec::with_capacity(views.len() + 1);
    for (rb, v) in s.view.runbooks.iter().zip(&views) {
        let mut users: Vec<usize> = s.runbook_users.get(rb.id.as_str()).cloned().unwrap_or_default();
        users.sort_by(|&a, &b| listing::newest_first(s, a, b));
        let path = urls::file(&urls::runbook(&rb.id));
        let root = r.root(&path);
        let page = Page {
            runbook: v,
            body_html: markdown::render(&rb.body, 0, &s.base_path, &root),
            used_in: users.iter().take(listing::PAGE_ROWS).map(|&i| s.card(i)).collect(),
            used_count: users.len(),
        };
        out.push(r.page("runbook.html", &path, "runbooks", &rb.title, &page)?);
    }
    let title = s.words.get("runbooks.heading");
    out.push(r.page("runbooks.html", "runbooks/index.html", "runbooks", title, &Index { runbooks: views })?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::site::Audience;
    use proptest::prelude::*;

    /// A view with nothing in it: the probe template reads only `site`, `t` and the page's values.
    fn view() -> View {
        View {
            audience: Audience::Public,
            config: Config::default(),
            policy: Default::default(),
            records: Vec::new(),
            notices: Vec::new(),
            runbooks: Vec::new(),
            history: None,
        }
    }

    /// A theme of one template that shows which of the page values `a`, `b`, `c` it sees, and the
    /// values every page shares.
    fn theme() -> Theme {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template(
            "probe.html",
            "{% if a is defined %}a={{ a }}{% endif %};{% if b is defined %}b={{ b }}{% endif %};\
             {% if c is defined %}c={{ c }}{% endif %};{{ root }}|{{ nav }}|{{ page_title }}|{{ site.title }}|{{ t.nav.status }}",
        )
        .unwrap();
        Theme { tera, statics: Default::default() }
    }

    fn options() -> Options {
        Options {
            now: chrono::Utc::now(),
            base_url: "https://status.example".into(),
            live_reload: false,
            theme_dir: None,
        }
    }

    /// A page: a path, and some of the values `a`, `b`, `c`.
    fn page() -> impl Strategy<Value = (String, Vec<(String, u32)>)> {
        let path =
            prop::sample::select(vec!["index.html", "incidents/INC-1/index.html", "incidents/page/2/index.html"]);
        let values = prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c"]), 0u32..100, 0..3);
        (path, values).prop_map(|(p, v)| (p.to_string(), v.into_iter().map(|(k, n)| (k.to_string(), n)).collect()))
    }

    proptest! {
        /// The pooled contexts are the plain way made cheaper: pages rendered one after another
        /// through one renderer (each reusing the context the one before left) come out the same
        /// as each rendered by a renderer of its own, and none sees another page's values.
        #[test]
        fn pages_through_one_renderer_are_the_pages_rendered_alone(pages in prop::collection::vec(page(), 1..12)) {
            let (view, opts) = (view(), options());
            let words = std::sync::Arc::new(i18n::Words::load("en", None).unwrap());
            let shared = Shared::new(&view, None, &opts, words);
            let theme = theme();
            let pooled = Renderer::new(&theme, &shared);
            for (path, values) in &pages {
                let data: serde_json::Map<String, serde_json::Value> =
                    values.iter().map(|(k, n)| (k.clone(), (*n).into())).collect();
                let (_, through_pool) = pooled.page("probe.html", path, "status", "Probe", &data).unwrap();
                let (_, alone) = Renderer::new(&theme, &shared).page("probe.html", path, "status", "Probe", &data).unwrap();
                prop_assert_eq!(&through_pool, &alone);
                let text = String::from_utf8(through_pool).unwrap();
                for key in ["a", "b", "c"] {
                    let shown = text.contains(&format!("{key}="));
                    prop_assert_eq!(shown, data.contains_key(key), "{} in {}", key, text);
                }
            }
        }
    }

    #[test]
    fn a_page_value_named_like_a_shared_one_is_an_error() {
        let (view, opts) = (view(), options());
        let words = std::sync::Arc::new(i18n::Words::load("en", None).unwrap());
        let shared = Shared::new(&view, None, &opts, words);
        let theme = theme();
        let r = Renderer::new(&theme, &shared);
        let data: serde_json::Map<String, serde_json::Value> = [("t".to_string(), 1.into())].into_iter().collect();
        let err = r.page("probe.html", "index.html", "status", "Probe", &data).unwrap_err();
        assert!(err.to_string().contains("`t` is a value every page shares"), "{err}");
    }
}
