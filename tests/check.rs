//! `incsite check` end to end: the real binary on the fixture sites under tests/sites/, in every
//! output format, with its exit codes.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const NOW: &str = "2026-06-01T00:00:00Z";

fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("sites")
}

fn incsite() -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

/// Runs `incsite check` with `args` at `root`; returns (exit code, stdout, stderr).
fn check(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = incsite().arg("--root").arg(root).arg("check").args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn json(stdout: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("not an array: {stdout}"))
}

/// `file:line code level` for each diagnostic.
fn keys(diags: &[Value]) -> BTreeSet<String> {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["code"].as_str().unwrap(),
                d["level"].as_str().unwrap()
            )
        })
        .collect()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_valid_site_is_clean_found_from_its_own_directory() {
    let out = incsite().current_dir(sites().join("valid")).args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&String::from_utf8_lossy(&out.stdout)), Vec::<Value>::new());
}

#[test]
fn the_bad_site_reports_exactly_what_expected_txt_lists() {
    let root = sites().join("bad");
    let expected: BTreeSet<String> = std::fs::read_to_string(root.join("expected.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let (code, stdout, stderr) = check(&root, &["--format", "json", "--now", NOW]);
    assert_eq!(code, 1, "{stderr}");
    let diags = json(&stdout);
    let got = keys(&diags);
    let missing: Vec<&String> = expected.difference(&got).collect();
    let unexpected: Vec<&String> = got.difference(&expected).collect();
    assert!(missing.is_empty() && unexpected.is_empty(), "missing: {missing:#?}\nunexpected: {unexpected:#?}");
    // Each diagnostic once, with the documented shape.
    assert_eq!(diags.len(), expected.len(), "{stdout}");
    for d in &diags {
        assert!(d["line"].as_u64().unwrap() >= 1);
        assert!(d["column"].is_null() || d["column"].as_u64().unwrap() >= 1, "{d}");
        assert!(!d["message"].as_str().unwrap().is_empty(), "{d}");
    }
    // Every record file in the bad site declares its problem.
    for entry in std::fs::read_dir(root.join("content/incidents")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let prefix = format!("content/incidents/{name}:");
        assert!(expected.iter().any(|e| e.starts_with(&prefix)), "{name} has no line in expected.txt");
    }
}

#[test]
fn github_format_prints_annotations() {
    let (code, stdout, _) = check(&sites().join("bad"), &["--format", "github", "--now", NOW]);
    assert_eq!(code, 1);
    assert!(
        stdout.lines().any(|l| l.starts_with(
            "::error file=content/incidents/unknown-severity.md,line=3,col=11,title=unknown-severity::unknown severity `SEV1`"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("(did you mean `SEV-1`?)"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("::warning file=content/incidents/update-gap.md,line=17,")),
        "{stdout}"
    );
    assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
}

#[test]
fn human_format_shows_the_line_a_caret_and_a_suggestion() {
    let (code, stdout, _) = check(&sites().join("bad"), &["--now", NOW]);
    assert_eq!(code, 1);
    let at = stdout.find("error[unknown-severity]: unknown severity `SEV1`").expect(&stdout);
    let block: Vec<&str> = stdout[at..].lines().take(5).collect();
    assert_eq!(block[1].trim(), "--> content/incidents/unknown-severity.md:3:11", "{block:#?}");
    assert_eq!(block[3], "3 | severity: SEV1", "{block:#?}");
    assert_eq!(block[4], "  |           ^^^^ did you mean `SEV-1`?", "{block:#?}");
    assert!(stdout.contains("warning[update-gap]"), "{stdout}");
    assert!(stdout.trim_end().lines().last().unwrap().contains("errors"), "{stdout}");
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let site = common::copy_site("valid");
    write(
        site.path(),
        "content/incidents/undated.md",
        "---\ntitle: Undated\nseverity: SEV-3\nstatus: resolved\nroles: {resolver: Rita}\ntimeline:\n  - {at: 2026-05-01T10:00:00Z, event: detected}\n  - {at: 2026-05-01T11:00:00Z, event: resolved}\naction_items:\n  - {title: Fix, owner: Rita, due: 2026-05-02, status: done}\n---\n",
    );
    let (code, stdout, _) = check(site.path(), &["--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        keys(&json(&stdout)),
        BTreeSet::from(["content/incidents/undated.md:10 done-without-date warning".to_string()])
    );
    let (code, _, _) = check(site.path(), &["--format", "json", "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn no_site_root_is_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let out = incsite().current_dir(empty.path()).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no incsite.toml found"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_20_mb_body_is_fine() {
    let site = common::copy_site("valid");
    let mut text = String::from("---\ntitle: Long post-mortem\nseverity: SEV-3\nstatus: resolved\nroles: {resolver: Rita}\ntimeline:\n  - {at: 2026-05-01T10:00:00Z, event: detected}\n  - {at: 2026-05-01T11:00:00Z, event: resolved}\npostmortem: {status: published, facilitator: Gina}\n---\n## Summary\n\n## Impact\n\n");
    let paragraph =
        "The queue grew because the consumer was slow; `code` and *emphasis* and [a link](https://x.example).\n\n";
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(paragraph);
    }
    text.push_str("## Root Cause\n\nFound at the very end.\n");
    write(site.path(), "content/incidents/long.md", &text);
    let started = Instant::now();
    let (code, stdout, stderr) = check(site.path(), &["--format", "json"]);
    let took = started.elapsed();
    assert_eq!((code, stdout.trim()), (0, "[]"), "{stderr}");
    // Generous for a debug build on a busy machine; a quadratic scan would take minutes.
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn a_missing_schema_falls_back_to_the_defaults_with_a_note() {
    let site = tempfile::tempdir().unwrap();
    write(site.path(), "incsite.toml", "title = \"No schema\"\n");
    // `web-app` and SEV-3 come from the built-in schema, not from any file in this site.
    write(
        site.path(),
        "content/incidents/a.md",
        "---\ntitle: A\nseverity: SEV-3\nstatus: resolved\nimpact: {web-app: degraded}\nroles: {resolver: Rita}\ntimeline:\n  - {at: 2026-05-01T10:00:00Z, event: detected}\n  - {at: 2026-05-01T11:00:00Z, event: resolved}\n---\n",
    );
    let (code, stdout, stderr) = check(site.path(), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stderr.matches("note:").count(), 1, "{stderr}");
    assert!(stderr.contains("built-in defaults"), "{stderr}");
    assert!(stdout.contains("no problems"), "{stdout}");
    let (_, stdout, stderr) = check(site.path(), &["--format", "json"]);
    assert_eq!(stdout.trim(), "[]");
    assert_eq!(stderr.matches("note:").count(), 1, "the note goes to stderr in JSON mode too: {stderr}");
}

#[test]
fn settings_and_schema_mistakes_point_at_their_lines() {
    let site = common::copy_site("valid");
    write(site.path(), "incsite.toml", "title = \"x\"\n[metrics]\nmttr_form = \"detected\"\n");
    let roles = std::fs::read_to_string(site.path().join("schema/roles.yaml")).unwrap();
    write(site.path(), "schema/roles.yaml", &format!("{roles}  - id: scribe\n"));
    let sev = std::fs::read_to_string(site.path().join("schema/severities.yaml")).unwrap();
    let sev =
        sev.replace("respond_within: 1h", "respond_within: soon").replace("{resolver: 1}", "{resolver: 1, wizard: 1}");
    write(site.path(), "schema/severities.yaml", &sev);
    let (code, stdout, _) = check(site.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let got = keys(&json(&stdout));
    for want in [
        "incsite.toml:3 unknown-key error",
        "schema/roles.yaml:14 duplicate-id error",
        "schema/severities.yaml:21 bad-duration error",
        "schema/severities.yaml:22 unknown-role error",
    ] {
        assert!(got.contains(want), "{want} not in {got:#?}");
    }
}

#[test]
fn ids_of_runbooks_and_action_items_bytes_that_are_not_utf8_and_empty_schema_files_are_errors() {
    let site = common::copy_site("valid");
    let root = site.path();
    write(root, "content/runbooks/db failover.md", "---\ntitle: Fail over\n---\nSteps.\n");
    let rel = "content/incidents/2026/2026-05-01-email-delay.md";
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    write(
        root,
        rel,
        &text.replace(
            "  - title: Scale the mail queue workers",
            "  - id: \"A 1\"\n    title: Scale the mail queue workers",
        ),
    );
    let mut services = std::fs::read(root.join("schema/services.yaml")).unwrap();
    services.extend_from_slice(b"# caf\xe9\n");
    let bad_line = services.iter().filter(|&&b| b == b'\n').count();
    std::fs::write(root.join("schema/services.yaml"), services).unwrap();
    write(root, "schema/roles.yaml", "# nothing yet\n");
    // Problems in the files, not a site that cannot be read: exit 1, each at its file and line.
    let (code, stdout, _) = check(root, &["--format", "json"]);
    assert_eq!(code, 1, "{stdout}");
    let got = keys(&json(&stdout));
    for want in [
        "content/runbooks/db failover.md:1 bad-id error".to_string(),
        format!("{rel}:29 bad-id error"),
        format!("schema/services.yaml:{bad_line} not-utf8 error"),
        "schema/roles.yaml:1 empty-file error".to_string(),
    ] {
        assert!(got.contains(&want), "{want} not in {got:#?}");
    }
    // The rest of the services file is still read: its services are known.
    assert!(!got.iter().any(|k| k.contains("unknown-service")), "{got:#?}");
}

#[test]
fn the_demo_site_has_no_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stdout, stderr) = check(root, &["--format", "json"]);
    let errors: Vec<Value> = json(&stdout).into_iter().filter(|d| d["level"] == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn ten_thousand_records_check_without_quadratic_work() {
    use incsite::{check, config::Config, schema};
    let (policy, _) = schema::parse(&schema::SchemaSources { severities: None, roles: None, services: None });
    let config = Config::default();
    let template = std::fs::read_to_string(sites().join("valid/content/incidents/2026/2026-03-04-checkout.md"))
        .unwrap()
        .replace("api: major", "public-api: major")
        .replace("web: degraded", "web-app: degraded")
        .replace("runbooks: [db-failover, restart-api]\n", "");
    let template = template + "\n## Action Items\n";
    let (first, diags) = incsite::record::parse("content/incidents/0.md", template.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    let first = first.unwrap();
    // Parsed once and copied: this measures the rules, not the parser.
    let records: Vec<_> = (0..10_000)
        .map(|i| {
            let mut r = first.clone();
            r.path = format!("content/incidents/{i}.md");
            r.id.value = format!("INC-{i}");
            r.related[0].value = format!("INC-{}", (i + 1) % 10_000);
            std::sync::Arc::new(r)
        })
        .collect();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let input = check::Input { config: &config, policy: &policy, records: &records, runbooks: &[], now };
    let started = Instant::now();
    let diags = check::run(&input);
    let took = started.elapsed();
    assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(3)]);
    // Well under 0.5 s in a release build; this bound only catches quadratic work in a debug build.
    assert!(took < Duration::from_secs(3), "took {took:?}");
    eprintln!("check::run over 10,000 records: {took:?}");
}
