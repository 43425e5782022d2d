//! The preview's HTTP side: rendered pages served from memory (and nothing else — a request can
//! only name a key of the page map), the live-reload script, its event stream and the errors.

use crate::diag::Diagnostic;
use crate::render::Pages;
use axum::body::{Body, Bytes};
use axum::extract::State as Extract;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt as _;

/// Where the live-reload script is served; the HTML pages refer to it in serve mode.
pub const SCRIPT_PATH: &str = "/__incsite/livereload.js";
/// The server-sent event stream the script listens to.
pub const EVENTS_PATH: &str = "/__incsite/events";
/// The errors of the latest build, as a JSON array of diagnostics (empty when it was good).
pub const ERRORS_PATH: &str = "/__incsite/errors.json";

const SCRIPT: &str = include_str!("livereload.js");

/// What the browser is told.
#[derive(Debug, Clone)]
pub enum Event {
    /// A new good build is being served: reload the pages in scope.
    Reload(u64, Scope),
    /// The latest build failed: show these errors (JSON) over the page.
    Errors(Arc<str>),
    /// The server is stopping: end every stream so that shutdown is not held up.
    Shutdown,
}

/// Which open pages a reload is for, by URL path (`/`, `/incidents/INC-1/`).
#[derive(Debug, Clone)]
pub enum Scope {
    All,
    /// Only these: the pages of a saved record, rendered ahead of the rest.
    Only(Arc<[String]>),
    /// All but these, which an earlier `Only` already brought up to date.
    Except(Arc<[String]>),
}

impl Scope {
    /// The event's data: the build number alone for every page, else JSON with `only`/`except`.
    fn data(&self, build: u64) -> String {
        match self {
            Scope::All => build.to_string(),
            Scope::Only(paths) => serde_json::json!({"build": build, "only": &**paths}).to_string(),
            Scope::Except(paths) => serde_json::json!({"build": build, "except": &**paths}).to_string(),
        }
    }
}

/// The URL path a page is opened at: `incidents/INC-1/index.html` → `/incidents/INC-1/`.
pub fn url_path(key: &str) -> String {
    format!("/{}", key.strip_suffix("index.html").unwrap_or(key))
}

/// The pages being served. The bodies are shared, so that a patch copies only the map and a
/// request only a pointer.
pub type Served = BTreeMap<String, Bytes>;

fn served(pages: Pages) -> Served {
    pages.into_iter().map(|(k, v)| (k, Bytes::from(v))).collect()
}

/// The site being served and the channel to the open pages.
#[derive(Debug)]
pub struct State {
    pages: RwLock<Arc<Served>>,
    errors: RwLock<Arc<Vec<Diagnostic>>>,
    build: AtomicU64,
    events: broadcast::Sender<Event>,
}

impl State {
    pub fn new(pages: Pages) -> Arc<State> {
        let (events, _) = broadcast::channel(64);
        Arc::new(State {
            pages: RwLock::new(Arc::new(served(pages))),
            errors: RwLock::new(Arc::new(Vec::new())),
            // Numbered from the clock, so that a page still open from an earlier run of the server
            // sees a different build when it reconnects, and reloads.
            build: AtomicU64::new(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or(1),
            ),
            events,
        })
    }

