//! The privacy promise and the hardening around it, end to end on the real binary: what a public
//! build never shows (private records, people, `extra`, git messages and authors that could name
//! anything private), values that fail closed, files read only when safe, builds that leave
//! nothing behind, and a preview that answers only its own address.

mod common;

use assert_cmd::Command;
use git2::{IndexAddOption, Repository, Signature, Time};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const NOW: &str = "2026-03-10T12:00:00Z";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A site with the built-in schema and no records.
fn empty_site(dir: &Path, settings: &str) {
    write(dir, "incsite.toml", &format!("title = \"Fixture Status\"\ntimezone = \"UTC\"\n{settings}"));
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    for name in ["severities.yaml", "roles.yaml", "services.yaml"] {
        write(dir, &format!("schema/{name}"), &std::fs::read_to_string(schema.join(name)).unwrap());
    }
    std::fs::create_dir_all(dir.join("content/incidents")).unwrap();
}

/// A valid SEV-4 incident naming people everywhere a record can, with `extra` keys.
fn incident(id: &str, visibility: &str, title: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\nseverity: SEV-4\nstatus: resolved\nvisibility: {visibility}\n\
         summary: Something was off.\nimpact: {{web-app: degraded}}\n\
         roles:\n  resolver: Ruth Resolver\n  ic: Ivan Commander\n\
         timeline:\n\
         \x20 - {{at: 2026-03-01T10:00:00Z, event: started}}\n\
         \x20 - {{at: 2026-03-01T10:05:00Z, event: detected}}\n\
         \x20 - {{at: 2026-03-01T10:06:00Z, event: acknowledged, by: Ack Person, public: true}}\n\
         \x20 - {{at: 2026-03-01T10:07:00Z, event: note, text: Internal entry one.}}\n\
         \x20 - {{at: 2026-03-01T10:08:00Z, event: note, text: Internal entry two.}}\n\
         \x20 - {{at: 2026-03-01T10:09:00Z, event: update, status: identified, text: We found it., by: Upd Person}}\n\
         \x20 - {{at: 2026-03-01T10:09:30Z, event: handoff, role: resolver, from: Ruth Resolver, to: Hand Receiver, public: true}}\n\
         \x20 - {{at: 2026-03-01T11:00:00Z, event: resolved, text: Fixed.}}\n\
         action_items:\n  - {{title: Add a test, owner: Owen Owner, due: 2026-03-20}}\n\
         postmortem: {{status: published, facilitator: Fay Facilitator}}\n\
         extra:\n  slack: '#inc-secret-channel'\n  refund_total: 98765\n  customer_note: Shown to all\n\
         ---\n## Summary\n\nShort.\n\n## Impact\n\nSmall.\n\n## Root Cause\n\nA bug.\n\n## Action Items\n\nNone.\n"
    )
}

fn incsite(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.current_dir(root).env("NO_COLOR", "1").timeout(Duration::from_secs(60));
    cmd
}

fn build(root: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--now", NOW, "--out"];
    let out = out.to_string_lossy().into_owned();
    args.push(&out);
    args.extend_from_slice(extra);
    incsite(root).args(&args).output().unwrap()
}

/// Every file of a built site as text.
fn texts(out: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned()))
        .collect()
}

fn assert_absent(out: &Path, words: &[&str]) {
    let files = texts(out);
    assert!(files.len() > 10, "the site was built");
    for (path, text) in &files {
        for word in words {
            assert!(!text.contains(word), "{} shows {word:?}", path.display());
        }
    }
}

const PEOPLE: [&str; 8] = [
    "Ruth Resolver",
    "Ivan Commander",
    "Ack Person",
    "Upd Person",
    "Hand Receiver",
    "Owen Owner",
    "Fay Facilitator",
    "Gita Author",
];

