//! The synthetic-site generator (examples/gen.rs) that the benchmarks run on: its sites must be
//! clean under `incsite check`, the same seed must give the same bytes, and the records must have
//! the shape the benchmarks claim (severity mix, maintenance, private records).

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

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
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut opts = gen::Options::new(20, 5);
    opts.git = true;
    let s = gen::generate(&root, &opts).unwrap();
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
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut opts = gen::Options::new(40, 9);
    opts.git = true;
    gen::generate(&root, &opts).unwrap();
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
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let mut opts = gen::Options::new(40, 11);
    opts.git = true;
    gen::generate(&root, &opts).unwrap();
    let out = tmp.path().join("public");
    let run = Command::cargo_bin("incsite")
        .unwrap()
        .args(["build", "--now", gen::DEFAULT_NOW, "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    // stderr is not a terminal here: no spinner, no escape codes, just the summary.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("built ") && !stderr.contains('\u{1b}') && !stderr.contains('\r'), "{stderr}");
    assert!(out.join("index.html").is_file());
    let pages = files(&out.join("incidents"));
    assert!(pages.keys().filter(|k| k.ends_with("/index.html")).count() >= 39, "{}", pages.len());
}