    /// The pages being served.
    pub fn pages(&self) -> Arc<Served> {
        self.pages.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The errors of the latest build.
    pub fn errors(&self) -> Arc<Vec<Diagnostic>> {
        self.errors.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The number of the build being served.
    pub fn build(&self) -> u64 {
        self.build.load(Ordering::SeqCst)
    }

    /// Serves a new good build, clears the errors and reloads the open pages (even when no page
    /// changed: a save is answered with a reload, so people see that it was seen).
    pub fn publish(&self, pages: Pages) {
        self.publish_except(pages, &[]);
    }

    /// [`State::publish`], except that the open pages at `fresh` (URL paths), already brought up
    /// to date by a [`State::patch`], are not reloaded again.
    pub fn publish_except(&self, pages: Pages, fresh: &[String]) {
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Vec::new());
        *self.pages.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(served(pages));
        let scope = if fresh.is_empty() { Scope::All } else { Scope::Except(fresh.into()) };
        self.reload(scope);
    }

    /// Serves `pages` in place of the ones at their paths (the rest stay), clears the errors, and
    /// reloads only the open pages among them.
    pub fn patch(&self, pages: Pages) {
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Vec::new());
        let paths: Vec<String> = pages.keys().map(|k| url_path(k)).collect();
        {
            let mut served = self.pages.write().unwrap_or_else(|e| e.into_inner());
            let mut next = (**served).clone();
            next.extend(pages.into_iter().map(|(k, v)| (k, Bytes::from(v))));
            *served = Arc::new(next);
        }
        self.reload(Scope::Only(paths.into()));
    }

    fn reload(&self, scope: Scope) {
        let build = self.build.fetch_add(1, Ordering::SeqCst) + 1;
        // No open page is not an error.
        let _ = self.events.send(Event::Reload(build, scope));
    }

    /// Keeps the pages and shows `errors` on the open pages.
    pub fn fail(&self, errors: Vec<Diagnostic>) {
        let json: Arc<str> = serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into()).into();
        *self.errors.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(errors);
        let _ = self.events.send(Event::Errors(json));
    }

    /// Ends every event stream.
    pub fn shutdown(&self) {
        let _ = self.events.send(Event::Shutdown);
    }
}

/// The routes: the three `/__incsite/` endpoints, and every other GET answered from the pages.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .route(ERRORS_PATH, get(errors))
        .fallback_service(get(page).with_state(state.clone()))
        .with_state(state)
}

async fn script() -> Response {
    respond(StatusCode::OK, "text/javascript; charset=utf-8", Body::from(SCRIPT))
}

async fn errors(Extract(state): Extract<Arc<State>>) -> Response {
    let json = serde_json::to_vec(&*state.errors()).unwrap_or_else(|_| b"[]".to_vec());
    respond(StatusCode::OK, "application/json", Body::from(json))
}