#[test]
fn a_public_build_names_no_people_and_keeps_only_listed_extra_keys() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    empty_site(root, "");
    write(root, "content/incidents/a.md", &incident("INC-1", "public", "Public one"));
    let repo = Repository::init(root).unwrap();
    commit(&repo, "Gita Author", 1_772_000_000, "Open INC-1");
    let out = root.join("out");
    let built = build(root, &out, &[]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert_absent(&out, &PEOPLE);
    assert_absent(&out, &["inc-secret-channel", "98765", "Shown to all"]);
    let page = std::fs::read_to_string(out.join("incidents/INC-1/index.html")).unwrap();
    assert!(page.contains("Resolver") && page.contains("<dd>Filled</dd>"), "which roles were filled, not by whom");
    assert!(page.contains("Open INC-1"), "the commit's message is public");
    // Update ids count public entries only: two internal notes leave no gap.
    let v2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("api/v2/incidents.json")).unwrap()).unwrap();
    let ids: Vec<&str> =
        v2["incidents"][0]["incident_updates"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"INC-1-2"), "the update is the second public entry: {ids:?}");

    // The internal build shows everything: the check above can fail.
    let internal = root.join("internal");
    assert!(build(root, &internal, &["--audience", "internal"]).status.success());
    let all: String = texts(&internal).into_iter().map(|(_, t)| t).collect();
    for word in PEOPLE.iter().chain(&["inc-secret-channel", "98765"]) {
        assert!(all.contains(word), "the internal build shows {word:?}");
    }

    // Opting in: people, and the one listed extra key.
    empty_site(root, "[public]\npeople = true\nextra = [\"customer_note\"]\n");
    let opted = root.join("opted");
    assert!(build(root, &opted, &[]).status.success());
    let all: String = texts(&opted).into_iter().map(|(_, t)| t).collect();
    for word in ["Ruth Resolver", "Owen Owner", "Fay Facilitator", "Ack Person", "Gita Author", "Shown to all"] {
        assert!(all.contains(word), "opted in: {word:?}");
    }
    assert!(!all.contains("inc-secret-channel") && !all.contains("98765"), "unlisted extra keys stay out");
}

