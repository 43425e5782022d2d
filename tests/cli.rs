//! The smaller commands end to end: `new`, `init`, `schema` and `completions`, run as the real
//! binary on the demo site and on sites made in temporary folders.

use assert_cmd::Command;
use incsite::yaml::{Node, Value as Yaml};
use predicates::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-03-15T10:00:00Z";

fn incsite() -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh site made by `incsite init` (dated from [`NOW`]).
fn init_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    incsite().arg("init").arg(dir.path()).args(["--now", NOW]).assert().success();
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---- schema -----------------------------------------------------------------------------------

/// A YAML tree as JSON, as an editor's YAML support sees it: plain `true`/`false` and numbers
/// typed, `null`/`~`/empty as null, everything else a string.
fn to_json(node: &Node) -> Value {
    match &node.value {
        _ if node.is_null() => Value::Null,
        Yaml::Scalar { text, plain: true } if text == "true" || text == "false" => Value::Bool(text == "true"),
        Yaml::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => {
            serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_string()))
        }
        Yaml::Scalar { text, .. } => Value::String(text.to_string()),
        Yaml::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Map(entries) => Value::Object(
            entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v))).collect(),
        ),
    }
}

/// The front matter of a record file as JSON.
fn front_matter(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let split = incsite::record::split_front_matter(&path.display().to_string(), &bytes).unwrap();
    to_json(&incsite::yaml::parse(&split.matter).unwrap().unwrap())
}

fn demo_records() -> Vec<PathBuf> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(repo().join("content/incidents"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert!(files.len() >= 5, "the demo site has records");
    files
}

fn schema_for(args: &[&str], dir: &Path) -> Value {
    let out = incsite().current_dir(dir).arg("schema").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("schema prints JSON");
    jsonschema::meta::validate(&schema).expect("a valid JSON Schema");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    schema
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn every_demo_record_validates_against_the_schema() {
    for args in [&[][..], &["--generic"][..]] {
        let schema = schema_for(args, &repo());
        let validator = jsonschema::validator_for(&schema).unwrap();
        for path in demo_records() {
            let record = front_matter(&path);
            let problems = errors(&validator, &record);
            assert!(problems.is_empty(), "{} {args:?}: {problems:#?}", path.display());
        }
    }
}

#[test]
fn the_schema_rejects_what_check_rejects() {
    let site = schema_for(&[], &repo());
    let generic = schema_for(&["--generic"], &repo());
    let base = front_matter(&repo().join("content/incidents/2026/2026-01-14-api-error-rate.md"));
    let with = |pointer: &str, value: Value| {
        let mut record = base.clone();
        *record.pointer_mut(pointer).unwrap() = value;
        record
    };
    let mut unknown_key = base.clone();
    unknown_key["sevirity"] = json!("SEV-2");
    let mut unknown_event_key = base.clone();
    unknown_event_key["timeline"][0]["txt"] = json!("typo");
    let mut no_detected = base.clone();
    no_detected["timeline"].as_array_mut().unwrap().retain(|e| e["event"] != "detected");
    let mut no_title = base.clone();
    no_title.as_object_mut().unwrap().remove("title");
    let bad = [
        ("unknown key", unknown_key),
        ("unknown key in an event", unknown_event_key),
        ("bad status", with("/status", json!("resolvd"))),
        ("maintenance status on an incident", with("/status", json!("completed"))),
        ("bad event kind", with("/timeline/0/event", json!("begun"))),
        ("time without offset", with("/timeline/0/at", json!("2026-01-14T14:02:00"))),
        ("bad date", with("/action_items/0/due", json!("21.01.2026"))),
        ("bad impact level", with("/impact/public-api", json!("down"))),
        ("update without text", with("/timeline/3/text", Value::Null)),
        ("no detected event", no_detected),
        ("no title", no_title),
    ];
    for schema in [&site, &generic] {
        let validator = jsonschema::validator_for(schema).unwrap();
        assert!(validator.is_valid(&base), "{:#?}", errors(&validator, &base));
        for (what, record) in &bad {
            assert!(!validator.is_valid(record), "{what} must not validate");
        }
    }
    // Only the site's schema knows its severities, services and roles.
    let site_only = [
        ("unknown severity", with("/severity", json!("SEV-9"))),
        ("unknown service", with("/impact", json!({"pubic-api": "partial"}))),
        ("unknown role", with("/roles", json!({"captain": "Marcus Okafor"}))),
    ];
    let (site, generic) = (jsonschema::validator_for(&site).unwrap(), jsonschema::validator_for(&generic).unwrap());
    for (what, record) in &site_only {
        assert!(!site.is_valid(record), "{what} must not validate against the site's schema");
        assert!(generic.is_valid(record), "{what} is fine for the generic schema");
    }
    // Role names are matched as the policy matches them: any case, `-` or `_`.
    assert!(site.is_valid(&with("/roles", json!({"IC": "A", "Technical-Lead": "B", "comms": ["C", "D"]}))));
}

#[test]
fn schema_outside_a_site_is_generic() {
    let dir = tempfile::tempdir().unwrap();
    let schema = schema_for(&[], dir.path());
    assert!(schema["properties"]["severity"].get("enum").is_none(), "no severity list outside a site");
    assert!(schema_for(&[], &repo())["properties"]["severity"]["enum"].to_string().contains("SEV-1"));
}

// ---- completions ------------------------------------------------------------------------------

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = incsite().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = stdout(&out);
        assert!(script.contains("incsite") && script.contains("check"), "{shell}: {script}");
    }
    incsite().args(["completions", "tcsh"]).assert().code(2);
}

