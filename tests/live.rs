//! The incident commands end to end (`ack`, `update`, `mitigate`, `resolve`, `note`, `decision`,
//! `action`, `handoff`, `severity`, `status`): each record comes out byte-identical except for the
//! lines added or the one value changed, and every refusal leaves every file as it was.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CHECKOUT: &str = "content/incidents/2026/2026-03-04-checkout.md";
const SEARCH: &str = "content/incidents/2026/2026-03-05-slow-search.md";

fn incsite(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    // No user.name from the machine running the tests: HOME and XDG point at nothing.
    cmd.current_dir(root)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .env("HOME", root.join(".no-home"))
        .env("XDG_CONFIG_HOME", root.join(".no-home"))
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

fn read(root: &Path, file: &str) -> String {
    String::from_utf8(std::fs::read(root.join(file)).unwrap()).unwrap()
}

/// Every file of the site, for "nothing changed".
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Runs a command that must succeed and prints the edited file's path.
fn ok(root: &Path, args: &[&str]) -> String {
    let out = incsite(root).args(args).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{args:?}: {stderr}");
    stdout.trim().to_string()
}

/// Runs a command that must be refused (exit 1) without changing any file; returns its stderr.
fn refused(root: &Path, args: &[&str]) -> String {
    let before = snapshot(root);
    let out = incsite(root).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(snapshot(root) == before, "{args:?} changed a file");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    stderr
}

fn check_passes(root: &Path) {
    let out = incsite(root).arg("check").output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// The checkout record with `entry` inserted where the timeline ends (before its trailing comment).
fn with_entry(text: &str, entry: &str) -> String {
    let marker = "  # Next: acknowledged";
    assert!(text.contains(marker));
    text.replacen(marker, &format!("{entry}{marker}"), 1)
}

#[test]
fn each_command_adds_its_lines_and_changes_nothing_else() {
    let site = common::copy_site("live");
    let root = site.path();
    let original = read(root, CHECKOUT);

    assert_eq!(ok(root, &["ack", "INC-2026-0042", "--by", "Alice Chen", "--at", "2026-03-04T09:18:00Z"]), CHECKOUT);
    let mut want = with_entry(&original, "  - at: 2026-03-04T09:18:00Z\n    event: acknowledged\n    by: Alice Chen\n");
    assert_eq!(read(root, CHECKOUT), want);

    let text = "Cause: deploy #8812 -- \"rolling back\"; it's 'bad'\nSee: https://x.example/#a";
    // 09:40+01:00 is 08:40Z, before detection (09:15Z): refused.
    let err = refused(
        root,
        &["update", "INC-2026-0042", "--status", "identified", text, "--at", "2026-03-04T09:40:00+01:00"],
    );
    assert!(err.contains("before the incident was detected"), "{err}");
    ok(
        root,
        &[
            "update",
            "INC-2026-0042",
            "--status",
            "identified",
            text,
            "--at",
            "2026-03-04T10:40:00+01:00",
            "--by",
            "Carol Ng",
        ],
    );
    want = with_entry(
        &want,
        "  - at: 2026-03-04T09:40:00Z\n    event: update\n    status: identified\n    text: \"Cause: deploy #8812 -- \\\"rolling back\\\"; it's 'bad'\\nSee: https://x.example/#a\"\n    by: Carol Ng\n",
    );
    // The one value changed, its comment kept.
    want = want.replace("status: \"investigating\"   # investigating", "status: identified   # investigating");
    assert_eq!(read(root, CHECKOUT), want);

    ok(root, &["severity", "INC-2026-0042", "SEV-1", "--at", "2026-03-04T09:41:00Z", "--by", "Alice Chen"]);
    want = with_entry(
        &want,
        "  - at: 2026-03-04T09:41:00Z\n    event: severity\n    from: SEV-2\n    to: SEV-1\n    by: Alice Chen\n",
    )
    .replace("severity: SEV-2\n", "severity: SEV-1\n");
    assert_eq!(read(root, CHECKOUT), want);

    ok(
        root,
        &["handoff", "INC-2026-0042", "ic", "--to", "Frank Li", "--at", "2026-03-04T09:50:00Z", "--by", "Alice Chen"],
    );
    want = with_entry(
        &want,
        "  - at: 2026-03-04T09:50:00Z\n    event: handoff\n    role: incident_commander\n    from: Alice Chen\n    to: Frank Li\n    by: Alice Chen\n",
    )
    .replace("  ic: Alice Chen          # the commander", "  ic: [Alice Chen, Frank Li]          # the commander");
    assert_eq!(read(root, CHECKOUT), want);

    ok(
        root,
        &[
            "note",
            "INC-2026-0042",
            "Error",
            "rate",
            "at",
            "baseline.",
            "--at",
            "2026-03-04T10:05:00Z",
            "--by",
            "Bob Diaz",
        ],
    );
    ok(
        root,
        &[
            "decision",
            "INC-2026-0042",
            "Freeze deploys: until Monday",
            "--at",
            "2026-03-04T10:06:00Z",
            "--by",
            "Frank Li",
        ],
    );
    ok(root, &["action", "INC-2026-0042", "Paged the DB team", "--at", "2026-03-04T10:07:00Z", "--by", "Frank Li"]);
    ok(
        root,
        &[
            "note",
            "INC-2026-0042",
            "--public",
            "Café ☕ naïve — 日本語",
            "--at",
            "2026-03-04T10:08:00Z",
            "--by",
            "Bob Diaz",
        ],
    );
    ok(root, &["mitigate", "INC-2026-0042", "--at", "2026-03-04T10:10:00Z", "--by", "Dave Park"]);
    want = with_entry(
        &want,
        "  - at: 2026-03-04T10:05:00Z\n    event: note\n    text: Error rate at baseline.\n    by: Bob Diaz\n\
         \x20 - at: 2026-03-04T10:06:00Z\n    event: decision\n    text: \"Freeze deploys: until Monday\"\n    by: Frank Li\n\
         \x20 - at: 2026-03-04T10:07:00Z\n    event: action\n    text: Paged the DB team\n    by: Frank Li\n\
         \x20 - at: 2026-03-04T10:08:00Z\n    event: note\n    text: \"Café ☕ naïve — 日本語\"\n    by: Bob Diaz\n    public: true\n\
         \x20 - at: 2026-03-04T10:10:00Z\n    event: mitigated\n    by: Dave Park\n",
    );
    assert_eq!(read(root, CHECKOUT), want);

    ok(
        root,
        &["resolve", "INC-2026-0042", "Checkout works again.", "--at", "2026-03-04T10:40:00Z", "--by", "Frank Li"],
    );
    want = with_entry(
        &want,
        "  - at: 2026-03-04T10:40:00Z\n    event: resolved\n    text: Checkout works again.\n    by: Frank Li\n",
    )
    .replace("status: identified   #", "status: resolved   #");
    assert_eq!(read(root, CHECKOUT), want);
    assert!(want.ends_with("action_items: []\n---\n## Summary\n\nWritten after the incident.\n"));
    check_passes(root);

    // A second resolution, in either spelling, is refused.
    let err = refused(root, &["resolve", "INC-2026-0042", "--at", "2026-03-04T10:50:00Z", "--by", "X"]);
    assert!(err.contains("milestone-repeated"), "{err}");
    let err =
        refused(root, &["update", "INC-2026-0042", "--status", "resolved", "Done.", "--at", "2026-03-04T10:50:00Z"]);
    assert!(err.contains("milestone-repeated"), "{err}");
}

#[test]
fn a_crlf_record_stays_crlf() {
    let site = common::copy_site("live");
    let root = site.path();
    let original = read(root, SEARCH);
    assert!(original.contains("\r\n"));
    ok(
        root,
        &[
            "note",
            "2026-03-05-slow-search",
            "Index rebuilt: 40% done",
            "--at",
            "2026-03-05T07:20:00Z",
            "--by",
            "Dave Park",
        ],
    );
    let added =
        "- at: 2026-03-05T07:20:00Z\r\n  event: note\r\n  text: \"Index rebuilt: 40% done\"\r\n  by: Dave Park\r\n";
    let expect = original.replacen("Search is slow.}\r\n", &format!("Search is slow.}}\r\n{added}"), 1);
    assert_eq!(read(root, SEARCH), expect);
    ok(
        root,
        &[
            "handoff",
            "2026-03-05-slow-search",
            "resolver",
            "--to",
            "Erin Wu",
            "--at",
            "2026-03-05T07:21:00Z",
            "--by",
            "Dave Park",
        ],
    );
    let text = read(root, SEARCH);
    assert!(text.contains("roles: {resolver: [Dave Park, Erin Wu]}\r\n"), "{text}");
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF: {text:?}");
    check_passes(root);
}

#[test]
fn refusals_change_nothing_and_say_why() {
    let site = common::copy_site("live");
    let root = site.path();
    let at = ["--at", "2026-03-04T10:00:00Z", "--by", "Alice Chen"];
    let cases: &[(&[&str], &str)] = &[
        (&["update", "INC-2026-0042", "--status", "fixing", "We are on it."], "unknown status `fixing`"),
        (&["update", "INC-2026-0042", "--status", "identifed", "We are on it."], "did you mean `identified`?"),
        (&["note", "INC-2026-042", "x"], "did you mean `INC-2026-0042`?"),
        (&["note", "NOPE", "x"], "no incident with id `NOPE`"),
        (&["resolve", "INC-2026-0010"], "milestone-repeated"),
        (&["severity", "INC-2026-0042", "SEV-2"], "already SEV-2"),
        (&["severity", "INC-2026-0042", "SEV-9"], "unknown severity `SEV-9`"),
        (&["handoff", "INC-2026-0042", "pilot", "--to", "Zoe"], "unknown role `pilot`"),
        (&["handoff", "INC-2026-0042", "resolver", "--to", "Zoe"], "--from"),
        (&["ack", "MNT-2026-03-db"], "maintenance window"),
        (&["note", "INC-2026-0042", " "], "the text is empty"),
    ];
    for (args, says) in cases {
        let mut all = args.to_vec();
        all.extend(at);
        let err = refused(root, &all);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let err = refused(root, &["ack", "INC-2026-0042", "--by", "A", "--at", "2026-03-04T10:00:00"]);
    assert!(err.contains("no UTC offset") && err.contains("2026-03-04T10:00:00Z"), "{err}");
    let err = refused(root, &["ack", "INC-2026-0042", "--by", "A", "--at", "2026-03-04T09:00:00Z"]);
    assert!(err.contains("before the incident was detected"), "{err}");
    let err = refused(root, &["ack", "INC-2026-0042", "--at", "2026-03-04T10:00:00Z"]);
    assert!(err.contains("--by"), "no git user.name here: {err}");
    // An acknowledgement after the mitigation is an error the edit would introduce, caught by the
    // same check as `incsite check`.
    ok(root, &["mitigate", "INC-2026-0042", "--at", "2026-03-04T10:30:00Z", "--by", "A"]);
    let err = refused(root, &["ack", "INC-2026-0042", "--by", "A", "--at", "2026-03-04T10:40:00Z"]);
    assert!(err.contains("milestone-order") && err.contains("is earlier than `acknowledged`"), "{err}");
}

#[test]
fn by_defaults_to_git_s_user_name() {
    let site = common::copy_site("live");
    let root = site.path();
    let home = root.join(".no-home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(".gitconfig"), "[user]\n\tname = Grace Hopper\n").unwrap();
    ok(root, &["ack", "INC-2026-0042", "--at", "2026-03-04T09:20:00Z"]);
    assert!(read(root, CHECKOUT).contains("    event: acknowledged\n    by: Grace Hopper\n"));
}

#[test]
fn new_prints_the_id_the_next_command_takes() {
    let site = common::copy_site("live");
    let root = site.path();
    let out = incsite(root)
        .args([
            "new",
            "Payments down",
            "--severity",
            "SEV-1",
            "--service",
            "api=major",
            "--now",
            "2026-03-06T12:00:00Z",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let lines = [lines[0].strip_prefix(&format!("{}/", root.display())).unwrap_or(lines[0]), lines[1]];
    assert_eq!(lines[0], "content/incidents/2026/2026-03-06-payments-down.md", "{stdout}");
    assert_eq!(lines[1], "INC-2026-0043");
    let id = lines[1];
    assert_eq!(ok(root, &["ack", id, "--by", "Alice Chen", "--at", "2026-03-06T12:02:00Z"]), lines[0]);
    // The roles `new` left as placeholders are taken, not handed over.
    ok(root, &["handoff", id, "ic", "--to", "Alice Chen", "--at", "2026-03-06T12:03:00Z", "--by", "Alice Chen"]);
    let text = read(root, lines[0]);
    assert!(text.contains("  incident_commander: Alice Chen\n"), "{text}");
    assert!(text.contains("    event: note\n    text: Alice Chen takes the role of Incident Commander.\n"), "{text}");
    // Each empty seat of a role for two is taken in turn; then the record passes.
    ok(root, &["handoff", id, "resolver", "--to", "Dave Park", "--at", "2026-03-06T12:04:00Z", "--by", "A"]);
    ok(root, &["handoff", id, "resolver", "--to", "Erin Wu", "--at", "2026-03-06T12:04:00Z", "--by", "A"]);
    let text = read(root, lines[0]);
    assert!(
        text.contains("  resolver:                  # at least 2 people\n    - Dave Park\n    - Erin Wu\n"),
        "{text}"
    );
    ok(root, &["resolve", id, "--at", "2026-03-06T13:00:00Z", "--by", "A"]);
    check_passes(root);
}

fn status(root: &Path, now: &str) -> Value {
    let out = incsite(root).args(["status", "--format", "json", "--now", now]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn status_figures() {
    let site = common::copy_site("live");
    let root = site.path();
    let b = status(root, "2026-03-05T07:30:00Z");
    let ids: Vec<&str> = b["incidents"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["INC-2026-0042", "2026-03-05-slow-search"], "open ones, most severe first");
    let checkout = &b["incidents"][0];
    assert_eq!(checkout["severity"], "SEV-2");
    assert_eq!(checkout["age_s"], 80100, "22h 15m since detection");
    assert_eq!(checkout["last_public_update_at"], "2026-03-04T09:25:00Z");
    assert_eq!(checkout["update_every_s"], 3600);
    assert_eq!(checkout["next_update_due_at"], "2026-03-04T10:25:00Z");
    assert_eq!(checkout["update_due_in_s"], -75900);
    let roles: Vec<&str> = checkout["roles"].as_array().unwrap().iter().map(|r| r["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["incident_commander", "communicator", "resolver"]);
    assert_eq!(checkout["roles_missing"], serde_json::json!([]));
    let search = &b["incidents"][1];
    assert_eq!(search["update_every_s"], Value::Null, "SEV-3 has no cadence");
    assert_eq!(search["age_s"], 1800);
    assert_eq!(b["maintenance"][0]["id"], "MNT-2026-03-db");
    assert_eq!(b["maintenance"][0]["phase"], "upcoming");
    assert_eq!(b["maintenance"][0]["in_s"], 14 * 3600 + 1800);
    assert_eq!(b["postmortems_due"][0]["id"], "INC-2026-0010");
    assert_eq!(b["postmortems_due"][0]["due_at"], "2026-02-06T10:40:00Z");
    assert_eq!(b["postmortems_due"][0]["status"], "draft");
    assert_eq!(b["actions_overdue"][0]["id"], "AI-7");
    assert_eq!(b["actions_overdue"][0]["days_overdue"], 13);

    // The cadence in words, and the roles a new severity asks for.
    let human = |now: &str| {
        let out = incsite(root).args(["status", "--now", now]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let text = human("2026-03-04T10:21:00Z");
    assert!(text.contains("INC-2026-0042  SEV-2  investigating  Checkout: 502s"), "{text}");
    assert!(text.contains("last public update 56 min ago (09:25 UTC): update due in 4 min"), "{text}");
    assert!(text.contains("upcoming 2026-03-05 22:00 UTC to 2026-03-05 23:00 UTC"), "{text}");
    assert!(!text.contains("slow-search"), "not begun yet at that time: {text}");
    assert!(human("2026-03-04T10:31:00Z").contains("update overdue by 6 min"));
    ok(root, &["severity", "INC-2026-0042", "SEV-1", "--at", "2026-03-04T09:30:00Z", "--by", "A"]);
    let text = human("2026-03-04T09:50:00Z");
    assert!(text.contains("update due in 5 min"), "SEV-1 asks every 30m: {text}");
    assert!(
        text.contains("roles: incident_commander Alice Chen; communicator Carol Ng; resolver Dave Park, Erin Wu"),
        "{text}"
    );
}

#[test]
fn completions_offer_ids_and_statuses() {
    let site = common::copy_site("live");
    let root = site.path();
    let out = incsite(root).arg("complete-ids").output().unwrap();
    let ids = String::from_utf8(out.stdout).unwrap();
    assert_eq!(ids.lines().take(2).collect::<Vec<_>>().len(), 2);
    for id in ["INC-2026-0042", "2026-03-05-slow-search", "INC-2026-0010"] {
        assert!(ids.lines().any(|l| l == id), "{ids}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = incsite(root).args(["completions", shell]).output().unwrap();
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("complete-ids"), "{shell} asks incsite for ids");
        assert!(script.contains("investigating") && script.contains("monitoring"), "{shell} offers statuses");
    }
    let zsh = String::from_utf8(incsite(root).args(["completions", "zsh"]).output().unwrap().stdout).unwrap();
    assert!(zsh.starts_with("#compdef incsite\n"));
    assert!(zsh.contains(":_incsite_ids"), "the ID arguments complete ids in zsh");
}

#[test]
fn a_killed_write_leaves_the_old_file_and_nothing_that_is_read() {
    let site = common::copy_site("live");
    let root = site.path();
    let original = read(root, CHECKOUT);
    // What a command killed before its rename leaves: half of the new text in a hidden temporary
    // file beside the record (see atomic.rs), the record itself untouched.
    let half = &original[..original.len() / 2];
    std::fs::write(root.join("content/incidents/2026/.incsite-AbC123.tmp"), half).unwrap();
    check_passes(root);
    assert_eq!(read(root, CHECKOUT), original);
    // The next command works as if nothing happened.
    ok(root, &["note", "INC-2026-0042", "After the crash", "--at", "2026-03-04T10:00:00Z", "--by", "Bob"]);
    assert_eq!(
        read(root, CHECKOUT),
        with_entry(
            &original,
            "  - at: 2026-03-04T10:00:00Z\n    event: note\n    text: After the crash\n    by: Bob\n"
        )
    );
}