/// Commits the whole work tree (additions, changes and deletions).
fn commit(repo: &Repository, author: &str, time: i64, message: &str) {
    let mut index = repo.index().unwrap();
    index.add_all(["*"], IndexAddOption::DEFAULT, None).unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new(author, "someone@example.com", &Time::new(time, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap();
}

#[test]
fn git_messages_follow_what_each_commit_touched_as_it_was_then() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    empty_site(root, "[public]\npeople = true\n");
    std::fs::write(root.join(".gitignore"), "out/\n").unwrap();
    let repo = Repository::init(root).unwrap();
    // A private record at a path, committed, removed, and the path reused by a public record.
    write(root, "content/incidents/2026/reused.md", &incident("INC-SECRET", "private", "Secret"));
    commit(&repo, "Mallory Private", 1_772_000_000, "Contain the breach at ACME");
    std::fs::remove_file(root.join("content/incidents/2026/reused.md")).unwrap();
    commit(&repo, "Mallory Private", 1_772_000_100, "Drop the ACME breach record");
    write(root, "content/incidents/2026/reused.md", &incident("INC-2", "public", "Reused path"));
    commit(&repo, "Pat Public", 1_772_000_200, "Open INC-2");
    // A record written while private, then made public: its private period stays private.
    write(root, "content/incidents/2026/later.md", &incident("INC-3", "private", "Later public"));
    commit(&repo, "Mallory Private", 1_772_000_300, "Draft the Globex leak record");
    write(root, "content/incidents/2026/later.md", &incident("INC-3", "public", "Later public"));
    commit(&repo, "Pat Public", 1_772_000_400, "Publish INC-3");

    let out = root.join("out");
    let built = build(root, &out, &[]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert_absent(&out, &["ACME", "Globex", "Mallory Private", "INC-SECRET"]);
    let reused = std::fs::read_to_string(out.join("incidents/INC-2/index.html")).unwrap();
    assert!(reused.contains("Open INC-2") && reused.contains("Pat Public"));
    assert!(reused.contains("message not shown in the public edition"), "the private commits are listed, not told");
    let later = std::fs::read_to_string(out.join("incidents/INC-3/index.html")).unwrap();
    assert!(later.contains("Publish INC-3"));

    let internal = root.join("internal");
    assert!(build(root, &internal, &["--audience", "internal"]).status.success());
    let page = std::fs::read_to_string(internal.join("incidents/INC-2/index.html")).unwrap();
    assert!(page.contains("Contain the breach at ACME") && page.contains("Mallory Private"));
}

/// `check` on `root`: exit code, stdout and stderr, within a deadline (a hang fails the test).
fn check(root: &Path) -> (i32, String, String) {
    let started = Instant::now();
    let out = incsite(root).args(["check", "--format", "json"]).output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30), "check took {:?}", started.elapsed());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(stdout: &str) -> Vec<(String, String)> {
    let list: Vec<serde_json::Value> = serde_json::from_str(stdout).unwrap();
    list.iter().map(|d| (d["file"].as_str().unwrap().to_string(), d["code"].as_str().unwrap().to_string())).collect()
}

#[cfg(unix)]
#[test]
fn files_outside_the_site_fifos_and_devices_are_refused_by_name_without_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    empty_site(&root, "");
    write(&root, "content/incidents/ok.md", &incident("INC-1", "public", "Fine"));
    // The process environment, through a symlink: a pull request's way to a CI runner's secrets.
    std::fs::remove_file(root.join("schema/roles.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", root.join("schema/roles.yaml")).unwrap();
    let out = incsite(&root)
        .args(["check"])
        .env("INCSITE_CANARY_SECRET", "hunter2-canary")
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("schema/roles.yaml") && all.contains("outside the site"), "{all}");
    assert!(!all.contains("hunter2-canary"), "nothing of the file is printed: {all}");

    // A FIFO must not hang the command; /dev/zero must not fill memory.
    std::fs::remove_file(root.join("schema/roles.yaml")).unwrap();
    let fifo = std::ffi::CString::new(root.join("schema/roles.yaml").to_string_lossy().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", root.join("content/incidents/zero.md")).unwrap();
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    write(dir.path(), "elsewhere/x.md", &incident("INC-9", "public", "Outside"));
    std::os::unix::fs::symlink(dir.path().join("elsewhere/x.md"), root.join("content/incidents/out.md")).unwrap();
    let (code, stdout, stderr) = check(&root);
    assert_eq!(code, 1, "{stderr}");
    let found = codes(&stdout);
    for (file, code) in [
        ("schema/roles.yaml", "unsafe-file"),
        ("content/incidents/zero.md", "unsafe-file"),
        ("content/incidents/out.md", "unsafe-file"),
    ] {
        assert!(found.contains(&(file.to_string(), code.to_string())), "{file}: {found:?}");
    }
    // A symlink that stays inside the site is read as the file it names.
    for name in ["zero.md", "out.md"] {
        std::fs::remove_file(root.join("content/incidents").join(name)).unwrap();
    }
    std::fs::remove_file(root.join("schema/roles.yaml")).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/roles.yaml");
    write(&root, "policies/roles.yaml", &std::fs::read_to_string(schema).unwrap());
    std::os::unix::fs::symlink(root.join("policies/roles.yaml"), root.join("schema/roles.yaml")).unwrap();
    let (code, stdout, stderr) = check(&root);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("unsafe-file"), "{stdout}");

    // A file over the cap is refused with its size, not read.
    let big = std::fs::File::create(root.join("schema/services.yaml")).unwrap();
    big.set_len(2 << 20).unwrap();
    let (code, stdout, _) = check(&root);
    assert_eq!(code, 1);
    assert!(codes(&stdout).contains(&("schema/services.yaml".into(), "file-too-large".into())), "{stdout}");
}

#[test]
fn empty_or_unknown_visibility_and_public_fail_closed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    empty_site(root, "");
    let record = incident("INC-1", "public", "Canary title XYZZY");
    for (bad, expect) in [
        (record.replace("visibility: public", "visibility:"), "`visibility` is empty"),
        (record.replace("visibility: public", "visibility: ~"), "`visibility` is empty"),
        (record.replace("visibility: public", "visibility: publik"), "not a valid visibility"),
        (
            record.replace("event: handoff, role: resolver", "event: handoff, public: , role: resolver"),
            "`public` is empty",
        ),
        (record.replace("by: Ack Person, public: true", "by: Ack Person, public: yes"), "`public` must be"),
    ] {
        write(root, "content/incidents/a.md", &bad);
        let (code, stdout, stderr) = check(root);
        assert_eq!(code, 1, "{bad}\n{stderr}");
        assert!(stdout.contains(expect), "{expect}: {stdout}");
        let out = root.join("out");
        let built = build(root, &out, &[]);
        assert_eq!(built.status.code(), Some(1), "no build publishes it");
        assert!(!out.exists());
    }
    // The site library fails closed too: such a record is private in every view.
    write(root, "content/incidents/a.md", &record.replace("visibility: public", "visibility:"));
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let site = incsite::site::load(root, now).unwrap();
    assert!(site.view(incsite::site::Audience::Public).records.is_empty());
}