// ---- init -------------------------------------------------------------------------------------

#[test]
fn init_makes_a_site_that_checks_cleanly() {
    let dir = init_site();
    let root = dir.path();
    for file in [
        "incsite.toml",
        "schema/severities.yaml",
        "schema/roles.yaml",
        "schema/services.yaml",
        "content/incidents/2026/2026-03-01-slow-order-listings.md",
        "content/runbooks/rollback-a-deploy.md",
        ".github/workflows/incsite.yml",
        ".gitignore",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    assert_eq!(std::fs::read_to_string(root.join("schema/roles.yaml")).unwrap(), incsite::schema::DEFAULT_ROLES);
    assert!(std::fs::read_to_string(root.join(".gitignore")).unwrap().lines().any(|l| l == "/public"));
    let workflow = std::fs::read_to_string(root.join(".github/workflows/incsite.yml")).unwrap();
    assert!(incsite::yaml::parse(&workflow).is_ok(), "the workflow is YAML");
    assert!(workflow.contains("incsite check --format github") && workflow.contains("upload-pages-artifact"));
    // Clean but for the placeholders to replace (tests/init_ci.rs): no error, no other warning,
    // not even a note about missing schema files.
    let out = incsite().current_dir(root).args(["check", "--format", "json", "--now", NOW]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|d| d["code"] == "init-placeholder"), "{found:#?}");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    // The example also validates against the schema of the site it is in.
    let schema = schema_for(&[], root);
    let example = front_matter(&root.join("content/incidents/2026/2026-03-01-slow-order-listings.md"));
    assert!(jsonschema::is_valid(&schema, &example));
}

#[test]
fn init_again_never_overwrites() {
    let dir = init_site();
    let root = dir.path();
    let settings = root.join("incsite.toml");
    std::fs::write(&settings, "title = \"Mine\"\n").unwrap();
    std::fs::remove_file(root.join(".gitignore")).unwrap();
    let out = incsite().arg("init").arg(root).args(["--now", NOW]).output().unwrap();
    assert!(out.status.success());
    let report = stdout(&out);
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "title = \"Mine\"\n", "user's file kept");
    assert!(report.contains("skipped  incsite.toml"), "{report}");
    assert!(report.contains("created  .gitignore"), "{report}");
    // With records present, no second example incident is added.
    let records = walkdir::WalkDir::new(root.join("content/incidents"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "md"))
        .count();
    assert_eq!(records, 1);
}

#[test]
fn init_into_an_existing_repository_keeps_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("content/incidents/old.md");
    std::fs::create_dir_all(own.parent().unwrap()).unwrap();
    std::fs::write(&own, "---\ntitle: Old\n---\n").unwrap();
    let out = incsite().arg("init").arg(dir.path()).args(["--now", NOW]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("content/incidents already holds records"), "{}", stdout(&out));
    assert!(!dir.path().join("content/incidents/2026").exists());
    assert_eq!(std::fs::read_to_string(&own).unwrap(), "---\ntitle: Old\n---\n");
}

// ---- new --------------------------------------------------------------------------------------

