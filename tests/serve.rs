//! `incsite serve` end to end: the real binary on a temporary site, spoken to over plain HTTP on
//! 127.0.0.1 — pages, traversal, live reload after a save, errors kept off the page until fixed —
//! and the server's routes on a page map made by hand.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const NOW: &str = "2026-03-10T12:00:00Z";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn incident(id: &str, title: &str) -> String {
    [
        &format!("---\nid: {id}\ntitle: {title}\nseverity: SEV-4\nstatus: investigating\n"),
        "summary: Something is off.\nimpact:\n  web-app: degraded\nroles:\n  resolver: Yuki Sato\ntimeline:\n",
        "  - at: 2026-03-10T10:00:00Z\n    event: detected\n    text: The alert fired.\n",
        "  - at: 2026-03-10T10:10:00Z\n    event: update\n    status: investigating\n    text: We are looking into it.\n",
        "---\n",
    ]
    .concat()
}

/// A small site: settings, the built-in schema and two incidents.
fn site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "incsite.toml", "title = \"Fixture Status\"\ntimezone = \"UTC\"\n");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for name in ["severities.yaml", "roles.yaml", "services.yaml"] {
        write(dir, &format!("schema/{name}"), &std::fs::read_to_string(schema.join(name)).unwrap());
    }
    write(dir, "content/incidents/INC-1.md", &incident("INC-1", "Dashboard is slow"));
    write(dir, "content/incidents/INC-2.md", &incident("INC-2", "Webhooks are late"));
    tmp
}

/// The running server; killed when dropped, whether the test passed or not.
struct Server {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("incsite"))
            .args(["serve", "--port", "0", "--now", NOW, "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server { child, port: 0, lines };
        let first = server.wait_line("Serving ", Duration::from_secs(60));
        assert!(first.starts_with("Serving Fixture Status at http://127.0.0.1:"), "{first}");
        assert!(first.contains(" pages, built in ") && first.ends_with(" ms)"), "{first}");
        let port = first.split("127.0.0.1:").nth(1).unwrap().split(' ').next().unwrap();
        server.port = port.parse().unwrap();
        server
    }

    /// The next line of output containing `needle`.
    fn wait_line(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?} within {timeout:?}"),
            }
        }
    }

    fn get(&self, path: &str) -> Response {
        get(self.port, path)
    }
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

/// A GET over a fresh connection, the path sent exactly as given.
fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Response { status, head: head.to_lowercase(), body: body.to_string() }
}

/// The event stream, read as it comes.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        write!(stream, "GET /__incsite/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        Events { stream, seen: String::new() }
    }

    /// Waits until `needle` has arrived (after what earlier calls consumed) and returns the text
    /// up to the end of that event.
    fn wait(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(at) = self.seen.find(needle) {
                let end = self.seen[at..].find("\n\n").map(|e| at + e + 2).unwrap_or(self.seen.len());
                let event = self.seen[at..end].to_string();
                self.seen.drain(..end);
                return event;
            }
            assert!(Instant::now() < deadline, "no {needle:?} within {timeout:?}; got {:?}", self.seen);
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the event stream closed; got {:?}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("{e}"),
            }
        }
    }
}

/// The page (if any) that the renderer writes a record's title into: after the HTML pages exist,
/// the incident's own page.
fn page_showing(root: &Path, text: &str) -> Option<String> {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let site = incsite::site::load(root, now).unwrap();
    let opts =
        incsite::render::Options { now, base_url: "http://127.0.0.1".into(), live_reload: true, theme_dir: None };
    let pages = incsite::render::render(&site.view(incsite::site::Audience::Public), &opts).unwrap();
    let html = pages.iter().filter(|(k, _)| k.ends_with(".html"));
    html.clone()
        .find(|(k, v)| k.starts_with("incidents/") && String::from_utf8_lossy(v).contains(text))
        .or_else(|| pages.iter().find(|(_, v)| String::from_utf8_lossy(v).contains(text)))
        .map(|(k, _)| format!("/{}", k.strip_suffix("index.html").unwrap_or(k)))
}

