//! The synthetic-site generator (examples/gen.rs) that the benchmarks run on: its sites must be
//! clean under `incsite check`, the same seed must give the same bytes, and the records must have
//! the shape the benchmarks claim (severity mix, maintenance, private records).

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir`, relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_generated_site_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let summary = gen::generate(&root, &gen::Options::new(50, 7)).unwrap();
    assert_eq!(summary.records, 50);
    let out = Command::cargo_bin("incsite")
        .unwrap()
        .args(["check", "--format", "json", "--now", gen::DEFAULT_NOW, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let diags: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    // No errors, and no warnings either: a benchmark that prints thousands of warnings would time
    // the printing.
    assert!(diags.is_empty(), "a generated site must check clean: {diags:#?}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let incidents = files(&root.join("content/incidents"));
    assert_eq!(incidents.len(), 50);
    // Year folders, and more than one of them.
    let years: std::collections::BTreeSet<&str> = incidents.keys().filter_map(|k| k.split('/').next()).collect();
    assert!(years.len() >= 3, "{years:?}");
    assert!(years.iter().all(|y| y.len() == 4 && y.parse::<u32>().is_ok()), "{years:?}");
}

#[test]
fn the_same_seed_gives_the_same_site_and_another_seed_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    gen::generate(&a, &gen::Options::new(30, 1)).unwrap();
    gen::generate(&b, &gen::Options::new(30, 1)).unwrap();
    gen::generate(&c, &gen::Options::new(30, 2)).unwrap();
    assert_eq!(files(&a), files(&b));
    assert_ne!(files(&a), files(&c));
    // It never writes into a directory that holds something.
    assert!(gen::generate(&a, &gen::Options::new(1, 1)).is_err());
}

#[test]
fn records_are_shaped_like_real_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let s = gen::generate(&tmp.path().join("site"), &gen::Options::new(2000, 3)).unwrap();
    let incidents: usize = s.by_severity.iter().sum();
    assert_eq!(incidents + s.maintenance, 2000);
    // About 5/20/45/30 % SEV-1..4.
    for (got, want) in s.by_severity.iter().zip([0.05, 0.20, 0.45, 0.30]) {
        let share = *got as f64 / incidents as f64;
        assert!((share - want).abs() < 0.04, "severity mix {:?}", s.by_severity);
    }
    // About 1 % maintenance and 1 % private; 8–16 timeline entries and 1–4 action items each.
    assert!((8..=40).contains(&s.maintenance), "{}", s.maintenance);
    assert!((5..=40).contains(&s.private), "{}", s.private);
    let per = s.events as f64 / incidents as f64;
    assert!((10.0..=14.0).contains(&per), "{per} entries per incident");
    let per = s.action_items as f64 / incidents as f64;
    assert!((2.0..=3.0).contains(&per), "{per} action items per incident");
    // Post-mortem bodies make the files a few KB each.
    let per = s.bytes / 2000;
    assert!((2000..=6000).contains(&per), "{per} bytes per record");
}

#[test]
fn with_git_every_record_has_its_history() {
    let (_tmp, root, s) = git_site(20, 5);
    let history = incsite::git::history(&root).unwrap();
    let records = files(&root.join("content/incidents"));
    assert_eq!(records.len(), 20);
    let mut commits = 0;
    for path in records.keys() {
        let got = history.by_path.get(&format!("content/incidents/{path}")).map(Vec::len).unwrap_or(0);
        assert!((1..=2).contains(&got), "{path}: {got} commits");
        commits += got;
    }
    // A second commit for each published post-mortem (but the newest, not yet due).
    assert!(commits > 20 && commits <= 20 + s.published_postmortems, "{commits}");
    assert!(history.head.is_some());
}

/// Runs git in `dir`, returning stdout.
/// A generated site of `n` records (seed `seed`) with its git history, in a temporary folder.
fn git_site(n: usize, seed: u64) -> (tempfile::TempDir, PathBuf, gen::Summary) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut opts = gen::Options::new(n, seed);
    opts.git = true;
    let summary = gen::generate(&root, &opts).unwrap();
    (tmp, root, summary)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_history_walk_agrees_with_git_log() {
    let (_tmp, root, _) = git_site(40, 9);
    // Beyond adds and edits: a deletion, a folder moved, a file replaced by a folder, a mode change.
    let records: Vec<String> = files(&root.join("content/incidents")).into_keys().collect();
    git(&root, &["rm", "-q", &format!("content/incidents/{}", records[3])]);
    git(&root, &["commit", "-qm", "delete"]);
    git(&root, &["mv", "content/incidents/2022", "content/incidents/old"]);
    git(&root, &["commit", "-qm", "move"]);
    let victim = format!("content/incidents/{}", records.last().unwrap());
    git(&root, &["rm", "-q", &victim]);
    std::fs::create_dir_all(root.join(&victim)).unwrap();
    std::fs::write(root.join(&victim).join("inner.md"), "---\ntitle: x\n---\n").unwrap();
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "file to folder"]);
    git(&root, &["update-index", "--chmod=+x", "schema/roles.yaml"]);
    git(&root, &["commit", "-qm", "mode"]);

    let log =
        git(&root, &["log", "--format=@%H", "--name-only", "--no-renames", "--", "content", "schema", "incsite.toml"]);
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut commit = String::new();
    for line in log.lines().filter(|l| !l.is_empty()) {
        match line.strip_prefix('@') {
            Some(id) => commit = id.to_string(),
            None => {
                let list = want.entry(line.to_string()).or_default();
                if list.len() < incsite::git::MAX_COMMITS_PER_FILE {
                    list.push(commit.clone());
                }
            }
        }
    }
    let history = incsite::git::history(&root).unwrap();
    let got: BTreeMap<String, Vec<String>> =
        history.by_path.iter().map(|(p, cs)| (p.clone(), cs.iter().map(|c| c.id.clone()).collect())).collect();
    assert_eq!(got, want);
}

#[test]
fn a_generated_site_builds_and_a_log_gets_one_line() {
    let (tmp, root, _) = git_site(40, 11);
    let out = tmp.path().join("public");
    let run = build(&root, &out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    // stderr is not a terminal here: no spinner, no escape codes, just the summary.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("built ") && !stderr.contains('\u{1b}') && !stderr.contains('\r'), "{stderr}");
    assert!(out.join("index.html").is_file());
    let pages = files(&out.join("incidents"));
    assert!(pages.keys().filter(|k| k.ends_with("/index.html")).count() >= 39, "{}", pages.len());
}

/// Runs `incsite build` of the site at `root` into `out` at the generator's "now".
fn build(root: &Path, out: &Path) -> std::process::Output {
    Command::cargo_bin("incsite")
        .unwrap()
        .args(["build", "--now", gen::DEFAULT_NOW, "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// The history as JSON (every path's commits with their ids, authors, dates and summaries).
fn history_json(root: &Path) -> serde_json::Value {
    serde_json::to_value(incsite::git::history(root).unwrap()).unwrap()
}

/// The walk with the cache as it is, then without any: they must agree.
fn assert_cached_walk_is_exact(root: &Path, cache: &Path) -> serde_json::Value {
    let cached = history_json(root);
    assert!(cache.is_file(), "the walk writes its cache");
    std::fs::remove_file(cache).unwrap();
    let cold = history_json(root);
    assert_eq!(cached, cold);
    cold
}

#[test]
fn a_cached_walk_equals_an_uncached_one_after_new_merged_and_rewritten_commits() {
    let (_tmp, root, _) = git_site(30, 4);
    let cache = root.join(".git/incsite/history-v2");
    let records: Vec<String> =
        files(&root.join("content/incidents")).into_keys().map(|k| format!("content/incidents/{k}")).collect();
    let edit = |n: usize, text: &str| {
        let path = root.join(&records[n]);
        let mut body = std::fs::read_to_string(&path).unwrap();
        body.push_str(text);
        std::fs::write(path, body).unwrap();
        git(&root, &["commit", "-qam", &format!("edit {n}: {text}")]);
    };

    let first = history_json(&root);
    assert!(cache.is_file());
    // The cache lives in the git directory: the work tree stays clean.
    assert_eq!(git(&root, &["status", "--porcelain", "--ignored"]), "");
    let written = std::fs::metadata(&cache).unwrap().modified().unwrap();
    assert_eq!(history_json(&root), first, "a walk from a full cache");
    let read = std::fs::metadata(&cache).unwrap().modified().unwrap();
    assert_eq!(read, written, "a full cache is used as it is, not rewritten");
    assert_cached_walk_is_exact(&root, &cache);

    // A new commit on top.
    history_json(&root);
    edit(1, "\nMore.\n");
    assert_cached_walk_is_exact(&root, &cache);

    // A branch merged into the main line, both sides changing records.
    let main = git(&root, &["rev-parse", "--abbrev-ref", "HEAD"]);
    git(&root, &["checkout", "-qb", "side"]);
    edit(2, "\nOn the side.\n");
    edit(3, "\nOn the side again.\n");
    git(&root, &["checkout", "-q", main.trim()]);
    edit(4, "\nOn main.\n");
    git(&root, &["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);
    assert_cached_walk_is_exact(&root, &cache);

    // History rewritten: the cache holds commits HEAD no longer reaches.
    history_json(&root);
    git(&root, &["reset", "-q", "--hard", "HEAD~3"]);
    edit(2, "\nRewritten.\n");
    git(&root, &["commit", "-q", "--amend", "-m", "Reworded"]);
    assert_cached_walk_is_exact(&root, &cache);
}

#[test]
fn a_broken_or_unwritable_cache_is_ignored() {
    let (_tmp, root, _) = git_site(10, 6);
    let cache = root.join(".git/incsite/history-v2");
    let want = history_json(&root);
    let full = std::fs::read(&cache).unwrap();

    let broken: [(&str, Vec<u8>); 5] = [
        ("empty", Vec::new()),
        ("truncated", full[..full.len() / 2].to_vec()),
        ("one byte changed", {
            let mut b = full.clone();
            let n = b.len() - 10;
            b[n] ^= 1;
            b
        }),
        ("another version", {
            let mut b = full.clone();
            b[15] = b'9';
            b
        }),
        ("not a cache", b"hello\n".to_vec()),
    ];
    for (what, bytes) in broken {
        std::fs::write(&cache, bytes).unwrap();
        assert_eq!(history_json(&root), want, "{what}");
        assert_eq!(std::fs::read(&cache).unwrap(), full, "{what}: rewritten");
    }

    // Unreadable and unwritable: a folder where the file should be.
    std::fs::remove_file(&cache).unwrap();
    std::fs::create_dir_all(cache.join("x")).unwrap();
    assert_eq!(history_json(&root), want);
    // No folder for it can be made: a file where the folder should be.
    std::fs::remove_dir_all(root.join(".git/incsite")).unwrap();
    std::fs::write(root.join(".git/incsite"), "").unwrap();
    assert_eq!(history_json(&root), want);
    assert_eq!(std::fs::read(root.join(".git/incsite")).unwrap(), b"");
}

#[test]
fn a_linked_worktree_shares_the_repository_s_cache() {
    let (tmp, root, _) = git_site(10, 8);
    let other = tmp.path().join("other");
    git(&root, &["worktree", "add", "-q", "-b", "other", other.to_str().unwrap()]);
    let want = history_json(&other);
    assert!(root.join(".git/incsite/history-v2").is_file());
    assert_eq!(git(&other, &["status", "--porcelain", "--ignored"]), "");
    assert_eq!(history_json(&root), want, "the main work tree reads the same cache");
}

#[test]
fn the_tracker_lists_the_latest_closed_items_and_the_archive_every_one_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    gen::generate(&root, &gen::Options::new(400, 3)).unwrap();
    let out = tmp.path().join("public");
    let run = build(&root, &out);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let read = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    let action_ids = |html: &str| -> Vec<String> {
        html.split(r#"<span class="muted action-id">"#).skip(1).map(|s| s[..s.find('<').unwrap()].to_string()).collect()
    };

    let tracker = read("actions/index.html");
    let done_total: usize = {
        let at = tracker.find(r##"<a href="#done">Done ("##).unwrap() + r##"<a href="#done">Done ("##.len();
        tracker[at..at + tracker[at..].find(')').unwrap()].parse().unwrap()
    };
    assert!(done_total > 250, "the site must need two archive pages, it has {done_total} done items");
    let done_section =
        &tracker[tracker.find(r#"<h2 id="done""#).unwrap()..tracker.find(r#"<h2 id="wont-do""#).unwrap()];
    assert_eq!(action_ids(done_section).len(), 20, "the tracker shows the 20 latest");
    assert!(done_section.contains(&format!("The 20 most recently closed of {done_total}.")), "{done_section}");
    assert!(done_section.contains(r#"<a href="../actions/done/">Every done item</a>"#));

    let first = read("actions/done/index.html");
    let second = read("actions/done/2/index.html");
    let pages = done_total.div_ceil(250);
    assert!(
        out.join(format!("actions/done/{pages}")).exists() && !out.join(format!("actions/done/{}", pages + 1)).exists()
    );
    assert!(first.contains(&format!("Items 1–250 of {done_total}")), "{first}");
    assert!(first.contains(r#"<a class="chip" href="../../actions/done/2/" rel="next">Older</a>"#), "{first}");
    assert!(second.contains(r#"<a class="chip" href="../../../actions/done/" rel="prev">Newer</a>"#), "{second}");
    assert!(second.contains(r#"href="../../../incidents/"#), "links from the deeper page are relative to it");
    let mut archived: Vec<String> = action_ids(&first);
    archived.extend(action_ids(&second));
    for page in 3..=pages {
        archived.extend(action_ids(&read(&format!("actions/done/{page}/index.html"))));
    }
    assert_eq!(archived.len(), done_total);
    assert_eq!(&archived[..20], &action_ids(done_section)[..], "the tracker's latest are the archive's first");
    let unique: std::collections::BTreeSet<&String> = archived.iter().collect();
    assert_eq!(unique.len(), done_total, "every done item once");
}