#[test]
fn a_duplicate_key_under_extra_is_an_error_at_any_depth() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    empty_site(root, "");
    let record = incident("INC-1", "public", "Dup").replace(
        "  customer_note: Shown to all\n",
        "  customer_note: Shown to all\n  deep: {a: 1, a: 2}\n  slack: again\n",
    );
    write(root, "content/incidents/a.md", &record);
    let (code, stdout, _) = check(root);
    assert_eq!(code, 1);
    let dups = codes(&stdout).into_iter().filter(|(_, c)| c == "duplicate-key").count();
    assert_eq!(dups, 2, "{stdout}");
}

/// A site with one record in `<tmp>/site`, built once into `<tmp>/public`.
fn built_once() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    empty_site(&root, "");
    write(&root, "content/incidents/a.md", &incident("INC-1", "public", "One"));
    let out = dir.path().join("public");
    assert!(build(&root, &out, &[]).status.success());
    (dir, root, out)
}

#[cfg(unix)]
#[test]
fn a_build_removes_what_killed_builds_left_and_swaps_in_one_step() {
    let (dir, root, out) = built_once();

    // A build killed with SIGKILL in the middle of writing leaves its temporary folder.
    for i in 0..300 {
        write(&root, &format!("content/incidents/many/{i}.md"), &incident(&format!("INC-M{i}"), "public", "Many"));
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("incsite"))
        .current_dir(&root)
        .args(["build", "--now", NOW, "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let tmp_name = format!(".public.tmp-{}", child.id());
    while !dir.path().join(&tmp_name).exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Whether or not the kill came in time, stand in a leftover of a dead build as well.
    std::fs::create_dir_all(dir.path().join(".public.old-999999999/incidents")).unwrap();
    std::fs::create_dir_all(dir.path().join(".public.tmp-999999998")).unwrap();
    let mine = dir.path().join(format!(".public.tmp-{}", std::process::id()));
    std::fs::create_dir_all(&mine).unwrap();

    assert!(build(&root, &out, &[]).status.success());
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    left.sort();
    assert_eq!(left, [format!(".public.tmp-{}", std::process::id())], "only a live process's folder is kept");
    assert!(out.join("incidents/INC-M299/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn the_swap_never_leaves_the_output_missing() {
    let (_dir, root, out) = built_once();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (stop, index) = (stop.clone(), out.join("index.html"));
        std::thread::spawn(move || {
            let mut missing = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                missing += usize::from(!index.exists());
            }
            missing
        })
    };
    for _ in 0..20 {
        assert!(build(&root, &out, &[]).status.success());
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(watcher.join().unwrap(), 0, "index.html was missing during a swap");
}

#[test]
fn the_preview_answers_only_its_own_address() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    empty_site(root, "");
    write(root, "content/incidents/a.md", &incident("INC-PRIV", "private", "Private canary page"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("incsite"))
        .current_dir(root)
        .args(["serve", "--audience", "internal", "--now", NOW, "--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let get = |host: &str| -> Option<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(s, "GET /incidents/INC-PRIV/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let started = Instant::now();
    let mut ok = None;
    while ok.is_none() && started.elapsed() < Duration::from_secs(30) {
        ok = get(&format!("127.0.0.1:{port}"));
        std::thread::sleep(Duration::from_millis(50));
    }
    let result = std::panic::catch_unwind(|| {
        let ok = ok.expect("the preview answered");
        assert!(ok.starts_with("HTTP/1.1 200") && ok.contains("Private canary page"), "{ok}");
        let local = get(&format!("localhost:{port}")).unwrap();
        assert!(local.starts_with("HTTP/1.1 200"));
        for host in
            [format!("attacker.example:{port}"), "attacker.example".to_string(), format!("127.0.0.1:{}", port ^ 1)]
        {
            let refused = get(&host).unwrap();
            assert!(refused.starts_with("HTTP/1.1 421"), "{host}: {refused}");
            assert!(!refused.contains("Private canary page"));
        }
        // A connection that never finishes its headers is closed (10 s), not kept forever.
        let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(slow, "GET / HTTP/1.1\r\n").unwrap();
        let t = Instant::now();
        let mut buf = Vec::new();
        let _ = slow.read_to_end(&mut buf);
        assert!(t.elapsed() < Duration::from_secs(20), "closed after {:?}", t.elapsed());
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
