//! The built demo site in a real browser: Debian's headless Chromium loads the status page, an
//! incident page and the reports page at a desktop (1280 px) and a phone (375 px) width, and
//! the test fails on any console message (a Content-Security-Policy violation, a script error),
//! on a request for a file the site does not have, and on horizontal overflow
//! (`document.documentElement.scrollWidth > window.innerWidth`). Screenshots are kept under
//! `target/screenshots/`.
//!
//! Without Chromium (`/usr/bin/chromium`, or the path in `INCSITE_CHROMIUM`) each test prints that
//! it skipped, on the process's stderr where the harness does not hide it, and passes; with
//! `INCSITE_REQUIRE_BROWSER` set (CI sets it once it has installed Chromium) it fails instead.
//!
//! How: the pages are served over HTTP from a copy of the output by a small server in this test.
//! The copy of each page under test loads one test-only external script (`__probe.js`; the
//! site's own are `static/live.js` and, on the history, `static/search.js`, tested last) that writes `scrollWidth:innerWidth:<what live.js did>` into
//! the title once the page has loaded. Each page is shown in an iframe of the exact width (headless windows are at least
//! 500 px wide), and the wrapper's title, which the probe also sets, is read back from
//! `--dump-dom`. Console messages come from `--enable-logging=stderr`.
//!
//! The search: a copy of the history page with a probe that types a query into the box, waits
//! for the results (`static/search.js` fetching `search/index.json` from the test's server) and
//! puts the first result's link into the title.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEMO_NOW: &str = "2026-11-22T23:00:00+01:00";
/// The most one Chromium run may take before it is killed.
const RUN_LIMIT: Duration = Duration::from_secs(20);
const PAGES: [(&str, &str); 3] =
    [("status", "index.html"), ("incident", "incidents/INC-2026-0015/index.html"), ("reports", "reports/index.html")];
const WIDTHS: [u32; 2] = [1280, 375];
const HEIGHT: u32 = 1400;

/// Also checks what the site's own script (`static/live.js`) did by the browser's clock: the
/// "may be out of date" note shown exactly when the build is more than an hour old, and each
/// maintenance window's badge in the phase the clock says. "ok", or what is wrong.
const PROBE: &str = r#"function live() {
  var now = Date.now();
  var built = document.querySelector("time[data-built]");
  if (!built) return "no-built-time";
  var old = now - Date.parse(built.getAttribute("datetime")) > 3600e3;
  if (old !== !!document.getElementById("incsite-stale")) return "stale-note-wrong";
  var ws = document.querySelectorAll("[data-window-from]");
  for (var i = 0; i < ws.length; i++) {
    var from = Date.parse(ws[i].getAttribute("data-window-from"));
    var until = Date.parse(ws[i].getAttribute("data-window-until"));
    var want = now < from ? "Scheduled" : now < until ? "In progress" : "Completed";
    var badge = ws[i].querySelector("[data-built-as]");
    if (!badge || badge.textContent !== want) return "window-badge-not-" + want.replace(" ", "-");
  }
  return "ok";
}
window.addEventListener("load", function () {
  var result = "probe:" + document.documentElement.scrollWidth + ":" + window.innerWidth + ":" + live();
  document.title = result;
  if (window.parent !== window) { window.parent.document.title = result; }
});
"#;

/// The Chromium to run, or `None` after saying loudly that `test` was skipped. Where CI installed
/// Chromium (`INCSITE_REQUIRE_BROWSER`), not finding it is a failure, not a skip.
fn chromium(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("INCSITE_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into());
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("INCSITE_REQUIRE_BROWSER").is_none(),
        "INCSITE_REQUIRE_BROWSER is set but chromium is not at /usr/bin/chromium or $INCSITE_CHROMIUM"
    );
    // Straight to the process's stderr: the test harness hides a passing test's `println!`, and a
    // skip must not pass unnoticed.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "\n*** tests/browser.rs {test} SKIPPED: chromium not installed (looked for /usr/bin/chromium or \
         $INCSITE_CHROMIUM); the pages were NOT checked in a browser ***\n"
    );
    None
}

