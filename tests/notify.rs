//! `incsite notify` against real receivers on 127.0.0.1: an HTTP server that records every
//! request (and answers the first one with a 500), and a small SMTP server, both started here;
//! the site is a real git repository made in a temporary folder.

use assert_cmd::Command;
use git2::{IndexAddOption, Oid, Repository, Signature, Time};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

const NOW: &str = "2026-03-10T12:00:00Z";
/// The base commit's time: 2026-03-10T10:30:00Z.
const BASE_TIME: i64 = 1_773_138_600;
const SECRET: &str = "s3cret-key";
/// Words that must never reach a channel.
const CANARIES: [&str; 4] = ["INTERNAL-CANARY", "PRIVATE-CANARY", "Yuki Sato", "INC-P"];

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit(repo: &Repository, time: i64, message: &str) -> Oid {
    let mut index = repo.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("Ann Example", "ann@example.com", &Time::new(time, 0)).unwrap();
    let parents: Vec<git2::Commit> =
        repo.head().ok().and_then(|h| h.target()).map(|p| repo.find_commit(p).unwrap()).into_iter().collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
}

const SETTINGS: &str = r#"title = "Fixture Status"
base_url = "https://status.example.test"
timezone = "UTC"

[[notify]]
kind = "webhook"
url_env = "T_HOOK_ALL"
secret_env = "T_HOOK_SECRET"

[[notify]]
kind = "discord"
url_env = "T_HOOK_DISCORD"
services = ["web-app"]

[[notify]]
kind = "email"
smtp_env = "T_SMTP"
from = "status@example.test"
to = ["customers@example.test"]
services = ["checkout-api"]

[[notify]]
kind = "slack"
url_env = "T_HOOK_NEVER_SET"
"#;

fn incident(id: &str, visibility: &str, status: &str, service: &str, timeline: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: Incident {id}\nseverity: SEV-4\nstatus: {status}\nvisibility: {visibility}\nsummary: Something is off.\nimpact:\n  {service}: degraded\nroles:\n  resolver: Yuki Sato\ntimeline:\n  - at: 2026-03-10T09:00:00Z\n    event: started\n    text: It began.\n  - at: 2026-03-10T09:02:00Z\n    event: detected\n{timeline}---\n"
    )
}

const A_BASE: &str = "  - at: 2026-03-10T09:05:00Z\n    event: update\n    status: investigating\n    text: We are looking into slow checkouts.\n";
const A_NOW: &str = "  - at: 2026-03-10T09:05:00Z\n    event: update\n    status: investigating\n    text: We are looking into slow checkouts.\n  - at: 2026-03-10T09:20:00Z\n    event: note\n    text: INTERNAL-CANARY the primary pg-7 is out of disk.\n  - at: 2026-03-10T09:30:00Z\n    event: update\n    status: identified\n    text: We found the cause.\n  - at: 2026-03-10T10:50:00Z\n    event: resolved\n  - at: 2026-03-10T10:50:00Z\n    event: update\n    status: resolved\n    text: Checkout is fast again.\n";

fn window() -> String {
    "---\nkind: maintenance\nid: MNT-W\ntitle: Database upgrade\nstatus: scheduled\nwindow: {from: 2026-03-10T11:00:00Z, until: 2026-03-10T13:00:00Z}\nimpact:\n  database: maintenance\nsummary: The database is upgraded.\n---\n".to_string()
}

/// A site repository: the base commit, then the working tree's changes (uncommitted).
fn site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let repo = Repository::init(dir).unwrap();
    write(dir, "incsite.toml", SETTINGS);
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for name in ["severities.yaml", "roles.yaml", "services.yaml"] {
        write(dir, &format!("schema/{name}"), &std::fs::read_to_string(schema.join(name)).unwrap());
    }
    write(dir, "content/incidents/a.md", &incident("INC-A", "public", "investigating", "checkout-api", A_BASE));
    write(dir, "content/incidents/w.md", &window());
    commit(&repo, BASE_TIME, "base");
    // Since the base: INC-A gets an internal note, an update and its resolution; a private incident
    // and a new public one appear.
    write(dir, "content/incidents/a.md", &incident("INC-A", "public", "resolved", "checkout-api", A_NOW));
    let private = "  - at: 2026-03-10T11:10:00Z\n    event: update\n    status: investigating\n    text: PRIVATE-CANARY payroll export down.\n";
    write(dir, "content/incidents/p.md", &incident("INC-P", "private", "investigating", "web-app", private));
    let b =
        "  - at: 2026-03-10T11:40:00Z\n    event: update\n    status: investigating\n    text: Some sign-ins fail.\n";
    write(dir, "content/incidents/b.md", &incident("INC-B", "public", "investigating", "web-app", b));
    tmp
}