#[test]
fn serves_pages_and_nothing_else() {
    let tmp = site();
    let server = Server::start(tmp.path());

    let home = server.get("/");
    assert!(home.head.contains("content-type: text/html; charset=utf-8"), "{}", home.head);
    // The status page once the HTML pages are in; until then the fallback 404 page. Both load
    // the live-reload script.
    assert!(home.status == 200 || home.status == 404, "{}", home.head);
    assert!(home.body.contains(r#"<script src="/__incsite/livereload.js" defer></script>"#), "{}", home.body);

    let script = server.get("/__incsite/livereload.js");
    assert_eq!(script.status, 200);
    assert!(script.head.contains("content-type: text/javascript"), "{}", script.head);
    assert!(script.body.contains("new EventSource(\"/__incsite/events\")"));
    assert!(!script.body.contains("innerHTML"), "the overlay must use textContent only");

    for path in
        ["/../Cargo.toml", "/%2e%2e/incsite.toml", "/..%2fincsite.toml", "/incsite.toml", "/content/incidents/INC-1.md"]
    {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.head);
        assert!(!r.body.contains("Fixture Status\"\ntimezone") && !r.body.contains("severity: SEV-4"), "{path}");
    }

    let errors = server.get("/__incsite/errors.json");
    assert_eq!(errors.status, 200);
    assert!(errors.head.contains("content-type: application/json"));
    assert_eq!(errors.body.trim(), "[]");
}

#[test]
fn a_save_reloads_a_broken_record_keeps_the_last_good_site() {
    let tmp = site();
    let root = tmp.path();
    let record = root.join("content/incidents/INC-1.md");
    let server = Server::start(root);
    let mut events = Events::open(server.port);
    let hello = events.wait("event: hello", Duration::from_secs(5));
    assert!(hello.contains("\"errors\":0"), "{hello}");

    // A good save: the open pages are told to reload, and the new text is served.
    std::fs::write(&record, incident("INC-1", "Dashboard is very slow")).unwrap();
    let started = Instant::now();
    events.wait("event: reload", Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2), "reload took {:?}", started.elapsed());
    server.wait_line("INC-1.md: rebuilt in", Duration::from_secs(5));
    let page = page_showing(root, "Dashboard is very slow");
    if let Some(page) = &page {
        let r = server.get(page);
        assert_eq!(r.status, 200, "{page}");
        assert!(r.body.contains("Dashboard is very slow"), "{page}");
    }
    // The saved incident's page came first; the lists follow.
    server.wait_line("the rest of the site rebuilt in", Duration::from_secs(5));
    assert!(server.get("/incidents/").body.contains("Dashboard is very slow"));

    // A save that breaks the record: the errors go to the page and the terminal, the site stays.
    let broken = incident("INC-1", "Dashboard is broken").replace("severity: SEV-4", "severity: [SEV-4");
    std::fs::write(&record, broken).unwrap();
    let shown = events.wait("event: errors", Duration::from_secs(5));
    assert!(shown.contains("content/incidents/INC-1.md"), "{shown}");
    server.wait_line("still serving the last good build", Duration::from_secs(5));
    let errors = server.get("/__incsite/errors.json");
    let list: serde_json::Value = serde_json::from_str(&errors.body).unwrap();
    let first = &list.as_array().unwrap()[0];
    assert_eq!(first["file"], "content/incidents/INC-1.md");
    assert_eq!(first["level"], "error");
    assert!(first["line"].as_u64().unwrap() >= 1);
    if let Some(page) = &page {
        let r = server.get(page);
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Dashboard is very slow") && !r.body.contains("Dashboard is broken"), "{page}");
    }

    // Fixed: the errors are gone and the pages reload once more.
    std::fs::write(&record, incident("INC-1", "Dashboard is fine again")).unwrap();
    events.wait("event: reload", Duration::from_secs(5));
    server.wait_line("fixed, rebuilt in", Duration::from_secs(5));
    assert_eq!(server.get("/__incsite/errors.json").body.trim(), "[]");
    if let Some(page) = page_showing(root, "Dashboard is fine again") {
        assert!(server.get(&page).body.contains("Dashboard is fine again"), "{page}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_pages_open() {
    let tmp = site();
    let mut server = Server::start(tmp.path());
    let mut events = Events::open(server.port);
    events.wait("event: hello", Duration::from_secs(5));
    let status = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(code) = server.child.try_wait().unwrap() {
            break code;
        }
        assert!(Instant::now() < deadline, "still running 10 s after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "{code:?}");
    server.wait_line("Stopped.", Duration::from_secs(1));
}

/// The routes on a page map made by hand, served in this process.
#[test]
fn routes_map_paths_onto_the_pages() {
    use incsite::serve::http::{router, State};
    let pages: incsite::render::Pages = [
        ("index.html", "<p>home</p>"),
        ("incidents/INC-1/index.html", "<p>one</p>"),
        ("api/v2/summary.json", "{}"),
        ("feed.xml", "<feed/>"),
        ("badges/status.svg", "<svg/>"),
        ("404.html", "<p>custom 404</p>"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
    .collect();
    let state = State::new(pages.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    runtime.spawn(async move { axum::serve(listener, router(state.clone())).await });

    let cases = [
        ("/", 200, "text/html", "home"),
        ("/incidents/INC-1/", 200, "text/html", "one"),
        ("/api/v2/summary.json", 200, "application/json", "{}"),
        ("/feed.xml", 200, "application/atom+xml", "<feed/>"),
        ("/badges/status.svg", 200, "image/svg+xml", "<svg/>"),
        ("/nope/", 404, "text/html", "custom 404"),
        ("/../index.html", 404, "text/html", "custom 404"),
        ("/%2e%2e/index.html", 404, "text/html", "custom 404"),
    ];
    for (path, status, content_type, body) in cases {
        let r = get(port, path);
        assert_eq!(r.status, status, "{path}");
        assert!(r.head.contains(&format!("content-type: {content_type}")), "{path}: {}", r.head);
        assert!(r.body.contains(body), "{path}: {}", r.body);
    }
    let r = get(port, "/incidents/INC-1");
    assert_eq!(r.status, 308);
    assert!(r.head.contains("location: /incidents/inc-1/"), "{}", r.head);
}

/// Publishing and failing reach an open event stream.
#[test]
fn state_changes_reach_the_event_stream() {
    use incsite::serve::http::{router, State};
    let state = State::new(incsite::render::Pages::new());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = state.clone();
    runtime.spawn(async move { axum::serve(listener, router(served)).await });

    let mut events = Events::open(port);
    events.wait("event: hello", Duration::from_secs(5));
    let error = incsite::diag::Diagnostic::error(
        "content/incidents/x.md",
        incsite::diag::Pos::new(3, 1),
        "yaml",
        "invalid YAML",
    );
    state.fail(vec![error]);
    let shown = events.wait("event: errors", Duration::from_secs(5));
    assert!(shown.contains(r#""file":"content/incidents/x.md","line":3"#), "{shown}");
    let mut pages = incsite::render::Pages::new();
    pages.insert("index.html".into(), b"new".to_vec());
    state.publish(pages);
    let all = events.wait("event: reload", Duration::from_secs(5));
    assert!(!all.contains('{'), "a whole build reloads every page: {all}");
    assert!(state.errors().is_empty());
    assert_eq!(state.pages()["index.html"], &b"new"[..]);

    // A saved record's page goes first, to the pages showing it only; the rest of the site
    // follows, to every other page.
    let mut first = incsite::render::Pages::new();
    first.insert("incidents/INC-1/index.html".into(), b"saved".to_vec());
    state.patch(first);
    let only = events.wait("event: reload", Duration::from_secs(5));
    assert!(only.contains(r#""only":["/incidents/INC-1/"]"#), "{only}");
    assert_eq!(state.pages()["index.html"], &b"new"[..], "a patch keeps the other pages");
    assert_eq!(state.pages()["incidents/INC-1/index.html"], &b"saved"[..]);
    let mut rest = incsite::render::Pages::new();
    rest.insert("index.html".into(), b"newer".to_vec());
    rest.insert("incidents/INC-1/index.html".into(), b"saved".to_vec());
    state.publish_except(rest, &["/incidents/INC-1/".to_string()]);
    let except = events.wait("event: reload", Duration::from_secs(5));
    assert!(except.contains(r#""except":["/incidents/INC-1/"]"#), "{except}");
    assert_eq!(state.pages()["index.html"], &b"newer"[..]);
    state.shutdown();
    let mut buf = [0u8; 256];
    let deadline = Instant::now() + Duration::from_secs(5);
    // The stream ends (the chunked body's last chunk), so a stopping server is not held up.
    while !events.seen.contains("0\r\n\r\n") {
        assert!(Instant::now() < deadline, "the stream did not end: {:?}", events.seen);
        match events.stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => events.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(_) => {}
        }
    }
}