/// The demo site built at `DEMO_NOW` into a new folder: (the folder's guard, the site).
fn build_demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    Command::cargo_bin("incsite")
        .unwrap()
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--now", DEMO_NOW, "--out"])
        .arg(&out)
        .env_remove("SOURCE_DATE_EPOCH")
        .assert()
        .success();
    (dir, out)
}

/// Serves `dir` on 127.0.0.1 (a port of the system's choosing) until the test ends; returns the
/// port and the paths that were asked for but do not exist.
fn serve(dir: PathBuf) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let missing = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&missing);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, seen) = (dir.clone(), Arc::clone(&seen));
            std::thread::spawn(move || respond(stream, &dir, &seen));
        }
    });
    (port, missing)
}

fn respond(mut stream: TcpStream, dir: &Path, missing: &Mutex<Vec<String>>) {
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/").to_string();
    let rel = target.trim_start_matches('/');
    // Nothing outside the served folder: a `..` segment is simply not found.
    let mut file = if rel.split('/').any(|s| s == "..") { dir.join("__no_such_file__") } else { dir.join(rel) };
    if file.is_dir() {
        if !target.ends_with('/') {
            let _ = write!(
                stream,
                "HTTP/1.1 301 Moved\r\nLocation: {target}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        }
        file = file.join("index.html");
    }
    let (status, body) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body),
        Err(_) => {
            missing.lock().unwrap().push(target.clone());
            ("404 Not Found", b"not found".to_vec())
        }
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// What one Chromium run saw.
struct Run {
    title: Option<String>,
    console: Vec<String>,
}

/// Loads `url` headless in a window `width` px wide; writes a screenshot to `shot`.
fn load(chrome: &Path, url: &str, width: u32, shot: &Path) -> Run {
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={},{HEIGHT}", width.max(500)))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read both pipes on their own threads so a full pipe never stalls the browser.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took longer than {RUN_LIMIT:?} on {url}; killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (dom, log) = (out.join().unwrap(), err.join().unwrap());
    let title = dom.split_once("<title>").and_then(|(_, rest)| rest.split_once("</title>")).map(|(t, _)| t.to_string());
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Refused to") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect();
    Run { title, console }
}

/// A copy of the built page at `path` that also loads the probe.
fn with_probe(html: &str, path: &str) -> String {
    let root = match path.matches('/').count() {
        0 => "./".to_string(),
        n => "../".repeat(n),
    };
    let tag = format!("<script src=\"{root}__probe.js\"></script>");
    let at = html.rfind("</body>").expect("the page has a </body>");
    format!("{}{tag}{}", &html[..at], &html[at..])
}

#[test]
fn pages_load_cleanly_at_desktop_and_phone_widths() {
    let Some(chrome) = chromium("pages_load_cleanly_at_desktop_and_phone_widths") else { return };
    let (_dir, out) = build_demo();
    std::fs::write(out.join("__probe.js"), PROBE).unwrap();
    std::fs::create_dir_all(out.join("__frames")).unwrap();
    for (name, path) in PAGES {
        let page = out.join(path);
        let html = std::fs::read_to_string(&page).unwrap();
        // The site's one script is its own, from its own origin.
        let scripts: Vec<&str> =
            html.match_indices("<script").map(|(i, _)| &html[i..i + 60.min(html.len() - i)]).collect();
        assert!(
            scripts.len() == 1 && scripts[0].contains("static/live.js\" defer>"),
            "{path}: only the site's own script: {scripts:?}"
        );
        std::fs::write(&page, with_probe(&html, path)).unwrap();
        for width in WIDTHS {
            std::fs::write(
                out.join(format!("__frames/{name}-{width}.html")),
                format!(
                    "<!DOCTYPE html><html><head><title>no probe</title><style>body{{margin:0}}iframe{{border:0;display:block}}</style></head>\
                     <body><iframe src=\"../{path}\" width=\"{width}\" height=\"{HEIGHT}\"></iframe></body></html>"
                ),
            )
            .unwrap();
        }
    }

    let (port, missing) = serve(out.clone());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap_or(Path::new("target")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let started = Instant::now();
    let mut problems = Vec::new();
    for (name, path) in PAGES {
        for width in WIDTHS {
            let shot = shots.join(format!("{name}-{width}.png"));
            let url = format!("http://127.0.0.1:{port}/__frames/{name}-{width}.html");
            let run = load(&chrome, &url, width, &shot);
            println!("screenshot: {}", shot.display());
            for line in &run.console {
                problems.push(format!("{path} at {width} px: console: {line}"));
            }
            match run.title.as_deref().and_then(|t| t.strip_prefix("probe:")) {
                Some(probe) => {
                    let mut parts = probe.split(':');
                    let (scroll, inner, live) = (parts.next().unwrap(), parts.next().unwrap(), parts.next());
                    if live != Some("ok") {
                        problems.push(format!("{path} at {width} px: live.js: {live:?}"));
                    }
                    let (scroll, inner): (u32, u32) = (scroll.parse().unwrap(), inner.parse().unwrap());
                    assert_eq!(inner, width, "{path}: the frame is {width} px wide");
                    if scroll > inner {
                        problems.push(format!(
                            "{path} at {width} px: scrolls sideways (scrollWidth {scroll} > innerWidth {inner}); see {}",
                            shot.display()
                        ));
                    }
                }
                None => problems.push(format!("{path} at {width} px: the probe did not run (title {:?})", run.title)),
            }
        }
    }
    let missing: Vec<String> = missing.lock().unwrap().iter().filter(|p| *p != "/favicon.ico").cloned().collect();
    for path in missing {
        problems.push(format!("the browser asked for {path}, which the site does not have"));
    }
    println!("browser checks took {:.1} s", started.elapsed().as_secs_f64());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Types `query` into the history's search box (once the page has loaded) and puts the first
/// result's link, or what the box said, into the title.
fn search_probe(query: &str) -> String {
    format!(
        r#"window.addEventListener("load", function () {{
  var input = document.getElementById("search-input");
  if (!input || document.getElementById("search").hidden) {{ document.title = "no box"; return; }}
  input.focus();
  input.value = {query:?};
  input.dispatchEvent(new Event("input"));
  var tries = 0;
  (function poll() {{
    var first = document.querySelector(".search-results li a");
    if (first) {{ document.title = "first:" + first.getAttribute("href"); return; }}
    if (++tries > 80) {{ document.title = "none:" + document.querySelector(".search-note").textContent; return; }}
    setTimeout(poll, 50);
  }})();
}});
"#
    )
}

#[test]
fn typing_into_the_search_box_puts_the_expected_incident_first() {
    let Some(chrome) = chromium("typing_into_the_search_box_puts_the_expected_incident_first") else { return };
    let (_dir, out) = build_demo();
    let history = std::fs::read_to_string(out.join("incidents/index.html")).unwrap();
    // Words that newer records also hold, in their post-mortems or updates: the record whose title
    // holds them comes first although it is the oldest; two words, one only begun (a prefix);
    // an id typed whole comes first whatever else matches it.
    let cases = [
        ("replica", "../incidents/INC-2026-0002/"),
        ("dns chan", "../incidents/INC-2026-0010/"),
        ("INC-2026-0009", "../incidents/INC-2026-0009/"),
    ];
    let (port, missing) = serve(out.clone());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap_or(Path::new("target")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut problems = Vec::new();
    for (n, (query, expected)) in cases.into_iter().enumerate() {
        let page = format!("incidents/search-{n}.html");
        std::fs::write(out.join(format!("__search-{n}.js")), search_probe(query)).unwrap();
        let probe = format!("<script src=\"../__search-{n}.js\"></script>");
        let at = history.rfind("</body>").unwrap();
        std::fs::write(out.join(&page), format!("{}{probe}{}", &history[..at], &history[at..])).unwrap();
        let shot = shots.join(format!("search-{n}.png"));
        let run = load(&chrome, &format!("http://127.0.0.1:{port}/{page}"), 1280, &shot);
        println!("screenshot: {}", shot.display());
        problems.extend(run.console.iter().map(|line| format!("{query:?}: console: {line}")));
        let want = format!("first:{expected}");
        if run.title.as_deref() != Some(want.as_str()) {
            problems.push(format!("{query:?}: expected {want:?}, the page said {:?}", run.title));
        }
    }
    let missing: Vec<String> = missing.lock().unwrap().iter().filter(|p| *p != "/favicon.ico").cloned().collect();
    problems.extend(missing.into_iter().map(|p| format!("the browser asked for {p}, which the site does not have")));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