fn new_record(root: &Path, args: &[&str]) -> PathBuf {
    let out = incsite().current_dir(root).arg("new").args(args).args(["--now", NOW]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    let [path, id] = lines.as_slice() else { panic!("prints the path, then the id: {printed}") };
    let path = PathBuf::from(path);
    assert!(path.is_file(), "prints the path it wrote: {printed}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(id.starts_with("INC-") && text.contains(&format!("\nid: {id} ")), "prints the id it wrote: {printed}");
    path
}

#[test]
fn new_writes_the_next_id_at_the_dated_path() {
    let dir = init_site();
    let root = dir.path();
    let path = new_record(
        root,
        &[
            "Checkout API returning 502s!",
            "--severity",
            "SEV-2",
            "--service",
            "public-api=major",
            "--service",
            "webhooks",
        ],
    );
    assert_eq!(
        path.canonicalize().unwrap(),
        root.join("content/incidents/2026/2026-03-15-checkout-api-returning-502s.md").canonicalize().unwrap()
    );
    let record = front_matter(&path);
    assert_eq!(record["id"], "INC-2026-0002", "one more than the example's INC-2026-0001");
    assert_eq!(record["title"], "Checkout API returning 502s!");
    assert_eq!(record["severity"], "SEV-2");
    assert_eq!(record["status"], "investigating");
    assert_eq!(record["visibility"], "public");
    assert_eq!(record["impact"], json!({"public-api": "major", "webhooks": "partial"}));
    assert_eq!(record["timeline"][0], json!({"at": NOW, "event": "detected"}));
    assert_eq!(record["timeline"][1]["event"], "update");
    assert_eq!(record["timeline"][1]["status"], "investigating");
    assert!(record["timeline"][1]["text"].as_str().unwrap().starts_with("We are investigating reports of"));
    // SEV-2 requires an incident commander, a communicator and a resolver: placeholders to fill.
    let roles = record["roles"].as_object().unwrap();
    assert_eq!(roles.keys().collect::<Vec<_>>(), ["communicator", "incident_commander", "resolver"]);
    assert!(roles.values().all(|p| p.as_str().unwrap().starts_with("TBD")));

    // The record passes check as written (the TBD people are for the responder to replace).
    let out = incsite().current_dir(root).args(["check", "--now", NOW]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // …and validates against the site's schema.
    assert!(jsonschema::is_valid(&schema_for(&[], root), &record));

    // The next record takes the next number; private and with a SEV-1's two resolvers.
    let second = new_record(root, &["Customer data visible to other accounts", "-s", "sev-1", "--private"]);
    let second = front_matter(&second);
    assert_eq!(second["id"], "INC-2026-0003");
    assert_eq!(second["severity"], "SEV-1", "written as the policy spells it");
    assert_eq!(second["visibility"], "private");
    assert_eq!(second["roles"]["resolver"].as_array().map(Vec::len), Some(2));
    incsite().current_dir(root).args(["check", "--now", NOW]).assert().code(0);
}

#[test]
fn new_never_overwrites_a_file() {
    let dir = init_site();
    let root = dir.path();
    let first = new_record(root, &["Slow dashboard", "--severity", "SEV-3"]);
    let before = std::fs::read_to_string(&first).unwrap();
    let second = new_record(root, &["Slow dashboard", "--severity", "SEV-3"]);
    assert_ne!(first, second);
    assert!(second.to_string_lossy().ends_with("2026-03-15-slow-dashboard-2.md"), "{}", second.display());
    assert_eq!(std::fs::read_to_string(&first).unwrap(), before, "the first record is untouched");
    assert_ne!(front_matter(&first)["id"], front_matter(&second)["id"]);
    incsite().current_dir(root).args(["check", "--now", NOW]).assert().code(0);
}

#[test]
fn new_refuses_unknown_names_with_a_suggestion() {
    let dir = init_site();
    let root = dir.path();
    incsite()
        .current_dir(root)
        .args(["new", "Down", "--severity", "SEV2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `SEV-2`?"));
    incsite()
        .current_dir(root)
        .args(["new", "Down", "--severity", "SEV-9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean").not().and(predicate::str::contains("`SEV-4`")));
    incsite()
        .current_dir(root)
        .args(["new", "Down", "--severity", "SEV-1", "--service", "pubilc-api"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `public-api`?"));
    incsite()
        .current_dir(root)
        .args(["new", "Down", "--severity", "SEV-1", "--service", "public-api=down"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("impact level"));
    assert!(!root
        .join("content/incidents/2026")
        .read_dir()
        .unwrap()
        .any(|e| { e.unwrap().file_name().to_string_lossy().contains("down") }));
}