#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// An HTTP server on 127.0.0.1 recording every request; it answers the first one with a 500.
fn http_server() -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((n, v)) = h.split_once(':') {
                    headers.push((n.trim().to_string(), v.trim().to_string()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let first = {
                let mut log = log.lock().unwrap();
                log.push(Request { path, headers, body });
                log.len() == 1
            };
            let status = if first { "500 Internal Server Error" } else { "200 OK" };
            let mut stream = stream;
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (url, seen)
}

/// A minimal SMTP server on 127.0.0.1 (no TLS, no auth: what lettre needs for `smtp://`),
/// recording each message's data.
fn smtp_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let mails: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&mails);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 localhost ESMTP test\r\n");
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250-localhost\r\n250 8BITMIME\r\n",
                    "DATA" => {
                        let _ = stream.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if reader.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        log.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    }
                    "QUIT" => {
                        let _ = stream.write_all(b"221 bye\r\n");
                        break;
                    }
                    _ => b"250 ok\r\n",
                };
                let _ = stream.write_all(reply);
            }
        }
    });
    (url, mails)
}

fn notify(root: &Path, http: &str, smtp: &str, extra: &[&str]) -> std::process::Output {
    let base = Repository::open(root).unwrap().head().unwrap().target().unwrap().to_string();
    Command::cargo_bin("incsite")
        .unwrap()
        .args(["--root", root.to_str().unwrap(), "notify", "--base", &base, "--now", NOW])
        .args(extra)
        .env("T_HOOK_ALL", format!("{http}/all"))
        .env("T_HOOK_SECRET", SECRET)
        .env("T_HOOK_DISCORD", format!("{http}/discord"))
        .env("T_SMTP", smtp)
        .env_remove("T_HOOK_NEVER_SET")
        // Straight to 127.0.0.1, whatever proxy the machine uses.
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("INCSITE_NOTIFY_BACKOFF_MS", "10")
        .output()
        .unwrap()
}

fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[test]
fn sends_each_public_event_once_to_each_channel_and_nothing_private() {
    let site = site();
    let (http, requests) = http_server();
    let (smtp, mails) = smtp_server();
    let out = notify(site.path(), &http, &smtp, &["--format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The slack channel's variable is not set: reported, exit 1, the other channels still served.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = report["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["INC-A/update-20260310T093000Z", "INC-A/resolved", "MNT-W/started", "INC-B/opened"], "{stdout}");
    let slack = &report["channels"][3];
    assert!(slack["error"].as_str().unwrap().contains("T_HOOK_NEVER_SET"), "{slack}");

    let requests = requests.lock().unwrap().clone();
    // Every byte sent anywhere: no private incident, internal entry or name.
    let mails = mails.lock().unwrap().clone();
    for r in &requests {
        let body = String::from_utf8_lossy(&r.body);
        for canary in CANARIES {
            assert!(!body.contains(canary), "{canary} was sent to {}: {body}", r.path);
        }
    }
    for mail in &mails {
        for canary in CANARIES {
            assert!(!mail.contains(canary), "{canary} was mailed: {mail}");
        }
    }

    // The webhook: Statuspage payloads, signed, each with its event's id as the idempotency key;
    // the first answered 500 and was sent again with the same key.
    let all: Vec<&Request> = requests.iter().filter(|r| r.path == "/all").collect();
    for r in &all {
        assert_eq!(r.header("X-Incsite-Signature"), Some(signature(&r.body).as_str()), "{r:?}");
    }
    let keys: Vec<&str> = all.iter().map(|r| r.header("Idempotency-Key").unwrap()).collect();
    assert_eq!(keys[0], keys[1], "the 500 is retried with the same key: {keys:?}");
    let mut distinct = keys.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "INC-A/update-20260310T093000Z",
            "INC-A/resolved",
            "INC-A/resolved/checkout-api",
            "MNT-W/started",
            "MNT-W/started/database",
            "INC-B/opened",
            "INC-B/opened/web-app"
        ]
    );
    let resolved = all.iter().find(|r| r.header("Idempotency-Key") == Some("INC-A/resolved")).unwrap().json();
    assert_eq!(resolved["incident"]["id"], "INC-A");
    assert_eq!(resolved["incident"]["status"], "resolved");
    assert_eq!(resolved["incident"]["incident_updates"][0]["body"], "Checkout is fast again.");
    assert_eq!(resolved["incident"]["incident_updates"].as_array().unwrap().len(), 3, "{resolved}");
    assert_eq!(resolved["page"]["id"], "status-example-test");
    assert_eq!(resolved["meta"]["event_id"], "INC-A/resolved");
    let component =
        all.iter().find(|r| r.header("Idempotency-Key") == Some("INC-A/resolved/checkout-api")).unwrap().json();
    assert_eq!(component["component_update"]["old_status"], "degraded_performance");
    assert_eq!(component["component_update"]["new_status"], "operational");
    assert_eq!(component["component"]["id"], "checkout-api");

    // Discord: only the events on web-app (the new public incident), as an embed.
    let discord: Vec<&Request> = requests.iter().filter(|r| r.path == "/discord").collect();
    assert_eq!(discord.len(), 1, "{discord:?}");
    assert_eq!(discord[0].header("Idempotency-Key"), Some("INC-B/opened"));
    let embed = &discord[0].json()["embeds"][0];
    assert_eq!(embed["url"], "https://status.example.test/incidents/INC-B/");
    assert_eq!(embed["description"], "Some sign-ins fail.");

    // Email: only checkout-api's events, plain text and HTML, a Message-ID from the event id.
    assert_eq!(mails.len(), 2, "{mails:?}");
    let resolved_mail =
        mails.iter().find(|m| m.contains("Subject: [Fixture Status] Resolved: Incident INC-A")).unwrap();
    assert!(resolved_mail.contains("Message-ID: <INC-A/resolved@status.example.test>"), "{resolved_mail}");
    assert!(resolved_mail.contains("Content-Type: text/plain"), "{resolved_mail}");
    assert!(resolved_mail.contains("Content-Type: text/html"), "{resolved_mail}");
    assert!(resolved_mail.contains("https://status.example.test/incidents/INC-A/"), "{resolved_mail}");
}