async fn events(Extract(state): Extract<Arc<State>>) -> impl IntoResponse {
    // Subscribe before reading the state, so that no build can slip between the two.
    let updates = BroadcastStream::new(state.events.subscribe());
    let hello = serde_json::json!({"build": state.build(), "errors": state.errors().len()}).to_string();
    // `None` first: the greeting that tells a page which build it is looking at.
    let stream = tokio_stream::once(None)
        .chain(updates.map(|m| {
            Some(match m {
                Ok(event) => event,
                // Missed some events: whatever they were, the page is out of date.
                Err(BroadcastStreamRecvError::Lagged(_)) => Event::Reload(0, Scope::All),
            })
        }))
        .take_while(|e| !matches!(e, Some(Event::Shutdown)))
        .map(move |e| -> Result<SseEvent, Infallible> {
            Ok(match e {
                None => SseEvent::default().event("hello").data(hello.as_str()),
                Some(Event::Reload(build, scope)) => SseEvent::default().event("reload").data(scope.data(build)),
                Some(Event::Errors(json)) => SseEvent::default().event("errors").data(&*json),
                Some(Event::Shutdown) => SseEvent::default().comment("bye"),
            })
        });
    let mut response = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn page(Extract(state): Extract<Arc<State>>, uri: Uri) -> Response {
    let pages = state.pages();
    match resolve(uri.path(), &pages) {
        Lookup::Page(key) => {
            let body = pages.get(&key).cloned().unwrap_or_default();
            respond(StatusCode::OK, content_type(&key), Body::from(body))
        }
        Lookup::Redirect(to) => {
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Lookup::NotFound => match pages.get("404.html") {
            Some(body) => respond(StatusCode::NOT_FOUND, content_type("404.html"), Body::from(body.clone())),
            None => respond(
                StatusCode::NOT_FOUND,
                content_type("404.html"),
                Body::from(crate::render::html::with_live_reload(NOT_FOUND.as_bytes().to_vec())),
            ),
        },
    }
}

/// The page shown for a missing path when the site has no `404.html`. It gets the live-reload
/// script too (as every page does, from `render::html::with_live_reload`), so a page that is being
/// written appears as soon as it exists.
const NOT_FOUND: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\
<body><h1>Not found</h1><p>No page at this address in the site being previewed.</p><p><a href=\"/\">Status page</a></p></body></html>\n";

fn respond(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A key of the page map.
    Page(String),
    /// A folder asked for without its slash: the same path with one.
    Redirect(String),
    NotFound,
}

/// Maps a request path (as sent, percent-encoded) to a page: `/` → `index.html`, `/x/` →
/// `x/index.html`, other paths exactly. A path with a `.` or `..` segment, an empty segment, a
/// backslash or a NUL (encoded or not) names nothing; and only keys of `pages` are ever found.
pub fn resolve<V>(raw: &str, pages: &BTreeMap<String, V>) -> Lookup {
    let Some(decoded) = percent_decode(raw) else { return Lookup::NotFound };
    let Some(rest) = decoded.strip_prefix('/') else { return Lookup::NotFound };
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        let bad =
            segment.is_empty() && i != last || *segment == "." || *segment == ".." || segment.contains(['\\', '\0']);
        if bad {
            return Lookup::NotFound;
        }
    }
    let key = if rest.is_empty() || rest.ends_with('/') { format!("{rest}index.html") } else { rest.to_string() };
    if pages.contains_key(&key) {
        Lookup::Page(key)
    } else if !rest.is_empty() && !rest.ends_with('/') && pages.contains_key(&format!("{rest}/index.html")) {
        Lookup::Redirect(format!("{raw}/"))
    } else {
        Lookup::NotFound
    }
}

/// `%XX` decoding; `None` when the result is not UTF-8 or an escape is malformed.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a page by its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" if name == "feed.xml" || name.ends_with(".atom.xml") || path.starts_with("feeds/") => {
            "application/atom+xml"
        }
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> Pages {
        ["index.html", "incidents/index.html", "incidents/INC-1/index.html", "feed.xml", "a b.txt"]
            .iter()
            .map(|k| (k.to_string(), Vec::new()))
            .collect()
    }

    #[test]
    fn maps_paths_to_pages() {
        let p = pages();
        assert_eq!(resolve("/", &p), Lookup::Page("index.html".into()));
        assert_eq!(resolve("/incidents/", &p), Lookup::Page("incidents/index.html".into()));
        assert_eq!(resolve("/incidents/INC-1/", &p), Lookup::Page("incidents/INC-1/index.html".into()));
        assert_eq!(resolve("/incidents/INC-1/index.html", &p), Lookup::Page("incidents/INC-1/index.html".into()));
        assert_eq!(resolve("/feed.xml", &p), Lookup::Page("feed.xml".into()));
        assert_eq!(resolve("/a%20b.txt", &p), Lookup::Page("a b.txt".into()));
        assert_eq!(resolve("/incidents", &p), Lookup::Redirect("/incidents/".into()));
        assert_eq!(resolve("/nope", &p), Lookup::NotFound);
    }

    #[test]
    fn traversal_names_nothing() {
        let p = pages();
        for path in [
            "/../index.html",
            "/%2e%2e/index.html",
            "/%2E%2E/index.html",
            "/incidents/../index.html",
            "/./index.html",
            "//index.html",
            "/incidents//",
            "/..%2findex.html",
            "/%5c..%5cindex.html",
            "/index.html%00",
            "/%zz",
            "/%c0%ae%c0%ae/index.html",
            "index.html",
            "//evil.example/incidents",
        ] {
            assert_eq!(resolve(path, &p), Lookup::NotFound, "{path}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("incidents/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("api/v2/summary.json"), "application/json");
        assert_eq!(content_type("feed.xml"), "application/atom+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("maintenance.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("badges/status.svg"), "image/svg+xml");
        assert_eq!(content_type("static/app.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