#[test]
fn a_dry_run_prints_the_messages_and_sends_nothing() {
    let site = site();
    let (http, requests) = http_server();
    let (smtp, mails) = smtp_server();
    let out = notify(site.path(), &http, &smtp, &["--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // A secret missing here is noted, not fatal: a dry run needs none.
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("note: the environment variable T_HOOK_NEVER_SET"), "{stdout}");
    assert!(stdout.contains("would send INC-A/resolved"), "{stdout}");
    assert!(stdout.contains("Idempotency-Key: INC-B/opened"), "{stdout}");
    assert!(stdout.contains("X-Incsite-Signature: sha256="), "{stdout}");
    assert!(stdout.contains("to customers@example.test via $T_SMTP"), "{stdout}");
    assert!(stdout.contains("Checkout is fast again."), "{stdout}");
    // Secrets are named, never printed.
    assert!(!stdout.contains(&http) && !stdout.contains(SECRET), "{stdout}");
    for canary in CANARIES {
        assert!(!stdout.contains(canary), "{canary}: {stdout}");
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(requests.lock().unwrap().is_empty());
    assert!(mails.lock().unwrap().is_empty());
}

#[test]
fn a_window_s_start_is_announced_once_when_runs_tile_time() {
    let site = site();
    let (http, _) = http_server();
    let (smtp, _) = smtp_server();
    let events = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--dry-run", "--format", "json"];
        args.extend(extra);
        let out = notify(site.path(), &http, &smtp, &args);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
    };
    // The previous run took the site at 10:30 (before the window) and this one at 12:00 (inside).
    assert!(events(&["--since", "2026-03-10T10:30:00Z"]).contains(&"MNT-W/started".to_string()));
    // The next run, ten minutes later, starts where this one ended: the start is not told again.
    assert!(!events(&["--since", NOW]).contains(&"MNT-W/started".to_string()));
}

#[test]
fn the_built_site_has_a_feed_per_service_and_names_the_commit_it_was_built_from() {
    let site = site();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    Command::cargo_bin("incsite")
        .unwrap()
        .args(["--root", site.path().to_str().unwrap(), "build", "--now", NOW, "--out", public.to_str().unwrap()])
        .assert()
        .success();
    let read = |rel: &str| std::fs::read_to_string(public.join(rel)).unwrap();

    let build: Value = serde_json::from_str(&read("api/build.json")).unwrap();
    let head = Repository::open(site.path()).unwrap().head().unwrap().target().unwrap().to_string();
    assert_eq!(build["commit"], head.as_str());
    assert_eq!(build["built_at"], "2026-03-10T12:00:00.000Z");
    assert_eq!(build.as_object().unwrap().len(), 3, "only commit, built_at and the version: {build}");

    // One entry per public record that affects the service, none of a private one.
    let entries = |service: &str| -> Vec<String> {
        let text = read(&format!("feeds/{service}.xml"));
        for canary in CANARIES {
            assert!(!text.contains(canary), "{canary} in the {service} feed");
        }
        let doc = roxmltree::Document::parse(&text).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("entry"))
            .map(|e| e.children().find(|c| c.has_tag_name("id")).unwrap().text().unwrap().to_string())
            .collect()
    };
    assert_eq!(entries("web-app"), ["https://status.example.test/incidents/INC-B/"]);
    assert_eq!(entries("checkout-api"), ["https://status.example.test/incidents/INC-A/"]);
    assert_eq!(entries("database"), ["https://status.example.test/incidents/MNT-W/"]);
    assert!(entries("search").is_empty());

    let index = read("index.html");
    assert!(index.contains(r#"<link rel="alternate" type="application/atom+xml" title="Web App: incidents and updates" href="./feeds/web-app.xml">"#), "{index}");
    assert!(index.contains(r#"href="./feeds/checkout-api.xml""#));
}
